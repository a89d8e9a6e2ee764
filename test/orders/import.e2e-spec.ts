import { randomUUID } from 'node:crypto';
import { QueueService } from '@synq/queue';
import { FakeShopify } from '../fakes/fake-shopify';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectShopify } from '../helpers/connections';
import { eventually, startStack, Stack } from '../helpers/stack';
import { createVariants } from './orders-helpers';

/** A Shopify REST `orders/create` webhook body, as Shopify sends it. */
function shopifyOrder(id: number, sku: string, quantity: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id % 10000}`,
    order_number: id % 10000,
    email: 'buyer@example.com',
    currency: 'USD',
    created_at: '2026-11-30T10:00:00-05:00',
    updated_at: '2026-11-30T10:00:00-05:00',
    cancelled_at: null,
    financial_status: 'paid',
    fulfillment_status: null,
    total_price: '25.98',
    subtotal_price: '19.98',
    total_tax: '1.00',
    total_discounts: '0.00',
    total_shipping_price_set: { shop_money: { amount: '5.00', currency_code: 'USD' }, presentment_money: { amount: '5.00', currency_code: 'USD' } },
    customer: { id: 1, email: 'buyer@example.com', first_name: 'Ada', last_name: 'Lovelace', phone: null },
    shipping_address: { first_name: 'Ada', last_name: 'Lovelace', address1: '1 Main St', city: 'Springfield', zip: '12345', country_code: 'US' },
    billing_address: { first_name: 'Ada', last_name: 'Lovelace', address1: '1 Main St', city: 'Springfield', zip: '12345', country_code: 'US' },
    line_items: [
      { id: id * 10 + 1, variant_id: 111, product_id: 222, sku, title: 'Mug', variant_title: 'Blue', quantity, price: '9.99' },
      { id: id * 10 + 2, variant_id: null, product_id: null, sku: 'NOT-IN-SYNQ', title: 'Gift wrap', variant_title: null, quantity: 1, price: '0.00' },
    ],
    ...extra,
  };
}

describe('orders from channels', () => {
  let stack: Stack;
  let a: TestAccount;
  let shop: FakeShopify;
  let queue: QueueService;
  beforeAll(async () => {
    shop = await new FakeShopify().start();
    stack = await startStack({ worker: true });
    a = await registerAccount(stack, 'Importer');
    queue = stack.api!.get(QueueService);
  });
  afterAll(async () => {
    await stack.stop();
    await shop.stop();
  });

  const orderRows = (externalId: string) =>
    stack.db.pool.query(`SELECT id, status, stock_state, has_unmatched_lines, total::text, external_number FROM orders WHERE tenant_id = $1 AND external_id = $2`, [a.tenantId, externalId]);
  const onHand = async (variantId: string) => (await stack.db.pool.query('SELECT on_hand FROM inventory_levels WHERE variant_id = $1', [variantId])).rows[0]?.on_hand;

  it('imports a Shopify order webhook once even when it is delivered three times', async () => {
    const v = await createVariants(stack, a, ['MUG-BLUE']);
    await stack.http.post('/api/v1/inventory/set').set(a.headers).send({ sku: 'MUG-BLUE', quantity: 10, reason: 'count' });
    const connectionId = await connectShopify(stack, a, shop);
    const body = shopifyOrder(820982911946154500, 'MUG-BLUE', 2);
    for (let i = 0; i < 3; i++) {
      await queue.add({ name: 'order.ingest', data: { tenantId: a.tenantId, connectionId, platform: 'shopify', topic: 'orders/create', order: body } }, `test-${randomUUID()}`);
    }
    const rows = await eventually(async () => {
      const r = await orderRows(String(body.id));
      return r.rows.length === 1 ? r.rows : undefined;
    });
    // let the other two deliveries finish, then check nothing was duplicated or deducted twice
    await eventually(async () => {
      const counts = await queue.queue('imports').getJobCounts('waiting', 'active', 'delayed', 'completed');
      return counts.waiting + counts.active + counts.delayed === 0 && counts.completed >= 3;
    });
    expect((await orderRows(String(body.id))).rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'paid', stock_state: 'deducted', has_unmatched_lines: true, total: '25.9800', external_number: `#${body.id % 10000}` });
    expect(await onHand(v['MUG-BLUE'])).toBe(8);

    const got = await stack.http.get(`/api/v1/orders/${rows[0].id}`).set(a.headers);
    expect(got.status).toBe(200);
    expect(got.body.lines).toEqual([
      expect.objectContaining({ sku: 'MUG-BLUE', variant_id: v['MUG-BLUE'], quantity: 2, unit_price: 9.99, unmatched: false }),
      expect.objectContaining({ sku: 'NOT-IN-SYNQ', variant_id: null, quantity: 1, unmatched: true }),
    ]);
    expect(got.body.channel).toMatchObject({ kind: 'connection', connection_id: connectionId });

    // orders/updated with a newer updated_at: cancelled on Shopify → updated in place, stock back
    await queue.add(
      { name: 'order.ingest', data: { tenantId: a.tenantId, connectionId, platform: 'shopify', topic: 'orders/updated', order: { ...body, updated_at: '2026-11-30T11:00:00-05:00', cancelled_at: '2026-11-30T11:00:00-05:00' } } },
      `test-${randomUUID()}`,
    );
    await eventually(async () => (await orderRows(String(body.id))).rows[0]?.status === 'cancelled');
    expect((await orderRows(String(body.id))).rows).toHaveLength(1);
    expect(await onHand(v['MUG-BLUE'])).toBe(10);
    // an older delivery arriving late changes nothing
    await queue.add({ name: 'order.ingest', data: { tenantId: a.tenantId, connectionId, platform: 'shopify', topic: 'orders/create', order: body } }, `test-${randomUUID()}`);
    await new Promise((r) => setTimeout(r, 500));
    expect((await orderRows(String(body.id))).rows[0].status).toBe('cancelled');
    expect(await onHand(v['MUG-BLUE'])).toBe(10);
  });

  it('keeps an imported order whose stock is short, flagged, without going negative; skips channels that do not import', async () => {
    const connectionId = (await stack.db.pool.query(`SELECT id FROM connections WHERE tenant_id = $1`, [a.tenantId])).rows[0].id;
    const body = shopifyOrder(820982911946154600, 'MUG-BLUE', 50);
    await queue.add({ name: 'order.ingest', data: { tenantId: a.tenantId, connectionId, platform: 'shopify', topic: 'orders/create', order: body } }, `test-${randomUUID()}`);
    const rows = await eventually(async () => ((await orderRows(String(body.id))).rows.length ? (await orderRows(String(body.id))).rows : undefined));
    expect(rows[0]).toMatchObject({ status: 'paid', stock_state: 'none' });
    const got = await stack.http.get(`/api/v1/orders/${rows[0].id}`).set(a.headers);
    expect(got.body.metadata).toMatchObject({ stock_short: true });
    expect(got.body.history[0].note).toMatch(/stock not deducted: Insufficient stock for MUG-BLUE/);
    const level = (await stack.db.pool.query(`SELECT l.on_hand, l.reserved FROM inventory_levels l JOIN variants v ON v.id = l.variant_id WHERE v.sku = 'MUG-BLUE' AND v.tenant_id = $1`, [a.tenantId])).rows[0];
    expect(level).toEqual({ on_hand: 10, reserved: 0 });

    // import_orders off: deliveries for that channel are skipped
    const channels = await stack.http.get('/api/v1/channels').set(a.headers);
    const ch = channels.body.find((c: { connection_id: string }) => c.connection_id === connectionId);
    expect((await stack.http.patch(`/api/v1/channels/${ch.id}`).set(a.headers).send({ import_orders: false })).status).toBe(200);
    const skipped = shopifyOrder(820982911946154700, 'MUG-BLUE', 1);
    await queue.add({ name: 'order.ingest', data: { tenantId: a.tenantId, connectionId, platform: 'shopify', topic: 'orders/create', order: skipped } }, `test-${randomUUID()}`);
    await eventually(async () => {
      const c = await queue.queue('imports').getJobCounts('waiting', 'active', 'delayed');
      return c.waiting + c.active + c.delayed === 0;
    });
    expect((await orderRows(String(skipped.id))).rows).toHaveLength(0);
    // another tenant's connection id in the payload: the job fails permanently, nothing is created
    const other = await registerAccount(stack, 'Other');
    await queue.add({ name: 'order.ingest', data: { tenantId: other.tenantId, connectionId, platform: 'shopify', topic: 'orders/create', order: shopifyOrder(1, 'MUG-BLUE', 1) } }, `test-${randomUUID()}`);
    await eventually(async () => (await queue.queue('imports').getJobCounts('failed')).failed >= 1);
    expect((await stack.db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1`, [other.tenantId])).rows[0].n).toBe(0);
  });
});
