import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvent, prepared } from '@synq/database';
import { DomainEventSubscriber, EventSubscriber, isEventType, missingEventKeys } from '@synq/events';
import { LOGGER, Logger } from '@synq/logger';
import { QueueService } from '@synq/queue';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SQL (a `text[]`): the event types that an enabled endpoint of tenant `tenant` (an SQL expression)
 * subscribes to. A statement writing events that only this fan-out handles (sync results) marks
 * those of no subscribed type dispatched as it inserts them: they have nowhere to go, and their
 * dispatch (an outbox row, a job, two statements) would be most of their cost. An endpoint created
 * while such a statement runs gets the events that follow it, as with any event dispatched before
 * the endpoint existed.
 */
export function subscribedTypesSql(tenant: string): string {
  return `(SELECT COALESCE(array_agg(DISTINCT t), '{}') FROM webhook_endpoints w CROSS JOIN LATERAL unnest(w.events) t WHERE w.tenant_id = ${tenant} AND w.enabled)::text[]`;
}

/**
 * Webhook fan-out (runs in the worker for every committed event of the catalogue): one delivery row
 * per enabled endpoint of the event's tenant subscribed to its type (`webhook.test` goes to the one
 * endpoint named in its data), then one `webhook.deliver` job per delivery with the delivery id as
 * job id. Idempotent: a redelivered event inserts nothing new and re-adds the same job ids.
 */
@Injectable()
@DomainEventSubscriber()
export class WebhookFanout implements EventSubscriber {

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueueService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
  }

  handles(type: string): boolean {
    return isEventType(type);
  }

  async handle(event: DomainEvent): Promise<void> {
    await this.handleMany([event]);
  }

  /**
   * The events of one dispatch job (one tenant) in one statement: a bulk change's thousands of
   * events, or a burst of single changes coalesced by the outbox relay, cost one round trip, and
   * nothing beyond an index probe when the tenant has no endpoint.
   */
  async handleMany(events: DomainEvent[]): Promise<void> {
    if (!events.length) return;
    const tenantId = events[0].tenantId;
    const ids: string[] = [];
    const types: string[] = [];
    const targets: (string | null)[] = [];
    for (const event of events) {
      if (!isEventType(event.type)) continue;
      const missing = missingEventKeys(event.type, event.data ?? {});
      if (missing.length) {
        this.logger.warn({ eventId: event.id, type: event.type, missing }, 'event data lacks keys its catalogue schema requires');
      }
      let target: string | null = null;
      if (event.type === 'webhook.test') {
        const id = event.data?.endpoint_id;
        if (typeof id !== 'string' || !UUID_RE.test(id)) continue;
        target = id;
      }
      ids.push(event.id);
      types.push(event.type);
      targets.push(target);
    }
    if (!ids.length) return;
    // The insert commits on its own before anything is enqueued; on a redelivered event the
    // second SELECT finds the rows the first run inserted but may not have enqueued. (Its status
    // test avoids implying the partial index of due rows, so the lookup goes by event id.)
    const rows = await prepared<{ id: string }>(this.db, `WITH ev AS (
         SELECT x.id, x.type, x.target, x.ord FROM unnest($2::text[], $3::text[], $4::uuid[]) WITH ORDINALITY AS x(id, type, target, ord)
       ),
       ins AS (
         INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, next_attempt_at)
         SELECT e.tenant_id, e.id, ev.id, ev.type, 'pending', now()
           FROM ev JOIN webhook_endpoints e
             ON e.tenant_id = $1 AND e.enabled
            AND CASE WHEN ev.target IS NULL THEN ev.type = ANY (e.events) ELSE e.id = ev.target END
          ORDER BY ev.ord, e.id
         ON CONFLICT (event_id, endpoint_id) DO NOTHING
         RETURNING id
       )
       SELECT id FROM ins
       UNION
       SELECT id FROM webhook_deliveries
        WHERE event_id = ANY ($2::text[]) AND tenant_id = $1 AND attempts = 0 AND status NOT IN ('retrying', 'succeeded', 'failed')`,
      [tenantId, ids, types, targets],
    );
    if (rows.length === 0) return;
    await this.queues.addBulk(
      rows.map((r) => ({ name: 'webhook.deliver', data: { tenantId, deliveryId: r.id }, jobId: r.id })),
    );
  }
}
