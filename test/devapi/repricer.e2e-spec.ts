import { Webhook } from 'standardwebhooks';
import { FakeShopify } from '../fakes/fake-shopify';
import { FakeUnified } from '../fakes/fake-unified';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectShopify, connectUnified } from '../helpers/connections';
import { eventually, startStack, Stack } from '../helpers/stack';
import { settled } from '../sync/sync-helpers';
import { DevKey, secretKey, simpleProduct } from './devapi-helpers';

/** observations are recent (older ones do not count: REPRICER_OFFER_MAX_AGE_HOURS) */
const OBSERVED = new Date(Date.now() - 60_000).toISOString();
type Offer = { seller: string; price: number; shipping?: number; condition?: string; is_featured_offer?: boolean; observed_at?: string };

/**
 * The repricer in the worker, end to end: competitor prices arrive → the first matching rule decides
 * → the listing's price changes, is pushed to its marketplace connection (a fake platform checking
 * what it receives), lands in the price history and goes out as a signed `listing.repriced` webhook.
 */
describe('repricer (worker)', () => {
  let stack: Stack;
  let provider: FakeUnified;
  let shop: FakeShopify;
  let receiver: WebhookReceiver;
  let acct: TestAccount;
  let key: DevKey;
  let amazon: { id: string; unifiedId: string };
  let shopifyConn: string;

  beforeAll(async () => {
    [provider, shop, receiver] = await Promise.all([new FakeUnified().start(), new FakeShopify().start(), new WebhookReceiver().start()]);
    stack = await startStack({
      worker: true,
      env: {
        UNIFIED_API_BASE_URL: provider.url,
        UNIFIED_API_KEY: provider.apiKey,
        UNIFIED_WORKSPACE_ID: provider.workspaceId,
        SYNC_DEBOUNCE_MS: '100',
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_RETRY_SCHEDULE: '0,200,400',
      },
    });
    acct = await registerAccount(stack, 'Repricing Co');
    key = await secretKey(stack, acct);
    amazon = await connectUnified(stack, acct, provider, 'amazon');
    shopifyConn = await connectShopify(stack, acct, shop);
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([provider.stop(), shop.stop(), receiver.stop()]);
  });

  const dev = {
    get: (p: string) => stack.http.get(p).set(key.headers),
    post: (p: string, body?: object) => stack.http.post(p).set(key.headers).send(body ?? {}),
    patch: (p: string, body: object) => stack.http.patch(p).set(key.headers).send(body),
  };

  async function listing(sku: string, price: number, listingPrice?: number, cost?: number): Promise<{ id: string; productId: string; variantId: string; handle: string }> {
    const p = await simpleProduct(stack, acct, sku, price, cost);
    const res = await dev.post('/v1/listings', { sku, connection_id: amazon.id, ...(listingPrice !== undefined ? { price: listingPrice } : {}) });
    expect(res.status).toBe(201);
    return { id: res.body.id, ...p };
  }

  async function rule(body: object): Promise<string> {
    const res = await dev.post('/v1/repricer/rules', { enabled: true, ...body });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const observe = (listingId: string, offers: Offer[]) =>
    dev.post(`/v1/listings/${listingId}/competitor-prices`, { prices: offers.map((o) => ({ observed_at: OBSERVED, ...o })) }).then((r) => expect(r.status).toBe(201));
  const priceOf = async (listingId: string): Promise<number> => (await dev.get(`/v1/listings/${listingId}`)).body.price;
  const amazonPriceOf = (sku: string) => provider.itemsOf(amazon.unifiedId).flatMap((i) => i.variants).find((v) => v.sku === sku)?.prices[0]?.price;

  it('a repricing reaches the marketplace (and only it) and is delivered as a signed listing.repriced webhook', async () => {
    const hook = await dev.post('/v1/webhooks', { url: receiver.url('/repriced'), events: ['listing.repriced'] });
    expect(hook.status).toBe(201);

    // the listing's own price (27) overrides the PIM price (25) on Amazon only
    const l = await listing('RP-1', 25, 27);
    const push = await stack.http.post('/unified/sync/push/product').set(acct.headers).send({ productId: l.productId, action: 'UPSERT' });
    expect(push.status).toBe(202);
    await settled(stack, acct, l.productId, 'SYNCED', 2);
    expect(amazonPriceOf('RP-1')).toBe(27);
    expect(shop.byHandle(l.handle)!.variants[0].price).toBe('25.00');
    const shopifyWrites = shop.mutations('productSet').length;

    const ruleId = await rule({ name: 'Beat Amazon by 0.50', strategy: 'beat_lowest', amount: 0.5, min_price: 15, max_price: 40, scope: { marketplace: 'amazon', skus: ['RP-1'] } });
    await observe(l.id, [
      { seller: 'Zed', price: 21 },
      { seller: 'Amy', price: 20.5 },
      { seller: 'Bob', price: 19, condition: 'used' },
    ]);

    // the listing, its price history, the marketplace
    await eventually(async () => (await priceOf(l.id)) === 18.5);
    const history = await dev.get(`/v1/listings/${l.id}/price-history`);
    expect(history.body).toEqual([expect.objectContaining({ old_price: 27, new_price: 18.5, rule_id: ruleId, source: 'repricer', reason: expect.stringContaining('Bob') })]);
    await eventually(async () => amazonPriceOf('RP-1') === 18.5);
    const lastWrite = provider.requests.filter((r) => r.path.startsWith('/commerce') && r.method !== 'GET').at(-1)!;
    expect(lastWrite.headers.authorization).toBe(`Bearer ${provider.apiKey}`);
    // the Shopify connection was not touched by the repricing
    expect(shop.mutations('productSet').length).toBe(shopifyWrites);
    expect(shop.byHandle(l.handle)!.variants[0].price).toBe('25.00');

    // the signed webhook
    const [r] = await eventually(async () => (receiver.at('/repriced').length ? receiver.at('/repriced') : undefined));
    const payload = new Webhook(hook.body.secret).verify(r.body, r.headers) as { event: string; data: Record<string, unknown> };
    expect(payload.event).toBe('listing.repriced');
    expect(payload.data).toEqual({
      id: l.id,
      listing_id: l.id,
      old_price: 27,
      new_price: 18.5,
      currency: 'USD',
      rule_id: ruleId,
      reason: 'beat the lowest offer of Bob at 19.00 by 0.50',
      sku: 'RP-1',
      marketplace: 'amazon',
      connection_id: amazon.id,
    });
    expect(() => new Webhook(hook.body.secret).verify(r.body.replace('18.5', '1.5'), r.headers)).toThrow();

    // the same observations again: nothing changes, nothing more is sent
    await observe(l.id, [{ seller: 'Bob', price: 19, condition: 'used' }]);
    const runs = await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND type = 'listing.repriced'`, [acct.tenantId]);
    await new Promise((res) => setTimeout(res, 1000));
    expect(await priceOf(l.id)).toBe(18.5);
    expect((await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND type = 'listing.repriced'`, [acct.tenantId])).rows[0].n).toBe(runs.rows[0].n);
  });

  it('strategies on tables of competitor prices (every rule scoped to its own listing)', async () => {
    interface Case {
      name: string;
      price: number;
      cost?: number;
      rules: object[];
      offers: Offer[];
      expected: number;
      /** index of the rule expected to decide (default 0) */
      decidedBy?: number;
    }
    const cases: Case[] = [
      { name: 'match lowest (landed)', price: 25, rules: [{ strategy: 'match_lowest', min_price: 5 }], offers: [{ seller: 'a', price: 22 }, { seller: 'b', price: 19.5, shipping: 1.25 }], expected: 20.75 },
      { name: 'beat by amount', price: 25, rules: [{ strategy: 'beat_lowest', amount: 1, min_price: 5 }], offers: [{ seller: 'a', price: 22 }, { seller: 'b', price: 21 }], expected: 20 },
      { name: 'beat by percent', price: 25, rules: [{ strategy: 'beat_lowest', percent: 5, min_price: 5 }], offers: [{ seller: 'a', price: 20 }], expected: 19 },
      { name: 'featured offer', price: 25, rules: [{ strategy: 'match_featured', min_price: 5 }], offers: [{ seller: 'a', price: 18 }, { seller: 'bb', price: 23.4, is_featured_offer: true }], expected: 23.4 },
      { name: 'clamped at min', price: 25, rules: [{ strategy: 'beat_lowest', amount: 1, min_price: 17.5 }], offers: [{ seller: 'a', price: 12 }], expected: 17.5 },
      { name: 'clamped at max', price: 25, rules: [{ strategy: 'match_lowest', min_price: 5, max_price: 30 }], offers: [{ seller: 'a', price: 44 }], expected: 30 },
      { name: 'no competitors', price: 25, rules: [{ strategy: 'beat_lowest', amount: 1, min_price: 5 }], offers: [], expected: 25 },
      { name: 'below one cent', price: 25, rules: [{ strategy: 'match_lowest', min_price: 5 }], offers: [{ seller: 'a', price: 24.995 }], expected: 25 },
      { name: 'excluded seller and other condition', price: 25, rules: [{ strategy: 'match_lowest', min_price: 5, exclude_sellers: ['Me'], only_condition: 'new' }], offers: [{ seller: 'me', price: 10 }, { seller: 'u', price: 11, condition: 'used' }, { seller: 'n', price: 23 }], expected: 23 },
      {
        name: 'stale observations do not count',
        price: 25,
        rules: [{ strategy: 'match_lowest', min_price: 5 }],
        offers: [{ seller: 'gone', price: 10, observed_at: new Date(Date.now() - 5 * 86_400_000).toISOString() }, { seller: 'n', price: 22 }],
        expected: 22,
      },
      { name: 'cost plus', price: 25, cost: 10, rules: [{ strategy: 'cost_plus', percent: 50, min_price: 5 }], offers: [{ seller: 'a', price: 20 }], expected: 15 },
      {
        name: 'first match wins',
        price: 25,
        rules: [
          { strategy: 'match_lowest', min_price: 21, priority: 1 },
          { strategy: 'beat_lowest', amount: 3, min_price: 5, priority: 2 },
        ],
        offers: [{ seller: 'a', price: 20 }],
        expected: 21,
      },
      {
        name: 'a rule outside its active hours does not match',
        price: 25,
        rules: [{ strategy: 'match_lowest', min_price: 5, priority: -1, active_hours: { start: '00:00', end: '00:01', timezone: 'Pacific/Kiritimati', days: [] } }, { strategy: 'beat_lowest', amount: 2, min_price: 5 }],
        offers: [{ seller: 'a', price: 20 }],
        expected: 18,
        decidedBy: 1,
      },
    ];
    const made: { c: Case; listingId: string; ruleIds: string[] }[] = [];
    for (const [i, c] of cases.entries()) {
      const l = await listing(`TBL-${i}`, c.price, undefined, c.cost);
      const ruleIds: string[] = [];
      for (const [j, r] of c.rules.entries()) ruleIds.push(await rule({ name: `${c.name} ${j}`, scope: { listing_ids: [l.id] }, ...r }));
      made.push({ c, listingId: l.id, ruleIds });
    }
    for (const m of made) if (m.c.offers.length) await observe(m.listingId, m.c.offers);
    // the schedule evaluates every listing (the ones without competitor prices too): run the repricer agent once now
    const agents = await dev.get('/v1/agents');
    const repricer = agents.body.find((a: { kind: string }) => a.kind === 'repricer');
    expect((await dev.post(`/v1/agents/${repricer.id}/run`)).status).toBe(202);
    await eventually(async () => {
      const a = (await dev.get(`/v1/agents/${repricer.id}`)).body;
      return a.last_result?.status === 'ok' && a.last_result.counts.evaluated >= cases.length;
    });
    await eventually(async () => {
      const prices = await Promise.all(made.map((m) => priceOf(m.listingId)));
      return prices.every((p, i) => p === made[i].c.expected);
    }).catch(async (err) => {
      const prices = await Promise.all(made.map(async (m) => [m.c.name, await priceOf(m.listingId), m.c.expected]));
      throw new Error(`${(err as Error).message}: ${JSON.stringify(prices)}`);
    });
    for (const m of made) {
      const history = (await dev.get(`/v1/listings/${m.listingId}/price-history`)).body;
      if (m.c.expected === m.c.price) expect({ name: m.c.name, history }).toEqual({ name: m.c.name, history: [] });
      else expect({ name: m.c.name, history }).toEqual({ name: m.c.name, history: [expect.objectContaining({ new_price: m.c.expected, rule_id: m.ruleIds[m.c.decidedBy ?? 0] })] });
    }
  });

  it('pausing the repricer agent stops automatic repricing (competitor arrivals too) until it is resumed', async () => {
    const l = await listing('PAUSE-1', 25);
    await rule({ name: 'pause test', strategy: 'match_lowest', min_price: 5, scope: { listing_ids: [l.id] } });
    const repricer = (await dev.get('/v1/agents')).body.find((a: { kind: string }) => a.kind === 'repricer');
    expect((await dev.patch(`/v1/agents/${repricer.id}`, { enabled: false })).status).toBe(200);
    await observe(l.id, [{ seller: 'a', price: 20 }]);
    // the evaluation job ran (relayed and gone from the queue) and left the price alone
    await eventually(async () => {
      const r = await stack.db.pool.query(
        `SELECT id FROM outbox WHERE tenant_id = $1 AND job_name = 'repricer.evaluate' AND payload->'listingIds' ? $2 AND relayed_at IS NOT NULL`,
        [acct.tenantId, l.id],
      );
      if (!r.rows[0]) return false;
      const job = await stack.redis.hgetall(`${stack.config.redisPrefix}:sync:${r.rows[0].id}`);
      return job.finishedOn !== undefined ? job : false;
    }).then((job) => expect(JSON.parse(job.returnvalue)).toMatchObject({ evaluated: 0, paused: 1 }));
    expect(await priceOf(l.id)).toBe(25);
    // run-now is asked for by hand: it runs even while paused
    const run = await dev.post(`/v1/agents/${repricer.id}/run`);
    await eventually(async () => (await dev.get(`/v1/agents/${repricer.id}`)).body.last_result?.run_id === run.body.run_id && (await priceOf(l.id)) === 20);
    // resumed: arrivals reprice again
    expect((await dev.patch(`/v1/agents/${repricer.id}`, { enabled: true })).status).toBe(200);
    await observe(l.id, [{ seller: 'a', price: 19 }]);
    await eventually(async () => (await priceOf(l.id)) === 19);
  });

  it('simulate shows what a rule would do and changes nothing', async () => {
    const l = await listing('SIM-1', 30);
    await stack.db.pool.query(
      `INSERT INTO competitor_prices (tenant_id, listing_id, seller, price, observed_at) VALUES ($1, $2, 'a', 26, now()), ($1, $2, 'b', 27.5, now())`,
      [acct.tenantId, l.id],
    );
    const ruleId = await rule({ name: 'sim', strategy: 'beat_lowest', amount: 0.01, min_price: 5, scope: { skus: ['SIM-1'] }, enabled: false });
    const count = async () =>
      (
        await stack.db.pool.query(
          `SELECT (SELECT count(*) FROM listing_price_history WHERE listing_id = $1)::int AS h,
                  (SELECT count(*) FROM outbox WHERE tenant_id = $2)::int AS o, (SELECT count(*) FROM events WHERE tenant_id = $2)::int AS e`,
          [l.id, acct.tenantId],
        )
      ).rows[0];
    // let the listing's own creation settle (its sync push and events) before taking the baseline
    let before = await count();
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const now = await count();
      if (JSON.stringify(now) === JSON.stringify(before)) break;
      before = now;
    }
    const res = await dev.post(`/v1/repricer/rules/${ruleId}/simulate`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rule_id: ruleId,
      enabled: false,
      has_more: false,
      listings: [{ listing_id: l.id, sku: 'SIM-1', marketplace: 'amazon', current_price: 30, new_price: 25.99, would_change: true, competitors: 2, reason: expect.stringContaining('a at 26.00') }],
    });
    expect(await priceOf(l.id)).toBe(30);
    expect(await count()).toEqual(before);
    // a viewer key may simulate
    const viewer = await secretKey(stack, acct, 'viewer');
    expect((await stack.http.post(`/v1/repricer/rules/${ruleId}/simulate`).set(viewer.headers)).status).toBe(200);
  });
});
