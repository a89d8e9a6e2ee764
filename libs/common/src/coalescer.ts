/**
 * Calls of one key that arrive while that key's call is under way wait, and are handled together by
 * the next call: an idle key answers at once (no timer, no added latency), a busy one answers a
 * burst with one round trip per batch instead of one per caller. It holds only callers in flight;
 * whatever must be shared between processes lives where `handle` puts it (Redis, PostgreSQL).
 *
 * `handle(key, items)` answers `items` in order (one result each). When it fails, every caller of
 * that batch, and those that queued meanwhile, get the error (they are not made to wait for
 * another try behind a failing backend).
 */
interface Queue<I, R> {
  waiting: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[];
}

export class Coalescer<I, R> {
  private readonly queues = new Map<string, Queue<I, R>>();

  constructor(
    private readonly handle: (key: string, items: I[]) => Promise<R[]>,
    private readonly maxBatch = 1000,
  ) {}

  run(key: string, item: I): Promise<R> {
    let q = this.queues.get(key);
    const idle = !q;
    if (!q) {
      q = { waiting: [] };
      this.queues.set(key, q);
    }
    const queue = q;
    return new Promise<R>((resolve, reject) => {
      queue.waiting.push({ item, resolve, reject });
      if (idle) this.drain(key, queue);
    });
  }

  private drain(key: string, q: Queue<I, R>): void {
    if (!q.waiting.length) {
      this.queues.delete(key);
      return;
    }
    const batch = q.waiting.splice(0, this.maxBatch);
    // (a handler that throws at once fails its batch like one that rejects)
    new Promise<R[]>((resolve) => resolve(this.handle(key, batch.map((w) => w.item))))
      .then((results) => {
        if (results.length !== batch.length) throw new Error(`coalesced call answered ${results.length} of ${batch.length}`);
        batch.forEach((w, i) => w.resolve(results[i]));
      })
      .catch((err) => [...batch, ...q.waiting.splice(0)].forEach((w) => w.reject(err)))
      .finally(() => this.drain(key, q));
  }
}
