import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { systemContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { OutboxService, webhookHeaders } from '@synq/events';
import { OutboundRequestError, safePost, SafeResponse, TargetPolicy, UnsafeTargetError } from '@synq/http';
import { LOGGER, Logger } from '@synq/logger';
import { QueueService } from '@synq/queue';
import { AttemptResult, CLAIM_MARGIN_MS, decide, deliveryJobId, formatDuration, KEPT_RESPONSE_BYTES } from './delivery-policy';
import { WebhookSecrets } from './webhook-secrets';

export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped';

interface ClaimedRow {
  id: string;
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

/** The JSON body partners receive: `{"id", "event", "created_at", "data"}`. */
export function webhookBody(event: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): string {
  return JSON.stringify({ id: event.id, event: event.type, created_at: event.createdAt.toISOString(), data: event.data });
}

function truncate(s: string | null | undefined, n: number): string | null {
  if (s === null || s === undefined) return null;
  return s.length > n ? s.slice(0, n) : s;
}

/**
 * Makes one delivery attempt: claims the delivery row while it is due (so duplicate wake-ups and
 * concurrent workers never send twice), signs and POSTs the event, records the attempt, and either
 * schedules the next wake-up or settles the delivery. A claim that expired without a recorded
 * result (the worker died mid-attempt) is logged as an interrupted attempt and tried again.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly policy: TargetPolicy;

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
  }

  async attempt(tenantId: string, deliveryId: string): Promise<AttemptOutcome> {
    const claimed = await this.claim(tenantId, deliveryId);
    if (!claimed) return 'skipped';
    if (claimed.interrupted) {
      await this.db.query(
        `INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, error) VALUES ($1, $2, $3, $4)`,
        [tenantId, deliveryId, claimed.attempts - 1, 'interrupted: the worker stopped before this attempt completed'],
      );
    }
    if (!claimed.enabled) {
      await this.db.query(
        `UPDATE webhook_deliveries SET status = 'failed', attempts = attempts - 1, locked_until = NULL, next_attempt_at = NULL,
                last_error = 'endpoint is disabled', updated_at = now()
          WHERE id = $1 AND tenant_id = $2`,
        [deliveryId, tenantId],
      );
      return 'skipped';
    }

    const body = webhookBody({ id: claimed.event_id, type: claimed.type, createdAt: new Date(claimed.event_created_at), data: claimed.data });
    const secrets = [this.secrets.open(claimed.secret)];
    if (claimed.previous_secret) secrets.push(this.secrets.open(claimed.previous_secret));
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
    await this.db.query(
      `WITH d AS (
         UPDATE webhook_deliveries
            SET status = $3::varchar, locked_until = NULL, last_response_code = $4, last_latency_ms = $5, last_response_body = $6,
                last_error = $7,
                next_attempt_at = CASE WHEN $3::varchar = 'retrying' THEN now() + $8 * interval '1 millisecond' ELSE NULL END,
                delivered_at = CASE WHEN $3::varchar = 'succeeded' THEN now() ELSE delivered_at END,
                updated_at = now()
          WHERE id = $1 AND tenant_id = $2
          RETURNING id
       ), a AS (
         INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, response_code, latency_ms, response_body, error)
         VALUES ($2, $1, $9, $4, $5, $6, $7)
       ), e AS (
         UPDATE webhook_endpoints SET first_failure_at = CASE WHEN $11::boolean THEN NULL ELSE now() END
          WHERE id = $10 AND tenant_id = $2 AND (($11::boolean AND first_failure_at IS NOT NULL) OR (NOT $11::boolean AND first_failure_at IS NULL))
       )
       SELECT id FROM d`,
      [
        deliveryId,
        tenantId,
        status,
        response?.status ?? null,
        latencyMs,
        truncate(response?.body, KEPT_RESPONSE_BYTES),
        truncate(error, 500),
        decision.outcome === 'retry' ? decision.delayMs : 0,
        claimed.attempts,
        claimed.endpoint_id,
        ok,
      ],
    );

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

  /**
   * Takes the delivery for one attempt if it is pending/retrying, due, and not held by a live
   * claim; returns it with its endpoint and event, or undefined (nothing to do).
   */
  private async claim(tenantId: string, deliveryId: string): Promise<ClaimedRow | undefined> {
    const leaseMs = this.config.webhookTimeoutMs + CLAIM_MARGIN_MS;
    const rows: ClaimedRow[] = await this.db.query(
      `WITH c AS (
         UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, locked_until = now() + $3 * interval '1 millisecond', updated_at = now()
           FROM webhook_deliveries prev
          WHERE d.id = $1 AND d.tenant_id = $2 AND prev.id = d.id
            AND d.status IN ('pending', 'retrying')
            AND d.next_attempt_at <= now() + interval '2 seconds'
            AND (d.locked_until IS NULL OR d.locked_until < now())
          RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, d.retry_base, prev.locked_until IS NOT NULL AS interrupted
       )
       SELECT c.*, e.org_id, e.url, e.enabled, e.secret,
              CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret,
              (EXTRACT(EPOCH FROM (now() - e.first_failure_at)) * 1000)::bigint AS failing_for_ms,
              ev.type, ev.data, ev.created_at AS event_created_at
         FROM c
         JOIN webhook_endpoints e ON e.id = c.endpoint_id AND e.tenant_id = $2
         JOIN events ev ON ev.id = c.event_id AND ev.tenant_id = $2`,
      [deliveryId, tenantId, leaseMs],
    );
    return rows[0];
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
