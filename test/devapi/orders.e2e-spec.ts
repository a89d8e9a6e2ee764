import type { TenantContext } from '@synq/common';
import { InventoryService, OrdersService } from '@synq/orders';
import { FakeUnified } from '../fakes/fake-unified';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectUnified } from '../helpers/connections';
import { startStack, Stack } from '../helpers/stack';
import { DevKey, secretKey, simpleProduct } from './devapi-helpers';

/** GET /v1/orders[/{id}]: the orders module's orders in the Developer API's shape, with secret keys. */
describe('developer API /v1/orders', () => {
  let stack: Stack;
  let provider: FakeUnified;
  let a: TestAccount;
  let b: TestAccount;
  let ka: DevKey;
  let kb: DevKey;
  let ebayOrder: string;
  let manualOrder: string;

  beforeAll(async () => {
    provider = await new FakeUnified().start();
    stack = await startStack({ env: { UNIFIED_API_BASE_URL: provider.url, UNIFIED_API_KEY: provider.apiKey, UNIFIED_WORKSPACE_ID: provider.workspaceId } });
    a = await registerAccount(stack, 'Orders Dev A');
    b = await registerAccount(stack, 'Orders Dev B');
    [ka, kb] = await Promise.all([secretKey(stack, a, 'viewer'), secretKey(stack, b, 'viewer')]);
    const ebay = await connectUnified(stack, a, provider, 'ebay');
    await simpleProduct(stack, a, 'ORD-1', 12.5);
    const ctx: TenantContext = { tenantId: a.tenantId, orgId: a.orgId, role: 'owner', actorType: 'user', actorId: a.userId };
    await stack.api!.get(InventoryService).adjust(ctx, { sku: 'ORD-1', delta: 10, reason: 'received' });
    const orders = stack.api!.get(OrdersService);
    const o1 = await orders.create(
      ctx,
      { lines: [{ sku: 'ORD-1', quantity: 2, unitPrice: '12.50' }], shippingTotal: '4.99', externalId: 'EB-1001', customer: { email: 'sam@example.com', name: 'Sam' }, payment: {} },
      { channel: { connectionId: ebay.id } },
    );
    ebayOrder = o1.id;
    const o2 = await orders.create(ctx, { lines: [{ sku: 'ORD-1', quantity: 1 }] });
    manualOrder = o2.id;
  });
  afterAll(async () => {
    await stack.stop();
    await provider.stop();
  });

  it('GET /v1/orders lists them flat and snake_case: {id, marketplace, total, …}', async () => {
    const res = await stack.http.get('/v1/orders').set(ka.headers);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toMatchObject({
      id: ebayOrder,
      marketplace: 'ebay',
      status: 'paid',
      total: 29.99,
      subtotal: 25,
      shipping: 4.99,
      currency: 'USD',
      external_id: 'EB-1001',
      customer: { email: 'sam@example.com', name: 'Sam' },
      lines: [{ sku: 'ORD-1', quantity: 2, unit_price: 12.5, total: 25 }],
      fulfillment_status: 'unfulfilled',
    });
    expect(res.body[1]).toMatchObject({ id: manualOrder, marketplace: 'manual', status: 'pending', total: 12.5, connection_id: null });
    expect(typeof res.body[0].created_at).toBe('string');
    // keyset pages with a Link header; filters
    const p1 = await stack.http.get('/v1/orders?limit=1').set(ka.headers);
    expect(p1.body.map((o: { id: string }) => o.id)).toEqual([ebayOrder]);
    const next = /<([^>]+)>; rel="next"/.exec(p1.headers.link)![1];
    expect((await stack.http.get(next).set(ka.headers)).body.map((o: { id: string }) => o.id)).toEqual([manualOrder]);
    expect((await stack.http.get('/v1/orders?status=pending').set(ka.headers)).body.map((o: { id: string }) => o.id)).toEqual([manualOrder]);
    expect((await stack.http.get('/v1/orders?external_id=EB-1001').set(ka.headers)).body).toHaveLength(1);
    expect((await stack.http.get('/v1/orders?status=lost').set(ka.headers)).status).toBe(400);
  });

  it('GET /v1/orders/{id} answers one order (ord_-prefixed ids too)', async () => {
    const res = await stack.http.get(`/v1/orders/${ebayOrder}`).set(ka.headers);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ebayOrder, marketplace: 'ebay', total: 29.99, paid: 29.99 });
    expect((await stack.http.get(`/v1/orders/ord_${ebayOrder}`).set(ka.headers)).body.id).toBe(ebayOrder);
    expect((await stack.http.get('/v1/orders/ord_123').set(ka.headers)).status).toBe(404);
  });

  it('another tenant’s order → 404; its list is empty; a revoked key → 401', async () => {
    const res = await stack.http.get(`/v1/orders/${ebayOrder}`).set(kb.headers);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await stack.http.get('/v1/orders').set(kb.headers)).body).toEqual([]);
    expect((await stack.http.delete(`/api/v1/api-keys/${ka.id}`).set(a.headers)).status).toBe(204);
    expect((await stack.http.get('/v1/orders').set(ka.headers)).status).toBe(401);
    expect((await stack.http.get(`/v1/orders/${ebayOrder}`).set(ka.headers)).status).toBe(401);
  });
});
