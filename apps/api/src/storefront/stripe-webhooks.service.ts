import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { BadRequestError, systemContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { LOGGER, Logger } from '@synq/logger';
import { OutboxService } from '@synq/events';
import { PaymentsService } from './payments.service';
import { PaymentsNotConfiguredError } from './storefront.errors';
import { currencyDecimals, StripeGateway } from './stripe.gateway';
import { StripeConnectService } from './stripe-connect.service';
import { QuotesService } from './quotes.service';
import { StorefrontOrdersService } from './storefront-orders.service';

export class InvalidStripeSignatureError extends BadRequestError {
  constructor(reason: string) {
    super(`Stripe-Signature verification failed: ${reason}`, 'INVALID_SIGNATURE');
  }
}

/**
 * Stripe's Connect webhooks (POST /unified/webhooks/stripe): the Stripe-Signature is verified with the
 * SDK (HMAC-SHA256 over `${t}.${payload}`, 300 s tolerance); each event id is recorded in PostgreSQL in
 * the same transaction as its effects, so a replayed event is acknowledged and does nothing.
 */
@Injectable()
export class StripeWebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
    private readonly connect: StripeConnectService,
    private readonly payments: PaymentsService,
    private readonly quotes: QuotesService,
    private readonly orders: StorefrontOrdersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  verify(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    if (!this.config.stripeWebhookSecret) throw new PaymentsNotConfiguredError('Stripe webhooks are not configured on this deployment (STRIPE_WEBHOOK_SECRET)');
    if (!signature) throw new InvalidStripeSignatureError('the Stripe-Signature header is missing');
    if (!rawBody?.length) throw new InvalidStripeSignatureError('the body is empty or not JSON');
    try {
      return this.stripe.constructEvent(rawBody, signature, this.config.stripeWebhookSecret);
    } catch (err) {
      throw new InvalidStripeSignatureError((err as Error).message);
    }
  }

  /** Processes a verified event once; answers whether this delivery did the work. */
  async handle(event: Stripe.Event): Promise<{ received: true; duplicate: boolean }> {
    const duplicate = await this.db.transaction(async (m) => {
      const claimed: { id: string }[] = await m.query(
        `INSERT INTO stripe_events (id, type, account_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type, event.account ?? null],
      );
      if (!claimed.length) return true;
      const tenantId = await this.apply(m, event);
      if (tenantId) await m.query(`UPDATE stripe_events SET tenant_id = $2 WHERE id = $1`, [event.id, tenantId]);
      return false;
    });
    return { received: true, duplicate };
  }

  private async apply(m: EntityManager, event: Stripe.Event): Promise<string | undefined> {
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded': {
        const session = event.data.object as Stripe.Checkout.Session;
        if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return undefined;
        return this.sessionPaid(m, session, event.account);
      }
      case 'checkout.session.expired':
      case 'checkout.session.async_payment_failed':
        return this.sessionExpired(m, event.data.object as Stripe.Checkout.Session, event.account);
      case 'account.updated': {
        const a = event.data.object as Stripe.Account;
        await this.connect.accountUpdated(m, a.id, !!a.charges_enabled, !!a.details_submitted);
        return (await this.connect.tenantOfAccount(m, a.id))?.tenant_id;
      }
      case 'payout.paid':
        return this.payoutPaid(m, event.data.object as Stripe.Payout, event.account);
      default:
        return undefined;
    }
  }

  private async sessionRow(m: EntityManager, sessionId: string, account: string | undefined) {
    const rows: { tenant_id: string; org_id: string; account_id: string }[] = await m.query(
      `SELECT c.tenant_id, s.org_id, c.account_id FROM checkout_sessions c JOIN storefronts s ON s.tenant_id = c.tenant_id WHERE c.id = $1`,
      [sessionId],
    );
    const row = rows[0];
    // a session is only ever settled by events from the connected account it was created on
    if (!row || (account && row.account_id !== account)) {
      this.logger.warn({ sessionId, account }, 'stripe webhook for an unknown checkout session; ignored');
      return undefined;
    }
    return row;
  }

  private async sessionPaid(m: EntityManager, session: Stripe.Checkout.Session, account: string | undefined): Promise<string | undefined> {
    const row = await this.sessionRow(m, session.id, account);
    if (!row) return undefined;
    const settled = await this.payments.settle(m, row.tenant_id, session.id, 'completed');
    if (!settled) return row.tenant_id;
    const ctx = systemContext(row.tenant_id, row.org_id, 'stripe-webhook');
    await this.audit.record(m, ctx, {
      action: 'checkout.completed',
      resourceType: settled.quote_id ? 'quote' : 'order',
      resourceId: settled.quote_id ?? settled.order_id,
      after: { session_id: session.id, payment_intent: typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null) },
    });
    if (settled.order_id) await this.orders.paid(m, ctx, settled.order_id, session);
    if (settled.quote_id) await this.quotes.markPaid(m, row.tenant_id, row.org_id, settled.quote_id, settled.order_id);
    return row.tenant_id;
  }

  private async sessionExpired(m: EntityManager, session: Stripe.Checkout.Session, account: string | undefined): Promise<string | undefined> {
    const row = await this.sessionRow(m, session.id, account);
    if (!row) return undefined;
    const settled = await this.payments.settle(m, row.tenant_id, session.id, 'expired');
    if (!settled) return row.tenant_id;
    const ctx = systemContext(row.tenant_id, row.org_id, 'stripe-webhook');
    await this.audit.record(m, ctx, {
      action: 'checkout.expired',
      resourceType: settled.quote_id ? 'quote' : 'order',
      resourceId: settled.quote_id ?? settled.order_id,
      after: { session_id: session.id },
    });
    // an order placed from the store is cancelled (its units released); an accepted quote keeps its
    // order and gets a new session when the customer accepts again
    if (settled.order_id && !settled.quote_id) await this.orders.expired(m, ctx, settled.order_id);
    return row.tenant_id;
  }

  private async payoutPaid(m: EntityManager, payout: Stripe.Payout, account: string | undefined): Promise<string | undefined> {
    if (!account) return undefined;
    const tenant = await this.connect.tenantOfAccount(m, account);
    if (!tenant) return undefined;
    const currency = payout.currency.toUpperCase();
    const amount = payout.amount / 10 ** currencyDecimals(currency);
    await this.outbox.emit(m, tenant.tenant_id, 'settlement.completed', {
      id: payout.id,
      amount,
      currency,
      marketplace: 'stripe',
      account_id: account,
      arrival_date: payout.arrival_date ? new Date(payout.arrival_date * 1000).toISOString() : null,
    });
    return tenant.tenant_id;
  }
}
