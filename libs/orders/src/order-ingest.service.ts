import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError, TenantContext, ValidationFailedError } from '@synq/common';
import { prepared } from '@synq/database';
import { ChannelsService } from './channels.service';
import { OrdersService } from './orders.service';
import { normalizeOrder, OrderPlatform, UnreadableOrderError } from './platform-orders';

/** The `order.ingest` job's payload (libs/queue jobs.ts). */
export interface OrderIngestData {
  tenantId: string;
  connectionId: string;
  platform: OrderPlatform;
  topic: string;
  order: Record<string, unknown>;
}

export type IngestOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

/**
 * Imports one platform order for a connection (webhook receivers and the periodic pull both come
 * here): the connection's channel must import orders; the order is normalised from the platform's
 * own JSON and upserted idempotently (OrdersService.importExternal).
 */
@Injectable()
export class OrderIngestService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ChannelsService,
    private readonly orders: OrdersService,
  ) {}

  async ingest(data: OrderIngestData): Promise<{ outcome: IngestOutcome; orderId?: string }> {
    const conn = await prepared<{ org_id: string }>(this.db, `SELECT org_id FROM connections WHERE tenant_id = $1 AND id = $2`, [data.tenantId, data.connectionId]);
    if (!conn[0]) throw new NotFoundError('Connection', data.connectionId);
    const ctx: TenantContext = { tenantId: data.tenantId, orgId: conn[0].org_id, role: 'owner', actorType: 'platform', actorId: `${data.platform}:${data.connectionId}`.slice(0, 100) };
    const channel = await this.channels.resolve(ctx, { connectionId: data.connectionId });
    if (!channel.enabled || !channel.importOrders) return { outcome: 'skipped' };
    let normalized;
    try {
      normalized = normalizeOrder(data.platform, data.order ?? {});
    } catch (err) {
      if (err instanceof UnreadableOrderError) throw new ValidationFailedError(err.message);
      throw err;
    }
    return this.orders.importExternal(ctx, channel, normalized);
  }
}
