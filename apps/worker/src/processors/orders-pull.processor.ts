import { Injectable } from '@nestjs/common';
import { OrderPullService } from '@synq/orders';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** Pulls one connection's orders changed since its cursor (safety net for missed webhooks). */
@Injectable()
@JobProcessor('orders.pull')
export class OrdersPullProcessor implements JobHandler<'orders.pull'> {
  constructor(private readonly pulls: OrderPullService) {}

  handle(data: JobData<'orders.pull'>): Promise<{ orders: number; cursor: string | null }> {
    return this.pulls.pull(data.tenantId, data.connectionId);
  }
}
