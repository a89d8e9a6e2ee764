import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvent, PreparedQueries } from '@synq/database';
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
 * Runs in the worker: hands a committed event to every subscriber that wants its type. It runs once
 * per event (the webhook fan-out's hot path), so its two statements are prepared.
 */
@Injectable()
export class EventDispatcher implements OnModuleInit {
  private subscribers: EventSubscriber[] = [];
  private readonly sql: PreparedQueries;

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectDataSource() db: DataSource,
  ) {
    this.sql = new PreparedQueries(db);
  }

  onModuleInit(): void {
    this.subscribers = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && Reflect.getMetadata(EVENT_SUBSCRIBER, w.metatype))
      .map((w) => w.instance as EventSubscriber);
  }

  /** Returns false when the event does not exist (for this tenant). */
  async dispatch(tenantId: string, eventId: string): Promise<boolean> {
    const [row] = await this.sql.run<EventRow>(
      'event_dispatch_load_v1',
      `SELECT id, tenant_id, type, data, created_at, dispatched_at FROM events WHERE id = $1 AND tenant_id = $2`,
      [eventId, tenantId],
    );
    if (!row) return false;
    const event: DomainEvent = {
      id: row.id,
      tenantId: row.tenant_id,
      type: row.type,
      data: row.data,
      createdAt: row.created_at,
      dispatchedAt: row.dispatched_at,
    };
    for (const s of this.subscribers) {
      if (s.handles(event.type)) await s.handle(event);
    }
    await this.sql.run('event_dispatch_done_v1', `UPDATE events SET dispatched_at = now() WHERE id = $1 AND tenant_id = $2`, [
      event.id,
      tenantId,
    ]);
    return true;
  }
}
