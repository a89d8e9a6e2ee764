/**
 * A feed item is one variant, with Google Merchant Center's attribute names (without the `g:`).
 * Values are strings; `additional_image_link` is a list. Absent = null/empty.
 */
export const FEED_FIELDS = [
  'id',
  'title',
  'description',
  'link',
  'image_link',
  'additional_image_link',
  'availability',
  'price',
  'sale_price',
  'condition',
  'brand',
  'gtin',
  'mpn',
  'identifier_exists',
  'item_group_id',
  'product_type',
  'google_product_category',
  'color',
  'size',
] as const;

export type FeedField = (typeof FEED_FIELDS)[number];
export type FeedItem = { [K in FeedField]?: K extends 'additional_image_link' ? string[] : string | null };

export const AVAILABILITY = ['in_stock', 'out_of_stock', 'preorder', 'backorder'] as const;
export const CONDITIONS = ['new', 'refurbished', 'used'] as const;

export const TITLE_MAX = 150;
export const DESCRIPTION_MAX = 5000;
/** Google takes up to 10 additional images */
export const ADDITIONAL_IMAGES_MAX = 10;

/** Truncates to `max` code points (never splits a surrogate pair). */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cps = Array.from(s);
  return cps.length <= max ? s : cps.slice(0, max).join('');
}

/** Fields every template requires; an item without one is left out and reported. */
export function requiredFields(template: string): FeedField[] {
  if (template === 'custom') return ['id'];
  return ['id', 'title', 'link', 'image_link', 'price', 'availability'];
}

/**
 * Reasons an item cannot be listed: missing required attributes, an unknown availability or
 * condition, and (google_shopping, facebook) no identifier at all when identifier_exists is not "no".
 */
export function missingReasons(item: FeedItem, template: string): string[] {
  const reasons: string[] = [];
  for (const f of requiredFields(template)) {
    const v = item[f];
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) reasons.push(`missing ${f}`);
  }
  if (template !== 'custom') {
    if (item.availability && !(AVAILABILITY as readonly string[]).includes(item.availability)) reasons.push(`invalid availability "${item.availability}"`);
    if (item.condition && !(CONDITIONS as readonly string[]).includes(item.condition)) reasons.push(`invalid condition "${item.condition}"`);
    if (item.price && !/^\d+(\.\d{1,2})? [A-Z]{3}$/.test(item.price)) reasons.push(`invalid price "${item.price}"`);
  }
  return reasons;
}

/** Applies the attribute limits of the specification (title ≤ 150, description ≤ 5000, ≤ 10 extra images). */
export function clampItem(item: FeedItem): FeedItem {
  const out: FeedItem = { ...item };
  if (out.title) out.title = truncate(out.title, TITLE_MAX);
  if (out.description) out.description = truncate(out.description, DESCRIPTION_MAX);
  if (out.additional_image_link) out.additional_image_link = out.additional_image_link.slice(0, ADDITIONAL_IMAGES_MAX);
  return out;
}
