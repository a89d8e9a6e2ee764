import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectShopify, connectUnified, connectWooCommerce } from '../helpers/connections';
import { eventually, startStack, Stack } from '../helpers/stack';
import { FakeShopify } from '../fakes/fake-shopify';
import { FakeUnified } from '../fakes/fake-unified';
import { FakeWooCommerce } from '../fakes/fake-woocommerce';
import { missingEventKeys } from '@synq/events';
import type { TenantContext } from '@synq/common';
import { SyncService } from '../../apps/api/src/sync/sync.service';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { createProduct, ledger, push, runsOf, settled } from './sync-helpers';

describe('sync: push a product to Shopify, WooCommerce and a unified-API connection', () => {
  let stack: Stack;
  let shop: FakeShopify;
  let woo: FakeWooCommerce;
  let provider: FakeUnified;
  let a: TestAccount;
  let b: TestAccount;
  const conn = { shopify: '', woocommerce: '', unified: '', unifiedRemote: '' };

  beforeAll(async () => {
    [shop, woo, provider] = await Promise.all([new FakeShopify().start(), new FakeWooCommerce().start(), new FakeUnified().start()]);
    stack = await startStack({
      worker: true,
      env: { UNIFIED_API_BASE_URL: provider.url, UNIFIED_API_KEY: provider.apiKey, UNIFIED_WORKSPACE_ID: provider.workspaceId, SYNC_DEBOUNCE_MS: '300', WEBHOOK_ALLOW_HTTP: 'true' },
    });
    a = await registerAccount(stack, 'Push A');
    b = await registerAccount(stack, 'Push B');
    conn.shopify = await connectShopify(stack, a, shop);
    conn.woocommerce = await connectWooCommerce(stack, a, woo);
    const u = await connectUnified(stack, a, provider, 'amazon');
    conn.unified = u.id;
    conn.unifiedRemote = u.unifiedId;
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([shop.stop(), woo.stop(), provider.stop()]);
  });

  const writes = () => shop.requests.length + woo.requests.filter((r) => r.method !== 'GET').length + provider.requests.filter((r) => r.path.startsWith('/commerce') && r.method !== 'GET').length;

  it('reaches all three connections with the real wire formats and records the mapping', async () => {
    const p = await createProduct(stack, a, 'Classic Wool Sweater', 'WOOL');
    const res = await stack.http.post('/unified/sync/push/product').set(a.headers).send({ productId: p.id, action: 'UPSERT' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'queued' });

    const rows = await settled(stack, a, p.id, 'SYNCED', 3);
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
    expect(Object.keys(byKind).sort()).toEqual(['shopify', 'unified', 'woocommerce']);
    expect(byKind.unified.provider).toBe('amazon');

    // Shopify: productSet by handle, options + variants + files, exact decimal prices
    const sp = shop.byHandle(p.handle)!;
    expect(shop.products.size).toBe(1);
    expect(sp).toMatchObject({ title: 'Classic Wool Sweater', status: 'ACTIVE', descriptionHtml: '<p>Classic Wool Sweater in merino wool.</p>' });
    expect(sp.options).toEqual([
      { name: 'Size', position: 1, values: ['M', 'L'] },
      { name: 'Color', position: 2, values: ['Blue'] },
    ]);
    expect(sp.variants.map((v) => [v.sku, v.price, v.compareAtPrice, v.barcode])).toEqual([
      ['WOOL-M-BLU', '89.99', '99.50', '4006381333931'],
      ['WOOL-L-BLU', '94.00', null, null],
    ]);
    expect(sp.files).toEqual([{ originalSource: 'https://cdn.example.com/WOOL.jpg', alt: 'Classic Wool Sweater front', contentType: 'IMAGE' }]);
    const setCall = shop.mutations('productSet')[0];
    expect(setCall.headers['x-shopify-access-token']).toBe(shop.accessToken);
    expect((setCall.body as { variables: { identifier: unknown } }).variables.identifier).toEqual({ handle: p.handle });
    expect(byKind.shopify.remote_product_id).toBe(sp.id);
    expect(byKind.shopify.remote_variant_ids).toEqual({ [p.variantIds[0]]: sp.variants[0].id, [p.variantIds[1]]: sp.variants[1].id });

    // WooCommerce: looked up by SKU first, then a variable product and a variations batch
    expect(woo.products.size).toBe(1);
    const wp = [...woo.products.values()][0];
    expect(wp).toMatchObject({ name: 'Classic Wool Sweater', type: 'variable', status: 'publish', sku: p.handle, images: [{ src: 'https://cdn.example.com/WOOL.jpg', alt: 'Classic Wool Sweater front' }] });
    expect(wp.attributes.map((x) => [x.name, x.options, x.variation])).toEqual([
      ['Size', ['M', 'L'], true],
      ['Color', ['Blue'], true],
    ]);
    expect(woo.variationsOf(wp.id).map((v) => [v.sku, v.regular_price, v.sale_price, v.global_unique_id])).toEqual([
      ['WOOL-M-BLU', '99.50', '89.99', '4006381333931'],
      ['WOOL-L-BLU', '94.00', '', ''],
    ]);
    expect(woo.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /wp-json/wc/v3/products',
      'POST /wp-json/wc/v3/products',
      `POST /wp-json/wc/v3/products/${wp.id}/variations/batch`,
    ]);
    expect(woo.requests[0].query.get('sku')).toBe(p.handle);
    expect(byKind.woocommerce.remote_product_id).toBe(String(wp.id));
    expect(Object.values(byKind.woocommerce.remote_variant_ids).sort()).toEqual(wp.variations.map(String).sort());

    // unified: one commerce item with both variants
    const items = provider.itemsOf(conn.unifiedRemote);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ name: 'Classic Wool Sweater', slug: p.handle, is_active: true, media: [{ url: 'https://cdn.example.com/WOOL.jpg', alt: 'Classic Wool Sweater front' }] });
    expect(items[0].variants.map((v) => [v.sku, v.prices])).toEqual([
      ['WOOL-M-BLU', [{ price: 89.99, compare_at_price: 99.5, currency: 'USD' }]],
      ['WOOL-L-BLU', [{ price: 94, currency: 'USD' }]],
    ]);
    expect(byKind.unified.remote_product_id).toBe(items[0].id);

    for (const r of rows) {
      expect(r).toMatchObject({ status: 'SYNCED', action: 'UPSERT', attempts: 0, last_error: null });
      expect(r.payload_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(new Date(r.last_synced_at!).toISOString()).toBe(r.last_synced_at);
    }
    const runs = await runsOf(stack, a, `product_id=${p.id}`);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const events = await stack.db.pool.query(`SELECT data FROM events WHERE tenant_id = $1 AND type = 'sync.succeeded' AND data->>'product_id' = $2`, [a.tenantId, p.id]);
    expect(events.rows.map((e) => e.data.connection_id).sort()).toEqual([conn.shopify, conn.woocommerce, conn.unified].sort());
    // the webhook event catalogue's contract: id (the run), connection_id, platform
    for (const e of events.rows) expect(missingEventKeys('sync.succeeded', e.data)).toEqual([]);
    const shopEvent = events.rows.find((e) => e.data.connection_id === conn.shopify).data;
    expect(shopEvent).toMatchObject({ platform: 'shopify', action: 'UPSERT', remote_product_id: sp.id });
    expect(runs.map((r) => (r as unknown as { id: string }).id)).toContain(shopEvent.id);
    const healthy = await stack.http.get(`/api/v1/integrations/connections/${conn.shopify}`).set(a.headers);
    expect(healthy.body.last_healthy_at).not.toBeNull();

    const summary = await stack.http.get('/api/v1/sync/summary').set(a.headers);
    expect(summary.status).toBe(200);
    expect(summary.body.totals).toEqual({ PENDING: 0, SYNCED: 3, FAILED: 0, DELETED: 0 });
    expect(summary.body.connections.map((c: { connection_id: string; counts: { SYNCED: number } }) => [c.connection_id, c.counts.SYNCED])).toEqual([
      [conn.shopify, 1],
      [conn.woocommerce, 1],
      [conn.unified, 1],
    ]);
  });

  it('updates in place on the second push, skips an unchanged product, and pushes again when forced', async () => {
    const p = await createProduct(stack, a, 'Alpaca Scarf', 'ALP');
    await push(stack, a, p.id);
    const first = await settled(stack, a, p.id, 'SYNCED', 3);

    const upd = await stack.http.patch(`/api/v1/pim/products/${p.id}`).set(a.headers).send({ title: 'Alpaca Scarf (2026)' });
    expect(upd.status).toBe(200);
    await stack.http.patch(`/api/v1/pim/products/${p.id}/variants/${p.variantIds[1]}`).set(a.headers).send({ price: 95.5 });
    await push(stack, a, p.id);
    const second = await eventually(async () => {
      const rows = await settled(stack, a, p.id, 'SYNCED', 3);
      return rows.every((r, i) => r.payload_hash !== first[i].payload_hash) ? rows : undefined;
    });
    // same remote ids: updated, not duplicated
    expect(second.map((r) => [r.remote_product_id, r.remote_variant_ids])).toEqual(first.map((r) => [r.remote_product_id, r.remote_variant_ids]));
    const sp = shop.byHandle(p.handle)!;
    expect([...shop.products.values()].filter((x) => x.handle === p.handle)).toHaveLength(1);
    expect(sp.title).toBe('Alpaca Scarf (2026)');
    expect(sp.variants[1].price).toBe('95.50');
    const setCalls = shop.mutations('productSet').filter((r) => (r.body as { variables: { input: { handle: string } } }).variables.input.handle === p.handle);
    expect((setCalls[1].body as { variables: { identifier: unknown } }).variables.identifier).toEqual({ id: sp.id });
    const wp = woo.bySku(p.handle)!;
    expect(wp.name).toBe('Alpaca Scarf (2026)');
    expect(woo.variationsOf(wp.id).map((v) => v.regular_price)).toEqual(['99.50', '95.50']);
    expect([...woo.products.values()].filter((x) => x.sku === p.handle)).toHaveLength(1);
    const item = provider.itemsOf(conn.unifiedRemote).filter((i) => i.slug === p.handle);
    expect(item).toHaveLength(1);
    expect(item[0].name).toBe('Alpaca Scarf (2026)');

    // unchanged: no remote call at all, SKIPPED runs
    const before = writes();
    await push(stack, a, p.id);
    await eventually(async () => (await runsOf(stack, a, `product_id=${p.id}&status=SKIPPED`)).length === 3);
    await settled(stack, a, p.id, 'SYNCED', 3);
    expect(writes()).toBe(before);

    // forced: every connection is written again
    await push(stack, a, p.id, 'UPSERT', true);
    await eventually(async () => (await runsOf(stack, a, `product_id=${p.id}&status=SUCCEEDED`)).length === 9);
    expect(writes()).toBeGreaterThan(before);
    const forced = await stack.db.pool.query(`SELECT bool_or(force) AS f FROM sync_states WHERE product_id = $1`, [p.id]);
    expect(forced.rows[0].f).toBe(false);
  });

  it('DELETE removes the product and the mapping from every store, also after it was deleted in Synq', async () => {
    const p = await createProduct(stack, a, 'Linen Shirt', 'LIN');
    await push(stack, a, p.id);
    await settled(stack, a, p.id, 'SYNCED', 3);
    expect(shop.byHandle(p.handle)).toBeDefined();

    await push(stack, a, p.id, 'DELETE');
    const rows = await settled(stack, a, p.id, 'DELETED', 3);
    expect(rows.every((r) => r.remote_product_id === null && Object.keys(r.remote_variant_ids).length === 0 && r.action === 'DELETE')).toBe(true);
    expect(shop.byHandle(p.handle)).toBeUndefined();
    expect(woo.bySku(p.handle)).toBeUndefined();
    expect(provider.itemsOf(conn.unifiedRemote).find((i) => i.slug === p.handle)).toBeUndefined();
    const del = shop.mutations('productDelete');
    expect((del[del.length - 1].body as { variables: unknown }).variables).toEqual({ input: { id: expect.stringMatching(/^gid:\/\/shopify\/Product\//) } });
    expect(woo.requests.some((r) => r.method === 'DELETE' && r.query.get('force') === 'true')).toBe(true);

    // pushed again after the product was deleted in Synq (auto-sync is off): the ledger still knows where it is
    const q = await createProduct(stack, a, 'Wool Socks', 'SOCK');
    await push(stack, a, q.id);
    await settled(stack, a, q.id, 'SYNCED', 3);
    expect((await stack.http.delete(`/api/v1/pim/products/${q.id}`).set(a.headers)).status).toBe(204);
    // UPSERT of a product that no longer exists
    expect((await stack.http.post('/unified/sync/push/product').set(a.headers).send({ productId: q.id, action: 'UPSERT' })).status).toBe(404);
    await push(stack, a, q.id, 'DELETE');
    await settled(stack, a, q.id, 'DELETED', 3);
    expect(shop.byHandle(q.handle)).toBeUndefined();
    // the ledger of a deleted product stays readable
    expect((await ledger(stack, a, q.id)).length).toBe(3);
  });

  it('validates pushes and keeps tenants apart', async () => {
    const p = await createProduct(stack, a, 'Tenant Check', 'TEN');
    const cases: [Record<string, unknown>, number, string?][] = [
      [{ productId: p.id, action: 'SYNC' }, 400, 'action'],
      [{ productId: p.id, action: 'upsert' }, 400, 'action'],
      [{ productId: p.id }, 400, 'action'],
      [{ action: 'UPSERT' }, 400, 'productId'],
      [{ productId: 'not-a-uuid', action: 'UPSERT' }, 400, 'productId'],
      [{ productId: p.id, action: 'UPSERT', force: 'yes' }, 400, 'force'],
      [{ productId: p.id, action: 'UPSERT', connection: 'x' }, 400, 'connection'],
      [{ productId: '00000000-0000-4000-8000-000000000000', action: 'UPSERT' }, 404],
      [{ productId: '00000000-0000-4000-8000-000000000000', action: 'DELETE' }, 404],
    ];
    for (const [body, status, field] of cases) {
      const res = await stack.http.post('/unified/sync/push/product').set(a.headers).send(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      if (field) expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // another tenant's product is a 404, like a missing one, on every sync route
    const foreign = await stack.http.post('/unified/sync/push/product').set(b.headers).send({ productId: p.id, action: 'UPSERT' });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await stack.http.post('/unified/sync/push/product').set(b.headers).send({ productId: p.id, action: 'DELETE' })).status).toBe(404);
    expect((await stack.http.get(`/api/v1/sync/products/${p.id}`).set(b.headers)).status).toBe(404);
    expect((await stack.http.post(`/api/v1/sync/products/${p.id}/retry`).set(b.headers)).status).toBe(404);
    expect((await stack.http.get(`/api/v1/sync/runs?product_id=${p.id}`).set(b.headers)).body).toEqual([]);
    expect((await stack.http.get('/api/v1/sync/summary').set(b.headers)).body).toEqual({ connections: [], totals: { PENDING: 0, SYNCED: 0, FAILED: 0, DELETED: 0 } });
    // the Platform API credential rules apply to /unified
    expect((await stack.http.post('/unified/sync/push/product').send({ productId: p.id, action: 'UPSERT' })).status).toBe(401);
    expect((await stack.http.post('/unified/sync/push/product').set({ Authorization: a.headers.Authorization }).send({ productId: p.id, action: 'UPSERT' })).status).toBe(400);
    expect((await stack.http.post('/unified/sync/push/product').set({ ...a.headers, 'X-Tenant-ID': b.tenantId }).send({ productId: p.id, action: 'UPSERT' })).status).toBe(403);
    // a push is audited and durable (an outbox row) before the 202
    await push(stack, a, p.id);
    const audit = await stack.db.pool.query(`SELECT action, actor_id FROM audit_events WHERE tenant_id = $1 AND resource_id = $2 AND action = 'sync.pushed'`, [a.tenantId, p.id]);
    expect(audit.rows).toEqual([{ action: 'sync.pushed', actor_id: a.userId }]);
    const outbox = await stack.db.pool.query(`SELECT payload FROM outbox WHERE tenant_id = $1 AND job_name = 'sync.fanout' AND payload->'productIds' ? $2`, [a.tenantId, p.id]);
    expect(outbox.rows[0].payload).toEqual({ tenantId: a.tenantId, productIds: [p.id], action: 'UPSERT', force: false });
    await settled(stack, a, p.id, 'SYNCED', 3);
  });

  it('pushes sent together (two tenants, ids of the other tenant or of nothing among them) are each answered, audited and queued on their own terms', async () => {
    const [a1, a2] = [await createProduct(stack, a, 'Together A1', 'TGA1'), await createProduct(stack, a, 'Together A2', 'TGA2')];
    const b1 = await createProduct(stack, b, 'Together B1', 'TGB1');
    const nothing = '7a0d1f1e-1111-4c2b-9d3e-000000000000';
    const sends: [TestAccount, string, 'UPSERT' | 'DELETE', number][] = [
      [a, a1.id, 'UPSERT', 202],
      [b, b1.id, 'UPSERT', 202],
      [a, b1.id, 'UPSERT', 404],
      [a, a2.id, 'UPSERT', 202],
      [b, a1.id, 'UPSERT', 404],
      [a, nothing, 'UPSERT', 404],
      [b, nothing, 'DELETE', 404],
      [a, a1.id, 'UPSERT', 202],
    ];
    const res = await Promise.all(sends.map(([acct, productId, action]) => stack.http.post('/unified/sync/push/product').set(acct.headers).send({ productId, action })));
    expect(res.map((r) => r.status)).toEqual(sends.map((x) => x[3]));
    for (const r of res.filter((x) => x.status === 404)) expect(r.body.code).toBe('NOT_FOUND');

    const audit = await stack.db.pool.query(
      `SELECT tenant_id, resource_id, actor_id, created_at FROM audit_events WHERE action = 'sync.pushed' AND resource_id = ANY($1) ORDER BY created_at`,
      [[a1.id, a2.id, b1.id, nothing]],
    );
    const auditOf = (acct: TestAccount) => audit.rows.filter((r) => r.tenant_id === acct.tenantId).map((r) => [r.resource_id, r.actor_id]);
    expect(auditOf(a).sort()).toEqual([[a1.id, a.userId], [a1.id, a.userId], [a2.id, a.userId]].sort());
    expect(auditOf(b)).toEqual([[b1.id, b.userId]]);

    // a burst that arrives while a push statement is under way is written by the next one, all of it
    const sync = stack.api!.get(SyncService, { strict: false });
    const ctxOf = (acct: TestAccount): TenantContext => ({ tenantId: acct.tenantId, orgId: acct.orgId, role: 'owner', actorType: 'user', actorId: acct.userId });
    const burst = [a1.id, a2.id, a1.id].map((productId) => sync.push(ctxOf(a), { productId, action: 'UPSERT' }));
    burst.push(sync.push(ctxOf(b), { productId: b1.id, action: 'UPSERT' }), sync.push(ctxOf(b), { productId: a2.id, action: 'UPSERT' }));
    const outcomes = await Promise.all(burst.map((x) => x.then((r) => r.status, (e: Error) => e.constructor.name)));
    expect(outcomes).toEqual(['queued', 'queued', 'queued', 'queued', 'NotFoundError']);
    const stamps = await stack.db.pool.query(
      `SELECT created_at, count(*)::int AS n FROM audit_events WHERE action = 'sync.pushed' AND resource_id = ANY($1) AND created_at > $2 GROUP BY created_at ORDER BY created_at`,
      [[a1.id, a2.id, b1.id], audit.rows[audit.rows.length - 1].created_at],
    );
    // the first alone (nothing was under way), the other three of the burst by one statement (one transaction timestamp)
    expect(stamps.rows.map((r) => r.n)).toEqual([1, 3]);

    const queued = async (acct: TestAccount) =>
      (
        await stack.db.pool.query(`SELECT payload FROM outbox WHERE tenant_id = $1 AND job_name = 'sync.fanout' AND payload->'productIds' ?| $2::text[]`, [
          acct.tenantId,
          [a1.id, a2.id, b1.id, nothing],
        ])
      ).rows.flatMap((r) => r.payload.productIds as string[]);
    expect([...new Set(await queued(a))].sort()).toEqual([a1.id, a2.id].sort());
    expect([...new Set(await queued(b))]).toEqual([b1.id]);
    await settled(stack, a, a2.id, 'SYNCED', 3);
  });

  it('collapses pushes in quick succession into one remote call per connection carrying the latest state', async () => {
    const p = await createProduct(stack, a, 'Burst v0', 'BURST');
    await stack.stopWorker();
    try {
      for (let i = 1; i <= 5; i++) {
        await stack.http.patch(`/api/v1/pim/products/${p.id}`).set(a.headers).send({ title: `Burst v${i}` });
        await push(stack, a, p.id);
      }
    } finally {
      await stack.startWorker();
    }
    await settled(stack, a, p.id, 'SYNCED', 3);
    const shopCalls = shop.mutations('productSet').filter((r) => (r.body as { variables: { input: { handle: string } } }).variables.input.handle === p.handle);
    expect(shopCalls.map((r) => (r.body as { variables: { input: { title: string } } }).variables.input.title)).toEqual(['Burst v5']);
    const wooCreates = woo.requests.filter((r) => r.method === 'POST' && r.path === '/wp-json/wc/v3/products' && (r.body as { sku: string }).sku === p.handle);
    expect(wooCreates.map((r) => (r.body as { name: string }).name)).toEqual(['Burst v5']);
    const unifiedCreates = provider.requests.filter((r) => r.method === 'POST' && (r.body as { slug?: string })?.slug === p.handle);
    expect(unifiedCreates).toHaveLength(1);
    const runs = await runsOf(stack, a, `product_id=${p.id}`);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    // every push was recorded (the outbox relay may have merged the five into fewer fan-outs) and settled
    const seqs = await stack.db.pool.query(`SELECT requested_seq::int AS r, synced_seq::int AS s FROM sync_states WHERE product_id = $1`, [p.id]);
    expect(seqs.rows).toHaveLength(3);
    expect(seqs.rows.every((x) => x.r >= 1 && x.r <= 5 && x.s === x.r)).toBe(true);
  });

  it('auto-syncs product and variant changes when the tenant turns auto_sync on', async () => {
    expect((await stack.http.patch('/api/v1/settings').set(a.headers).send({ auto_sync: true })).status).toBe(200);
    try {
      const p = await createProduct(stack, a, 'Auto Beanie', 'AUTO');
      const rows = await settled(stack, a, p.id, 'SYNCED', 3);
      expect(rows).toHaveLength(3);
      const sp = await eventually(async () => {
        const x = shop.byHandle(p.handle);
        return x && x.files.length === 1 ? x : undefined;
      });
      expect(sp.variants).toHaveLength(2);

      await stack.http.patch(`/api/v1/pim/products/${p.id}/variants/${p.variantIds[0]}`).set(a.headers).send({ price: 79 });
      await eventually(async () => shop.byHandle(p.handle)?.variants[0].price === '79.00' && woo.variationsOf(woo.bySku(p.handle)!.id)[0].sale_price === '79.00');
      await eventually(async () => provider.itemsOf(conn.unifiedRemote).find((i) => i.slug === p.handle)?.variants[0].prices[0].price === 79);

      expect((await stack.http.delete(`/api/v1/pim/products/${p.id}`).set(a.headers)).status).toBe(204);
      await settled(stack, a, p.id, 'DELETED', 3);
      expect(shop.byHandle(p.handle)).toBeUndefined();
      expect(woo.bySku(p.handle)).toBeUndefined();
      expect(provider.itemsOf(conn.unifiedRemote).find((i) => i.slug === p.handle)).toBeUndefined();
    } finally {
      await stack.http.patch('/api/v1/settings').set(a.headers).send({ auto_sync: false });
    }
    // off again: a change stays local
    const q = await createProduct(stack, a, 'Manual Mittens', 'MAN');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await ledger(stack, a, q.id)).toEqual([]);
    expect(shop.byHandle(q.handle)).toBeUndefined();
  });

  it('sync results go out as webhooks to an endpoint subscribed to them; with none, they are written dispatched and cost no dispatch job', async () => {
    const c = await registerAccount(stack, 'Push Hooks');
    const cShop = await connectShopify(stack, c, shop);
    const eventsOf = (productId: string) =>
      stack.db.pool
        .query(`SELECT id, dispatched_at FROM events WHERE tenant_id = $1 AND type = 'sync.succeeded' AND data->>'product_id' = $2`, [c.tenantId, productId])
        .then((r) => r.rows as { id: string; dispatched_at: Date | null }[]);
    const dispatchRows = (ids: string[]) =>
      stack.db.pool
        .query(`SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND job_name = 'event.dispatch' AND payload->'eventIds' ?| $2::text[]`, [c.tenantId, ids])
        .then((r) => r.rows[0].n as number);

    // no endpoint: the event is there (the ledger's history), already dispatched, and no dispatch was queued for it
    const quiet = await createProduct(stack, c, 'Quiet Beanie', 'QBN');
    await push(stack, c, quiet.id);
    await settled(stack, c, quiet.id, 'SYNCED', 1);
    const before = await eventsOf(quiet.id);
    expect(before).toHaveLength(1);
    expect(before[0].dispatched_at).not.toBeNull();
    expect(await dispatchRows(before.map((e) => e.id))).toBe(0);

    // an endpoint subscribed to sync.succeeded (another one, to product events only): the next result is delivered to it
    const receiver = await new WebhookReceiver().start();
    try {
      for (const [path, events] of [['/sync', ['sync.succeeded']], ['/products', ['product.updated']]] as const) {
        const res = await stack.http.post('/api/v1/webhooks').set(c.headers).send({ url: receiver.url(path), events });
        expect(res.status).toBe(201);
      }
      const loud = await createProduct(stack, c, 'Loud Beanie', 'LBN');
      await push(stack, c, loud.id);
      await settled(stack, c, loud.id, 'SYNCED', 1);
      const hooks = await eventually(async () => {
        const got = receiver.at('/sync').map((r) => JSON.parse(r.body));
        return got.some((h) => h.data?.product_id === loud.id) ? got : undefined;
      }, 20000);
      expect(hooks.filter((h) => h.data?.product_id === loud.id)).toEqual([
        expect.objectContaining({ event: 'sync.succeeded', data: expect.objectContaining({ connection_id: cShop, product_id: loud.id, platform: 'shopify' }) }),
      ]);
      const after = await eventsOf(loud.id);
      expect(await dispatchRows(after.map((e) => e.id))).toBe(1);
      await eventually(async () => ((await eventsOf(loud.id))[0].dispatched_at ? true : undefined), 20000);
      expect(receiver.at('/products').filter((r) => JSON.parse(r.body).event?.startsWith('sync.'))).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});
