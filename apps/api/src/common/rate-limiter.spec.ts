import Redis from 'ioredis';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter (real Redis)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `synq_unit_rl_${process.pid}_${Date.now()}`;
  const limiter = new RateLimiter(redis, prefix);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts down and refuses the 101st request with a retry time', async () => {
    const t0 = 1_000_000 * 60_000 + 10_000; // 10 s into a window
    for (let i = 1; i <= 100; i++) {
      const d = await limiter.hit('a', 100, 60_000, t0 + i);
      expect(d.allowed).toBe(true);
      expect(d.remaining).toBe(100 - i);
    }
    const refused = await limiter.hit('a', 100, 60_000, t0 + 200);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('does not let a burst straddling a window boundary through twice', async () => {
    const boundary = 2_000_000 * 60_000;
    let allowed = 0;
    for (let i = 0; i < 100; i++) if ((await limiter.hit('b', 100, 60_000, boundary - 100 + i)).allowed) allowed++;
    for (let i = 0; i < 100; i++) if ((await limiter.hit('b', 100, 60_000, boundary + 100 + i)).allowed) allowed++;
    expect(allowed).toBeLessThanOrEqual(101);
    expect(allowed).toBeGreaterThanOrEqual(100);
  });

  it('lets traffic through again once the window has slid past', async () => {
    const t = 3_000_000 * 60_000;
    for (let i = 0; i < 10; i++) await limiter.hit('c', 10, 60_000, t + i);
    expect((await limiter.hit('c', 10, 60_000, t + 100)).allowed).toBe(false);
    expect((await limiter.hit('c', 10, 60_000, t + 120_001)).allowed).toBe(true);
  });

  it('decides a burst of concurrent requests like the same requests one after the other', async () => {
    const decisions = await Promise.all(Array.from({ length: 150 }, () => limiter.hit('burst', 100)));
    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed).toHaveLength(100);
    expect(allowed.map((d) => d.remaining).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused).toHaveLength(50);
    for (const d of refused) {
      expect(d.remaining).toBe(0);
      expect(d.retryAfterMs).toBeGreaterThan(0);
    }
    // the count is in Redis: another limiter (replica) sees the bucket full
    const other = new RateLimiter(redis, prefix);
    expect((await other.hit('burst', 100)).allowed).toBe(false);
  });
});
