import type { DataSource } from 'typeorm';
import type { JobData, JobName } from '@synq/queue';

/** An agent as its kind's payload builder sees it. */
export interface AgentRef {
  id: string;
  tenantId: string;
  scope: Record<string, string>;
}

export interface AgentKindDefinition<N extends JobName = JobName> {
  /** the catalogued job one run of the agent performs (run in-process by the `agent.run` processor) */
  job: N;
  description: string;
  /** schedule a new agent of this kind starts with */
  defaultSchedule: string;
  /**
   * Which agents a tenant has of this kind. Absent: one agent with scope `{}`. Otherwise SQL that,
   * given `$1` = tenant id, returns one row per agent with a `scope` json object of strings
   * (LIMIT 500 = MAX_SCOPES_PER_KIND); agents whose scope it no longer returns are removed.
   */
  scopesSql?: string;
  /**
   * The job's payload for one run of the agent. It may read or write through `db` first (e.g. a
   * kind whose job needs a run row created for it).
   */
  payload(agent: AgentRef, db: DataSource): JobData<N> | Promise<JobData<N>>;
  /** false: new agents of this kind start paused (their resource keeps its own schedule until enabled) */
  enabledByDefault?: boolean;
}

function kind<N extends JobName>(
  job: N,
  description: string,
  defaultSchedule: string,
  payload: (a: AgentRef, db: DataSource) => JobData<N> | Promise<JobData<N>>,
  scopesSql?: string,
  enabledByDefault = true,
): AgentKindDefinition<N> {
  return { job, description, defaultSchedule, payload, scopesSql, enabledByDefault };
}

/**
 * A supplier import run for the agent: the run row (trigger `schedule`) the `supplier.import` job
 * works on. One active run per supplier (a unique index): while one is queued or running the agent's
 * run fails with that reason instead of starting a second.
 */
async function supplierRun(a: AgentRef, db: DataSource): Promise<JobData<'supplier.import'>> {
  const rows: { id: string }[] = await db.query(
    `INSERT INTO supplier_runs (tenant_id, supplier_id, trigger)
     SELECT s.tenant_id, s.id, 'schedule' FROM suppliers s WHERE s.tenant_id = $1 AND s.id = $2
     ON CONFLICT (supplier_id) WHERE status IN ('queued', 'running', 'applying') DO NOTHING RETURNING id`,
    [a.tenantId, a.scope.supplier_id],
  );
  if (!rows[0]) throw new Error('the supplier is gone or a run of it is already in progress');
  return { tenantId: a.tenantId, supplierId: a.scope.supplier_id, runId: rows[0].id };
}

/**
 * Scope SQL of the order pull: one agent per active commerce connection of a kind Synq can pull
 * orders from. While such an agent exists it is the connection's pull schedule (the orders module's
 * default interval skips the connection), so pausing it stops the pulls.
 */
export const PULLABLE_CONNECTIONS = `SELECT json_build_object('connection_id', id::text) AS scope FROM connections
  WHERE tenant_id = $1 AND status = 'ACTIVE' AND category = 'commerce' AND kind IN ('shopify', 'woocommerce', 'unified')
  ORDER BY created_at, id LIMIT 500`;

/** THE table of agent kinds: each maps to one catalogued job. */
export const AGENT_KINDS = {
  repricer: kind('repricer.evaluate', 'Evaluates the repricer rules for every active listing.', 'every 15m', (a) => ({ tenantId: a.tenantId, agentId: a.id })),
  feed_refresh: kind(
    'feed.generate',
    'Regenerates a published feed when the catalog or its configuration changed.',
    'every 1h',
    (a) => ({ tenantId: a.tenantId, feedId: a.scope.feed_id }),
    `SELECT json_build_object('feed_id', id::text) AS scope FROM feeds WHERE tenant_id = $1 AND published ORDER BY created_at, id LIMIT 500`,
  ),
  order_pull: kind(
    'orders.pull',
    'Pulls the orders changed on a connection since its cursor (safety net for missed order webhooks).',
    'every 5m',
    (a) => ({ tenantId: a.tenantId, connectionId: a.scope.connection_id }),
    PULLABLE_CONNECTIONS,
  ),
  inventory_push: kind(
    'inventory.push',
    'Pushes the stock figures a channel has not received yet (available minus the channel buffer).',
    'every 15m',
    (a) => ({ tenantId: a.tenantId, channelId: a.scope.channel_id }),
    `SELECT json_build_object('channel_id', ch.id::text) AS scope FROM channels ch JOIN connections c ON c.id = ch.connection_id
      WHERE ch.tenant_id = $1 AND c.status = 'ACTIVE' ORDER BY ch.created_at, ch.id LIMIT 500`,
  ),
  supplier_import: kind(
    'supplier.import',
    'Imports a supplier feed. Starts paused: the supplier keeps its own schedule (interval or cron); enabled, the agent is its schedule.',
    'every 1d',
    supplierRun,
    `SELECT json_build_object('supplier_id', id::text) AS scope FROM suppliers WHERE tenant_id = $1 ORDER BY created_at, id LIMIT 500`,
    false,
  ),
  reservation_expiry: kind(
    'reservations.expire',
    'Releases reservations past their expiry and cancels pending orders whose reservation lapsed. While it exists it replaces the worker-wide sweep for this tenant: paused, held stock is not released.',
    'every 1m',
    (a) => ({ tenantId: a.tenantId }),
  ),
} satisfies Record<string, AgentKindDefinition>;

export type AgentKind = keyof typeof AGENT_KINDS;
export const AGENT_KIND_NAMES = Object.keys(AGENT_KINDS) as AgentKind[];

export function agentKind(name: string): AgentKindDefinition | undefined {
  return Object.prototype.hasOwnProperty.call(AGENT_KINDS, name) ? (AGENT_KINDS as Record<string, AgentKindDefinition>)[name] : undefined;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
export const SCHEDULE_PATTERN = /^every ([1-9]\d{0,5})(s|m|h|d)$/;

/** "every 15m" → 900; null when the text is not a schedule. */
export function scheduleSeconds(schedule: string): number | null {
  const m = SCHEDULE_PATTERN.exec(schedule.trim());
  if (!m) return null;
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]];
  return seconds <= 366 * 86_400 ? seconds : null;
}

/** Canonical text of a scope (keys sorted): one agent per (tenant, kind, scope). */
export function scopeKey(scope: Record<string, string>): string {
  return Object.keys(scope)
    .sort()
    .map((k) => `${k}=${scope[k]}`)
    .join('&');
}
