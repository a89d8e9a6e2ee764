import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DomainEvent } from '@synq/database';
import { prepared } from '@synq/database';
import { DomainEventSubscriber, EventSubscriber } from '@synq/events';
import { EnqueueItem, QueueService } from '@synq/queue';

export const AUTO_SYNC_EVENTS = new Set(['product.created', 'product.updated', 'product.deleted', 'variant.created', 'variant.updated', 'variant.deleted']);

const FANOUT_BATCH = 1000;

/**
 * Auto-sync: when the tenant's `auto_sync` setting is on, committed product and variant changes push
 * themselves (UPSERT, or DELETE for product.deleted). Set-based: a dispatch of 1,000 events from a
 * bulk change becomes one settings probe and one fan-out job per 1,000 products. The fan-out job ids
 * derive from the event ids, so a repeated dispatch enqueues nothing new.
 */
@Injectable()
@DomainEventSubscriber()
export class AutoSyncSubscriber implements EventSubscriber {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueueService,
  ) {}

  handles(type: string): boolean {
    return AUTO_SYNC_EVENTS.has(type);
  }

  async handle(event: DomainEvent): Promise<void> {
    await this.handleMany([event]);
  }

  async handleMany(events: DomainEvent[]): Promise<void> {
    if (!events.length) return;
    const tenantId = events[0].tenantId;
    const rows = await prepared<{ on: boolean }>(
      this.db,
      `SELECT COALESCE((SELECT auto_sync FROM tenant_settings WHERE tenant_id = $1), false)
              AND EXISTS (SELECT 1 FROM connections WHERE tenant_id = $1 AND status = 'ACTIVE' AND category = 'commerce') AS on`,
      [tenantId],
    );
    if (!rows[0]?.on) return;
    const deleted = new Set<string>();
    const changed = new Set<string>();
    for (const e of events) {
      const productId = typeof e.data?.product_id === 'string' ? e.data.product_id : undefined;
      if (!productId) continue;
      if (e.type === 'product.deleted') deleted.add(productId);
      else changed.add(productId);
    }
    for (const id of deleted) changed.delete(id);
    const key = createHash('sha1').update(events.map((e) => e.id).sort().join(',')).digest('hex').slice(0, 24);
    const items: EnqueueItem[] = [];
    for (const [action, ids] of [['UPSERT', [...changed]], ['DELETE', [...deleted]]] as const) {
      for (let i = 0; i < ids.length; i += FANOUT_BATCH) {
        items.push({
          name: 'sync.fanout',
          data: { tenantId, productIds: ids.slice(i, i + FANOUT_BATCH), action },
          jobId: `auto-${key}-${action === 'UPSERT' ? 'u' : 'd'}-${i / FANOUT_BATCH}`,
        });
      }
    }
    if (items.length) await this.queues.addBulk(items);
  }
}
