import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
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
export class SupplierScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
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
        // a supplier whose supplier_import agent is enabled runs on the agent's schedule instead
        `SELECT id, tenant_id, schedule FROM suppliers s WHERE next_run_at <= now() AND enabled
            AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.tenant_id = s.tenant_id AND a.kind = 'supplier_import' AND a.enabled AND a.scope->>'supplier_id' = s.id::text)
          ORDER BY next_run_at LIMIT ${BATCH} FOR UPDATE OF s SKIP LOCKED`,
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

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
