import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { SupplierImporter } from '@synq/feeds';
import { JOBS, JobData, JobHandler, JobProcessor } from '@synq/queue';

/**
 * Runs (or resumes) one supplier import. An unexpected error retries the job, which resumes after
 * the last committed batch; when the last attempt fails the run is marked failed with the reason,
 * never left half-applied without saying so.
 */
@Injectable()
@JobProcessor('supplier.import')
export class SupplierImportProcessor implements JobHandler<'supplier.import'> {
  constructor(private readonly importer: SupplierImporter) {}

  async handle(data: JobData<'supplier.import'>, job: Job<JobData<'supplier.import'>>): Promise<{ outcome: string }> {
    try {
      return { outcome: await this.importer.run(data.tenantId, data.runId) };
    } catch (err) {
      const attempts = job.opts.attempts ?? JOBS['supplier.import'].attempts;
      if (job.attemptsMade + 1 >= attempts) {
        await this.importer.fail(data.tenantId, data.runId, `the import failed after ${attempts} attempts: ${(err as Error).message}; batches applied before stay applied (see the counts)`);
      }
      throw err;
    }
  }
}
