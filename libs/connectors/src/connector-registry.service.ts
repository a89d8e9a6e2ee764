import { Injectable } from '@nestjs/common';
import type { ConnectionKind } from '@synq/database';
import { StoreConnector } from './connector';
import { ShopifyConnector } from './shopify.connector';
import { UnifiedConnector } from './unified.connector';
import { WooCommerceConnector } from './woocommerce.connector';

/** The connector of each connection kind. */
@Injectable()
export class ConnectorRegistry {
  private readonly byKind: Record<ConnectionKind, StoreConnector>;

  constructor(shopify: ShopifyConnector, woocommerce: WooCommerceConnector, unified: UnifiedConnector) {
    this.byKind = { shopify, woocommerce, unified };
  }

  get(kind: ConnectionKind): StoreConnector {
    const c = this.byKind[kind];
    if (!c) throw new Error(`No connector for connection kind ${kind}`);
    return c;
  }
}
