import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry, diffObjects } from '@synq/audit';
import { Params, TenantContext } from '@synq/common';
import { prepared } from '@synq/database';
import { prefixedId } from './ids';

export interface ChangeSet {
  audit: AuditEntry[];
  events: { type: string; data: Record<string, unknown> }[];
}

/**
 * Records what a change causes, in one statement: its audit entries, its domain events and one
 * dispatch job for those events (what AuditService.recordMany + OutboxService.emitMany do in two).
 * `ctes` lets a write path put these inserts into its own statement, so that a change and its
 * consequences are a single atomic statement (no explicit transaction, one round trip).
 */
@Injectable()
export class ChangeRecorder {
  /**
   * CTE clauses (without the leading WITH) that insert the change set. When `onlyIf` names a CTE,
   * nothing is written unless that CTE returned a row. `name` prefixes the CTE names, so that one
   * statement can carry several change sets.
   */
  ctes(params: Params, ctx: TenantContext, changes: ChangeSet, onlyIf?: string, name = 'chg'): { ctes: string; eventIds: string[] } {
    const auditRows = changes.audit.map((e) => ({
      action: e.action,
      resource_type: e.resourceType,
      resource_id: e.resourceId ?? null,
      changes: diffObjects(e.before, e.after),
    }));
    const eventRows = changes.events.map((e) => ({ id: prefixedId('evt'), type: e.type, data: e.data }));
    const t = params.add(ctx.tenantId);
    const guard = onlyIf ? ` WHERE EXISTS (SELECT 1 FROM ${onlyIf})` : '';
    const ctes = `${name}_a AS (
         INSERT INTO audit_events (tenant_id, org_id, actor_type, actor_id, action, resource_type, resource_id, changes, request_id)
         SELECT ${t}, ${params.add(ctx.orgId ?? null)}::uuid, ${params.add(ctx.actorType)}, ${params.add(ctx.actorId)}, x.action, x.resource_type,
                x.resource_id, x.changes, ${params.add(ctx.requestId ?? null)}
           FROM jsonb_to_recordset(${params.add(JSON.stringify(auditRows))}::jsonb) AS x(action text, resource_type text, resource_id text, changes jsonb)${guard}),
       ${name}_e AS (
         INSERT INTO events (id, tenant_id, type, data)
         SELECT x.id, ${t}, x.type, x.data FROM jsonb_to_recordset(${params.add(JSON.stringify(eventRows))}::jsonb) AS x(id text, type text, data jsonb)${guard}
         RETURNING id),
       ${name}_o AS (
         INSERT INTO outbox (tenant_id, job_name, payload)
         SELECT ${t}, 'event.dispatch', jsonb_build_object('tenantId', ${t}::text, 'eventIds', jsonb_agg(${name}_e.id)) FROM ${name}_e HAVING count(*) > 0)`;
    return { ctes, eventIds: eventRows.map((e) => e.id) };
  }

  /** Writes the change set on its own (in the caller's transaction). */
  async record(m: EntityManager, ctx: TenantContext, changes: ChangeSet): Promise<string[]> {
    const params = new Params();
    const { ctes, eventIds } = this.ctes(params, ctx, changes);
    await prepared(m, `WITH ${ctes} SELECT 1`, params.values);
    return eventIds;
  }
}
