import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { ConflictError, ForbiddenError, NotFoundError, Role, roleAtLeast, TenantContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectionTarget, ConnectorError, WooCommerceConnector } from '@synq/connectors';
import { randomToken } from '@synq/crypto';
import { Membership, PluginSite, User } from '@synq/database';
import { assertSafeTarget, UnsafeTargetError } from '@synq/http';
import { ConnectionsStore, ConnectionVault, normaliseBaseUrl, normaliseStoreUrl } from '@synq/integrations';
import { LOGGER, Logger } from '@synq/logger';
import { AccountService } from '../auth/account.service';
import { ConnectStoreDto, DisconnectStoreDto } from './dto/stores.dto';
import {
  ChannelRequiredError,
  InvalidStoreKeysError,
  NotWooCommerceError,
  StoreErrorAnswer,
  StoreKeysPermissionError,
  StoreUnreachableError,
  StoreUrlRefusedError,
} from './stores.errors';

/** The WooCommerce topics Synq registers on a connected store. */
export const WOO_WEBHOOK_TOPICS = ['order.created', 'order.updated', 'product.created', 'product.updated', 'product.deleted'] as const;

export interface ConnectResult {
  created: boolean;
  channelId: string;
  /** a session for the account the store joined (absent for API-key callers) */
  token?: string;
}

interface Owner {
  /** the account the store joins; undefined: a new account is created for `email` */
  ctx?: TenantContext;
  user?: { id: string; email: string };
}

/**
 * Connecting a WooCommerce store (the plugin's POST /api/stores/connect and the Platform API's
 * POST /api/v1/integrations/woocommerce): the keys are proven against the store before anything is
 * stored (`GET /system_status` for read access, then registering Synq's webhooks for write access),
 * then the account (new, or the caller's) and the connection the sync engine pushes to are written in
 * one transaction. Ownership: a caller with a token connects to its own account; without one, a new
 * email gets a new account and a known email only a reconnect of a store already its channel.
 */
@Injectable()
export class WooConnectService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly woo: WooCommerceConnector,
    private readonly connections: ConnectionsStore,
    private readonly vault: ConnectionVault,
    private readonly accounts: AccountService,
    private readonly audit: AuditService,
  ) {}

  async connect(dto: ConnectStoreDto, caller: TenantContext | undefined): Promise<ConnectResult> {
    let baseUrl: string;
    let storeKey: string;
    try {
      baseUrl = normaliseBaseUrl(dto.storeUrl);
      storeKey = normaliseStoreUrl(dto.storeUrl);
    } catch (err) {
      throw new StoreUrlRefusedError((err as Error).message);
    }
    if (baseUrl.startsWith('http:') && !this.config.allowPrivateNetworkTargets) {
      throw new StoreUrlRefusedError('WooCommerce accepts API keys over HTTPS only: use the https:// address of the store');
    }
    await this.vet(baseUrl);
    const owner = await this.owner(dto, storeKey, caller);

    const probe: ConnectionTarget = {
      id: 'probe',
      kind: 'woocommerce',
      provider: 'woocommerce',
      baseUrl,
      unifiedConnectionId: null,
      credentials: { consumerKey: dto.consumerKey, consumerSecret: dto.consumerSecret },
    };
    const status = await this.store(() => this.woo.systemStatus(probe));
    if (!status) throw new NotWooCommerceError('its system status is not WooCommerce’s');

    const channelId = (owner.ctx && (await this.existingChannel(owner.ctx.tenantId, storeKey))) ?? randomUUID();
    const webhookSecret = randomToken(32);
    const hookIds = await this.registerWebhooks(probe, channelId, webhookSecret);

    let saved: { id: string; created: boolean; previous: Record<string, string> | null; ctx: TenantContext; user?: { id: string; email: string } };
    try {
      saved = await this.db.transaction(async (m) => {
        let ctx = owner.ctx;
        let user = owner.user;
        if (!ctx) {
          const acc = await this.accounts.createAccount(m, dto.email, null, new URL(storeKey).hostname);
          await m.getRepository(PluginSite).insert({ tenantId: acc.tenant.id, userId: acc.user.id, storeUrl: storeKey, siteSecretHash: null, source: 'woo-plugin' });
          ctx = acc.ctx;
          user = { id: acc.user.id, email: acc.user.email };
        }
        const row = await this.connections.saveDirectIn(m, ctx, {
          kind: 'woocommerce',
          provider: 'woocommerce',
          baseUrl,
          storeKey,
          id: channelId,
          displayName: new URL(storeKey).hostname,
          credentials: {
            consumerKey: dto.consumerKey,
            consumerSecret: dto.consumerSecret,
            webhookSecret,
            webhookIds: hookIds.join(','),
          },
        });
        // a concurrent connect of the same store won the row: our webhooks name another channel
        if (row.id !== channelId) throw new ConflictError('This store is being connected by another request; try again', 'CONNECT_IN_PROGRESS');
        return { ...row, ctx, user };
      });
    } catch (err) {
      await this.removeWebhooks(probe, hookIds, channelId);
      if (err instanceof ConflictError && err.code === 'ACCOUNT_EXISTS') {
        throw new ConflictError('An account with this email already exists: sign in to Synq and connect the store from there', 'ACCOUNT_EXISTS');
      }
      throw err;
    }

    // the webhooks of the previous connection of this store, with the new keys (the old may be revoked)
    const stale = (saved.previous?.webhookIds ?? '').split(',').filter(Boolean).map(Number);
    await this.removeWebhooks(probe, stale, saved.id);

    const token = saved.user ? this.accounts.session(saved.user, saved.ctx.tenantId, saved.ctx.orgId, saved.ctx.role).token : undefined;
    return { created: saved.created, channelId: saved.id, token };
  }

  /** Disconnect: credentials erased, channel REVOKED, Synq's webhooks removed from the store (best effort). */
  async disconnect(ctx: TenantContext, dto: DisconnectStoreDto): Promise<void> {
    let key: string | null = null;
    if (dto.storeUrl) {
      try {
        key = normaliseStoreUrl(dto.storeUrl);
      } catch (err) {
        throw new StoreUrlRefusedError((err as Error).message);
      }
    }
    const target = await this.db.transaction(async (m) => {
      const rows: { id: string; status: string; base_url: string; credentials_sealed: string | null }[] = await m.query(
        `SELECT id, status, base_url, credentials_sealed FROM connections
          WHERE tenant_id = $1 AND kind = 'woocommerce' AND status <> 'REVOKED'
            AND ($2::uuid IS NULL OR id = $2) AND ($3::text IS NULL OR store_key = $3)
          ORDER BY created_at LIMIT 2 FOR UPDATE`,
        [ctx.tenantId, dto.channelId ?? null, key],
      );
      if (rows.length === 0) throw new NotFoundError('Connected WooCommerce store');
      if (rows.length > 1) throw new ChannelRequiredError();
      const row = rows[0];
      await m.query(`UPDATE connections SET status = 'REVOKED', credentials_sealed = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, row.id]);
      await this.audit.record(m, ctx, {
        action: 'connection.revoked',
        resourceType: 'connection',
        resourceId: row.id,
        before: { status: row.status },
        after: { status: 'REVOKED', credentials: 'erased' },
      });
      return row;
    });
    const creds = this.vault.open(target.credentials_sealed);
    const ids = (creds.webhookIds ?? '').split(',').filter(Boolean).map(Number);
    if (ids.length && creds.consumerKey) {
      const conn: ConnectionTarget = { id: target.id, kind: 'woocommerce', provider: 'woocommerce', baseUrl: target.base_url, unifiedConnectionId: null, credentials: creds };
      await this.removeWebhooks(conn, ids, target.id);
    }
  }

  private async vet(baseUrl: string): Promise<void> {
    try {
      await assertSafeTarget(baseUrl, { allowPrivate: this.config.allowPrivateNetworkTargets, allowHttp: true });
    } catch (err) {
      if (err instanceof UnsafeTargetError) {
        if (err.reason === 'unresolvable') throw new StoreUnreachableError(err.message);
        throw new StoreUrlRefusedError(err.message);
      }
      throw err;
    }
  }

  private async owner(dto: ConnectStoreDto, storeKey: string, caller: TenantContext | undefined): Promise<Owner> {
    if (caller) {
      if (!roleAtLeast(caller.role, 'admin')) throw new ForbiddenError('Connecting a store needs the admin role or above', 'ROLE_TOO_LOW');
      return { ctx: caller, user: caller.actorType === 'user' ? { id: caller.actorId, email: caller.email ?? dto.email } : undefined };
    }
    const user = await this.db.getRepository(User).findOne({ where: { email: dto.email } });
    if (!user) return {};
    // a known email: only a reconnect (key rotation) of a store that already is this account's channel
    const rows: { tenant_id: string; org_id: string; role: Role }[] = await this.db.query(
      `SELECT m.tenant_id, m.org_id, m.role FROM memberships m
         JOIN connections c ON c.tenant_id = m.tenant_id AND c.kind = 'woocommerce' AND c.store_key = $2
        WHERE m.user_id = $1 ORDER BY m.created_at LIMIT 1`,
      [user.id, storeKey],
    );
    const m = rows[0];
    if (!m) throw new ConflictError('An account with this email already exists: sign in to Synq and connect the store from there', 'ACCOUNT_EXISTS');
    if (!roleAtLeast(m.role, 'admin')) throw new ForbiddenError('Connecting a store needs the admin role or above', 'ROLE_TOO_LOW');
    const ctx: TenantContext = { tenantId: m.tenant_id, orgId: m.org_id, role: m.role, actorType: 'user', actorId: user.id, email: user.email };
    return { ctx, user: { id: user.id, email: user.email } };
  }

  private async existingChannel(tenantId: string, storeKey: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM connections WHERE tenant_id = $1 AND kind = 'woocommerce' AND store_key = $2`, [tenantId, storeKey]);
    return rows[0]?.id;
  }

  /** Registers every topic; on a failure removes the ones already made and reports why. */
  private async registerWebhooks(conn: ConnectionTarget, channelId: string, secret: string): Promise<number[]> {
    const deliveryUrl = `${this.config.publicBaseUrl.replace(/\/+$/, '')}/unified/webhooks/woocommerce/${channelId}`;
    const ids: number[] = [];
    try {
      for (const topic of WOO_WEBHOOK_TOPICS) {
        ids.push(await this.store(() => this.woo.createWebhook(conn, { name: `Synq ${topic}`, topic, deliveryUrl, secret })));
      }
      return ids;
    } catch (err) {
      await this.removeWebhooks(conn, ids, channelId);
      throw err;
    }
  }

  private async removeWebhooks(conn: ConnectionTarget, ids: number[], channelId: string): Promise<void> {
    for (const id of ids) {
      try {
        await this.woo.deleteWebhook(conn, id);
      } catch (err) {
        this.logger.warn({ channelId, webhookId: id, err: (err as Error).message }, 'could not remove a WooCommerce webhook from the store');
      }
    }
  }

  /** Runs a call to the store, turning its failures into answers the plugin can show. */
  private async store<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      const msg = err.message.replace(/^WooCommerce (answered|refused the credentials) \(?\d*\)?:?\s*/, '');
      if (err.status === undefined) throw new StoreUnreachableError(err.message.replace(/^store URL refused: /, ''));
      if (/permission/i.test(err.message) || err.status === 403) throw new StoreKeysPermissionError(msg);
      if (err.status === 401) throw new InvalidStoreKeysError(msg);
      if (err.status >= 300 && err.status < 400) throw new NotWooCommerceError(err.message);
      if (err.status === 404 || err.status === 400 || err.status === 405) throw new NotWooCommerceError(msg);
      throw new StoreErrorAnswer(msg);
    }
  }
}
