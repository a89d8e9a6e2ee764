import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, Logger } from '@synq/logger';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/**
 * Inbound orders from connected stores (queued by the Shopify and WooCommerce webhook receivers).
 */
// replaced by the orders module (issue #7) at merge
@Injectable()
@JobProcessor('order.ingest')
export class OrderIngestProcessor implements JobHandler<'order.ingest'> {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  async handle(data: JobData<'order.ingest'>): Promise<{ outcome: string }> {
    const id = (data.order as { id?: unknown }).id;
    this.logger.info({ tenantId: data.tenantId, connectionId: data.connectionId, platform: data.platform, topic: data.topic, orderId: typeof id === 'number' || typeof id === 'string' ? String(id) : null }, 'order received');
    return { outcome: 'acknowledged' };
  }
}
