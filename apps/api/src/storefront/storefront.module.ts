import { Module } from '@nestjs/common';
import { IntegrationsLibModule } from '@synq/integrations';
import { OrdersLibModule } from '@synq/orders';
import { EmbedController } from './embed.controller';
import { PaymentsService } from './payments.service';
import { QuotesController } from './quotes.controller';
import { QuotesService } from './quotes.service';
import { StorefrontKeyGuard } from './storefront-key.guard';
import { StorefrontPublicController } from './storefront-public.controller';
import { StorefrontPublicService } from './storefront-public.service';
import { StorefrontSettingsController } from './storefront-settings.controller';
import { StorefrontService } from './storefront.service';
import { StripeConnectController } from './stripe-connect.controller';
import { StripeConnectService } from './stripe-connect.service';
import { StripeGateway } from './stripe.gateway';
import { StripeWebhookController } from './stripe-webhook.controller';
import { StripeWebhooksService } from './stripe-webhooks.service';
import { UploadsService } from './uploads.service';
import { StorefrontOrdersService } from './storefront-orders.service';

/**
 * The storefront module: settings and quotes on the Platform API, the public /api/storefront API and
 * the /s/{key} embed, Stripe Connect onboarding, checkout (direct charges) and Stripe's webhooks.
 */
@Module({
  imports: [IntegrationsLibModule, OrdersLibModule],
  controllers: [
    StorefrontSettingsController,
    StripeConnectController,
    QuotesController,
    StorefrontPublicController,
    EmbedController,
    StripeWebhookController,
  ],
  providers: [
    StripeGateway,
    StorefrontService,
    StorefrontPublicService,
    StorefrontKeyGuard,
    StripeConnectService,
    PaymentsService,
    QuotesService,
    UploadsService,
    StorefrontOrdersService,
    StripeWebhooksService,
  ],
})
export class StorefrontModule {}
