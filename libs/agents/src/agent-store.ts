import type { DataSource, EntityManager } from 'typeorm';
import { prepared } from '@synq/database';
import { AGENT_KINDS, AgentKindDefinition, scheduleSeconds, scopeKey } from './agent-kinds';

/** The bound every kind's `scopesSql` keeps to (LIMIT). */
export const MAX_SCOPES_PER_KIND = 500;

/**
 * Makes sure the tenant has its agents: one per kind (or per scope row of kinds with `scopesSql`),
 * created (enabled unless the kind says otherwise) with the kind's default schedule and first run one interval from now. Existing
 * agents are left as they are (paused ones stay paused). Idempotent and safe to race.
 */
export async function ensureAgents(db: DataSource | EntityManager, tenantId: string, orgId: string): Promise<void> {
  const rows: { kind: string; scope: Record<string, string>; scope_key: string; schedule: string; seconds: number; enabled: boolean }[] = [];
  for (const [kind, def] of Object.entries(AGENT_KINDS) as [string, AgentKindDefinition][]) {
    const seconds = scheduleSeconds(def.defaultSchedule);
    if (seconds === null) throw new Error(`agent kind ${kind} has an invalid default schedule`);
    const scopes = def.scopesSql ? (await prepared<{ scope: Record<string, string> }>(db, def.scopesSql, [tenantId])).map((r) => r.scope) : [{}];
    for (const scope of scopes) rows.push({ kind, scope, scope_key: scopeKey(scope), schedule: def.defaultSchedule, seconds, enabled: def.enabledByDefault !== false });
    // the agents of resources that are gone (a feed deleted or unpublished) go too; only when the
    // scope query answered below its bound, so that it saw every resource
    if (def.scopesSql && scopes.length < MAX_SCOPES_PER_KIND) {
      await prepared(db, `DELETE FROM agents WHERE tenant_id = $1 AND kind = $2 AND NOT (scope_key = ANY($3::text[]))`, [tenantId, kind, scopes.map(scopeKey)]);
    }
  }
  if (rows.length === 0) return;
  await prepared(
    db,
    `INSERT INTO agents (tenant_id, org_id, kind, scope, scope_key, enabled, schedule, interval_seconds, next_run_at)
     SELECT $1, $2, x.kind, x.scope, x.scope_key, x.enabled, x.schedule, x.seconds, now() + x.seconds * interval '1 second'
       FROM jsonb_to_recordset($3::jsonb) AS x(kind text, scope jsonb, scope_key text, schedule text, seconds int, enabled boolean)
     ON CONFLICT (tenant_id, kind, scope_key) DO NOTHING`,
    [tenantId, orgId, JSON.stringify(rows)],
  );
}

/** Most agents one scheduler pass claims. */
export const CLAIM_BATCH = 100;

/**
 * Claims the due agents (FOR UPDATE SKIP LOCKED: each due agent is claimed by one scheduler among
 * the replicas), moves their next run one interval on, and writes one `agent.run` outbox row per
 * agent, in one statement: a claimed run is never lost and never doubled.
 */
export const CLAIM_DUE_SQL = `WITH due AS (
    SELECT id FROM agents WHERE enabled AND next_run_at <= now() ORDER BY next_run_at LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED),
  u AS (
    UPDATE agents a SET next_run_at = CASE WHEN a.next_run_at + a.interval_seconds * interval '1 second' > now()
                                           THEN a.next_run_at + a.interval_seconds * interval '1 second'
                                           ELSE now() + a.interval_seconds * interval '1 second' END,
                        updated_at = now()
      FROM due WHERE a.id = due.id
    RETURNING a.id, a.tenant_id),
  o AS (
    INSERT INTO outbox (tenant_id, job_name, payload)
    SELECT u.tenant_id, 'agent.run', jsonb_build_object('tenantId', u.tenant_id::text, 'agentId', u.id::text, 'runId', gen_random_uuid()::text)
      FROM u)
  SELECT count(*)::int AS n FROM u`;
