import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CatalogExportRunner } from '@synq/pim';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** Streams a catalog export to storage; marks it failed once the last attempt fails. */
@Injectable()
@JobProcessor('pim.export')
export class PimExportProcessor implements JobHandler<'pim.export'> {
  constructor(private readonly runner: CatalogExportRunner) {}

  async handle(data: JobData<'pim.export'>, job: Job<JobData<'pim.export'>>): Promise<void> {
    try {
      await this.runner.run(data.tenantId, data.exportId);
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.runner.markFailed(data.tenantId, data.exportId, (err as Error).message);
      throw err;
    }
  }
}
