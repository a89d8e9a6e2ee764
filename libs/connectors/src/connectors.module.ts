import { Module } from '@nestjs/common';
import { ConnectorRegistry } from './connector-registry.service';
import { IntegrationsLibModule } from '@synq/integrations';
import { ShopifyAdminClient } from './shopify-admin.client';
import { ShopifyConnector } from './shopify.connector';
import { UnifiedApiClient, UnifiedConnector } from './unified.connector';
import { WooCommerceConnector } from './woocommerce.connector';

/** The store connectors and the unified-API provider client (worker and api). */
@Module({
  imports: [IntegrationsLibModule],
  providers: [ShopifyAdminClient, ShopifyConnector, WooCommerceConnector, UnifiedConnector, UnifiedApiClient, ConnectorRegistry],
  exports: [ConnectorRegistry, UnifiedApiClient, ShopifyAdminClient, ShopifyConnector, WooCommerceConnector],
})
export class ConnectorsModule {}
