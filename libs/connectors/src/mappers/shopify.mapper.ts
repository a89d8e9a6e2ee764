import type { ProductStatus } from '@synq/database';
import { MappingError, RemoteMapping } from '../connector';
import { decimalString, SyncProduct } from '../sync-product';
import { optionKey, optionModel } from './options';

/** Shopify allows three options per product. */
export const SHOPIFY_MAX_OPTIONS = 3;
/** productSet in synchronous mode. */
export const SHOPIFY_MAX_VARIANTS = 2048;

export interface ShopifyOptionSetInput {
  name: string;
  position: number;
  values: { name: string }[];
}

export interface ShopifyVariantSetInput {
  id?: string;
  optionValues: { optionName: string; name: string }[];
  position: number;
  price?: string;
  compareAtPrice?: string | null;
  sku?: string;
  barcode?: string;
}

export interface ShopifyFileSetInput {
  originalSource: string;
  alt?: string;
  contentType: 'IMAGE';
}

/** `ProductSetInput` of the Admin GraphQL API (the fields Synq owns). */
export interface ShopifyProductSetInput {
  title: string;
  descriptionHtml: string;
  handle: string;
  status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  /** with variants only: the two are given together or not at all */
  productOptions?: ShopifyOptionSetInput[];
  variants?: ShopifyVariantSetInput[];
  files: ShopifyFileSetInput[];
}

const STATUS: Record<ProductStatus, ShopifyProductSetInput['status']> = { ACTIVE: 'ACTIVE', DRAFT: 'DRAFT', ARCHIVED: 'ARCHIVED' };

/**
 * Synq product → Shopify `productSet` input. Options become `productOptions` (at most three), each
 * variant its option values, price, compare-at price, SKU and barcode; media become `files`. With a
 * mapping, variants carry their Shopify ids so they are updated in place.
 */
export function toShopifyProductSet(product: SyncProduct, existing?: RemoteMapping | null): ShopifyProductSetInput {
  const model = optionModel(product);
  if (model.names.length > SHOPIFY_MAX_OPTIONS) {
    throw new MappingError(`Shopify allows at most ${SHOPIFY_MAX_OPTIONS} options per product; this product has ${model.names.length} (${model.names.join(', ')})`);
  }
  if (product.variants.length > SHOPIFY_MAX_VARIANTS) {
    throw new MappingError(`Shopify allows at most ${SHOPIFY_MAX_VARIANTS} variants per product; this product has ${product.variants.length}`);
  }
  const productOptions = model.names.map((name, i) => ({ name, position: i + 1, values: model.values[name].map((value) => ({ name: value })) }));
  const variants: ShopifyVariantSetInput[] = product.variants.map((v, i) => {
    const out: ShopifyVariantSetInput = {
      optionValues: model.names.map((name) => ({ optionName: name, name: model.rows[i][name] })),
      position: i + 1,
    };
    const remoteId = existing?.remoteVariantIds[v.id];
    if (remoteId) out.id = remoteId;
    if (v.price !== null) out.price = decimalString(v.price);
    out.compareAtPrice = v.compare_at_price !== null ? decimalString(v.compare_at_price) : null;
    if (v.sku) out.sku = v.sku;
    if (v.barcode) out.barcode = v.barcode;
    return out;
  });
  return {
    title: product.title,
    descriptionHtml: product.description ?? '',
    handle: product.handle,
    status: STATUS[product.status],
    // options and variants go together; without variants Shopify keeps its default variant
    ...(variants.length ? { productOptions, variants } : {}),
    files: product.media.map((m) => ({ originalSource: m.url, ...(m.alt_text ? { alt: m.alt_text } : {}), contentType: 'IMAGE' as const })),
  };
}

export interface ShopifyVariantNode {
  id: string;
  sku?: string | null;
  selectedOptions?: { name: string; value: string }[];
}

/** Matches the variants Shopify answered back to Synq variants (by option values, then SKU). */
export function shopifyVariantIds(product: SyncProduct, nodes: ShopifyVariantNode[]): Record<string, string> {
  const model = optionModel(product);
  const byKey = new Map<string, string>();
  const bySku = new Map<string, string>();
  for (const n of nodes) {
    if (n.selectedOptions) byKey.set(optionKey(Object.fromEntries(n.selectedOptions.map((o) => [o.name, o.value]))), n.id);
    if (n.sku) bySku.set(n.sku, n.id);
  }
  const out: Record<string, string> = {};
  product.variants.forEach((v, i) => {
    const id = byKey.get(optionKey(model.rows[i])) ?? (v.sku ? bySku.get(v.sku) : undefined);
    if (id) out[v.id] = id;
  });
  return out;
}
