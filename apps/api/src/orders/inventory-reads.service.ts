import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { ConflictError, isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext } from '@synq/common';
import { isUniqueViolation, prepared } from '@synq/database';
import { InventoryService } from '@synq/orders';

export interface LevelView {
  variant_id: string;
  product_id: string;
  sku: string | null;
  location_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  updated_at: string;
}

export interface LocationView {
  id: string;
  name: string;
  is_default: boolean;
  address: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

const LEVEL_JSON = `json_build_object('variant_id', l.variant_id, 'product_id', v.product_id, 'sku', v.sku, 'location_id', l.location_id,
  'on_hand', l.on_hand, 'reserved', l.reserved, 'available', l.on_hand - l.reserved, 'updated_at', ${isoSql('l.updated_at')})`;

const LOCATION_JSON = `json_build_object('id', x.id, 'name', x.name, 'is_default', x.is_default, 'address', x.address,
  'created_at', ${isoSql('x.created_at')}, 'updated_at', ${isoSql('x.updated_at')})`;

/** Reads of stock levels, movements and locations for the Platform API (writes are in @synq/orders). */
@Injectable()
export class InventoryReadsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly inventory: InventoryService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: TenantContext, q: { sku?: string; variantId?: string; locationId?: string }, limit: number, cursor?: string): Promise<Page<LevelView>> {
    const p = new Params();
    let where = `l.tenant_id = ${p.add(ctx.tenantId)}`;
    if (q.sku) where += ` AND v.sku = ${p.add(q.sku)}`;
    if (q.variantId) where += ` AND l.variant_id = ${p.add(q.variantId)}::uuid`;
    if (q.locationId) where += ` AND l.location_id = ${p.add(q.locationId)}::uuid`;
    where += keysetAfter(p, 'l', cursor);
    const rows = await prepared<{ id: string; created_at_ts: Date; json: LevelView }>(
      this.db,
      `SELECT l.id, l.created_at AS created_at_ts, ${LEVEL_JSON} AS json FROM inventory_levels l JOIN variants v ON v.id = l.variant_id
        WHERE ${where} ORDER BY l.created_at, l.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, (r) => r.json);
  }

  /** A variant's stock: totals over its locations, and each location. */
  async forVariant(ctx: TenantContext, variantId: string) {
    const rows = await prepared<{ json: unknown }>(
      this.db,
      `SELECT json_build_object('variant_id', v.id, 'product_id', v.product_id, 'sku', v.sku,
                'on_hand', COALESCE(sum(l.on_hand), 0)::int, 'reserved', COALESCE(sum(l.reserved), 0)::int,
                'available', COALESCE(sum(l.on_hand - l.reserved), 0)::int,
                'locations', COALESCE(json_agg(json_build_object('location_id', l.location_id, 'on_hand', l.on_hand, 'reserved', l.reserved,
                               'available', l.on_hand - l.reserved, 'updated_at', ${isoSql('l.updated_at')}) ORDER BY l.created_at) FILTER (WHERE l.id IS NOT NULL), '[]'::json)) AS json
         FROM variants v LEFT JOIN inventory_levels l ON l.variant_id = v.id
        WHERE v.tenant_id = $1 AND v.id = $2 GROUP BY v.id`,
      [ctx.tenantId, variantId],
    );
    if (!rows[0]) throw new NotFoundError('Variant', variantId);
    return rows[0].json;
  }

  async movements(ctx: TenantContext, q: { variantId?: string; sku?: string; locationId?: string }, limit: number, cursor?: string): Promise<Page<unknown>> {
    const p = new Params();
    let where = `m.tenant_id = ${p.add(ctx.tenantId)}`;
    if (q.variantId) where += ` AND m.variant_id = ${p.add(q.variantId)}::uuid`;
    if (q.sku) where += ` AND m.variant_id IN (SELECT id FROM variants WHERE tenant_id = $1 AND sku = ${p.add(q.sku)})`;
    if (q.locationId) where += ` AND m.location_id = ${p.add(q.locationId)}::uuid`;
    where += keysetAfter(p, 'm', cursor);
    const rows = await prepared<{ id: string; created_at_ts: Date; json: unknown }>(
      this.db,
      `SELECT m.id, m.created_at AS created_at_ts,
              json_build_object('id', m.id, 'variant_id', m.variant_id, 'sku', v.sku, 'location_id', m.location_id, 'kind', m.kind, 'delta', m.delta,
                'on_hand_before', m.on_hand_before, 'on_hand_after', m.on_hand_after, 'reserved_before', m.reserved_before, 'reserved_after', m.reserved_after,
                'available_before', m.on_hand_before - m.reserved_before, 'available_after', m.on_hand_after - m.reserved_after,
                'reason', m.reason, 'reference', m.reference, 'actor_type', m.actor_type, 'actor_id', m.actor_id, 'created_at', ${isoSql('m.created_at')}) AS json
         FROM inventory_movements m LEFT JOIN variants v ON v.id = m.variant_id
        WHERE ${where} ORDER BY m.created_at, m.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, (r) => r.json);
  }

  async locations(ctx: TenantContext, limit: number, cursor?: string): Promise<Page<LocationView>> {
    await this.inventory.defaultLocationId(ctx.tenantId);
    const p = new Params();
    const where = `x.tenant_id = ${p.add(ctx.tenantId)}` + keysetAfter(p, 'x', cursor);
    const rows = await prepared<{ id: string; created_at_ts: Date; json: LocationView }>(
      this.db,
      `SELECT x.id, x.created_at AS created_at_ts, ${LOCATION_JSON} AS json FROM inventory_locations x WHERE ${where} ORDER BY x.created_at, x.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, (r) => r.json);
  }

  async createLocation(ctx: TenantContext, dto: { name: string; address?: Record<string, unknown>; is_default?: boolean }): Promise<LocationView> {
    await this.inventory.defaultLocationId(ctx.tenantId);
    return this.db.transaction(async (m) => {
      if (dto.is_default) await m.query(`UPDATE inventory_locations SET is_default = false, updated_at = now() WHERE tenant_id = $1 AND is_default`, [ctx.tenantId]);
      const rows = await prepared<{ json: LocationView }>(
        m,
        `WITH x AS (INSERT INTO inventory_locations (tenant_id, name, is_default, address) VALUES ($1, $2, $3, $4::jsonb) RETURNING *)
         SELECT ${LOCATION_JSON} AS json FROM x`,
        [ctx.tenantId, dto.name, !!dto.is_default, dto.address ? JSON.stringify(dto.address) : null],
      ).catch((err: unknown) => {
        if (isUniqueViolation(err, 'uq_inventory_locations_tenant_name')) throw new ConflictError(`A location named ${dto.name} already exists`, 'LOCATION_EXISTS');
        if (isUniqueViolation(err, 'uq_inventory_locations_default')) throw new ConflictError('Another default location was set at the same time; retry', 'CONFLICT');
        throw err;
      });
      await this.audit.record(m, ctx, { action: 'location.created', resourceType: 'inventory_location', resourceId: rows[0].json.id, after: { name: dto.name, is_default: !!dto.is_default } });
      return rows[0].json;
    });
  }
}
