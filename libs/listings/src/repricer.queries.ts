import type { EntityManager, DataSource } from 'typeorm';
import { Params } from '@synq/common';
import type { ActiveHours, RepricerScope, RepricerStrategy } from '@synq/database';
import { prepared } from '@synq/database';
import type { CompetitorOffer, PricingListing, PricingRule } from './pricing';

/** Most enabled rules a tenant may have (evaluation reads them all, in order, once per batch). */
export const MAX_RULES_PER_TENANT = 200;
/** Latest offers (one per seller) read per listing. */
export const MAX_OFFERS_PER_LISTING = 100;
export const REPRICE_BATCH = 500;

export interface RuleRow {
  id: string;
  name: string;
  strategy: RepricerStrategy;
  amount: string | null;
  percent: string | null;
  min_price: string;
  max_price: string | null;
  scope: RepricerScope;
  exclude_sellers: string[];
  only_condition: string | null;
  active_hours: ActiveHours | null;
  enabled: boolean;
}

export interface ListingRow extends PricingListing {
  tenant_id: string;
  org_id: string;
  product_id: string;
  connection_id: string;
  currency: string | null;
  created_at_ts: Date;
  offers: CompetitorOffer[];
}

/** numeric columns as exact text: '10.5000' → '10.50' form is left to the money helpers. */
export const RULE_COLUMNS = `r.id, r.name, r.strategy, r.amount::text AS amount, r.percent::text AS percent, r.min_price::text AS min_price,
  r.max_price::text AS max_price, r.scope, r.exclude_sellers, r.only_condition, r.active_hours, r.enabled`;

/** The tenant's enabled rules in the order they are tried: priority, then age. */
export async function loadEnabledRules(db: DataSource | EntityManager, tenantId: string): Promise<RuleRow[]> {
  return prepared<RuleRow>(
    db,
    `SELECT ${RULE_COLUMNS} FROM repricer_rules r WHERE r.tenant_id = $1 AND r.enabled
      ORDER BY r.priority, r.created_at, r.id LIMIT ${MAX_RULES_PER_TENANT}`,
    [tenantId],
  );
}

export interface ListingFilter {
  listingIds?: string[];
  scope?: RepricerScope;
  /** keyset: listings created after this (created_at, id) */
  after?: { createdAt: Date; id: string };
  limit: number;
  /** observations older than this are left out (a seller who stopped offering must not keep pulling the price) */
  offerMaxAgeHours: number;
}

/**
 * Active listings with what the repricer needs in one query: the variant's SKU and cost, the
 * product's category, and the latest offer of each competitor (bounded).
 */
export async function loadListingsForPricing(db: DataSource | EntityManager, tenantId: string, f: ListingFilter): Promise<ListingRow[]> {
  const p = new Params();
  const where = [`l.tenant_id = ${p.add(tenantId)}`, `l.status = 'active'`];
  if (f.listingIds) where.push(`l.id = ANY(${p.add(f.listingIds)}::uuid[])`);
  const s = f.scope ?? {};
  if (s.listing_ids?.length) where.push(`l.id = ANY(${p.add(s.listing_ids)}::uuid[])`);
  if (s.skus?.length) where.push(`v.sku = ANY(${p.add(s.skus)}::text[])`);
  if (s.category) where.push(`pr.category_id = ${p.add(s.category)}::uuid`);
  if (s.marketplace) where.push(`lower(l.marketplace) = lower(${p.add(s.marketplace)})`);
  if (f.after) where.push(`(l.created_at, l.id) > (${p.add(f.after.createdAt)}::timestamptz, ${p.add(f.after.id)}::uuid)`);
  return prepared<ListingRow>(
    db,
    `SELECT l.id, l.tenant_id, l.org_id, l.product_id, l.connection_id, l.price::text AS price, l.currency, l.marketplace,
            l.created_at AS created_at_ts, v.sku, v.cost_price::text AS cost_price, pr.category_id,
            COALESCE((SELECT json_agg(json_build_object('seller', o.seller, 'price', o.price::text, 'shipping', o.shipping::text,
                                                        'condition', o.condition, 'is_featured_offer', o.is_featured_offer))
                        FROM (SELECT DISTINCT ON (cp.seller) cp.seller, cp.price, cp.shipping, cp.condition, cp.is_featured_offer
                                FROM competitor_prices cp WHERE cp.listing_id = l.id AND cp.tenant_id = l.tenant_id
                                 AND cp.observed_at > now() - ${p.add(f.offerMaxAgeHours)}::int * interval '1 hour'
                               ORDER BY cp.seller, cp.observed_at DESC, cp.created_at DESC
                               LIMIT ${MAX_OFFERS_PER_LISTING}) o), '[]'::json) AS offers
       FROM listings l
       JOIN variants v ON v.id = l.variant_id
       JOIN products pr ON pr.id = l.product_id
      WHERE ${where.join(' AND ')}
      ORDER BY l.created_at, l.id
      LIMIT ${Math.max(1, Math.min(f.limit, 1000))}`,
    p.values,
  );
}

export function toPricingRule(r: RuleRow): PricingRule {
  return { ...r, exclude_sellers: r.exclude_sellers ?? [], scope: r.scope ?? {} };
}
