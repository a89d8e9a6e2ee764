import { Injectable } from '@nestjs/common';
import { OrderIngestService } from '@synq/orders';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** One platform order (webhook or periodic pull) → one Synq order per (connection, external id), created or updated in place. */
@Injectable()
@JobProcessor('order.ingest')
export class OrderIngestProcessor implements JobHandler<'order.ingest'> {
  constructor(private readonly ingest: OrderIngestService) {}

  async handle(data: JobData<'order.ingest'>): Promise<{ outcome: string; orderId?: string }> {
    return this.ingest.ingest(data);
  }
}
