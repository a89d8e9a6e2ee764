import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isoSql, NotFoundError, Params, systemContext, TenantContext, ValidationFailedError } from '@synq/common';
import { MovementKind, pgCode, prepared, queryRows } from '@synq/database';
import { prefixedId } from '@synq/events';
import { IllegalTransitionError, InsufficientStockError, ShortLine } from './orders.errors';

/** A line of a stock request: a variant by id or by SKU. */
export interface StockItem {
  variantId?: string;
  sku?: string;
  quantity: number;
}

export interface ResolvedVariant {
  id: string;
  product_id: string;
  sku: string | null;
  title: string | null;
  product_title: string;
  price: string | null;
  currency: string | null;
}

/** One applied change of one level (before/after on hand and reserved). */
export interface LevelChange {
  variant_id: string;
  product_id: string;
  sku: string | null;
  location_id: string;
  on_hand_before: number;
  on_hand_after: number;
  reserved_before: number;
  reserved_after: number;
  /** available went from above the tenant's low-stock threshold to at or below it */
  crossed_low: boolean;
  threshold: number;
}

export interface StockDelta {
  variantId: string;
  /** change of on hand */
  onHand: number;
  /** change of reserved */
  reserved: number;
}

export interface ApplyOptions {
  kind: MovementKind;
  reason?: string | null;
  reference?: string | null;
}

export interface ReservationView {
  id: string;
  status: 'active' | 'released' | 'committed' | 'expired';
  location_id: string;
  channel_id: string | null;
  reference: string | null;
  expires_at: string | null;
  items: { variant_id: string; sku: string | null; quantity: number }[];
  created_at: string;
  updated_at: string;
}

export interface ReserveOptions {
  expiresInSeconds?: number;
  reference?: string;
  channelId?: string;
  locationId?: string;
}

type Db = EntityManager | DataSource;

/**
 * Stock per variant per location, in SQL: every change is one conditional INSERT … ON CONFLICT DO
 * UPDATE whose WHERE refuses to take available (on_hand − reserved) below zero unless the tenant
 * allows backorders; PostgreSQL re-checks that condition on the latest row version under concurrent
 * writers, so two requests racing for the last unit cannot both win. The same statement writes the
 * movement rows (who, why, before, after). A change whose available crosses the tenant's low-stock
 * threshold downward emits `stock.low` (exactly one change can straddle it). A change of available
 * also writes an `inventory.changed` outbox job when the tenant has active connections (pushed to
 * every channel selling the variant, coalesced: see StockPropagationService).
 */
@Injectable()
export class InventoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  // ------------------------------------------------------------------ locations

  /** The tenant's default location, created on first use. */
  async defaultLocationId(tenantId: string, m: Db = this.db): Promise<string> {
    const found = await prepared<{ id: string }>(m, `SELECT id FROM inventory_locations WHERE tenant_id = $1 AND is_default`, [tenantId]);
    if (found[0]) return found[0].id;
    await prepared(
      m,
      `INSERT INTO inventory_locations (tenant_id, name, is_default)
       SELECT $1, CASE WHEN EXISTS (SELECT 1 FROM inventory_locations WHERE tenant_id = $1 AND name = 'Default') THEN 'Default ' || left(md5(random()::text), 6) ELSE 'Default' END, true
       ON CONFLICT DO NOTHING`,
      [tenantId],
    );
    const again = await prepared<{ id: string }>(m, `SELECT id FROM inventory_locations WHERE tenant_id = $1 AND is_default`, [tenantId]);
    if (!again[0]) throw new Error('could not create the default location');
    return again[0].id;
  }

  /** A location of the tenant (404 otherwise); the default when no id is given. */
  async locationId(ctx: TenantContext, id: string | undefined | null, m: Db = this.db): Promise<string> {
    if (!id) return this.defaultLocationId(ctx.tenantId, m);
    const rows = await prepared<{ id: string }>(m, `SELECT id FROM inventory_locations WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Location', id);
    return rows[0].id;
  }

  // ------------------------------------------------------------------ variants

  /**
   * The tenant's variants named by id or SKU, in one query. Unknown ones → 400 naming the lines
   * (unless `allowUnknown`, then they are simply absent from the map).
   */
  async resolveVariants(ctx: TenantContext, items: { variantId?: string; sku?: string }[], m: Db = this.db, allowUnknown = false): Promise<Map<string, ResolvedVariant>> {
    const p = new Params();
    const sql = InventoryService.variantsJsonSql(p, ctx, items);
    const rows = sql ? ((await prepared<{ v: ResolvedVariant[] }>(m, `SELECT ${sql} AS v`, p.values))[0].v ?? []) : [];
    return InventoryService.variantMap(items, rows, allowUnknown);
  }

  /**
   * A scalar subquery: the JSON array of the tenant's variants the items name (null when none are
   * named). One index probe per named id / SKU. The lists travel as jsonb, not as arrays: for an array
   * parameter PostgreSQL's row estimate depends on its value (exact in a custom plan, 10 in the
   * generic one), so the generic plan of the prepared statement looked dearer than a fresh custom plan
   * and every execution was planned again (measured: ~0.3 ms of PostgreSQL CPU per order). jsonb
   * elements are estimated alike in both, so the cached generic plan is used.
   */
  static variantsJsonSql(p: Params, ctx: TenantContext, items: { variantId?: string; sku?: string }[]): string | null {
    const ids = [...new Set(items.map((i) => i.variantId).filter((x): x is string => !!x && UUID.test(x)))];
    const skus = [...new Set(items.filter((i) => !i.variantId && i.sku).map((i) => i.sku as string))];
    if (!ids.length && !skus.length) return null;
    const t = p.add(ctx.tenantId);
    const cols = 'v.id, v.product_id, v.sku, v.title, v.price, v.currency';
    return `(SELECT COALESCE(json_agg(json_build_object('id', v.id, 'product_id', v.product_id, 'sku', v.sku, 'title', v.title,
                                     'product_title', (SELECT p.title FROM products p WHERE p.id = v.product_id), 'price', v.price::text, 'currency', v.currency)), '[]'::json)
               FROM (SELECT ${cols} FROM jsonb_array_elements_text(${p.add(JSON.stringify(ids))}::jsonb) k
                       CROSS JOIN LATERAL (SELECT * FROM variants v WHERE v.id = k.value::uuid AND v.tenant_id = ${t} LIMIT 1) v
                     UNION ALL
                     SELECT ${cols} FROM jsonb_array_elements_text(${p.add(JSON.stringify(skus))}::jsonb) k
                       CROSS JOIN LATERAL (SELECT * FROM variants v WHERE v.tenant_id = ${t} AND v.sku = k.value LIMIT 1) v) v)`;
  }

  /** Items → variants by id or SKU; unknown ones → 400 naming the lines, unless `allowUnknown`. */
  static variantMap(items: { variantId?: string; sku?: string }[], rows: ResolvedVariant[], allowUnknown = false): Map<string, ResolvedVariant> {
    const map = new Map<string, ResolvedVariant>();
    for (const r of rows) {
      map.set(`id:${r.id}`, r);
      if (r.sku) map.set(`sku:${r.sku}`, r);
    }
    if (!allowUnknown) {
      const missing = items
        .map((it, i) => ({ it, i }))
        .filter(({ it }) => !map.has(it.variantId ? `id:${it.variantId}` : `sku:${it.sku}`));
      if (missing.length) {
        throw new ValidationFailedError(
          `Unknown variant(s): ${missing.map(({ it }) => it.variantId ?? it.sku ?? '(none)').join(', ')}`,
          missing.map(({ it, i }) => ({ field: `items.${i}`, message: it.variantId ? `variant ${it.variantId} not found` : it.sku ? `sku ${it.sku} not found` : 'variant_id or sku is required' })),
        );
      }
    }
    return map;
  }

  static lookup(map: Map<string, ResolvedVariant>, item: { variantId?: string; sku?: string }): ResolvedVariant | undefined {
    return map.get(item.variantId ? `id:${item.variantId}` : `sku:${item.sku}`);
  }

  // ------------------------------------------------------------------ the one write primitive

  /**
   * Applies stock deltas at one location inside the caller's transaction (must be one: a short line
   * throws INSUFFICIENT_STOCK after other lines may have been applied, and the rollback undoes them).
   * Duplicated variants are summed; rows are locked in variant-id order (no deadlocks between
   * multi-line orders). Emits stock.low for lines crossing the threshold.
   */
  async apply(m: EntityManager, ctx: TenantContext, locationId: string, deltas: StockDelta[], opts: ApplyOptions): Promise<LevelChange[]> {
    const list = InventoryService.normalize(deltas);
    if (list.length === 0) return [];
    const p = new Params();
    const ctes = this.stockCtes(p, ctx, locationId, list, opts);
    const rows = await prepared<LevelChange & { d_on: number; d_res: number }>(
      m,
      `WITH ${ctes}
       SELECT j.variant_id, v.product_id, v.sku, ${p.add(locationId)}::uuid AS location_id, j.d_on, j.d_res,
              j.on_hand - j.d_on AS on_hand_before, j.on_hand AS on_hand_after, j.reserved - j.d_res AS reserved_before, j.reserved AS reserved_after,
              (j.on_hand - j.reserved <= s.th AND (j.on_hand - j.d_on) - (j.reserved - j.d_res) > s.th) AS crossed_low, s.th AS threshold
         FROM j JOIN variants v ON v.id = j.variant_id CROSS JOIN s`,
      p.values,
    );
    if (rows.length < list.length) {
      const done = new Set(rows.map((r) => r.variant_id));
      throw await this.shortError(m, ctx, locationId, list.filter((d) => !done.has(d.variantId)));
    }
    return rows.map(({ d_on: _a, d_res: _b, ...r }) => r);
  }

  /** Sums deltas per variant, drops no-ops, sorts by variant id (the lock order). */
  static normalize(deltas: StockDelta[]): StockDelta[] {
    const summed = new Map<string, StockDelta>();
    for (const d of deltas) {
      const cur = summed.get(d.variantId) ?? { variantId: d.variantId, onHand: 0, reserved: 0 };
      cur.onHand += d.onHand;
      cur.reserved += d.reserved;
      summed.set(d.variantId, cur);
    }
    return [...summed.values()].filter((d) => d.onHand !== 0 || d.reserved !== 0).sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
  }

  /**
   * CTE clauses (without the leading WITH) applying normalized deltas at one location, for a write
   * statement of the caller: `s` (tenant backorder flag `bo`, threshold `th`), `j` (each applied line:
   * variant_id, on_hand, reserved after, d_on, d_res), the movement rows, the `inventory.changed`
   * outbox job, and `stock.low` events for lines crossing the threshold downward. A line the
   * condition refuses is simply absent from `j`: the caller compares counts (see guardSql).
   */
  stockCtes(p: Params, ctx: TenantContext, locationId: string, list: StockDelta[], opts: ApplyOptions): string {
    // jsonb rather than unnest(arrays): the row estimate must not depend on the values, or PostgreSQL
    // plans the statement afresh on every execution instead of using its generic plan (see variantsJsonSql)
    const rows = list.map((d, i) => ({ variant_id: d.variantId, d_on: d.onHand, d_res: d.reserved, evt: prefixedId('evt'), ord: i + 1 }));
    const reqSql = `SELECT x.variant_id, x.d_on, x.d_res, x.evt, x.ord
        FROM jsonb_to_recordset(${p.add(JSON.stringify(rows))}::jsonb) AS x(variant_id uuid, d_on int, d_res int, evt text, ord int)`;
    return this.stockCtesFrom(p, ctx, `${p.add(locationId)}::uuid`, reqSql, opts);
  }

  /**
   * stockCtes over any source: `reqSql` yields (variant_id, d_on, d_res, evt, ord) with one row per
   * variant (ord = lock order, evt = the id a stock.low event of that line gets); `loc` is a SQL
   * expression of the location (a parameter or a scalar subquery of the caller's statement).
   */
  stockCtesFrom(p: Params, ctx: TenantContext, loc: string, reqSql: string, opts: ApplyOptions): string {
    const t = p.add(ctx.tenantId);
    // the variant and level lookups are scalar / LIMIT 1 subqueries: one index probe per line, where
    // EXISTS let the planner hash a whole sequential scan of variants and of the location's levels
    return `s AS (
         SELECT COALESCE((SELECT allow_backorders FROM tenant_settings WHERE tenant_id = ${t}), false) AS bo,
                COALESCE((SELECT low_stock_threshold FROM tenant_settings WHERE tenant_id = ${t}), 5) AS th),
       req AS (${reqSql}),
       up AS (
         INSERT INTO inventory_levels AS l (tenant_id, variant_id, location_id, on_hand, reserved)
         SELECT ${t}, req.variant_id, ${loc}, req.d_on, req.d_res FROM req CROSS JOIN s
          WHERE (SELECT vt.tenant_id FROM variants vt WHERE vt.id = req.variant_id) = ${t}
            AND ((SELECT true FROM inventory_levels e WHERE e.variant_id = req.variant_id AND e.location_id = ${loc})
                 OR (req.d_res >= 0 AND (req.d_on - req.d_res >= 0 OR s.bo)))
          ORDER BY req.ord
         ON CONFLICT (variant_id, location_id) DO UPDATE
            SET on_hand = l.on_hand + EXCLUDED.on_hand, reserved = l.reserved + EXCLUDED.reserved, updated_at = now()
          WHERE l.tenant_id = ${t} AND l.reserved + EXCLUDED.reserved >= 0
            AND (EXCLUDED.on_hand - EXCLUDED.reserved >= 0 OR l.on_hand + EXCLUDED.on_hand - l.reserved - EXCLUDED.reserved >= 0 OR (SELECT bo FROM s))
         RETURNING l.variant_id, l.on_hand, l.reserved),
       j AS (SELECT up.variant_id, up.on_hand, up.reserved, req.d_on, req.d_res, req.evt FROM up JOIN req ON req.variant_id = up.variant_id),
       mv AS (
         INSERT INTO inventory_movements (tenant_id, variant_id, location_id, kind, delta, on_hand_before, on_hand_after, reserved_before, reserved_after, reason, reference, actor_type, actor_id)
         SELECT ${t}, j.variant_id, ${loc}, ${p.add(opts.kind)}, j.d_on, j.on_hand - j.d_on, j.on_hand, j.reserved - j.d_res, j.reserved,
                ${p.add(opts.reason ?? null)}, ${p.add(opts.reference ?? null)}, ${p.add(ctx.actorType)}, ${p.add(ctx.actorId)} FROM j),
       ob AS (
         INSERT INTO outbox (tenant_id, job_name, payload)
         SELECT ${t}, 'inventory.changed', jsonb_build_object('tenantId', ${t}::text, 'variantIds', jsonb_agg(j.variant_id ORDER BY j.variant_id))
           FROM j
          WHERE j.d_on <> j.d_res AND EXISTS (SELECT 1 FROM connections c WHERE c.tenant_id = ${t} AND c.status = 'ACTIVE' AND c.category = 'commerce')
         HAVING count(*) > 0),
       low AS (
         SELECT j.evt, j.variant_id, v.product_id, v.sku, j.on_hand - j.reserved AS quantity, s.th
           FROM j CROSS JOIN s CROSS JOIN LATERAL (SELECT v.product_id, v.sku FROM variants v WHERE v.id = j.variant_id LIMIT 1) v
          WHERE j.on_hand - j.reserved <= s.th AND (j.on_hand - j.d_on) - (j.reserved - j.d_res) > s.th),
       low_e AS (
         INSERT INTO events (id, tenant_id, type, data)
         SELECT low.evt, ${t}, 'stock.low', jsonb_build_object('product_id', low.product_id, 'variant_id', low.variant_id, 'sku', low.sku,
                'location_id', ${loc}, 'quantity', low.quantity, 'threshold', low.th) FROM low
         RETURNING id),
       low_o AS (
         INSERT INTO outbox (tenant_id, job_name, payload)
         SELECT ${t}, 'event.dispatch', jsonb_build_object('tenantId', ${t}::text, 'eventIds', jsonb_agg(low_e.id)) FROM low_e HAVING count(*) > 0)`;
  }

  /** A select-list expression that aborts the statement (SQLSTATE SQ409) unless all `n` lines applied. */
  static guardSql(n: number): string {
    return `CASE WHEN (SELECT count(*) FROM j) < ${Number(n)} THEN synq_insufficient_stock() ELSE 1 END`;
  }

  static isShortError(err: unknown): boolean {
    return pgCode(err) === 'SQ409';
  }

  /** The INSUFFICIENT_STOCK error naming the lines that could not apply, with their current availability. */
  async shortError(m: Db, ctx: TenantContext, locationId: string, shortIds: StockDelta[]): Promise<InsufficientStockError> {
    const avail = await prepared<{ variant_id: string; sku: string | null; available: number }>(
      m,
      `SELECT v.id AS variant_id, v.sku, COALESCE(l.on_hand - l.reserved, 0)::int AS available
         FROM variants v LEFT JOIN inventory_levels l ON l.variant_id = v.id AND l.location_id = $2
        WHERE v.tenant_id = $1 AND v.id = ANY($3::uuid[])`,
      [ctx.tenantId, locationId, shortIds.map((d) => d.variantId)],
    );
    const byId = new Map(avail.map((a) => [a.variant_id, a]));
    const short: ShortLine[] = shortIds.map((d) => ({
      variant_id: d.variantId,
      sku: byId.get(d.variantId)?.sku ?? null,
      requested: Math.max(d.reserved - d.onHand, 0),
      available: Math.max(byId.get(d.variantId)?.available ?? 0, 0),
    }));
    // when the statement was undone as a whole, name the lines that are short now
    const really = short.filter((l) => l.requested > l.available);
    return new InsufficientStockError(really.length ? really : short);
  }

  private tx<T>(m: EntityManager | undefined, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return m?.queryRunner?.isTransactionActive ? fn(m) : this.db.transaction(fn);
  }

  // ------------------------------------------------------------------ adjust / set

  /** Adds `delta` (may be negative) to on hand; 409 INSUFFICIENT_STOCK when available would go negative. */
  async adjust(
    ctx: TenantContext,
    input: { variantId?: string; sku?: string; locationId?: string; delta: number; reason: string; reference?: string },
    m?: EntityManager,
  ): Promise<LevelChange> {
    return this.tx(m, async (tx) => {
      const v = InventoryService.lookup(await this.resolveVariants(ctx, [input], tx), input) as ResolvedVariant;
      const loc = await this.locationId(ctx, input.locationId, tx);
      const [row] = await this.apply(tx, ctx, loc, [{ variantId: v.id, onHand: input.delta, reserved: 0 }], { kind: 'adjust', reason: input.reason, reference: input.reference });
      return row ?? (await this.unchanged(tx, ctx, v, loc));
    });
  }

  /** Sets on hand to `quantity` (row locked, then the difference applied as one delta). */
  async set(
    ctx: TenantContext,
    input: { variantId?: string; sku?: string; locationId?: string; quantity: number; reason: string; reference?: string },
    m?: EntityManager,
  ): Promise<LevelChange> {
    return this.tx(m, async (tx) => {
      const v = InventoryService.lookup(await this.resolveVariants(ctx, [input], tx), input) as ResolvedVariant;
      const loc = await this.locationId(ctx, input.locationId, tx);
      await prepared(tx, `INSERT INTO inventory_levels (tenant_id, variant_id, location_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [ctx.tenantId, v.id, loc]);
      const [cur] = await prepared<{ on_hand: number }>(tx, `SELECT on_hand FROM inventory_levels WHERE variant_id = $1 AND location_id = $2 FOR UPDATE`, [v.id, loc]);
      const [row] = await this.apply(tx, ctx, loc, [{ variantId: v.id, onHand: input.quantity - cur.on_hand, reserved: 0 }], { kind: 'set', reason: input.reason, reference: input.reference });
      return row ?? (await this.unchanged(tx, ctx, v, loc));
    });
  }

  private async unchanged(m: EntityManager, ctx: TenantContext, v: ResolvedVariant, loc: string): Promise<LevelChange> {
    const [r] = await prepared<{ on_hand: number; reserved: number; th: number }>(
      m,
      `SELECT COALESCE(l.on_hand, 0)::int AS on_hand, COALESCE(l.reserved, 0)::int AS reserved,
              COALESCE((SELECT low_stock_threshold FROM tenant_settings WHERE tenant_id = $1), 5) AS th
         FROM (SELECT 1) one LEFT JOIN inventory_levels l ON l.variant_id = $2 AND l.location_id = $3`,
      [ctx.tenantId, v.id, loc],
    );
    return {
      variant_id: v.id,
      product_id: v.product_id,
      sku: v.sku,
      location_id: loc,
      on_hand_before: r.on_hand,
      on_hand_after: r.on_hand,
      reserved_before: r.reserved,
      reserved_after: r.reserved,
      crossed_low: false,
      threshold: r.th,
    };
  }

  // ------------------------------------------------------------------ reservations

  /**
   * Holds units for a checkout: all lines or none (409 INSUFFICIENT_STOCK naming the short lines).
   * Unreleased reservations with an expiry are released by the worker when due.
   */
  async reserve(ctx: TenantContext, items: StockItem[], opts: ReserveOptions = {}, m?: EntityManager): Promise<ReservationView> {
    if (!items.length) throw new ValidationFailedError('items must not be empty', [{ field: 'items', message: 'items must not be empty' }]);
    return this.tx(m, async (tx) => {
      const variants = await this.resolveVariants(ctx, items, tx);
      let loc: string;
      if (opts.locationId) loc = await this.locationId(ctx, opts.locationId, tx);
      else if (opts.channelId) {
        const ch = await prepared<{ location_id: string | null }>(tx, `SELECT location_id FROM channels WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, opts.channelId]);
        if (!ch[0]) throw new NotFoundError('Channel', opts.channelId);
        loc = ch[0].location_id ?? (await this.defaultLocationId(ctx.tenantId, tx));
      } else loc = await this.defaultLocationId(ctx.tenantId, tx);
      const lines = items.map((it) => ({ variant: InventoryService.lookup(variants, it) as ResolvedVariant, quantity: it.quantity }));
      const [res] = await prepared<{ id: string }>(
        tx,
        `INSERT INTO inventory_reservations (tenant_id, location_id, channel_id, reference, expires_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + $5::int * interval '1 second' END) RETURNING id`,
        [ctx.tenantId, loc, opts.channelId ?? null, opts.reference ?? null, opts.expiresInSeconds ?? null],
      );
      await this.apply(tx, ctx, loc, lines.map((l) => ({ variantId: l.variant.id, onHand: 0, reserved: l.quantity })), { kind: 'reserve', reference: res.id });
      await prepared(
        tx,
        `INSERT INTO inventory_reservation_lines (tenant_id, reservation_id, variant_id, quantity)
         SELECT $1, $2, x.v, x.q FROM unnest($3::uuid[], $4::int[]) AS x(v, q)`,
        [ctx.tenantId, res.id, lines.map((l) => l.variant.id), lines.map((l) => l.quantity)],
      );
      return this.getReservation(ctx, res.id, tx);
    });
  }

  async getReservation(ctx: TenantContext, id: string, m: Db = this.db): Promise<ReservationView> {
    if (!UUID.test(id)) throw new NotFoundError('Reservation', id);
    const rows = await prepared<{ json: ReservationView }>(
      m,
      `SELECT json_build_object('id', r.id, 'status', r.status, 'location_id', r.location_id, 'channel_id', r.channel_id, 'reference', r.reference,
                'expires_at', ${isoSql('r.expires_at')},
                'items', COALESCE((SELECT json_agg(json_build_object('variant_id', rl.variant_id, 'sku', v.sku, 'quantity', rl.quantity) ORDER BY rl.id)
                                     FROM inventory_reservation_lines rl JOIN variants v ON v.id = rl.variant_id WHERE rl.reservation_id = r.id), '[]'::json),
                'created_at', ${isoSql('r.created_at')}, 'updated_at', ${isoSql('r.updated_at')}) AS json
         FROM inventory_reservations r WHERE r.tenant_id = $1 AND r.id = $2`,
      [ctx.tenantId, id],
    );
    if (!rows[0]) throw new NotFoundError('Reservation', id);
    return rows[0].json;
  }

  /** Releases an active reservation's units (409 naming its state when it is no longer active). */
  async release(ctx: TenantContext, reservationId: string, m?: EntityManager): Promise<ReservationView> {
    return this.finish(ctx, reservationId, 'released', m);
  }

  /** Turns an active reservation into a deduction of on hand. */
  async commit(ctx: TenantContext, reservationId: string, m?: EntityManager): Promise<ReservationView> {
    return this.finish(ctx, reservationId, 'committed', m);
  }

  private async finish(ctx: TenantContext, id: string, to: 'released' | 'committed' | 'expired', m?: EntityManager): Promise<ReservationView> {
    if (!UUID.test(id)) throw new NotFoundError('Reservation', id);
    return this.tx(m, async (tx) => {
      const rows = await queryRows<{ location_id: string }>(
        tx,
        `UPDATE inventory_reservations SET status = $3, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND status = 'active' ${to === 'expired' ? 'AND expires_at <= now()' : ''} RETURNING location_id`,
        [ctx.tenantId, id, to],
      );
      if (!rows[0]) {
        const cur = await this.getReservation(ctx, id, tx);
        throw new IllegalTransitionError('Reservation', id, cur.status, to === 'committed' ? 'commit' : 'release');
      }
      const lines = await prepared<{ variant_id: string; quantity: number }>(tx, `SELECT variant_id, quantity FROM inventory_reservation_lines WHERE reservation_id = $1`, [id]);
      await this.apply(
        tx,
        ctx,
        rows[0].location_id,
        lines.map((l) => (to === 'committed' ? { variantId: l.variant_id, onHand: -l.quantity, reserved: -l.quantity } : { variantId: l.variant_id, onHand: 0, reserved: -l.quantity })),
        { kind: to === 'committed' ? 'commit' : to === 'expired' ? 'expire' : 'release', reference: id },
      );
      return this.getReservation(ctx, id, tx);
    });
  }

  /** Expires due reservations (worker): at most `limit`, each in its own transaction. Answers how many. */
  /**
   * Releases due reservations: one tenant's (its reservation_expiry agent's run), or, without
   * `tenantId`, those of every tenant that has no reservation_expiry agent (the worker's default sweep).
   */
  async expireDue(limit = 200, tenantId?: string): Promise<number> {
    const due = await prepared<{ id: string; tenant_id: string; org_id: string }>(
      this.db,
      `SELECT r.id, r.tenant_id, (SELECT o.id FROM organizations o WHERE o.tenant_id = r.tenant_id ORDER BY o.created_at LIMIT 1) AS org_id FROM inventory_reservations r
        WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= now()
          AND ${expiryScope('r', '$2')}
        ORDER BY expires_at LIMIT $1`,
      [limit, tenantId ?? null],
    );
    let n = 0;
    for (const r of due) {
      try {
        await this.finish(systemContext(r.tenant_id, r.org_id, 'reservation-expiry'), r.id, 'expired');
        n++;
      } catch (err) {
        if (!(err instanceof IllegalTransitionError)) throw err; // released or committed meanwhile
      }
    }
    return n;
  }
}

/**
 * Which rows an expiry pass takes (the rows' alias, the optional tenant parameter): the given tenant's,
 * or, without one (the worker-wide sweep), those of every tenant that has no reservation_expiry agent,
 * since such an agent is that tenant's expiry schedule. Shared by reservations and pending orders.
 */
export function expiryScope(alias: string, tenantParam: string): string {
  return `(${tenantParam}::uuid IS NULL AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.tenant_id = ${alias}.tenant_id AND a.kind = 'reservation_expiry')
           OR ${alias}.tenant_id = ${tenantParam}::uuid)`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export { UUID as UUID_RE };
