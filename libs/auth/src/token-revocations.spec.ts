import { randomBytes } from 'node:crypto';
import { loadConfig } from '@synq/config';
import { RedisService } from '@synq/redis';
import { TokenRevocations } from './token-revocations';

/** Two api replicas' worth of TokenRevocations on one real Redis and prefix. */
describe('TokenRevocations (real Redis, two replicas)', () => {
  const config = { ...loadConfig({ NODE_ENV: 'test' }), redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', redisPrefix: `synq_unit_rev_${randomBytes(4).toString('hex')}` };
  const redisA = new RedisService(config);
  const redisB = new RedisService(config);
  const a = new TokenRevocations(redisA, config);
  const b = new TokenRevocations(redisB, config);
  const iat = Math.floor(Date.now() / 1000) - 5;
  const claims = (sub: string) => ({ sub, tenantId: 't1', orgId: 'o1', email: 'a@b.c', role: 'editor' as const, iat });
  const until = async (f: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await f()); i++) await new Promise((r) => setTimeout(r, 20));
    return f();
  };

  afterAll(async () => {
    const keys = await redisA.client.keys(`${config.redisPrefix}:*`);
    if (keys.length) await redisA.client.del(...keys);
    a.onApplicationShutdown();
    b.onApplicationShutdown();
    await redisA.onApplicationShutdown();
    await redisB.onApplicationShutdown();
  });

  it("a revocation on one replica reaches the other's cache", async () => {
    expect(await b.isRevoked(claims('u1'))).toBe(false);
    // b is subscribed once its first lookup ran; from then on its answer is cached
    expect(await until(async () => (b as unknown as { cache: { listening: boolean } }).cache.listening)).toBe(true);
    expect(await b.isRevoked(claims('u1'))).toBe(false);
    expect(await b.isRevoked(claims('u1'))).toBe(false);

    await a.revoke('t1', 'u1');
    expect(await a.isRevoked(claims('u1'))).toBe(true); // at once on the revoking replica
    expect(await until(() => b.isRevoked(claims('u1')))).toBe(true); // and within a message on the other
    // another user is untouched; a token issued after the revocation works
    expect(await b.isRevoked(claims('u2'))).toBe(false);
    expect(await b.isRevoked({ ...claims('u1'), iat: Math.floor(Date.now() / 1000) + 5 })).toBe(false);
  });
});
