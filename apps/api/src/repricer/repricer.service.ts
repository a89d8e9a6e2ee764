import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { isoSql, keysetAfter, NotFoundError, Params, rowsToPage, TenantContext } from '@synq/common';
import { prepared } from '@synq/database';
import type { ActiveHours, RepricerScope } from '@synq/database';
import { ensureAgents } from '@synq/agents';
import {
  applyRule,
  fromUnits,
  inScope,
  loadListingsForPricing,
  MAX_RULES_PER_TENANT,
  RULE_COLUMNS,
  RuleRow,
  toPricingRule,
  toUnits,
  withinActiveHours,
} from '@synq/listings';
import { CreateRuleDto, UpdateRuleDto } from './dto/rule.dto';
import { RuleInvalidError, RuleLimitError } from './repricer.errors';

/** Most listings one simulation shows. */
export const SIMULATE_LIMIT = 500;

interface StoredRule {
  name: string;
  strategy: string;
  amount: string | null;
  percent: string | null;
  min_price: string;
  max_price: string | null;
  scope: RepricerScope;
  exclude_sellers: string[];
  only_condition: string | null;
  active_hours: ActiveHours | null;
  priority: number;
  enabled: boolean;
}

type RuleViewRow = RuleRow & { priority: number; created_at: string; updated_at: string; created_at_ts: Date };

const num = (v: string | null) => (v === null ? null : Number(v));
const money = (n: number) => fromUnits(toUnits(n));

export function ruleView(r: RuleViewRow) {
  return {
    id: r.id,
    name: r.name,
    strategy: r.strategy,
    amount: num(r.amount),
    percent: num(r.percent),
    min_price: Number(r.min_price),
    max_price: num(r.max_price),
    scope: r.scope ?? {},
    exclude_sellers: r.exclude_sellers ?? [],
    only_condition: r.only_condition,
    active_hours: r.active_hours,
    priority: r.priority,
    enabled: r.enabled,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

const VIEW_SELECT = `SELECT ${RULE_COLUMNS}, r.priority, ${isoSql('r.created_at')} AS created_at, ${isoSql('r.updated_at')} AS updated_at, r.created_at AS created_at_ts
  FROM repricer_rules r`;

/** The combinations a rule must respect; throws naming the field. */
export function validateRule(r: StoredRule): void {
  const hasAmount = r.amount !== null;
  const hasPercent = r.percent !== null;
  if (r.strategy === 'beat_lowest' || r.strategy === 'cost_plus') {
    if (hasAmount && hasPercent) throw new RuleInvalidError('percent', `${r.strategy} takes amount or percent, not both`);
    if (!hasAmount && !hasPercent) throw new RuleInvalidError('amount', `${r.strategy} needs amount or percent`);
    if (r.strategy === 'beat_lowest' && hasPercent && toUnits(r.percent!) >= toUnits('100')) throw new RuleInvalidError('percent', 'beat_lowest percent must be below 100');
  } else {
    if (hasAmount) throw new RuleInvalidError('amount', `${r.strategy} takes no amount`);
    if (hasPercent) throw new RuleInvalidError('percent', `${r.strategy} takes no percent`);
  }
  if (r.max_price !== null && toUnits(r.min_price) > toUnits(r.max_price)) throw new RuleInvalidError('min_price', 'min_price must not be above max_price');
}

function notNull<K extends string>(dto: Partial<Record<K, unknown>>, fields: K[]): void {
  for (const f of fields) if (dto[f] === null) throw new RuleInvalidError(f, `${f} cannot be null`);
}

function scopeOf(s: { listing_ids?: string[]; skus?: string[]; category?: string; marketplace?: string } | null | undefined): RepricerScope {
  const out: RepricerScope = {};
  if (s?.listing_ids?.length) out.listing_ids = [...new Set(s.listing_ids)];
  if (s?.skus?.length) out.skus = [...new Set(s.skus)];
  if (s?.category) out.category = s.category;
  if (s?.marketplace) out.marketplace = s.marketplace.toLowerCase();
  return out;
}

function hoursOf(h: { start: string; end: string; timezone?: string; days?: number[] } | null | undefined): ActiveHours | null {
  if (!h) return null;
  return { start: h.start, end: h.end, timezone: h.timezone ?? 'UTC', ...(h.days?.length ? { days: [...new Set(h.days)].sort() } : {}) };
}

/** Repricer rules (CRUD) and the side-effect-free simulation of one rule. */
@Injectable()
export class RepricerService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async find(on: DataSource | EntityManager, ctx: TenantContext, id: string, lock = false): Promise<RuleViewRow> {
    const rows = await prepared<RuleViewRow>(on, `${VIEW_SELECT} WHERE r.tenant_id = $1 AND r.id = $2${lock ? ' FOR UPDATE' : ''}`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Repricer rule', id);
    return rows[0];
  }

  async get(ctx: TenantContext, id: string) {
    return ruleView(await this.find(this.db, ctx, id));
  }

  async list(ctx: TenantContext, limit: number, cursor?: string) {
    const p = new Params();
    const rows = await prepared<RuleViewRow>(
      this.db,
      `${VIEW_SELECT} WHERE r.tenant_id = ${p.add(ctx.tenantId)}${keysetAfter(p, 'r', cursor)} ORDER BY r.created_at, r.id LIMIT ${limit + 1}`,
      p.values,
    );
    return rowsToPage(rows, limit, ruleView);
  }

  async create(ctx: TenantContext, dto: CreateRuleDto) {
    notNull(dto, ['scope', 'exclude_sellers', 'priority', 'enabled']);
    const rule: StoredRule = {
      name: dto.name,
      strategy: dto.strategy,
      amount: dto.amount != null ? money(dto.amount) : null,
      percent: dto.percent != null ? money(dto.percent) : null,
      min_price: money(dto.min_price),
      max_price: dto.max_price != null ? money(dto.max_price) : null,
      scope: scopeOf(dto.scope),
      exclude_sellers: dto.exclude_sellers ?? [],
      only_condition: dto.only_condition ?? null,
      active_hours: hoursOf(dto.active_hours),
      priority: dto.priority ?? 0,
      enabled: dto.enabled ?? true,
    };
    validateRule(rule);
    const id = await this.db.transaction(async (m) => {
      // one writer per tenant at a time, so the limit holds under concurrency
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('repricer_rules:' || $1))`, [ctx.tenantId]);
      const count = await prepared<{ n: number }>(m, `SELECT count(*)::int AS n FROM repricer_rules WHERE tenant_id = $1`, [ctx.tenantId]);
      if (count[0].n >= MAX_RULES_PER_TENANT) throw new RuleLimitError(MAX_RULES_PER_TENANT);
      const rows = await prepared<{ id: string }>(
        m,
        `INSERT INTO repricer_rules (tenant_id, org_id, name, strategy, amount, percent, min_price, max_price, scope, exclude_sellers, only_condition, active_hours, priority, enabled)
         VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7::numeric, $8::numeric, $9::jsonb, $10::jsonb, $11, $12::jsonb, $13, $14) RETURNING id`,
        [ctx.tenantId, ctx.orgId, rule.name, rule.strategy, rule.amount, rule.percent, rule.min_price, rule.max_price, JSON.stringify(rule.scope),
         JSON.stringify(rule.exclude_sellers), rule.only_condition, rule.active_hours ? JSON.stringify(rule.active_hours) : null, rule.priority, rule.enabled],
      );
      await this.audit.record(m, ctx, { action: 'repricer_rule.created', resourceType: 'repricer_rule', resourceId: rows[0].id, after: { ...rule } });
      // the repricer agent runs the rules on a schedule: make sure the tenant has it
      await ensureAgents(m, ctx.tenantId, ctx.orgId);
      return rows[0].id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: TenantContext, id: string, dto: UpdateRuleDto) {
    notNull(dto, ['name', 'strategy', 'min_price', 'scope', 'exclude_sellers', 'priority', 'enabled']);
    await this.db.transaction(async (m) => {
      const cur = await this.find(m, ctx, id, true);
      const before: StoredRule = {
        name: cur.name,
        strategy: cur.strategy,
        amount: cur.amount,
        percent: cur.percent,
        min_price: cur.min_price,
        max_price: cur.max_price,
        scope: cur.scope ?? {},
        exclude_sellers: cur.exclude_sellers ?? [],
        only_condition: cur.only_condition,
        active_hours: cur.active_hours,
        priority: cur.priority,
        enabled: cur.enabled,
      };
      const after: StoredRule = {
        name: dto.name ?? before.name,
        strategy: dto.strategy ?? before.strategy,
        amount: dto.amount === undefined ? before.amount : dto.amount === null ? null : money(dto.amount),
        percent: dto.percent === undefined ? before.percent : dto.percent === null ? null : money(dto.percent),
        min_price: dto.min_price !== undefined ? money(dto.min_price) : before.min_price,
        max_price: dto.max_price === undefined ? before.max_price : dto.max_price === null ? null : money(dto.max_price),
        scope: dto.scope !== undefined ? scopeOf(dto.scope) : before.scope,
        exclude_sellers: dto.exclude_sellers ?? before.exclude_sellers,
        only_condition: dto.only_condition === undefined ? before.only_condition : dto.only_condition,
        active_hours: dto.active_hours === undefined ? before.active_hours : hoursOf(dto.active_hours),
        priority: dto.priority ?? before.priority,
        enabled: dto.enabled ?? before.enabled,
      };
      validateRule(after);
      await prepared(
        m,
        `UPDATE repricer_rules SET name = $3, strategy = $4, amount = $5::numeric, percent = $6::numeric, min_price = $7::numeric, max_price = $8::numeric,
                scope = $9::jsonb, exclude_sellers = $10::jsonb, only_condition = $11, active_hours = $12::jsonb, priority = $13, enabled = $14, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [ctx.tenantId, id, after.name, after.strategy, after.amount, after.percent, after.min_price, after.max_price, JSON.stringify(after.scope),
         JSON.stringify(after.exclude_sellers), after.only_condition, after.active_hours ? JSON.stringify(after.active_hours) : null, after.priority, after.enabled],
      );
      await this.audit.record(m, ctx, { action: 'repricer_rule.updated', resourceType: 'repricer_rule', resourceId: id, before: { ...before }, after: { ...after } });
    });
    return this.get(ctx, id);
  }

  async remove(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows = await prepared<{ name: string }>(m, `DELETE FROM repricer_rules WHERE tenant_id = $1 AND id = $2 RETURNING name`, [ctx.tenantId, id]);
      if (!rows[0]) throw new NotFoundError('Repricer rule', id);
      await this.audit.record(m, ctx, { action: 'repricer_rule.deleted', resourceType: 'repricer_rule', resourceId: id, before: { name: rows[0].name } });
    });
  }

  /**
   * What the rule would do now to each active listing in its scope (on its own, whether or not it
   * is enabled or another rule would match first). Reads only.
   */
  async simulate(ctx: TenantContext, id: string) {
    const r = await this.find(this.db, ctx, id);
    const rule = toPricingRule(r);
    const now = new Date();
    const rows = await loadListingsForPricing(this.db, ctx.tenantId, { scope: rule.scope, limit: SIMULATE_LIMIT + 1, offerMaxAgeHours: this.config.repricerOfferMaxAgeHours });
    const active = withinActiveHours(rule.active_hours, now);
    const listings = rows.slice(0, SIMULATE_LIMIT).filter((l) => inScope(rule, l)).map((l) => {
      const o = active ? applyRule(rule, l, l.offers) : { changed: false, old_price: l.price, new_price: l.price, reason: 'outside the rule’s active hours' };
      return {
        listing_id: l.id,
        sku: l.sku,
        marketplace: l.marketplace,
        current_price: Number(o.old_price),
        new_price: Number(o.new_price),
        would_change: o.changed,
        reason: o.reason,
        competitors: l.offers.length,
      };
    });
    return { rule_id: id, evaluated_at: now.toISOString(), enabled: rule.enabled, within_active_hours: active, listings, has_more: rows.length > SIMULATE_LIMIT };
  }
}
