import type { Job } from 'bullmq';
import { JobLock } from './job-lock';

function fakeJob(processedOn: number | undefined, answers: Array<number | Error>) {
  const calls: number[] = [];
  const job = {
    token: 'tok',
    processedOn,
    extendLock: async (_token: string, ms: number) => {
      calls.push(ms);
      const a = answers.shift() ?? 1;
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as Job;
  return { job, calls };
}

describe('JobLock', () => {
  it('does not ask Redis while less than half of the lease set at activation has passed', async () => {
    let t = 1_000_000;
    const { job, calls } = fakeJob(t, []);
    const lock = new JobLock(job, 10_000, () => t);
    t += 4_999;
    expect(await lock.held()).toBe(true);
    expect(calls).toEqual([]);
  });

  it('renews past half the lease, and then trusts the renewal for another half', async () => {
    let t = 1_000_000;
    const { job, calls } = fakeJob(t, [1]);
    const lock = new JobLock(job, 10_000, () => t);
    t += 5_000;
    expect(await lock.held()).toBe(true);
    expect(calls).toEqual([10_000]);
    t += 4_000;
    expect(await lock.held()).toBe(true);
    expect(calls).toHaveLength(1);
    t += 1_000;
    expect(await lock.held()).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('says the lock is lost when the renewal is refused or fails, and asks again next time', async () => {
    let t = 1_000_000;
    const { job, calls } = fakeJob(undefined, [0, new Error('connection lost'), 1]);
    const lock = new JobLock(job, 10_000, () => t);
    expect(await lock.held()).toBe(false); // activation time unknown: asked at once
    expect(await lock.held()).toBe(false);
    expect(await lock.held()).toBe(true);
    t += 100;
    expect(await lock.held()).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('a stall longer than the lease is noticed before the next step', async () => {
    let t = 1_000_000;
    const { job, calls } = fakeJob(t, [0]);
    const lock = new JobLock(job, 10_000, () => t);
    expect(await lock.held()).toBe(true);
    t += 30_000; // the event loop stalled; another execution now owns the job
    expect(await lock.held()).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('a job run in-process (no token) has no lock to lose', async () => {
    const job = { processedOn: undefined, extendLock: async () => 0 } as unknown as Job;
    expect(await new JobLock(job, 10_000).held()).toBe(true);
  });
});
