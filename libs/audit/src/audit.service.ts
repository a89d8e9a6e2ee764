import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { AuditEvent, prepared } from '@synq/database';
import { decodeCursor, Page, TenantContext, toPage } from '@synq/common';
import { diffObjects } from './diff';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditQuery {
  resourceTypes?: string[];
  resourceId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** The audit log: written in the caller's transaction, read with filters and keyset pagination. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly repo: Repository<AuditEvent>) {}

  async record(manager: EntityManager, ctx: TenantContext, entry: AuditEntry): Promise<void> {
    await this.recordMany(manager, ctx, [entry]);
  }

  async recordMany(manager: EntityManager, ctx: TenantContext, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e) => ({
      action: e.action,
      resource_type: e.resourceType,
      resource_id: e.resourceId ?? null,
      changes: diffObjects(e.before, e.after),
    }));
    await prepared(
      manager,
      `INSERT INTO audit_events (tenant_id, org_id, actor_type, actor_id, action, resource_type, resource_id, changes, request_id)
       SELECT $1, $2, $3, $4, x.action, x.resource_type, x.resource_id, x.changes, $5
         FROM jsonb_to_recordset($6::jsonb) AS x(action text, resource_type text, resource_id text, changes jsonb)`,
      [ctx.tenantId, ctx.orgId ?? null, ctx.actorType, ctx.actorId, ctx.requestId ?? null, JSON.stringify(rows)],
    );
  }

  async list(ctx: TenantContext, q: AuditQuery): Promise<Page<AuditEvent>> {
    const qb = this.repo.createQueryBuilder('a').where('a.tenant_id = :tenantId', { tenantId: ctx.tenantId });
    if (q.resourceTypes?.length) qb.andWhere('a.resource_type IN (:...types)', { types: q.resourceTypes });
    if (q.resourceId) qb.andWhere('a.resource_id = :rid', { rid: q.resourceId });
    if (q.actorId) qb.andWhere('a.actor_id = :actor', { actor: q.actorId });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.from) qb.andWhere('a.created_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.created_at < :to', { to: q.to });
    const cursor = decodeCursor(q.cursor);
    if (cursor) {
      // newest first: the next page holds rows strictly older than the cursor
      qb.andWhere(
        new Brackets((b) =>
          b.where('a.created_at < :cAt', { cAt: cursor.createdAt }).orWhere('(a.created_at = :cAt AND a.id < :cId)', {
            cAt: cursor.createdAt,
            cId: cursor.id,
          }),
        ),
      );
    }
    const rows = await qb.orderBy('a.created_at', 'DESC').addOrderBy('a.id', 'DESC').limit(q.limit + 1).getMany();
    return toPage(rows, q.limit);
  }
}
