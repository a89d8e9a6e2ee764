import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { LOGGER, Logger } from '@synq/logger';
import { QueueService } from '@synq/queue';

const BATCH = 200;

/**
 * Worker side of feed freshness: every FEED_REFRESH_CHECK_MS, each published feed whose file is
 * older than the cache TTL gets a `feed.generate` job; the job regenerates only when the catalog or
 * the configuration changed (otherwise it marks the file checked). Job ids are per feed and TTL
 * window, so several workers enqueue each feed once.
 */
@Injectable()
export class FeedRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queues: QueueService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), this.config.feedRefreshCheckMs);
    this.timer.unref();
  }

  check(): Promise<number> {
    if (!this.running) {
      this.running = this.pass()
        .catch((err: Error) => {
          this.logger.warn({ err: err.message }, 'feed refresh check failed; will retry');
          return 0;
        })
        .finally(() => (this.running = undefined));
    }
    return this.running;
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

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
