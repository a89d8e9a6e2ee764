import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { agentKind } from '@synq/agents';
import type { AgentRunResult } from '@synq/database';
import { prepared } from '@synq/database';
import { LOGGER, Logger } from '@synq/logger';
import { JobData, JobHandler, JobName, JobProcessor } from '@synq/queue';
import { WorkerHost } from '../worker-host.service';

interface ClaimedAgent {
  id: string;
  tenant_id: string;
  kind: string;
  scope: Record<string, string>;
}

/** The numeric fields of a job's result, as the run's counts. */
function countsOf(result: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  if (result && typeof result === 'object') {
    for (const [k, v] of Object.entries(result as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) counts[k] = v;
  }
  return counts;
}

/**
 * One run of an agent: claims the run (the agent is enabled, or the run was asked for by hand, and
 * this run id was not recorded yet), runs the kind's job in-process through its processor, and
 * records the outcome (ok with the job's counts, or error with its message) on the agent. A failed
 * run is recorded, not retried: the agent's next scheduled run is the retry.
 */
@Injectable()
@JobProcessor('agent.run')
export class AgentRunProcessor implements JobHandler<'agent.run'> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly host: WorkerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(data: JobData<'agent.run'>, job: Job): Promise<{ outcome: string }> {
    const claimed = await prepared<ClaimedAgent>(
      this.db,
      `UPDATE agents SET last_run_id = $3, last_run_at = now(), run_count = run_count + 1, updated_at = now(),
              last_result = jsonb_build_object('status', 'running', 'run_id', $3::text, 'manual', $4::boolean)
        WHERE id = $1 AND tenant_id = $2 AND (enabled OR $4::boolean) AND last_run_id IS DISTINCT FROM $3::text
        RETURNING id, tenant_id, kind, scope`,
      [data.agentId, data.tenantId, data.runId, !!data.manual],
    );
    const agent = claimed[0];
    if (!agent) return { outcome: 'skipped' };
    const started = Date.now();
    let result: AgentRunResult;
    const def = agentKind(agent.kind);
    const handler = def ? this.host.handlerFor(def.job as JobName) : undefined;
    if (!def || !handler) {
      result = { status: 'error', message: `no job for agent kind ${agent.kind}` };
    } else {
      try {
        const payload = await def.payload({ id: agent.id, tenantId: agent.tenant_id, scope: agent.scope ?? {} }, this.db);
        const out = await (handler as JobHandler<JobName>).handle(payload, job as Job);
        result = { status: 'ok', counts: countsOf(out), ...(out && typeof (out as { outcome?: unknown }).outcome === 'string' ? { message: (out as { outcome: string }).outcome } : {}) };
      } catch (err) {
        result = { status: 'error', message: (err as Error).message ?? String(err) };
        this.logger.warn({ agentId: agent.id, kind: agent.kind, err: result.message }, 'agent run failed');
      }
    }
    result = { ...result, run_id: data.runId, manual: !!data.manual, duration_ms: Date.now() - started };
    await prepared(this.db, `UPDATE agents SET last_result = $3::jsonb, updated_at = now() WHERE id = $1 AND tenant_id = $2 AND last_run_id = $4`, [
      agent.id,
      agent.tenant_id,
      JSON.stringify(result),
      data.runId,
    ]);
    return { outcome: result.status };
  }
}
