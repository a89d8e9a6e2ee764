import { TenantContext } from '@synq/common';
import { IllegalTransitionError, InsufficientStockError, InventoryService, OrdersService } from '@synq/orders';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { startStack, Stack } from '../helpers/stack';
import { createVariants } from './orders-helpers';

/** The library API other features build on (storefront, developer API), exercised directly. */
describe('@synq/orders services', () => {
  let stack: Stack;
  let a: TestAccount;
  let b: TestAccount;
  let inv: InventoryService;
  let orders: OrdersService;
  let ctxA: TenantContext;
  let ctxB: TenantContext;
  beforeAll(async () => {
    stack = await startStack();
    a = await registerAccount(stack, 'Tenant A');
    b = await registerAccount(stack, 'Tenant B');
    inv = stack.api!.get(InventoryService);
    orders = stack.api!.get(OrdersService);
    ctxA = { tenantId: a.tenantId, orgId: a.orgId, role: 'owner', actorType: 'user', actorId: a.userId };
    ctxB = { tenantId: b.tenantId, orgId: b.orgId, role: 'owner', actorType: 'user', actorId: b.userId };
  });
  afterAll(async () => stack.stop());

  const level = async (variantId: string) =>
    (await stack.db.pool.query('SELECT on_hand, reserved FROM inventory_levels WHERE variant_id = $1', [variantId])).rows[0] as { on_hand: number; reserved: number };

  it('adjusts and sets with movement rows; refuses to go negative', async () => {
    const v = await createVariants(stack, a, ['CORE-1']);
    const r1 = await inv.adjust(ctxA, { sku: 'CORE-1', delta: 7, reason: 'received' });
    expect(r1).toMatchObject({ on_hand_before: 0, on_hand_after: 7, reserved_after: 0 });
    const r2 = await inv.set(ctxA, { variantId: v['CORE-1'], quantity: 3, reason: 'count' });
    expect(r2).toMatchObject({ on_hand_before: 7, on_hand_after: 3 });
    await expect(inv.adjust(ctxA, { sku: 'CORE-1', delta: -4, reason: 'damaged' })).rejects.toBeInstanceOf(InsufficientStockError);
    const mv = await stack.db.pool.query('SELECT kind, delta, on_hand_before, on_hand_after, reason, actor_id FROM inventory_movements WHERE variant_id = $1 ORDER BY created_at, id', [v['CORE-1']]);
    expect(mv.rows).toEqual([
      { kind: 'adjust', delta: 7, on_hand_before: 0, on_hand_after: 7, reason: 'received', actor_id: a.userId },
      { kind: 'set', delta: -4, on_hand_before: 7, on_hand_after: 3, reason: 'count', actor_id: a.userId },
    ]);
    // another tenant cannot name the variant
    await expect(inv.adjust(ctxB, { variantId: v['CORE-1'], delta: 1, reason: 'x' })).rejects.toMatchObject({ status: 400 });
  });

  it('reserves all lines or none, releases and commits exactly once', async () => {
    const v = await createVariants(stack, a, ['RES-1', 'RES-2']);
    await inv.adjust(ctxA, { sku: 'RES-1', delta: 5, reason: 'in' });
    await inv.adjust(ctxA, { sku: 'RES-2', delta: 1, reason: 'in' });
    const short = await inv.reserve(ctxA, [{ sku: 'RES-1', quantity: 2 }, { sku: 'RES-2', quantity: 2 }]).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(InsufficientStockError);
    expect((short as InsufficientStockError).lines).toEqual([{ variant_id: v['RES-2'], sku: 'RES-2', requested: 2, available: 1 }]);
    expect(await level(v['RES-1'])).toEqual({ on_hand: 5, reserved: 0 });

    const res = await inv.reserve(ctxA, [{ sku: 'RES-1', quantity: 2 }, { variantId: v['RES-2'], quantity: 1 }], { reference: 'cart-1', expiresInSeconds: 600 });
    expect(res).toMatchObject({ status: 'active', reference: 'cart-1' });
    expect(await level(v['RES-1'])).toEqual({ on_hand: 5, reserved: 2 });
    await inv.commit(ctxA, res.id);
    expect(await level(v['RES-1'])).toEqual({ on_hand: 3, reserved: 0 });
    expect(await level(v['RES-2'])).toEqual({ on_hand: 0, reserved: 0 });
    await expect(inv.release(ctxA, res.id)).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(inv.release(ctxB, res.id)).rejects.toMatchObject({ status: 404 });

    const res2 = await inv.reserve(ctxA, [{ sku: 'RES-1', quantity: 3 }]);
    await inv.release(ctxA, res2.id);
    expect(await level(v['RES-1'])).toEqual({ on_hand: 3, reserved: 0 });
  });

  it('20 concurrent paid orders for 5 units: exactly 5 succeed, stock ends at 0', async () => {
    const v = await createVariants(stack, a, ['RACE-1']);
    await inv.set(ctxA, { sku: 'RACE-1', quantity: 5, reason: 'in' });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => orders.create(ctxA, { lines: [{ sku: 'RACE-1', quantity: 1 }], payment: { provider: 'manual' } })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(5);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientStockError);
    expect(await level(v['RACE-1'])).toEqual({ on_hand: 0, reserved: 0 });
  });

  it('runs the lifecycle with exact totals and events', async () => {
    const v = await createVariants(stack, a, ['LIFE-1', 'LIFE-2'], 19.99);
    await inv.set(ctxA, { sku: 'LIFE-1', quantity: 10, reason: 'in' });
    await inv.set(ctxA, { sku: 'LIFE-2', quantity: 10, reason: 'in' });
    const o = await orders.create(ctxA, {
      lines: [
        { sku: 'LIFE-1', quantity: 3 },
        { variantId: v['LIFE-2'], quantity: 1, unitPrice: '0.1' },
      ],
      shippingTotal: '0.2',
      customer: { email: 'c@example.com' },
    });
    expect(o).toMatchObject({ status: 'pending', stock_state: 'reserved', currency: 'USD', totals: { subtotal: 60.07, shipping: 0.2, total: 60.27 } });
    expect(await level(v['LIFE-1'])).toEqual({ on_hand: 10, reserved: 3 });
    await expect(orders.fulfill(ctxA, o.id)).rejects.toThrow(/is pending/);
    const paid = await orders.markPaid(ctxA, o.id, { provider: 'stripe', reference: 'cs_1' });
    expect(paid).toMatchObject({ status: 'paid', stock_state: 'deducted', totals: { paid: 60.27 } });
    expect(await level(v['LIFE-1'])).toEqual({ on_hand: 7, reserved: 0 });
    // the same payment again is a no-op
    expect((await orders.markPaid(ctxA, o.id, { provider: 'stripe', reference: 'cs_1' })).payments).toHaveLength(1);
    const part = await orders.fulfill(ctxA, o.id, { carrier: 'UPS', trackingNumber: '1Z', lines: [{ lineId: o.lines[0].id, quantity: 1 }] });
    expect(part.status).toBe('paid');
    const full = await orders.fulfill(ctxA, o.id, { carrier: 'UPS', trackingNumber: '1Z2' });
    expect(full.status).toBe('fulfilled');
    expect(full.fulfillments).toHaveLength(2);
    const ret = await orders.return(ctxA, o.id, { lines: [{ lineId: o.lines[0].id, quantity: 2 }], reason: 'too small', refundAmount: '39.98' });
    expect(ret.status).toBe('returned');
    expect(await level(v['LIFE-1'])).toEqual({ on_hand: 9, reserved: 0 });
    expect(ret.history!.map((h: { action: string }) => h.action)).toEqual(['created', 'paid', 'partially_fulfilled', 'fulfilled', 'returned']);
    const events = await stack.db.pool.query(`SELECT type, data FROM events WHERE tenant_id = $1 AND data->>'id' = $2 ORDER BY created_at`, [a.tenantId, o.id]);
    expect(events.rows.map((e) => e.type)).toEqual(['order.created', 'order.updated', 'order.updated', 'order.updated', 'order.updated']);
    expect(events.rows[0].data).toMatchObject({ id: o.id, total: 60.27, currency: 'USD' });

    const c = await orders.create(ctxA, { lines: [{ sku: 'LIFE-2', quantity: 2 }] });
    expect(await level(v['LIFE-2'])).toEqual({ on_hand: 9, reserved: 2 });
    expect((await orders.cancel(ctxA, c.id, { reason: 'changed mind' })).status).toBe('cancelled');
    expect(await level(v['LIFE-2'])).toEqual({ on_hand: 9, reserved: 0 });
    await expect(orders.markPaid(ctxA, c.id)).rejects.toThrow(/is cancelled/);
    await expect(orders.get(ctxB, c.id)).rejects.toMatchObject({ status: 404 });
  });
});
