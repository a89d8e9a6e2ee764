import { Module } from '@nestjs/common';
import { IntegrationsLibModule } from '@synq/integrations';
import { InboundWebhooksController } from './inbound-webhooks.controller';
import { InboundWebhooksService } from './inbound-webhooks.service';

@Module({
  imports: [IntegrationsLibModule],
  controllers: [InboundWebhooksController],
  providers: [InboundWebhooksService],
})
export class InboundWebhooksModule {}
