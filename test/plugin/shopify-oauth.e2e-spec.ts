import { registerAccount, TestAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';
import { FakeShopify } from '../fakes/fake-shopify';
import { FakeWooCommerce } from '../fakes/fake-woocommerce';
import { connectBody, outboxJobs, usePublicUrl } from './plugin-helpers';

const REDIRECT = 'https://panel.synq.test/api/shopify/oauth/callback';

describe('Shopify OAuth install flow and Shopify webhooks', () => {
  let stack: Stack;
  let shop: FakeShopify;
  let woo: FakeWooCommerce;
  let a: TestAccount;
  let channelId: string;
  const auth = () => ({ Authorization: `Bearer ${a.token}` });

  beforeAll(async () => {
    [shop, woo] = await Promise.all([new FakeShopify().start(), new FakeWooCommerce().start()]);
    stack = await startStack({
      worker: true,
      env: {
        SHOPIFY_API_KEY: shop.clientId,
        SHOPIFY_API_SECRET: shop.clientSecret,
        SHOPIFY_REDIRECT_URL: REDIRECT,
        SHOPIFY_SHOP_BASE_URL: shop.url,
        SYNC_DEBOUNCE_MS: '200',
      },
    });
    usePublicUrl(stack);
    a = await registerAccount(stack, 'Shopify Merchant');
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([shop.stop(), woo.stop()]);
  });

  const init = (body: Record<string, unknown>, who = a) => stack.http.post('/api/shopify/oauth/init').set('Authorization', `Bearer ${who.token}`).send(body);
  const callback = (query: string) => stack.http.get(`/api/shopify/oauth/callback?${query}`).redirects(0);
  const connections = async () => (await stack.db.pool.query(`SELECT id, status, store_key, base_url, display_name, credentials_sealed FROM connections WHERE tenant_id = $1 AND kind = 'shopify' ORDER BY created_at`, [a.tenantId])).rows;
  const errorOf = (res: { status: number; headers: Record<string, string> }) => {
    expect(res.status).toBe(302);
    const u = new URL(res.headers.location, 'https://panel.synq.test');
    expect(u.searchParams.get('oauth')).toBe('error');
    return u.searchParams.get('message') ?? '';
  };

  it('status says whether the app is configured', async () => {
    const res = await stack.http.get('/api/shopify/oauth/status').set(auth());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ configured: true });
    expect((await stack.http.get('/api/shopify/oauth/status')).status).toBe(401);
  });

  it('init turns a bare name or a full domain into the consent URL with a single-use state', async () => {
    const bare = await init({ shopDomain: 'mystore' });
    expect(bare.status).toBe(200);
    const u = new URL(bare.body.authUrl);
    expect(`${u.origin}${u.pathname}`).toBe('https://mystore.myshopify.com/admin/oauth/authorize');
    expect(u.searchParams.get('client_id')).toBe(shop.clientId);
    expect(u.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(u.searchParams.get('scope')).toMatch(/write_products/);
    expect(u.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const full = await init({ shopDomain: 'Other-Store.myshopify.com' });
    expect(new URL(full.body.authUrl).hostname).toBe('other-store.myshopify.com');
    expect(new URL(full.body.authUrl).searchParams.get('state')).not.toBe(u.searchParams.get('state'));
    const stored = await stack.db.pool.query(`SELECT state_hash, tenant_id, data, expires_at - created_at AS ttl FROM oauth_states WHERE purpose = 'shopify_oauth' AND tenant_id = $1`, [a.tenantId]);
    expect(stored.rows).toHaveLength(2);
    expect(JSON.stringify(stored.rows)).not.toContain(u.searchParams.get('state'));
    expect(stored.rows.map((r) => r.data.shop).sort()).toEqual(['mystore.myshopify.com', 'other-store.myshopify.com']);
  });

  it('init refuses anything but a myshopify.com shop with 400 before any outbound call', async () => {
    const mark = shop.requests.length;
    for (const shopDomain of ['evil.com', 'a.myshopify.com.evil.com', 'https://mystore.myshopify.com', 'my store', '-x.myshopify.com', 'x'.repeat(300)]) {
      const res = await init({ shopDomain });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('shopDomain') });
    }
    expect((await init({ shopDomain: 'mystore', channelId: 'nope' })).status).toBe(400);
    expect((await init({ shopDomain: 'mystore', channelId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await init({})).status).toBe(400);
    expect(shop.since(mark)).toHaveLength(0);
  });

  it('the full callback: HMAC checked, code exchanged, token checked against the shop, webhooks subscribed, channel stored, redirect', async () => {
    const start = await init({ shopDomain: shop.shopDomain });
    const { query } = shop.consent(start.body.authUrl);
    const res = await callback(query);
    expect(res.status).toBe(302);
    const m = /^\/sales-channels\/([0-9a-f-]{36})\?oauth=success$/.exec(res.headers.location);
    expect(m).not.toBeNull();
    channelId = m![1];

    const rows = await connections();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: channelId, status: 'ACTIVE', store_key: shop.shopDomain, base_url: shop.url, display_name: shop.shopName });
    expect(rows[0].credentials_sealed).not.toContain(shop.accessToken);

    const exchange = shop.requests.find((r) => r.path === '/admin/oauth/access_token')!;
    expect(exchange.body).toMatchObject({ client_id: shop.clientId, client_secret: shop.clientSecret, code: expect.any(String) });
    expect(shop.webhooks.map((w) => w.topic).sort()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE', 'ORDERS_UPDATED', 'PRODUCTS_CREATE', 'PRODUCTS_DELETE', 'PRODUCTS_UPDATE']);
    for (const w of shop.webhooks) expect(w.uri).toBe(`${stack.url}/unified/webhooks/shopify`);
    const status = await stack.http.get('/api/auth/account-status').set(auth());
    expect(status.body.connected).toBe(true);

    // the same redirect again: the state was used
    expect(errorOf(await callback(query))).toMatch(/state/);
    expect(await connections()).toHaveLength(1);
  });

  it('refuses a tampered hmac, an expired timestamp, another shop and a forged state, storing nothing', async () => {
    const before = (await connections()).length;
    const start = await init({ shopDomain: 'second-shop' });

    const good = shop.consent(start.body.authUrl).query;
    const tampered = new URLSearchParams(good);
    tampered.set('hmac', tampered.get('hmac')!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')));
    expect(errorOf(await callback(tampered.toString()))).toMatch(/hmac/);
    const changed = new URLSearchParams(good);
    changed.set('code', 'attacker-code');
    expect(errorOf(await callback(changed.toString()))).toMatch(/hmac/);
    expect(errorOf(await callback(good.replace(/&hmac=[0-9a-f]+/, '')))).toMatch(/hmac/);

    const old = shop.consent(start.body.authUrl, { timestamp: Math.floor(Date.now() / 1000) - 120 }).query;
    expect(errorOf(await callback(old))).toMatch(/too old/);

    // validly signed, but for a shop the state was not issued for
    const elsewhere = shop.consent(start.body.authUrl, { shop: 'third-shop.myshopify.com' }).query;
    expect(errorOf(await callback(elsewhere))).toMatch(/not the one/);

    // a state Synq never issued
    const forged = await init({ shopDomain: 'second-shop' });
    const u = new URL(forged.body.authUrl);
    u.searchParams.set('state', 'made-up-state-value');
    expect(errorOf(await callback(shop.consent(u.toString()).query))).toMatch(/state/);

    // an evil shop name in a signed redirect
    const evil = shop.consent(start.body.authUrl, { shop: 'a.myshopify.com.evil.com' }).query;
    expect(errorOf(await callback(evil))).toMatch(/myshopify/);

    expect(await connections()).toHaveLength(before);
  });

  it('shopify webhooks: HMAC verified, orders queued once per event id', async () => {
    const order = { id: 820982911946154500, name: '#1001', currency: 'EUR', total_price: '19.90', line_items: [{ sku: 'MUG-1', quantity: 2 }], customer: { id: 191167, email: 'john@example.com' } };
    const url = `${stack.url}/unified/webhooks/shopify`;
    expect((await shop.sendWebhook(url, 'orders/create', order, { eventId: 'evt-1' })).status).toBe(200);
    const dup = await shop.sendWebhook(url, 'orders/create', order, { eventId: 'evt-1' });
    expect(dup.status).toBe(200);
    expect((await shop.sendWebhook(url, 'orders/updated', order, { eventId: 'evt-2', tamper: true })).status).toBe(401);
    expect((await shop.sendWebhook(url, 'orders/updated', order, { eventId: 'evt-3', secret: 'wrong' })).status).toBe(401);
    expect((await shop.sendWebhook(url, 'products/update', { id: 1 }, { eventId: 'evt-4' })).status).toBe(200);
    const jobs = await outboxJobs(stack, 'order.ingest', a.tenantId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].payload).toEqual({ tenantId: a.tenantId, connectionId: channelId, platform: 'shopify', topic: 'orders/create', order: JSON.parse(JSON.stringify(order)) });
    // a tampered delivery with a fresh event id did not burn the id either
    expect((await shop.sendWebhook(url, 'orders/updated', order, { eventId: 'evt-2' })).status).toBe(200);
    expect(await outboxJobs(stack, 'order.ingest', a.tenantId)).toHaveLength(2);
  });

  it('a product pushed after connecting reaches both fakes (Shopify via OAuth, WooCommerce via the plugin connect)', async () => {
    const connect = await stack.http.post('/api/stores/connect').set(auth()).send(connectBody(woo, a.email));
    expect(connect.status).toBe(201);
    const product = await stack.http
      .post('/api/v1/pim/products')
      .set(a.headers)
      .send({ title: 'Trail Mug', variants: [{ sku: 'MUG-TRAIL-1', price: 14.5, currency: 'EUR' }] });
    expect(product.status).toBe(201);
    expect((await stack.http.post('/unified/sync/push/product').set(a.headers).send({ productId: product.body.id, action: 'UPSERT' })).status).toBe(202);
    await eventually(async () => shop.byHandle(product.body.handle) && woo.bySku('MUG-TRAIL-1'), 20000);
    const set = shop.mutations('productSet').at(-1)!;
    expect(set.headers['x-shopify-access-token']).toBe(shop.accessToken);
    expect(woo.bySku('MUG-TRAIL-1')).toMatchObject({ name: 'Trail Mug', regular_price: '14.50' });
    const synced = await eventually(async () => {
      const r = await stack.http.get('/api/sync/status').set(auth());
      return r.body.products_synced === 1 ? r.body : undefined;
    });
    expect(synced.last_sync).toEqual(expect.any(String));
  });

  it('compliance topics are accepted with a valid HMAC (401 otherwise), recorded and acted on', async () => {
    const url = `${stack.url}/unified/webhooks/shopify`;
    await eventually(async () => (await stack.db.pool.query(`SELECT bool_and(relayed_at IS NOT NULL) AS done FROM outbox WHERE tenant_id = $1 AND job_name = 'order.ingest'`, [a.tenantId])).rows[0].done);
    for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact']) {
      expect((await shop.sendWebhook(url, topic, { shop_domain: shop.shopDomain }, { secret: 'nope' })).status).toBe(401);
    }
    const request = { shop_id: 954889, shop_domain: shop.shopDomain, customer: { id: 191167, email: 'john@example.com' }, orders_requested: [299938] };
    expect((await shop.sendWebhook(url, 'customers/data_request', request)).status).toBe(200);
    // the order webhook of the test above has been imported by the orders module
    const before = await eventually(async () => {
      const r = await stack.db.pool.query(`SELECT customer_email FROM orders WHERE tenant_id = $1`, [a.tenantId]);
      return r.rows.length ? r.rows : undefined;
    }, 20000);
    expect(before[0].customer_email).toBe('john@example.com');
    expect((await shop.sendWebhook(url, 'customers/redact', { ...request, orders_to_redact: [299938] })).status).toBe(200);
    const audit = await stack.db.pool.query(`SELECT action, changes FROM audit_events WHERE tenant_id = $1 AND action LIKE 'compliance.%' ORDER BY created_at`, [a.tenantId]);
    // the customer's orders Synq still held (relayed order.ingest rows) keep only their id
    const held = await stack.db.pool.query(`SELECT payload FROM outbox WHERE tenant_id = $1 AND job_name = 'order.ingest'`, [a.tenantId]);
    expect(held.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(held.rows)).not.toContain('john@example.com');
    expect(held.rows[0].payload.order).toEqual({ id: 820982911946154500, redacted: true });
    expect(audit.rows.map((r) => r.action)).toEqual(['compliance.customer_data_requested', 'compliance.customer_redacted']);
    // the orders imported from the shop keep their amounts but lose the customer's personal data
    const imported = await stack.db.pool.query(`SELECT external_id, customer_email, customer_name, shipping_address, total FROM orders WHERE tenant_id = $1`, [a.tenantId]);
    expect(imported.rows.length).toBeGreaterThan(0);
    for (const o of imported.rows) expect(o).toMatchObject({ customer_email: null, customer_name: null, shipping_address: null });
    expect(JSON.stringify(audit.rows)).not.toContain('john@example.com');
  });

  it('app/uninstalled revokes the channel and erases its token; shop/redact erases the shop', async () => {
    const url = `${stack.url}/unified/webhooks/shopify`;
    expect((await shop.sendWebhook(url, 'app/uninstalled', { id: 1, domain: shop.shopDomain }, { secret: 'bad' })).status).toBe(401);
    expect((await connections())[0]).toMatchObject({ status: 'ACTIVE' });
    expect((await shop.sendWebhook(url, 'app/uninstalled', { id: 1, domain: shop.shopDomain })).status).toBe(200);
    expect((await connections())[0]).toMatchObject({ id: channelId, status: 'REVOKED', credentials_sealed: null });
    // orders of an uninstalled shop are no longer taken
    await shop.sendWebhook(url, 'orders/create', { id: 5 });
    expect(await outboxJobs(stack, 'order.ingest', a.tenantId)).toHaveLength(2);
    // missing headers
    const bare = await stack.http.post('/unified/webhooks/shopify').set('x-shopify-hmac-sha256', 'x').send({ id: 1 });
    expect(bare.status).toBe(401);
    expect(bare.body).toMatchObject({ code: 'INVALID_SIGNATURE' });

    expect((await shop.sendWebhook(url, 'shop/redact', { shop_id: 954889, shop_domain: shop.shopDomain })).status).toBe(200);
    expect(await connections()).toHaveLength(0);
    expect(await outboxJobs(stack, 'order.ingest', a.tenantId)).toHaveLength(0);
    const ledger = await stack.db.pool.query(`SELECT count(*)::int AS n FROM sync_states WHERE connection_id = $1`, [channelId]);
    expect(ledger.rows[0].n).toBe(0);

    // reinstall through the channel-less flow works again
    const again = await init({ shopDomain: shop.shopDomain });
    const res = await callback(shop.consent(again.body.authUrl).query);
    expect(res.headers.location).toMatch(/oauth=success$/);
  });

  it('linking an existing channel: init with channelId updates that channel', async () => {
    const [existing] = await connections();
    const start = await init({ shopDomain: shop.shopDomain, channelId: existing.id });
    expect(start.status).toBe(200);
    expect((await init({ shopDomain: 'someone-else', channelId: existing.id })).status).toBe(400);
    const b = await registerAccount(stack, 'Other tenant');
    expect((await init({ shopDomain: shop.shopDomain, channelId: existing.id }, b)).status).toBe(404);
    const res = await callback(shop.consent(start.body.authUrl).query);
    expect(res.headers.location).toBe(`/sales-channels/${existing.id}?oauth=success`);
    expect(await connections()).toHaveLength(1);
  });
});

describe('Shopify expiring offline tokens', () => {
  let stack: Stack;
  let shop: FakeShopify;
  beforeAll(async () => {
    shop = await new FakeShopify().start();
    shop.expiresInSeconds = 60; // inside the refresh margin: refreshed before the first use
    stack = await startStack({
      worker: true,
      env: {
        SHOPIFY_API_KEY: shop.clientId,
        SHOPIFY_API_SECRET: shop.clientSecret,
        SHOPIFY_REDIRECT_URL: REDIRECT,
        SHOPIFY_SHOP_BASE_URL: shop.url,
        SHOPIFY_EXPIRING_TOKENS: 'true',
        SYNC_DEBOUNCE_MS: '100',
      },
    });
    usePublicUrl(stack);
  });
  afterAll(async () => {
    await stack.stop();
    await shop.stop();
  });

  it('stores the refresh token and refreshes the access token before a push uses it', async () => {
    const a = await registerAccount(stack, 'Expiring');
    const start = await stack.http.post('/api/shopify/oauth/init').set('Authorization', `Bearer ${a.token}`).send({ shopDomain: shop.shopDomain });
    const res = await stack.http.get(`/api/shopify/oauth/callback?${shop.consent(start.body.authUrl).query}`).redirects(0);
    expect(res.headers.location).toMatch(/oauth=success$/);
    const exchange = shop.requests.find((r) => r.path === '/admin/oauth/access_token')!;
    expect(exchange.body).toMatchObject({ expiring: 1 });

    const product = await stack.http.post('/api/v1/pim/products').set(a.headers).send({ title: 'Fresh Token Mug', variants: [{ sku: 'MUG-FRESH-1', price: 9, currency: 'EUR' }] });
    await stack.http.post('/unified/sync/push/product').set(a.headers).send({ productId: product.body.id, action: 'UPSERT' });
    await eventually(async () => shop.byHandle(product.body.handle));
    const tokenCalls = shop.requests.filter((r) => r.path === '/admin/oauth/access_token');
    expect(tokenCalls.map((r) => (r.body as { grant_type?: string }).grant_type ?? 'code')).toEqual(['code', 'refresh_token']);
    expect(shop.mutations('productSet').at(-1)!.headers['x-shopify-access-token']).toBe(shop.accessToken);
  });
});
