import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { Params, systemContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectionTarget, ConnectorError, ConnectorRegistry, RemoteMapping, SyncProduct } from '@synq/connectors';
import type { ConnectionKind, SyncAction, SyncRunStatus, SyncStatus } from '@synq/database';
import { filterOnly, prepared } from '@synq/database';
import { ChangeRecorder } from '@synq/events';
import { ConnectionVault } from '@synq/integrations';
import { LOGGER, Logger } from '@synq/logger';
import { JobData, JobLock, PermanentError, RetryableError } from '@synq/queue';
import { payloadHash, SYNC_PRODUCT_SQL, toSyncProduct, withListingPrices } from './sync-product.loader';

export interface ClaimedRow {
  tenant_id: string;
  connection_id: string;
  product_id: string;
  status: SyncStatus;
  requested_action: SyncAction;
  requested_seq: string;
  synced_seq: string;
  force: boolean;
  remote_product_id: string | null;
  remote_variant_ids: Record<string, string>;
  payload_hash: string | null;
  attempts: number;
  last_error: string | null;
  prior_create_started_at: Date | null;
  connection_status: string;
  org_id: string;
  kind: ConnectionKind;
  provider: string;
  base_url: string | null;
  unified_connection_id: string | null;
  credentials_sealed: string | null;
  /** SYNC_PRODUCT_JSON text, null when the product no longer exists */
  product_json: string | null;
  /** variant id → the price of its active listing on this connection */
  listing_prices: Record<string, string> | null;
}

/**
 * The lease of a claim, shared by the single and the batch claim: the `old` rows (locked) are leased
 * to job `$4` for `$5` ms, and a create about to be sent is marked (`create_started_at`), so that a
 * later claimant knows the platform may already have it (`prior_create_started_at`).
 */
export const CLAIM_LEASE_CTE = `claim AS (
    UPDATE sync_states s
       SET lease_job = $4, lease_until = now() + $5 * interval '1 millisecond',
           create_started_at = CASE WHEN s.requested_action = 'UPSERT' AND s.remote_product_id IS NULL AND s.requested_seq > s.synced_seq
                                    THEN COALESCE(s.create_started_at, now()) ELSE s.create_started_at END
      FROM old WHERE s.connection_id = old.connection_id AND s.product_id = old.product_id
    RETURNING s.tenant_id, s.connection_id, s.product_id, s.status, s.requested_action, s.requested_seq::text, s.synced_seq::text,
              s.force, s.remote_product_id, s.remote_variant_ids, s.payload_hash, s.attempts, s.last_error,
              old.create_started_at AS prior_create_started_at),`;

/**
 * Claims the row for this job (a lease: one remote writer per row; the same job id takes its own
 * lease back after a crash) and reads, in the same statement, the connection and the product's
 * current state. `$1` tenant, `$2` connection, `$3` product, `$4` job id, `$5` lease ms.
 */
const CLAIM_SQL = `WITH old AS (
    SELECT connection_id, product_id, create_started_at FROM sync_states
     WHERE connection_id = $2 AND product_id = $3 AND ${filterOnly('tenant_id', '$1')}
       AND (lease_until IS NULL OR lease_until < now() OR lease_job = $4)
     FOR UPDATE),
  ${CLAIM_LEASE_CTE}
  prod AS (${SYNC_PRODUCT_SQL.replace('$2', '$3')})
  SELECT claim.*, c.status AS connection_status, c.org_id, c.kind, c.provider, c.base_url, c.unified_connection_id, c.credentials_sealed,
         (SELECT json FROM prod) AS product_json,
         (SELECT json_object_agg(l.variant_id, l.price::text) FROM listings l
           WHERE l.product_id = $3 AND l.connection_id = $2 AND ${filterOnly('l.tenant_id', '$1')} AND l.status = 'active') AS listing_prices
    FROM claim JOIN connections c ON c.id = claim.connection_id`;

const RELEASE_SQL = `UPDATE sync_states SET lease_job = NULL, lease_until = NULL
  WHERE connection_id = $1 AND product_id = $2 AND lease_job = $3`;

const RUN_COLUMNS = `(tenant_id, connection_id, product_id, action, status, http_status, error, duration_ms, attempt)`;
const RUN_COLUMNS_WITH_ID = `(id, tenant_id, connection_id, product_id, action, status, http_status, error, duration_ms, attempt)`;

export type SyncOutcome = 'synced' | 'deleted' | 'skipped' | 'nothing-to-do' | 'connection-inactive' | 'busy' | 'gone';

export interface Settle {
  status: SyncStatus;
  runStatus: SyncRunStatus;
  mapping: RemoteMapping | null;
  hash: string | null;
  error: string | null;
  httpStatus: number | null;
  event?: 'sync.succeeded' | 'sync.failed';
  /** auth failure: the connection itself goes to ERROR */
  connectionError?: string;
}

export type PushResult =
  | { kind: 'release' }
  | { kind: 'inactive' }
  | { kind: 'settle'; outcome: SyncOutcome; seq: string; durationMs: number; settle: Settle }
  | { kind: 'error'; seq: string; durationMs: number; err: unknown; existing: RemoteMapping | null };

/**
 * Settles one (connection, product) ledger row: pushes the product's current state (or removes it)
 * with the connection's connector, unless nothing changed since the last successful push. Retryable
 * platform failures are recorded (RETRYING run, attempts + 1) and thrown as RetryableError so BullMQ
 * retries with backoff and jitter, never sooner than Retry-After; permanent ones, and the last
 * attempt, mark the row FAILED with the platform's message and emit `sync.failed`.
 */
@Injectable()
export class SyncProductRunner {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connectors: ConnectorRegistry,
    private readonly vault: ConnectionVault,
    private readonly changes: ChangeRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The lease outlasts any single push (several requests, each up to CONNECTOR_TIMEOUT_MS). */
  get leaseMs(): number {
    return this.config.connectorTimeoutMs * 10 + 60_000;
  }

  async run(data: JobData<'sync.product'>, job: Job, again = false): Promise<SyncOutcome> {
    const jobId = String(job.id);
    const rows = await prepared<ClaimedRow>(this.db, CLAIM_SQL, [data.tenantId, data.connectionId, data.productId, jobId, this.leaseMs]);
    const row = rows[0];
    if (!row) return this.notClaimed(data, job, again);
    const attempt = (data.attemptsBefore ?? 0) + job.attemptsMade + 1;
    // an execution that lost its job lock leaves the row leased by the job id to the one that owns it
    // now (it takes the lease back), so that two executions never push the product side by side
    if (!(await new JobLock(job, this.config.workerLockMs).held())) {
      throw new Error(`sync.product ${jobId} lost its lock; the push is left to the execution that holds it`);
    }
    const r = await this.push(row);
    switch (r.kind) {
      case 'release':
        await prepared(this.db, RELEASE_SQL, [row.connection_id, row.product_id, jobId]);
        return 'nothing-to-do';
      case 'inactive':
        await this.recordOnly(row, jobId, 'SKIPPED', `connection is ${row.connection_status}`, attempt, 0);
        return 'connection-inactive';
      case 'settle':
        await this.settle(row, jobId, r.seq, attempt, r.durationMs, r.settle);
        return r.outcome;
      case 'error':
        return this.failed(row, jobId, r.seq, attempt, attempt >= (job.opts.attempts ?? 1), r.durationMs, r.err, r.existing);
    }
  }

  /**
   * The remote part of a sync of a claimed row: what to settle, or the failure. Writes nothing to
   * the database (the caller settles one row, or a batch of rows, in one statement).
   */
  async push(row: ClaimedRow): Promise<PushResult> {
    const seq = row.requested_seq;
    if (BigInt(seq) <= BigInt(row.synced_seq)) return { kind: 'release' };
    // kept PENDING: the sweeper pushes it once the connection is ACTIVE again
    if (row.connection_status !== 'ACTIVE') return { kind: 'inactive' };

    const started = Date.now();
    const connector = this.connectors.get(row.kind);
    const existing: RemoteMapping | null = row.remote_product_id ? { remoteProductId: row.remote_product_id, remoteVariantIds: row.remote_variant_ids ?? {} } : null;
    const done = (outcome: SyncOutcome, settle: Settle, durationMs = Date.now() - started): PushResult => ({ kind: 'settle', outcome, seq, durationMs, settle });
    try {
      if (row.requested_action === 'DELETE') {
        if (!existing) {
          return done('skipped', { status: 'DELETED', runStatus: 'SKIPPED', mapping: null, hash: null, error: 'nothing to delete: the product was never synced to this connection', httpStatus: null }, 0);
        }
        await connector.deleteProduct(this.target(row), existing);
        return done('deleted', { status: 'DELETED', runStatus: 'SUCCEEDED', mapping: null, hash: null, error: null, httpStatus: 200, event: 'sync.succeeded' });
      }

      if (!row.product_json) {
        const message = `product ${row.product_id} no longer exists in Synq: push DELETE to remove it from the store`;
        return done('skipped', { status: 'FAILED', runStatus: 'FAILED', mapping: existing, hash: row.payload_hash, error: message, httpStatus: null, event: 'sync.failed' }, 0);
      }
      const product: SyncProduct = withListingPrices(toSyncProduct(row.product_json), row.listing_prices);
      const hash = payloadHash(row.kind, connector.payloadFor(product));
      if (!row.force && existing && row.payload_hash === hash && row.last_error === null) {
        return done('skipped', { status: 'SYNCED', runStatus: 'SKIPPED', mapping: existing, hash, error: null, httpStatus: null });
      }
      const mapping = await connector.upsertProduct(this.target(row), product, existing, { mayExist: !existing && row.prior_create_started_at !== null });
      return done('synced', { status: 'SYNCED', runStatus: 'SUCCEEDED', mapping, hash, error: null, httpStatus: 200, event: 'sync.succeeded' });
    } catch (err) {
      return { kind: 'error', seq, durationMs: Date.now() - started, err, existing };
    }
  }

  private target(row: ClaimedRow): ConnectionTarget {
    return {
      id: row.connection_id,
      kind: row.kind,
      provider: row.provider,
      baseUrl: row.base_url,
      unifiedConnectionId: row.unified_connection_id,
      credentials: this.vault.open(row.credentials_sealed),
    };
  }

  /** The row is missing, or another job holds its lease. */
  private async notClaimed(data: JobData<'sync.product'>, job: Job, again: boolean): Promise<SyncOutcome> {
    const exists = await prepared<{ lease_job: string | null; held: boolean }>(
      this.db,
      `SELECT lease_job, lease_until > now() AS held FROM sync_states WHERE connection_id = $2 AND product_id = $3 AND ${filterOnly('tenant_id', '$1')}`,
      [data.tenantId, data.connectionId, data.productId],
    );
    if (!exists[0]) return 'gone';
    // released between the claim and this look: claim again (once)
    if (!exists[0].held && !again) return this.run(data, job, true);
    // Another job is pushing this row right now. Try again shortly: by then it has settled its seq,
    // and this job either finds a newer one to push or nothing to do. (On the last attempt the
    // sweeper takes over.)
    if ((data.attemptsBefore ?? 0) + job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return 'busy';
    throw new RetryableError(`another job (${exists[0].lease_job}) is pushing this product to this connection`, 1000);
  }

  private async failed(row: ClaimedRow, jobId: string, seq: string, attempt: number, last: boolean, durationMs: number, err: unknown, existing: RemoteMapping | null): Promise<never> {
    const f = await this.recordFailure(row, jobId, seq, attempt, last, durationMs, err, existing);
    if (f.retry) throw new RetryableError(f.message, f.retryAfterMs);
    throw new PermanentError(f.message, f.status);
  }

  /**
   * Records a failed attempt: retryable and not the last → a RETRYING run, attempts + 1, the lease
   * released (the caller has it retried with backoff); otherwise the row settles FAILED with the
   * platform's message and `sync.failed` (an auth failure also puts the connection in ERROR).
   */
  async recordFailure(
    row: ClaimedRow,
    jobId: string,
    seq: string,
    attempt: number,
    last: boolean,
    durationMs: number,
    err: unknown,
    existing: RemoteMapping | null,
  ): Promise<{ retry: boolean; message: string; retryAfterMs?: number; status?: number }> {
    const ce = err instanceof ConnectorError ? err : undefined;
    const message = (err as Error).message ?? String(err);
    if (!ce) this.logger.warn({ err: message, connectionId: row.connection_id, productId: row.product_id, attempt }, 'sync attempt failed unexpectedly');
    const retryable = ce ? ce.retryable : true;
    if (retryable && !last) {
      const params = new Params();
      const [t, c, p, j] = [row.tenant_id, row.connection_id, row.product_id, jobId].map((v) => params.add(v));
      const e = params.add(message);
      await prepared(
        this.db,
        `WITH u AS (UPDATE sync_states SET attempts = attempts + 1, last_error = ${e}, lease_job = NULL, lease_until = NULL, updated_at = now()
                     WHERE connection_id = ${c} AND product_id = ${p} AND lease_job = ${j} RETURNING 1),
              h AS (UPDATE connections SET last_error = ${e} WHERE id = ${c} AND ${params.add(!!ce && (ce.status === undefined || ce.status >= 500 || ce.status === 429))})
         INSERT INTO sync_runs ${RUN_COLUMNS}
         SELECT ${t}, ${c}, ${p}, ${params.add(row.requested_action)}, 'RETRYING', ${params.add(ce?.status ?? null)}::int, ${e}, ${params.add(durationMs)}, ${params.add(attempt)} FROM u`,
        params.values,
      );
      return { retry: true, message, retryAfterMs: ce?.retryAfterMs, status: ce?.status };
    }
    await this.settle(row, jobId, seq, attempt, durationMs, {
      status: 'FAILED',
      runStatus: 'FAILED',
      mapping: existing,
      hash: row.payload_hash,
      error: message,
      httpStatus: ce?.status ?? null,
      event: 'sync.failed',
      connectionError: ce?.auth ? message : undefined,
    });
    return { retry: false, message, status: ce?.status };
  }

  /** Records a run without settling the row (the connection is not ACTIVE) and releases the lease. */
  async recordOnly(row: ClaimedRow, jobId: string, status: SyncRunStatus, error: string, attempt: number, durationMs: number): Promise<void> {
    await prepared(
      this.db,
      `WITH u AS (UPDATE sync_states SET lease_job = NULL, lease_until = NULL WHERE connection_id = $2 AND product_id = $3 AND lease_job = $4 RETURNING 1)
       INSERT INTO sync_runs ${RUN_COLUMNS} SELECT $1, $2, $3, $5, $6, NULL, $7, $8, $9 FROM u`,
      [row.tenant_id, row.connection_id, row.product_id, jobId, row.requested_action, status, error, durationMs, attempt],
    );
  }

  /**
   * One statement: the ledger row settled for `seq` (still PENDING when a newer push arrived
   * meanwhile; its own job follows), the run, the connection's health and the event.
   */
  async settle(row: ClaimedRow, jobId: string, seq: string, attempt: number, durationMs: number, s: Settle): Promise<void> {
    const params = new Params();
    const [t, c, p, j] = [row.tenant_id, row.connection_id, row.product_id, jobId].map((v) => params.add(v));
    const sq = params.add(seq);
    let errParam: string | undefined;
    const err = () => (errParam ??= `${params.add(s.error)}::text`);
    const success = s.runStatus === 'SUCCEEDED' || s.runStatus === 'SKIPPED';
    const settledOk = s.status === 'SYNCED' || s.status === 'DELETED';
    const runId = randomUUID();
    const events = s.event
      ? [
          {
            type: s.event,
            // the catalogue's keys (id = the run, platform = the provider) and the product's
            data: {
              id: runId,
              connection_id: row.connection_id,
              platform: row.provider,
              product_id: row.product_id,
              action: row.requested_action,
              remote_product_id: s.mapping?.remoteProductId ?? row.remote_product_id,
              ...(s.event === 'sync.failed' ? { error: s.error, http_status: s.httpStatus } : {}),
            },
          },
        ]
      : [];
    const audit = s.connectionError
      ? [{ action: 'connection.error', resourceType: 'connection', resourceId: row.connection_id, before: { status: 'ACTIVE' }, after: { status: 'ERROR', last_error: s.connectionError } }]
      : [];
    const recorded = this.changes.ctes(params, systemContext(row.tenant_id, row.org_id, 'sync'), { audit, events }, 'u', 'sy');
    const health = s.connectionError
      ? `UPDATE connections SET status = 'ERROR', last_error = ${params.add(s.connectionError)}, updated_at = now() WHERE id = ${c} AND status = 'ACTIVE'`
      : s.runStatus === 'SUCCEEDED'
        ? `UPDATE connections SET last_healthy_at = now(), last_error = NULL WHERE id = ${c} AND (last_healthy_at IS NULL OR last_healthy_at < now() - interval '30 seconds' OR last_error IS NOT NULL)`
        : `SELECT 1`;
    await prepared(
      this.db,
      `WITH u AS (
         UPDATE sync_states SET
           status = CASE WHEN requested_seq > ${sq}::bigint THEN 'PENDING' ELSE ${params.add(s.status)} END,
           remote_product_id = ${params.add(s.mapping?.remoteProductId ?? null)},
           remote_variant_ids = ${params.add(JSON.stringify(s.mapping?.remoteVariantIds ?? {}))}::jsonb,
           payload_hash = ${params.add(s.hash)},
           synced_seq = ${sq}::bigint,
           attempts = ${success ? '0' : 'attempts + 1'},
           last_error = ${s.runStatus === 'FAILED' ? err() : 'NULL'},
           last_synced_at = ${success ? 'now()' : 'last_synced_at'},
           force = CASE WHEN requested_seq > ${sq}::bigint THEN force ELSE false END,
           create_started_at = ${settledOk ? 'NULL' : 'create_started_at'},
           lease_job = NULL, lease_until = NULL, updated_at = now()
         WHERE connection_id = ${c} AND product_id = ${p} AND lease_job = ${j}
         RETURNING 1),
       r AS (INSERT INTO sync_runs ${RUN_COLUMNS_WITH_ID}
             SELECT ${params.add(runId)}::uuid, ${t}, ${c}, ${p}, ${params.add(row.requested_action)}, ${params.add(s.runStatus)}, ${params.add(s.httpStatus)}::int,
                    ${s.runStatus === 'SUCCEEDED' ? 'NULL' : err()}, ${params.add(durationMs)}, ${params.add(attempt)} FROM u),
       h AS (${health}),
       ${recorded.ctes}
       SELECT 1`,
      params.values,
    );
  }
}
