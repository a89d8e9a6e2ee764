import { Injectable } from '@nestjs/common';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';
import { AttemptOutcome, WebhookDeliveryService } from '@synq/webhooks';

/** One attempt of one webhook delivery (the delivery reschedules itself along WEBHOOK_RETRY_SCHEDULE). */
@Injectable()
@JobProcessor('webhook.deliver')
export class WebhookDeliverProcessor implements JobHandler<'webhook.deliver'> {
  constructor(private readonly deliveries: WebhookDeliveryService) {}

  async handle(data: JobData<'webhook.deliver'>): Promise<{ outcome: AttemptOutcome }> {
    return { outcome: await this.deliveries.attempt(data.tenantId, data.deliveryId) };
  }
}
