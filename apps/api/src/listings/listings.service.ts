import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { decodeCursor, isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, encodeCursor } from '@synq/common';
import { prepared, queryRows } from '@synq/database';
import { OutboxService } from '@synq/events';
import { fromUnits, toUnits } from '@synq/listings';
import { CreateListingDto, ListingQueryDto, RecordCompetitorPricesDto, UpdateListingDto } from './dto/listing.dto';
import { ListingExistsError, ListingPriceRequiredError, ObservedInFutureError, VariantReferenceError } from './listings.errors';

interface ListingRow {
  id: string;
  variant_id: string;
  product_id: string;
  sku: string | null;
  connection_id: string;
  marketplace: string;
  price: string;
  currency: string | null;
  quantity_cap: number | null;
  status: string;
  remote_id: string | null;
  sync_status: string | null;
  last_repriced_at: string | null;
  created_at: string;
  updated_at: string;
  created_at_ts: Date;
}

const num = (v: string | null) => (v === null ? null : Number(v));
/** A JSON number in major units → the exact decimal text stored. */
const money = (n: number) => fromUnits(toUnits(n));

export function listingView(r: ListingRow) {
  return {
    id: r.id,
    variant_id: r.variant_id,
    product_id: r.product_id,
    sku: r.sku,
    connection_id: r.connection_id,
    marketplace: r.marketplace,
    price: Number(r.price),
    currency: r.currency,
    quantity_cap: r.quantity_cap,
    status: r.status,
    remote_id: r.remote_id,
    sync_status: r.sync_status,
    last_repriced_at: r.last_repriced_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** The listing as the API shows it; the remote id falls back to the sync ledger's remote variant id. */
const LISTING_SELECT = `SELECT l.id, l.variant_id, l.product_id, v.sku, l.connection_id, l.marketplace, l.price::text AS price, l.currency,
       l.quantity_cap, l.status, COALESCE(l.remote_id, s.remote_variant_ids ->> l.variant_id::text) AS remote_id, s.status AS sync_status,
       ${isoSql('l.last_repriced_at')} AS last_repriced_at, ${isoSql('l.created_at')} AS created_at, ${isoSql('l.updated_at')} AS updated_at,
       l.created_at AS created_at_ts
  FROM listings l
  JOIN variants v ON v.id = l.variant_id
  LEFT JOIN sync_states s ON s.connection_id = l.connection_id AND s.product_id = l.product_id`;

/**
 * Listings (a variant offered on one connection) with their competitor prices and price history.
 * Every change that can alter what the connection shows asks the sync engine, in the same
 * transaction, to push the product to that connection (where the listing's price overrides the PIM's).
 */
@Injectable()
export class ListingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  private async find(on: DataSource | EntityManager, ctx: TenantContext, id: string): Promise<ListingRow> {
    const rows = await prepared<ListingRow>(on, `${LISTING_SELECT} WHERE l.tenant_id = $1 AND l.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Listing', id);
    return rows[0];
  }

  async get(ctx: TenantContext, id: string) {
    return listingView(await this.find(this.db, ctx, id));
  }

  async list(ctx: TenantContext, q: ListingQueryDto): Promise<Page<ReturnType<typeof listingView>>> {
    const limit = q.limit ?? 100;
    const p = new Params();
    const where = [`l.tenant_id = ${p.add(ctx.tenantId)}`];
    if (q.marketplace) where.push(`l.marketplace = ${p.add(q.marketplace.toLowerCase())}`);
    if (q.status) where.push(`l.status = ${p.add(q.status)}`);
    if (q.sku) where.push(`v.sku = ${p.add(q.sku)}`);
    const conn = q.connection_id ?? q.connection;
    if (conn) where.push(`l.connection_id = ${p.add(conn)}::uuid`);
    const rows = await prepared<ListingRow>(
      this.db,
      `${LISTING_SELECT} WHERE ${where.join(' AND ')}${keysetAfter(p, 'l', q.cursor)} ORDER BY l.created_at, l.id LIMIT ${limit + 1}`,
      p.values,
    );
    return rowsToPage(rows, limit, listingView);
  }

  private push(m: EntityManager, ctx: TenantContext, productId: string, connectionId: string): Promise<string> {
    return this.outbox.enqueue(m, ctx.tenantId, { name: 'sync.fanout', data: { tenantId: ctx.tenantId, productIds: [productId], action: 'UPSERT', connectionIds: [connectionId] } });
  }

  /**
   * The stock a connection shows for the variant depends on the listing (capped by `quantity_cap`, 0
   * while inactive): the inventory module recomputes and pushes it to the channel, coalesced.
   */
  private restock(m: EntityManager, ctx: TenantContext, variantId: string): Promise<string> {
    return this.outbox.enqueue(m, ctx.tenantId, { name: 'inventory.changed', data: { tenantId: ctx.tenantId, variantIds: [variantId] } });
  }

  async create(ctx: TenantContext, dto: CreateListingDto) {
    if ((dto.variant_id === undefined) === (dto.sku === undefined)) {
      throw new VariantReferenceError('Give either variant_id or sku (exactly one)', dto.variant_id === undefined ? 'variant_id' : 'sku');
    }
    const id = await this.db.transaction(async (m) => {
      const variants = await prepared<{ id: string; product_id: string; price: string | null; currency: string | null }>(
        m,
        dto.variant_id !== undefined
          ? `SELECT id, product_id, price::text AS price, currency FROM variants WHERE tenant_id = $1 AND id = $2::uuid`
          : `SELECT id, product_id, price::text AS price, currency FROM variants WHERE tenant_id = $1 AND sku = $2`,
        [ctx.tenantId, dto.variant_id ?? dto.sku],
      );
      const variant = variants[0];
      if (!variant) throw new NotFoundError('Variant', dto.variant_id ?? dto.sku);
      const conns = await prepared<{ id: string; provider: string }>(m, `SELECT id, provider FROM connections WHERE tenant_id = $1 AND id = $2`, [
        ctx.tenantId,
        dto.connection_id,
      ]);
      if (!conns[0]) throw new NotFoundError('Connection', dto.connection_id);
      const price = dto.price !== undefined ? money(dto.price) : variant.price;
      if (price === null) throw new ListingPriceRequiredError();
      const status = dto.status ?? 'active';
      const inserted = await prepared<{ id: string }>(
        m,
        `INSERT INTO listings (tenant_id, org_id, variant_id, product_id, connection_id, marketplace, price, currency, quantity_cap, status, remote_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, connection_id, variant_id) DO NOTHING RETURNING id`,
        [ctx.tenantId, ctx.orgId, variant.id, variant.product_id, dto.connection_id, conns[0].provider.toLowerCase(), price, variant.currency, dto.quantity_cap ?? null, status, dto.remote_id ?? null],
      );
      if (!inserted[0]) {
        const existing = await prepared<{ id: string }>(m, `SELECT id FROM listings WHERE tenant_id = $1 AND connection_id = $2 AND variant_id = $3`, [
          ctx.tenantId,
          dto.connection_id,
          variant.id,
        ]);
        throw new ListingExistsError(existing[0]?.id ?? '');
      }
      const listingId = inserted[0].id;
      await this.audit.record(m, ctx, {
        action: 'listing.created',
        resourceType: 'listing',
        resourceId: listingId,
        after: { variant_id: variant.id, connection_id: dto.connection_id, price: Number(price), quantity_cap: dto.quantity_cap ?? null, status },
      });
      if (status === 'active') await this.push(m, ctx, variant.product_id, dto.connection_id);
      if (dto.quantity_cap != null || status === 'inactive') await this.restock(m, ctx, variant.id);
      return listingId;
    });
    return this.get(ctx, id);
  }

  async update(ctx: TenantContext, id: string, dto: UpdateListingDto) {
    await this.db.transaction(async (m) => {
      const locked = await prepared<{ price: string; quantity_cap: number | null; status: string; remote_id: string | null; product_id: string; variant_id: string; connection_id: string }>(
        m,
        `SELECT price::text AS price, quantity_cap, status, remote_id, product_id, variant_id, connection_id FROM listings WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [ctx.tenantId, id],
      );
      const before = locked[0];
      if (!before) throw new NotFoundError('Listing', id);
      const price = dto.price !== undefined ? money(dto.price) : fromUnits(toUnits(before.price));
      const priceChanged = toUnits(price) !== toUnits(before.price);
      const after = {
        price,
        quantity_cap: dto.quantity_cap !== undefined ? dto.quantity_cap : before.quantity_cap,
        status: dto.status ?? before.status,
        remote_id: dto.remote_id !== undefined ? dto.remote_id : before.remote_id,
      };
      const p = new Params();
      const [t, i] = [p.add(ctx.tenantId), p.add(id)];
      await prepared(
        m,
        `WITH u AS (UPDATE listings SET price = ${p.add(after.price)}::numeric, quantity_cap = ${p.add(after.quantity_cap)}::int, status = ${p.add(after.status)},
                            remote_id = ${p.add(after.remote_id)}, updated_at = now()
                     WHERE tenant_id = ${t} AND id = ${i} RETURNING id)
         INSERT INTO listing_price_history (tenant_id, listing_id, old_price, new_price, rule_id, source, reason)
         SELECT ${t}, u.id, ${p.add(before.price)}::numeric, ${p.add(after.price)}::numeric, NULL, 'api', ${p.add(`set by ${ctx.actorType} ${ctx.actorId}`)} FROM u WHERE ${p.add(priceChanged)}`,
        p.values,
      );
      await this.audit.record(m, ctx, {
        action: 'listing.updated',
        resourceType: 'listing',
        resourceId: id,
        before: { price: Number(before.price), quantity_cap: before.quantity_cap, status: before.status, remote_id: before.remote_id },
        after: { ...after, price: Number(after.price) },
      });
      // what the connection shows changes with the price, or when the listing's override starts/stops
      if (priceChanged || after.status !== before.status) await this.push(m, ctx, before.product_id, before.connection_id);
      if (after.quantity_cap !== before.quantity_cap || (after.status === 'inactive') !== (before.status === 'inactive')) await this.restock(m, ctx, before.variant_id);
    });
    return this.get(ctx, id);
  }

  async remove(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows = await queryRows<{ product_id: string; variant_id: string; connection_id: string; price: string; status: string; quantity_cap: number | null }>(
        m,
        `DELETE FROM listings WHERE tenant_id = $1 AND id = $2 RETURNING product_id, variant_id, connection_id, price::text AS price, status, quantity_cap`,
        [ctx.tenantId, id],
      );
      if (!rows[0]) throw new NotFoundError('Listing', id);
      await this.audit.record(m, ctx, { action: 'listing.deleted', resourceType: 'listing', resourceId: id, before: { price: Number(rows[0].price), status: rows[0].status } });
      // the connection goes back to the PIM price
      if (rows[0].status === 'active') await this.push(m, ctx, rows[0].product_id, rows[0].connection_id);
      if (rows[0].quantity_cap !== null || rows[0].status === 'inactive') await this.restock(m, ctx, rows[0].variant_id);
    });
  }

  /** Records competitor observations and asks the worker to re-evaluate the listing's rules. */
  async recordCompetitorPrices(ctx: TenantContext, id: string, dto: RecordCompetitorPricesDto) {
    const now = Date.now();
    dto.prices.forEach((o, i) => {
      if (Date.parse(o.observed_at) > now + 5 * 60_000) throw new ObservedInFutureError(i);
    });
    const recorded = await this.db.transaction(async (m) => {
      const rows = await prepared<{ found: number; n: number }>(
        m,
        `WITH l AS (SELECT id FROM listings WHERE tenant_id = $1 AND id = $2),
              i AS (INSERT INTO competitor_prices (tenant_id, listing_id, seller, price, shipping, condition, is_featured_offer, observed_at)
                    SELECT $1, l.id, x.seller, x.price, x.shipping, x.condition, x.is_featured_offer, x.observed_at
                      FROM l CROSS JOIN jsonb_to_recordset($3::jsonb)
                           AS x(seller text, price numeric, shipping numeric, condition text, is_featured_offer boolean, observed_at timestamptz)
                    RETURNING 1)
         SELECT (SELECT count(*)::int FROM l) AS found, (SELECT count(*)::int FROM i) AS n`,
        [
          ctx.tenantId,
          id,
          JSON.stringify(
            dto.prices.map((o) => ({
              seller: o.seller,
              price: money(o.price),
              shipping: money(o.shipping ?? 0),
              condition: o.condition ?? null,
              is_featured_offer: o.is_featured_offer ?? false,
              observed_at: o.observed_at,
            })),
          ),
        ],
      );
      const r = rows[0];
      if (!r.found) throw new NotFoundError('Listing', id);
      await this.outbox.enqueue(m, ctx.tenantId, { name: 'repricer.evaluate', data: { tenantId: ctx.tenantId, listingIds: [id] } });
      return r.n;
    });
    return { recorded, repricing: 'queued', latest: await this.latestCompetitorPrices(ctx, id) };
  }

  /** The latest observation of each competitor, cheapest landed price first (bounded). */
  async latestCompetitorPrices(ctx: TenantContext, id: string) {
    await this.find(this.db, ctx, id);
    const rows = await prepared<{ seller: string; price: string; shipping: string; condition: string | null; is_featured_offer: boolean; observed_at: string }>(
      this.db,
      `SELECT o.seller, o.price::text AS price, o.shipping::text AS shipping, o.condition, o.is_featured_offer, ${isoSql('o.observed_at')} AS observed_at
         FROM (SELECT DISTINCT ON (cp.seller) cp.seller, cp.price, cp.shipping, cp.condition, cp.is_featured_offer, cp.observed_at
                 FROM competitor_prices cp WHERE cp.tenant_id = $1 AND cp.listing_id = $2
                ORDER BY cp.seller, cp.observed_at DESC, cp.created_at DESC LIMIT 100) o
        ORDER BY o.price + o.shipping, o.seller`,
      [ctx.tenantId, id],
    );
    return rows.map((r) => ({
      seller: r.seller,
      price: Number(r.price),
      shipping: Number(r.shipping),
      landed_price: Number(fromUnits(toUnits(r.price) + toUnits(r.shipping))),
      condition: r.condition,
      is_featured_offer: r.is_featured_offer,
      observed_at: r.observed_at,
    }));
  }

  /** Price changes of the listing, newest first. */
  async priceHistory(ctx: TenantContext, id: string, limit: number, cursor?: string) {
    await this.find(this.db, ctx, id);
    const c = decodeCursor(cursor);
    const p = new Params();
    const where = [`h.tenant_id = ${p.add(ctx.tenantId)}`, `h.listing_id = ${p.add(id)}`];
    if (c) where.push(`(h.created_at, h.id) < (${p.add(c.createdAt)}::timestamptz, ${p.add(c.id)}::uuid)`);
    const rows = await prepared<{ id: string; old_price: string; new_price: string; rule_id: string | null; source: string; reason: string; created_at: string; created_at_ts: Date }>(
      this.db,
      `SELECT h.id, h.old_price::text AS old_price, h.new_price::text AS new_price, h.rule_id, h.source, h.reason,
              ${isoSql('h.created_at')} AS created_at, h.created_at AS created_at_ts
         FROM listing_price_history h WHERE ${where.join(' AND ')} ORDER BY h.created_at DESC, h.id DESC LIMIT ${limit + 1}`,
      p.values,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => ({ id: r.id, old_price: num(r.old_price), new_price: num(r.new_price), rule_id: r.rule_id, source: r.source, reason: r.reason, created_at: r.created_at })),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: new Date(last.created_at_ts), id: last.id }) : undefined,
    };
  }
}
