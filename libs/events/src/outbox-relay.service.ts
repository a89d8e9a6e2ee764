import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { LOGGER, Logger } from '@synq/logger';
import { EnqueueItem, QueueService } from '@synq/queue';

const BATCH = 500;
/** At most this many ids (events, products) in one merged job. */
export const DISPATCH_COALESCE_MAX = 1000;

export interface PendingRow {
  id: string;
  job_name: string;
  payload: Record<string, unknown>;
  run_at: Date | null;
}

/**
 * Moves committed outbox rows into BullMQ (job id = row id, so a replay after a crash is a no-op)
 * and marks them relayed. It polls (OUTBOX_POLL_MS, 100 ms by default; a poll is one index probe on
 * the pending rows) and drains in batches while rows keep coming, so it catches up after a Redis or
 * PostgreSQL outage. No NOTIFY: PostgreSQL serialises the commits of notifying transactions, which
 * capped product creation. Several workers can run it at once: rows are claimed with SKIP LOCKED.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private lastPurge = 0;
  private current: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => this.kick(), this.config.outboxPollMs);
    this.kick();
  }

  /** Starts a relay pass, or asks the running one to go again when it finishes. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.drain().finally(() => {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      let moved: number;
      do {
        moved = await this.relayBatch();
      } while (moved === BATCH && !this.stopped);
      await this.purgeOld();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'outbox relay pass failed; will retry');
    }
  }

  /** One claimed batch: enqueue then mark relayed, in one transaction. Returns rows moved. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: PendingRow[] = await manager.query(
        `SELECT id, job_name, payload, run_at FROM outbox WHERE relayed_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      );
      if (rows.length === 0) return 0;
      await this.queues.addBulk(coalesceOutboxRows(rows, Date.now()));
      await manager.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  private async purgeOld(): Promise<void> {
    if (Date.now() - this.lastPurge < 3600_000) return;
    this.lastPurge = Date.now();
    await this.dataSource.query(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE relayed_at < now() - interval '7 days' LIMIT 10000)`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.current.catch(() => undefined);
  }
}

/**
 * Jobs whose outbox rows may be merged: rows with the same key (tenant, and whatever else must match)
 * become one job whose list field is the rows' lists concatenated.
 */
const MERGEABLE: Record<string, { list: string; key: (p: Record<string, unknown>) => string }> = {
  // one per change (single-event rows stream in when many small changes commit, e.g. sync results)
  'event.dispatch': { list: 'eventIds', key: (p) => String(p.tenantId) },
  // one per push request: the fan-out takes a list of products for one action
  // connectionIds (a listing's push limited to its own connection) is part of the key: merging must never widen or narrow a push
  'sync.fanout': {
    list: 'productIds',
    key: (p) =>
      `${String(p.tenantId)}|${String(p.action)}|${p.force === true}|${p.retryFailed === true}|${Array.isArray(p.connectionIds) ? [...(p.connectionIds as string[])].sort().join(',') : '*'}`,
  },
};

/**
 * Outbox rows → jobs. Each row is one job with the row id as job id, except that the immediate rows
 * of a {@link MERGEABLE} job with the same key in the batch are merged into jobs of up to
 * {@link DISPATCH_COALESCE_MAX} ids, so that bursts of small changes or pushes are dispatched and
 * fanned out per batch rather than per row. A merged job's id is a hash of its row ids: replaying
 * the same rows after a crash adds nothing; a batch claimed differently after a crash may run an
 * item twice, which these jobs tolerate (subscribers are idempotent, a repeated fan-out collapses).
 */
export function coalesceOutboxRows(rows: PendingRow[], now: number): EnqueueItem[] {
  const items: EnqueueItem[] = [];
  const groups = new Map<string, { name: string; data: Record<string, unknown>; list: string; rowIds: string[]; ids: unknown[]; at: number }>();
  const flush = (key: string) => {
    const g = groups.get(key);
    if (!g) return;
    groups.delete(key);
    const jobId = g.rowIds.length === 1 ? g.rowIds[0] : `m-${createHash('sha256').update(g.rowIds.join(',')).digest('hex').slice(0, 40)}`;
    items[g.at] = { name: g.name, data: { ...g.data, [g.list]: [...new Set(g.ids)] }, jobId };
  };
  for (const r of rows) {
    const spec = MERGEABLE[r.job_name];
    const list = spec ? r.payload[spec.list] : undefined;
    if (!spec || r.run_at || typeof r.payload.tenantId !== 'string' || !Array.isArray(list)) {
      items.push({ name: r.job_name, data: r.payload, jobId: r.id, delayMs: r.run_at ? new Date(r.run_at).getTime() - now : undefined });
      continue;
    }
    const key = `${r.job_name}|${spec.key(r.payload)}`;
    let g = groups.get(key);
    if (g && g.ids.length + list.length > DISPATCH_COALESCE_MAX) {
      flush(key);
      g = undefined;
    }
    if (!g) {
      g = { name: r.job_name, data: r.payload, list: spec.list, rowIds: [], ids: [], at: items.length };
      items.push(undefined as unknown as EnqueueItem); // the group's place, filled by flush
      groups.set(key, g);
    }
    g.rowIds.push(r.id);
    g.ids.push(...list);
  }
  for (const key of [...groups.keys()]) flush(key);
  return items;
}
