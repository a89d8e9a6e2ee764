import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { SynqRequest } from '../common/request';
import { Public } from '../common/route-metadata';
import { InboundDelivery, InboundWebhooksService } from './inbound-webhooks.service';

function delivery(req: SynqRequest): InboundDelivery {
  return { rawBody: req.rawBody, body: req.body, header: (name) => req.header(name) };
}

/** Webhooks the platforms send Synq: public routes, each delivery proven by the platform's HMAC. */
@ApiTags('unified')
@Controller('unified/webhooks')
export class InboundWebhooksController {
  constructor(private readonly inbound: InboundWebhooksService) {}

  @Public()
  @Post('shopify')
  @HttpCode(200)
  shopify(@Req() req: SynqRequest) {
    return this.inbound.shopify(delivery(req));
  }

  @Public()
  @Post('woocommerce/:channelId')
  @HttpCode(200)
  woocommerce(@Param('channelId') channelId: string, @Req() req: SynqRequest) {
    return this.inbound.woocommerce(channelId, delivery(req));
  }
}
