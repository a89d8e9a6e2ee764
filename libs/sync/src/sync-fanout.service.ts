import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { filterOnly, prepared } from '@synq/database';
import { EnqueueItem, JobData, QueueService } from '@synq/queue';

interface BumpedRow {
  connection_id: string;
  product_id: string;
  requested_seq: string;
}

/** Deterministic id of the job that settles one ledger seq of one (connection, product). */
export function syncJobId(connectionId: string, productId: string, seq: string | number): string {
  return `sp-${connectionId}-${productId}-${seq}`;
}

const ACTIVE_COMMERCE = `SELECT id FROM connections WHERE tenant_id = $1 AND status = 'ACTIVE' AND category = 'commerce'`;

/** UPSERT: a ledger row per ACTIVE commerce connection × existing product, requested_seq bumped. */
const BUMP_UPSERT = `WITH c AS (${ACTIVE_COMMERCE} AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[]))),
     p AS (SELECT id FROM products WHERE id = ANY($2::uuid[]) AND ${filterOnly('tenant_id', '$1')})
  INSERT INTO sync_states (connection_id, product_id, tenant_id, status, requested_action, requested_seq, force)
  SELECT c.id, p.id, $1, 'PENDING', 'UPSERT', 1, $3 FROM c CROSS JOIN p ORDER BY c.id, p.id
  ON CONFLICT (connection_id, product_id) DO UPDATE
     SET status = 'PENDING', requested_action = 'UPSERT', requested_seq = sync_states.requested_seq + 1,
         force = sync_states.force OR EXCLUDED.force, updated_at = now()
  RETURNING connection_id, product_id, requested_seq::text`;

/** DELETE: only rows that may have something in the store (a product never synced has nothing to remove). */
const BUMP_DELETE = `UPDATE sync_states s
     SET status = 'PENDING', requested_action = 'DELETE', requested_seq = s.requested_seq + 1, force = s.force OR $3, updated_at = now()
    FROM connections c
   WHERE s.tenant_id = $1 AND s.product_id = ANY($2::uuid[]) AND c.id = s.connection_id AND c.status = 'ACTIVE' AND c.category = 'commerce'
     AND NOT (s.status = 'DELETED' AND s.remote_product_id IS NULL AND s.requested_seq <= s.synced_seq)
  RETURNING s.connection_id, s.product_id, s.requested_seq::text`;

/** Retry: the FAILED rows again, as they were requested. */
const BUMP_FAILED = `UPDATE sync_states s
     SET status = 'PENDING', requested_seq = s.requested_seq + 1, attempts = 0, force = s.force OR $3, updated_at = now()
    FROM connections c
   WHERE s.tenant_id = $1 AND s.product_id = ANY($2::uuid[]) AND s.status = 'FAILED' AND c.id = s.connection_id AND c.status = 'ACTIVE'
  RETURNING s.connection_id, s.product_id, s.requested_seq::text`;

/**
 * The parent of a push: records in the ledger, in one statement, that each (connection, product)
 * needs a new sync (requested_seq + 1, status PENDING), then enqueues one child job per row with a
 * deterministic id and a short delay. Pushes of one product in quick succession collapse: the first
 * child to run reads the newest seq and the product's current state; the later ones find their seq
 * settled and finish without a remote call. Running a fan-out twice is harmless for the same reason.
 */
@Injectable()
export class SyncFanoutService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async fanout(data: JobData<'sync.fanout'>): Promise<number> {
    if (!data.productIds.length) return 0;
    const sql = data.retryFailed ? BUMP_FAILED : data.action === 'DELETE' ? BUMP_DELETE : BUMP_UPSERT;
    const params: unknown[] = [data.tenantId, data.productIds, data.force ?? false];
    if (sql === BUMP_UPSERT) params.push(data.connectionIds?.length ? data.connectionIds : null);
    const rows = await prepared<BumpedRow>(this.db, sql, params);
    await this.enqueueBatches(data.tenantId, rows, this.config.syncDebounceMs);
    return rows.length;
  }

  /**
   * One `sync.batch` per connection and SYNC_BATCH_SIZE products (in product order). The id is a
   * hash of the connection and its rows' (product, seq): running the same fan-out again adds nothing
   * while the batch is queued; a later push bumps the seqs and gets batches of its own (the earlier
   * batch then finds those rows' seqs newer and pushes the newest state, or nothing, as the runner does).
   */
  async enqueueBatches(tenantId: string, rows: BumpedRow[], delayMs: number): Promise<void> {
    const byConnection = new Map<string, BumpedRow[]>();
    for (const r of rows) {
      const list = byConnection.get(r.connection_id);
      if (list) list.push(r);
      else byConnection.set(r.connection_id, [r]);
    }
    const size = this.config.syncBatchSize;
    const items: EnqueueItem[] = [];
    for (const [connectionId, list] of byConnection) {
      list.sort((a, b) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0));
      for (let i = 0; i < list.length; i += size) {
        const chunk = list.slice(i, i + size);
        const key = createHash('sha256').update(chunk.map((r) => `${r.product_id}:${r.requested_seq}`).join(',')).digest('hex').slice(0, 40);
        items.push({
          name: 'sync.batch',
          data: { tenantId, connectionId, productIds: chunk.map((r) => r.product_id) },
          jobId: `sb-${connectionId}-${key}`,
          delayMs,
        });
      }
    }
    for (let i = 0; i < items.length; i += 1000) await this.queues.addBulk(items.slice(i, i + 1000));
  }

  /** One `sync.product` per row (ids deduplicate against jobs still queued for the same seq); the sweeper's way. */
  async enqueue(tenantId: string, rows: BumpedRow[], delayMs: number): Promise<void> {
    const items: EnqueueItem[] = rows.map((r) => ({
      name: 'sync.product',
      data: { tenantId, connectionId: r.connection_id, productId: r.product_id },
      jobId: syncJobId(r.connection_id, r.product_id, r.requested_seq),
      delayMs,
    }));
    for (let i = 0; i < items.length; i += 1000) await this.queues.addBulk(items.slice(i, i + 1000));
  }
}
