import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvent, filterOnly, prepared } from '@synq/database';
import { EVENT_SUBSCRIBER, EventSubscriber } from './event-subscriber';

interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
  dispatched_at: Date | null;
}

/** The tenant's events among ids `$1`, in commit order; `$2` tenant. A primary-key probe per id. */
export const DISPATCH_EVENTS_SQL = `SELECT e.id, e.tenant_id, e.type, e.data, e.created_at, e.dispatched_at
         FROM (SELECT DISTINCT unnest($1::text[]) AS id) k CROSS JOIN LATERAL (SELECT * FROM events WHERE id = k.id AND ${filterOnly('tenant_id', '$2')}) e
        ORDER BY e.created_at, e.id`;

/** The events `$1` (ids read by DISPATCH_EVENTS_SQL, so the tenant's) dispatched. */
export const MARK_DISPATCHED_SQL = `UPDATE events SET dispatched_at = now() WHERE id = ANY($1::text[])`;

/**
 * Runs in the worker: hands committed events (one, or a bulk change's batch) to every subscriber
 * that wants their type. It is the webhook fan-out's hot path, so its two statements are prepared,
 * and both go by the events' primary key whatever the planner's statistics say (a probe per id:
 * the tenant's `(tenant_id, created_at)` index would walk all of a tenant's events per dispatch
 * when the statistics are older than the tenant).
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
    const rows = await prepared<EventRow>(this.db, DISPATCH_EVENTS_SQL, [eventIds, tenantId]);
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
    // the ids are the tenant's (read above): the primary key is the only way to them
    await prepared(this.db, MARK_DISPATCHED_SQL, [events.map((e) => e.id)]);
    return events.length;
  }
}
