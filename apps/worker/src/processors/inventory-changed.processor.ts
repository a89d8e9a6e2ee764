import { Injectable } from '@nestjs/common';
import { StockPropagationService } from '@synq/orders';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** A change of available stock → the channels selling the variants are marked and their coalesced push scheduled. */
@Injectable()
@JobProcessor('inventory.changed')
export class InventoryChangedProcessor implements JobHandler<'inventory.changed'> {
  constructor(private readonly propagation: StockPropagationService) {}

  async handle(data: JobData<'inventory.changed'>): Promise<{ channels: number }> {
    return { channels: (await this.propagation.markChanged(data.tenantId, data.variantIds)).length };
  }
}
