import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError, Page, TenantContext } from '@synq/common';
import { prepared } from '@synq/database';
import { OrderFilter, OrdersService, OrderView } from '@synq/orders';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Developer API's order shape (the spec's `{"id", "marketplace", "total", …}`): flat, snake_case,
 * money as JSON numbers; `marketplace` is the connection's platform (ebay, amazon, shopify, …) or
 * `manual` / `storefront`. Ids are the same UUIDs as on the Platform API and in `order.created`.
 */
export function developerOrderView(o: OrderView, marketplace: string) {
  return {
    id: o.id,
    marketplace,
    status: o.status,
    total: o.totals.total,
    currency: o.currency,
    subtotal: o.totals.subtotal,
    shipping: o.totals.shipping,
    tax: o.totals.tax,
    discount: o.totals.discount,
    paid: o.totals.paid,
    refunded: o.totals.refunded,
    channel_id: o.channel_id,
    connection_id: o.channel.connection_id,
    external_id: o.external_id,
    external_number: o.external_number,
    customer: o.customer,
    shipping_address: o.shipping_address,
    lines: o.lines.map((l) => ({ id: l.id, variant_id: l.variant_id, sku: l.sku, title: l.title, quantity: l.quantity, unit_price: l.unit_price, total: l.total })),
    fulfillment_status: o.lines.every((l) => l.fulfilled_quantity >= l.quantity) ? 'fulfilled' : o.lines.some((l) => l.fulfilled_quantity > 0) ? 'partial' : 'unfulfilled',
    placed_at: o.placed_at,
    created_at: o.created_at,
    updated_at: o.updated_at,
  };
}

/** GET /v1/orders[/{id}]: read from OrdersService (the orders module), reshaped for developers. */
@Injectable()
export class DeveloperOrdersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly orders: OrdersService,
  ) {}

  /** Each order's marketplace: its connection's provider, in one query per page. */
  private async marketplaces(ctx: TenantContext, orders: OrderView[]): Promise<string[]> {
    const ids = [...new Set(orders.map((o) => o.channel.connection_id).filter((x): x is string => !!x))];
    const providers = new Map<string, string>();
    if (ids.length) {
      const rows = await prepared<{ id: string; provider: string }>(this.db, `SELECT id, provider FROM connections WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
        ctx.tenantId,
        ids,
      ]);
      for (const r of rows) providers.set(r.id, r.provider.toLowerCase());
    }
    return orders.map((o) => (o.channel.connection_id ? providers.get(o.channel.connection_id) ?? o.channel.kind : o.channel.kind));
  }

  async list(ctx: TenantContext, filter: OrderFilter, limit: number, cursor?: string): Promise<Page<ReturnType<typeof developerOrderView>>> {
    const page = await this.orders.list(ctx, filter, limit, cursor);
    const markets = await this.marketplaces(ctx, page.items);
    return { items: page.items.map((o, i) => developerOrderView(o, markets[i])), nextCursor: page.nextCursor };
  }

  /** By id (`ord_`-prefixed ids, as some clients write them, are accepted too). */
  async get(ctx: TenantContext, rawId: string) {
    const id = rawId.startsWith('ord_') ? rawId.slice(4) : rawId;
    if (!UUID_RE.test(id)) throw new NotFoundError('Order', rawId);
    const order = await this.orders.get(ctx, id);
    const [marketplace] = await this.marketplaces(ctx, [order]);
    return developerOrderView(order, marketplace);
  }
}
