import type { INestApplicationContext } from '@nestjs/common';
import { AgentScheduler } from '@synq/agents';
import { createLogger } from '@synq/logger';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';
import { DevKey, secretKey, simpleProduct } from './devapi-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface AgentView {
  id: string;
  kind: string;
  job: string;
  scope: Record<string, string>;
  enabled: boolean;
  schedule: string;
  next_run_at: string | null;
  last_run_at: string | null;
  last_result: { status: string; message?: string; counts?: Record<string, number>; manual?: boolean; run_id?: string } | null;
  run_count: number;
}

/** Agents are real: the worker's scheduler runs them on their schedule, a paused one does not run, run-now runs once. */
describe('agents (worker scheduler)', () => {
  let stack: Stack;
  let acct: TestAccount;
  let key: DevKey;
  let feedId: string;

  beforeAll(async () => {
    stack = await startStack({ worker: true, env: { AGENT_TICK_MS: '200', AGENT_MIN_INTERVAL_SECONDS: '1' } });
    acct = await registerAccount(stack, 'Agents Inc');
    key = await secretKey(stack, acct);
    await simpleProduct(stack, acct, 'AG-1', 12);
    const feed = await stack.http.post('/api/v1/feeds').set(acct.headers).send({
      name: 'Google Shopping',
      slug: `agents-feed-${Date.now()}`,
      format: 'xml',
      template: 'google_shopping',
      currency: 'USD',
      link_template: 'https://shop.example/products/{handle}?variant={sku}',
      published: true,
    });
    expect(feed.status).toBe(201);
    feedId = feed.body.id;
  });
  afterAll(async () => {
    await stack.stop();
  });

  const list = async (): Promise<AgentView[]> => {
    const res = await stack.http.get('/v1/agents').set(key.headers);
    expect(res.status).toBe(200);
    return res.body;
  };
  const get = async (id: string): Promise<AgentView> => (await stack.http.get(`/v1/agents/${id}`).set(key.headers)).body;
  const patch = (id: string, body: object) => stack.http.patch(`/v1/agents/${id}`).set(key.headers).send(body);

  it('lists the tenant’s agents with their kind, job, scope and real schedule', async () => {
    const agents = await list();
    expect(agents.map((a) => [a.kind, a.job, a.scope, a.schedule, a.enabled]).sort()).toEqual([
      ['feed_refresh', 'feed.generate', { feed_id: feedId }, 'every 1h', true],
      ['repricer', 'repricer.evaluate', {}, 'every 15m', true],
      ['reservation_expiry', 'reservations.expire', {}, 'every 1m', true],
    ]);
    for (const a of agents) {
      expect(a.last_run_at).toBeNull();
      expect(a.run_count).toBe(0);
      expect(Date.parse(a.next_run_at!)).toBeGreaterThan(Date.now() + 50_000); // every 1m at the shortest
    }
    // listing again provisions nothing new
    expect(await list()).toHaveLength(3);
    const rows = await stack.db.pool.query(`SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1`, [acct.tenantId]);
    expect(rows.rows[0].n).toBe(3);
  });

  it('runs on its schedule in the worker, records the result, and stops while paused', async () => {
    const repricer = (await list()).find((a) => a.kind === 'repricer')!;
    const res = await patch(repricer.id, { schedule: 'every 1s' });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.next_run_at) - Date.now()).toBeLessThan(1500);

    const ran = await eventually(async () => {
      const a = await get(repricer.id);
      return a.run_count >= 2 && a.last_result?.status === 'ok' ? a : undefined;
    });
    expect(ran.last_result).toMatchObject({ status: 'ok', counts: { evaluated: 0, repriced: 0, unchanged: 0 }, manual: false });
    expect(Date.parse(ran.last_run_at!)).toBeGreaterThan(Date.now() - 10_000);

    const paused = await patch(repricer.id, { enabled: false });
    expect(paused.body).toMatchObject({ enabled: false, next_run_at: null });
    await sleep(500); // a run claimed just before the pause may still finish
    const count = (await get(repricer.id)).run_count;
    await sleep(2500);
    expect((await get(repricer.id)).run_count).toBe(count);

    // run-now on the paused agent: exactly one run
    const run = await stack.http.post(`/v1/agents/${repricer.id}/run`).set(key.headers);
    expect(run.status).toBe(202);
    const once = await eventually(async () => {
      const a = await get(repricer.id);
      return a.run_count === count + 1 && a.last_result?.run_id === run.body.run_id && a.last_result?.status !== 'running' ? a : undefined;
    });
    expect(once.last_result).toMatchObject({ status: 'ok', manual: true });
    await sleep(1500);
    expect((await get(repricer.id)).run_count).toBe(count + 1);

    // resumed: it runs on schedule again
    expect((await patch(repricer.id, { enabled: true })).body.enabled).toBe(true);
    await eventually(async () => (await get(repricer.id)).run_count >= count + 2);
    await patch(repricer.id, { enabled: false });
  });

  it('run-now of a feed_refresh agent runs the feed.generate job for its feed', async () => {
    const feedAgent = (await list()).find((a) => a.kind === 'feed_refresh')!;
    const run = await stack.http.post(`/v1/agents/${feedAgent.id}/run`).set(key.headers);
    expect(run.status).toBe(202);
    const a = await eventually(async () => {
      const x = await get(feedAgent.id);
      return x.last_result?.run_id === run.body.run_id && x.last_result?.status !== 'running' ? x : undefined;
    });
    expect(a.run_count).toBe(1);
    expect(a.last_result).toMatchObject({ status: 'ok', manual: true, message: expect.any(String) });
    const feed = await stack.http.get(`/api/v1/feeds/${feedId}`).set(acct.headers);
    expect(feed.body.generated_at).toEqual(expect.any(String));
    expect(feed.body.generation_count).toBe(1);
  });

  it('a feed that is no longer published loses its feed_refresh agent; a new one gets its own', async () => {
    const other = await stack.http.post('/api/v1/feeds').set(acct.headers).send({
      name: 'Second feed',
      slug: `agents-feed-2-${Date.now()}`,
      format: 'csv',
      template: 'google_shopping',
      currency: 'USD',
      link_template: 'https://shop.example/products/{handle}',
      published: true,
    });
    expect(other.status).toBe(201);
    expect((await list()).filter((a) => a.kind === 'feed_refresh').map((a) => a.scope.feed_id).sort()).toEqual([feedId, other.body.id].sort());
    expect((await stack.http.patch(`/api/v1/feeds/${other.body.id}`).set(acct.headers).send({ published: false })).status).toBe(200);
    expect((await list()).filter((a) => a.kind === 'feed_refresh').map((a) => a.scope.feed_id)).toEqual([feedId]);
  });

  it('a due agent is claimed once however many workers run the scheduler', async () => {
    const feedAgent = (await list()).find((a) => a.kind === 'feed_refresh')!;
    const logger = createLogger('error', 'synq-test');
    const extra: INestApplicationContext[] = await Promise.all([createWorker(stack.config, logger), createWorker(stack.config, logger)]);
    try {
      const before = await stack.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'agent.run' AND payload->>'agentId' = $1`, [feedAgent.id]);
      await stack.db.pool.query(`UPDATE agents SET next_run_at = now() - interval '1 second' WHERE id = $1`, [feedAgent.id]);
      await Promise.all([...extra, stack.worker!].flatMap((w) => [w.get(AgentScheduler).tick(), w.get(AgentScheduler).tick()]));
      await sleep(600); // and the timers of three schedulers
      const after = await stack.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'agent.run' AND payload->>'agentId' = $1`, [feedAgent.id]);
      expect(after.rows[0].n).toBe(before.rows[0].n + 1);
      const a = await eventually(async () => {
        const x = await get(feedAgent.id);
        return x.run_count === 2 && x.last_result?.status === 'ok' ? x : undefined;
      });
      expect(a.last_result).toMatchObject({ status: 'ok', manual: false });
      expect(Date.parse(a.next_run_at!)).toBeGreaterThan(Date.now() + 3000_000);
    } finally {
      await Promise.all(extra.map((w) => w.close()));
    }
  });
});
