import { Injectable } from '@nestjs/common';
import { StockPropagationService } from '@synq/orders';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** One channel's pending stock figures → one update through its connector. */
@Injectable()
@JobProcessor('inventory.push')
export class InventoryPushProcessor implements JobHandler<'inventory.push'> {
  constructor(private readonly propagation: StockPropagationService) {}

  async handle(data: JobData<'inventory.push'>): Promise<{ variants: number }> {
    return { variants: await this.propagation.push(data.tenantId, data.channelId) };
  }
}
