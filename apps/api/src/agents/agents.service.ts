import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { agentKind, ensureAgents, scheduleSeconds } from '@synq/agents';
import { AuditService } from '@synq/audit';
import { isoSql, keysetAfter, NotFoundError, Params, rowsToPage, TenantContext, ValidationFailedError } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import type { AgentRunResult } from '@synq/database';
import { prepared } from '@synq/database';
import { OutboxService } from '@synq/events';
import { UpdateAgentDto } from './dto/agent.dto';

interface AgentRow {
  id: string;
  kind: string;
  scope: Record<string, string>;
  enabled: boolean;
  schedule: string;
  interval_seconds: number;
  next_run_at: string;
  last_run_at: string | null;
  last_result: AgentRunResult | null;
  run_count: number;
  created_at: string;
  updated_at: string;
  created_at_ts: Date;
}

export function agentView(r: AgentRow) {
  const def = agentKind(r.kind);
  return {
    id: r.id,
    kind: r.kind,
    description: def?.description ?? null,
    job: def?.job ?? null,
    scope: r.scope ?? {},
    enabled: r.enabled,
    schedule: r.schedule,
    interval_seconds: r.interval_seconds,
    last_run_at: r.last_run_at,
    last_result: r.last_result,
    // a paused agent has no next run
    next_run_at: r.enabled ? r.next_run_at : null,
    run_count: r.run_count,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

const SELECT = `SELECT a.id, a.kind, a.scope, a.enabled, a.schedule, a.interval_seconds, ${isoSql('a.next_run_at')} AS next_run_at,
       ${isoSql('a.last_run_at')} AS last_run_at, a.last_result, a.run_count, ${isoSql('a.created_at')} AS created_at,
       ${isoSql('a.updated_at')} AS updated_at, a.created_at AS created_at_ts
  FROM agents a`;

/**
 * The tenant's agents: listed (provisioned on first look, see ensureAgents), paused/rescheduled,
 * and run on demand. The worker's AgentScheduler runs them on schedule.
 */
@Injectable()
export class AgentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  private async find(on: DataSource | EntityManager, ctx: TenantContext, id: string, lock = false): Promise<AgentRow> {
    const rows = await prepared<AgentRow>(on, `${SELECT} WHERE a.tenant_id = $1 AND a.id = $2${lock ? ' FOR UPDATE' : ''}`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Agent', id);
    return rows[0];
  }

  async list(ctx: TenantContext, limit: number, cursor?: string) {
    if (!cursor) await ensureAgents(this.db, ctx.tenantId, ctx.orgId);
    const p = new Params();
    const rows = await prepared<AgentRow>(
      this.db,
      `${SELECT} WHERE a.tenant_id = ${p.add(ctx.tenantId)}${keysetAfter(p, 'a', cursor)} ORDER BY a.created_at, a.id LIMIT ${limit + 1}`,
      p.values,
    );
    return rowsToPage(rows, limit, agentView);
  }

  async get(ctx: TenantContext, id: string) {
    return agentView(await this.find(this.db, ctx, id));
  }

  async update(ctx: TenantContext, id: string, dto: UpdateAgentDto) {
    let seconds: number | null = null;
    if (dto.schedule !== undefined) {
      seconds = scheduleSeconds(dto.schedule);
      if (seconds === null) throw new ValidationFailedError('schedule is not valid', [{ field: 'schedule', message: 'schedule must look like "every 15m", at most a year' }]);
      if (seconds < this.config.agentMinIntervalSeconds) {
        const message = `schedule must be at least every ${this.config.agentMinIntervalSeconds}s`;
        throw new ValidationFailedError(message, [{ field: 'schedule', message }]);
      }
    }
    if (dto.enabled === null) throw new ValidationFailedError('enabled cannot be null', [{ field: 'enabled', message: 'enabled must be a boolean' }]);
    await this.db.transaction(async (m) => {
      const cur = await this.find(m, ctx, id, true);
      const enabled = dto.enabled ?? cur.enabled;
      const interval = seconds ?? cur.interval_seconds;
      // a new schedule, or a resumed agent, counts from now
      const restart = seconds !== null || (enabled && !cur.enabled);
      await prepared(
        m,
        `UPDATE agents SET enabled = $3, schedule = $4, interval_seconds = $5::int,
                next_run_at = CASE WHEN $6 THEN now() + $5::int * interval '1 second' ELSE next_run_at END, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [ctx.tenantId, id, enabled, dto.schedule ?? cur.schedule, interval, restart],
      );
      await this.audit.record(m, ctx, {
        action: 'agent.updated',
        resourceType: 'agent',
        resourceId: id,
        before: { enabled: cur.enabled, schedule: cur.schedule },
        after: { enabled, schedule: dto.schedule ?? cur.schedule },
      });
    });
    return this.get(ctx, id);
  }

  /** Queues one run now (paused agents too: asked for by hand); its result lands on the agent. */
  async runNow(ctx: TenantContext, id: string) {
    const runId = randomUUID();
    await this.db.transaction(async (m) => {
      const cur = await this.find(m, ctx, id);
      await this.outbox.enqueue(m, ctx.tenantId, { name: 'agent.run', data: { tenantId: ctx.tenantId, agentId: cur.id, runId, manual: true } });
      await this.audit.record(m, ctx, { action: 'agent.run_requested', resourceType: 'agent', resourceId: id, after: { run_id: runId } });
    });
    return { status: 'queued', agent_id: id, run_id: runId };
  }
}
