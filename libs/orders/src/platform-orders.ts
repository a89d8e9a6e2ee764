import type { OrderStatus } from '@synq/database';
import { fromUnits, toUnits } from '@synq/pim';
import type { CreateOrderInput } from './orders.service';

export type OrderPlatform = 'shopify' | 'woocommerce' | 'unified';

/** A platform's order in Synq's terms: what to create, its status, and when the platform last changed it. */
export interface NormalizedOrder {
  externalId: string;
  status: OrderStatus;
  updatedAt: Date | null;
  input: CreateOrderInput;
}

type Obj = Record<string, unknown>;

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const date = (v: unknown): Date | null => {
  const s = str(v);
  if (!s) return null;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
};
const money = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== null && /^-?\d+(\.\d+)?$/.test(s) ? s : undefined;
};
const qty = (v: unknown): number => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : 0;
};
const clip = (v: string | null, n: number): string | null => (v === null ? null : v.slice(0, n));

export class UnreadableOrderError extends Error {}

function name(first: unknown, last: unknown): string | null {
  return [str(first), str(last)].filter(Boolean).join(' ') || null;
}

/** Shopify REST Admin order (the `orders/create` / `orders/updated` webhook body, `GET /orders.json` items). */
export function fromShopify(o: Obj): NormalizedOrder {
  const id = str(o.id);
  if (!id) throw new UnreadableOrderError('Shopify order without id');
  const financial = str(o.financial_status);
  const fulfillment = str(o.fulfillment_status);
  let status: OrderStatus = 'pending';
  if (o.cancelled_at) status = 'cancelled';
  else if (financial === 'refunded') status = 'refunded';
  else if (fulfillment === 'fulfilled') status = 'fulfilled';
  else if (financial === 'paid' || financial === 'partially_refunded' || financial === 'partially_paid') status = 'paid';
  const customer = obj(o.customer);
  const shippingLines = arr(o.shipping_lines);
  const shipping = money(obj(obj(o.total_shipping_price_set)?.shop_money)?.amount) ?? shippingLines.reduce((acc, l) => addDec(acc, money(l.price) ?? '0'), '0');
  const total = money(o.total_price);
  return {
    externalId: id,
    status,
    updatedAt: date(o.updated_at),
    input: {
      externalId: id,
      externalNumber: clip(str(o.name) ?? str(o.order_number), 100),
      currency: str(o.currency) ?? undefined,
      customer: {
        email: clip(str(o.email) ?? str(customer?.email), 320),
        name: clip(name(customer?.first_name, customer?.last_name) ?? name(obj(o.billing_address)?.first_name, obj(o.billing_address)?.last_name), 200),
        phone: clip(str(o.phone) ?? str(customer?.phone), 50),
      },
      shippingAddress: obj(o.shipping_address),
      billingAddress: obj(o.billing_address),
      shippingTotal: shipping,
      taxTotal: money(o.total_tax),
      discountTotal: money(o.total_discounts),
      note: str(o.note),
      placedAt: date(o.created_at),
      metadata: { platform: 'shopify', financial_status: financial, fulfillment_status: fulfillment, platform_total: total ?? null },
      lines: arr(o.line_items).map((l) => ({
        sku: str(l.sku) ?? undefined,
        quantity: qty(l.quantity),
        unitPrice: money(l.price) ?? '0',
        title: clip([str(l.title), str(l.variant_title)].filter(Boolean).join(' — ') || null, 500) ?? undefined,
        externalLineId: str(l.id) ?? undefined,
      })),
      payment: status !== 'pending' && status !== 'cancelled' ? { provider: 'shopify', reference: `shopify-order-${id}`, amount: total } : undefined,
    },
  };
}

/** WooCommerce REST v3 order object (`order.created` / `order.updated` webhook body, `GET /orders` items). */
export function fromWooCommerce(o: Obj): NormalizedOrder {
  const id = str(o.id);
  if (!id) throw new UnreadableOrderError('WooCommerce order without id');
  const map: Record<string, OrderStatus> = {
    pending: 'pending',
    'on-hold': 'pending',
    failed: 'pending',
    'checkout-draft': 'pending',
    processing: 'paid',
    completed: 'fulfilled',
    cancelled: 'cancelled',
    refunded: 'refunded',
    trash: 'cancelled',
  };
  const status = map[str(o.status) ?? 'pending'] ?? 'pending';
  const billing = obj(o.billing);
  const total = money(o.total);
  return {
    externalId: id,
    status,
    updatedAt: date(o.date_modified_gmt ?? o.date_modified),
    input: {
      externalId: id,
      externalNumber: clip(str(o.number), 100),
      currency: str(o.currency) ?? undefined,
      customer: { email: clip(str(billing?.email), 320), name: clip(name(billing?.first_name, billing?.last_name), 200), phone: clip(str(billing?.phone), 50) },
      shippingAddress: obj(o.shipping),
      billingAddress: billing,
      shippingTotal: money(o.shipping_total),
      taxTotal: money(o.total_tax),
      discountTotal: money(o.discount_total),
      note: str(o.customer_note),
      placedAt: date(o.date_created_gmt ?? o.date_created),
      metadata: { platform: 'woocommerce', platform_status: str(o.status), platform_total: total ?? null },
      lines: arr(o.line_items).map((l) => {
        const q = qty(l.quantity);
        // `price` is a number rounded for display; `subtotal` / quantity is the exact unit price
        const sub = money(l.subtotal);
        return {
          sku: str(l.sku) ?? undefined,
          quantity: q,
          unitPrice: sub && q ? divDec(sub, q) : (money(l.price) ?? '0'),
          title: clip(str(l.name), 500) ?? undefined,
          externalLineId: str(l.id) ?? undefined,
        };
      }),
      payment: status !== 'pending' && status !== 'cancelled' ? { provider: 'woocommerce', reference: `woocommerce-order-${id}`, amount: total } : undefined,
    },
  };
}

/**
 * The unified-API provider's order (its AccountingOrder: `{ id, status, currency, total_amount, created_at,
 * updated_at, lineitems: [{ id, item_sku, item_name, unit_amount, unit_quantity }] }`; `line_items` with
 * `sku` / `quantity` / `price` is read too).
 */
export function fromUnified(o: Obj): NormalizedOrder {
  const id = str(o.id);
  if (!id) throw new UnreadableOrderError('unified order without id');
  const map: Record<string, OrderStatus> = {
    PENDING: 'pending',
    DRAFT: 'pending',
    SUBMITTED: 'pending',
    AUTHORIZED: 'paid',
    PAID: 'paid',
    PARTIALLY_PAID: 'paid',
    PARTIALLY_REFUNDED: 'paid',
    PROCESSING: 'paid',
    FULFILLED: 'fulfilled',
    SHIPPED: 'fulfilled',
    COMPLETED: 'completed',
    CANCELED: 'cancelled',
    CANCELLED: 'cancelled',
    VOIDED: 'cancelled',
    REFUNDED: 'refunded',
  };
  const status = map[(str(o.status) ?? 'PENDING').toUpperCase()] ?? 'pending';
  const total = money(o.total_amount);
  const items = arr(o.lineitems).length ? arr(o.lineitems) : arr(o.line_items).length ? arr(o.line_items) : arr(o.items);
  return {
    externalId: id,
    status,
    updatedAt: date(o.updated_at),
    input: {
      externalId: id,
      externalNumber: clip(str(o.number) ?? str(o.name) ?? str(o.reference), 100),
      currency: str(o.currency) ?? undefined,
      customer: { email: clip(str(o.customer_email) ?? str(obj(o.customer)?.email), 320), name: clip(str(o.customer_name) ?? str(obj(o.customer)?.name), 200), phone: null },
      shippingAddress: obj(o.shipping_address),
      billingAddress: obj(o.billing_address),
      shippingTotal: money(o.shipping_amount),
      taxTotal: money(o.tax_amount),
      discountTotal: money(o.discount_amount),
      placedAt: date(o.created_at),
      metadata: { platform: 'unified', platform_status: str(o.status), platform_total: total ?? null },
      lines: items.map((l) => ({
        sku: str(l.item_sku) ?? str(l.sku) ?? undefined,
        quantity: qty(l.unit_quantity ?? l.quantity),
        unitPrice: money(l.unit_amount) ?? money(l.price) ?? money(l.unit_price) ?? '0',
        title: clip(str(l.item_name) ?? str(l.name), 500) ?? undefined,
        externalLineId: str(l.id) ?? undefined,
      })),
      payment: status !== 'pending' && status !== 'cancelled' ? { provider: 'unified', reference: `unified-order-${id}`, amount: total } : undefined,
    },
  };
}

export function normalizeOrder(platform: OrderPlatform, order: Obj): NormalizedOrder {
  const n = platform === 'shopify' ? fromShopify(order) : platform === 'woocommerce' ? fromWooCommerce(order) : fromUnified(order);
  n.input.lines = n.input.lines.filter((l) => l.quantity > 0);
  if (!n.input.lines.length) throw new UnreadableOrderError(`${platform} order ${n.externalId} has no line with a positive quantity`);
  return n;
}

function addDec(a: string, b: string): string {
  return fromUnits(toUnits(a) + toUnits(b), 4);
}
function divDec(a: string, n: number): string {
  return fromUnits((toUnits(a) + BigInt(n) / 2n) / BigInt(n), 4);
}
