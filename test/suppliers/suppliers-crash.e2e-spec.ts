import { ChildProcess } from 'node:child_process';
import { FakeSupplier } from '../fakes/fake-supplier';
import { registerAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';
import { killHard, spawnWorkerProcess } from '../helpers/worker-process';

const ROWS = 20_000;

describe('a supplier import survives a worker killed with SIGKILL in the middle of applying', () => {
  let stack: Stack;
  let fake: FakeSupplier;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    fake = await new FakeSupplier().start();
    stack = await startStack({ worker: false });
  });
  afterAll(async () => {
    for (const w of workers) await killHard(w);
    await stack.stop();
    await fake.stop();
  });

  it('resumes after the last committed batch: every row applied once, one event per product', async () => {
    const acct = await registerAccount(stack, 'Crash');
    await stack.db.pool.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
    const lines = ['sku,title,price'];
    for (let i = 1; i <= ROWS; i++) lines.push(`K-${i},Kettle ${i},${(i % 90) + 10}.50`);
    fake.put('/kettles.csv', `${lines.join('\n')}\n`);
    const s = await stack.http
      .post('/api/v1/suppliers')
      .set(acct.headers)
      .send({ name: 'Kettles', url: `${fake.url}/kettles.csv`, format: 'csv', currency: 'EUR', mapping: [{ source: 'sku', target: 'sku' }, { source: 'title', target: 'title' }, { source: 'price', target: 'price' }] });
    expect(s.status).toBe(201);
    const env = { WORKER_LOCK_MS: '1500' };
    const first = spawnWorkerProcess(stack, env);
    workers.push(first);
    const run = await stack.http.post(`/api/v1/suppliers/${s.body.id}/run`).set(acct.headers);
    expect(run.status).toBe(202);
    const runId = run.body.run_id as string;
    const q = async () => (await stack.db.pool.query(`SELECT status, apply_cursor, created FROM supplier_runs WHERE id = $1`, [runId])).rows[0];
    await eventually(async () => {
      const r = await q();
      return r.status === 'applying' && r.apply_cursor > 0;
    }, 60_000, 5);
    await killHard(first);
    const mid = await q();
    expect(mid.status).toBe('applying');
    expect(mid.created).toBeGreaterThan(0);
    expect(mid.created).toBeLessThan(ROWS);
    // what is committed is whole batches: rows, events and the cursor agree
    const applied = (await stack.db.pool.query(`SELECT count(*)::int AS n FROM variants WHERE tenant_id = $1`, [acct.tenantId])).rows[0].n;
    expect(applied).toBe(mid.created);

    const second = spawnWorkerProcess(stack, env);
    workers.push(second);
    const done = await eventually(async () => {
      const r = await stack.http.get(`/api/v1/suppliers/${s.body.id}/runs/${runId}`).set(acct.headers);
      return r.body.status === 'completed' || r.body.status === 'failed' ? r.body : undefined;
    }, 120_000, 200);
    expect(done).toMatchObject({ status: 'completed', rows_total: ROWS, created: ROWS, updated: 0, failed: 0 });
    const counts = (
      await stack.db.pool.query(
        `SELECT (SELECT count(*)::int FROM variants WHERE tenant_id = $1) AS variants,
                (SELECT count(DISTINCT sku)::int FROM variants WHERE tenant_id = $1) AS skus,
                (SELECT count(*)::int FROM events WHERE tenant_id = $1 AND type = 'product.created') AS events,
                (SELECT count(*)::int FROM supplier_staging WHERE run_id = $2) AS staged`,
        [acct.tenantId, runId],
      )
    ).rows[0];
    expect(counts).toEqual({ variants: ROWS, skus: ROWS, events: ROWS, staged: 0 });
  }, 180_000); // two worker processes started, one killed: slow on a loaded 2-core machine
});
