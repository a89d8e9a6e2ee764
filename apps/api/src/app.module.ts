import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { HttpDrain } from './common/http-drain';
import { AppConfig } from '@synq/config';
import { CoreModule } from '@synq/core';
import { Logger } from '@synq/logger';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditApiModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { AuthGuard } from './common/auth.guard';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { HealthModule } from './health/health.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrganizationModule } from './organization/organization.module';
import { PimModule } from './pim/pim.module';
import { SettingsModule } from './settings/settings.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { FeedsModule } from './feeds/feeds.module';
import { SyncModule } from './sync/sync.module';
import { StoresModule } from './stores/stores.module';
import { ShopifyModule } from './shopify/shopify.module';
import { InboundWebhooksModule } from './inbound-webhooks/inbound-webhooks.module';
import { ListingsModule } from './listings/listings.module';
import { RepricerModule } from './repricer/repricer.module';
import { AgentsModule } from './agents/agents.module';
import { OrdersModule } from './orders/orders.module';
import { DeveloperOrdersModule } from './developer-orders/developer-orders.module';
import { StorefrontModule } from './storefront/storefront.module';
import { SuppliersModule } from './suppliers/suppliers.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger, 'synq-api'),
        HealthModule,
        MetricsModule,
        ApiKeysModule,
        AuthModule,
        OrganizationModule,
        SettingsModule,
        AuditApiModule,
        PimModule,
        WebhooksModule,
        FeedsModule,
        IntegrationsModule,
        SyncModule,
        StoresModule,
        ShopifyModule,
        InboundWebhooksModule,
        ListingsModule,
        RepricerModule,
        AgentsModule,
        OrdersModule,
        DeveloperOrdersModule,
        StorefrontModule,
        SuppliersModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        HttpDrain,
      ],
    };
  }
}
