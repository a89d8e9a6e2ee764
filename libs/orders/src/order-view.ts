import { isoSql } from '@synq/common';

export interface OrderLineView {
  id: string;
  variant_id: string | null;
  sku: string | null;
  title: string | null;
  quantity: number;
  unit_price: number;
  total: number;
  fulfilled_quantity: number;
  returned_quantity: number;
  /** the SKU matched no variant (kept, flagged) */
  unmatched: boolean;
  external_line_id: string | null;
}

export interface OrderTotals {
  subtotal: number;
  shipping: number;
  tax: number;
  discount: number;
  total: number;
  paid: number;
  refunded: number;
}

/** An order as every surface answers it (snake_case, money as JSON numbers in major units). */
export interface OrderView {
  id: string;
  status: string;
  channel_id: string;
  channel: { id: string; kind: string; name: string; connection_id: string | null };
  external_id: string | null;
  external_number: string | null;
  currency: string;
  customer: { email: string | null; name: string | null; phone: string | null };
  shipping_address: Record<string, unknown> | null;
  billing_address: Record<string, unknown> | null;
  lines: OrderLineView[];
  totals: OrderTotals;
  /** reserved (pending), deducted (paid/imported), released, none */
  stock_state: string;
  location_id: string | null;
  reservation_expires_at: string | null;
  has_unmatched_lines: boolean;
  note: string | null;
  metadata: Record<string, unknown>;
  placed_at: string | null;
  created_at: string;
  updated_at: string;
  /** only on the single-order read */
  payments?: { id: string; amount: number; currency: string; provider: string; method: string | null; reference: string | null; created_at: string }[];
  fulfillments?: { id: string; carrier: string | null; tracking_number: string | null; tracking_url: string | null; lines: { line_id: string; quantity: number }[]; created_at: string }[];
  returns?: { id: string; reason: string; restock: boolean; refund_amount: number | null; lines: { line_id: string; quantity: number }[]; created_at: string }[];
  history?: { action: string; from_status: string | null; to_status: string | null; note: string | null; actor_type: string; actor_id: string; created_at: string }[];
}

/** json_build_object of an order `o` joined with its channel `ch`; `full` adds payments, fulfillments, returns and history. */
export function orderJsonSql(full: boolean): string {
  const extra = full
    ? `,
      'payments', COALESCE((SELECT json_agg(json_build_object('id', x.id, 'amount', x.amount::float8, 'currency', x.currency, 'provider', x.provider, 'method', x.method,
                   'reference', x.reference, 'created_at', ${isoSql('x.created_at')}) ORDER BY x.created_at, x.id) FROM order_payments x WHERE x.order_id = o.id), '[]'::json),
      'fulfillments', COALESCE((SELECT json_agg(json_build_object('id', x.id, 'carrier', x.carrier, 'tracking_number', x.tracking_number, 'tracking_url', x.tracking_url,
                   'lines', x.lines, 'created_at', ${isoSql('x.created_at')}) ORDER BY x.created_at, x.id) FROM order_fulfillments x WHERE x.order_id = o.id), '[]'::json),
      'returns', COALESCE((SELECT json_agg(json_build_object('id', x.id, 'reason', x.reason, 'restock', x.restock, 'refund_amount', x.refund_amount::float8,
                   'lines', x.lines, 'created_at', ${isoSql('x.created_at')}) ORDER BY x.created_at, x.id) FROM order_returns x WHERE x.order_id = o.id), '[]'::json),
      'history', COALESCE((SELECT json_agg(json_build_object('action', x.action, 'from_status', x.from_status, 'to_status', x.to_status, 'note', x.note,
                   'actor_type', x.actor_type, 'actor_id', x.actor_id, 'created_at', ${isoSql('x.created_at')}) ORDER BY x.created_at, x.id) FROM order_history x WHERE x.order_id = o.id), '[]'::json)`
    : '';
  return `json_build_object(
      'id', o.id, 'status', o.status, 'channel_id', o.channel_id,
      'channel', json_build_object('id', ch.id, 'kind', ch.kind, 'name', ch.name, 'connection_id', ch.connection_id),
      'external_id', o.external_id, 'external_number', o.external_number, 'currency', o.currency,
      'customer', json_build_object('email', o.customer_email, 'name', o.customer_name, 'phone', o.customer_phone),
      'shipping_address', o.shipping_address, 'billing_address', o.billing_address,
      'lines', COALESCE((SELECT json_agg(json_build_object('id', l.id, 'variant_id', l.variant_id, 'sku', l.sku, 'title', l.title, 'quantity', l.quantity,
                   'unit_price', l.unit_price::float8, 'total', l.line_total::float8, 'fulfilled_quantity', l.fulfilled_quantity,
                   'returned_quantity', l.returned_quantity, 'unmatched', l.unmatched, 'external_line_id', l.external_line_id) ORDER BY l.position, l.id)
                   FROM order_lines l WHERE l.order_id = o.id), '[]'::json),
      'totals', json_build_object('subtotal', o.subtotal::float8, 'shipping', o.shipping_total::float8, 'tax', o.tax_total::float8,
                   'discount', o.discount_total::float8, 'total', o.total::float8, 'paid', o.paid_total::float8, 'refunded', o.refunded_total::float8),
      'stock_state', o.stock_state, 'location_id', o.location_id, 'reservation_expires_at', ${isoSql('o.reservation_expires_at')},
      'has_unmatched_lines', o.has_unmatched_lines, 'note', o.note, 'metadata', o.metadata,
      'placed_at', ${isoSql('o.placed_at')}, 'created_at', ${isoSql('o.created_at')}, 'updated_at', ${isoSql('o.updated_at')}${extra})`;
}
