import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Params } from '@synq/common';
import { BulkItemError, BulkJob } from '@synq/database';
import { prefixedId } from '@synq/events';
import { filtersFromJson } from './catalog-export.runner';
import { productWhere } from './product-query';

export const BULK_BATCH = 5000;
/**
 * A UUID whose first 48 bits are the current time in milliseconds (the UUIDv7 layout, random rest):
 * a batch's audit rows go to the right edge of the audit table's primary-key index instead of a
 * random page each.
 */
const TIME_ORDERED_UUID = `encode(overlay(uuid_send(gen_random_uuid()) placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 'hex')::uuid`;
const MAX_ERRORS = 1000;

export interface BulkPayload {
  product_ids?: string[];
  filter?: Record<string, unknown>;
  status?: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  category?: string | null;
  brand_id?: string | null;
  attributes?: Record<string, string | number | boolean | null>;
  price_change?: { type: 'amount' | 'percent'; value: number };
}

/** Position of a batch boundary on the products' (created_at, id) keyset. */
interface Keyset {
  createdAt: Date;
  id: string;
}

/**
 * Applies a bulk job in set-based batches of {@link BULK_BATCH} products in (created_at, id) order:
 * one range of the tenant's (tenant_id, created_at, id) index per batch, which follows the table's
 * physical order, so a batch rewrites neighbouring heap and index pages (batches in random uuid order
 * touched a different page for nearly every row, several times the work of one UPDATE). Each batch
 * commits its changes, its audit events, its domain events (one dispatch job per batch) and the job's
 * progress (including the last product's keyset) in one transaction, so a crash resumes after the
 * last committed batch and never applies a batch twice (percent price changes stay correct).
 */
@Injectable()
export class BulkJobRunner {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async run(tenantId: string, jobId: string): Promise<void> {
    const repo = this.db.getRepository(BulkJob);
    const job = await repo.findOne({ where: { id: jobId, tenantId } });
    if (!job || job.status === 'completed' || job.status === 'failed') return;
    const payload = job.payload as BulkPayload;

    let categoryId: string | null | undefined;
    if (payload.category !== undefined) {
      if (payload.category === null) categoryId = null;
      else {
        const rows: { id: string }[] = await this.db.query(`SELECT id FROM categories WHERE tenant_id = $1 AND slug = $2`, [tenantId, payload.category]);
        if (!rows[0]) {
          await repo.update({ id: jobId, tenantId }, { status: 'failed', error: `category ${payload.category} does not exist`, completedAt: new Date() });
          return;
        }
        categoryId = rows[0].id;
      }
    }

    if (job.total === null) {
      const p = new Params();
      const [{ n }]: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM products p WHERE ${this.where(p, tenantId, payload)}`, p.values);
      await repo.update({ id: jobId, tenantId }, { total: n, status: 'running', startedAt: job.startedAt ?? new Date() });
    } else if (job.status !== 'running') {
      await repo.update({ id: jobId, tenantId }, { status: 'running' });
    }

    for (;;) {
      const done = await this.db.transaction(async (m) => {
        const [state]: { last_product_id: string | null; last_created_at: Date | null; status: string }[] = await m.query(
          `SELECT last_product_id, last_created_at, status FROM bulk_jobs WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
          [jobId, tenantId],
        );
        if (state.status !== 'running') return true;
        if (state.last_product_id && !state.last_created_at) {
          // a batch was committed by a version that walked the products in id order: resuming in
          // another order could apply some products twice
          await m.query(`UPDATE bulk_jobs SET status = 'failed', error = $2, completed_at = now() WHERE id = $1`, [
            jobId,
            'the job was interrupted by an upgrade and cannot resume safely; start it again',
          ]);
          return true;
        }
        const after: Keyset | null = state.last_product_id && state.last_created_at ? { createdAt: state.last_created_at, id: state.last_product_id } : null;
        const p = new Params();
        const where = `${this.where(p, tenantId, payload)}${after ? ` AND ${this.afterKey(p, after)}` : ''}`;
        const batch: { id: string; created_at: Date }[] = await m.query(
          `SELECT p.id, p.created_at FROM products p WHERE ${where} ORDER BY p.created_at, p.id LIMIT ${BULK_BATCH}`,
          p.values,
        );
        if (!batch.length) {
          await m.query(`UPDATE bulk_jobs SET status = 'completed', completed_at = now() WHERE id = $1`, [jobId]);
          return true;
        }
        const ids = batch.map((r) => r.id);
        const last: Keyset = { createdAt: batch[batch.length - 1].created_at, id: ids[ids.length - 1] };
        const { ok, errors } =
          job.jobType === 'BULK_DELETE' ? await this.deleteBatch(m, job, ids) : await this.updateBatch(m, job, ids, after, last, payload, categoryId);
        await m.query(
          `UPDATE bulk_jobs SET processed = processed + $2, succeeded = succeeded + $3, failed = failed + $4,
                  errors = CASE WHEN jsonb_array_length(errors) >= ${MAX_ERRORS} THEN errors
                                ELSE (SELECT COALESCE(jsonb_agg(e), '[]'::jsonb) FROM (
                                        SELECT e FROM jsonb_array_elements(errors || $5::jsonb) e LIMIT ${MAX_ERRORS}) x) END,
                  last_product_id = $6, last_created_at = $7
            WHERE id = $1`,
          [jobId, ids.length, ok, ids.length - ok, JSON.stringify(errors), last.id, last.createdAt],
        );
        return false;
      });
      if (done) break;
    }
  }

  /** `(p.created_at, p.id) > key`: a range condition on the (tenant_id, created_at, id) index. */
  private afterKey(p: Params, key: Keyset): string {
    return `(p.created_at, p.id) > (${p.add(key.createdAt)}::timestamptz, ${p.add(key.id)}::uuid)`;
  }

  private where(p: Params, tenantId: string, payload: BulkPayload): string {
    const f = filtersFromJson(payload.filter ?? {});
    return productWhere(p, tenantId, { ...f, productIds: payload.product_ids });
  }

  private async updateBatch(
    m: EntityManager,
    job: BulkJob,
    ids: string[],
    after: Keyset | null,
    last: Keyset,
    payload: BulkPayload,
    categoryId: string | null | undefined,
  ): Promise<{ ok: number; errors: BulkItemError[] }> {
    const tenantId = job.tenantId;
    const errors: BulkItemError[] = [];
    const p = new Params();
    const t = p.add(tenantId);
    // The batch is the keyset range (after, last] of the selection: one index range scan, cheaper
    // than thousands of lookups by id.
    const batch = `${this.where(p, tenantId, payload)}${after ? ` AND ${this.afterKey(p, after)}` : ''} AND (p.created_at, p.id) <= (${p.add(last.createdAt)}::timestamptz, ${p.add(last.id)}::uuid)`;
    const sets: string[] = ['updated_at = now()'];
    if (payload.status) sets.push(`status = ${p.add(payload.status)}`);
    if (categoryId !== undefined) sets.push(`category_id = ${p.add(categoryId)}::uuid`);
    if (payload.brand_id !== undefined) sets.push(`brand_id = ${p.add(payload.brand_id)}::uuid`);
    if (payload.attributes) sets.push(`attributes = jsonb_strip_nulls(attributes || ${p.add(JSON.stringify(payload.attributes))}::jsonb)`);

    let skipped = new Set<string>();
    if (payload.price_change) {
      const { type, value } = payload.price_change;
      const expr = type === 'percent' ? `round(v.price * (1 + $3::numeric / 100), 2)` : `v.price + $3::numeric`;
      const negative: { product_id: string; sku: string | null }[] = await m.query(
        `SELECT DISTINCT v.product_id, v.sku FROM variants v WHERE v.product_id = ANY($1::uuid[]) AND v.tenant_id = $2 AND v.price IS NOT NULL AND ${expr} < 0`,
        [ids, tenantId, value],
      );
      skipped = new Set(negative.map((n) => n.product_id));
      for (const n of negative) errors.push({ product_id: n.product_id, message: `price of ${n.sku ?? 'a variant'} would drop below zero` });
      await m.query(
        `UPDATE variants v SET price = ${expr}, updated_at = now()
          WHERE v.product_id = ANY($1::uuid[]) AND v.tenant_id = $2 AND v.price IS NOT NULL AND NOT (v.product_id = ANY($4::uuid[]))`,
        [ids, tenantId, value, [...skipped]],
      );
    }
    const skipParam = p.add([...skipped]);
    // Without a price change, products the payload would not change are left alone: no write, no
    // audit entry, no event.
    const newValues: string[] = [];
    if (payload.status) newValues.push(`p.status IS DISTINCT FROM ${p.add(payload.status)}`);
    if (categoryId !== undefined) newValues.push(`p.category_id IS DISTINCT FROM ${p.add(categoryId)}::uuid`);
    if (payload.brand_id !== undefined) newValues.push(`p.brand_id IS DISTINCT FROM ${p.add(payload.brand_id)}::uuid`);
    if (payload.attributes) newValues.push(`p.attributes IS DISTINCT FROM jsonb_strip_nulls(p.attributes || ${p.add(JSON.stringify(payload.attributes))}::jsonb)`);
    const changedOnly = payload.price_change || !newValues.length ? '' : ` AND (${newValues.join(' OR ')})`;
    const changes = ['status', 'category_id', 'brand_id', 'attributes']
      .map((c) => `CASE WHEN o.${c} IS DISTINCT FROM n.${c} THEN jsonb_build_object('${c}', jsonb_build_object('from', to_jsonb(o.${c}), 'to', to_jsonb(n.${c}))) ELSE '{}'::jsonb END`)
      .join(' || ');
    const priceNote = payload.price_change ? ` || jsonb_build_object('price', jsonb_build_object('to', ${p.add(JSON.stringify(payload.price_change))}::jsonb))` : '';
    const evtIds = ids.map(() => prefixedId('evt'));
    const evtParam = p.add(evtIds);
    const jobParam = p.add(job.id);
    // one statement: update, audit and events for the whole batch
    await m.query(
      // o (the values before) is read once and hash-joined to what the update returns
      `WITH o AS MATERIALIZED (SELECT p.id, p.status, p.category_id, p.brand_id, p.attributes FROM products p WHERE ${batch}),
            n AS (UPDATE products p SET ${sets.join(', ')} WHERE ${batch} AND NOT (p.id = ANY(${skipParam}::uuid[]))${changedOnly}
                  RETURNING p.id, p.status, p.category_id, p.brand_id, p.attributes),
            a AS (INSERT INTO audit_events (id, tenant_id, org_id, actor_type, actor_id, action, resource_type, resource_id, changes, request_id)
                  SELECT ${TIME_ORDERED_UUID}, ${t}, ${p.add(job.orgId)}::uuid, 'system', 'bulk_job:' || ${jobParam}, 'product.updated', 'product', n.id::text, ${changes}${priceNote}, NULL
                    FROM n JOIN o ON o.id = n.id),
            e AS (INSERT INTO events (id, tenant_id, type, data)
                  SELECT ev.eid, ${t}, 'product.updated', jsonb_build_object('product_id', n.id, 'bulk_job_id', ${jobParam}::text)
                    FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM n) n
                    JOIN unnest(${evtParam}::text[]) WITH ORDINALITY AS ev(eid, rn) ON ev.rn = n.rn
                  RETURNING id),
            ob AS (INSERT INTO outbox (tenant_id, job_name, payload)
                   SELECT ${t}, 'event.dispatch', jsonb_build_object('tenantId', ${t}::text, 'eventIds', jsonb_agg(e.id)) FROM e HAVING count(*) > 0)
       SELECT count(*)::int AS n FROM n`,
      p.values,
    );
    return { ok: ids.length - skipped.size, errors };
  }

  private async deleteBatch(m: EntityManager, job: BulkJob, ids: string[]): Promise<{ ok: number; errors: BulkItemError[] }> {
    const evtIds = ids.map(() => prefixedId('evt'));
    const rows: { n: number }[] = await m.query(
      `WITH d AS (DELETE FROM products WHERE id = ANY($1::uuid[]) AND tenant_id = $2 RETURNING id, title, status),
            a AS (INSERT INTO audit_events (id, tenant_id, org_id, actor_type, actor_id, action, resource_type, resource_id, changes)
                  SELECT ${TIME_ORDERED_UUID}, $2, $3::uuid, 'system', 'bulk_job:' || $4, 'product.deleted', 'product', d.id::text,
                         jsonb_build_object('title', jsonb_build_object('from', d.title), 'status', jsonb_build_object('from', d.status))
                    FROM d),
            e AS (INSERT INTO events (id, tenant_id, type, data)
                  SELECT ev.eid, $2, 'product.deleted', jsonb_build_object('product_id', d.id, 'bulk_job_id', $4::text)
                    FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM d) d
                    JOIN unnest($5::text[]) WITH ORDINALITY AS ev(eid, rn) ON ev.rn = d.rn
                  RETURNING id),
            ob AS (INSERT INTO outbox (tenant_id, job_name, payload)
                   SELECT $2, 'event.dispatch', jsonb_build_object('tenantId', $2::text, 'eventIds', jsonb_agg(e.id)) FROM e HAVING count(*) > 0)
       SELECT count(*)::int AS n FROM d`,
      [ids, job.tenantId, job.orgId, job.id, evtIds],
    );
    return { ok: rows[0].n, errors: [] };
  }
}
