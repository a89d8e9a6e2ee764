import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectShopify, connectUnified, connectWooCommerce } from '../helpers/connections';
import { eventually, startStack, Stack } from '../helpers/stack';
import { FakeShopify } from '../fakes/fake-shopify';
import { FakeUnified } from '../fakes/fake-unified';
import { FakeWooCommerce } from '../fakes/fake-woocommerce';
import { SyncBatchRunner, SyncFanoutService, SyncProductRunner } from '@synq/sync';
import type { Job } from 'bullmq';
import { missingEventKeys } from '@synq/events';
import { createProduct, ledger, LedgerRow, push, runsOf, settled } from './sync-helpers';

describe('sync: retries, throttling, permanent failures, paused connections', () => {
  let stack: Stack;
  let shop: FakeShopify;
  let woo: FakeWooCommerce;
  let provider: FakeUnified;
  let a: TestAccount;
  const conn = { shopify: '', woocommerce: '', unified: '', unifiedRemote: '' };

  beforeAll(async () => {
    [shop, woo, provider] = await Promise.all([new FakeShopify().start(), new FakeWooCommerce().start(), new FakeUnified().start()]);
    stack = await startStack({
      worker: true,
      env: { UNIFIED_API_BASE_URL: provider.url, UNIFIED_API_KEY: provider.apiKey, UNIFIED_WORKSPACE_ID: provider.workspaceId, SYNC_DEBOUNCE_MS: '100', SYNC_SWEEP_MS: '1000' },
    });
    a = await registerAccount(stack, 'Failures');
    conn.shopify = await connectShopify(stack, a, shop);
    conn.woocommerce = await connectWooCommerce(stack, a, woo);
    const u = await connectUnified(stack, a, provider, 'bigcommerce');
    conn.unified = u.id;
    conn.unifiedRemote = u.unifiedId;
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([shop.stop(), woo.stop(), provider.stop()]);
  });

  const rowOf = (rows: LedgerRow[], id: string) => rows.find((r) => r.connection_id === id)!;

  it('retries a platform answering 500 twice, then 200: SYNCED with the attempts in the runs', async () => {
    const p = await createProduct(stack, a, 'Retry Parka', 'RPARKA');
    const matchWoo = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/wp-json/wc/v3/products';
    woo.failNext(2, { status: 500, body: { code: 'internal_server_error', message: 'There has been a critical error on this website.', data: { status: 500 } } }, matchWoo);
    const matchItem = (r: { method: string; path: string }) => r.method === 'POST' && r.path.startsWith('/commerce/');
    provider.failNext(2, { status: 503, body: { message: 'Service unavailable' } }, matchItem);
    shop.failNext(2, { status: 502, body: { errors: 'Bad Gateway' } });
    await push(stack, a, p.id);
    const rows = await settled(stack, a, p.id, 'SYNCED', 3, 30000);
    expect(rows.every((r) => r.attempts === 0 && r.last_error === null)).toBe(true);
    for (const id of [conn.shopify, conn.woocommerce, conn.unified]) {
      const runs = await runsOf(stack, a, `product_id=${p.id}&connection_id=${id}`);
      expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'RETRYING', 'RETRYING']);
      expect(runs.map((r) => r.attempt)).toEqual([3, 2, 1]);
      expect(runs[1].error).toMatch(/answered 50[023]/);
    }
    // the retried creates did not duplicate anything
    expect(woo.bySku(p.handle)).toBeDefined();
    expect([...woo.products.values()].filter((x) => x.sku === p.handle)).toHaveLength(1);
    expect(provider.itemsOf(conn.unifiedRemote).filter((i) => i.slug === p.handle)).toHaveLength(1);
    expect([...shop.products.values()].filter((x) => x.handle === p.handle)).toHaveLength(1);
    const retrying = await runsOf(stack, a, `product_id=${p.id}&status=RETRYING`);
    expect(retrying).toHaveLength(6);
  });

  it('honours Retry-After on a 429 and Shopify’s GraphQL throttling', async () => {
    const p = await createProduct(stack, a, 'Throttled Tote', 'TOTE');
    const from = { woo: woo.requests.length, shop: shop.requests.length };
    woo.failNext(1, { status: 429, headers: { 'Retry-After': '2' }, body: { code: 'too_many_requests', message: 'Too many requests', data: { status: 429 } } });
    shop.throttleNext(1);
    await push(stack, a, p.id);
    await settled(stack, a, p.id, 'SYNCED', 3, 30000);
    const wooReqs = woo.since(from.woo);
    // the retry came no sooner than Retry-After (2 s)
    expect(wooReqs[1].at - wooReqs[0].at).toBeGreaterThanOrEqual(1950);
    const shopReqs = shop.since(from.shop);
    // throttled with 200 of cost missing at a restore rate of 100/s: at least 2 s
    expect(shopReqs[1].at - shopReqs[0].at).toBeGreaterThanOrEqual(1950);
    const runs = await runsOf(stack, a, `product_id=${p.id}&status=RETRYING`);
    expect(runs.map((r) => r.http_status).sort()).toEqual([200, 429]);
    expect(runs.find((r) => r.http_status === 200)!.error).toMatch(/throttled/i);
  });

  it('fails a 422 at once with the platform’s message kept, emits sync.failed, and retries on request', async () => {
    const p = await createProduct(stack, a, 'Rejected Robe', 'ROBE');
    const from = provider.requests.length;
    provider.failNext(1, { status: 422, body: { message: 'Item name contains forbidden words' } }, (r) => r.method === 'POST' && r.path.startsWith('/commerce/'));
    shop.failNext(1, { status: 200, body: { data: { productSet: { product: null, userErrors: [{ field: ['input', 'title'], message: 'Title is too long for this shop', code: 'INVALID' }] } } } });
    await push(stack, a, p.id);
    const rows = await eventually(async () => {
      const r = await ledger(stack, a, p.id);
      return r.length === 3 && r.every((x) => x.status !== 'PENDING') ? r : undefined;
    });
    const unified = rowOf(rows, conn.unified);
    expect(unified).toMatchObject({ status: 'FAILED', attempts: 1, remote_product_id: null });
    expect(unified.last_error).toContain('Item name contains forbidden words');
    expect(provider.since(from).filter((r) => r.method === 'POST')).toHaveLength(1);
    const shopRow = rowOf(rows, conn.shopify);
    expect(shopRow.status).toBe('FAILED');
    expect(shopRow.last_error).toContain('input.title: Title is too long for this shop');
    expect(rowOf(rows, conn.woocommerce).status).toBe('SYNCED');
    const failedRuns = await runsOf(stack, a, `product_id=${p.id}&status=FAILED`);
    expect(failedRuns.map((r) => r.http_status).sort()).toEqual([200, 422]);
    expect(await runsOf(stack, a, `product_id=${p.id}&status=RETRYING`)).toEqual([]);
    const events = await stack.db.pool.query(`SELECT data FROM events WHERE tenant_id = $1 AND type = 'sync.failed' AND data->>'product_id' = $2 ORDER BY data->>'connection_id'`, [a.tenantId, p.id]);
    expect(events.rows.map((e) => e.data.connection_id).sort()).toEqual([conn.shopify, conn.unified].sort());
    expect(events.rows.find((e) => e.data.connection_id === conn.unified).data).toMatchObject({ platform: 'bigcommerce', action: 'UPSERT', http_status: 422, error: expect.stringContaining('forbidden words') });
    for (const e of events.rows) expect(missingEventKeys('sync.failed', e.data)).toEqual([]);
    const summary = await stack.http.get('/api/v1/sync/summary').set(a.headers);
    expect(summary.body.totals.FAILED).toBeGreaterThanOrEqual(2);

    // the platforms accept it now: retry re-pushes only the failed connections
    const wooBefore = woo.requests.length;
    const retry = await stack.http.post(`/api/v1/sync/products/${p.id}/retry`).set(a.headers);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ status: 'queued', connections: 2 });
    await settled(stack, a, p.id, 'SYNCED', 3);
    expect(woo.requests.length).toBe(wooBefore);
    const again = await stack.http.post(`/api/v1/sync/products/${p.id}/retry`).set(a.headers);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NOTHING_TO_RETRY');
  });

  it('skips a paused connection, and pushes what it missed once it is resumed', async () => {
    expect((await stack.http.patch(`/api/v1/integrations/connections/${conn.woocommerce}`).set(a.headers).send({ status: 'PAUSED' })).status).toBe(200);
    const p = await createProduct(stack, a, 'Paused Poncho', 'PONCHO');
    const from = woo.requests.length;
    await push(stack, a, p.id);
    const rows = await settled(stack, a, p.id, 'SYNCED', 2);
    expect(rows.map((r) => r.connection_id).sort()).toEqual([conn.shopify, conn.unified].sort());
    expect(woo.since(from)).toEqual([]);

    // paused after the fan-out queued its job: the job skips it (a SKIPPED run) and keeps the row pending
    await stack.db.pool.query(
      `INSERT INTO sync_states (connection_id, product_id, tenant_id, status, requested_action, requested_seq) VALUES ($1, $2, $3, 'PENDING', 'UPSERT', 1)`,
      [conn.woocommerce, p.id, a.tenantId],
    );
    await stack.worker!.get(SyncFanoutService, { strict: false }).enqueue(a.tenantId, [{ connection_id: conn.woocommerce, product_id: p.id, requested_seq: '1' }], 0);
    const skipped = await eventually(async () => {
      const runs = await runsOf(stack, a, `product_id=${p.id}&connection_id=${conn.woocommerce}`);
      return runs.length ? runs : undefined;
    });
    expect(skipped.map((r) => [r.status, r.error])).toEqual([['SKIPPED', 'connection is PAUSED']]);
    expect(rowOf(await ledger(stack, a, p.id), conn.woocommerce).status).toBe('PENDING');
    expect(woo.since(from)).toEqual([]);

    // resumed: the sweeper pushes what is pending
    await stack.http.patch(`/api/v1/integrations/connections/${conn.woocommerce}`).set(a.headers).send({ status: 'ACTIVE' });
    await settled(stack, a, p.id, 'SYNCED', 3, 30000);
    expect(woo.bySku(p.handle)).toBeDefined();
  });

  it('marks the connection ERROR when the platform refuses its credentials', async () => {
    const bad = await registerAccount(stack, 'Bad token');
    const id = await connectShopify(stack, bad, shop, 'shpat_revoked');
    const p = await createProduct(stack, bad, 'Unauthorised Umbrella', 'UMB');
    await push(stack, bad, p.id);
    const rows = await settled(stack, bad, p.id, 'FAILED', 1);
    expect(rows[0].last_error).toContain('refused the credentials (401)');
    expect(rows[0].attempts).toBe(1);
    const c = await stack.http.get(`/api/v1/integrations/connections/${id}`).set(bad.headers);
    expect(c.body).toMatchObject({ status: 'ERROR', last_error: expect.stringContaining('401') });
    const audit = await stack.db.pool.query(`SELECT actor_type, actor_id FROM audit_events WHERE tenant_id = $1 AND action = 'connection.error'`, [bad.tenantId]);
    expect(audit.rows).toEqual([{ actor_type: 'system', actor_id: 'sync' }]);
    // an ERROR connection gets no more pushes
    const q = await createProduct(stack, bad, 'Second Umbrella', 'UMB2');
    await push(stack, bad, q.id);
    await new Promise((r) => setTimeout(r, 800));
    expect(await ledger(stack, bad, q.id)).toEqual([]);
  });

  it('pages and filters the runs', async () => {
    const all = await runsOf(stack, a, 'limit=100');
    expect(all.length).toBeGreaterThan(10);
    const first = await stack.http.get('/api/v1/sync/runs?limit=4').set(a.headers);
    expect(first.body).toHaveLength(4);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)![1];
    const second = await stack.http.get(next).set(a.headers);
    expect(second.body).toHaveLength(4);
    expect([...first.body, ...second.body].map((r: { id: string }) => r.id)).toEqual(all.slice(0, 8).map((r) => (r as unknown as { id: string }).id));
    const created = all.map((r) => (r as unknown as { created_at: string }).created_at);
    expect([...created].sort().reverse()).toEqual(created);
    expect((await runsOf(stack, a, `connection_id=${conn.unified}`)).every((r) => r.connection_id === conn.unified)).toBe(true);
    expect((await runsOf(stack, a, 'status=FAILED')).every((r) => r.status === 'FAILED')).toBe(true);
    for (const q of ['status=BROKEN', 'connection_id=nope', 'limit=101', 'limit=0', 'cursor=%%%', 'sort=asc']) {
      expect({ q, status: (await stack.http.get(`/api/v1/sync/runs?${q}`).set(a.headers)).status }).toEqual({ q, status: 400 });
    }
  });

  it('a sync.batch of several products on one connection: successes settle together, a 400 fails alone, a 500 continues as its own job', async () => {
    const ps = [];
    for (const [title, sku] of [['Batch Scarf', 'BSCARF'], ['Batch Glove', 'BGLOVE'], ['Batch Beanie', 'BBEANIE'], ['Batch Sock', 'BSOCK']]) {
      ps.push(await createProduct(stack, a, title, sku));
    }
    const [ok1, ok2, rejected, flaky] = ps;
    const createOf = (p: { handle: string }) => (r: { method: string; path: string; body: unknown }) =>
      r.method === 'POST' && r.path === '/wp-json/wc/v3/products' && (r.body as { sku?: string } | null)?.sku === p.handle;
    woo.failNext(1, { status: 400, body: { code: 'woocommerce_rest_product_invalid', message: 'Invalid product name.', data: { status: 400 } } }, createOf(rejected));
    woo.failNext(1, { status: 500, body: { code: 'internal_server_error', message: 'Critical error.', data: { status: 500 } } }, createOf(flaky));
    const ids = ps.map((p) => p.id);
    // one fan-out limited to WooCommerce: its four rows are one batch (SYNC_BATCH_SIZE 50)
    expect(await stack.worker!.get(SyncFanoutService, { strict: false }).fanout({ tenantId: a.tenantId, productIds: ids, action: 'UPSERT', connectionIds: [conn.woocommerce] })).toBe(4);
    const rows = await eventually(async () => {
      const r = await stack.db.pool.query(`SELECT product_id, status, attempts, last_error FROM sync_states WHERE connection_id = $1 AND product_id = ANY($2)`, [conn.woocommerce, ids]);
      return r.rows.length === 4 && r.rows.every((x) => x.status !== 'PENDING') ? r.rows : undefined;
    }, 20000);
    const state = (id: string) => rows.find((r) => r.product_id === id);
    for (const p of [ok1, ok2, flaky]) expect(state(p.id)).toMatchObject({ status: 'SYNCED', attempts: 0, last_error: null });
    expect(state(rejected.id)).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(state(rejected.id).last_error).toContain('Invalid product name.');

    const runs = await stack.db.pool.query(
      `SELECT product_id, status, attempt, created_at FROM sync_runs WHERE connection_id = $1 AND product_id = ANY($2) ORDER BY created_at, attempt`,
      [conn.woocommerce, ids],
    );
    const runsOfProduct = (id: string) => runs.rows.filter((r) => r.product_id === id).map((r) => [r.status, r.attempt]);
    expect(runsOfProduct(ok1.id)).toEqual([['SUCCEEDED', 1]]);
    expect(runsOfProduct(ok2.id)).toEqual([['SUCCEEDED', 1]]);
    expect(runsOfProduct(rejected.id)).toEqual([['FAILED', 1]]);
    // the 500 was retried by a sync.product of its own, its attempts counting the batch's
    expect(runsOfProduct(flaky.id)).toEqual([['RETRYING', 1], ['SUCCEEDED', 2]]);
    // the two successes of the batch were settled by one statement (one transaction timestamp)
    const okAt = runs.rows.filter((r) => r.product_id === ok1.id || r.product_id === ok2.id).map((r) => r.created_at.getTime());
    expect(okAt[0]).toBe(okAt[1]);
    expect([...woo.products.values()].filter((x) => x.sku === flaky.handle)).toHaveLength(1);

    const events = await stack.db.pool.query(
      `SELECT type, data FROM events WHERE tenant_id = $1 AND data->>'connection_id' = $2 AND data->>'product_id' = ANY($3) ORDER BY type`,
      [a.tenantId, conn.woocommerce, ids],
    );
    expect(events.rows.filter((e) => e.type === 'sync.succeeded').map((e) => e.data.product_id).sort()).toEqual([ok1.id, ok2.id, flaky.id].sort());
    expect(events.rows.filter((e) => e.type === 'sync.failed').map((e) => e.data.product_id)).toEqual([rejected.id]);
    for (const e of events.rows) expect(missingEventKeys(e.type, e.data)).toEqual([]);
  });

  // a worker whose event loop stalled past its lock (WORKER_LOCK_MS, 30 s here): BullMQ has handed the
  // job to another execution, which takes the same leases back; this one must push nothing more
  const lapsedJob = (id: string, answers: number[]) => {
    const asked: number[] = [];
    const job = {
      id,
      token: 'tok',
      attemptsMade: 0,
      opts: { attempts: 5 },
      processedOn: Date.now() - 120_000,
      extendLock: async (_t: string, ms: number) => (asked.push(ms), answers.shift() ?? 0),
    } as unknown as Job;
    return { job, asked };
  };

  it('a sync.batch execution that lost its job lock pushes nothing: its rows are left to the execution that owns the job', async () => {
    const ps = [];
    for (const n of [1, 2, 3]) ps.push(await createProduct(stack, a, `Lock Parka ${n}`, `LOCK${n}`));
    await stack.db.pool.query(
      `INSERT INTO sync_states (connection_id, product_id, tenant_id, status, requested_action, requested_seq)
       SELECT $1, p, $2, 'PENDING', 'UPSERT', 1 FROM unnest($3::uuid[]) p`,
      [conn.woocommerce, a.tenantId, ps.map((p) => p.id)],
    );
    const { job, asked } = lapsedJob('lost-lock-batch', [0]);
    const runner = stack.worker!.get(SyncBatchRunner, { strict: false });
    const from = woo.requests.length;
    await expect(runner.run({ tenantId: a.tenantId, connectionId: conn.woocommerce, productIds: ps.map((p) => p.id) }, job)).rejects.toThrow(/lost its lock/);
    expect(asked).toHaveLength(1); // the lease set at activation had lapsed: Redis was asked, and said no
    expect(ps.filter((p) => woo.bySku(p.handle))).toEqual([]);
    expect(woo.since(from)).toEqual([]);
    const rows = (
      await stack.db.pool.query(`SELECT status, lease_job FROM sync_states WHERE connection_id = $1 AND product_id = ANY($2::uuid[])`, [conn.woocommerce, ps.map((p) => p.id)])
    ).rows;
    expect(rows.map((r) => [r.status, r.lease_job])).toEqual(Array(3).fill(['PENDING', 'lost-lock-batch']));

    // the execution that owns the job (its lock renewed) takes the leases back and pushes all three
    const owner = lapsedJob('lost-lock-batch', [1]);
    await runner.run({ tenantId: a.tenantId, connectionId: conn.woocommerce, productIds: ps.map((p) => p.id) }, owner.job);
    expect(owner.asked).toHaveLength(1); // once for the batch, not once per product
    for (const p of ps) expect(woo.bySku(p.handle)).toBeTruthy();
    expect(woo.since(from).filter((r) => r.method === 'POST' && r.path === '/wp-json/wc/v3/products')).toHaveLength(3);
  });

  it('a sync.product execution that lost its job lock makes no platform call and leaves the row leased to its job', async () => {
    const p = await createProduct(stack, a, 'Lock Anorak', 'LOCKANORAK');
    await stack.db.pool.query(
      `INSERT INTO sync_states (connection_id, product_id, tenant_id, status, requested_action, requested_seq) VALUES ($1, $2, $3, 'PENDING', 'UPSERT', 1)`,
      [conn.woocommerce, p.id, a.tenantId],
    );
    const { job } = lapsedJob('lost-lock-product', [0]);
    const runner = stack.worker!.get(SyncProductRunner, { strict: false });
    const from = woo.requests.length;
    await expect(runner.run({ tenantId: a.tenantId, connectionId: conn.woocommerce, productId: p.id }, job)).rejects.toThrow(/lost its lock/);
    expect(woo.since(from)).toEqual([]);
    const row = (await stack.db.pool.query(`SELECT status, lease_job FROM sync_states WHERE connection_id = $1 AND product_id = $2`, [conn.woocommerce, p.id])).rows[0];
    expect(row).toEqual({ status: 'PENDING', lease_job: 'lost-lock-product' });
  });

  it('a batch on a slow platform hands what it has not pushed before its leases are half gone on to jobs of their own', async () => {
    const ps: { id: string; handle: string }[] = [];
    for (const n of [1, 2, 3]) ps.push(await createProduct(stack, a, `Slow Parka ${n}`, `SLOW${n}`));
    await stack.db.pool.query(
      `INSERT INTO sync_states (connection_id, product_id, tenant_id, status, requested_action, requested_seq)
       SELECT $1, p, $2, 'PENDING', 'UPSERT', 1 FROM unnest($3::uuid[]) p`,
      [conn.woocommerce, a.tenantId, ps.map((p) => p.id)],
    );
    const productRunner = stack.worker!.get(SyncProductRunner, { strict: false });
    const lease = jest.spyOn(productRunner, 'leaseMs', 'get').mockReturnValue(1000);
    woo.delayMs = 300; // two requests per new product: 600 ms, past half the 1 s lease
    try {
      const job = { id: 'slow-batch', attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job;
      const out = await stack.worker!.get(SyncBatchRunner, { strict: false }).run({ tenantId: a.tenantId, connectionId: conn.woocommerce, productIds: ps.map((p) => p.id) }, job);
      expect(out).toEqual({ settled: 1, recorded: 0, handedOn: 2 });
      const rows = await eventually(async () => {
        const r = await stack.db.pool.query(`SELECT status, lease_job FROM sync_states WHERE connection_id = $1 AND product_id = ANY($2::uuid[])`, [conn.woocommerce, ps.map((p) => p.id)]);
        return r.rows.every((x) => x.status === 'SYNCED') ? r.rows : undefined;
      }, 20000);
      expect(rows.map((r) => r.lease_job)).toEqual([null, null, null]);
      for (const p of ps) expect([...woo.products.values()].filter((x) => x.sku === p.handle)).toHaveLength(1);
    } finally {
      woo.delayMs = 0;
      lease.mockRestore();
    }
  });

  it('a create that may already have reached the unified provider is looked up through every page of its search, not only the first', async () => {
    const p = await createProduct(stack, a, 'Lookup Parka', 'LOOKUP');
    const base = `${provider.url}/commerce/${conn.unifiedRemote}/item`;
    const create = async (slug: string) => {
      const r = await fetch(base, {
        method: 'POST',
        headers: { authorization: `Bearer ${provider.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: slug, slug }),
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as { id: string }).id;
    };
    // 150 items that the search for the handle also finds, then the product itself: created by an
    // attempt whose answer was lost (the ledger only knows a create was started)
    for (let i = 0; i < 150; i++) await create(`${p.handle}-${i}`);
    const already = await create(p.handle);
    await stack.db.pool.query(
      `INSERT INTO sync_states (connection_id, product_id, tenant_id, status, requested_action, requested_seq, create_started_at)
       VALUES ($1, $2, $3, 'PENDING', 'UPSERT', 1, now() - interval '1 minute')`,
      [conn.unified, p.id, a.tenantId],
    );
    const job = { id: 'lookup-pages', attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job;
    expect(await stack.worker!.get(SyncProductRunner, { strict: false }).run({ tenantId: a.tenantId, connectionId: conn.unified, productId: p.id }, job)).toBe('synced');
    expect(provider.itemsOf(conn.unifiedRemote).filter((i) => i.slug === p.handle).map((i) => i.id)).toEqual([already]);
    const row = (await stack.db.pool.query(`SELECT status, remote_product_id FROM sync_states WHERE connection_id = $1 AND product_id = $2`, [conn.unified, p.id])).rows[0];
    expect(row).toEqual({ status: 'SYNCED', remote_product_id: already });
  });
});
