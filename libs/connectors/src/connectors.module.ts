import { Module } from '@nestjs/common';
import { ConnectorRegistry } from './connector-registry.service';
import { ShopifyConnector } from './shopify.connector';
import { UnifiedApiClient, UnifiedConnector } from './unified.connector';
import { WooCommerceConnector } from './woocommerce.connector';

/** The store connectors and the unified-API provider client (worker and api). */
@Module({
  providers: [ShopifyConnector, WooCommerceConnector, UnifiedConnector, UnifiedApiClient, ConnectorRegistry],
  exports: [ConnectorRegistry, UnifiedApiClient],
})
export class ConnectorsModule {}
