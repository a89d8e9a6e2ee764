import { registerAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';
import { FakeWooCommerce } from '../fakes/fake-woocommerce';
import { accountOf, connectBody, outboxJobs, plainSite, uniqueEmail, usePublicUrl } from './plugin-helpers';

describe('plugin: WooCommerce store connect, webhooks, disconnect, sync status', () => {
  let stack: Stack;
  let store: FakeWooCommerce;
  let connected: { channelId: string; token: string; email: string };

  beforeAll(async () => {
    store = await new FakeWooCommerce('ck_live_a1b2c3d4e5f6', 'cs_live_f6e5d4c3b2a1').start();
    stack = await startStack({ worker: true });
    usePublicUrl(stack);
  });
  afterAll(async () => {
    await stack.stop();
    await store.stop();
  });

  const connRow = async (id: string) => (await stack.db.pool.query(`SELECT tenant_id, kind, provider, status, base_url, store_key, credentials_sealed FROM connections WHERE id = $1`, [id])).rows[0];

  it('connects a new store with good keys: 201, a new account, keys proven, webhooks registered, secret sealed', async () => {
    const email = uniqueEmail('woo');
    const res = await stack.http.post('/api/stores/connect').send(connectBody(store, email));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ success: true, token: expect.any(String), channelId: expect.any(String), message: 'Store connected successfully' });
    connected = { channelId: res.body.channelId, token: res.body.token, email };

    // the keys were proven against the store before anything was stored
    const statusCall = store.requests.find((r) => r.path === '/wp-json/wc/v3/system_status');
    expect(statusCall?.headers.authorization).toBe(`Basic ${Buffer.from(`${store.consumerKey}:${store.consumerSecret}`).toString('base64')}`);

    const row = await connRow(connected.channelId);
    expect(row).toMatchObject({ kind: 'woocommerce', provider: 'woocommerce', status: 'ACTIVE', base_url: store.url, store_key: store.url });
    expect(row.credentials_sealed).not.toContain(store.consumerSecret);
    expect(row.credentials_sealed).not.toContain(store.consumerKey);

    // webhooks for order and product topics, pointing at the channel, pinged successfully
    const hooks = [...store.webhooks.values()];
    expect(hooks.map((h) => h.topic).sort()).toEqual(['order.created', 'order.updated', 'product.created', 'product.deleted', 'product.updated']);
    for (const h of hooks) {
      expect(h.delivery_url).toBe(`${stack.url}/unified/webhooks/woocommerce/${connected.channelId}`);
      expect(h.secret.length).toBeGreaterThanOrEqual(32);
      expect(row.credentials_sealed).not.toContain(h.secret);
      expect(h.pingStatus).toBe(200);
    }

    const status = await stack.http.get('/api/auth/account-status').set('Authorization', `Bearer ${connected.token}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ connected: true, email, plan: 'starter', organizationName: '127.0.0.1' });
  });

  it('reconnecting the same store (key rotation) with the same email answers 200 with the same channel and replaces the webhooks', async () => {
    const before = [...store.webhooks.keys()];
    const res = await stack.http.post('/api/stores/connect').send(connectBody(store, connected.email, { storeUrl: `${store.url}/` }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, channelId: connected.channelId, token: expect.any(String) });
    expect(accountOf(res.body.token, connected.email).tenantId).toBe(accountOf(connected.token, connected.email).tenantId);
    const after = [...store.webhooks.keys()];
    expect(after).toHaveLength(5);
    expect(after.some((id) => before.includes(id))).toBe(false);
    const n = await stack.db.pool.query(`SELECT count(*)::int AS n FROM connections WHERE kind = 'woocommerce' AND store_key = $1`, [store.url]);
    expect(n.rows[0].n).toBe(1);
  });

  it('refuses bad keys (401), read-only keys (403), a non-WooCommerce site (400) and an unreachable one (502), storing nothing', async () => {
    const email = uniqueEmail('bad');
    const users = async () => (await stack.db.pool.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email])).rows[0].n;

    const badKeys = await stack.http.post('/api/stores/connect').send(connectBody(store, email, { consumerSecret: 'cs_wrong_secret_123' }));
    expect(badKeys.status).toBe(401);
    expect(badKeys.body).toEqual({ statusCode: 401, message: expect.stringContaining('Consumer secret is invalid'), error: 'INVALID_STORE_KEYS' });

    const hooksBefore = store.webhooks.size;
    store.permissions = 'read';
    try {
      const readOnly = await stack.http.post('/api/stores/connect').send(connectBody(store, email));
      expect(readOnly.status).toBe(403);
      expect(readOnly.body).toMatchObject({ statusCode: 403, error: 'STORE_KEYS_PERMISSION', message: expect.stringContaining('write permissions') });
    } finally {
      store.permissions = 'read_write';
    }
    expect(store.webhooks.size).toBe(hooksBefore);

    for (const ok200 of [false, true]) {
      const blog = await plainSite(ok200);
      try {
        const res = await stack.http.post('/api/stores/connect').send(connectBody(store, email, { storeUrl: blog.url }));
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'NOT_WOOCOMMERCE', message: expect.stringContaining('WooCommerce') });
        expect(blog.hits()).toBe(1);
      } finally {
        await blog.stop();
      }
    }
    const gone = await plainSite();
    await gone.stop();
    const unreachable = await stack.http.post('/api/stores/connect').send(connectBody(store, email, { storeUrl: gone.url }));
    expect(unreachable.status).toBe(502);
    expect(unreachable.body).toMatchObject({ statusCode: 502, error: 'STORE_UNREACHABLE' });

    expect(await users()).toBe(0);
  });

  it('validates the body in the plugin error shape', async () => {
    const email = uniqueEmail('val');
    for (const [patch, field] of [
      [{ storeUrl: 'ftp://store.example' }, 'storeUrl'],
      [{ storeUrl: 'not a url' }, 'storeUrl'],
      [{ consumerKey: 'nope' }, 'consumerKey'],
      [{ consumerSecret: 'x'.repeat(500) }, 'consumerSecret'],
      [{ email: 'not-an-email' }, 'email'],
      [{ platform: 'shopify' }, 'platform'],
      [{ surprise: true }, 'surprise'],
    ] as [Record<string, unknown>, string][]) {
      const res = await stack.http.post('/api/stores/connect').send(connectBody(store, email, patch));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining(field) });
    }
  });

  it('409 ACCOUNT_EXISTS: an email with an account gets no token for a store that is not its channel', async () => {
    const victim = await registerAccount(stack, 'Victim');
    const mark = store.requests.length;
    const res = await stack.http.post('/api/stores/connect').send(connectBody(store, victim.email));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'ACCOUNT_EXISTS', message: expect.stringContaining('sign in') });
    const rows = await stack.db.pool.query(`SELECT count(*)::int AS n FROM connections WHERE tenant_id = $1`, [victim.tenantId]);
    expect(rows.rows[0].n).toBe(0);
    // the keys of the store were not even tried
    expect(store.since(mark)).toHaveLength(0);

    // an invalid token is refused rather than ignored
    const forged = await stack.http.post('/api/stores/connect').set('Authorization', 'Bearer not.a.jwt').send(connectBody(store, uniqueEmail('x')));
    expect(forged.status).toBe(401);
  });

  it('with a JWT the store joins that account; the Platform API connects the same way', async () => {
    const owner = await registerAccount(stack, 'Owner With JWT');
    const other = await new FakeWooCommerce('ck_other_store_1', 'cs_other_store_1').start();
    try {
      const res = await stack.http.post('/api/stores/connect').set('Authorization', `Bearer ${owner.token}`).send(connectBody(other, owner.email));
      expect(res.status).toBe(201);
      expect((await connRow(res.body.channelId)).tenant_id).toBe(owner.tenantId);
      expect(accountOf(res.body.token, owner.email).tenantId).toBe(owner.tenantId);

      const platform = await stack.http.post('/api/v1/integrations/woocommerce').set(owner.headers).send(connectBody(other, owner.email));
      expect(platform.status).toBe(200);
      expect(platform.body).toEqual({ success: true, channel_id: res.body.channelId, message: 'Store connected successfully' });
      const foreign = await stack.http.post('/api/v1/integrations/woocommerce').set({ ...owner.headers, 'X-Tenant-ID': accountOf(connected.token, '').tenantId }).send(connectBody(other, owner.email));
      expect(foreign.status).toBe(403);
      expect(foreign.body).toMatchObject({ code: 'TENANT_MISMATCH' });

      // two stores: disconnect must name one; another account's channel is not found
      const third = await new FakeWooCommerce('ck_third_store_1', 'cs_third_store_1').start();
      try {
        expect((await stack.http.post('/api/stores/connect').set('Authorization', `Bearer ${owner.token}`).send(connectBody(third, owner.email))).status).toBe(201);
        const jwt = { Authorization: `Bearer ${owner.token}` };
        const ambiguous = await stack.http.post('/api/stores/disconnect').set(jwt).send({});
        expect(ambiguous.status).toBe(400);
        expect(ambiguous.body).toMatchObject({ statusCode: 400, error: 'CHANNEL_REQUIRED' });
        const foreignChannel = await stack.http.post('/api/stores/disconnect').set(jwt).send({ channelId: connected.channelId });
        expect(foreignChannel.status).toBe(404);
        expect((await connRow(connected.channelId)).status).toBe('ACTIVE');
        const byUrl = await stack.http.post('/api/stores/disconnect').set(jwt).send({ storeUrl: `${third.url}/` });
        expect(byUrl.status).toBe(200);
        expect(third.webhooks.size).toBe(0);
        expect(other.webhooks.size).toBe(5);
        // an API key is not accepted on the plugin surface
        const key = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'k', role: 'admin' });
        expect((await stack.http.post('/api/stores/disconnect').set('Authorization', `Bearer ${key.body.key}`).send({})).status).toBe(401);
      } finally {
        await third.stop();
      }
    } finally {
      await other.stop();
    }
  });

  it('verifies WooCommerce deliveries: signed orders become order.ingest jobs (once), bad signatures 401, pings 200', async () => {
    const tenantId = accountOf(connected.token, connected.email).tenantId;
    const order = { id: 727, status: 'processing', currency: 'EUR', total: '29.90', line_items: [{ sku: 'WOOL-M-BLU', quantity: 1 }], billing: { email: 'buyer@example.com' } };
    const [ok] = await store.deliver('order.created', order, { deliveryId: 'delivery-1' });
    expect(ok.status).toBe(200);
    const [dup] = await store.deliver('order.created', order, { deliveryId: 'delivery-1' });
    expect(dup.status).toBe(200);
    const [bad] = await store.deliver('order.updated', order, { tamper: true });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 'INVALID_SIGNATURE' });
    const [wrongSecret] = await store.deliver('order.updated', order, { secret: 'guessed' });
    expect(wrongSecret.status).toBe(401);
    const [product] = await store.deliver('product.updated', { id: 5, sku: 'X' });
    expect(product.status).toBe(200);

    const jobs = await outboxJobs(stack, 'order.ingest', tenantId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].payload).toEqual({ tenantId, connectionId: connected.channelId, platform: 'woocommerce', topic: 'order.created', order });

    const ping = await stack.http.post(`/unified/webhooks/woocommerce/${connected.channelId}`).type('form').send('webhook_id=42');
    expect(ping.status).toBe(200);
    const unsigned = await stack.http.post(`/unified/webhooks/woocommerce/${connected.channelId}`).set('x-wc-webhook-topic', 'order.created').send(order);
    expect(unsigned.status).toBe(401);
    const unknown = await stack.http.post('/unified/webhooks/woocommerce/00000000-0000-4000-8000-000000000000').set('x-wc-webhook-signature', 'x').send(order);
    expect(unknown.status).toBe(404);
    // the worker picks the job up (the processor acknowledges it)
    await eventually(async () => (await stack.db.pool.query(`SELECT relayed_at FROM outbox WHERE job_name = 'order.ingest' AND tenant_id = $1`, [tenantId])).rows[0]?.relayed_at);
  });

  it('GET /api/sync/status counts from real data', async () => {
    const auth = { Authorization: `Bearer ${connected.token}` };
    const acct = accountOf(connected.token, connected.email);
    const first = await stack.http.get('/api/sync/status').set(auth);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ suppliers: 0, feeds: 0, products_synced: 0, last_sync: null, last_activity: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });

    const feed = await stack.http.post('/api/v1/feeds').set(acct.headers).send({ name: 'Google', slug: `g-${acct.tenantId.slice(0, 8)}`, format: 'xml', template: 'google_shopping', currency: 'USD', link_template: 'https://shop.example/p/{handle}', published: false });
    expect(feed.status).toBe(201);
    const supplier = await stack.http
      .post('/api/v1/suppliers')
      .set(acct.headers)
      .send({ name: 'Mug wholesaler', format: 'csv', mapping: [{ source: 'SKU', target: 'sku' }, { source: 'Name', target: 'title' }] });
    expect(supplier.status).toBe(201);
    const product = await stack.http.post('/api/v1/pim/products').set(acct.headers).send({ title: 'Status Mug', variants: [{ sku: 'MUG-STATUS-1', price: 12.5, currency: 'EUR' }] });
    expect(product.status).toBe(201);
    expect((await stack.http.post('/unified/sync/push/product').set(acct.headers).send({ productId: product.body.id, action: 'UPSERT' })).status).toBe(202);
    await eventually(async () => store.bySku('MUG-STATUS-1'));

    const now = await eventually(async () => {
      const r = await stack.http.get('/api/sync/status').set(auth);
      return r.body.products_synced === 1 ? r : undefined;
    });
    expect(now.body).toMatchObject({ suppliers: 1, feeds: 1, products_synced: 1, last_sync: expect.stringMatching(/Z$/) });
    expect(Date.parse(now.body.last_activity)).toBeGreaterThanOrEqual(Date.parse(now.body.last_sync));
    // another account sees its own numbers only
    const stranger = await registerAccount(stack, 'Stranger');
    const theirs = await stack.http.get('/api/sync/status').set('Authorization', `Bearer ${stranger.token}`);
    expect(theirs.body).toMatchObject({ feeds: 0, products_synced: 0, last_sync: null });
    expect((await stack.http.get('/api/sync/status')).status).toBe(401);
  });

  it('disconnect erases the keys, deactivates the channel and removes Synq’s webhooks from the store', async () => {
    const auth = { Authorization: `Bearer ${connected.token}` };
    const res = await stack.http.post('/api/stores/disconnect').set(auth).send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: 'Store disconnected' });
    const row = await connRow(connected.channelId);
    expect(row).toMatchObject({ status: 'REVOKED', credentials_sealed: null });
    expect(store.webhooks.size).toBe(0);
    expect((await stack.http.get('/api/auth/account-status').set(auth)).body.connected).toBe(false);
    // deliveries to the channel are no longer accepted
    const late = await stack.http.post(`/unified/webhooks/woocommerce/${connected.channelId}`).set('x-wc-webhook-signature', 'x').send({ id: 1 });
    expect(late.status).toBe(404);
    const again = await stack.http.post('/api/stores/disconnect').set(auth).send({});
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ statusCode: 404 });
  });
});

describe('plugin: private store addresses are refused unless configured', () => {
  let stack: Stack;
  let store: FakeWooCommerce;
  beforeAll(async () => {
    store = await new FakeWooCommerce().start();
    stack = await startStack({ env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'false' } });
  });
  afterAll(async () => {
    await stack.stop();
    await store.stop();
  });

  it('refuses loopback, private and metadata addresses before calling them; Shopify is not configured here', async () => {
    for (const url of [store.url.replace('http:', 'https:'), 'https://10.1.2.3', 'https://169.254.169.254', 'https://[::1]:8443', 'https://localhost']) {
      const res = await stack.http.post('/api/stores/connect').send(connectBody(store, uniqueEmail('priv'), { storeUrl: url }));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'STORE_URL_REFUSED' });
    }
    const plainHttp = await stack.http.post('/api/stores/connect').send(connectBody(store, uniqueEmail('priv'), { storeUrl: 'http://shop.example.com' }));
    expect(plainHttp.status).toBe(400);
    expect(plainHttp.body.message).toMatch(/HTTPS/);
    expect(store.requests).toHaveLength(0);

    const acct = await registerAccount(stack, 'No Shopify');
    const status = await stack.http.get('/api/shopify/oauth/status').set('Authorization', `Bearer ${acct.token}`);
    expect(status.body).toEqual({ configured: false });
    const init = await stack.http.post('/api/shopify/oauth/init').set('Authorization', `Bearer ${acct.token}`).send({ shopDomain: 'mystore' });
    expect(init.status).toBe(503);
    expect(init.body).toMatchObject({ statusCode: 503, error: 'SHOPIFY_NOT_CONFIGURED' });
  });
});
