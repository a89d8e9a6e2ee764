import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { SyncOutcome, SyncProductRunner } from '@synq/sync';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** Pushes one product to one connection as the sync ledger asks. */
@Injectable()
@JobProcessor('sync.product')
export class SyncProductProcessor implements JobHandler<'sync.product'> {
  constructor(private readonly runner: SyncProductRunner) {}

  async handle(data: JobData<'sync.product'>, job: Job<JobData<'sync.product'>>): Promise<{ outcome: SyncOutcome }> {
    return { outcome: await this.runner.run(data, job) };
  }
}
