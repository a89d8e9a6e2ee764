import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { LOGGER, Logger } from '@synq/logger';
import { QueueService } from '@synq/queue';
import { PeriodicTask } from '@synq/common';

const BATCH = 200;

/**
 * Worker side of feed freshness: every FEED_REFRESH_CHECK_MS, each published feed whose file is
 * older than the cache TTL gets a `feed.generate` job; the job regenerates only when the catalog or
 * the configuration changed (otherwise it marks the file checked). Job ids are per feed and TTL
 * window, so several workers enqueue each feed once.
 */
@Injectable()
export class FeedRefresher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queues: QueueService,
  ) {
    this.task = new PeriodicTask('feed refresh check', config.feedRefreshCheckMs, () => this.pass(), 0, logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** One pass; returns the number of feeds queued for a check. */
  check(): Promise<number> {
    return this.task.runOnce();
  }

  private async pass(): Promise<number> {
    const ttlMs = this.config.feedCacheTtlSeconds * 1000;
    const rows: { id: string; tenant_id: string }[] = await this.db.query(
      `SELECT id, tenant_id FROM feeds
        WHERE published AND (checked_at IS NULL OR checked_at < now() - $1 * interval '1 millisecond' OR generated_config_version IS DISTINCT FROM config_version)
        ORDER BY checked_at NULLS FIRST LIMIT ${BATCH}`,
      [ttlMs],
    );
    const window = Math.floor(Date.now() / ttlMs);
    for (const r of rows) {
      await this.queues.add({ name: 'feed.generate', data: { tenantId: r.tenant_id, feedId: r.id } }, `feed-refresh-${r.id}-${window}`);
    }
    return rows.length;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
