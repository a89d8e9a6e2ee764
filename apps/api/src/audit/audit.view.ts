import type { AuditEvent } from '@synq/database';

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
