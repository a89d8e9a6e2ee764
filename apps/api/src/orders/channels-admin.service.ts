import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext } from '@synq/common';
import { prepared, queryRows } from '@synq/database';
import { OutboxService } from '@synq/events';
import { ChannelsService, markChannelStock } from '@synq/orders';
import { UpdateChannelDto } from './dto/channels.dto';

export interface ChannelView {
  id: string;
  kind: string;
  name: string;
  enabled: boolean;
  connection_id: string | null;
  provider: string | null;
  location_id: string | null;
  stock_buffer: number;
  import_orders: boolean;
  created_at: string;
  updated_at: string;
}

const CHANNEL_JSON = `json_build_object('id', c.id, 'kind', c.kind, 'name', c.name, 'enabled', c.enabled, 'connection_id', c.connection_id,
  'provider', (SELECT x.provider FROM connections x WHERE x.id = c.connection_id), 'location_id', c.location_id, 'stock_buffer', c.stock_buffer,
  'import_orders', c.import_orders, 'created_at', ${isoSql('c.created_at')}, 'updated_at', ${isoSql('c.updated_at')})`;

/** Channel configuration on the Platform API: one per connection, plus storefront and manual (created on first read). */
@Injectable()
export class ChannelsAdminService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async list(ctx: TenantContext, limit: number, cursor?: string): Promise<Page<ChannelView>> {
    await this.channels.ensure(ctx.tenantId);
    const p = new Params();
    const where = `c.tenant_id = ${p.add(ctx.tenantId)}` + keysetAfter(p, 'c', cursor);
    const rows = await prepared<{ id: string; created_at_ts: Date; json: ChannelView }>(
      this.db,
      `SELECT c.id, c.created_at AS created_at_ts, ${CHANNEL_JSON} AS json FROM channels c WHERE ${where} ORDER BY c.created_at, c.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, (r) => r.json);
  }

  async get(ctx: TenantContext, id: string): Promise<ChannelView> {
    const rows = await prepared<{ json: ChannelView }>(this.db, `SELECT ${CHANNEL_JSON} AS json FROM channels c WHERE c.tenant_id = $1 AND c.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Channel', id);
    return rows[0].json;
  }

  async update(ctx: TenantContext, id: string, dto: UpdateChannelDto): Promise<ChannelView> {
    const before = await this.get(ctx, id);
    if (dto.location_id) {
      const loc = await prepared(this.db, `SELECT 1 FROM inventory_locations WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, dto.location_id]);
      if (!loc.length) throw new NotFoundError('Location', dto.location_id);
    }
    await this.db.transaction(async (m) => {
      const rows = await queryRows<{ id: string }>(
        m,
        `UPDATE channels SET name = COALESCE($3, name), enabled = COALESCE($4, enabled),
                location_id = CASE WHEN $5::boolean THEN $6::uuid ELSE location_id END,
                stock_buffer = COALESCE($7, stock_buffer), import_orders = COALESCE($8, import_orders), updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING id`,
        [ctx.tenantId, id, dto.name ?? null, dto.enabled ?? null, dto.location_id !== undefined, dto.location_id ?? null, dto.stock_buffer ?? null, dto.import_orders ?? null],
      );
      if (!rows.length) throw new NotFoundError('Channel', id);
      const after = { ...before, ...Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) };
      await this.audit.record(m, ctx, {
        action: 'channel.updated',
        resourceType: 'channel',
        resourceId: id,
        before: { name: before.name, enabled: before.enabled, location_id: before.location_id, stock_buffer: before.stock_buffer, import_orders: before.import_orders },
        after: { name: after.name, enabled: after.enabled, location_id: after.location_id, stock_buffer: after.stock_buffer, import_orders: after.import_orders },
      });
      // what the channel should show changed: push every variant it sells again
      const stockChanged =
        (dto.stock_buffer !== undefined && dto.stock_buffer !== before.stock_buffer) ||
        (dto.location_id !== undefined && dto.location_id !== before.location_id) ||
        (dto.enabled === true && !before.enabled);
      if (stockChanged && before.kind === 'connection' && (await markChannelStock(m, ctx.tenantId, id)) > 0) {
        await this.outbox.enqueue(m, ctx.tenantId, { name: 'inventory.push', data: { tenantId: ctx.tenantId, channelId: id } });
      }
    });
    return this.get(ctx, id);
  }
}
