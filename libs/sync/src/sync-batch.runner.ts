import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { filterOnly, prepared, unpeeked } from '@synq/database';
import { prefixedId } from '@synq/events';
import { backoffDelay, EnqueueItem, JobData, JobLock, QueueService, RetryableError } from '@synq/queue';
import { subscribedTypesSql } from '@synq/webhooks';
import { syncJobId } from './sync-fanout.service';
import { SYNC_PRODUCT_JSON } from './sync-product.loader';
import { CLAIM_LEASE_CTE, ClaimedRow, Settle, SyncProductRunner } from './sync-product.runner';

/**
 * CLAIM_SQL of the runner for several products of one connection: the rows this job may lease
 * (free, expired, or already its own after a crash) are leased in product order, with each
 * product's current state and its listing prices on this connection. `$1` tenant, `$2` connection,
 * `$3` product ids, `$4` job id, `$5` lease ms.
 */
export const BATCH_CLAIM_SQL = `WITH old AS (
    SELECT connection_id, product_id, create_started_at FROM sync_states
     WHERE connection_id = ${unpeeked('$2')} AND product_id = ANY(${unpeeked('$3', 'uuid[]')}) AND ${filterOnly('tenant_id', '$1')}
       AND (lease_until IS NULL OR lease_until < now() OR lease_job = ${unpeeked('$4', 'text')})
     ORDER BY product_id
     FOR UPDATE),
  ${CLAIM_LEASE_CTE}
  -- MATERIALIZED: built once per product (inlined, it may land on the inner side of the join below
  -- and be rebuilt for every claimed row)
  prod AS MATERIALIZED (
    SELECT p.id, ${SYNC_PRODUCT_JSON} AS json FROM unnest(${unpeeked('$3', 'uuid[]')}) AS k(id)
     CROSS JOIN LATERAL (SELECT * FROM products WHERE id = k.id AND ${filterOnly('tenant_id', '$1')} LIMIT 1) p),
  lp AS MATERIALIZED (
    SELECT l.product_id, json_object_agg(l.variant_id, l.price::text) AS prices FROM listings l
     WHERE l.product_id = ANY(${unpeeked('$3', 'uuid[]')}) AND l.connection_id = ${unpeeked('$2')} AND ${filterOnly('l.tenant_id', '$1')} AND l.status = 'active'
     GROUP BY l.product_id)
  SELECT claim.*, c.status AS connection_status, c.org_id, c.kind, c.provider, c.base_url, c.unified_connection_id, c.credentials_sealed,
         prod.json AS product_json, lp.prices AS listing_prices
    FROM claim JOIN connections c ON c.id = claim.connection_id
    LEFT JOIN prod ON prod.id = claim.product_id
    LEFT JOIN lp ON lp.product_id = claim.product_id
   ORDER BY claim.product_id`;

/**
 * One statement for every successful result of a batch (SYNCED, DELETED, or skipped as unchanged):
 * each row still leased by this job settled for its seq (PENDING again when a newer push arrived
 * meanwhile), its run, its `sync.succeeded` event (for the rows settled, and only those), one
 * outbox row dispatching the batch's events that an endpoint subscribes to (the others are written
 * dispatched: only the webhook fan-out handles sync events), rows with nothing to do released, and the
 * connection's health. `$1` tenant, `$2` connection, `$3` job id, `$4` results, `$5` product ids to
 * release, `$6` the results' product ids (the ledger rows are looked up by their primary key, the
 * tenant checked on each row: see `filterOnly`).
 */
export const BATCH_SETTLE_SQL = `WITH x AS (
    SELECT * FROM jsonb_to_recordset($4::jsonb) AS x(product_id uuid, seq bigint, status text, run_status text, action text,
           remote_product_id text, remote_variant_ids jsonb, payload_hash text, http_status int, duration_ms int, attempt int,
           run_id uuid, event_id text, event_type text, event_data jsonb)),
  u AS (
    UPDATE sync_states s SET
      status = CASE WHEN s.requested_seq > x.seq THEN 'PENDING' ELSE x.status END,
      remote_product_id = x.remote_product_id,
      remote_variant_ids = x.remote_variant_ids,
      payload_hash = x.payload_hash,
      synced_seq = x.seq,
      attempts = 0,
      last_error = NULL,
      last_synced_at = now(),
      force = CASE WHEN s.requested_seq > x.seq THEN s.force ELSE false END,
      create_started_at = NULL,
      lease_job = NULL, lease_until = NULL, updated_at = now()
      FROM x WHERE s.connection_id = ${unpeeked('$2')} AND s.product_id = ANY(${unpeeked('$6', 'uuid[]')}) AND ${filterOnly('s.tenant_id', '$1')}
       AND s.product_id = x.product_id AND s.lease_job = ${unpeeked('$3', 'text')}
    RETURNING s.product_id),
  done AS (SELECT x.* FROM x JOIN u ON u.product_id = x.product_id),
  r AS (
    INSERT INTO sync_runs (id, tenant_id, connection_id, product_id, action, status, http_status, error, duration_ms, attempt)
    SELECT run_id, $1, $2, product_id, action, run_status, http_status, NULL, duration_ms, attempt FROM done),
  h AS (
    UPDATE connections SET last_healthy_at = now(), last_error = NULL
     WHERE tenant_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM done WHERE run_status = 'SUCCEEDED')
       AND (last_healthy_at IS NULL OR last_healthy_at < now() - interval '30 seconds' OR last_error IS NOT NULL)),
  rel AS (
    UPDATE sync_states SET lease_job = NULL, lease_until = NULL
     WHERE connection_id = ${unpeeked('$2')} AND product_id = ANY(${unpeeked('$5', 'uuid[]')}) AND ${filterOnly('tenant_id', '$1')}
       AND lease_job = ${unpeeked('$3', 'text')}),
  e AS (
    INSERT INTO events (id, tenant_id, type, data, dispatched_at)
    SELECT event_id, $1, event_type, event_data, CASE WHEN event_type = ANY (${subscribedTypesSql('$1')}) THEN NULL ELSE now() END
      FROM done WHERE event_type IS NOT NULL
    RETURNING id, dispatched_at),
  o AS (
    INSERT INTO outbox (tenant_id, job_name, payload)
    SELECT $1, 'event.dispatch', jsonb_build_object('tenantId', $1::text, 'eventIds', jsonb_agg(e.id)) FROM e WHERE e.dispatched_at IS NULL HAVING count(*) > 0)
  SELECT count(*)::int AS settled FROM done`;

export interface BatchOutcome {
  /** settled in the batch's statement (synced, deleted, unchanged) */
  settled: number;
  /** settled on their own (FAILED, or kept PENDING on an inactive connection) */
  recorded: number;
  /** continued as their own `sync.product` (a retryable failure, or the row leased elsewhere) */
  handedOn: number;
}

/**
 * Runs a `sync.batch`: several products of one connection claimed in one statement, pushed one
 * after the other with the connector (one platform call sequence per product, as a `sync.product`
 * makes), and settled in one statement with their runs and events. The per-product guarantees are
 * those of {@link SyncProductRunner}: a product whose push fails retryably gets its RETRYING run and
 * continues as its own `sync.product` (deterministic id per seq, delayed by the backoff and never
 * sooner than Retry-After, its attempts counting this one); a permanent failure settles FAILED with
 * the platform's message and `sync.failed`; a row leased by another job continues as its own job,
 * which waits for that lease. A crash re-runs the batch with the same job id, which takes its own
 * leases back (a create that may have reached the platform is looked up first, as in the runner).
 */
@Injectable()
export class SyncBatchRunner {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly runner: SyncProductRunner,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(data: JobData<'sync.batch'>, job: Job): Promise<BatchOutcome> {
    const jobId = String(job.id);
    const claimedAt = Date.now();
    const rows = await prepared<ClaimedRow>(this.db, BATCH_CLAIM_SQL, [data.tenantId, data.connectionId, data.productIds, jobId, this.runner.leaseMs]);
    const claimed = new Set(rows.map((r) => r.product_id));
    const follow: EnqueueItem[] = [];
    const productJob = (productId: string, id: string, delayMs: number, attemptsBefore: number): EnqueueItem => ({
      name: 'sync.product',
      data: { tenantId: data.tenantId, connectionId: data.connectionId, productId, ...(attemptsBefore ? { attemptsBefore } : {}) },
      jobId: id,
      delayMs,
    });
    // leased by another job (or no longer in the ledger): a job of its own sorts it out, as the
    // runner does for a busy row
    for (const productId of new Set(data.productIds)) {
      if (!claimed.has(productId)) follow.push(productJob(productId, `${jobId}-${productId}`, 1000, 0));
    }

    const attempt = job.attemptsMade + 1;
    const last = attempt >= (job.opts.attempts ?? 1);
    const results: Record<string, unknown>[] = [];
    const release: string[] = [];
    let recorded = 0;
    let lostLock = false;
    const lock = new JobLock(job, this.config.workerLockMs);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (Date.now() - claimedAt > this.runner.leaseMs / 2) {
        // a slow platform: the claim's leases would lapse before the rest is pushed, and another
        // job could then claim a row this one is about to push. The rest is released and continues
        // as jobs of their own (one per row and seq, as the sweeper's), each with a fresh lease.
        for (const rest of rows.slice(i)) {
          release.push(rest.product_id);
          follow.push(productJob(rest.product_id, syncJobId(rest.connection_id, rest.product_id, rest.requested_seq), 0, 0));
        }
        break;
      }
      // before each product's platform calls (see JobLock: Redis is asked once per half lease)
      if (!(await lock.held())) {
        // the rest stays leased by this job id for the execution that now owns it
        lostLock = true;
        break;
      }
      const r = await this.runner.push(row);
      if (r.kind === 'release') release.push(row.product_id);
      else if (r.kind === 'inactive') {
        await this.runner.recordOnly(row, jobId, 'SKIPPED', `connection is ${row.connection_status}`, attempt, 0);
        recorded++;
      } else if (r.kind === 'settle') {
        if (r.settle.status === 'FAILED' || r.settle.connectionError) {
          await this.runner.settle(row, jobId, r.seq, attempt, r.durationMs, r.settle);
          recorded++;
        } else results.push(this.result(row, r.seq, attempt, r.durationMs, r.settle));
      } else {
        const f = await this.runner.recordFailure(row, jobId, r.seq, attempt, last, r.durationMs, r.err, r.existing);
        if (f.retry) {
          const delayMs = backoffDelay(1, new RetryableError(f.message, f.retryAfterMs));
          follow.push(productJob(row.product_id, syncJobId(row.connection_id, row.product_id, r.seq), delayMs, attempt));
        } else recorded++;
      }
    }

    let settled = 0;
    if (results.length || release.length) {
      const out = await prepared<{ settled: number }>(this.db, BATCH_SETTLE_SQL, [
        data.tenantId,
        data.connectionId,
        jobId,
        JSON.stringify(results),
        release,
        results.map((r) => r.product_id),
      ]);
      settled = out[0]?.settled ?? 0;
    }
    if (follow.length) await this.queues.addBulk(follow);
    if (lostLock) throw new Error(`sync.batch ${jobId} lost its lock; the rows not pushed are left to the execution that holds it`);
    return { settled, recorded, handedOn: follow.length };
  }

  /** A successful result as a row of BATCH_SETTLE_SQL (with its run id and event, as the runner's settle writes them). */
  private result(row: ClaimedRow, seq: string, attempt: number, durationMs: number, s: Settle): Record<string, unknown> {
    const runId = randomUUID();
    return {
      product_id: row.product_id,
      seq,
      status: s.status,
      run_status: s.runStatus,
      action: row.requested_action,
      remote_product_id: s.mapping?.remoteProductId ?? null,
      remote_variant_ids: s.mapping?.remoteVariantIds ?? {},
      payload_hash: s.hash,
      http_status: s.httpStatus,
      duration_ms: durationMs,
      attempt,
      run_id: runId,
      event_id: s.event ? prefixedId('evt') : null,
      event_type: s.event ?? null,
      event_data: s.event
        ? {
            id: runId,
            connection_id: row.connection_id,
            platform: row.provider,
            product_id: row.product_id,
            action: row.requested_action,
            remote_product_id: s.mapping?.remoteProductId ?? row.remote_product_id,
          }
        : null,
    };
  }
}
