import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { BatchOutcome, SyncBatchRunner } from '@synq/sync';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** Pushes several products to one connection (a fan-out's unit), one claim and one settle statement per batch. */
@Injectable()
@JobProcessor('sync.batch')
export class SyncBatchProcessor implements JobHandler<'sync.batch'> {
  constructor(private readonly runner: SyncBatchRunner) {}

  async handle(data: JobData<'sync.batch'>, job: Job<JobData<'sync.batch'>>): Promise<BatchOutcome> {
    return this.runner.run(data, job);
  }
}
