import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OutboxEntry, prepared } from '@synq/database';
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
    const rows = events.map((e) => ({ id: prefixedId('evt'), type: e.type, data: e.data }));
    // one round trip: the events and one dispatch job for all of them
    await prepared(
      manager,
      `WITH e AS (
         INSERT INTO events (id, tenant_id, type, data, created_at)
         SELECT x.id, $1, x.type, x.data, $3 FROM jsonb_to_recordset($2::jsonb) AS x(id text, type text, data jsonb)
         RETURNING id)
       INSERT INTO outbox (tenant_id, job_name, payload)
       SELECT $1, 'event.dispatch', jsonb_build_object('tenantId', $1::text, 'eventIds', jsonb_agg(e.id)) FROM e`,
      [tenantId, JSON.stringify(rows), createdAt],
    );
    return rows.map((r) => ({ id: r.id, type: r.type, tenantId, createdAt }));
  }
}
