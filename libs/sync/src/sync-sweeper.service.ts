import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { PeriodicTask } from '@synq/common';
import { prepared } from '@synq/database';
import { OAuthStateService, WebhookReceipts } from '@synq/integrations';
import { LOGGER, Logger } from '@synq/logger';
import { SyncFanoutService } from './sync-fanout.service';

const BATCH = 1000;
export const SYNC_RUNS_RETENTION_DAYS = 30;

/**
 * Safety net of the sync engine, in the worker: ledger rows PENDING for longer than SYNC_SWEEP_MS on
 * an ACTIVE connection with no lease are queued again (job ids are per seq, so a row whose job is
 * still queued is not duplicated). This covers a job lost to a crash beyond BullMQ's stalled-job
 * recovery and rows of a connection that was paused and is active again. Hourly it purges old runs,
 * expired authorization states and old inbound-webhook receipts.
 */
@Injectable()
export class SyncSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask<number>;
  private lastPurge = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly fanout: SyncFanoutService,
    private readonly states: OAuthStateService,
    private readonly receipts: WebhookReceipts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('sync sweep', config.syncSweepMs, () => this.pass(), 0, logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** One pass; answers how many rows were queued again. */
  sweep(): Promise<number> {
    return this.task.runOnce();
  }

  private async pass(): Promise<number> {
    const rows = await prepared<{ tenant_id: string; connection_id: string; product_id: string; requested_seq: string }>(
      this.db,
      `SELECT s.tenant_id, s.connection_id, s.product_id, s.requested_seq::text
         FROM sync_states s JOIN connections c ON c.id = s.connection_id AND c.status = 'ACTIVE'
        WHERE s.status = 'PENDING' AND s.updated_at < now() - $1 * interval '1 millisecond'
          AND s.requested_seq > s.synced_seq AND (s.lease_until IS NULL OR s.lease_until < now())
        ORDER BY s.updated_at LIMIT ${BATCH}`,
      [this.config.syncSweepMs],
    );
    const byTenant = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = byTenant.get(r.tenant_id);
      if (list) list.push(r);
      else byTenant.set(r.tenant_id, [r]);
    }
    for (const [tenantId, list] of byTenant) await this.fanout.enqueue(tenantId, list, 0);
    if (Date.now() - this.lastPurge > 3600_000) {
      this.lastPurge = Date.now();
      await this.db.query(
        `DELETE FROM sync_runs WHERE id IN (SELECT id FROM sync_runs WHERE created_at < now() - interval '${SYNC_RUNS_RETENTION_DAYS} days' LIMIT 10000)`,
      );
      await this.states.purgeExpired();
      await this.receipts.purgeOld();
    }
    return rows.length;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
