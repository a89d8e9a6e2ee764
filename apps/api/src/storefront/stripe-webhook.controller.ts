import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/route-metadata';
import type { SynqRequest } from '../common/request';
import { StripeWebhooksService } from './stripe-webhooks.service';

/** Inbound Stripe (Connect) webhooks, authenticated by their Stripe-Signature. */
@ApiTags('inbound webhooks')
@Public()
@Controller('unified/webhooks/stripe')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhooksService) {}

  @Post()
  @HttpCode(200)
  async receive(@Req() req: SynqRequest) {
    const event = this.webhooks.verify(req.rawBody, req.header('stripe-signature'));
    return this.webhooks.handle(event);
  }
}
