import type { ActiveHours, RepricerScope, RepricerStrategy } from '@synq/database';
import { CENT, floorToCent, fromUnits, percentOf, roundToCent, toUnits } from './money';

/** A rule as the pricing function sees it (money as decimal strings). */
export interface PricingRule {
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

/** A listing with what rules match on. */
export interface PricingListing {
  id: string;
  price: string;
  sku: string | null;
  category_id: string | null;
  marketplace: string;
  /** the variant's cost price (cost_plus) */
  cost_price: string | null;
}

/** The latest observation of one competitor's offer. */
export interface CompetitorOffer {
  seller: string;
  price: string;
  shipping?: string | null;
  condition?: string | null;
  is_featured_offer?: boolean;
}

export type PricingOutcome =
  | { changed: true; rule_id: string; old_price: string; new_price: string; reason: string }
  | { changed: false; rule_id: string | null; old_price: string; new_price: string; reason: string };

/** Does the rule's scope cover the listing? (Every given criterion must hold; an empty scope covers all.) */
export function inScope(rule: Pick<PricingRule, 'scope'>, l: PricingListing): boolean {
  const s = rule.scope ?? {};
  if (s.listing_ids?.length && !s.listing_ids.includes(l.id)) return false;
  if (s.skus?.length && (l.sku === null || !s.skus.includes(l.sku))) return false;
  if (s.category && s.category !== l.category_id) return false;
  if (s.marketplace && s.marketplace.toLowerCase() !== l.marketplace.toLowerCase()) return false;
  return true;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Is `now` inside the rule's local active hours (always, without any)? */
export function withinActiveHours(hours: ActiveHours | null, now: Date): boolean {
  if (!hours) return true;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: hours.timezone || 'UTC', hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  let day = WEEKDAYS[get('weekday')];
  const [sh, sm] = hours.start.split(':').map(Number);
  const [eh, em] = hours.end.split(':').map(Number);
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  let inside: boolean;
  if (start === end) inside = true;
  else if (start < end) inside = minute >= start && minute < end;
  else {
    inside = minute >= start || minute < end;
    // after midnight the window belongs to the day it started on
    if (minute < end) day = (day + 6) % 7;
  }
  if (!inside) return false;
  return !hours.days?.length || hours.days.includes(day);
}

/** The rule applies to the listing now (enabled, in scope, inside its hours). */
export function ruleMatches(rule: PricingRule, l: PricingListing, now: Date): boolean {
  return rule.enabled && inScope(rule, l) && withinActiveHours(rule.active_hours, now);
}

/** The offers a rule competes with: excluded sellers and other conditions left out. A missing condition counts as "new". */
export function eligibleOffers(rule: PricingRule, offers: CompetitorOffer[]): CompetitorOffer[] {
  const excluded = new Set(rule.exclude_sellers.map((s) => s.trim().toLowerCase()));
  const condition = rule.only_condition?.toLowerCase();
  return offers.filter((o) => !excluded.has(o.seller.trim().toLowerCase()) && (!condition || (o.condition ?? 'new').toLowerCase() === condition));
}

const landed = (o: CompetitorOffer) => toUnits(o.price) + toUnits(o.shipping ?? '0');

/**
 * What one rule would set the listing's price to, before clamping, in units; null with a reason
 * when the rule has nothing to go on (no competitors, no featured offer, no cost price).
 */
function target(rule: PricingRule, l: PricingListing, offers: CompetitorOffer[]): { units: bigint | null; reason: string } {
  const amount = rule.amount !== null ? toUnits(rule.amount) : null;
  const percent = rule.percent !== null ? toUnits(rule.percent) : null;
  if (rule.strategy === 'cost_plus') {
    if (l.cost_price === null) return { units: null, reason: 'the variant has no cost price' };
    const cost = toUnits(l.cost_price);
    if (amount !== null) return { units: roundToCent(cost + amount), reason: `cost ${fromUnits(cost)} plus ${fromUnits(amount)}` };
    return { units: roundToCent(cost + percentOf(cost, percent ?? 0n)), reason: `cost ${fromUnits(cost)} plus ${fromUnits(percent ?? 0n)}%` };
  }
  const eligible = eligibleOffers(rule, offers);
  if (eligible.length === 0) return { units: null, reason: 'no competitor offers' };
  if (rule.strategy === 'match_featured') {
    const featured = eligible.filter((o) => o.is_featured_offer);
    if (featured.length === 0) return { units: null, reason: 'no featured offer' };
    const best = featured.reduce((a, b) => (landed(b) < landed(a) ? b : a));
    return { units: roundToCent(landed(best)), reason: `matched the featured offer of ${best.seller} at ${fromUnits(landed(best))}` };
  }
  const lowest = eligible.reduce((a, b) => (landed(b) < landed(a) ? b : a));
  const low = landed(lowest);
  if (rule.strategy === 'match_lowest') return { units: roundToCent(low), reason: `matched the lowest offer of ${lowest.seller} at ${fromUnits(low)}` };
  // beat_lowest: by an amount, or by a percentage (rounded down to the cent so it still beats)
  if (amount !== null) return { units: floorToCent(low - amount), reason: `beat the lowest offer of ${lowest.seller} at ${fromUnits(low)} by ${fromUnits(amount)}` };
  return { units: floorToCent(low - percentOf(low, percent ?? 0n)), reason: `beat the lowest offer of ${lowest.seller} at ${fromUnits(low)} by ${fromUnits(percent ?? 0n)}%` };
}

/** One rule applied to one listing: the target clamped to [min, max], unchanged below one cent. */
export function applyRule(rule: PricingRule, l: PricingListing, offers: CompetitorOffer[]): PricingOutcome {
  const old = toUnits(l.price);
  const t = target(rule, l, offers);
  if (t.units === null) return { changed: false, rule_id: rule.id, old_price: fromUnits(old), new_price: fromUnits(old), reason: t.reason };
  const min = toUnits(rule.min_price);
  const max = rule.max_price !== null ? toUnits(rule.max_price) : null;
  let units = t.units;
  let reason = t.reason;
  if (units < min) {
    units = min;
    reason += `; raised to the minimum ${fromUnits(min)}`;
  } else if (max !== null && units > max) {
    units = max;
    reason += `; lowered to the maximum ${fromUnits(max)}`;
  }
  if (units < CENT) units = CENT;
  const diff = units > old ? units - old : old - units;
  if (diff < CENT) return { changed: false, rule_id: rule.id, old_price: fromUnits(old), new_price: fromUnits(old), reason: `${reason}; change below one cent` };
  return { changed: true, rule_id: rule.id, old_price: fromUnits(old), new_price: fromUnits(units), reason };
}

/** The first matching rule wins; without one the price stays. `rules` in priority order. */
export function decidePrice(rules: PricingRule[], l: PricingListing, offers: CompetitorOffer[], now: Date): PricingOutcome {
  const rule = rules.find((r) => ruleMatches(r, l, now));
  if (!rule) return { changed: false, rule_id: null, old_price: fromUnits(toUnits(l.price)), new_price: fromUnits(toUnits(l.price)), reason: 'no rule matches' };
  return applyRule(rule, l, offers);
}
