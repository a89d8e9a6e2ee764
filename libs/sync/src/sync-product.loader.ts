import { createHash } from 'node:crypto';
import type { SyncProduct } from '@synq/connectors';
import { filterOnly } from '@synq/database';

/**
 * The product as connectors push it (`SyncProduct`), built by PostgreSQL from alias `p`: the fields
 * the connectors map, variants and images in the PIM's order (as the PIM's product view has them),
 * money as exact decimal text. Only those columns: a sync reads each product once per connection,
 * and the PIM's whole view (timestamps formatted, category, attributes, and the prices a second time
 * as text) cost a third more per batch read.
 */
export const SYNC_PRODUCT_JSON = `json_build_object(
  'id', p.id, 'title', p.title, 'description', p.description, 'handle', p.handle, 'status', p.status,
  'variants', COALESCE((SELECT json_agg(json_build_object('id', v.id, 'sku', v.sku, 'barcode', v.barcode, 'title', v.title,
                                          'price', v.price::text, 'compare_at_price', v.compare_at_price::text,
                                          'currency', v.currency, 'options', v.options) ORDER BY v.position, v.created_at, v.id)
                          FROM variants v WHERE v.product_id = p.id), '[]'::json),
  'media', COALESCE((SELECT json_agg(json_build_object('url', m.url, 'alt_text', m.alt_text, 'variant_id', m.variant_id)
                                     ORDER BY m.sort_order, m.created_at, m.id)
                       FROM (SELECT pm.url, pm.alt_text, pm.variant_id, pm.sort_order, pm.created_at, pm.id FROM media pm
                              WHERE pm.product_id = p.id AND pm.tenant_id = p.tenant_id
                             UNION ALL
                             SELECT vm.url, vm.alt_text, vm.variant_id, vm.sort_order, vm.created_at, vm.id FROM variants vv JOIN media vm ON vm.variant_id = vv.id
                              WHERE vv.product_id = p.id AND vm.tenant_id = p.tenant_id) m),
                    '[]'::json))::text`;

/** One product as `SYNC_PRODUCT_JSON` text (`json`). `$1` tenant, `$2` product. */
export const SYNC_PRODUCT_SQL = `SELECT ${SYNC_PRODUCT_JSON} AS json FROM products p WHERE p.id = $2 AND ${filterOnly('p.tenant_id', '$1')}`;

/** `SYNC_PRODUCT_JSON` text → the product connectors push. */
export function toSyncProduct(json: string): SyncProduct {
  return JSON.parse(json) as SyncProduct;
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
