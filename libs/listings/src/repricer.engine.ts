import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Params, systemContext } from '@synq/common';
import { prepared } from '@synq/database';
import { ChangeRecorder } from '@synq/events';
import { listingPushCte } from './listing-push';
import { toUnits, unitsToNumber } from './money';
import { decidePrice, PricingOutcome } from './pricing';
import { ListingRow, loadEnabledRules, loadListingsForPricing, REPRICE_BATCH, toPricingRule } from './repricer.queries';

export interface RepriceCounts {
  evaluated: number;
  repriced: number;
  unchanged: number;
  /** 1 when nothing was evaluated because the tenant paused its repricer agent */
  paused?: number;
}

/**
 * Worker side of the repricer: for each listing the first matching rule decides; a change updates
 * the listing (only if its price is still what was read), writes a history row, emits
 * `listing.repriced` and asks the sync engine to push the price to the listing's connection, all
 * in one statement.
 */
@Injectable()
export class RepricerEngine {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly changes: ChangeRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** true when the tenant has paused its repricer agent: automatic repricing is off. */
  async paused(tenantId: string): Promise<boolean> {
    const rows = await prepared<{ paused: boolean }>(this.db, `SELECT EXISTS (SELECT 1 FROM agents WHERE tenant_id = $1 AND kind = 'repricer' AND NOT enabled) AS paused`, [tenantId]);
    return rows[0].paused;
  }

  /**
   * Evaluates the listings (all of the tenant's without `listingIds`). Unless run by the repricer
   * agent itself (`byAgent`: its schedule or run-now), nothing happens while that agent is paused.
   */
  async evaluate(tenantId: string, listingIds?: string[], opts: { byAgent?: boolean; now?: Date } = {}): Promise<RepriceCounts> {
    const counts: RepriceCounts = { evaluated: 0, repriced: 0, unchanged: 0 };
    const now = opts.now ?? new Date();
    if (!opts.byAgent && (await this.paused(tenantId))) return { ...counts, paused: 1 };
    const rules = (await loadEnabledRules(this.db, tenantId)).map(toPricingRule);
    if (rules.length === 0) return counts;
    if (listingIds) {
      for (let i = 0; i < listingIds.length; i += REPRICE_BATCH) {
        const rows = await loadListingsForPricing(this.db, tenantId, { listingIds: listingIds.slice(i, i + REPRICE_BATCH), limit: REPRICE_BATCH, offerMaxAgeHours: this.config.repricerOfferMaxAgeHours });
        await this.applyAll(rows, rules, now, counts);
      }
      return counts;
    }
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const rows = await loadListingsForPricing(this.db, tenantId, { after, limit: REPRICE_BATCH, offerMaxAgeHours: this.config.repricerOfferMaxAgeHours });
      await this.applyAll(rows, rules, now, counts);
      if (rows.length < REPRICE_BATCH) return counts;
      const last = rows[rows.length - 1];
      after = { createdAt: last.created_at_ts, id: last.id };
    }
  }

  private async applyAll(rows: ListingRow[], rules: ReturnType<typeof toPricingRule>[], now: Date, counts: RepriceCounts): Promise<void> {
    for (const l of rows) {
      counts.evaluated++;
      const outcome = decidePrice(rules, l, l.offers, now);
      if (outcome.changed && (await this.apply(l, outcome))) counts.repriced++;
      else counts.unchanged++;
    }
  }

  /** One statement; false when the listing's price changed meanwhile (the next evaluation decides again). */
  private async apply(l: ListingRow, o: Extract<PricingOutcome, { changed: true }>): Promise<boolean> {
    const params = new Params();
    const [t, id] = [params.add(l.tenant_id), params.add(l.id)];
    const oldP = params.add(o.old_price);
    const newP = params.add(o.new_price);
    const rule = params.add(o.rule_id);
    const reason = params.add(o.reason);
    const oldNum = unitsToNumber(toUnits(o.old_price));
    const newNum = unitsToNumber(toUnits(o.new_price));
    const recorded = this.changes.ctes(
      params,
      systemContext(l.tenant_id, l.org_id, 'repricer'),
      {
        audit: [{ action: 'listing.repriced', resourceType: 'listing', resourceId: l.id, before: { price: oldNum }, after: { price: newNum, rule_id: o.rule_id } }],
        events: [
          {
            type: 'listing.repriced',
            data: {
              id: l.id,
              listing_id: l.id,
              old_price: oldNum,
              new_price: newNum,
              currency: l.currency,
              rule_id: o.rule_id,
              reason: o.reason,
              sku: l.sku,
              marketplace: l.marketplace,
              connection_id: l.connection_id,
            },
          },
        ],
      },
      'u',
      'rp',
    );
    const rows = await prepared<{ n: number }>(
      this.db,
      `WITH u AS (
         UPDATE listings SET price = ${newP}::numeric, last_repriced_at = now(), updated_at = now()
          WHERE id = ${id} AND tenant_id = ${t} AND status = 'active' AND price = ${oldP}::numeric
         RETURNING id, product_id, connection_id),
       h AS (INSERT INTO listing_price_history (tenant_id, listing_id, old_price, new_price, rule_id, source, reason)
             SELECT ${t}, u.id, ${oldP}::numeric, ${newP}::numeric, ${rule}::uuid, 'repricer', ${reason} FROM u),
       ${listingPushCte(params, l.tenant_id, 'u')},
       ${recorded.ctes}
       SELECT count(*)::int AS n FROM u`,
      params.values,
    );
    return rows[0]?.n === 1;
  }
}
