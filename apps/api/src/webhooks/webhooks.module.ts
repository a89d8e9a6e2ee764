import { Module } from '@nestjs/common';
import { WebhookSecrets } from '@synq/webhooks';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({ controllers: [WebhooksController], providers: [WebhooksService, WebhookSecrets] })
export class WebhooksModule {}
