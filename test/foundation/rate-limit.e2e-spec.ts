import { randomBytes } from 'node:crypto';
import { createTestDatabase, startStack, Stack, TestDatabase } from '../helpers/stack';

describe('rate limiting (sliding window in Redis)', () => {
  let db: TestDatabase;
  let a: Stack;
  let b: Stack;
  const prefix = `synqt_rl_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    // two api processes' worth of apps on one database and one Redis prefix
    a = await startStack({ database: db, redisPrefix: prefix, env: { RATE_LIMIT_PER_MINUTE: '100' } });
    b = await startStack({ database: db, redisPrefix: prefix, env: { RATE_LIMIT_PER_MINUTE: '100' } });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await db.drop();
  });

  it('shares one count across api instances, counts down, and answers the 101st with 429 + Retry-After', async () => {
    const remaining: number[] = [];
    for (let i = 0; i < 100; i++) {
      const target = i % 2 === 0 ? a : b;
      const res = await target.http.get('/api/v1/organization');
      expect(res.status).toBe(401); // limited before auth, and still counted
      expect(res.headers['x-ratelimit-limit']).toBe('100');
      remaining.push(Number(res.headers['x-ratelimit-remaining']));
    }
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));

    const refused = await b.http.get('/api/v1/organization');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(120);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.body).toEqual({ error: expect.stringContaining('Retry-After'), code: 'RATE_LIMITED' });

    const plugin = await a.http.post('/api/auth/login').send({});
    expect(plugin.status).toBe(429);
    expect(plugin.body).toEqual({ statusCode: 429, message: expect.any(String), error: 'Too Many Requests' });

    // health and metrics stay reachable
    expect((await a.http.get('/health/live')).status).toBe(200);
    expect((await a.http.get('/health/ready')).status).toBe(200);
    expect((await a.http.get('/metrics')).status).toBe(200);
  });

  it('gives public feeds their own 30-per-minute budget', async () => {
    const feedsPrefix = `synqt_rlf_${randomBytes(4).toString('hex')}`;
    const c = await startStack({ database: db, redisPrefix: feedsPrefix, env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    try {
      for (let i = 0; i < 30; i++) {
        const res = await c.http.get('/api/public/feeds/some-feed');
        expect(res.headers['x-ratelimit-limit']).toBe('30');
        expect(res.status).not.toBe(429);
      }
      expect((await c.http.get('/api/public/feeds/some-feed')).status).toBe(429);
      expect((await c.http.get('/health/live')).status).toBe(200);
      expect((await c.http.post('/api/auth/login').send({})).status).toBe(400);
    } finally {
      await c.stop();
    }
  });
});
