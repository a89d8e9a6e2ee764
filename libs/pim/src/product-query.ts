import { isoSql as iso, Params } from '@synq/common';
import type { ProductStatus } from '@synq/database';

export interface ProductFilter {
  status?: ProductStatus;
  /** category slug; matches the category and all its descendants */
  category?: string;
  brandId?: string;
  q?: string;
  updatedSince?: Date;
  productIds?: string[];
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause (alias `p`) for a tenant's products matching a filter. */
export function productWhere(params: Params, tenantId: string, f: ProductFilter): string {
  const t = params.add(tenantId);
  const clauses = [`p.tenant_id = ${t}`];
  if (f.status) clauses.push(`p.status = ${params.add(f.status)}`);
  if (f.brandId) clauses.push(`p.brand_id = ${params.add(f.brandId)}`);
  if (f.updatedSince) clauses.push(`p.updated_at >= ${params.add(f.updatedSince)}`);
  if (f.productIds) clauses.push(`p.id = ANY(${params.add(f.productIds)}::uuid[])`);
  if (f.category) {
    const slug = params.add(f.category);
    clauses.push(
      `p.category_id IN (SELECT d.id FROM categories root JOIN categories d ON d.tenant_id = root.tenant_id
         AND (d.path = root.path OR d.path LIKE root.path || '/%')
        WHERE root.tenant_id = ${t} AND root.slug = ${slug})`,
    );
  }
  if (f.q) {
    const pattern = params.add(likePattern(f.q));
    clauses.push(
      `(p.title ILIKE ${pattern} OR EXISTS (SELECT 1 FROM variants sv WHERE sv.product_id = p.id AND sv.sku ILIKE ${pattern}))`,
    );
  }
  return clauses.join(' AND ');
}


export const VARIANT_JSON = `json_build_object(
  'id', v.id, 'product_id', v.product_id, 'sku', v.sku, 'barcode', v.barcode, 'title', v.title,
  'price', v.price, 'currency', v.currency, 'compare_at_price', v.compare_at_price, 'cost_price', v.cost_price,
  'options', v.options, 'attributes', v.attributes, 'weight_grams', v.weight_grams, 'position', v.position,
  'created_at', ${iso('v.created_at')}, 'updated_at', ${iso('v.updated_at')})`;

export const MEDIA_JSON = `json_build_object(
  'id', m.id, 'product_id', m.product_id, 'variant_id', m.variant_id, 'url', m.url, 'alt_text', m.alt_text,
  'sort_order', m.sort_order, 'created_at', ${iso('m.created_at')}, 'updated_at', ${iso('m.updated_at')})`;

/** The product as the API returns it, built by PostgreSQL (alias p, categories c). */
export const PRODUCT_JSON = `json_build_object(
  'id', p.id, 'title', p.title, 'description', p.description, 'handle', p.handle, 'status', p.status,
  'category', c.slug, 'category_id', p.category_id, 'brand_id', p.brand_id, 'template_id', p.template_id,
  'attributes', p.attributes,
  'variants', COALESCE((SELECT json_agg(${VARIANT_JSON} ORDER BY v.position, v.created_at, v.id)
                          FROM variants v WHERE v.product_id = p.id), '[]'::json),
  'media', COALESCE((SELECT json_agg(${MEDIA_JSON} ORDER BY m.sort_order, m.created_at, m.id)
                       FROM (SELECT pm.* FROM media pm WHERE pm.product_id = p.id AND pm.tenant_id = p.tenant_id
                             UNION ALL
                             SELECT vm.* FROM variants vv JOIN media vm ON vm.variant_id = vv.id
                              WHERE vv.product_id = p.id AND vm.tenant_id = p.tenant_id) m),
                    '[]'::json),
  'created_at', ${iso('p.created_at')}, 'updated_at', ${iso('p.updated_at')})`;

/**
 * Rows of (id, created_at_ts, json text): the API sends the text as it is (no parse/serialise round
 * trip in Node); internal callers parse it.
 */
export const PRODUCT_JSON_SELECT = `SELECT p.id, p.created_at AS created_at_ts, ${PRODUCT_JSON}::text AS json
  FROM products p LEFT JOIN categories c ON c.id = p.category_id`;

export interface VariantView {
  id: string;
  product_id: string;
  sku: string | null;
  barcode: string | null;
  title: string | null;
  price: number | null;
  currency: string | null;
  compare_at_price: number | null;
  cost_price: number | null;
  options: Record<string, string>;
  attributes: Record<string, string | number | boolean>;
  weight_grams: number | null;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface MediaView {
  id: string;
  product_id: string | null;
  variant_id: string | null;
  url: string;
  alt_text: string | null;
  sort_order: number;
  created_at: string;
  updated_at: string;
}

export interface ProductView {
  id: string;
  title: string;
  description: string | null;
  handle: string;
  status: ProductStatus;
  category: string | null;
  category_id: string | null;
  brand_id: string | null;
  template_id: string | null;
  attributes: Record<string, string | number | boolean>;
  variants: VariantView[];
  media: MediaView[];
  created_at: string;
  updated_at: string;
}

export interface ProductJsonRow {
  id: string;
  created_at_ts: Date;
  json: string;
}
