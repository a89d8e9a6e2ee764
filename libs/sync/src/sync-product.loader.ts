import { createHash } from 'node:crypto';
import type { SyncProduct } from '@synq/connectors';
import { unpeeked } from '@synq/database';
import { PRODUCT_JSON_SELECT, ProductView } from '@synq/pim';

/**
 * The product as the PIM builds it (one query: variants and media included), plus each variant's
 * money as exact decimal text. `$1` tenant, `$2` product.
 */
export const SYNC_PRODUCT_SQL = `SELECT x.json,
    (SELECT json_object_agg(v.id, json_build_object('price', v.price::text, 'compare_at_price', v.compare_at_price::text))
       FROM variants v WHERE v.product_id = x.id) AS exact
  FROM (${PRODUCT_JSON_SELECT} WHERE p.tenant_id = ${unpeeked('$1')} AND p.id = $2) x`;

export type ExactPrices = Record<string, { price: string | null; compare_at_price: string | null }>;

/** ProductView (money as JSON numbers) + exact decimal text → the product connectors push. */
export function toSyncProduct(json: string, exact: ExactPrices | null): SyncProduct {
  const view = JSON.parse(json) as ProductView;
  return {
    ...view,
    variants: view.variants.map((v) => ({
      ...v,
      price: exact?.[v.id]?.price ?? null,
      compare_at_price: exact?.[v.id]?.compare_at_price ?? null,
    })),
  };
}

/**
 * A connection's listings override the PIM price of their variants there (the developer API's
 * listings, e.g. a repriced Amazon offer): the product pushed to that connection carries them.
 */
export function withListingPrices(product: SyncProduct, listingPrices: Record<string, string> | null): SyncProduct {
  if (!listingPrices) return product;
  return { ...product, variants: product.variants.map((v) => (listingPrices[v.id] !== undefined ? { ...v, price: listingPrices[v.id] } : v)) };
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`)
    .join(',')}}`;
}

/** sha256 of what a connector of this kind would write for the product (remote ids excluded). */
export function payloadHash(kind: string, payload: unknown): string {
  return createHash('sha256').update(kind).update('\n').update(stableJson(payload)).digest('hex');
}
