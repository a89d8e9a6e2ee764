import { Params } from '@synq/common';
import { fromUnits, toUnits } from '@synq/pim';
import { AVAILABILITY, FeedItem } from './item';

/** The feed's product selection (request field `filters`). */
export interface FeedFilters {
  status?: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  /** category slugs; each includes its subcategories */
  categories?: string[];
  /** brand ids */
  brands?: string[];
  price_min?: number;
  price_max?: number;
  /** only variants whose availability is in_stock */
  in_stock_only?: boolean;
}

export interface FeedSettings {
  template: string;
  currency: string | null;
  linkTemplate: string;
  imageFallback: string | null;
}

/** One row of the source query: a variant with what its item needs from its product. */
export interface SourceRow {
  variant_id: string;
  sku: string | null;
  barcode: string | null;
  variant_title: string | null;
  price: string | null;
  compare_at_price: string | null;
  currency: string | null;
  options: Record<string, string> | null;
  variant_attributes: Record<string, unknown> | null;
  product_id: string;
  title: string;
  description: string | null;
  handle: string;
  status: string;
  product_attributes: Record<string, unknown> | null;
  brand: string | null;
  product_type: string | null;
  images: string[] | null;
}

/**
 * SELECT of the variants a feed lists, one row per variant, ordered by product then variant. The
 * category names are resolved once per query (CTE), images per variant (variant media first, then
 * the product's, in sort order).
 */
export function sourceQuery(params: Params, tenantId: string, f: FeedFilters): string {
  const t = params.add(tenantId);
  const where = [`p.tenant_id = ${t}`, `p.status = ${params.add(f.status ?? 'ACTIVE')}`];
  if (f.categories?.length) {
    where.push(`p.category_id IN (SELECT d.id FROM categories root JOIN categories d ON d.tenant_id = root.tenant_id
        AND (d.path = root.path OR d.path LIKE root.path || '/%') WHERE root.tenant_id = ${t} AND root.slug = ANY(${params.add(f.categories)}::text[]))`);
  }
  if (f.brands?.length) where.push(`p.brand_id = ANY(${params.add(f.brands)}::uuid[])`);
  if (f.price_min !== undefined) where.push(`v.price >= ${params.add(String(f.price_min))}::numeric`);
  if (f.price_max !== undefined) where.push(`v.price <= ${params.add(String(f.price_max))}::numeric`);
  if (f.in_stock_only) where.push(`v.price IS NOT NULL`);
  return `WITH cat AS (
      SELECT c.id, (SELECT string_agg(a.name, ' > ' ORDER BY u.ord) FROM unnest(string_to_array(c.path, '/')) WITH ORDINALITY AS u(aid, ord)
                      JOIN categories a ON a.id::text = u.aid AND a.tenant_id = c.tenant_id) AS full_name
        FROM categories c WHERE c.tenant_id = ${t})
    SELECT v.id AS variant_id, v.sku, v.barcode, v.title AS variant_title, v.price::text AS price, v.compare_at_price::text AS compare_at_price,
           v.currency, v.options, v.attributes AS variant_attributes,
           p.id AS product_id, p.title, p.description, p.handle, p.status, p.attributes AS product_attributes,
           b.name AS brand, cat.full_name AS product_type,
           ARRAY(SELECT x.url FROM (
                   (SELECT m.url, 0 AS k, m.sort_order, m.created_at, m.id FROM media m WHERE m.variant_id = v.id ORDER BY m.sort_order, m.created_at, m.id LIMIT 11)
                   UNION ALL
                   (SELECT m.url, 1, m.sort_order, m.created_at, m.id FROM media m WHERE m.product_id = p.id ORDER BY m.sort_order, m.created_at, m.id LIMIT 11)
                 ) x ORDER BY x.k, x.sort_order, x.created_at, x.id LIMIT 11) AS images
      FROM products p
      JOIN variants v ON v.product_id = p.id
      LEFT JOIN brands b ON b.id = p.brand_id
      LEFT JOIN cat ON cat.id = p.category_id
     WHERE ${where.join(' AND ')}
     ORDER BY p.created_at, p.id, v.position, v.created_at, v.id`;
}

function attr(row: SourceRow, name: string): string | null {
  const v = row.variant_attributes?.[name] ?? row.product_attributes?.[name];
  return v === null || v === undefined || v === '' ? null : String(v);
}

function option(row: SourceRow, name: string): string | null {
  for (const [k, v] of Object.entries(row.options ?? {})) if (k.toLowerCase() === name) return v;
  return attr(row, name);
}

export function expandLink(template: string, row: SourceRow): string {
  const vars: Record<string, string> = { handle: row.handle, sku: row.sku ?? '', id: row.product_id, variant_id: row.variant_id };
  return template.replace(/\{(handle|sku|id|variant_id)\}/g, (_, k: string) => encodeURIComponent(vars[k]));
}

function money(value: string, currency: string): string {
  return `${fromUnits(toUnits(value), 2)} ${currency}`;
}

/**
 * The item before rules, and reasons the row cannot be listed whatever the rules do (a currency the
 * feed does not list). Availability: there is no inventory yet, so a variant is `in_stock` when its
 * product is ACTIVE and it has a price, `out_of_stock` otherwise, unless the variant or product has
 * an `availability` attribute with one of the specification's values (preorder, backorder, …).
 */
export function sourceItem(row: SourceRow, s: FeedSettings): { item: FeedItem; blockers: string[] } {
  const blockers: string[] = [];
  const images = row.images ?? [];
  const currency = row.currency;
  let price: string | null = null;
  let sale: string | null = null;
  if (row.price !== null && currency) {
    if (s.currency && currency !== s.currency) blockers.push(`currency ${currency} differs from the feed's ${s.currency}`);
    const compare = row.compare_at_price;
    if (compare !== null && toUnits(compare) > toUnits(row.price)) {
      price = money(compare, currency);
      sale = money(row.price, currency);
    } else price = money(row.price, currency);
  }
  const declared = attr(row, 'availability');
  const availability =
    declared && (AVAILABILITY as readonly string[]).includes(declared) ? declared : row.status === 'ACTIVE' && row.price !== null ? 'in_stock' : 'out_of_stock';
  const mpn = attr(row, 'mpn');
  const gtin = row.barcode;
  const id = row.sku && row.sku.length <= 50 ? row.sku : row.variant_id;
  const item: FeedItem = {
    id,
    title: row.variant_title ? `${row.title} - ${row.variant_title}` : row.title,
    description: row.description,
    link: expandLink(s.linkTemplate, row),
    image_link: images[0] ?? s.imageFallback,
    additional_image_link: images.slice(1),
    availability,
    price,
    sale_price: sale,
    condition: attr(row, 'condition') ?? 'new',
    brand: row.brand ?? attr(row, 'brand'),
    gtin,
    mpn: gtin ? null : mpn,
    identifier_exists: gtin || mpn ? null : 'no',
    item_group_id: row.product_id,
    product_type: row.product_type,
    google_product_category: attr(row, 'google_product_category'),
    color: option(row, 'color'),
    size: option(row, 'size'),
  };
  return { item, blockers };
}
