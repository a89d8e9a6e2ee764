import { Injectable } from '@nestjs/common';
import type { Storefront } from '@synq/database';
import { EmbedProduct } from './embed-page';
import { priceNumber, StorefrontService } from './storefront.service';
import { StripeConnectService } from './stripe-connect.service';
import { StorefrontOrdersService } from './storefront-orders.service';

/** The store as shoppers see it: public config and the offered products with prices and availability. */
@Injectable()
export class StorefrontPublicService {
  constructor(
    private readonly storefronts: StorefrontService,
    private readonly stripe: StripeConnectService,
    private readonly orders: StorefrontOrdersService,
  ) {}

  async products(sf: Storefront): Promise<EmbedProduct[]> {
    const variants = await this.storefronts.offeredVariants(sf);
    const stock = await this.orders.availability(sf, variants.map((v) => v.variant_id));
    const byProduct = new Map<string, EmbedProduct>();
    for (const v of variants) {
      let p = byProduct.get(v.product_id);
      if (!p) {
        p = { id: v.product_id, title: v.product_title, description: v.description, image_url: v.image_url, variants: [] };
        byProduct.set(v.product_id, p);
      }
      const left = stock.get(v.variant_id);
      p.variants.push({ id: v.variant_id, title: v.variant_title, price: priceNumber(v.price), currency: v.currency, available: left === null || (left ?? 0) > 0, quantity_available: left ?? null });
    }
    return [...byProduct.values()];
  }

  async config(sf: Storefront) {
    const [products, paymentsEnabled] = await Promise.all([this.products(sf), this.stripe.paymentsEnabled(sf.tenantId)]);
    return {
      store: {
        name: sf.displayName ?? 'Store',
        logo_url: sf.logoUrl,
        accent_color: sf.accentColor,
        currency: sf.currency,
      },
      payments_enabled: paymentsEnabled,
      allow_quotes: sf.allowQuotes,
      allowed_file_types: sf.allowedFileTypes,
      max_file_bytes: sf.maxFileBytes,
      products,
    };
  }
}
