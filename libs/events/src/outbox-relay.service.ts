import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { LOGGER, Logger } from '@synq/logger';
import { QueueService } from '@synq/queue';

const BATCH = 500;

interface PendingRow {
  id: string;
  job_name: string;
  payload: Record<string, unknown>;
  run_at: Date | null;
}

/**
 * Moves committed outbox rows into BullMQ (job id = row id, so a replay after a crash is a no-op)
 * and marks them relayed. It polls (OUTBOX_POLL_MS, 100 ms by default; a poll is one index probe on
 * the pending rows) and drains in batches while rows keep coming, so it catches up after a Redis or
 * PostgreSQL outage. No NOTIFY: PostgreSQL serialises the commits of notifying transactions, which
 * capped product creation. Several workers can run it at once: rows are claimed with SKIP LOCKED.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private lastPurge = 0;
  private current: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => this.kick(), this.config.outboxPollMs);
    this.kick();
  }

  /** Starts a relay pass, or asks the running one to go again when it finishes. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.drain().finally(() => {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      let moved: number;
      do {
        moved = await this.relayBatch();
      } while (moved === BATCH && !this.stopped);
      await this.purgeOld();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'outbox relay pass failed; will retry');
    }
  }

  /** One claimed batch: enqueue then mark relayed, in one transaction. Returns rows moved. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: PendingRow[] = await manager.query(
        `SELECT id, job_name, payload, run_at FROM outbox WHERE relayed_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      );
      if (rows.length === 0) return 0;
      const now = Date.now();
      await this.queues.addBulk(
        rows.map((r) => ({
          name: r.job_name,
          data: r.payload,
          jobId: r.id,
          delayMs: r.run_at ? new Date(r.run_at).getTime() - now : undefined,
        })),
      );
      await manager.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  private async purgeOld(): Promise<void> {
    if (Date.now() - this.lastPurge < 3600_000) return;
    this.lastPurge = Date.now();
    await this.dataSource.query(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE relayed_at < now() - interval '7 days' LIMIT 10000)`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.current.catch(() => undefined);
  }
}
