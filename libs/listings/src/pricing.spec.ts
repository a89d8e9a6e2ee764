import { applyRule, CompetitorOffer, decidePrice, PricingListing, PricingRule, withinActiveHours } from './pricing';
import { fromUnits, toUnits } from './money';

const listing: PricingListing = { id: 'l1', price: '25.00', sku: 'SKU-1', category_id: 'cat-1', marketplace: 'amazon', cost_price: '10.00' };
const rule = (over: Partial<PricingRule>): PricingRule => ({
  id: 'r1',
  name: 'r',
  strategy: 'match_lowest',
  amount: null,
  percent: null,
  min_price: '5.00',
  max_price: null,
  scope: {},
  exclude_sellers: [],
  only_condition: null,
  active_hours: null,
  enabled: true,
  ...over,
});
const offers = (...list: [string, string, Partial<CompetitorOffer>?][]): CompetitorOffer[] => list.map(([seller, price, o]) => ({ seller, price, ...(o ?? {}) }));
const NOW = new Date('2026-11-30T12:00:00Z');

describe('money', () => {
  it.each([
    ['12.3456', 123456n],
    ['10', 100000n],
    ['0.015', 150n],
    ['1.23456', 12346n],
  ])('toUnits(%s) = %s', (text, units) => expect(toUnits(text)).toBe(units));
  it('reads JSON numbers exactly', () => expect(toUnits(19.99)).toBe(199900n));
  it('prints the shortest form with two decimals', () => expect([fromUnits(123456n), fromUnits(100000n), fromUnits(150n)]).toEqual(['12.3456', '10.00', '0.015']));
});

describe('repricer strategies (one rule, one listing at 25.00, min 5.00)', () => {
  it.each<[string, Partial<PricingRule>, CompetitorOffer[], string | null]>([
    ['match_lowest matches the lowest landed price', {}, offers(['a', '21.00'], ['b', '19.50', { shipping: '1.00' }], ['c', '20.75']), '20.50'],
    ['beat_lowest by an amount', { strategy: 'beat_lowest', amount: '0.50' }, offers(['a', '21.00'], ['b', '20.00']), '19.50'],
    ['beat_lowest by a percent, rounded down to the cent', { strategy: 'beat_lowest', percent: '3' }, offers(['a', '19.99']), '19.39'],
    ['match_featured takes the featured offer, not the lowest', { strategy: 'match_featured' }, offers(['a', '18.00'], ['buybox', '22.40', { is_featured_offer: true }]), '22.40'],
    ['match_featured without a featured offer keeps the price', { strategy: 'match_featured' }, offers(['a', '18.00']), null],
    ['cost_plus by an amount', { strategy: 'cost_plus', amount: '4.99' }, [], '14.99'],
    ['cost_plus by a percent', { strategy: 'cost_plus', percent: '35' }, [], '13.50'],
    ['clamped at the minimum even when competitors are below it', { strategy: 'beat_lowest', amount: '1', min_price: '18.00' }, offers(['a', '12.00']), '18.00'],
    ['clamped at the maximum', { max_price: '30.00' }, offers(['a', '45.00']), '30.00'],
    ['no competitors: unchanged', {}, [], null],
    ['a change below one cent is no change', {}, offers(['a', '24.995']), null],
    ['excluded sellers do not count (case-insensitive)', { exclude_sellers: ['CheapCo'] }, offers(['cheapco', '9.00'], ['b', '21.00']), '21.00'],
    ['only_condition keeps offers of that condition (missing = new)', { only_condition: 'new' }, offers(['used-guy', '9.00', { condition: 'used' }], ['b', '22.00']), '22.00'],
    ['only excluded competitors: unchanged', { exclude_sellers: ['a'] }, offers(['a', '20.00']), null],
  ])('%s', (_name, over, list, expected) => {
    const out = applyRule(rule(over), listing, list);
    if (expected === null) {
      expect(out.changed).toBe(false);
      expect(out.new_price).toBe('25.00');
    } else {
      expect(out).toMatchObject({ changed: true, old_price: '25.00', new_price: expected, rule_id: 'r1' });
      expect(out.reason.length).toBeGreaterThan(0);
    }
  });

  it('never goes below one cent', () => {
    expect(applyRule(rule({ strategy: 'beat_lowest', amount: '5', min_price: '0.01' }), listing, offers(['a', '1.00']))).toMatchObject({ new_price: '0.01' });
  });

  it('a cost_plus listing without a cost price keeps its price', () => {
    expect(applyRule(rule({ strategy: 'cost_plus', amount: '1' }), { ...listing, cost_price: null }, []).changed).toBe(false);
  });
});

describe('rule selection', () => {
  it('the first matching rule wins, even when a later one would change more', () => {
    const rules = [rule({ id: 'first', scope: { marketplace: 'amazon' }, max_price: '24.00' }), rule({ id: 'second', strategy: 'beat_lowest', amount: '2' })];
    expect(decidePrice(rules, listing, offers(['a', '20.00']), NOW)).toMatchObject({ rule_id: 'first', new_price: '20.00' });
  });

  it('rules out of scope, disabled or outside their hours are skipped', () => {
    const rules = [
      rule({ id: 'ebay', scope: { marketplace: 'ebay' } }),
      rule({ id: 'off', enabled: false }),
      rule({ id: 'other-sku', scope: { skus: ['X'] } }),
      rule({ id: 'other-listing', scope: { listing_ids: ['l2'] } }),
      rule({ id: 'other-cat', scope: { category: 'cat-2' } }),
      rule({ id: 'night', active_hours: { start: '22:00', end: '06:00', timezone: 'UTC' } }),
      rule({ id: 'fits', scope: { skus: ['SKU-1'], category: 'cat-1', listing_ids: ['l1'], marketplace: 'AMAZON' }, strategy: 'beat_lowest', amount: '0.01' }),
    ];
    expect(decidePrice(rules, listing, offers(['a', '20.00']), NOW)).toMatchObject({ rule_id: 'fits', new_price: '19.99' });
  });

  it('no matching rule: unchanged', () => {
    expect(decidePrice([rule({ enabled: false })], listing, offers(['a', '20.00']), NOW)).toMatchObject({ changed: false, rule_id: null });
  });
});

describe('active hours', () => {
  it('in the rule’s time zone, wrapping midnight, on the days given', () => {
    const at = new Date('2026-11-30T12:00:00Z'); // Monday; 13:00 in Berlin
    expect(withinActiveHours({ start: '09:00', end: '17:00', timezone: 'Europe/Berlin' }, at)).toBe(true);
    expect(withinActiveHours({ start: '13:30', end: '17:00', timezone: 'Europe/Berlin' }, at)).toBe(false);
    expect(withinActiveHours({ start: '22:00', end: '14:00', timezone: 'Europe/Berlin' }, at)).toBe(true);
    expect(withinActiveHours({ start: '09:00', end: '17:00', timezone: 'UTC', days: [1] }, at)).toBe(true);
    expect(withinActiveHours({ start: '09:00', end: '17:00', timezone: 'UTC', days: [0, 6] }, at)).toBe(false);
    // 01:00 on Tuesday belongs to Monday's 22:00–06:00 window
    expect(withinActiveHours({ start: '22:00', end: '06:00', timezone: 'UTC', days: [1] }, new Date('2026-12-01T01:00:00Z'))).toBe(true);
  });
});
