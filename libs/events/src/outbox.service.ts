import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DomainEvent, OutboxEntry } from '@synq/database';
import { JobItem } from '@synq/queue';
import { prefixedId } from './ids';

export interface EmittedEvent {
  id: string;
  type: string;
  tenantId: string;
  createdAt: Date;
}

/**
 * Writes jobs and domain events into the outbox inside the caller's transaction, so a change and
 * the work it causes commit or roll back together. Nothing here talks to Redis.
 */
@Injectable()
export class OutboxService {
  async enqueue(manager: EntityManager, tenantId: string, job: JobItem, runAt?: Date): Promise<string> {
    const row = await manager.getRepository(OutboxEntry).insert({
      tenantId,
      jobName: job.name,
      payload: job.data,
      runAt: runAt ?? null,
    } as QueryDeepPartialEntity<OutboxEntry>);
    return row.identifiers[0].id as string;
  }

  async enqueueMany(manager: EntityManager, tenantId: string, jobs: JobItem[]): Promise<void> {
    if (jobs.length === 0) return;
    await manager.getRepository(OutboxEntry).insert(
      jobs.map((job) => ({
        tenantId,
        jobName: job.name,
        payload: job.data as unknown as Record<string, unknown>,
        runAt: null,
      })) as QueryDeepPartialEntity<OutboxEntry>[],
    );
  }

  /** Records a domain event and schedules its dispatch to subscribers. */
  async emit(manager: EntityManager, tenantId: string, type: string, data: Record<string, unknown>): Promise<EmittedEvent> {
    return (await this.emitMany(manager, tenantId, [{ type, data }]))[0];
  }

  async emitMany(
    manager: EntityManager,
    tenantId: string,
    events: { type: string; data: Record<string, unknown> }[],
  ): Promise<EmittedEvent[]> {
    if (events.length === 0) return [];
    const createdAt = new Date();
    const rows = events.map((e) => ({ id: prefixedId('evt'), tenantId, type: e.type, data: e.data, createdAt }));
    await manager.getRepository(DomainEvent).insert(rows as QueryDeepPartialEntity<DomainEvent>[]);
    await this.enqueueMany(
      manager,
      tenantId,
      rows.map((r) => ({ name: 'event.dispatch' as const, data: { tenantId, eventId: r.id } })),
    );
    return rows.map((r) => ({ id: r.id, type: r.type, tenantId, createdAt }));
  }
}
