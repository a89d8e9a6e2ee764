import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { BadRequestError, systemContext, TenantContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { sha256Hex } from '@synq/crypto';
import { StripeAccount } from '@synq/database';
import { OAuthStateService } from '@synq/integrations';
import { StripeGateway } from './stripe.gateway';
import { PaymentsNotSetUpError } from './storefront.errors';

export const STRIPE_CONNECT = 'stripe_connect';
const STATE_TTL_MS = 24 * 3600_000;

export class InvalidStripeStateError extends BadRequestError {
  constructor() {
    super('This Stripe onboarding link is invalid, expired or was already used; start again from Integrations', 'INVALID_STATE', [{ field: 'state', message: 'state is invalid' }]);
  }
}

/**
 * Stripe Connect for the storefront: the merchant onboards (or finishes onboarding) a Standard
 * account through a Stripe-hosted account link; the return path, guarded by a single-use state bound
 * to the tenant, stores the `acct_…` id. Payments are then direct charges on that account.
 */
@Injectable()
export class StripeConnectService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
    private readonly states: OAuthStateService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private base(): string {
    return this.config.publicBaseUrl.replace(/\/+$/, '');
  }

  async connect(ctx: TenantContext, returnUrl?: string): Promise<{ url: string; account_id: string }> {
    const existing = await this.row(ctx.tenantId);
    const issued = await this.db.transaction(async (m) => {
      const s = await this.states.issue(ctx, STRIPE_CONNECT, { return_url: returnUrl ?? null }, STATE_TTL_MS, m);
      await this.audit.record(m, ctx, { action: 'stripe.connect_started', resourceType: 'stripe_account', resourceId: ctx.tenantId, after: { authorization_id: s.id } });
      return s;
    });
    // an account already linked (or being onboarded) is reused; otherwise a new Standard account,
    // remembered as pending so that clicking "connect" twice does not open a second one
    let accountId = existing?.accountId && existing.status !== 'disconnected' ? existing.accountId : null;
    if (!accountId) {
      accountId = await this.stripe.createAccount(ctx.tenantId, issued.id, ctx.email);
      await this.db.query(
        `INSERT INTO stripe_accounts (tenant_id, org_id, account_id, status) VALUES ($1, $2, $3, 'pending')
         ON CONFLICT (tenant_id) DO UPDATE SET account_id = EXCLUDED.account_id, status = 'pending', charges_enabled = false,
           details_submitted = false, connected_at = NULL, updated_at = now()`,
        [ctx.tenantId, ctx.orgId, accountId],
      );
    }
    await this.db.query(`UPDATE oauth_states SET data = data || $2::jsonb WHERE id = $1`, [issued.id, JSON.stringify({ account_id: accountId })]);
    const q = `state=${encodeURIComponent(issued.token)}`;
    const url = await this.stripe.accountLink(
      accountId,
      `${this.base()}/api/v1/integrations/stripe/refresh?${q}`,
      `${this.base()}/api/v1/integrations/stripe/return?${q}`,
    );
    return { url, account_id: accountId };
  }

  /** The account link expired before the merchant finished: a fresh link for the same account and state. */
  async refresh(token: string): Promise<string> {
    const state = await this.db.query(
      `SELECT id, data FROM oauth_states WHERE state_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [sha256Hex(token), STRIPE_CONNECT],
    );
    const data = state[0]?.data as { account_id?: string } | undefined;
    if (!data?.account_id) throw new InvalidStripeStateError();
    const q = `state=${encodeURIComponent(token)}`;
    return this.stripe.accountLink(data.account_id, `${this.base()}/api/v1/integrations/stripe/refresh?${q}`, `${this.base()}/api/v1/integrations/stripe/return?${q}`);
  }

  /** The merchant came back from Stripe: store the account (once per state) and answer where to send them. */
  async complete(token: string): Promise<{ returnUrl: string | null; status: ReturnType<StripeConnectService['view']> }> {
    const state = await this.states.consume(token, STRIPE_CONNECT);
    const accountId = (state?.data as { account_id?: string } | undefined)?.account_id;
    if (!state || !accountId) throw new InvalidStripeStateError();
    const account = await this.stripe.retrieveAccount(accountId);
    const ctx = systemContext(state.tenant_id, state.org_id, 'stripe-connect');
    const row = await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO stripe_accounts (tenant_id, org_id, account_id, status, charges_enabled, details_submitted, connected_at)
         VALUES ($1, $2, $3, 'active', $4, $5, now())
         ON CONFLICT (tenant_id) DO UPDATE SET account_id = EXCLUDED.account_id, status = 'active', charges_enabled = EXCLUDED.charges_enabled,
           details_submitted = EXCLUDED.details_submitted, connected_at = COALESCE(CASE WHEN stripe_accounts.account_id = EXCLUDED.account_id
           AND stripe_accounts.status = 'active' THEN stripe_accounts.connected_at END, now()), updated_at = now()`,
        [state.tenant_id, state.org_id, account.id, account.chargesEnabled, account.detailsSubmitted],
      );
      await this.audit.record(m, ctx, {
        action: 'stripe.connected',
        resourceType: 'stripe_account',
        resourceId: state.tenant_id,
        after: { account_id: account.id, charges_enabled: account.chargesEnabled },
      });
      return m.getRepository(StripeAccount).findOneByOrFail({ tenantId: state.tenant_id });
    });
    return { returnUrl: (state.data as { return_url?: string | null }).return_url ?? null, status: this.view(row) };
  }

  async status(ctx: TenantContext) {
    return this.view(await this.row(ctx.tenantId));
  }

  async disconnect(ctx: TenantContext): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows: { account_id: string | null }[] = await m.query(
        `UPDATE stripe_accounts SET status = 'disconnected', charges_enabled = false, updated_at = now()
          WHERE tenant_id = $1 AND status <> 'disconnected' RETURNING account_id`,
        [ctx.tenantId],
      );
      if (rows.length) {
        await this.audit.record(m, ctx, { action: 'stripe.disconnected', resourceType: 'stripe_account', resourceId: ctx.tenantId, before: { account_id: rows[0].account_id } });
      }
    });
  }

  /** The connected account that can take this tenant's payments, or the spec's "payments aren't set up". */
  async chargeableAccount(tenantId: string, m: EntityManager = this.db.manager): Promise<string> {
    const rows: { account_id: string }[] = await m.query(
      `SELECT account_id FROM stripe_accounts WHERE tenant_id = $1 AND status = 'active' AND charges_enabled AND account_id IS NOT NULL`,
      [tenantId],
    );
    if (!rows.length || !this.stripe.configured) throw new PaymentsNotSetUpError();
    return rows[0].account_id;
  }

  async paymentsEnabled(tenantId: string): Promise<boolean> {
    try {
      await this.chargeableAccount(tenantId);
      return true;
    } catch (err) {
      if (err instanceof PaymentsNotSetUpError) return false;
      throw err;
    }
  }

  /** `account.updated` from Stripe: keep charges_enabled current (also while the return path is still to come). */
  async accountUpdated(m: EntityManager, accountId: string, chargesEnabled: boolean, detailsSubmitted: boolean): Promise<void> {
    await m.query(
      `UPDATE stripe_accounts SET charges_enabled = $2, details_submitted = $3, updated_at = now() WHERE account_id = $1 AND status <> 'disconnected'`,
      [accountId, chargesEnabled, detailsSubmitted],
    );
  }

  /** The tenant whose active connection is this account. */
  async tenantOfAccount(m: EntityManager, accountId: string): Promise<{ tenant_id: string; org_id: string } | undefined> {
    const rows: { tenant_id: string; org_id: string }[] = await m.query(
      `SELECT tenant_id, org_id FROM stripe_accounts WHERE account_id = $1 AND status = 'active'`,
      [accountId],
    );
    return rows[0];
  }

  private async row(tenantId: string): Promise<StripeAccount | null> {
    return this.db.getRepository(StripeAccount).findOneBy({ tenantId });
  }

  private view(r: StripeAccount | null) {
    const connected = !!r && r.status === 'active' && !!r.accountId;
    return {
      connected,
      /** not_connected, pending (onboarding started, not finished), active, disconnected */
      status: r?.status ?? 'not_connected',
      account_id: connected ? r!.accountId : null,
      charges_enabled: connected ? r!.chargesEnabled : false,
      details_submitted: connected ? r!.detailsSubmitted : false,
      connected_at: connected && r!.connectedAt ? r!.connectedAt.toISOString() : null,
    };
  }
}
