import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import type { SupplierSchedule } from '@synq/database';
import { LOGGER, Logger } from '@synq/logger';
import { nextRunAt } from './schedule';
import { SupplierRunQueue } from './supplier-runs.service';

const BATCH = 100;

/**
 * Worker side of supplier schedules: every SUPPLIER_SCHEDULE_CHECK_MS, suppliers whose next_run_at
 * is due are claimed with FOR UPDATE SKIP LOCKED (so several worker replicas never claim the same
 * one), get a queued run (unless one is active) and their next_run_at moved on, in one transaction.
 */
@Injectable()
export class SupplierScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly runs: SupplierRunQueue,
  ) {
    this.task = new PeriodicTask('supplier schedule check', config.supplierScheduleCheckMs, () => this.pass(), 0, logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  check(): Promise<number> {
    return this.task.runOnce();
  }

  private pass(): Promise<number> {
    return this.db.transaction(async (m) => {
      const due: { id: string; tenant_id: string; schedule: SupplierSchedule | null }[] = await m.query(
        `SELECT id, tenant_id, schedule FROM suppliers WHERE next_run_at <= now() AND enabled ORDER BY next_run_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      const now = new Date();
      for (const s of due) {
        await this.runs.queue(m, s.tenant_id, s.id, 'schedule');
        let next: Date | null = null;
        try {
          next = nextRunAt(s.schedule, now);
        } catch {
          next = null;
        }
        await m.query(`UPDATE suppliers SET next_run_at = $2 WHERE id = $1`, [s.id, next]);
      }
      return due.length;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
