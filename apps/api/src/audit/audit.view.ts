import type { AuditQuery } from '@synq/audit';
import type { AuditEvent } from '@synq/database';
import type { AuditQueryDto } from './dto/audit-query.dto';

/** An audit event as the API shows it. */
export function auditView(a: AuditEvent) {
  return {
    id: a.id,
    actor_type: a.actorType,
    actor_id: a.actorId,
    action: a.action,
    resource_type: a.resourceType,
    resource_id: a.resourceId,
    changes: a.changes,
    request_id: a.requestId,
    created_at: a.createdAt.toISOString(),
  };
}

/** The audit list query of an API request, limited to some resource types when given. */
export function auditQueryOf(q: AuditQueryDto, resourceTypes?: string[]): AuditQuery {
  return {
    resourceTypes: q.resource_type ? (resourceTypes ?? [q.resource_type]).filter((t) => t === q.resource_type) : resourceTypes,
    resourceId: q.resource_id,
    actorId: q.actor_id,
    action: q.action,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    cursor: q.cursor,
    limit: q.limit ?? 100,
  };
}
