import type { ProductStatus } from '@synq/database';
import { RemoteMapping } from '../connector';
import { compareDecimal, decimalString, SyncProduct, SyncVariant } from '../sync-product';
import { optionModel } from './options';

/** WooCommerce's batch endpoints take at most 100 objects per request. */
export const WOO_BATCH_LIMIT = 100;

export type WooStatus = 'publish' | 'draft' | 'private';

export interface WooImage {
  src: string;
  alt?: string;
}

export interface WooAttribute {
  name: string;
  position: number;
  visible: boolean;
  variation: boolean;
  options: string[];
}

/** Product fields of WooCommerce REST v3 (`/wp-json/wc/v3/products`) that Synq owns. */
export interface WooProductInput {
  name: string;
  slug: string;
  type: 'simple' | 'variable';
  status: WooStatus;
  description: string;
  sku: string;
  regular_price?: string;
  sale_price?: string;
  global_unique_id?: string;
  images: WooImage[];
  attributes: WooAttribute[];
}

export interface WooVariationInput {
  id?: number;
  sku?: string;
  regular_price: string;
  sale_price: string;
  global_unique_id?: string;
  attributes: { name: string; option: string }[];
  image?: WooImage;
}

export interface WooProductPayload {
  product: WooProductInput;
  /** the variations of a variable product, in Synq's variant order (none for a simple product) */
  variations: WooVariationInput[];
}

const STATUS: Record<ProductStatus, WooStatus> = { ACTIVE: 'publish', DRAFT: 'draft', ARCHIVED: 'private' };

/**
 * Woo's price pair: `regular_price` is the list price and `sale_price` the reduced one, so a Synq
 * compare-at price above the price becomes regular_price with the price as sale_price.
 */
export function wooPrices(v: SyncVariant | undefined): { regular_price: string; sale_price: string } {
  if (!v || v.price === null) return { regular_price: '', sale_price: '' };
  const price = decimalString(v.price);
  if (v.compare_at_price !== null && compareDecimal(v.compare_at_price, v.price) > 0) {
    return { regular_price: decimalString(v.compare_at_price), sale_price: price };
  }
  return { regular_price: price, sale_price: '' };
}

/**
 * Synq product → WooCommerce product (+ variations). One variant without options is a `simple`
 * product carrying that variant's SKU and prices; anything else is `variable` with one attribute per
 * option and one variation per variant. The parent of a variable product is identified by the
 * product handle as its SKU (Woo SKUs are unique across products and variations).
 */
export function toWooProduct(product: SyncProduct, existing?: RemoteMapping | null): WooProductPayload {
  const model = optionModel(product);
  const images = product.media.map((m) => ({ src: m.url, ...(m.alt_text ? { alt: m.alt_text } : {}) }));
  const base = {
    name: product.title,
    slug: product.handle,
    status: STATUS[product.status],
    description: product.description ?? '',
    images,
  };
  if (model.plain) {
    const v = product.variants[0];
    return {
      product: {
        ...base,
        type: 'simple',
        sku: v?.sku || product.handle,
        ...wooPrices(v),
        ...(v?.barcode ? { global_unique_id: v.barcode } : {}),
        attributes: [],
      },
      variations: [],
    };
  }
  const attributes = model.names.map((name, i) => ({ name, position: i, visible: true, variation: true, options: model.values[name] }));
  const variations = product.variants.map((v, i) => {
    const out: WooVariationInput = { ...wooPrices(v), attributes: model.names.map((name) => ({ name, option: model.rows[i][name] })) };
    const remoteId = existing?.remoteVariantIds[v.id];
    if (remoteId) out.id = Number(remoteId);
    if (v.sku) out.sku = v.sku;
    if (v.barcode) out.global_unique_id = v.barcode;
    const img = product.media.find((m) => m.variant_id === v.id);
    if (img) out.image = { src: img.url, ...(img.alt_text ? { alt: img.alt_text } : {}) };
    return out;
  });
  return { product: { ...base, type: 'variable', sku: product.handle, attributes }, variations };
}

/** Splits a list into chunks of at most `size`. */
export function chunks<T>(items: T[], size = WOO_BATCH_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
