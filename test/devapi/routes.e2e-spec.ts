import { FakeShopify } from '../fakes/fake-shopify';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectShopify } from '../helpers/connections';
import { startStack, Stack } from '../helpers/stack';
import { DevKey, secretKey, simpleProduct } from './devapi-helpers';

/**
 * Every Developer API route with an `sk_live_` key (tenant from the key, no tenant headers), the same
 * services on the Platform API, a revoked key → 401 and another tenant's ids → 404.
 */
describe('developer API /v1 with secret keys', () => {
  let stack: Stack;
  let shop: FakeShopify;
  let a: TestAccount;
  let b: TestAccount;
  let ka: DevKey;
  let kb: DevKey;
  let connA: string;
  let connB: string;
  let pa: { productId: string; variantId: string };
  let pa2: { productId: string; variantId: string };
  let pb: { productId: string; variantId: string };

  beforeAll(async () => {
    shop = await new FakeShopify().start();
    stack = await startStack({ env: { WEBHOOK_ALLOW_HTTP: 'true' } });
    a = await registerAccount(stack, 'Dev A');
    b = await registerAccount(stack, 'Dev B');
    [ka, kb] = await Promise.all([secretKey(stack, a), secretKey(stack, b)]);
    connA = await connectShopify(stack, a, shop);
    connB = await connectShopify(stack, b, shop);
    pa = await simpleProduct(stack, a, 'A-1', 25, 10);
    pa2 = await simpleProduct(stack, a, 'A-2', 40);
    pb = await simpleProduct(stack, b, 'B-1', 30);
  });
  afterAll(async () => {
    await stack.stop();
    await shop.stop();
  });

  const v1 = (k: DevKey = ka) => ({
    get: (p: string) => stack.http.get(p).set(k.headers),
    post: (p: string, body?: object) => stack.http.post(p).set(k.headers).send(body ?? {}),
    patch: (p: string, body: object) => stack.http.patch(p).set(k.headers).send(body),
    del: (p: string) => stack.http.delete(p).set(k.headers),
  });

  describe('listings', () => {
    let listingId: string;

    it('POST /v1/listings by variant_id: 201 with the PIM price, the marketplace of the connection, and a push queued for that connection only', async () => {
      const res = await v1().post('/v1/listings', { variant_id: pa.variantId, connection_id: connA, quantity_cap: 5 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        variant_id: pa.variantId,
        product_id: pa.productId,
        sku: 'A-1',
        connection_id: connA,
        marketplace: 'shopify',
        price: 25,
        currency: 'USD',
        quantity_cap: 5,
        status: 'active',
        remote_id: null,
      });
      listingId = res.body.id;
      const outbox = await stack.db.pool.query(`SELECT payload FROM outbox WHERE tenant_id = $1 AND job_name = 'sync.fanout'`, [a.tenantId]);
      expect(outbox.rows.map((r) => r.payload)).toContainEqual({ tenantId: a.tenantId, productIds: [pa.productId], action: 'UPSERT', connectionIds: [connA] });
    });

    it('POST by sku with its own price; a second listing of the same variant on the connection → 409', async () => {
      const res = await v1().post('/v1/listings', { sku: 'A-2', connection_id: connA, price: 37.5, status: 'inactive' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ sku: 'A-2', price: 37.5, status: 'inactive' });
      const dup = await v1().post('/v1/listings', { sku: 'A-2', connection_id: connA });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ code: 'LISTING_EXISTS' });
    });

    it('POST with an Idempotency-Key answers a repeat with the first response', async () => {
      const send = (body: object) => stack.http.post('/v1/repricer/rules').set(ka.headers).set('Idempotency-Key', 'rule-create-1').send(body);
      const body = { name: 'idem', strategy: 'match_lowest', min_price: 1, scope: { skus: ['A-1'] }, enabled: false };
      const first = await send(body);
      expect(first.status).toBe(201);
      const again = await send(body);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect((await send({ ...body, name: 'other' })).status).toBe(422);
      expect((await v1().del(`/v1/repricer/rules/${first.body.id}`)).status).toBe(204);
    });

    it('bad input → 400 in the Developer API error shape, naming the field', async () => {
      const cases: [object, string][] = [
        [{ connection_id: connA }, 'variant_id'],
        [{ variant_id: pa.variantId, sku: 'A-1', connection_id: connA }, 'sku'],
        [{ variant_id: pa.variantId, connection_id: connA, price: -1 }, 'price'],
        [{ variant_id: pa.variantId, connection_id: connA, price: 'ten' }, 'price'],
        [{ variant_id: pa.variantId, connection_id: connA, status: 'live' }, 'status'],
        [{ variant_id: pa.variantId, connection_id: connA, quantity_cap: 1.5 }, 'quantity_cap'],
        [{ variant_id: pa.variantId, connection_id: 'nope' }, 'connection_id'],
        [{ variant_id: pa.variantId, connection_id: connA, colour: 'red' }, 'colour'],
        [{ sku: 'x'.repeat(101), connection_id: connA }, 'sku'],
      ];
      for (const [body, field] of cases) {
        const res = await v1().post('/v1/listings', body);
        expect(res.status).toBe(400);
        expect(typeof res.body.error).toBe('string');
        expect(res.body.code).toBeDefined();
        expect(JSON.stringify(res.body)).toContain(field);
      }
    });

    it('another tenant’s variant or connection → 404', async () => {
      expect((await v1().post('/v1/listings', { variant_id: pb.variantId, connection_id: connA })).status).toBe(404);
      expect((await v1().post('/v1/listings', { variant_id: pa.variantId, connection_id: connB })).status).toBe(404);
      expect((await v1().post('/v1/listings', { sku: 'B-1', connection_id: connA })).status).toBe(404);
    });

    it('GET /v1/listings: cursor pagination with a Link header, filters marketplace, status, sku, connection', async () => {
      const page1 = await v1().get('/v1/listings?limit=1');
      expect(page1.status).toBe(200);
      expect(page1.body).toHaveLength(1);
      const link = /<([^>]+)>; rel="next"/.exec(page1.headers.link)![1];
      expect(link.startsWith('/v1/listings?')).toBe(true);
      const page2 = await v1().get(link);
      expect(page2.body).toHaveLength(1);
      expect(page2.body[0].id).not.toBe(page1.body[0].id);
      expect(page2.headers.link).toBeUndefined();

      expect((await v1().get('/v1/listings?status=inactive')).body.map((l: { sku: string }) => l.sku)).toEqual(['A-2']);
      expect((await v1().get('/v1/listings?sku=A-1')).body.map((l: { id: string }) => l.id)).toEqual([listingId]);
      expect((await v1().get('/v1/listings?marketplace=shopify')).body).toHaveLength(2);
      expect((await v1().get('/v1/listings?marketplace=ebay')).body).toHaveLength(0);
      expect((await v1().get(`/v1/listings?connection_id=${connA}`)).body).toHaveLength(2);
      expect((await v1().get(`/v1/listings?connection=${connB}`)).body).toHaveLength(0);
      expect((await v1().get('/v1/listings?status=bogus')).status).toBe(400);
      expect((await v1().get('/v1/listings?limit=101')).status).toBe(400);
      expect((await v1().get('/v1/listings?cursor=garbage')).status).toBe(400);
      // tenant B sees none of A's
      expect((await v1(kb).get('/v1/listings')).body).toHaveLength(0);
    });

    it('GET/PATCH /v1/listings/{id}: a price change writes history and queues a push', async () => {
      expect((await v1().get(`/v1/listings/${listingId}`)).body).toMatchObject({ id: listingId, price: 25 });
      const before = await stack.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND job_name = 'sync.fanout'`, [a.tenantId]);
      const res = await v1().patch(`/v1/listings/${listingId}`, { price: 23.99, quantity_cap: null, remote_id: 'AMZ-123' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ price: 23.99, quantity_cap: null, remote_id: 'AMZ-123' });
      const after = await stack.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND job_name = 'sync.fanout'`, [a.tenantId]);
      expect(after.rows[0].n).toBe(before.rows[0].n + 1);
      const history = await v1().get(`/v1/listings/${listingId}/price-history`);
      expect(history.status).toBe(200);
      expect(history.body).toEqual([expect.objectContaining({ old_price: 25, new_price: 23.99, source: 'api', rule_id: null })]);
      // same price again: no history row
      await v1().patch(`/v1/listings/${listingId}`, { price: 23.99 });
      expect((await v1().get(`/v1/listings/${listingId}/price-history`)).body).toHaveLength(1);
      expect((await v1().patch(`/v1/listings/${listingId}`, { price: 0 })).status).toBe(400);
      expect((await v1().patch(`/v1/listings/${listingId}`, { connection_id: connA })).status).toBe(400);
    });

    it('competitor prices: POST records and queues an evaluation; GET lists the latest per seller, cheapest first', async () => {
      const res = await v1().post(`/v1/listings/${listingId}/competitor-prices`, {
        prices: [
          { seller: 'Zed', price: 22, observed_at: '2026-11-30T10:00:00Z' },
          { seller: 'Zed', price: 21.5, observed_at: '2026-11-30T11:00:00Z' },
          { seller: 'Amy', price: 20, shipping: 3, condition: 'new', is_featured_offer: true, observed_at: '2026-11-30T11:00:00Z' },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body.recorded).toBe(3);
      const queued = await stack.db.pool.query(`SELECT payload FROM outbox WHERE tenant_id = $1 AND job_name = 'repricer.evaluate'`, [a.tenantId]);
      expect(queued.rows.map((r) => r.payload)).toContainEqual({ tenantId: a.tenantId, listingIds: [listingId] });
      const latest = await v1().get(`/v1/listings/${listingId}/competitor-prices`);
      expect(latest.body).toEqual([
        expect.objectContaining({ seller: 'Zed', price: 21.5, shipping: 0, landed_price: 21.5 }),
        expect.objectContaining({ seller: 'Amy', price: 20, shipping: 3, landed_price: 23, is_featured_offer: true, condition: 'new' }),
      ]);
      const bad: object[] = [
        { prices: [] },
        { prices: [{ seller: 'X', price: 1 }] },
        { prices: [{ seller: 'X', price: -1, observed_at: '2026-11-30T10:00:00Z' }] },
        { prices: [{ seller: 'X', price: 1, observed_at: '2999-01-01T00:00:00Z' }] },
        { prices: [{ seller: 'X', price: 1, condition: 'mint', observed_at: '2026-11-30T10:00:00Z' }] },
        { prices: Array.from({ length: 101 }, () => ({ seller: 'X', price: 1, observed_at: '2026-11-30T10:00:00Z' })) },
      ];
      for (const body of bad) expect((await v1().post(`/v1/listings/${listingId}/competitor-prices`, body)).status).toBe(400);
    });

    it('another tenant’s listing id → 404 on every listing route', async () => {
      const other = v1(kb);
      const res = await Promise.all([
        other.get(`/v1/listings/${listingId}`),
        other.patch(`/v1/listings/${listingId}`, { price: 1 }),
        other.get(`/v1/listings/${listingId}/competitor-prices`),
        other.post(`/v1/listings/${listingId}/competitor-prices`, { prices: [{ seller: 'X', price: 1, observed_at: '2026-11-30T10:00:00Z' }] }),
        other.get(`/v1/listings/${listingId}/price-history`),
        other.del(`/v1/listings/${listingId}`),
      ]);
      expect(res.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404]);
      expect(res[0].body).toMatchObject({ code: 'NOT_FOUND' });
      expect((await v1().get(`/v1/listings/${listingId}`)).body.price).toBe(23.99);
    });

    it('the Platform API serves the same listings (tenant headers required there)', async () => {
      const res = await stack.http.get(`/api/v1/listings/${listingId}`).set({ ...ka.headers, 'X-Tenant-ID': a.tenantId, 'X-Org-ID': a.orgId });
      expect(res.status).toBe(200);
      expect(res.body.price).toBe(23.99);
      expect((await stack.http.get('/api/v1/listings').set(ka.headers)).status).toBe(400);
      expect((await stack.http.get('/api/v1/listings').set(a.headers)).body).toHaveLength(2);
    });

    it('DELETE /v1/listings/{id} → 204, then 404', async () => {
      const l = await v1().post('/v1/listings', { variant_id: pa2.variantId, connection_id: connA }).then(async (r) => (r.status === 409 ? (await v1().get('/v1/listings?sku=A-2')).body[0] : r.body));
      expect((await v1().del(`/v1/listings/${l.id}`)).status).toBe(204);
      expect((await v1().get(`/v1/listings/${l.id}`)).status).toBe(404);
      expect((await v1().del(`/v1/listings/${l.id}`)).status).toBe(404);
    });
  });

  describe('repricer rules', () => {
    let ruleId: string;
    const valid = { name: 'Beat Amazon by 1%', strategy: 'beat_lowest', percent: 1, min_price: 10, max_price: 50, scope: { marketplace: 'amazon' }, enabled: true };

    it('POST /v1/repricer/rules → 201 with the rule; GET list and one', async () => {
      const res = await v1().post('/v1/repricer/rules', { ...valid, exclude_sellers: ['Me'], only_condition: 'new', active_hours: { start: '08:00', end: '20:00', timezone: 'Europe/Berlin', days: [1, 2, 3] } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Beat Amazon by 1%',
        strategy: 'beat_lowest',
        amount: null,
        percent: 1,
        min_price: 10,
        max_price: 50,
        scope: { marketplace: 'amazon' },
        exclude_sellers: ['Me'],
        only_condition: 'new',
        active_hours: { start: '08:00', end: '20:00', timezone: 'Europe/Berlin', days: [1, 2, 3] },
        enabled: true,
        priority: 0,
      });
      ruleId = res.body.id;
      expect((await v1().get('/v1/repricer/rules')).body.map((r: { id: string }) => r.id)).toEqual([ruleId]);
      expect((await v1().get(`/v1/repricer/rules/${ruleId}`)).body.id).toBe(ruleId);
    });

    it('invalid combinations → 400 naming the field', async () => {
      const cases: [object, string][] = [
        [{ ...valid, amount: 1, percent: 1 }, 'percent'],
        [{ ...valid, percent: undefined }, 'amount'],
        [{ ...valid, strategy: 'cost_plus', percent: undefined }, 'amount'],
        [{ ...valid, min_price: 60 }, 'min_price'],
        [{ ...valid, strategy: 'match_lowest' }, 'percent'],
        [{ ...valid, strategy: 'match_featured', percent: undefined, amount: 2 }, 'amount'],
        [{ ...valid, min_price: undefined }, 'min_price'],
        [{ ...valid, strategy: 'undercut' }, 'strategy'],
        [{ ...valid, scope: { region: 'EU' } }, 'region'],
        [{ ...valid, active_hours: { start: '25:00', end: '10:00' } }, 'start'],
        [{ ...valid, active_hours: { start: '08:00', end: '10:00', timezone: 'Mars/Base' } }, 'timezone'],
        [{ ...valid, only_condition: 'mint' }, 'only_condition'],
        [{ ...valid, percent: 100 }, 'percent'],
        [{ ...valid, name: '' }, 'name'],
        [{ ...valid, exclude_sellers: Array.from({ length: 201 }, (_, i) => `s${i}`) }, 'exclude_sellers'],
      ];
      for (const [body, field] of cases) {
        const res = await v1().post('/v1/repricer/rules', body);
        expect({ status: res.status, field, body: res.body }).toMatchObject({ status: 400 });
        expect(JSON.stringify(res.body)).toContain(field);
      }
    });

    it('PATCH validates the merged rule; DELETE → 204', async () => {
      const bad = await v1().patch(`/v1/repricer/rules/${ruleId}`, { amount: 0.5 });
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'percent' })]);
      const ok = await v1().patch(`/v1/repricer/rules/${ruleId}`, { amount: 0.5, percent: null, max_price: null, enabled: false });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ amount: 0.5, percent: null, max_price: null, enabled: false });
      expect((await v1().patch(`/v1/repricer/rules/${ruleId}`, { name: null })).status).toBe(400);
      expect((await v1().patch(`/v1/repricer/rules/${ruleId}`, { min_price: 100 })).status).toBe(200);
      expect((await v1().patch(`/v1/repricer/rules/${ruleId}`, { max_price: 99 })).body.details[0].field).toBe('min_price');
    });

    it('simulate answers for the listings in scope and changes nothing', async () => {
      const res = await v1().post(`/v1/repricer/rules/${ruleId}/simulate`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rule_id: ruleId, listings: [], has_more: false });
    });

    it('another tenant’s rule → 404 on every rule route; the Platform API serves the same rules', async () => {
      const other = v1(kb);
      const res = await Promise.all([
        other.get(`/v1/repricer/rules/${ruleId}`),
        other.patch(`/v1/repricer/rules/${ruleId}`, { name: 'x' }),
        other.post(`/v1/repricer/rules/${ruleId}/simulate`),
        other.del(`/v1/repricer/rules/${ruleId}`),
      ]);
      expect(res.map((r) => r.status)).toEqual([404, 404, 404, 404]);
      expect((await other.get('/v1/repricer/rules')).body).toEqual([]);
      expect((await stack.http.get(`/api/v1/repricer/rules/${ruleId}`).set(a.headers)).body.id).toBe(ruleId);
      expect((await v1().del(`/v1/repricer/rules/${ruleId}`)).status).toBe(204);
      expect((await v1().get(`/v1/repricer/rules/${ruleId}`)).status).toBe(404);
    });
  });

  describe('agents', () => {
    it('GET /v1/agents lists the tenant’s agents with real schedules; GET, PATCH, run', async () => {
      const res = await v1().get('/v1/agents');
      expect(res.status).toBe(200);
      const repricer = res.body.find((x: { kind: string }) => x.kind === 'repricer');
      expect(repricer).toMatchObject({ kind: 'repricer', job: 'repricer.evaluate', enabled: true, schedule: 'every 15m', interval_seconds: 900, last_run_at: null, last_result: null, scope: {} });
      expect(Date.parse(repricer.next_run_at)).toBeGreaterThan(Date.now() + 800_000);
      expect((await v1().get(`/v1/agents/${repricer.id}`)).body.id).toBe(repricer.id);

      const paused = await v1().patch(`/v1/agents/${repricer.id}`, { enabled: false, schedule: 'every 2h' });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ enabled: false, schedule: 'every 2h', interval_seconds: 7200, next_run_at: null });
      for (const body of [{ schedule: 'hourly' }, { schedule: 'every 5s' }, { enabled: 'no' }, { kind: 'x' }, { schedule: 'every 0m' }]) {
        const bad = await v1().patch(`/v1/agents/${repricer.id}`, body);
        expect(bad.status).toBe(400);
      }
      const run = await v1().post(`/v1/agents/${repricer.id}/run`);
      expect(run.status).toBe(202);
      expect(run.body).toMatchObject({ status: 'queued', agent_id: repricer.id, run_id: expect.any(String) });

      const other = v1(kb);
      const res404 = await Promise.all([
        other.get(`/v1/agents/${repricer.id}`),
        other.patch(`/v1/agents/${repricer.id}`, { enabled: true }),
        other.post(`/v1/agents/${repricer.id}/run`),
      ]);
      expect(res404.map((r) => r.status)).toEqual([404, 404, 404]);
      expect((await other.get('/v1/agents')).body.every((x: { id: string }) => x.id !== repricer.id)).toBe(true);
      expect((await stack.http.get(`/api/v1/agents/${repricer.id}`).set(a.headers)).body.schedule).toBe('every 2h');
    });
  });

  describe('webhooks', () => {
    it('the subscription API is reachable with a secret key on /v1/webhooks', async () => {
      const created = await v1().post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['listing.repriced'] });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      const id = created.body.id;
      expect((await v1().get('/v1/webhooks')).body.map((w: { id: string }) => w.id)).toEqual([id]);
      expect((await v1().get(`/v1/webhooks/${id}`)).body.events).toEqual(['listing.repriced']);
      expect((await v1().patch(`/v1/webhooks/${id}`, { events: ['listing.repriced', 'order.created'] })).body.events).toEqual(['listing.repriced', 'order.created']);
      expect((await v1().get('/v1/webhooks/event-types')).body.find((t: { type: string }) => t.type === 'listing.repriced').schema.required).toEqual(
        expect.arrayContaining(['listing_id', 'old_price', 'new_price', 'rule_id', 'reason']),
      );
      expect((await v1().post(`/v1/webhooks/${id}/rotate-secret`)).status).toBe(200);
      expect((await v1().get(`/v1/webhooks/${id}/deliveries`)).status).toBe(200);
      expect((await v1(kb).get(`/v1/webhooks/${id}`)).status).toBe(404);
      expect((await v1().del(`/v1/webhooks/${id}`)).status).toBe(204);
    });
  });

  describe('OpenAPI', () => {
    it('documents every Developer API route', async () => {
      const doc = await stack.http.get('/docs/openapi.json');
      expect(doc.status).toBe(200);
      const paths = Object.keys(doc.body.paths);
      for (const p of [
        '/v1/listings',
        '/v1/listings/{id}',
        '/v1/listings/{id}/competitor-prices',
        '/v1/listings/{id}/price-history',
        '/v1/repricer/rules',
        '/v1/repricer/rules/{id}',
        '/v1/repricer/rules/{id}/simulate',
        '/v1/agents',
        '/v1/agents/{id}',
        '/v1/agents/{id}/run',
        '/v1/orders',
        '/v1/orders/{id}',
        '/v1/webhooks',
        '/api/v1/listings',
        '/api/v1/repricer/rules',
        '/api/v1/agents',
      ]) expect({ p, documented: paths.includes(p) }).toEqual({ p, documented: true });
      expect(Object.keys(doc.body.components.schemas)).toEqual(expect.arrayContaining(['CreateListingDto', 'CreateRuleDto', 'UpdateAgentDto']));
    });
  });

  describe('credentials', () => {
    it('an editor key cannot manage webhooks (403); a viewer key can read but not write (403)', async () => {
      const viewer = await secretKey(stack, a, 'viewer');
      expect((await v1(viewer).get('/v1/listings')).status).toBe(200);
      expect((await v1(viewer).post('/v1/listings', { variant_id: pa2.variantId, connection_id: connA })).status).toBe(403);
      const editor = await secretKey(stack, a, 'editor');
      expect((await v1(editor).post('/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['listing.repriced'] })).status).toBe(403);
    });

    it('no key, a malformed key, or a revoked key → 401 on every /v1 route; a JWT works too', async () => {
      const k = await secretKey(stack, a);
      const routes = ['/v1/listings', '/v1/repricer/rules', '/v1/agents', '/v1/webhooks'];
      for (const r of routes) expect((await v1(k).get(r)).status).toBe(200);
      expect((await stack.http.delete(`/api/v1/api-keys/${k.id}`).set(a.headers)).status).toBe(204);
      for (const r of routes) {
        const res = await v1(k).get(r);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ error: expect.any(String), code: 'UNAUTHORIZED' });
        expect((await stack.http.get(r)).status).toBe(401);
        expect((await stack.http.get(r).set('Authorization', 'Bearer sk_live_notakey')).status).toBe(401);
        expect((await stack.http.get(r).set('Authorization', `Bearer ${a.token}`)).status).toBe(200);
      }
      expect((await v1(k).post('/v1/listings', { variant_id: pa.variantId, connection_id: connA })).status).toBe(401);
    });
  });
});
