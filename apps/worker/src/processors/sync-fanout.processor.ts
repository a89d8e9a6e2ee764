import { Injectable } from '@nestjs/common';
import { SyncFanoutService } from '@synq/sync';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** A push (or an auto-sync batch) → one `sync.product` job per ACTIVE commerce connection and product. */
@Injectable()
@JobProcessor('sync.fanout')
export class SyncFanoutProcessor implements JobHandler<'sync.fanout'> {
  constructor(private readonly fanout: SyncFanoutService) {}

  async handle(data: JobData<'sync.fanout'>): Promise<{ children: number }> {
    return { children: await this.fanout.fanout(data) };
  }
}
