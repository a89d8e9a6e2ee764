import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { LOGGER, Logger } from '@synq/logger';
import { EnqueueItem, QueueService } from '@synq/queue';
import { RedisService } from '@synq/redis';
import { PeriodicTask } from '@synq/common';
import { queryRows } from '@synq/database';
import { deliveryJobId } from './delivery-policy';

const BATCH = 200;
/** rows removed per purge statement, and the cap of statements per purge pass */
const PURGE_BATCH = 5_000;
const PURGE_MAX_BATCHES = 50;
const PURGE_EVERY_MS = 3600_000;

interface DueRow {
  id: string;
  tenant_id: string;
  attempts: number;
  abandoned: boolean;
}

/**
 * Safety net of the delivery machinery, run by every worker: finds deliveries that are due (past
 * a grace period) and not held by a live claim, whose wake-up job is gone (never enqueued after a
 * crash, lost with Redis) or stuck with a dead worker (its claim expired), and enqueues a wake-up
 * again. Job ids are deterministic and the delivery row is claimed before any attempt, so a sweep
 * can never cause a second send.
 */
@Injectable()
export class WebhookSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
  ) {
    this.task = new PeriodicTask(
      'webhook sweep',
      config.webhookSweepMs,
      async () => (await Promise.all([this.pass(), this.purgeIfDue()]))[0],
      0,
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** One pass; returns the number of wake-ups enqueued. */
  sweep(): Promise<number> {
    return this.task.runOnce();
  }

  private async pass(): Promise<number> {
    const graceMs = Math.max(2 * this.config.webhookSweepMs, 500);
    const rows: DueRow[] = await this.db.query(
      `SELECT id, tenant_id, attempts, locked_until IS NOT NULL AS abandoned
         FROM webhook_deliveries
        WHERE status IN ('pending', 'retrying') AND next_attempt_at < now() - $1 * interval '1 millisecond'
          AND (locked_until IS NULL OR locked_until < now())
        ORDER BY next_attempt_at
        LIMIT $2`,
      [graceMs, BATCH],
    );
    if (rows.length === 0) return 0;
    const queue = this.queues.queue('webhooks');
    // job hashes, not getJobState: that one searches the wait list, which is long in a backlog
    const jobs = await Promise.all(rows.map((r) => queue.getJob(deliveryJobId(r.id, r.attempts))));
    const items: EnqueueItem[] = [];
    rows.forEach((r, i) => {
      const job = jobs[i];
      const finished = !job || Boolean(job.finishedOn);
      const active = Boolean(job?.processedOn) && !finished;
      // a queued job will make the attempt; an active one only counts while its claim is live
      if (!finished && (!active || !r.abandoned)) return;
      items.push({
        name: 'webhook.deliver',
        data: { tenantId: r.tenant_id, deliveryId: r.id },
        jobId: `${deliveryJobId(r.id, r.attempts)}.sweep`,
      });
    });
    if (items.length) {
      await this.queues.addBulk(items);
      this.logger.info({ count: items.length }, 'webhook sweep re-enqueued due deliveries');
    }
    return items.length;
  }

  /**
   * Retention: settled deliveries (and, by cascade, their attempts) older than
   * WEBHOOK_RETENTION_DAYS are deleted in bounded batches. A Redis key taken with NX makes this run
   * at most once per hour across every worker; returns the number of deliveries removed.
   */
  async purgeIfDue(force = false): Promise<number> {
    const key = this.redis.key('webhooks', 'purge');
    if (force) await this.redis.client.del(key);
    const ok = await this.redis.client.set(key, String(Date.now()), 'PX', PURGE_EVERY_MS, 'NX');
    if (ok !== 'OK') return 0;
    let removed = 0;
    for (let i = 0; i < PURGE_MAX_BATCHES; i++) {
      const rows = await queryRows<unknown>(
        this.db,
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries
            WHERE status IN ('delivered', 'failed') AND created_at < now() - $1 * interval '1 day'
            LIMIT $2)
         RETURNING 1`,
        [this.config.webhookRetentionDays, PURGE_BATCH],
      );
      const n = rows.length;
      removed += n;
      if (n < PURGE_BATCH) break;
    }
    if (removed) this.logger.info({ removed, retentionDays: this.config.webhookRetentionDays }, 'purged settled webhook deliveries');
    return removed;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
