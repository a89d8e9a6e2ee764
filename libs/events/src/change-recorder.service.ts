import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry, diffObjects } from '@synq/audit';
import type { TenantContext } from '@synq/common';
import { prepared } from '@synq/database';
import { prefixedId } from './ids';

/**
 * Records what a change causes, in the caller's transaction and in one round trip: its audit
 * entries, its domain events and one dispatch job for those events. Equivalent to
 * AuditService.recordMany + OutboxService.emitMany, for write paths where each round trip counts.
 */
@Injectable()
export class ChangeRecorder {
  async record(
    m: EntityManager,
    ctx: TenantContext,
    audit: AuditEntry[],
    events: { type: string; data: Record<string, unknown> }[],
  ): Promise<string[]> {
    const auditRows = audit.map((e) => ({
      action: e.action,
      resource_type: e.resourceType,
      resource_id: e.resourceId ?? null,
      changes: diffObjects(e.before, e.after),
    }));
    const eventRows = events.map((e) => ({ id: prefixedId('evt'), type: e.type, data: e.data }));
    await prepared(
      m,
      `WITH a AS (
         INSERT INTO audit_events (tenant_id, org_id, actor_type, actor_id, action, resource_type, resource_id, changes, request_id)
         SELECT $1, $2, $3, $4, x.action, x.resource_type, x.resource_id, x.changes, $5
           FROM jsonb_to_recordset($6::jsonb) AS x(action text, resource_type text, resource_id text, changes jsonb)),
       e AS (
         INSERT INTO events (id, tenant_id, type, data)
         SELECT x.id, $1, x.type, x.data FROM jsonb_to_recordset($7::jsonb) AS x(id text, type text, data jsonb)
         RETURNING id)
       INSERT INTO outbox (tenant_id, job_name, payload)
       SELECT $1, 'event.dispatch', jsonb_build_object('tenantId', $1::text, 'eventIds', jsonb_agg(e.id)) FROM e HAVING count(*) > 0`,
      [ctx.tenantId, ctx.orgId ?? null, ctx.actorType, ctx.actorId, ctx.requestId ?? null, JSON.stringify(auditRows), JSON.stringify(eventRows)],
    );
    return eventRows.map((e) => e.id);
  }
}
