/** What a periodic task needs of a logger (pino's shape). */
export interface WarnLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * The one periodic loop of the workers (sweepers, refreshers, purges): runs `pass` every `everyMs`,
 * never two passes of the same task at once in this process (a call while one runs joins it), a
 * failed pass is logged and retried at the next tick, and the timer never keeps the process alive.
 * Cross-process exclusivity, where a task needs it, is the task's own business (row claims with
 * SKIP LOCKED, deterministic job ids, a Redis NX key): several workers run the same loops.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly pass: () => Promise<T>,
    private readonly onError: T,
    private readonly logger: WarnLogger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  /** One pass now (or the one already running); resolves to its result, `onError` when it failed. */
  runOnce(): Promise<T> {
    if (!this.running) {
      this.running = this.pass()
        .catch((err: Error) => {
          this.logger.warn({ err: err.message, task: this.name }, `${this.name} failed; will retry`);
          return this.onError;
        })
        .finally(() => (this.running = undefined));
    }
    return this.running;
  }

  /** Stops the timer and waits for a pass in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
