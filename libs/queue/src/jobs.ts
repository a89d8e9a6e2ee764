/**
 * The one typed catalogue of queued work. Every payload is JSON with ids only and always carries
 * `tenantId`; processors reload what they need. Feature issues add their jobs here; the worker
 * refuses to start while any job name below has no processor.
 */
export type QueueName = 'events' | 'sync' | 'exports' | 'bulk' | 'imports' | 'webhooks' | 'system';

export interface JobPayloads {
  /** Hand committed domain events (one, or a batch from a bulk change) to their subscribers. */
  'event.dispatch': { tenantId: string; eventIds: string[] };
  /** Stream a catalog export to a file. */
  'pim.export': { tenantId: string; exportId: string };
  /** Apply a bulk update/delete in resumable set-based batches. */
  'pim.bulk': { tenantId: string; bulkJobId: string };
  /** Wake-up for one webhook delivery: makes its attempt if the delivery row is due (see libs/webhooks). */
  'webhook.deliver': { tenantId: string; deliveryId: string };
  /** Build a feed's file (skipped while it is current, unless forced). */
  'feed.generate': { tenantId: string; feedId: string; force?: boolean };
  /**
   * Fan a push out to the tenant's ACTIVE commerce connections: bump the ledger rows, then one
   * `sync.product` per (connection, product). `retryFailed` re-pushes only the FAILED rows.
   * `connectionIds` limits an UPSERT to those connections (a listing's price change reaches its own).
   */
  'sync.fanout': { tenantId: string; productIds: string[]; action: 'UPSERT' | 'DELETE'; force?: boolean; retryFailed?: boolean; connectionIds?: string[] };
  /**
   * Push one product to one connection as its ledger row asks (idempotent: settles a seq once).
   * `attemptsBefore`: attempts a `sync.batch` already made for this seq (they count towards the limit).
   */
  'sync.product': { tenantId: string; connectionId: string; productId: string; attemptsBefore?: number };
  /**
   * Push several products to one connection (the fan-out's unit): claims and settles their ledger
   * rows in one statement each; a product that fails, or whose row is busy, continues as its own
   * `sync.product` (retries with backoff, Retry-After, FAILED after the last attempt).
   */
  'sync.batch': { tenantId: string; connectionId: string; productIds: string[] };
  /**
   * Evaluate the tenant's repricer rules for these listings (all of the tenant's listings, in
   * batches, without `listingIds`): competitor prices arrived, or a run of the repricer agent
   * (`agentId`). Without `agentId` nothing happens while the tenant's repricer agent is paused.
   */
  'repricer.evaluate': { tenantId: string; listingIds?: string[]; agentId?: string };
  /** One run of an agent: the kind's job (AGENT_KINDS in libs/agents) run in-process, its result recorded on the agent. */
  'agent.run': { tenantId: string; agentId: string; runId: string; manual?: boolean };
  /**
   * Import one platform order for a connection (enqueued by the signed webhook receivers and by the
   * periodic pull): `order` is the platform's raw order JSON (Shopify REST order webhook body,
   * WooCommerce REST v3 order object, unified order). Idempotent per (connection, external order id).
   */
  'order.ingest': { tenantId: string; connectionId: string; platform: 'shopify' | 'woocommerce' | 'unified'; topic: string; order: Record<string, unknown> };
  /** Pull one connection's orders changed since its cursor and ingest them (periodic safety net for missed webhooks). */
  'orders.pull': { tenantId: string; connectionId: string };
  /** Available stock of these variants changed: mark every channel selling them and schedule its coalesced push. */
  'inventory.changed': { tenantId: string; variantIds: string[] };
  /** Push the pending stock figures of one channel to its platform (one update per channel per burst). */
  'inventory.push': { tenantId: string; channelId: string };
  /** Expire one tenant's due reservations and lapsed pending orders (its reservation_expiry agent's run). */
  'reservations.expire': { tenantId: string };
  /**
   * Run one supplier import (download or upload → parse → stage → apply in batches → on_missing).
   * Resumes where a killed attempt stopped; the job id is the run id.
   */
  'supplier.import': { tenantId: string; supplierId: string; runId: string };
}

export type JobName = keyof JobPayloads;
export type JobData<N extends JobName> = JobPayloads[N];
/** Discriminated union of every job: `{ name, data }`. */
export type JobItem = { [N in JobName]: { name: N; data: JobPayloads[N] } }[JobName];
export type JobOf<N extends JobName> = Extract<JobItem, { name: N }>;

export interface JobDefinition {
  queue: QueueName;
  attempts: number;
  /** drop the job from Redis as soon as it completes / finally fails (default: keep a bounded history) */
  removeOnComplete?: boolean;
  removeOnFail?: boolean;
}

export const JOBS: { [N in JobName]: JobDefinition } = {
  'event.dispatch': { queue: 'events', attempts: 10 },
  'pim.export': { queue: 'exports', attempts: 3 },
  'pim.bulk': { queue: 'bulk', attempts: 5 },
  // HTTP failures are rescheduled by the delivery itself (WEBHOOK_RETRY_SCHEDULE); these attempts
  // only cover infrastructure errors (PostgreSQL unreachable while recording, …).
  'webhook.deliver': { queue: 'webhooks', attempts: 10 },
  'feed.generate': { queue: 'exports', attempts: 3 },
  'sync.fanout': { queue: 'sync', attempts: 10 },
  // ids are deterministic per ledger seq, and BullMQ ignores an add whose id still exists in any
  // state: finished jobs leave at once (history is in sync_runs)
  'sync.product': { queue: 'sync', attempts: 10, removeOnComplete: true, removeOnFail: true },
  'sync.batch': { queue: 'sync', attempts: 10, removeOnComplete: true, removeOnFail: true },
  'repricer.evaluate': { queue: 'sync', attempts: 5 },
  'agent.run': { queue: 'system', attempts: 3 },
  'order.ingest': { queue: 'imports', attempts: 10 },
  'orders.pull': { queue: 'imports', attempts: 5 },
  'inventory.changed': { queue: 'sync', attempts: 10 },
  'inventory.push': { queue: 'sync', attempts: 10 },
  'reservations.expire': { queue: 'system', attempts: 3 },
  'supplier.import': { queue: 'imports', attempts: 5 },
};

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

export function queueOf(name: string): QueueName {
  const def = (JOBS as Record<string, JobDefinition | undefined>)[name];
  if (!def) throw new Error(`Unknown job ${name}`);
  return def.queue;
}

export function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(JOBS, name);
}
