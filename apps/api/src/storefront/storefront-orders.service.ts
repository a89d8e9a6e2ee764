import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictError, TenantContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import type { Quote, Storefront } from '@synq/database';
import { LOGGER, Logger } from '@synq/logger';
import { ChannelDisabledError, ChannelsService, IllegalTransitionError, InsufficientStockError, OrdersService } from '@synq/orders';
import { fromUnits, toUnits } from '@synq/pim';
import { CreateStorefrontOrderDto } from './dto/storefront.dto';
import { PaymentsService } from './payments.service';
import { storefrontContext } from './storefront-context';
import { StorefrontService } from './storefront.service';
import { currencyDecimals } from './stripe.gateway';
import { StripeConnectService } from './stripe-connect.service';

export class OutOfStockError extends ConflictError {
  constructor(available: number) {
    super(
      available > 0 ? `Sorry, only ${available} left in stock. Please lower the quantity.` : 'Sorry, this item is out of stock.',
      'OUT_OF_STOCK',
      [{ field: 'quantity', message: `at most ${available} available`, available }],
    );
  }
}

export class StoreClosedError extends ConflictError {
  constructor() {
    super("This store isn't taking orders right now.", 'STORE_CLOSED');
  }
}

/**
 * Storefront orders through @synq/orders (the one orders and inventory model): a pre-priced order is
 * a `storefront`-channel order, pending with its units reserved, paid by a Stripe Checkout Session on
 * the merchant's account; Stripe's completion marks it paid (the reservation becomes a deduction and
 * the order enters the fulfilment queue), the session's expiry cancels it (units released).
 */
@Injectable()
export class StorefrontOrdersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly orders: OrdersService,
    private readonly channels: ChannelsService,
    private readonly storefronts: StorefrontService,
    private readonly payments: PaymentsService,
    private readonly stripe: StripeConnectService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Units the storefront can sell per variant: available (on hand − reserved) at the storefront
   * channel's location minus its buffer; null when the tenant allows backorders.
   */
  async availability(sf: Storefront, variantIds: string[]): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    if (!variantIds.length) return out;
    const ctx = storefrontContext(sf);
    const channel = await this.channels.resolve(ctx, 'storefront');
    const rows: { variant_id: string; available: number; backorders: boolean }[] = await this.db.query(
      `SELECT v.id AS variant_id, COALESCE(l.on_hand - l.reserved, 0)::int AS available,
              COALESCE((SELECT s.allow_backorders FROM tenant_settings s WHERE s.tenant_id = $1), false) AS backorders
         FROM unnest($3::uuid[]) AS v(id)
         LEFT JOIN inventory_levels l ON l.tenant_id = $1 AND l.location_id = $2 AND l.variant_id = v.id`,
      [sf.tenantId, channel.locationId, variantIds],
    );
    for (const r of rows) out.set(r.variant_id, r.backorders ? null : Math.max(0, r.available - (channel.enabled ? channel.stockBuffer : r.available)));
    return out;
  }

  async place(sf: Storefront, dto: CreateStorefrontOrderDto, requestId?: string): Promise<{ order_id: string; status: string; total: number; currency: string; checkout_url: string }> {
    const offer = await this.storefronts.resolveOffer(sf, dto.product_id, dto.variant_id);
    const accountId = await this.stripe.chargeableAccount(sf.tenantId);
    const available = (await this.availability(sf, [offer.variant_id])).get(offer.variant_id);
    if (available !== null && available !== undefined && available < dto.quantity) throw new OutOfStockError(available);
    const ctx = storefrontContext(sf, requestId);
    let order;
    try {
      order = await this.orders.create(
        ctx,
        {
          lines: [{ variantId: offer.variant_id, quantity: dto.quantity, unitPrice: offer.price }],
          currency: offer.currency,
          customer: { name: dto.customer.name, email: dto.customer.email, phone: dto.customer.phone || null },
          shippingAddress: dto.customer.address ? { address: dto.customer.address, name: dto.customer.name } : null,
          metadata: { source: 'storefront', payment_provider: 'stripe', stripe_account: accountId },
        },
        // the reservation outlives the checkout session: Stripe's expiry event normally releases it first
        { channel: 'storefront', reserveForSeconds: this.config.stripeCheckoutExpiresMinutes * 60 + 600 },
      );
    } catch (err) {
      if (err instanceof InsufficientStockError) throw new OutOfStockError(Math.max(0, err.lines[0]?.available ?? 0));
      if (err instanceof ChannelDisabledError) throw new StoreClosedError();
      throw err;
    }
    const title = [offer.product_title, offer.variant_title].filter(Boolean).join(' — ');
    try {
      const checkout = await this.payments.createCheckout({
        sf,
        accountId,
        orderId: order.id,
        attempt: 0,
        currency: offer.currency,
        items: [{ name: title, unitPrice: offer.price, quantity: dto.quantity }],
        customerEmail: dto.customer.email,
      });
      return { order_id: order.id, status: 'pending', total: order.totals.total, currency: order.currency, checkout_url: checkout.url };
    } catch (err) {
      // no checkout, no order: give the units back at once
      await this.orders.cancel(ctx, order.id, { reason: 'Stripe Checkout could not be created' }).catch((e: unknown) => this.logger.error({ err: e, orderId: order.id }, 'could not cancel storefront order'));
      throw err;
    }
  }

  /** The order an accepted quote becomes: pending, one custom line at the quoted price (no stock). */
  async createForQuote(m: EntityManager, ctx: TenantContext, q: Quote): Promise<string> {
    const channel = await this.channels.resolve(ctx, 'storefront', m);
    if (!channel.enabled) throw new StoreClosedError();
    const quantity = Math.max(1, q.quantity);
    const unit = fromUnits(toUnits(q.amount!), 4);
    return this.orders.createIn(
      m,
      ctx,
      channel,
      {
        lines: [{ quantity: 1, unitPrice: unit, title: `Quote: ${quantity > 1 ? `${quantity} × ` : ''}${q.description.slice(0, 200)}` }],
        currency: q.currency!,
        customer: { name: q.customer.name, email: q.customer.email, phone: q.customer.phone || null },
        shippingAddress: q.customer.address ? { address: q.customer.address, name: q.customer.name } : null,
        metadata: { source: 'storefront', quote_id: q.id, payment_provider: 'stripe' },
      },
      { allowUnmatched: true },
    );
  }

  /** checkout.session.completed: pending → paid (reservation committed), once per session. */
  async paid(m: EntityManager, ctx: TenantContext, orderId: string, session: Stripe.Checkout.Session): Promise<void> {
    const currency = (session.currency ?? 'usd').toUpperCase();
    const amount = session.amount_total !== null && session.amount_total !== undefined ? session.amount_total / 10 ** currencyDecimals(currency) : undefined;
    try {
      await this.orders.markPaid(ctx, orderId, { provider: 'stripe', method: 'checkout', reference: session.id, ...(amount !== undefined ? { amount: String(amount) } : {}) }, m);
    } catch (err) {
      // e.g. the reservation expired and the order was cancelled before the payment arrived: keep the
      // payment event recorded, leave the order for the merchant to refund
      if (!(err instanceof IllegalTransitionError)) throw err;
      this.logger.warn({ orderId, sessionId: session.id, err: err.message }, 'stripe payment for an order that is no longer pending');
    }
  }

  /** checkout.session.expired: the unpaid order is cancelled and its reserved units released. */
  async expired(m: EntityManager, ctx: TenantContext, orderId: string): Promise<void> {
    try {
      await this.orders.cancel(ctx, orderId, { reason: 'Stripe Checkout session expired' }, m);
    } catch (err) {
      if (!(err instanceof IllegalTransitionError)) throw err;
    }
  }
}
