import { PeriodicTask } from './periodic';

describe('PeriodicTask', () => {
  const logger = { warn: jest.fn() };

  it('joins a call made while a pass runs instead of starting a second one', async () => {
    let calls = 0;
    let release!: () => void;
    const task = new PeriodicTask('t', 60_000, async () => {
      calls++;
      await new Promise<void>((r) => (release = r));
      return calls;
    }, -1, logger);
    const a = task.runOnce();
    const b = task.runOnce();
    release();
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    expect(calls).toBe(1);
    const c = task.runOnce();
    release();
    expect(await c).toBe(2);
  });

  it('logs a failed pass and answers the fallback; the next pass runs again', async () => {
    let fail = true;
    const task = new PeriodicTask('flaky', 60_000, async () => {
      if (fail) throw new Error('db down');
      return 7;
    }, 0, logger);
    expect(await task.runOnce()).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith({ err: 'db down', task: 'flaky' }, 'flaky failed; will retry');
    fail = false;
    expect(await task.runOnce()).toBe(7);
  });

  it('runs on its timer until stopped, and stop waits for the pass in flight', async () => {
    let calls = 0;
    const task = new PeriodicTask('tick', 20, async () => ++calls, 0, logger);
    task.start();
    await new Promise((r) => setTimeout(r, 130));
    await task.stop();
    const seen = calls;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toBe(seen);
  });
});
