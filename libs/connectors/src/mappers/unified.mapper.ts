import { RemoteMapping } from '../connector';
import { decimalString, SyncProduct } from '../sync-product';

export interface UnifiedPrice {
  price: number;
  compare_at_price?: number;
  currency?: string;
}

export interface UnifiedItemVariant {
  id?: string;
  name: string;
  sku?: string;
  prices: UnifiedPrice[];
  options?: { name: string; values: string[] }[];
  is_active: boolean;
}

/** The unified-API provider's commerce item (`/commerce/{connection_id}/item`). */
export interface UnifiedItem {
  name: string;
  slug: string;
  description: string;
  is_active: boolean;
  variants: UnifiedItemVariant[];
  media: { url: string; alt?: string }[];
}

/**
 * Synq product → unified commerce item. The provider's API takes prices as JSON numbers: the exact
 * decimal string is converted only here, at serialisation.
 */
export function toUnifiedItem(product: SyncProduct, existing?: RemoteMapping | null): UnifiedItem {
  const active = product.status === 'ACTIVE';
  return {
    name: product.title,
    slug: product.handle,
    description: product.description ?? '',
    is_active: active,
    variants: product.variants.map((v, i) => {
      const out: UnifiedItemVariant = {
        name: v.title || Object.values(v.options ?? {}).join(' / ') || v.sku || `${product.title} ${i + 1}`,
        prices: v.price === null ? [] : [{ price: Number(decimalString(v.price)), ...(v.compare_at_price !== null ? { compare_at_price: Number(decimalString(v.compare_at_price)) } : {}), ...(v.currency ? { currency: v.currency } : {}) }],
        is_active: active,
      };
      const remoteId = existing?.remoteVariantIds[v.id];
      if (remoteId) out.id = remoteId;
      if (v.sku) out.sku = v.sku;
      const options = Object.entries(v.options ?? {});
      if (options.length) out.options = options.map(([name, value]) => ({ name, values: [value] }));
      return out;
    }),
    media: product.media.map((m) => ({ url: m.url, ...(m.alt_text ? { alt: m.alt_text } : {}) })),
  };
}

/** Matches the item's variants as the provider answered them back to Synq variants (SKU, then the remaining ones in order). */
export function unifiedVariantIds(product: SyncProduct, answered: { id?: string; sku?: string | null }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const list = answered ?? [];
  const bySku = new Map(list.filter((a) => a.id && a.sku).map((a) => [a.sku as string, String(a.id)]));
  const used = new Set<string>();
  product.variants.forEach((v) => {
    const id = v.sku ? bySku.get(v.sku) : undefined;
    if (id && !used.has(id)) {
      out[v.id] = id;
      used.add(id);
    }
  });
  // the rest in the order the provider answered them (it keeps the order it was sent)
  const rest = list.filter((a) => a.id !== undefined && !used.has(String(a.id))).map((a) => String(a.id));
  for (const v of product.variants) if (!out[v.id] && rest.length) out[v.id] = rest.shift()!;
  return out;
}
