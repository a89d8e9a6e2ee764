import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { diffObjects } from '@synq/audit';
import { Coalescer, decodeCursor, encodeCursor, isoSql, NotFoundError, Page, Params, TenantContext } from '@synq/common';
import { prepared } from '@synq/database';
import { ChangeRecorder } from '@synq/events';
import { PushProductDto, SyncRunsQueryDto } from './dto/sync.dto';
import { NothingToRetryError } from './sync.errors';

const LEDGER_SELECT = `SELECT s.connection_id, c.provider, c.kind, c.status AS connection_status, s.status, s.requested_action AS action,
    s.remote_product_id, s.remote_variant_ids, s.attempts, s.last_error, ${isoSql('s.last_synced_at')} AS last_synced_at, s.payload_hash,
    ${isoSql('s.updated_at')} AS updated_at
  FROM sync_states s JOIN connections c ON c.id = s.connection_id`;

interface RunRow {
  id: string;
  connection_id: string;
  product_id: string;
  action: string;
  status: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  attempt: number;
  created_at: string;
  created_at_ts: Date;
}

/**
 * A batch of pushes (`$1`: rows of `i, tenant_id, …`): the ones found (by the product's primary key,
 * the tenant checked on the row as `filterOnly` does), their audit entries and outbox rows; returns
 * the `i` of those found.
 */
const PUSH_SQL = `WITH r AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(i int, tenant_id uuid, org_id uuid, actor_type text, actor_id text, request_id text,
                                                     product_id uuid, action text, force boolean, changes jsonb)),
  ok AS (
    SELECT r.* FROM r
     WHERE EXISTS (SELECT 1 FROM products p WHERE p.id = r.product_id AND p.tenant_id IS NOT DISTINCT FROM r.tenant_id)
        OR (r.action = 'DELETE' AND EXISTS (SELECT 1 FROM sync_states s WHERE s.tenant_id = r.tenant_id AND s.product_id = r.product_id))),
  job AS (
    INSERT INTO outbox (tenant_id, job_name, payload)
    SELECT tenant_id, 'sync.fanout', jsonb_build_object('tenantId', tenant_id::text, 'productIds', jsonb_agg(product_id::text ORDER BY i), 'action', action, 'force', force)
      FROM ok GROUP BY tenant_id, action, force),
  audit AS (
    INSERT INTO audit_events (tenant_id, org_id, actor_type, actor_id, action, resource_type, resource_id, changes, request_id)
    SELECT tenant_id, org_id, actor_type, actor_id, 'sync.pushed', 'product', product_id::text, changes, request_id FROM ok ORDER BY i)
  SELECT i FROM ok`;

/**
 * Push requests and the sync ledger. A push is durable before it is answered: the `sync.fanout` job
 * is an outbox row written in the same statement as the existence check and the audit entry, so a
 * crash or a Redis outage right after the 202 loses nothing.
 */
@Injectable()
export class SyncService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly changes: ChangeRecorder,
  ) {}

  /**
   * Pushes that arrive while a push statement is under way are written together by the next one
   * (any tenants: each row carries its own): one round trip and one commit for a burst of pushes,
   * and none of the waiting when they come one at a time. Each is still answered only once its
   * row is committed.
   */
  private readonly pushes = new Coalescer<{ ctx: TenantContext; dto: PushProductDto }, boolean>((_key, items) => this.writePushes(items), 200);

  async push(ctx: TenantContext, dto: PushProductDto): Promise<{ status: 'queued' }> {
    if (!(await this.pushes.run('', { ctx, dto }))) throw new NotFoundError('Product', dto.productId);
    return { status: 'queued' };
  }

  /**
   * One statement for a batch of pushes: which of them name something to push (UPSERT: the tenant's
   * product; DELETE: also a product already deleted in Synq that is still in a store), their audit
   * entries, and their `sync.fanout` outbox rows (one per tenant, action and force; the relay would
   * merge them anyway). Returns, per push, whether it was found.
   */
  private async writePushes(items: { ctx: TenantContext; dto: PushProductDto }[]): Promise<boolean[]> {
    const rows = items.map(({ ctx, dto }, i) => ({
      i,
      tenant_id: ctx.tenantId,
      org_id: ctx.orgId ?? null,
      actor_type: ctx.actorType,
      actor_id: ctx.actorId,
      request_id: ctx.requestId ?? null,
      product_id: dto.productId,
      action: dto.action,
      force: dto.force ?? false,
      changes: diffObjects(undefined, { action: dto.action, force: dto.force ?? false }),
    }));
    const found = await prepared<{ i: number }>(this.db, PUSH_SQL, [JSON.stringify(rows)]);
    const ok = new Set(found.map((r) => r.i));
    return items.map((_, i) => ok.has(i));
  }

  /** One row per connection the product was pushed to. */
  async ledger(ctx: TenantContext, productId: string) {
    const rows = await prepared<Record<string, unknown>>(this.db, `${LEDGER_SELECT} WHERE s.tenant_id = $1 AND s.product_id = $2 ORDER BY c.created_at, c.id`, [ctx.tenantId, productId]);
    if (!rows.length) {
      const p = await prepared(this.db, `SELECT 1 FROM products WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, productId]);
      if (!p.length) throw new NotFoundError('Product', productId);
    }
    return rows;
  }

  /** Attempts, newest first, keyset-paged on (created_at, id). */
  async runs(ctx: TenantContext, q: SyncRunsQueryDto): Promise<Page<Omit<RunRow, 'created_at_ts'>>> {
    const limit = q.limit ?? 100;
    const params = new Params();
    const where = [`r.tenant_id = ${params.add(ctx.tenantId)}`];
    if (q.status) where.push(`r.status = ${params.add(q.status)}`);
    if (q.connection_id) where.push(`r.connection_id = ${params.add(q.connection_id)}`);
    if (q.product_id) where.push(`r.product_id = ${params.add(q.product_id)}`);
    const cursor = decodeCursor(q.cursor);
    if (cursor) where.push(`(r.created_at, r.id) < (${params.add(cursor.createdAt)}::timestamptz, ${params.add(cursor.id)}::uuid)`);
    const rows = await prepared<RunRow>(
      this.db,
      `SELECT r.id, r.connection_id, r.product_id, r.action, r.status, r.http_status, r.error, r.duration_ms, r.attempt,
              ${isoSql('r.created_at')} AS created_at, r.created_at AS created_at_ts
         FROM sync_runs r WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(({ created_at_ts: _, ...r }) => r),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: new Date(last.created_at_ts), id: last.id }) : undefined,
    };
  }

  /** Pushes the product's FAILED rows again (each with the action it failed on). */
  async retry(ctx: TenantContext, productId: string): Promise<{ status: 'queued'; connections: number }> {
    return this.db.transaction(async (m) => {
      const rows: { failed: number; known: boolean }[] = await m.query(
        `SELECT (SELECT count(*)::int FROM sync_states s JOIN connections c ON c.id = s.connection_id AND c.status = 'ACTIVE'
                  WHERE s.tenant_id = $1 AND s.product_id = $2 AND s.status = 'FAILED') AS failed,
                EXISTS (SELECT 1 FROM sync_states WHERE tenant_id = $1 AND product_id = $2)
                  OR EXISTS (SELECT 1 FROM products WHERE tenant_id = $1 AND id = $2) AS known`,
        [ctx.tenantId, productId],
      );
      const { failed, known } = rows[0];
      if (!known) throw new NotFoundError('Product', productId);
      if (failed === 0) throw new NothingToRetryError(productId);
      const params = new Params();
      const recorded = this.changes.ctes(params, ctx, { audit: [{ action: 'sync.retried', resourceType: 'product', resourceId: productId, after: { connections: failed } }], events: [] });
      const job = params.add(JSON.stringify({ tenantId: ctx.tenantId, productIds: [productId], action: 'UPSERT', retryFailed: true }));
      await prepared(m, `WITH job AS (INSERT INTO outbox (tenant_id, job_name, payload) VALUES (${params.add(ctx.tenantId)}, 'sync.fanout', ${job}::jsonb)), ${recorded.ctes} SELECT 1`, params.values);
      return { status: 'queued' as const, connections: failed };
    });
  }

  /** Ledger counts by status for each connection that is not disconnected. */
  async summary(ctx: TenantContext) {
    const rows = await prepared<{ connection_id: string; provider: string; kind: string; connection_status: string; pending: number; synced: number; failed: number; deleted: number }>(
      this.db,
      `SELECT c.id AS connection_id, c.provider, c.kind, c.status AS connection_status,
              count(s.product_id) FILTER (WHERE s.status = 'PENDING')::int AS pending,
              count(s.product_id) FILTER (WHERE s.status = 'SYNCED')::int AS synced,
              count(s.product_id) FILTER (WHERE s.status = 'FAILED')::int AS failed,
              count(s.product_id) FILTER (WHERE s.status = 'DELETED')::int AS deleted
         FROM connections c LEFT JOIN sync_states s ON s.tenant_id = c.tenant_id AND s.connection_id = c.id
        WHERE c.tenant_id = $1 AND c.status <> 'REVOKED'
        GROUP BY c.id ORDER BY c.created_at, c.id`,
      [ctx.tenantId],
    );
    const connections = rows.map((r) => ({
      connection_id: r.connection_id,
      provider: r.provider,
      kind: r.kind,
      connection_status: r.connection_status,
      counts: { PENDING: r.pending, SYNCED: r.synced, FAILED: r.failed, DELETED: r.deleted },
      total: r.pending + r.synced + r.failed + r.deleted,
    }));
    const totals = { PENDING: 0, SYNCED: 0, FAILED: 0, DELETED: 0 };
    for (const c of connections) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += c.counts[k];
    return { connections, totals };
  }
}
