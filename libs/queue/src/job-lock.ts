import type { Job } from 'bullmq';

/**
 * Whether an execution still holds its BullMQ job's lock, asked before each step with effects
 * outside Synq (a platform push). A worker whose event loop stalls past the lock's renewals loses
 * the job: BullMQ hands it to another execution, which takes the same ledger leases back, and two
 * executions must never push side by side (two creates of one product).
 *
 * The lock is a lease of `lockMs` from the moment it was last set: BullMQ sets it when the job is
 * moved to active (`processedOn`, this process's clock taken before the command was sent) and
 * every successful `extendLock` sets it again. While less than half of that lease has passed since
 * the last of those, the lock is certainly still ours and Redis is not asked; otherwise the lock is
 * extended (renewed for the steps that follow) and the answer says whether it was still held. So a
 * batch costs one Redis call per half lease rather than one per product.
 */
export class JobLock {
  /** When the lease we know of was set (ms, this process's clock); -Infinity when unknown. */
  private since: number;

  constructor(
    private readonly job: Job,
    private readonly lockMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.since = typeof job.processedOn === 'number' && job.processedOn > 0 ? job.processedOn : -Infinity;
  }

  async held(): Promise<boolean> {
    // run in-process (agents, tests), not by a queue worker: there is no lock to lose
    if (!this.job.token) return true;
    const sent = this.now();
    if (sent - this.since < this.lockMs / 2) return true;
    try {
      if ((await this.job.extendLock(this.job.token, this.lockMs)) !== 1) return false;
    } catch {
      return false;
    }
    this.since = sent;
    return true;
  }
}
