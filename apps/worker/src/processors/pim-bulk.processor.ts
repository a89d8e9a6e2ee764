import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BulkJobRunner } from '@synq/pim';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** Applies a bulk job batch by batch; a retry resumes after the last committed batch. */
@Injectable()
@JobProcessor('pim.bulk')
export class PimBulkProcessor implements JobHandler<'pim.bulk'> {
  constructor(
    private readonly runner: BulkJobRunner,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async handle(data: JobData<'pim.bulk'>, job: Job<JobData<'pim.bulk'>>): Promise<void> {
    try {
      await this.runner.run(data.tenantId, data.bulkJobId);
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await this.db.query(`UPDATE bulk_jobs SET status = 'failed', error = $3, completed_at = now() WHERE id = $1 AND tenant_id = $2`, [
          data.bulkJobId,
          data.tenantId,
          (err as Error).message.slice(0, 2000),
        ]);
      }
      throw err;
    }
  }
}
