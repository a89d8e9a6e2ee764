import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { systemContext } from '@synq/common';
import { prepared } from '@synq/database';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { OutboxService, webhookHeaders } from '@synq/events';
import { OutboundRequestError, safePost, SafeResponse, TargetPolicy, UnsafeTargetError } from '@synq/http';
import { LOGGER, Logger } from '@synq/logger';
import { QueueService } from '@synq/queue';
import { AttemptResult, CLAIM_MARGIN_MS, decide, deliveryJobId, formatDuration, KEPT_RESPONSE_BYTES } from './delivery-policy';
import { MicroBatcher } from './micro-batcher';
import { WebhookSecrets } from './webhook-secrets';

export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped';

interface ClaimKey {
  id: string;
  tenantId: string;
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  retry_base: number;
  interrupted: boolean;
  org_id: string;
  url: string;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  failing_for_ms: string | null;
  type: string;
  data: Record<string, unknown>;
  event_created_at: Date;
}

interface AttemptRecord {
  id: string;
  tenantId: string;
  status: 'succeeded' | 'retrying' | 'failed';
  responseCode: number | null;
  latencyMs: number | null;
  responseBody: string | null;
  error: string | null;
  delayMs: number;
  attempt: number;
  endpointId: string;
  ok: boolean;
}

/** The JSON body partners receive: `{"id", "event", "created_at", "data"}`. */
export function webhookBody(event: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): string {
  return JSON.stringify({ id: event.id, event: event.type, created_at: event.createdAt.toISOString(), data: event.data });
}

function truncate(s: string | null | undefined, n: number): string | null {
  if (s === null || s === undefined) return null;
  return s.length > n ? s.slice(0, n) : s;
}

/**
 * Takes due deliveries for one attempt each: pending/retrying, due, and not held by a live claim
 * (an expired claim means the worker died mid-attempt). Returns each with its endpoint and event.
 * The status test is written as NOT IN (settled states) on purpose: it does not imply the partial
 * index of due deliveries, so the planner goes by primary key instead of scanning every due row.
 *
 * Each statement comes in two forms: for one row (plain parameters, so PostgreSQL settles on a
 * generic plan of the prepared statement instead of planning it at every execution) and for a
 * batch (arrays).
 */
export function claimSql(batch: boolean): string {
  const keys = batch ? `SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS k(id, tenant_id)` : `SELECT $1::uuid AS id, $2::uuid AS tenant_id`;
  const match = batch ? `d.id = ANY ($1::uuid[])` : `d.id = $1::uuid`;
  return `
  WITH k AS (${keys}), c AS (
    UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, locked_until = now() + $3 * interval '1 millisecond', updated_at = now()
      FROM webhook_deliveries prev
     WHERE ${match} AND prev.id = d.id
       AND d.tenant_id = (SELECT k.tenant_id FROM k WHERE k.id = d.id LIMIT 1)
       AND d.status NOT IN ('succeeded', 'failed')
       AND d.next_attempt_at <= now() + interval '2 seconds'
       AND (d.locked_until IS NULL OR d.locked_until < now())
     RETURNING d.id, d.tenant_id, d.endpoint_id, d.event_id, d.attempts, d.retry_base, prev.locked_until IS NOT NULL AS interrupted
  )
  SELECT c.*, e.org_id, e.url, e.enabled, e.secret,
         CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret,
         (EXTRACT(EPOCH FROM (now() - e.first_failure_at)) * 1000)::bigint AS failing_for_ms,
         ev.type, ev.data, ev.created_at AS event_created_at
    FROM c
    JOIN webhook_endpoints e ON e.id = c.endpoint_id AND e.tenant_id = c.tenant_id
    JOIN events ev ON ev.id = c.event_id AND ev.tenant_id = c.tenant_id`;
}

/**
 * Records attempts: settles or reschedules each delivery, appends the attempt to the log, and
 * keeps each endpoint's failure period (first_failure_at: set by a failure, cleared by a success;
 * written only when it changes, so a healthy endpoint's row is not touched per delivery).
 */
export function recordSql(batch: boolean): string {
  const rows = batch
    ? `SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::float8[], $9::int[], $10::uuid[], $11::bool[])
         AS r(id, tenant_id, status, code, latency, body, error, delay, attempt, endpoint_id, ok)`
    : `SELECT $1::uuid AS id, $2::uuid AS tenant_id, $3::text AS status, $4::int AS code, $5::int AS latency, $6::text AS body,
              $7::text AS error, $8::float8 AS delay, $9::int AS attempt, $10::uuid AS endpoint_id, $11::bool AS ok`;
  return `
  WITH r AS (${rows}), d AS (
    UPDATE webhook_deliveries w
       SET status = r.status, locked_until = NULL, last_response_code = r.code, last_latency_ms = r.latency,
           last_response_body = r.body, last_error = r.error,
           next_attempt_at = CASE WHEN r.status = 'retrying' THEN now() + r.delay * interval '1 millisecond' END,
           delivered_at = CASE WHEN r.status = 'succeeded' THEN now() ELSE w.delivered_at END,
           updated_at = now()
      FROM r
     WHERE w.id = r.id AND w.tenant_id = r.tenant_id
    RETURNING w.id
  ), a AS (
    -- only for deliveries still there (an endpoint deleted mid-attempt took its deliveries along)
    INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, response_code, latency_ms, response_body, error)
    SELECT r.tenant_id, r.id, r.attempt, r.code, r.latency, r.body, r.error FROM r JOIN d ON d.id = r.id
  ), s AS (
    SELECT endpoint_id, tenant_id, bool_or(ok) AS any_ok FROM r GROUP BY endpoint_id, tenant_id
  ), e AS (
    UPDATE webhook_endpoints x SET first_failure_at = CASE WHEN s.any_ok THEN NULL ELSE now() END
      FROM s
     WHERE x.id = s.endpoint_id AND x.tenant_id = s.tenant_id
       AND ((s.any_ok AND x.first_failure_at IS NOT NULL) OR (NOT s.any_ok AND x.first_failure_at IS NULL))
  )
  SELECT count(*)::int AS n FROM r`;
}

const CLAIM_ONE = { name: 'webhook_claim_one_v1', text: claimSql(false) };
const CLAIM_MANY = { name: 'webhook_claim_many_v1', text: claimSql(true) };
const RECORD_ONE = { name: 'webhook_record_one_v2', text: recordSql(false) };
const RECORD_MANY = { name: 'webhook_record_many_v2', text: recordSql(true) };

/**
 * Makes one delivery attempt: claims the delivery row while it is due (so duplicate wake-ups and
 * concurrent workers never send twice), signs and POSTs the event, records the attempt, and either
 * schedules the next wake-up or settles the delivery. A claim that expired without a recorded
 * result (the worker died mid-attempt) is logged as an interrupted attempt and tried again.
 *
 * Claims and records of concurrent attempts are grouped into one statement each (group commit).
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly policy: TargetPolicy;
  private readonly claims: MicroBatcher<ClaimKey, ClaimedRow | Error | undefined>;
  private readonly records: MicroBatcher<AttemptRecord, Error | undefined>;
  private readonly opened = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queues: QueueService,
    private readonly secrets: WebhookSecrets,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {
    this.policy = { allowPrivate: config.allowPrivateNetworkTargets, allowHttp: config.webhookAllowHttp };
    this.claims = new MicroBatcher((keys) => this.claimBatch(keys));
    this.records = new MicroBatcher((recs) => this.recordBatch(recs));
  }

  async attempt(tenantId: string, deliveryId: string): Promise<AttemptOutcome> {
    const claimed = await this.claims.submit({ id: deliveryId, tenantId });
    if (claimed instanceof Error) throw claimed;
    if (!claimed) return 'skipped';
    if (claimed.interrupted) {
      await prepared(this.db, `INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, error) VALUES ($1, $2, $3, $4)`,
        [tenantId, deliveryId, claimed.attempts - 1, 'interrupted: the worker stopped before this attempt completed'],
      );
    }
    if (!claimed.enabled) {
      await prepared(this.db, `UPDATE webhook_deliveries SET status = 'failed', attempts = attempts - 1, locked_until = NULL, next_attempt_at = NULL,
                last_error = 'endpoint is disabled', updated_at = now()
          WHERE id = $1 AND tenant_id = $2`,
        [deliveryId, tenantId],
      );
      return 'skipped';
    }

    const body = webhookBody({ id: claimed.event_id, type: claimed.type, createdAt: new Date(claimed.event_created_at), data: claimed.data });
    const secrets = [this.open(claimed.secret)];
    if (claimed.previous_secret) secrets.push(this.open(claimed.previous_secret));
    const headers = webhookHeaders(secrets, claimed.event_id, Math.floor(Date.now() / 1000), body);

    let response: SafeResponse | undefined;
    let result: AttemptResult;
    let error: string | null = null;
    let latencyMs: number | null = null;
    try {
      response = await safePost(claimed.url, {
        policy: this.policy,
        headers: { 'content-type': 'application/json', 'user-agent': 'Synq-Webhooks/1.0', ...headers },
        body,
        timeoutMs: this.config.webhookTimeoutMs,
        keepBodyBytes: KEPT_RESPONSE_BYTES,
      });
      latencyMs = response.latencyMs;
      const retryAfter = response.headers['retry-after'];
      result = { kind: 'response', status: response.status, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (err) {
      if (err instanceof UnsafeTargetError) {
        result = { kind: 'blocked' };
        error = `refused: ${err.message}`;
      } else if (err instanceof OutboundRequestError) {
        result = { kind: 'no-response' };
        error = err.kind === 'timeout' ? `timeout: ${err.message}` : `connection: ${err.message}`;
        latencyMs = err.latencyMs;
      } else {
        throw err;
      }
    }

    const decision = decide(result, claimed.attempts - claimed.retry_base, this.config.webhookRetrySchedule);
    const status = decision.outcome === 'retry' ? 'retrying' : decision.outcome;
    const ok = decision.outcome === 'succeeded';
    const recorded = await this.records.submit({
      id: deliveryId,
      tenantId,
      status,
      responseCode: response?.status ?? null,
      latencyMs,
      responseBody: truncate(response?.body, KEPT_RESPONSE_BYTES),
      error: truncate(error, 500),
      delayMs: decision.outcome === 'retry' ? decision.delayMs : 0,
      attempt: claimed.attempts,
      endpointId: claimed.endpoint_id,
      ok,
    });
    if (recorded instanceof Error) throw recorded;

    if (decision.outcome === 'retry') {
      await this.queues.add(
        { name: 'webhook.deliver', data: { tenantId, deliveryId } },
        deliveryJobId(deliveryId, claimed.attempts),
        decision.delayMs,
      );
    }
    const disableReason =
      decision.outcome === 'failed' && decision.disableEndpoint
        ? decision.disableEndpoint
        : !ok && claimed.failing_for_ms !== null && Number(claimed.failing_for_ms) >= this.config.webhookDisableAfterMs
          ? `every attempt failed for ${formatDuration(this.config.webhookDisableAfterMs)}`
          : undefined;
    if (disableReason) await this.disableEndpoint(tenantId, claimed.org_id, claimed.endpoint_id, disableReason);
    return status;
  }

  /** Opened secrets by sealed value (bounded): decrypting once per endpoint, not per delivery. */
  private open(sealed: string): string {
    let plain = this.opened.get(sealed);
    if (plain === undefined) {
      plain = this.secrets.open(sealed);
      if (this.opened.size >= 1000) this.opened.delete(this.opened.keys().next().value as string);
      this.opened.set(sealed, plain);
    }
    return plain;
  }

  private async claimBatch(keys: ClaimKey[]): Promise<(ClaimedRow | Error | undefined)[]> {
    const leaseMs = this.config.webhookTimeoutMs + CLAIM_MARGIN_MS;
    const run = (ks: ClaimKey[]) =>
      ks.length === 1
        ? prepared<ClaimedRow>(this.db, CLAIM_ONE.text, [ks[0].id, ks[0].tenantId, leaseMs])
        : prepared<ClaimedRow>(this.db, CLAIM_MANY.text, [ks.map((k) => k.id), ks.map((k) => k.tenantId), leaseMs]);
    const byId = new Map<string, ClaimedRow | Error>();
    try {
      for (const r of await run(keys)) byId.set(r.id, r);
    } catch (err) {
      if (keys.length === 1) return [err as Error];
      // e.g. a deadlock with another worker claiming the same rows in another order: one at a time
      for (const k of keys) {
        try {
          for (const r of await run([k])) byId.set(r.id, r);
        } catch (e) {
          if (!byId.has(k.id)) byId.set(k.id, e as Error);
        }
      }
    }
    // a row claimed once goes to the first of several wake-ups for it in the batch
    return keys.map((k) => {
      const row = byId.get(k.id);
      byId.delete(k.id);
      return row;
    });
  }

  private async recordBatch(recs: AttemptRecord[]): Promise<(Error | undefined)[]> {
    const columns = (rs: AttemptRecord[]) => [
      rs.map((r) => r.id),
      rs.map((r) => r.tenantId),
      rs.map((r) => r.status),
      rs.map((r) => r.responseCode),
      rs.map((r) => r.latencyMs),
      rs.map((r) => r.responseBody),
      rs.map((r) => r.error),
      rs.map((r) => r.delayMs),
      rs.map((r) => r.attempt),
      rs.map((r) => r.endpointId),
      rs.map((r) => r.ok),
    ];
    const run = (rs: AttemptRecord[]) =>
      rs.length === 1
        ? prepared(this.db, RECORD_ONE.text, columns(rs).map((c) => c[0]))
        : prepared(this.db, RECORD_MANY.text, columns(rs));
    try {
      await run(recs);
      return recs.map(() => undefined);
    } catch (err) {
      if (recs.length === 1) return [err as Error];
      // a deadlock on endpoint rows with another worker's batch: one at a time cannot deadlock
      const out: (Error | undefined)[] = [];
      for (const r of recs) out.push(await run([r]).then(() => undefined, (e: Error) => e));
      return out;
    }
  }

  /** Disables an endpoint and records the `webhook.endpoint_disabled` notice (audit log + event). */
  async disableEndpoint(tenantId: string, orgId: string, endpointId: string, reason: string): Promise<boolean> {
    const disabled = await this.db.transaction(async (m) => {
      const rows: { url: string }[] = await m.query(
        `WITH u AS (
           UPDATE webhook_endpoints SET enabled = false, disabled_reason = $3, disabled_at = now(), updated_at = now()
            WHERE id = $1 AND tenant_id = $2 AND enabled
            RETURNING url
         ) SELECT url FROM u`,
        [endpointId, tenantId, reason],
      );
      if (rows.length === 0) return false;
      const ctx = systemContext(tenantId, orgId, 'webhooks');
      await this.audit.record(m, ctx, {
        action: 'webhook_endpoint.disabled',
        resourceType: 'webhook_endpoint',
        resourceId: endpointId,
        before: { enabled: true },
        after: { enabled: false, disabled_reason: reason },
      });
      await this.outbox.emit(m, tenantId, 'webhook.endpoint_disabled', { endpoint_id: endpointId, url: rows[0].url, reason });
      return true;
    });
    if (disabled) this.logger.warn({ tenantId, endpointId, reason }, 'webhook endpoint disabled');
    return disabled;
  }
}
