import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvent, prepared, unpeeked } from '@synq/database';
import { EVENT_SUBSCRIBER, EventSubscriber } from './event-subscriber';

interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
  dispatched_at: Date | null;
}

/**
 * Runs in the worker: hands committed events (one, or a bulk change's batch) to every subscriber
 * that wants their type. It is the webhook fan-out's hot path, so its two statements are prepared.
 */
@Injectable()
export class EventDispatcher implements OnModuleInit {
  private subscribers: EventSubscriber[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.subscribers = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && Reflect.getMetadata(EVENT_SUBSCRIBER, w.metatype))
      .map((w) => w.instance as EventSubscriber);
  }

  /** Dispatches the tenant's events among `eventIds`; returns how many existed. */
  async dispatch(tenantId: string, eventIds: string[]): Promise<number> {
    if (!eventIds.length) return 0;
    const rows = await prepared<EventRow>(
      this.db,
      `SELECT id, tenant_id, type, data, created_at, dispatched_at FROM events
        WHERE id = ANY($1::text[]) AND tenant_id = ${unpeeked('$2')} ORDER BY created_at, id`,
      [eventIds, tenantId],
    );
    if (!rows.length) return 0;
    const events: DomainEvent[] = rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      type: r.type,
      data: r.data,
      createdAt: r.created_at,
      dispatchedAt: r.dispatched_at,
    }));
    for (const s of this.subscribers) {
      const mine = events.filter((e) => s.handles(e.type));
      if (!mine.length) continue;
      if (s.handleMany) await s.handleMany(mine);
      else for (const e of mine) await s.handle(e);
    }
    await prepared(this.db, `UPDATE events SET dispatched_at = now() WHERE id = ANY($1::text[]) AND tenant_id = ${unpeeked('$2')}`, [
      events.map((e) => e.id),
      tenantId,
    ]);
    return events.length;
  }
}
