import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService } from '@synq/audit';
import { decodeCursor, NotFoundError, TenantContext, toPage } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { DomainEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '@synq/database';
import { EVENT_TYPE_NAMES, EVENT_TYPES, OutboxService } from '@synq/events';
import { assertSafeTarget, TargetPolicy, UnsafeTargetError } from '@synq/http';
import { SECRET_ROTATION_OVERLAP_MS, webhookBody, WebhookSecrets } from '@synq/webhooks';
import { CreateWebhookDto, DeliveryQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhookDeliveryInFlightError, WebhookEndpointDisabledError, WebhookUrlNotAllowedError } from './webhooks.errors';

/** Most failed deliveries one `POST …/replay?since=` re-sends; `has_more` says to call again. */
export const REPLAY_BATCH = 5000;
const ATTEMPT_LOG_LIMIT = 100;

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function endpointView(e: WebhookEndpoint, now = Date.now()) {
  const rotating = e.previousSecretExpiresAt && new Date(e.previousSecretExpiresAt).getTime() > now;
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    disabled_at: iso(e.disabledAt),
    previous_secret_expires_at: rotating ? iso(e.previousSecretExpiresAt) : null,
    created_at: iso(e.createdAt),
    updated_at: iso(e.updatedAt),
  };
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    last_response_code: d.lastResponseCode,
    last_latency_ms: d.lastLatencyMs,
    last_response_body: d.lastResponseBody,
    last_error: d.lastError,
    next_attempt_at: d.status === 'retrying' || d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    delivered_at: iso(d.deliveredAt),
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

function attemptView(a: WebhookAttempt) {
  return {
    attempt: a.attempt,
    response_code: a.responseCode,
    latency_ms: a.latencyMs,
    response_body: a.responseBody,
    error: a.error,
    created_at: iso(a.createdAt),
  };
}

/** Endpoints, their secrets and their delivery log (GUIDE.md tenancy rules: every query by tenant). */
@Injectable()
export class WebhooksService {
  private readonly policy: TargetPolicy;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly secrets: WebhookSecrets,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {
    this.policy = { allowPrivate: config.allowPrivateNetworkTargets, allowHttp: config.webhookAllowHttp };
  }

  eventTypes() {
    return EVENT_TYPE_NAMES.map((type) => ({ type, description: EVENT_TYPES[type].description, schema: EVENT_TYPES[type].schema }));
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await assertSafeTarget(url, this.policy);
    } catch (err) {
      if (err instanceof UnsafeTargetError) throw new WebhookUrlNotAllowedError(err.message);
      throw err;
    }
  }

  async create(ctx: TenantContext, dto: CreateWebhookDto) {
    await this.checkUrl(dto.url);
    const { secret, sealed } = this.secrets.generate();
    const saved = await this.db.transaction(async (m) => {
      const inserted = await m.getRepository(WebhookEndpoint).insert({
        tenantId: ctx.tenantId,
        orgId: ctx.orgId,
        url: dto.url,
        description: dto.description ?? null,
        events: dto.events,
        enabled: true,
        secret: sealed,
      } as QueryDeepPartialEntity<WebhookEndpoint>);
      const id = inserted.identifiers[0].id as string;
      await this.audit.record(m, ctx, {
        action: 'webhook_endpoint.created',
        resourceType: 'webhook_endpoint',
        resourceId: id,
        after: { url: dto.url, events: dto.events, description: dto.description ?? null, enabled: true },
      });
      return this.find(m, ctx, id);
    });
    return { ...endpointView(saved), secret };
  }

  async list(ctx: TenantContext, limit: number, cursor?: string) {
    const c = decodeCursor(cursor);
    const qb = this.endpoints.createQueryBuilder('e').where('e.tenant_id = :t', { t: ctx.tenantId });
    if (c) {
      qb.andWhere(
        new Brackets((b) =>
          b.where('e.created_at > :cAt', { cAt: c.createdAt }).orWhere('(e.created_at = :cAt AND e.id > :cId)', { cAt: c.createdAt, cId: c.id }),
        ),
      );
    }
    const rows = await qb.orderBy('e.created_at', 'ASC').addOrderBy('e.id', 'ASC').limit(limit + 1).getMany();
    const page = toPage(rows, limit);
    return { items: page.items.map((e) => endpointView(e)), nextCursor: page.nextCursor };
  }

  private async find(m: EntityManager, ctx: TenantContext, id: string, lock = false): Promise<WebhookEndpoint> {
    const e = await m.getRepository(WebhookEndpoint).findOne({
      where: { id, tenantId: ctx.tenantId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!e) throw new NotFoundError('Webhook endpoint', id);
    return e;
  }

  async get(ctx: TenantContext, id: string) {
    return endpointView(await this.find(this.db.manager, ctx, id));
  }

  async update(ctx: TenantContext, id: string, dto: UpdateWebhookDto) {
    if (dto.url !== undefined) await this.checkUrl(dto.url);
    const updated = await this.db.transaction(async (m) => {
      const e = await this.find(m, ctx, id, true);
      const before = { url: e.url, events: e.events, enabled: e.enabled, description: e.description };
      const patch: QueryDeepPartialEntity<WebhookEndpoint> = {};
      if (dto.url !== undefined) patch.url = dto.url;
      if (dto.events !== undefined) patch.events = dto.events;
      if (dto.description !== undefined) patch.description = dto.description;
      if (dto.enabled !== undefined && dto.enabled !== e.enabled) {
        patch.enabled = dto.enabled;
        patch.disabledAt = dto.enabled ? null : new Date();
        patch.disabledReason = dto.enabled ? null : 'disabled by a user';
        // a re-enabled endpoint starts a fresh failure period
        if (dto.enabled) patch.firstFailureAt = null;
      }
      if (Object.keys(patch).length > 0) {
        await m.getRepository(WebhookEndpoint).update({ id, tenantId: ctx.tenantId }, patch);
      }
      const after = await this.find(m, ctx, id);
      await this.audit.record(m, ctx, {
        action: 'webhook_endpoint.updated',
        resourceType: 'webhook_endpoint',
        resourceId: id,
        before,
        after: { url: after.url, events: after.events, enabled: after.enabled, description: after.description },
      });
      return after;
    });
    return endpointView(updated);
  }

  async remove(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const e = await this.find(m, ctx, id, true);
      await m.getRepository(WebhookEndpoint).delete({ id, tenantId: ctx.tenantId });
      await this.audit.record(m, ctx, {
        action: 'webhook_endpoint.deleted',
        resourceType: 'webhook_endpoint',
        resourceId: id,
        before: { url: e.url, events: e.events, enabled: e.enabled },
      });
    });
  }

  /** New secret at once; the previous one keeps signing alongside it for 24 h. */
  async rotateSecret(ctx: TenantContext, id: string) {
    const { secret, sealed } = this.secrets.generate();
    const expiresAt = new Date(Date.now() + SECRET_ROTATION_OVERLAP_MS);
    await this.db.transaction(async (m) => {
      await this.find(m, ctx, id, true);
      await m.query(
        `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $3, secret = $4, updated_at = now()
          WHERE id = $1 AND tenant_id = $2`,
        [id, ctx.tenantId, expiresAt, sealed],
      );
      await this.audit.record(m, ctx, {
        action: 'webhook_endpoint.secret_rotated',
        resourceType: 'webhook_endpoint',
        resourceId: id,
        after: { previous_secret_expires_at: expiresAt.toISOString() },
      });
    });
    return { id, secret, previous_secret_expires_at: expiresAt.toISOString() };
  }

  /** Emits a `webhook.test` event that the fan-out delivers to this endpoint only. */
  async sendTest(ctx: TenantContext, id: string) {
    return this.db.transaction(async (m) => {
      const e = await this.find(m, ctx, id);
      if (!e.enabled) throw new WebhookEndpointDisabledError();
      const event = await this.outbox.emit(m, ctx.tenantId, 'webhook.test', {
        endpoint_id: id,
        message: 'This is a test event from Synq.',
      });
      await this.audit.record(m, ctx, {
        action: 'webhook_endpoint.tested',
        resourceType: 'webhook_endpoint',
        resourceId: id,
        after: { event_id: event.id },
      });
      return { status: 'queued', event_id: event.id };
    });
  }

  /** The endpoint's deliveries, newest first. */
  async listDeliveries(ctx: TenantContext, endpointId: string, q: DeliveryQueryDto) {
    await this.find(this.db.manager, ctx, endpointId);
    const limit = q.limit ?? 100;
    const c = decodeCursor(q.cursor);
    const qb = this.deliveries
      .createQueryBuilder('d')
      .where('d.endpoint_id = :e AND d.tenant_id = :t', { e: endpointId, t: ctx.tenantId });
    if (q.status) qb.andWhere('d.status = :s', { s: q.status });
    if (c) {
      qb.andWhere(
        new Brackets((b) =>
          b.where('d.created_at < :cAt', { cAt: c.createdAt }).orWhere('(d.created_at = :cAt AND d.id < :cId)', { cAt: c.createdAt, cId: c.id }),
        ),
      );
    }
    const rows = await qb.orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'DESC').limit(limit + 1).getMany();
    const page = toPage(rows, limit);
    return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
  }

  /** One delivery with its attempt log and the body partners receive. */
  async getDelivery(ctx: TenantContext, endpointId: string, deliveryId: string) {
    const d = await this.deliveries.findOne({ where: { id: deliveryId, endpointId, tenantId: ctx.tenantId } });
    if (!d) throw new NotFoundError('Webhook delivery', deliveryId);
    const [attempts, event] = await Promise.all([
      this.db
        .getRepository(WebhookAttempt)
        .find({ where: { deliveryId, tenantId: ctx.tenantId }, order: { attempt: 'DESC', createdAt: 'DESC' }, take: ATTEMPT_LOG_LIMIT }),
      this.db.getRepository(DomainEvent).findOne({ where: { id: d.eventId, tenantId: ctx.tenantId } }),
    ]);
    return {
      ...deliveryView(d),
      payload: event ? (JSON.parse(webhookBody(event)) as Record<string, unknown>) : null,
      attempt_log: attempts.reverse().map(attemptView),
    };
  }

  /** Sends a delivery again (whatever its status), with a fresh retry schedule. */
  async replayDelivery(ctx: TenantContext, endpointId: string, deliveryId: string) {
    return this.db.transaction(async (m) => {
      const e = await this.find(m, ctx, endpointId);
      if (!e.enabled) throw new WebhookEndpointDisabledError();
      const rows: { id: string; in_flight: boolean }[] = await m.query(
        `SELECT id, COALESCE(locked_until > now(), false) AS in_flight FROM webhook_deliveries
          WHERE id = $1 AND endpoint_id = $2 AND tenant_id = $3 FOR UPDATE`,
        [deliveryId, endpointId, ctx.tenantId],
      );
      if (!rows[0]) throw new NotFoundError('Webhook delivery', deliveryId);
      if (rows[0].in_flight) throw new WebhookDeliveryInFlightError();
      await m.query(
        `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), retry_base = attempts, updated_at = now()
          WHERE id = $1 AND tenant_id = $2`,
        [deliveryId, ctx.tenantId],
      );
      await this.outbox.enqueue(m, ctx.tenantId, { name: 'webhook.deliver', data: { tenantId: ctx.tenantId, deliveryId } });
      await this.audit.record(m, ctx, {
        action: 'webhook_delivery.replayed',
        resourceType: 'webhook_delivery',
        resourceId: deliveryId,
        after: { endpoint_id: endpointId },
      });
      return { status: 'queued', delivery_id: deliveryId };
    });
  }

  /** Re-sends every failed delivery of the endpoint created since `since` (oldest first, in batches). */
  async replaySince(ctx: TenantContext, endpointId: string, since: Date) {
    return this.db.transaction(async (m) => {
      const e = await this.find(m, ctx, endpointId);
      if (!e.enabled) throw new WebhookEndpointDisabledError();
      const rows: { id: string }[] = await m.query(
        `WITH picked AS (
           SELECT id FROM webhook_deliveries
            WHERE endpoint_id = $1 AND tenant_id = $2 AND status = 'failed' AND created_at >= $3
            ORDER BY created_at, id
            LIMIT $4
            FOR UPDATE SKIP LOCKED
         ), r AS (
           UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(), retry_base = d.attempts, updated_at = now()
             FROM picked WHERE d.id = picked.id
           RETURNING d.id
         )
         SELECT id FROM r`,
        [endpointId, ctx.tenantId, since, REPLAY_BATCH],
      );
      await this.outbox.enqueueMany(
        m,
        ctx.tenantId,
        rows.map((r) => ({ name: 'webhook.deliver' as const, data: { tenantId: ctx.tenantId, deliveryId: r.id } })),
      );
      const more: { more: boolean }[] = await m.query(
        `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND tenant_id = $2 AND status = 'failed' AND created_at >= $3) AS more`,
        [endpointId, ctx.tenantId, since],
      );
      await this.audit.record(m, ctx, {
        action: 'webhook_endpoint.replayed',
        resourceType: 'webhook_endpoint',
        resourceId: endpointId,
        after: { since: since.toISOString(), replayed: rows.length },
      });
      return { status: 'queued', replayed: rows.length, has_more: more[0].more };
    });
  }
}
