import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { queryRows, Storefront } from '@synq/database';
import { fromUnits, toUnits } from '@synq/pim';
import { currencyDecimals, StripeGateway } from './stripe.gateway';

export interface CheckoutItem {
  name: string;
  /** decimal string, major units */
  unitPrice: string;
  quantity: number;
}

export interface CheckoutFor {
  sf: Storefront;
  accountId: string;
  /** what is paid for: an order, or a quote (with the order it became) */
  orderId?: string;
  quoteId?: string;
  /** distinguishes a new session for the same thing after the previous one expired */
  attempt: number;
  currency: string;
  items: CheckoutItem[];
  customerEmail?: string;
}

export interface CreatedCheckout {
  sessionId: string;
  url: string;
  /** decimal string, major units */
  amount: string;
  expiresAt: Date;
}

/** Minor units (cents) of a decimal major-unit amount, exact: 12.34 USD → 1234, 500 JPY → 500. */
export function toMinorUnits(decimal: string, currency: string): number {
  const digits = currencyDecimals(currency);
  const units = toUnits(decimal); // ten-thousandths
  const scale = 10n ** BigInt(4 - digits);
  const minor = (units + scale / 2n) / scale;
  return Number(minor);
}

export function checkoutLifetimeMs(minutes: number): number {
  return Math.min(Math.max(minutes, 31), 24 * 60 - 1) * 60_000;
}

/**
 * Stripe Checkout Sessions for storefront orders and accepted quotes: direct charges on the
 * merchant's connected account, the optional platform fee as `application_fee_amount`, an
 * idempotency key derived from the order or quote id, and a row linking Stripe's session back.
 */
@Injectable()
export class PaymentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async createCheckout(req: CheckoutFor): Promise<CreatedCheckout> {
    const lines = req.items.map((i) => ({ name: i.name, unitAmount: toMinorUnits(i.unitPrice, req.currency), quantity: i.quantity }));
    const totalMinor = lines.reduce((sum, l) => sum + l.unitAmount * l.quantity, 0);
    const totalUnits = req.items.reduce((sum, i) => sum + toUnits(i.unitPrice) * BigInt(i.quantity), 0n);
    const amount = fromUnits(totalUnits, 4);
    const fee = Math.floor((totalMinor * this.config.stripePlatformFeeBps) / 10_000);
    const base = this.config.publicBaseUrl.replace(/\/+$/, '');
    const page = `${base}/s/${req.sf.publishableKey}`;
    const ref: Record<string, string> = { ...(req.orderId ? { synq_order_id: req.orderId } : {}), ...(req.quoteId ? { synq_quote_id: req.quoteId } : {}) };
    // Stripe wants 30 minutes to 24 hours from when it receives the request: keep a minute clear of both ends
    const expiresAt = new Date(Date.now() + checkoutLifetimeMs(this.config.stripeCheckoutExpiresMinutes));
    const idempotencyKey = req.quoteId ? `synq_quote_${req.quoteId}_${req.attempt}` : `synq_order_${req.orderId}`;
    const session = await this.stripe.createCheckoutSession({
      accountId: req.accountId,
      idempotencyKey,
      currency: req.currency,
      lines,
      customerEmail: req.customerEmail,
      successUrl: req.sf.successUrl ?? `${page}?checkout=success`,
      cancelUrl: req.sf.cancelUrl ?? `${page}?checkout=cancelled`,
      expiresAt,
      metadata: { synq_tenant_id: req.sf.tenantId, ...ref },
      applicationFee: fee,
    });
    await this.db.query(
      `INSERT INTO checkout_sessions (id, tenant_id, account_id, order_id, quote_id, url, amount, currency, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      [session.id, req.sf.tenantId, req.accountId, req.orderId ?? null, req.quoteId ?? null, session.url, amount, req.currency, session.expiresAt],
    );
    return { sessionId: session.id, url: session.url, amount, expiresAt: session.expiresAt };
  }

  /** The open, unexpired session of a quote (a repeated accept answers it again). */
  async openSessionOfQuote(tenantId: string, quoteId: string): Promise<{ id: string; url: string } | undefined> {
    const rows: { id: string; url: string }[] = await this.db.query(
      `SELECT id, url FROM checkout_sessions WHERE tenant_id = $1 AND quote_id = $2 AND status = 'open' AND expires_at > now() ORDER BY created_at DESC LIMIT 1`,
      [tenantId, quoteId],
    );
    return rows[0];
  }

  async sessionCountOfQuote(tenantId: string, quoteId: string): Promise<number> {
    const rows: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM checkout_sessions WHERE tenant_id = $1 AND quote_id = $2`, [tenantId, quoteId]);
    return rows[0].n;
  }

  /** Marks a session completed/expired once; answers the row when this call made the change. */
  async settle(
    m: EntityManager,
    tenantId: string,
    sessionId: string,
    status: 'completed' | 'expired',
  ): Promise<{ id: string; order_id: string | null; quote_id: string | null; amount: string; currency: string } | undefined> {
    const rows = await queryRows<{ id: string; order_id: string | null; quote_id: string | null; amount: string; currency: string }>(
      m,
      `UPDATE checkout_sessions SET status = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2 AND status = 'open'
       RETURNING id, order_id, quote_id, amount::text AS amount, currency`,
      [sessionId, tenantId, status],
    );
    return rows[0];
  }
}
