import { FakeUnified } from '../fakes/fake-unified';
import { FakeWooCommerce } from '../fakes/fake-woocommerce';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectUnified, connectWooCommerce } from '../helpers/connections';
import { eventually, startStack, Stack } from '../helpers/stack';
import { createVariants } from './orders-helpers';

const gmt = (d: Date) => d.toISOString().slice(0, 19);

/** A WooCommerce REST v3 order object as `GET /wp-json/wc/v3/orders` answers it. */
function wooOrder(id: number, sku: string, quantity: number, modified: Date, status = 'processing') {
  return {
    id,
    parent_id: 0,
    number: String(id),
    order_key: `wc_order_${id}`,
    created_via: 'checkout',
    status,
    currency: 'EUR',
    date_created: gmt(modified),
    date_created_gmt: gmt(modified),
    date_modified: gmt(modified),
    date_modified_gmt: gmt(modified),
    discount_total: '0.00',
    shipping_total: '4.50',
    total: String((12.5 * quantity + 4.5).toFixed(2)),
    total_tax: '0.00',
    customer_id: 0,
    billing: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', phone: '+15550100', address_1: '1 Navy Way', city: 'Arlington', postcode: '22201', country: 'US' },
    shipping: { first_name: 'Grace', last_name: 'Hopper', address_1: '1 Navy Way', city: 'Arlington', postcode: '22201', country: 'US' },
    payment_method: 'stripe',
    customer_note: '',
    line_items: [{ id: id * 10, name: 'Tea towel', product_id: 77, variation_id: 0, quantity, subtotal: String((12.5 * quantity).toFixed(2)), total: String((12.5 * quantity).toFixed(2)), sku, price: 12.5 }],
  };
}

describe('periodic order pull', () => {
  let stack: Stack;
  let woo: FakeWooCommerce;
  let provider: FakeUnified;
  let a: TestAccount;
  beforeAll(async () => {
    [woo, provider] = await Promise.all([new FakeWooCommerce().start(), new FakeUnified().start()]);
    stack = await startStack({
      worker: true,
      env: {
        ORDERS_PULL_INTERVAL_MS: '400',
        ORDERS_PULL_LOOKBACK_HOURS: '24',
        UNIFIED_API_BASE_URL: provider.url,
        UNIFIED_API_KEY: provider.apiKey,
        UNIFIED_WORKSPACE_ID: provider.workspaceId,
      },
    });
    a = await registerAccount(stack, 'Puller');
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([woo.stop(), provider.stop()]);
  });

  const orders = () => stack.db.pool.query(`SELECT external_id, status, currency, total::text, customer_email FROM orders WHERE tenant_id = $1 ORDER BY external_id`, [a.tenantId]);

  it('imports a WooCommerce order whose webhook was lost, once, and moves the cursor on', async () => {
    const v = await createVariants(stack, a, ['TOWEL-1']);
    await stack.http.post('/api/v1/inventory/set').set(a.headers).send({ sku: 'TOWEL-1', quantity: 20, reason: 'count' });
    // older than the first pull's look-back: never imported
    woo.orders.push(wooOrder(700, 'TOWEL-1', 1, new Date(Date.now() - 48 * 3600_000)));
    woo.orders.push(wooOrder(701, 'TOWEL-1', 3, new Date(Date.now() - 60_000)));
    const connectionId = await connectWooCommerce(stack, a, woo);

    const rows = await eventually(async () => {
      const r = await orders();
      return r.rows.length ? r.rows : undefined;
    });
    expect(rows).toEqual([{ external_id: '701', status: 'paid', currency: 'EUR', total: '42.0000', customer_email: 'grace@example.com' }]);
    const level = async () => (await stack.db.pool.query('SELECT on_hand FROM inventory_levels WHERE variant_id = $1', [v['TOWEL-1']])).rows[0].on_hand;
    expect(await level()).toBe(17);

    // the store was asked the way WooCommerce lists orders, from the look-back on
    const first = woo.requests.find((r) => r.path === '/wp-json/wc/v3/orders')!;
    expect(first.query.get('orderby')).toBe('modified');
    expect(first.query.get('order')).toBe('asc');
    expect(first.query.get('dates_are_gmt')).toBe('true');
    expect(Date.parse(first.query.get('modified_after')!)).toBeLessThan(Date.now() - 23 * 3600_000);

    // later pulls start at the cursor: the same order is not imported twice; a newer one is
    await eventually(async () => {
      const c = await stack.db.pool.query('SELECT cursor FROM order_pull_cursors WHERE connection_id = $1', [connectionId]);
      return c.rows[0]?.cursor && Date.parse(c.rows[0].cursor) > Date.now() - 3600_000;
    });
    woo.orders.push(wooOrder(702, 'TOWEL-1', 2, new Date(Date.now() + 1000), 'on-hold'));
    await eventually(async () => (await orders()).rows.length === 2);
    await new Promise((r) => setTimeout(r, 1500));
    const after = await orders();
    expect(after.rows.map((r) => [r.external_id, r.status])).toEqual([
      ['701', 'paid'],
      ['702', 'pending'],
    ]);
    expect(await level()).toBe(15);
    const later = woo.requests.filter((r) => r.path === '/wp-json/wc/v3/orders').slice(-1)[0];
    expect(Date.parse(later.query.get('modified_after')!)).toBeGreaterThan(Date.now() - 3600_000);

    // the order changes on the store (cancelled): the next pull updates it in place and restocks
    const o = woo.orders.find((x) => x.id === 702)!;
    Object.assign(o, { status: 'cancelled', date_modified_gmt: gmt(new Date(Date.now() + 2000)) });
    await eventually(async () => (await orders()).rows.find((r) => r.external_id === '702')?.status === 'cancelled');
    expect((await orders()).rows).toHaveLength(2);
    expect(await level()).toBe(17);
  });

  it('pulls the unified-API provider\'s orders of a connection too', async () => {
    const b = await registerAccount(stack, 'Unified puller');
    await stack.http.post('/api/v1/pim/products').set(b.headers).send({ title: 'Lamp', variants: [{ sku: 'LAMP-1', price: 30, currency: 'USD' }] });
    await stack.http.post('/api/v1/inventory/set').set(b.headers).send({ sku: 'LAMP-1', quantity: 4, reason: 'count' });
    const u = await connectUnified(stack, b, provider, 'amazon');
    provider.orders.set(u.unifiedId, [
      {
        id: 'ord_9',
        type: 'SALES',
        status: 'PAID',
        currency: 'USD',
        total_amount: 60,
        created_at: new Date(Date.now() - 60_000).toISOString(),
        updated_at: new Date(Date.now() - 60_000).toISOString(),
        lineitems: [{ id: 'li_1', item_sku: 'LAMP-1', item_name: 'Lamp', unit_amount: 30, unit_quantity: 2, total_amount: 60 }],
      },
    ]);
    const row = await eventually(async () => {
      const r = await stack.db.pool.query(`SELECT external_id, status, total::text FROM orders WHERE tenant_id = $1`, [b.tenantId]);
      return r.rows[0];
    });
    expect(row).toEqual({ external_id: 'ord_9', status: 'paid', total: '60.0000' });
    const level = await stack.http.get('/api/v1/inventory?sku=LAMP-1').set(b.headers);
    expect(level.body[0]).toMatchObject({ on_hand: 2, available: 2 });
    const req = provider.requests.find((r) => r.path === `/accounting/${u.unifiedId}/order`)!;
    expect(req.query.get('sort')).toBe('updated_at');
    expect(req.query.get('order')).toBe('asc');
    expect(req.headers.authorization).toBe(`Bearer ${provider.apiKey}`);
  });

  it('an order_pull agent is the connection\'s pull schedule: paused, nothing is pulled; run-now pulls once', async () => {
    const c = await registerAccount(stack, 'Agent puller');
    await createVariants(stack, c, ['MUG-AG']);
    await stack.http.post('/api/v1/inventory/set').set(c.headers).send({ sku: 'MUG-AG', quantity: 10, reason: 'count' });
    const store = await new FakeWooCommerce().start();
    try {
      // the agents are provisioned before the connection's first pull by the default interval could matter
      const connectionId = await connectWooCommerce(stack, c, store);
      const agents = await stack.http.get('/api/v1/agents').set(c.headers);
      expect(agents.status).toBe(200);
      const agent = agents.body.find((x: { kind: string }) => x.kind === 'order_pull');
      expect(agent).toMatchObject({ job: 'orders.pull', scope: { connection_id: connectionId }, schedule: 'every 5m', enabled: true });
      expect((await stack.http.patch(`/api/v1/agents/${agent.id}`).set(c.headers).send({ enabled: false })).status).toBe(200);
      const pulls = () => store.requests.filter((r) => r.path === '/wp-json/wc/v3/orders').length;
      const seen = pulls(); // a pull by the default interval may have run before the agent existed
      store.orders.push(wooOrder(900, 'MUG-AG', 1, new Date(Date.now() - 60_000)));
      await new Promise((r) => setTimeout(r, 2000)); // five default intervals
      expect(pulls()).toBe(seen);

      const run = await stack.http.post(`/api/v1/agents/${agent.id}/run`).set(c.headers);
      expect(run.status).toBe(202);
      const imported = await eventually(async () => {
        const r = await stack.db.pool.query(`SELECT external_id FROM orders WHERE tenant_id = $1`, [c.tenantId]);
        return r.rows.length ? r.rows : undefined;
      });
      expect(imported).toEqual([{ external_id: '900' }]);
      const ran = await eventually(async () => {
        const x = (await stack.http.get(`/api/v1/agents/${agent.id}`).set(c.headers)).body;
        return x.last_result?.run_id === run.body.run_id && x.last_result?.status !== 'running' ? x : undefined;
      });
      expect(ran).toMatchObject({ run_count: 1, enabled: false, last_result: { status: 'ok', manual: true } });
      await new Promise((r) => setTimeout(r, 1200));
      expect(pulls()).toBe(seen + 1);
    } finally {
      await store.stop();
    }
  });
});
