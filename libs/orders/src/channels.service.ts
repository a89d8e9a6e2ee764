import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, Params, TenantContext } from '@synq/common';
import { ChannelKind, prepared } from '@synq/database';
import { InventoryService } from './inventory.service';

/** What order and stock code needs to know about a channel. */
export interface ResolvedChannel {
  id: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  connectionId: string | null;
  importOrders: boolean;
  stockBuffer: number;
  /** the channel's stock location, or the tenant's default location */
  locationId: string;
}

/** How callers name a channel: its id, `manual`, `storefront`, or `{ connectionId }`. */
export type ChannelRef = string | { connectionId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ChannelRow {
  id: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  connection_id: string | null;
  import_orders: boolean;
  stock_buffer: number;
  location_id: string | null;
}

const SELECT = `SELECT c.id, c.kind, c.name, c.enabled, c.connection_id, c.import_orders, c.stock_buffer,
                       COALESCE(c.location_id, (SELECT d.id FROM inventory_locations d WHERE d.tenant_id = c.tenant_id AND d.is_default)) AS location_id
                  FROM channels c`;

/**
 * Channels are created on first use: `manual` and `storefront` per tenant, one per connection
 * (`ensure` inserts the missing ones, idempotently, safe under concurrency).
 */
@Injectable()
export class ChannelsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly inventory: InventoryService,
  ) {}

  /** Inserts the tenant's missing channels (manual, storefront, one per connection). */
  async ensure(tenantId: string, m: EntityManager | DataSource = this.db): Promise<void> {
    await prepared(
      m,
      `WITH k AS (SELECT * FROM (VALUES ('manual', 'Manual / API orders'), ('storefront', 'Storefront')) AS v(kind, name))
       INSERT INTO channels (tenant_id, kind, name)
       SELECT $1, k.kind, k.name FROM k WHERE NOT EXISTS (SELECT 1 FROM channels c WHERE c.tenant_id = $1 AND c.kind = k.kind)
       ON CONFLICT DO NOTHING`,
      [tenantId],
    );
    await prepared(
      m,
      `INSERT INTO channels (tenant_id, kind, connection_id, name)
       SELECT c.tenant_id, 'connection', c.id, left(COALESCE(c.display_name, c.base_url, c.provider || ' ' || c.id::text), 200)
         FROM connections c
        WHERE c.tenant_id = $1 AND c.category = 'commerce'
          AND NOT EXISTS (SELECT 1 FROM channels x WHERE x.tenant_id = $1 AND x.connection_id = c.id)
       ON CONFLICT DO NOTHING`,
      [tenantId],
    );
  }

  /** The channel a reference names (404 when it is not the tenant's). */
  async resolve(ctx: TenantContext, ref: ChannelRef, m: EntityManager | DataSource = this.db): Promise<ResolvedChannel> {
    let row = await this.find(ctx.tenantId, ref, m);
    if (!row) {
      await this.ensure(ctx.tenantId, m);
      row = await this.find(ctx.tenantId, ref, m);
    }
    if (!row) throw new NotFoundError('Channel', typeof ref === 'string' ? ref : `for connection ${ref.connectionId}`);
    const locationId = row.location_id ?? (await this.inventory.defaultLocationId(ctx.tenantId, m));
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      enabled: row.enabled,
      connectionId: row.connection_id,
      importOrders: row.import_orders,
      stockBuffer: row.stock_buffer,
      locationId,
    };
  }

  /**
   * A scalar subquery: the channel a reference names as JSON with its effective location (null when
   * it does not exist yet, or the reference cannot name one). Lets a hot path read it together with
   * other things; `fromJson` turns the answer into a ResolvedChannel.
   */
  static channelJsonSql(p: Params, tenantId: string, ref: ChannelRef): string {
    let where: string;
    if (typeof ref !== 'string') where = `c.tenant_id = ${p.add(tenantId)} AND c.connection_id = ${p.add(ref.connectionId)}::uuid`;
    else if (ref === 'manual' || ref === 'storefront') where = `c.tenant_id = ${p.add(tenantId)} AND c.kind = ${p.add(ref)}`;
    else if (UUID.test(ref)) where = `c.tenant_id = ${p.add(tenantId)} AND c.id = ${p.add(ref)}::uuid`;
    else return 'NULL::json';
    return `(SELECT row_to_json(x) FROM (${SELECT} WHERE ${where}) x)`;
  }

  static fromJson(row: ChannelRow | null): ResolvedChannel | null {
    if (!row || !row.location_id) return null;
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      enabled: row.enabled,
      connectionId: row.connection_id,
      importOrders: row.import_orders,
      stockBuffer: row.stock_buffer,
      locationId: row.location_id,
    };
  }

  private async find(tenantId: string, ref: ChannelRef, m: EntityManager | DataSource): Promise<ChannelRow | undefined> {
    if (typeof ref !== 'string') {
      return (await prepared<ChannelRow>(m, `${SELECT} WHERE c.tenant_id = $1 AND c.connection_id = $2`, [tenantId, ref.connectionId]))[0];
    }
    if (ref === 'manual' || ref === 'storefront') {
      return (await prepared<ChannelRow>(m, `${SELECT} WHERE c.tenant_id = $1 AND c.kind = $2`, [tenantId, ref]))[0];
    }
    if (!UUID.test(ref)) return undefined;
    return (await prepared<ChannelRow>(m, `${SELECT} WHERE c.tenant_id = $1 AND c.id = $2`, [tenantId, ref]))[0];
  }
}
