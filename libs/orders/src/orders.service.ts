import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictError, isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, TtlCache, ValidationFailedError } from '@synq/common';
import { isUniqueViolation, OrderStatus, OrderStockState, pgCode, prepared } from '@synq/database';
import { ChangeRecorder } from '@synq/events';
import { fromUnits, toUnits } from '@synq/pim';
import { ChannelRef, ChannelRow, ChannelsService, ResolvedChannel } from './channels.service';
import { expiryScope, InventoryService, ResolvedVariant, UUID_RE } from './inventory.service';
import { ChannelDisabledError, IllegalTransitionError } from './orders.errors';
import { orderJsonSql, OrderView } from './order-view';
import type { NormalizedOrder } from './platform-orders';

type Money = string | number;

export interface OrderLineInput {
  variantId?: string;
  sku?: string;
  quantity: number;
  /** major units; defaults to the variant's price */
  unitPrice?: Money;
  title?: string;
  externalLineId?: string;
}

export interface CreateOrderInput {
  lines: OrderLineInput[];
  /** ISO 4217; defaults to the first variant's currency, then the tenant's default currency */
  currency?: string;
  customer?: { email?: string | null; name?: string | null; phone?: string | null };
  shippingAddress?: Record<string, unknown> | null;
  billingAddress?: Record<string, unknown> | null;
  shippingTotal?: Money;
  taxTotal?: Money;
  discountTotal?: Money;
  note?: string | null;
  metadata?: Record<string, unknown>;
  /** the platform's / caller's id of this order; unique per channel */
  externalId?: string | null;
  externalNumber?: string | null;
  placedAt?: Date | null;
  /** create it paid at once: stock is deducted instead of reserved */
  payment?: PaymentInput;
}

export interface PaymentInput {
  /** defaults to the order total */
  amount?: Money;
  provider?: string;
  method?: string | null;
  /** the provider's id (checkout session, payment intent): marking paid twice with it is a no-op */
  reference?: string | null;
}

export interface CreateOrderOptions {
  /** a channel id, 'manual' (default), 'storefront', or { connectionId } */
  channel?: ChannelRef;
  /** pending orders only: cancel the order and release its stock after this many seconds unless paid */
  reserveForSeconds?: number;
  /** run inside the caller's transaction */
  manager?: EntityManager;
}

/** Options of OrdersService.createOn / createIn. */
export interface CreateOnOptions {
  reserveForSeconds?: number;
  /** keep lines whose SKU matches no variant (flagged) instead of answering 400 */
  allowUnmatched?: boolean;
  /** initial status (imports); default pending, or paid with `payment` */
  status?: OrderStatus;
  /** deduct instead of reserving even while pending (imports: the sale happened on the platform) */
  deduct?: boolean;
  /** when short, keep the order without touching stock and flag it (imports, inside a transaction) instead of 409 */
  skipStockWhenShort?: boolean;
  externalUpdatedAt?: Date | null;
  /** the variants the lines name, when the caller read them already */
  variants?: ResolvedVariant[];
  /**
   * the channel and variants came from the lookup cache: the write statement re-checks them and
   * fails with SQ412 (synq_stale_read) when one changed (outside a caller's transaction only)
   */
  verify?: { channel: ChannelRow; variants: ResolvedVariant[] };
}

export interface FulfillInput {
  carrier?: string | null;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  /** omitted: every unfulfilled unit */
  lines?: { lineId: string; quantity: number }[];
}

export interface ReturnInput {
  lines: { lineId: string; quantity: number }[];
  reason: string;
  /** put the units back on hand (default true) */
  restock?: boolean;
  refundAmount?: Money;
}

export interface OrderFilter {
  status?: OrderStatus;
  channelId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  customerEmail?: string;
  externalId?: string;
}

interface LockedOrder {
  id: string;
  org_id: string | null;
  status: OrderStatus;
  stock_state: OrderStockState;
  location_id: string | null;
  channel_id: string;
  currency: string;
  total: string;
  paid_total: string;
  refunded_total: string;
}

interface LockedLine {
  id: string;
  variant_id: string | null;
  quantity: number;
  fulfilled_quantity: number;
  returned_quantity: number;
}

/** How long, and how many, channels and variants read by the order path are kept (see OrdersService.create). */
const LOOKUP_TTL_MS = 30_000;
const LOOKUP_MAX = 20_000;

const isStaleRead = (err: unknown) => pgCode(err) === 'SQ412';

const ORDER_SELECT = (full: boolean) => `SELECT o.id, o.created_at AS created_at_ts, ${orderJsonSql(full)} AS json FROM orders o JOIN channels ch ON ch.id = o.channel_id`;

function dec(v: Money | undefined | null): bigint {
  if (v === undefined || v === null) return 0n;
  try {
    return toUnits(typeof v === 'number' ? String(v) : v);
  } catch {
    throw new ValidationFailedError(`not a decimal amount: ${String(v)}`);
  }
}

/**
 * Orders of every channel. Each write is one transaction holding the order change, its stock
 * change (reserve on a pending order, deduct on payment or on an order created/imported paid,
 * release on cancel, restock on return), its history row, audit entry and `order.created` /
 * `order.updated` event (outbox). Totals are exact decimals (BigInt ten-thousandths).
 */
@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly inventory: InventoryService,
    private readonly channels: ChannelsService,
    private readonly changes: ChangeRecorder,
  ) {}

  /**
   * Channels and variants the order path read recently, keyed by tenant and how the request named
   * them. Saves the read statement (a PostgreSQL round trip) of an order whose channel and variants
   * are all here; the write statement then re-checks every one of them against the table and, when
   * one changed, is undone as a whole (SQ412) and the order is read and written afresh. Correctness
   * never rests on it; per process, bounded, 30 s.
   */
  private readonly lookups = new TtlCache<ChannelRow | ResolvedVariant>(LOOKUP_TTL_MS, LOOKUP_MAX);

  private static channelKey(tenantId: string, ref: ChannelRef): string {
    return `${tenantId}|ch|${typeof ref === 'string' ? ref : `conn:${ref.connectionId}`}`;
  }

  private static itemKey(tenantId: string, item: { variantId?: string; sku?: string }): string {
    return item.variantId ? `${tenantId}|id|${item.variantId}` : `${tenantId}|sku|${item.sku}`;
  }

  private cachedLookup(ctx: TenantContext, ref: ChannelRef, items: { variantId?: string; sku?: string }[]): { channel: ChannelRow; variants: ResolvedVariant[] } | null {
    const channel = this.lookups.get(OrdersService.channelKey(ctx.tenantId, ref)) as ChannelRow | undefined;
    if (!channel) return null;
    const byId = new Map<string, ResolvedVariant>();
    for (const it of items) {
      if (!it.variantId && !it.sku) return null;
      const v = this.lookups.get(OrdersService.itemKey(ctx.tenantId, it)) as ResolvedVariant | undefined;
      if (!v) return null;
      byId.set(v.id, v);
    }
    return { channel, variants: [...byId.values()] };
  }

  /** Keeps what a fresh read found: enabled channels with a location, variants with a price (the ones an order can use as read). */
  private rememberLookup(ctx: TenantContext, ref: ChannelRef, items: { variantId?: string; sku?: string }[], channel: ChannelRow | null, variants: ResolvedVariant[]): void {
    if (!channel || !channel.enabled || !channel.location_id) return;
    this.lookups.set(OrdersService.channelKey(ctx.tenantId, ref), channel);
    for (const it of items) {
      const v = variants.find((x) => (it.variantId ? x.id === it.variantId : x.sku === it.sku));
      if (v && v.price !== null) this.lookups.set(OrdersService.itemKey(ctx.tenantId, it), v);
    }
  }

  private forgetLookup(ctx: TenantContext, ref: ChannelRef, items: { variantId?: string; sku?: string }[]): void {
    this.lookups.delete(OrdersService.channelKey(ctx.tenantId, ref));
    for (const it of items) this.lookups.delete(OrdersService.itemKey(ctx.tenantId, it));
  }

  private tx<T>(m: EntityManager | undefined, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return m?.queryRunner?.isTransactionActive ? fn(m) : this.db.transaction(fn);
  }

  // ------------------------------------------------------------------ reads

  async get(ctx: TenantContext, id: string, m: EntityManager | DataSource = this.db): Promise<OrderView> {
    if (!UUID_RE.test(id)) throw new NotFoundError('Order', id);
    const rows = await prepared<{ json: OrderView }>(m, `${ORDER_SELECT(true)} WHERE o.tenant_id = $1 AND o.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Order', id);
    return rows[0].json;
  }

  /** The order a channel knows by its external id (null when none). */
  async findByExternalId(ctx: TenantContext, channelId: string, externalId: string, m: EntityManager | DataSource = this.db): Promise<OrderView | null> {
    const rows = await prepared<{ json: OrderView }>(m, `${ORDER_SELECT(true)} WHERE o.tenant_id = $1 AND o.channel_id = $2 AND o.external_id = $3`, [
      ctx.tenantId,
      channelId,
      externalId,
    ]);
    return rows[0]?.json ?? null;
  }

  /** Keyset page on (created_at, id), newest filters applied; lines and totals included. */
  async list(ctx: TenantContext, filter: OrderFilter, limit: number, cursor?: string): Promise<Page<OrderView>> {
    const p = new Params();
    let where = `o.tenant_id = ${p.add(ctx.tenantId)}`;
    if (filter.status) where += ` AND o.status = ${p.add(filter.status)}`;
    if (filter.channelId) where += ` AND o.channel_id = ${p.add(filter.channelId)}::uuid`;
    if (filter.createdFrom) where += ` AND o.created_at >= ${p.add(filter.createdFrom)}`;
    if (filter.createdTo) where += ` AND o.created_at < ${p.add(filter.createdTo)}`;
    if (filter.customerEmail) where += ` AND lower(o.customer_email) = lower(${p.add(filter.customerEmail)})`;
    if (filter.externalId) where += ` AND o.external_id = ${p.add(filter.externalId)}`;
    where += keysetAfter(p, 'o', cursor);
    const rows = await prepared<{ id: string; created_at_ts: Date; json: OrderView }>(
      this.db,
      `${ORDER_SELECT(false)} WHERE ${where} ORDER BY o.created_at, o.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, (r) => r.json);
  }

  // ------------------------------------------------------------------ create

  /**
   * Creates an order on a channel (default `manual`). Pending orders reserve their units; orders
   * created with `payment` deduct them. All lines or none: 409 INSUFFICIENT_STOCK names the short
   * lines and nothing is written.
   */
  async create(ctx: TenantContext, input: CreateOrderInput, opts: CreateOrderOptions = {}): Promise<OrderView> {
    // without a caller's transaction the write is one atomic statement (stock, order, events): no
    // BEGIN/COMMIT round trips and the stock rows stay locked only for that statement
    const m = opts.manager ?? this.db.manager;
    const ref = opts.channel ?? 'manual';
    const items = (input.lines ?? []).map((l) => ({ variantId: l.variantId, sku: l.sku }));
    // channel and variants read moments ago: no read statement, the write re-checks them. Not inside a
    // caller's transaction (a stale one aborts the statement, and with it that transaction).
    const cacheable = !m.queryRunner?.isTransactionActive && items.length > 0;
    const hit = cacheable ? this.cachedLookup(ctx, ref, items) : null;
    if (hit) {
      try {
        const channel = ChannelsService.fromJson(hit.channel) as ResolvedChannel;
        return (await this.createOn(m, ctx, channel, input, { reserveForSeconds: opts.reserveForSeconds, variants: hit.variants, verify: hit })).view;
      } catch (err) {
        // a 400 computed from cached prices (discount above the total) is decided again on a fresh read
        if (!isStaleRead(err) && !(err instanceof ValidationFailedError)) throw err;
        this.forgetLookup(ctx, ref, items);
      }
    }
    // one read for the channel and the variants; the slow path creates a missing channel or default location
    const p = new Params();
    const variantsSql = InventoryService.variantsJsonSql(p, ctx, items) ?? `'[]'::json`;
    const [read] = await prepared<{ channel: ChannelRow | null; variants: ResolvedVariant[] }>(
      m,
      `SELECT ${ChannelsService.channelJsonSql(p, ctx.tenantId, ref)} AS channel, ${variantsSql} AS variants`,
      p.values,
    );
    const channel = ChannelsService.fromJson(read.channel) ?? (await this.channels.resolve(ctx, ref, m));
    if (!channel.enabled) throw new ChannelDisabledError(channel.id);
    if (cacheable) this.rememberLookup(ctx, ref, items, read.channel, read.variants ?? []);
    const created = await this.createOn(m, ctx, channel, input, { reserveForSeconds: opts.reserveForSeconds, variants: read.variants });
    return created.view;
  }

  /** Creates on a resolved channel (see createOn) and answers the order id (the milestone-1 signature). */
  async createIn(m: EntityManager, ctx: TenantContext, channel: ResolvedChannel, input: CreateOrderInput, opts: CreateOnOptions = {}): Promise<string> {
    return (await this.createOn(m, ctx, channel, input, opts)).id;
  }

  /**
   * Creates on a resolved channel in one statement (inside the caller's transaction when `m` is in
   * one): the stock change, the order with its lines, history, payment, audit entry and events.
   * Answers the order id and its view.
   */
  async createOn(
    m: EntityManager,
    ctx: TenantContext,
    channel: ResolvedChannel,
    input: CreateOrderInput,
    opts: CreateOnOptions = {},
  ): Promise<{ id: string; view: OrderView }> {
    if (!input.lines?.length) throw new ValidationFailedError('lines must not be empty', [{ field: 'lines', message: 'lines must not be empty' }]);
    const items = input.lines.map((l) => ({ variantId: l.variantId, sku: l.sku }));
    const variants = opts.variants
      ? InventoryService.variantMap(items, opts.variants, opts.allowUnmatched)
      : await this.inventory.resolveVariants(ctx, items, m, opts.allowUnmatched);
    const id = randomUUID();
    const errors: { field: string; message: string }[] = [];
    let subtotal = 0n;
    let firstCurrency: string | null = null;
    const lines = input.lines.map((l, i) => {
      const v: ResolvedVariant | undefined = InventoryService.lookup(variants, l);
      if (!Number.isInteger(l.quantity) || l.quantity <= 0) errors.push({ field: `lines.${i}.quantity`, message: 'quantity must be a positive integer' });
      const price = l.unitPrice ?? v?.price ?? null;
      if (price === null || price === undefined) errors.push({ field: `lines.${i}.unit_price`, message: 'unit_price is required (the variant has no price)' });
      const unit = dec(price ?? 0);
      if (unit < 0n) errors.push({ field: `lines.${i}.unit_price`, message: 'unit_price must not be negative' });
      const total = unit * BigInt(l.quantity);
      subtotal += total;
      firstCurrency ??= v?.currency ?? null;
      return {
        id: randomUUID(),
        position: i,
        variant_id: v?.id ?? null,
        sku: v?.sku ?? l.sku ?? null,
        title: l.title ?? (v ? [v.product_title, v.title].filter(Boolean).join(' — ') : null),
        quantity: l.quantity,
        unit_price: fromUnits(unit, 4),
        line_total: fromUnits(total, 4),
        unmatched: !v,
        external_line_id: l.externalLineId ?? null,
      };
    });
    if (errors.length) throw new ValidationFailedError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    const shipping = dec(input.shippingTotal);
    const tax = dec(input.taxTotal);
    const discount = dec(input.discountTotal);
    const total = subtotal + shipping + tax - discount;
    if (total < 0n) throw new ValidationFailedError('the discount exceeds the order total', [{ field: 'discount_total', message: 'exceeds the total' }]);

    const paid = !!input.payment || !!opts.deduct || (opts.status !== undefined && opts.status !== 'pending');
    const status: OrderStatus = opts.status ?? (input.payment ? 'paid' : 'pending');
    const matched = lines.filter((l) => l.variant_id);
    const stockList =
      status === 'cancelled'
        ? []
        : InventoryService.normalize(
            matched.map((l) => (paid ? { variantId: l.variant_id as string, onHand: -l.quantity, reserved: 0 } : { variantId: l.variant_id as string, onHand: 0, reserved: l.quantity })),
          );
    const currency = (input.currency ?? firstCurrency ?? (await this.defaultCurrency(m, ctx.tenantId))).toUpperCase();
    const paymentAmount = input.payment ? (input.payment.amount !== undefined ? dec(input.payment.amount) : total) : 0n;
    const paymentId = randomUUID();
    const marketplace = channel.kind === 'connection' ? channel.name : channel.kind;

    const write = async (withStock: boolean, stockNote: string | null) => {
      const stockState: OrderStockState = withStock && stockList.length ? (paid ? 'deducted' : 'reserved') : 'none';
      const p = new Params();
      const stock = withStock && stockList.length ? `${this.inventory.stockCtes(p, ctx, channel.locationId, stockList, { kind: paid ? 'sale' : 'reserve', reference: id })},` : '';
      const rec = this.changes.ctes(
        p,
        ctx,
        {
          audit: [{ action: 'order.created', resourceType: 'order', resourceId: id, after: { status, channel_id: channel.id, total: fromUnits(total), currency, lines: lines.length } }],
          events: [
            {
              type: 'order.created',
              data: { id, status, channel_id: channel.id, marketplace, total: Number(fromUnits(total)), currency, external_id: input.externalId ?? null },
            },
          ],
        },
        'o',
      );
      const v = (x: unknown) => p.add(x);
      const check = opts.verify ? `${OrdersService.lookupCheckCte(p, ctx, opts.verify.channel, opts.verify.variants)},` : '';
      const expires = v(stockState === 'reserved' ? (opts.reserveForSeconds ?? null) : null);
      const metadata = { ...(input.metadata ?? {}), ...(stockNote ? { stock_short: true } : {}) };
      const historyNote = [stockNote ? `stock not deducted: ${stockNote}` : null, lines.some((l) => l.unmatched) ? 'some lines match no variant by SKU' : null].filter(Boolean).join('; ') || null;
      const rows = await prepared<{ created_at: string; reservation_expires_at: string | null; placed_at: string; ok: number }>(
        m,
        `WITH ${check} ${stock}
         o AS (
           INSERT INTO orders (id, tenant_id, org_id, channel_id, external_id, external_number, status, stock_state, location_id, reservation_expires_at, currency,
                               customer_email, customer_name, customer_phone, shipping_address, billing_address, subtotal, shipping_total, tax_total, discount_total,
                               total, paid_total, has_unmatched_lines, note, metadata, placed_at, external_updated_at)
           VALUES (${v(id)}, ${v(ctx.tenantId)}, ${v(ctx.orgId ?? null)}::uuid, ${v(channel.id)}, ${v(input.externalId ?? null)}, ${v(input.externalNumber ?? null)}, ${v(status)},
                   ${v(stockState)}, ${v(channel.locationId)},
                   CASE WHEN ${expires}::int IS NULL THEN NULL ELSE now() + ${expires}::int * interval '1 second' END,
                   ${v(currency)}, ${v(input.customer?.email ?? null)}, ${v(input.customer?.name ?? null)}, ${v(input.customer?.phone ?? null)},
                   ${v(input.shippingAddress ? JSON.stringify(input.shippingAddress) : null)}::jsonb, ${v(input.billingAddress ? JSON.stringify(input.billingAddress) : null)}::jsonb,
                   ${v(fromUnits(subtotal, 4))}, ${v(fromUnits(shipping, 4))}, ${v(fromUnits(tax, 4))}, ${v(fromUnits(discount, 4))}, ${v(fromUnits(total, 4))},
                   ${v(fromUnits(paymentAmount, 4))}, ${v(lines.some((l) => l.unmatched))}, ${v(input.note ?? null)},
                   ${v(JSON.stringify(metadata))}::jsonb, COALESCE(${v(input.placedAt ?? null)}::timestamptz, now()),
                   ${v(opts.externalUpdatedAt ?? null)}::timestamptz)
           RETURNING id, created_at, reservation_expires_at, placed_at),
         l AS (
           INSERT INTO order_lines (id, tenant_id, order_id, position, variant_id, sku, title, quantity, unit_price, line_total, unmatched, external_line_id)
           SELECT x.id, ${v(ctx.tenantId)}, (SELECT id FROM o), x.position, x.variant_id, x.sku, x.title, x.quantity, x.unit_price, x.line_total, x.unmatched, x.external_line_id
             FROM jsonb_to_recordset(${v(JSON.stringify(lines))}::jsonb)
               AS x(id uuid, position int, variant_id uuid, sku text, title text, quantity int, unit_price numeric, line_total numeric, unmatched boolean, external_line_id text)),
         h AS (
           INSERT INTO order_history (tenant_id, order_id, action, from_status, to_status, note, actor_type, actor_id)
           SELECT ${v(ctx.tenantId)}, id, 'created', NULL, ${v(status)}, ${v(historyNote)}, ${v(ctx.actorType)}, ${v(ctx.actorId)} FROM o),
         pay AS (
           INSERT INTO order_payments (id, tenant_id, order_id, amount, currency, provider, method, reference)
           SELECT ${v(paymentId)}, ${v(ctx.tenantId)}, id, ${v(fromUnits(paymentAmount, 4))}, ${v(currency)}, ${v(input.payment?.provider ?? 'manual')}, ${v(input.payment?.method ?? null)},
                  ${v(input.payment?.reference ?? null)} FROM o WHERE ${v(!!input.payment)}::boolean),
         ${rec.ctes}
         SELECT ${check ? 'CASE WHEN (SELECT fresh FROM chk) THEN 1 ELSE synq_stale_read() END' : '1'} AS fresh,
                ${isoSql('o.created_at')} AS created_at, ${isoSql('o.reservation_expires_at')} AS reservation_expires_at, ${isoSql('o.placed_at')} AS placed_at,
                ${stock ? InventoryService.guardSql(stockList.length) : '1'} AS ok
           FROM o`,
        p.values,
      );
      const r = rows[0];
      const money = (u: bigint) => Number(fromUnits(u, 4));
      const view: OrderView = {
        id,
        status,
        channel_id: channel.id,
        channel: { id: channel.id, kind: channel.kind, name: channel.name, connection_id: channel.connectionId },
        external_id: input.externalId ?? null,
        external_number: input.externalNumber ?? null,
        currency,
        customer: { email: input.customer?.email ?? null, name: input.customer?.name ?? null, phone: input.customer?.phone ?? null },
        shipping_address: input.shippingAddress ?? null,
        billing_address: input.billingAddress ?? null,
        lines: lines.map((l) => ({
          id: l.id,
          variant_id: l.variant_id,
          sku: l.sku,
          title: l.title,
          quantity: l.quantity,
          unit_price: Number(l.unit_price),
          total: Number(l.line_total),
          fulfilled_quantity: 0,
          returned_quantity: 0,
          unmatched: l.unmatched,
          external_line_id: l.external_line_id,
        })),
        totals: { subtotal: money(subtotal), shipping: money(shipping), tax: money(tax), discount: money(discount), total: money(total), paid: money(paymentAmount), refunded: 0 },
        stock_state: stockState,
        location_id: channel.locationId,
        reservation_expires_at: r.reservation_expires_at,
        has_unmatched_lines: lines.some((l) => l.unmatched),
        note: input.note ?? null,
        metadata,
        placed_at: r.placed_at,
        created_at: r.created_at,
        updated_at: r.created_at,
        payments: input.payment
          ? [{ id: paymentId, amount: money(paymentAmount), currency, provider: input.payment.provider ?? 'manual', method: input.payment.method ?? null, reference: input.payment.reference ?? null, created_at: r.created_at }]
          : [],
        fulfillments: [],
        returns: [],
        history: [{ action: 'created', from_status: null, to_status: status, note: historyNote, actor_type: ctx.actorType, actor_id: ctx.actorId, created_at: r.created_at }],
      };
      return { id, view };
    };

    const savepoint = !!opts.skipStockWhenShort && !!m.queryRunner?.isTransactionActive && stockList.length > 0;
    if (savepoint) await m.query('SAVEPOINT order_stock');
    try {
      return await write(true, null);
    } catch (err) {
      if (isUniqueViolation(err, 'uq_orders_channel_external')) throw new ConflictError(`An order with external id ${input.externalId} already exists on this channel`, 'ORDER_EXISTS');
      if (!InventoryService.isShortError(err)) throw err;
      // the statement was undone as a whole: name the lines that are short
      const short = await this.inventory.shortError(this.db, ctx, channel.locationId, stockList);
      if (!savepoint) throw short;
      // an imported order already happened on the platform: keep it without touching stock, flagged (never negative)
      await m.query('ROLLBACK TO SAVEPOINT order_stock');
      return write(false, short.message);
    }
  }

  /**
   * CTE `chk` (one row, `fresh`): the cached channel and variants are still exactly what a read would
   * find now (the same columns as ChannelsService.channelJsonSql and InventoryService.variantsJsonSql).
   */
  private static lookupCheckCte(p: Params, ctx: TenantContext, ch: ChannelRow, variants: ResolvedVariant[]): string {
    const t = p.add(ctx.tenantId);
    const rows = variants.map((x) => ({ id: x.id, product_id: x.product_id, sku: x.sku, title: x.title, product_title: x.product_title, price: x.price, currency: x.currency }));
    return `chk AS (
         SELECT (SELECT count(*) FROM jsonb_to_recordset(${p.add(JSON.stringify(rows))}::jsonb)
                          AS c(id uuid, product_id uuid, sku text, title text, product_title text, price text, currency text)
                   CROSS JOIN LATERAL (SELECT 1 FROM variants v
                                        WHERE v.id = c.id AND v.tenant_id = ${t} AND v.product_id = c.product_id AND v.sku IS NOT DISTINCT FROM c.sku
                                          AND v.title IS NOT DISTINCT FROM c.title AND v.price::text IS NOT DISTINCT FROM c.price
                                          AND v.currency IS NOT DISTINCT FROM c.currency
                                          AND (SELECT pr.title FROM products pr WHERE pr.id = v.product_id) IS NOT DISTINCT FROM c.product_title
                                        LIMIT 1) ok) = ${p.add(rows.length)}
            AND (SELECT c.enabled AND c.kind = ${p.add(ch.kind)} AND c.name = ${p.add(ch.name)} AND c.connection_id IS NOT DISTINCT FROM ${p.add(ch.connection_id)}::uuid
                        AND c.import_orders = ${p.add(ch.import_orders)} AND c.stock_buffer = ${p.add(ch.stock_buffer)}
                        AND COALESCE(c.location_id, (SELECT d.id FROM inventory_locations d WHERE d.tenant_id = c.tenant_id AND d.is_default)) = ${p.add(ch.location_id)}::uuid
                   FROM channels c WHERE c.id = ${p.add(ch.id)}::uuid AND c.tenant_id = ${t}) IS TRUE AS fresh)`;
  }

  private async defaultCurrency(m: EntityManager, tenantId: string): Promise<string> {
    const r = await prepared<{ c: string }>(m, `SELECT COALESCE((SELECT default_currency FROM tenant_settings WHERE tenant_id = $1), 'USD') AS c`, [tenantId]);
    return r[0].c;
  }

  // ------------------------------------------------------------------ transitions

  private async lock(m: EntityManager, ctx: TenantContext, id: string): Promise<{ order: LockedOrder; lines: LockedLine[] }> {
    if (!UUID_RE.test(id)) throw new NotFoundError('Order', id);
    const rows = await prepared<LockedOrder>(
      m,
      `SELECT id, org_id, status, stock_state, location_id, channel_id, currency, total::text, paid_total::text, refunded_total::text
         FROM orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [ctx.tenantId, id],
    );
    if (!rows[0]) throw new NotFoundError('Order', id);
    const lines = await prepared<LockedLine>(
      m,
      `SELECT id, variant_id, quantity, fulfilled_quantity, returned_quantity FROM order_lines WHERE order_id = $1 ORDER BY position, id`,
      [id],
    );
    return { order: rows[0], lines };
  }

  private async location(m: EntityManager, ctx: TenantContext, o: LockedOrder): Promise<string> {
    return o.location_id ?? (await this.inventory.defaultLocationId(ctx.tenantId, m));
  }

  /** Writes the order's new state, a history row, the audit entry and `order.updated`, in one statement. */
  private async record(
    m: EntityManager,
    ctx: TenantContext,
    o: LockedOrder,
    action: string,
    to: OrderStatus,
    set: Record<string, unknown>,
    note: string | null,
  ): Promise<void> {
    const p = new Params();
    const rec = this.changes.ctes(p, ctx, {
      audit: [{ action: `order.${action}`, resourceType: 'order', resourceId: o.id, before: { status: o.status }, after: { status: to, ...set } }],
      events: [{ type: 'order.updated', data: { id: o.id, status: to, previous_status: o.status, action } }],
    }, 'u');
    const casts: Record<string, string> = {
      stock_state: 'text',
      paid_total: 'numeric',
      refunded_total: 'numeric',
      reservation_expires_at: 'timestamptz',
      external_updated_at: 'timestamptz',
      customer_email: 'text',
      customer_name: 'text',
      customer_phone: 'text',
      shipping_address: 'jsonb',
      billing_address: 'jsonb',
      metadata: 'jsonb',
    };
    const sets = Object.entries(set)
      .filter(([k]) => casts[k])
      .map(([k, val]) => `${k} = ${p.add(casts[k] === 'jsonb' && val !== null ? JSON.stringify(val) : val)}::${casts[k]}`);
    await prepared(
      m,
      `WITH u AS (
         UPDATE orders SET status = ${p.add(to)}, updated_at = now()${sets.length ? ', ' + sets.join(', ') : ''}
          WHERE tenant_id = ${p.add(ctx.tenantId)} AND id = ${p.add(o.id)} RETURNING id),
       h AS (
         INSERT INTO order_history (tenant_id, order_id, action, from_status, to_status, note, actor_type, actor_id)
         SELECT ${p.add(ctx.tenantId)}, id, ${p.add(action)}, ${p.add(o.status)}, ${p.add(to)}, ${p.add(note)}, ${p.add(ctx.actorType)}, ${p.add(ctx.actorId)} FROM u),
       ${rec.ctes}
       SELECT 1`,
      p.values,
    );
  }

  /**
   * pending → paid. A reserved order's units are deducted (reservation committed). Idempotent per
   * payment reference: marking paid again with the same `reference` answers the order unchanged.
   */
  async markPaid(ctx: TenantContext, orderId: string, payment: PaymentInput = {}, m?: EntityManager): Promise<OrderView> {
    return this.tx(m, async (tx) => {
      const { order: o, lines } = await this.lock(tx, ctx, orderId);
      if (payment.reference) {
        const seen = await prepared(tx, `SELECT 1 FROM order_payments WHERE order_id = $1 AND provider = $2 AND reference = $3`, [
          o.id,
          payment.provider ?? 'manual',
          payment.reference,
        ]);
        if (seen.length) return this.get(ctx, o.id, tx);
      }
      if (o.status !== 'pending') throw new IllegalTransitionError('Order', o.id, o.status, 'mark it paid');
      const loc = await this.location(tx, ctx, o);
      const matched = lines.filter((l) => l.variant_id);
      if (o.stock_state === 'reserved') {
        await this.inventory.apply(tx, ctx, loc, matched.map((l) => ({ variantId: l.variant_id as string, onHand: -l.quantity, reserved: -l.quantity })), { kind: 'commit', reference: o.id });
      } else if (o.stock_state === 'none' || o.stock_state === 'released') {
        await this.inventory.apply(tx, ctx, loc, matched.map((l) => ({ variantId: l.variant_id as string, onHand: -l.quantity, reserved: 0 })), { kind: 'sale', reference: o.id });
      }
      const amount = payment.amount !== undefined ? dec(payment.amount) : toUnits(o.total);
      if (amount <= 0n) throw new ValidationFailedError('amount must be positive', [{ field: 'amount', message: 'must be positive' }]);
      await prepared(
        tx,
        `INSERT INTO order_payments (tenant_id, order_id, amount, currency, provider, method, reference) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [ctx.tenantId, o.id, fromUnits(amount, 4), o.currency, payment.provider ?? 'manual', payment.method ?? null, payment.reference ?? null],
      );
      await this.record(tx, ctx, o, 'paid', 'paid', { stock_state: matched.length ? 'deducted' : o.stock_state, paid_total: fromUnits(toUnits(o.paid_total) + amount, 4), reservation_expires_at: null }, null);
      return this.get(ctx, o.id, tx);
    });
  }

  /** Records a shipment of some or all remaining units (paid → fulfilled once every unit has shipped). */
  async fulfill(ctx: TenantContext, orderId: string, input: FulfillInput = {}, m?: EntityManager): Promise<OrderView> {
    return this.tx(m, async (tx) => {
      const { order: o, lines } = await this.lock(tx, ctx, orderId);
      if (o.status !== 'paid') throw new IllegalTransitionError('Order', o.id, o.status, 'fulfill it');
      const byId = new Map(lines.map((l) => [l.id, l]));
      const chosen = input.lines?.length
        ? input.lines
        : lines.map((l) => ({ lineId: l.id, quantity: l.quantity - l.fulfilled_quantity })).filter((l) => l.quantity > 0);
      const qty = this.checkLines(chosen, byId, (l) => l.quantity - l.fulfilled_quantity, 'unfulfilled');
      await prepared(
        tx,
        `UPDATE order_lines l SET fulfilled_quantity = l.fulfilled_quantity + x.q FROM unnest($2::uuid[], $3::int[]) AS x(id, q) WHERE l.order_id = $1 AND l.id = x.id`,
        [o.id, [...qty.keys()], [...qty.values()]],
      );
      await prepared(
        tx,
        `INSERT INTO order_fulfillments (tenant_id, order_id, carrier, tracking_number, tracking_url, lines) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
        [ctx.tenantId, o.id, input.carrier ?? null, input.trackingNumber ?? null, input.trackingUrl ?? null, JSON.stringify([...qty].map(([line_id, quantity]) => ({ line_id, quantity })))],
      );
      const complete = lines.every((l) => l.fulfilled_quantity + (qty.get(l.id) ?? 0) >= l.quantity);
      await this.record(tx, ctx, o, complete ? 'fulfilled' : 'partially_fulfilled', complete ? 'fulfilled' : 'paid', {}, [input.carrier, input.trackingNumber].filter(Boolean).join(' ') || null);
      return this.get(ctx, o.id, tx);
    });
  }

  /** fulfilled → completed. */
  async complete(ctx: TenantContext, orderId: string, m?: EntityManager): Promise<OrderView> {
    return this.tx(m, async (tx) => {
      const { order: o } = await this.lock(tx, ctx, orderId);
      if (o.status !== 'fulfilled') throw new IllegalTransitionError('Order', o.id, o.status, 'complete it');
      await this.record(tx, ctx, o, 'completed', 'completed', {}, null);
      return this.get(ctx, o.id, tx);
    });
  }

  /** pending or paid (nothing shipped) → cancelled: reserved units are released, deducted ones restocked. */
  async cancel(ctx: TenantContext, orderId: string, input: { reason?: string | null } = {}, m?: EntityManager): Promise<OrderView> {
    return this.tx(m, async (tx) => {
      const { order: o, lines } = await this.lock(tx, ctx, orderId);
      if ((o.status !== 'pending' && o.status !== 'paid') || lines.some((l) => l.fulfilled_quantity > 0)) {
        throw new IllegalTransitionError('Order', o.id, lines.some((l) => l.fulfilled_quantity > 0) && o.status === 'paid' ? 'partially fulfilled' : o.status, 'cancel it');
      }
      await this.releaseStock(tx, ctx, o, lines, 'cancel');
      await this.record(tx, ctx, o, 'cancelled', 'cancelled', { stock_state: o.stock_state === 'none' ? 'none' : 'released', reservation_expires_at: null }, input.reason ?? null);
      return this.get(ctx, o.id, tx);
    });
  }

  private async releaseStock(tx: EntityManager, ctx: TenantContext, o: LockedOrder, lines: LockedLine[], kind: 'cancel' | 'expire'): Promise<void> {
    const matched = lines.filter((l) => l.variant_id);
    if (!matched.length || (o.stock_state !== 'reserved' && o.stock_state !== 'deducted')) return;
    const loc = await this.location(tx, ctx, o);
    await this.inventory.apply(
      tx,
      ctx,
      loc,
      matched.map((l) => (o.stock_state === 'reserved' ? { variantId: l.variant_id as string, onHand: 0, reserved: -l.quantity } : { variantId: l.variant_id as string, onHand: l.quantity, reserved: 0 })),
      { kind, reference: o.id },
    );
  }

  /** Returns shipped units (fulfilled/completed/returned): restocks them unless restock=false; refunded once refunds reach the paid total. */
  async return(ctx: TenantContext, orderId: string, input: ReturnInput, m?: EntityManager): Promise<OrderView> {
    return this.tx(m, async (tx) => {
      const { order: o, lines } = await this.lock(tx, ctx, orderId);
      if (!['fulfilled', 'completed', 'returned'].includes(o.status)) throw new IllegalTransitionError('Order', o.id, o.status, 'return it');
      const byId = new Map(lines.map((l) => [l.id, l]));
      const qty = this.checkLines(input.lines, byId, (l) => l.fulfilled_quantity - l.returned_quantity, 'shipped and not yet returned');
      await prepared(
        tx,
        `UPDATE order_lines l SET returned_quantity = l.returned_quantity + x.q FROM unnest($2::uuid[], $3::int[]) AS x(id, q) WHERE l.order_id = $1 AND l.id = x.id`,
        [o.id, [...qty.keys()], [...qty.values()]],
      );
      const restock = input.restock !== false;
      if (restock) {
        const deltas = [...qty].map(([lineId, q]) => ({ line: byId.get(lineId) as LockedLine, q })).filter((x) => x.line.variant_id);
        if (deltas.length) {
          await this.inventory.apply(tx, ctx, await this.location(tx, ctx, o), deltas.map((x) => ({ variantId: x.line.variant_id as string, onHand: x.q, reserved: 0 })), {
            kind: 'return',
            reason: input.reason,
            reference: o.id,
          });
        }
      }
      const refund = dec(input.refundAmount);
      if (refund < 0n) throw new ValidationFailedError('refund_amount must not be negative', [{ field: 'refund_amount', message: 'must not be negative' }]);
      const refunded = toUnits(o.refunded_total) + refund;
      if (refunded > toUnits(o.paid_total) && refund > 0n) {
        throw new ValidationFailedError('refund_amount exceeds what was paid', [{ field: 'refund_amount', message: `at most ${fromUnits(toUnits(o.paid_total) - toUnits(o.refunded_total))}` }]);
      }
      await prepared(
        tx,
        `INSERT INTO order_returns (tenant_id, order_id, reason, restock, refund_amount, lines) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
        [ctx.tenantId, o.id, input.reason, restock, refund > 0n ? fromUnits(refund, 4) : null, JSON.stringify([...qty].map(([line_id, quantity]) => ({ line_id, quantity })))],
      );
      const to: OrderStatus = refunded > 0n && refunded >= toUnits(o.paid_total) ? 'refunded' : 'returned';
      await this.record(tx, ctx, o, to === 'refunded' ? 'refunded' : 'returned', to, { refunded_total: fromUnits(refunded, 4) }, input.reason);
      return this.get(ctx, o.id, tx);
    });
  }

  private checkLines(chosen: { lineId: string; quantity: number }[], byId: Map<string, LockedLine>, room: (l: LockedLine) => number, what: string): Map<string, number> {
    const qty = new Map<string, number>();
    const errors: { field: string; message: string }[] = [];
    chosen.forEach((c, i) => {
      const line = byId.get(c.lineId);
      if (!line) errors.push({ field: `lines.${i}.line_id`, message: `line ${c.lineId} is not on this order` });
      else if (!Number.isInteger(c.quantity) || c.quantity <= 0) errors.push({ field: `lines.${i}.quantity`, message: 'quantity must be a positive integer' });
      else qty.set(c.lineId, (qty.get(c.lineId) ?? 0) + c.quantity);
    });
    for (const [lineId, q] of qty) {
      const line = byId.get(lineId) as LockedLine;
      if (q > room(line)) errors.push({ field: 'lines', message: `line ${lineId}: ${q} requested, ${room(line)} ${what}` });
    }
    if (!qty.size && !errors.length) errors.push({ field: 'lines', message: `no ${what} units to process` });
    if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
    return qty;
  }

  /**
   * Imports a platform's order idempotently: one Synq order per (channel, external id), created with
   * its stock deducted (unknown SKUs kept and flagged; a shortage is flagged, never negative), or
   * updated in place when the platform's version is newer (status, customer, addresses; cancelled or
   * refunded on the platform restocks). Concurrent deliveries of the same order serialise on an
   * advisory lock of (channel, external id).
   */
  async importExternal(ctx: TenantContext, channel: ResolvedChannel, n: NormalizedOrder): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; orderId: string }> {
    return this.db.transaction(async (m) => {
      await prepared(m, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`order:${channel.id}:${n.externalId}`]);
      const found = await prepared<{ id: string; external_updated_at: Date | null }>(
        m,
        `SELECT id, external_updated_at FROM orders WHERE tenant_id = $1 AND channel_id = $2 AND external_id = $3`,
        [ctx.tenantId, channel.id, n.externalId],
      );
      if (!found[0]) {
        const orderId = await this.createIn(m, ctx, channel, n.input, {
          status: n.status,
          deduct: n.status !== 'cancelled',
          allowUnmatched: true,
          skipStockWhenShort: true,
          externalUpdatedAt: n.updatedAt,
        });
        return { outcome: 'created' as const, orderId };
      }
      const prev = found[0];
      if (n.updatedAt && prev.external_updated_at && n.updatedAt.getTime() <= new Date(prev.external_updated_at).getTime()) {
        return { outcome: 'unchanged' as const, orderId: prev.id };
      }
      const { order: o, lines } = await this.lock(m, ctx, prev.id);
      const set: Record<string, unknown> = {
        external_updated_at: n.updatedAt,
        customer_email: n.input.customer?.email ?? null,
        customer_name: n.input.customer?.name ?? null,
        customer_phone: n.input.customer?.phone ?? null,
        shipping_address: n.input.shippingAddress ?? null,
        billing_address: n.input.billingAddress ?? null,
      };
      const closed = (st: OrderStatus) => st === 'cancelled' || st === 'refunded' || st === 'returned';
      if (closed(n.status) && !closed(o.status) && (o.stock_state === 'deducted' || o.stock_state === 'reserved')) {
        await this.releaseStock(m, ctx, o, lines, 'cancel');
        set.stock_state = 'released';
      }
      if (n.input.payment && !closed(n.status)) {
        const amount = n.input.payment.amount !== undefined ? dec(n.input.payment.amount) : toUnits(o.total);
        const inserted = await prepared<{ id: string }>(
          m,
          `INSERT INTO order_payments (tenant_id, order_id, amount, currency, provider, reference) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (order_id, provider, reference) WHERE reference IS NOT NULL DO NOTHING RETURNING id`,
          [ctx.tenantId, o.id, fromUnits(amount, 4), o.currency, n.input.payment.provider ?? 'manual', n.input.payment.reference ?? null],
        );
        if (inserted.length) set.paid_total = fromUnits(toUnits(o.paid_total) + amount, 4);
      }
      await this.record(m, ctx, o, 'synced', n.status, set, o.status === n.status ? 'updated on the platform' : `status changed on the platform`);
      return { outcome: 'updated' as const, orderId: o.id };
    });
  }

  /** Cancels pending orders whose reservation expired (worker). Answers how many. */
  /** Cancels lapsed pending orders: one tenant's, or every tenant's without a reservation_expiry agent (see InventoryService.expireDue). */
  async expireDue(limit = 200, tenantId?: string): Promise<number> {
    const due = await prepared<{ id: string; tenant_id: string; org_id: string | null }>(
      this.db,
      `SELECT id, tenant_id, org_id FROM orders o
        WHERE status = 'pending' AND stock_state = 'reserved' AND reservation_expires_at IS NOT NULL AND reservation_expires_at <= now()
          AND ${expiryScope('o', '$2')}
        ORDER BY reservation_expires_at LIMIT $1`,
      [limit, tenantId ?? null],
    );
    let n = 0;
    for (const r of due) {
      const ctx: TenantContext = { tenantId: r.tenant_id, orgId: r.org_id as string, role: 'owner', actorType: 'system', actorId: 'reservation-expiry' };
      await this.db.transaction(async (tx) => {
        const { order: o, lines } = await this.lock(tx, ctx, r.id);
        if (o.status !== 'pending' || o.stock_state !== 'reserved') return;
        await this.releaseStock(tx, ctx, o, lines, 'expire');
        await this.record(tx, ctx, o, 'expired', 'cancelled', { stock_state: 'released', reservation_expires_at: null }, 'reservation expired');
        n++;
      });
    }
    return n;
  }
}
