import { apiKeyFor, registerAccount, TestAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';
import { createVariants } from './orders-helpers';

describe('orders, inventory and channels on the Platform API', () => {
  let stack: Stack;
  let a: TestAccount;
  let b: TestAccount;
  let v: Record<string, string>;
  beforeAll(async () => {
    stack = await startStack({ worker: true, env: { RESERVATION_SWEEP_MS: '200' } });
    a = await registerAccount(stack, 'Shop A');
    b = await registerAccount(stack, 'Shop B');
    v = await createVariants(stack, a, ['TSHIRT-S', 'TSHIRT-M', 'RACE-1', 'EXP-1', 'CUP-1'], 19.99);
  });
  afterAll(async () => stack.stop());

  const post = (path: string, body: unknown, acct = a) => stack.http.post(path).set(acct.headers).send(body as object);
  const get = (path: string, acct = a) => stack.http.get(path).set(acct.headers);
  const stock = async (sku: string) => (await get(`/api/v1/inventory?sku=${sku}`)).body[0];

  describe('inventory', () => {
    it('has a default location and creates more', async () => {
      const list = await get('/api/v1/inventory/locations');
      expect(list.status).toBe(200);
      expect(list.body).toEqual([expect.objectContaining({ name: 'Default', is_default: true })]);
      const created = await post('/api/v1/inventory/locations', { name: 'Warehouse 2', address: { city: 'Oslo' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Warehouse 2', is_default: false, address: { city: 'Oslo' } });
      expect((await post('/api/v1/inventory/locations', { name: 'Warehouse 2' })).status).toBe(409);
      expect((await post('/api/v1/inventory/locations', { name: '' })).status).toBe(400);
      expect((await get('/api/v1/inventory/locations', b)).body.map((l: { name: string }) => l.name)).toEqual(['Default']);
    });

    it('sets and adjusts with movements, per location; refuses negatives and bad input', async () => {
      const set = await post('/api/v1/inventory/set', { sku: 'TSHIRT-S', quantity: 12, reason: 'stock count' });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ variant_id: v['TSHIRT-S'], sku: 'TSHIRT-S', on_hand: 12, reserved: 0, available: 12, before: { on_hand: 0 } });
      const adj = await post('/api/v1/inventory/adjust', { variant_id: v['TSHIRT-S'], delta: -2, reason: 'damaged' });
      expect(adj.status).toBe(200);
      expect(adj.body).toMatchObject({ on_hand: 10, available: 10 });
      const short = await post('/api/v1/inventory/adjust', { sku: 'TSHIRT-S', delta: -11, reason: 'lost' });
      expect(short.status).toBe(409);
      expect(short.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', details: [expect.objectContaining({ sku: 'TSHIRT-S', requested: 11, available: 10 })] });

      const locs = await get('/api/v1/inventory/locations');
      const w2 = locs.body.find((l: { name: string }) => l.name === 'Warehouse 2').id;
      expect((await post('/api/v1/inventory/set', { sku: 'TSHIRT-S', location_id: w2, quantity: 5, reason: 'transfer in' })).status).toBe(200);
      const one = await get(`/api/v1/inventory/${v['TSHIRT-S']}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ variant_id: v['TSHIRT-S'], on_hand: 15, reserved: 0, available: 15 });
      expect(one.body.locations).toHaveLength(2);
      expect((await get(`/api/v1/inventory?sku=TSHIRT-S&location_id=${w2}`)).body).toEqual([expect.objectContaining({ location_id: w2, on_hand: 5 })]);

      const mv = await get(`/api/v1/inventory/movements?sku=TSHIRT-S`);
      expect(mv.status).toBe(200);
      expect(mv.body.map((m: { kind: string; delta: number; on_hand_before: number; on_hand_after: number; reason: string }) => [m.kind, m.delta, m.on_hand_before, m.on_hand_after, m.reason])).toEqual([
        ['set', 12, 0, 12, 'stock count'],
        ['adjust', -2, 12, 10, 'damaged'],
        ['set', 5, 0, 5, 'transfer in'],
      ]);
      expect(mv.body[0]).toMatchObject({ actor_type: 'user', actor_id: a.userId });
      const page = await get(`/api/v1/inventory/movements?sku=TSHIRT-S&limit=2`);
      expect(page.body).toHaveLength(2);
      expect(page.headers.link).toMatch(/rel="next"/);

      for (const bad of [
        { sku: 'TSHIRT-S', delta: 1.5, reason: 'x' },
        { sku: 'TSHIRT-S', delta: 1 },
        { delta: 1, reason: 'x' },
        { sku: 'TSHIRT-S', delta: 1, reason: 'x', extra: true },
        { sku: 'x'.repeat(101), delta: 1, reason: 'x' },
      ]) {
        const r = await post('/api/v1/inventory/adjust', bad);
        expect(r.status).toBe(400);
        expect(r.body.error).toEqual(expect.any(String));
      }
      expect((await post('/api/v1/inventory/set', { sku: 'TSHIRT-S', quantity: -1, reason: 'x' })).status).toBe(400);
      expect((await post('/api/v1/inventory/adjust', { sku: 'NOPE', delta: 1, reason: 'x' })).status).toBe(400);
      // another tenant's variant is unknown to B
      expect((await post('/api/v1/inventory/adjust', { variant_id: v['TSHIRT-S'], delta: 1, reason: 'x' }, b)).status).toBe(400);
      expect((await get(`/api/v1/inventory/${v['TSHIRT-S']}`, b)).status).toBe(404);
      // viewers read but do not write
      const viewer = await apiKeyFor(stack, a, 'viewer');
      expect((await stack.http.get('/api/v1/inventory').set(viewer)).status).toBe(200);
      expect((await stack.http.post('/api/v1/inventory/adjust').set(viewer).send({ sku: 'TSHIRT-S', delta: 1, reason: 'x' })).status).toBe(403);
    });

    it('reserves all or nothing, releases, commits, and expires reservations', async () => {
      await post('/api/v1/inventory/set', { sku: 'TSHIRT-M', quantity: 3, reason: 'count' });
      const short = await post('/api/v1/inventory/reservations', { items: [{ sku: 'TSHIRT-S', quantity: 1 }, { sku: 'TSHIRT-M', quantity: 4 }] });
      expect(short.status).toBe(409);
      expect(short.body.code).toBe('INSUFFICIENT_STOCK');
      expect(short.body.details).toEqual([expect.objectContaining({ sku: 'TSHIRT-M', requested: 4, available: 3 })]);
      expect((await stock('TSHIRT-S')).reserved).toBe(0);

      const r = await post('/api/v1/inventory/reservations', { items: [{ sku: 'TSHIRT-M', quantity: 2 }], reference: 'cart-9' });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ status: 'active', reference: 'cart-9', items: [{ sku: 'TSHIRT-M', quantity: 2, variant_id: v['TSHIRT-M'] }] });
      expect(await stock('TSHIRT-M')).toMatchObject({ on_hand: 3, reserved: 2, available: 1 });
      expect((await stack.http.delete(`/api/v1/inventory/reservations/${r.body.id}`).set(b.headers)).status).toBe(404);
      const rel = await stack.http.delete(`/api/v1/inventory/reservations/${r.body.id}`).set(a.headers);
      expect(rel.status).toBe(200);
      expect(rel.body.status).toBe('released');
      const again = await stack.http.delete(`/api/v1/inventory/reservations/${r.body.id}`).set(a.headers);
      expect(again.status).toBe(409);
      expect(again.body.error).toMatch(/is released/);
      expect(await stock('TSHIRT-M')).toMatchObject({ reserved: 0, available: 3 });

      const c = await post('/api/v1/inventory/reservations', { items: [{ variant_id: v['TSHIRT-M'], quantity: 1 }] });
      const commit = await post(`/api/v1/inventory/reservations/${c.body.id}/commit`, {});
      expect(commit.status).toBe(200);
      expect(commit.body.status).toBe('committed');
      expect(await stock('TSHIRT-M')).toMatchObject({ on_hand: 2, reserved: 0 });
      expect((await post(`/api/v1/inventory/reservations/${c.body.id}/commit`, {})).status).toBe(409);

      await post('/api/v1/inventory/set', { sku: 'EXP-1', quantity: 2, reason: 'count' });
      const e = await post('/api/v1/inventory/reservations', { items: [{ sku: 'EXP-1', quantity: 2 }], expires_in: 1 });
      expect(e.status).toBe(201);
      expect((await stock('EXP-1')).available).toBe(0);
      await eventually(async () => (await get(`/api/v1/inventory/reservations/${e.body.id}`)).body.status === 'expired');
      expect(await stock('EXP-1')).toMatchObject({ on_hand: 2, reserved: 0, available: 2 });
      const kinds = (await get(`/api/v1/inventory/movements?sku=EXP-1`)).body.map((m: { kind: string }) => m.kind);
      expect(kinds).toEqual(['set', 'reserve', 'expire']);
      expect((await post('/api/v1/inventory/reservations', { items: [] })).status).toBe(400);

      // a tenant's reservation_expiry agent (its own tenant here: once it exists it is that tenant's expiry
      // schedule): paused, due reservations stay held; run-now releases them once
      const shopC = await registerAccount(stack, 'Shop C');
      await createVariants(stack, shopC, ['EXP-C'], 9.5);
      await post('/api/v1/inventory/set', { sku: 'EXP-C', quantity: 3, reason: 'count' }, shopC);
      const agents = await get('/api/v1/agents', shopC);
      const expiry = agents.body.find((x: { kind: string }) => x.kind === 'reservation_expiry');
      expect(expiry).toMatchObject({ job: 'reservations.expire', scope: {}, schedule: 'every 1m', enabled: true });
      expect((await stack.http.patch(`/api/v1/agents/${expiry.id}`).set(shopC.headers).send({ enabled: false })).status).toBe(200);
      const held = await post('/api/v1/inventory/reservations', { items: [{ sku: 'EXP-C', quantity: 1 }], expires_in: 1 }, shopC);
      expect(held.status).toBe(201);
      await new Promise((r) => setTimeout(r, 2500)); // several worker-wide sweeps
      expect((await get(`/api/v1/inventory/reservations/${held.body.id}`, shopC)).body.status).toBe('active');
      const run = await post(`/api/v1/agents/${expiry.id}/run`, {}, shopC);
      expect(run.status).toBe(202);
      await eventually(async () => (await get(`/api/v1/inventory/reservations/${held.body.id}`, shopC)).body.status === 'expired');
      const done = await eventually(async () => {
        const x = (await get(`/api/v1/agents/${expiry.id}`, shopC)).body;
        return x.last_result?.run_id === run.body.run_id && x.last_result?.status !== 'running' ? x : undefined;
      });
      expect(done).toMatchObject({ run_count: 1, last_result: { status: 'ok', manual: true } });
      expect((await post('/api/v1/inventory/reservations', { items: [{ sku: 'EXP-1', quantity: 0 }] })).status).toBe(400);
    });
  });

  describe('orders', () => {
    it('20 concurrent orders for the last 5 units: exactly 5 succeed, stock ends at 0, never negative', async () => {
      await post('/api/v1/inventory/set', { sku: 'RACE-1', quantity: 5, reason: 'count' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post('/api/v1/orders', { lines: [{ sku: 'RACE-1', quantity: 1 }], customer: { email: `racer${i}@example.com` }, payment: { provider: 'manual' } })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(15);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('INSUFFICIENT_STOCK');
      expect(await stock('RACE-1')).toMatchObject({ on_hand: 0, reserved: 0, available: 0 });
      const neg = await stack.db.pool.query(`SELECT count(*)::int AS n FROM inventory_movements WHERE tenant_id = $1 AND on_hand_after - reserved_after < 0`, [a.tenantId]);
      expect(neg.rows[0].n).toBe(0);
    });

    it('runs every transition with exact totals; illegal ones answer 409 naming the state', async () => {
      await post('/api/v1/inventory/set', { sku: 'CUP-1', quantity: 10, reason: 'count' });
      const created = await post('/api/v1/orders', {
        lines: [
          { sku: 'CUP-1', quantity: 3 },
          { variant_id: v['TSHIRT-S'], quantity: 1, price: 0.1 },
        ],
        currency: 'USD',
        customer: { email: 'Buyer@Example.com', name: 'Buyer' },
        shipping_address: { line1: '1 Main St', city: 'Springfield', country: 'US' },
        shipping_total: 0.2,
        tax_total: 1.05,
        discount_total: 0.05,
        external_id: 'PO-1',
      });
      expect(created.status).toBe(201);
      const o = created.body;
      expect(o).toMatchObject({
        status: 'pending',
        stock_state: 'reserved',
        currency: 'USD',
        external_id: 'PO-1',
        channel: { kind: 'manual' },
        customer: { email: 'Buyer@Example.com', name: 'Buyer' },
        totals: { subtotal: 60.07, shipping: 0.2, tax: 1.05, discount: 0.05, total: 61.27, paid: 0, refunded: 0 },
      });
      expect(o.lines.map((l: { sku: string; quantity: number; unit_price: number; total: number }) => [l.sku, l.quantity, l.unit_price, l.total])).toEqual([
        ['CUP-1', 3, 19.99, 59.97],
        ['TSHIRT-S', 1, 0.1, 0.1],
      ]);
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 10, reserved: 3 });
      const stored = await stack.db.pool.query('SELECT total::text FROM orders WHERE id = $1', [o.id]);
      expect(stored.rows[0].total).toBe('61.2700');
      // the same external id on the same channel is refused
      expect((await post('/api/v1/orders', { lines: [{ sku: 'CUP-1', quantity: 1 }], external_id: 'PO-1' })).status).toBe(409);

      const fulfillEarly = await post(`/api/v1/orders/${o.id}/fulfill`, {});
      expect(fulfillEarly.status).toBe(409);
      expect(fulfillEarly.body).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      expect(fulfillEarly.body.error).toMatch(/is pending/);
      expect((await post(`/api/v1/orders/${o.id}/return`, { lines: [{ line_id: o.lines[0].id, quantity: 1 }], reason: 'x' })).status).toBe(409);
      expect((await post(`/api/v1/orders/${o.id}/complete`, {})).status).toBe(409);

      const paid = await post(`/api/v1/orders/${o.id}/pay`, { provider: 'stripe', reference: 'pi_123', method: 'card' });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ status: 'paid', stock_state: 'deducted', totals: { paid: 61.27 } });
      expect(paid.body.payments).toEqual([expect.objectContaining({ amount: 61.27, provider: 'stripe', reference: 'pi_123', method: 'card' })]);
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 7, reserved: 0 });
      expect((await post(`/api/v1/orders/${o.id}/pay`, { provider: 'stripe', reference: 'pi_123' })).status).toBe(200);
      const payAgain = await post(`/api/v1/orders/${o.id}/pay`, { provider: 'stripe', reference: 'pi_other' });
      expect(payAgain.status).toBe(409);
      expect(payAgain.body.error).toMatch(/is paid/);

      const part = await post(`/api/v1/orders/${o.id}/fulfill`, { carrier: 'UPS', tracking_number: '1Z999', tracking_url: 'https://ups.example/1Z999', lines: [{ line_id: o.lines[0].id, quantity: 2 }] });
      expect(part.status).toBe(200);
      expect(part.body.status).toBe('paid');
      expect(part.body.fulfillments).toEqual([expect.objectContaining({ carrier: 'UPS', tracking_number: '1Z999', tracking_url: 'https://ups.example/1Z999', lines: [{ line_id: o.lines[0].id, quantity: 2 }] })]);
      const over = await post(`/api/v1/orders/${o.id}/fulfill`, { lines: [{ line_id: o.lines[0].id, quantity: 2 }] });
      expect(over.status).toBe(400);
      expect((await post(`/api/v1/orders/${o.id}/fulfill`, { tracking_url: 'javascript:alert(1)' })).status).toBe(400);
      const rest = await post(`/api/v1/orders/${o.id}/fulfill`, { carrier: 'DHL', tracking_number: 'JD01' });
      expect(rest.body.status).toBe('fulfilled');
      expect(rest.body.lines.map((l: { fulfilled_quantity: number }) => l.fulfilled_quantity)).toEqual([3, 1]);
      const cancelLate = await post(`/api/v1/orders/${o.id}/cancel`, { reason: 'too late' });
      expect(cancelLate.status).toBe(409);
      expect(cancelLate.body.error).toMatch(/is fulfilled/);

      const done = await post(`/api/v1/orders/${o.id}/complete`, {});
      expect(done.body.status).toBe('completed');
      const ret = await post(`/api/v1/orders/${o.id}/return`, { lines: [{ line_id: o.lines[0].id, quantity: 1 }], reason: 'chipped', refund_amount: 19.99 });
      expect(ret.status).toBe(200);
      expect(ret.body).toMatchObject({ status: 'returned', totals: { refunded: 19.99 } });
      expect(ret.body.returns).toEqual([expect.objectContaining({ reason: 'chipped', restock: true, refund_amount: 19.99, lines: [{ line_id: o.lines[0].id, quantity: 1 }] })]);
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 8 });
      expect((await post(`/api/v1/orders/${o.id}/return`, { lines: [{ line_id: o.lines[0].id, quantity: 3 }], reason: 'too many' })).status).toBe(400);
      expect((await post(`/api/v1/orders/${o.id}/return`, { lines: [{ line_id: o.lines[0].id, quantity: 1 }], reason: 'x', refund_amount: 1000 })).status).toBe(400);
      const refunded = await post(`/api/v1/orders/${o.id}/return`, { lines: [{ line_id: o.lines[0].id, quantity: 2 }, { line_id: o.lines[1].id, quantity: 1 }], reason: 'all back', restock: false, refund_amount: 41.28 });
      expect(refunded.body).toMatchObject({ status: 'refunded', totals: { refunded: 61.27 } });
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 8 });

      const full = await get(`/api/v1/orders/${o.id}`);
      expect(full.status).toBe(200);
      expect(full.body.history.map((h: { action: string; to_status: string }) => [h.action, h.to_status])).toEqual([
        ['created', 'pending'],
        ['paid', 'paid'],
        ['partially_fulfilled', 'paid'],
        ['fulfilled', 'fulfilled'],
        ['completed', 'completed'],
        ['returned', 'returned'],
        ['refunded', 'refunded'],
      ]);
      const events = await stack.db.pool.query(`SELECT type, data->>'status' AS status FROM events WHERE tenant_id = $1 AND data->>'id' = $2 ORDER BY created_at, id`, [a.tenantId, o.id]);
      expect(events.rows[0]).toEqual({ type: 'order.created', status: 'pending' });
      expect(events.rows.slice(1).map((e) => e.status)).toEqual(['paid', 'paid', 'fulfilled', 'completed', 'returned', 'refunded']);
      expect(new Set(events.rows.slice(1).map((e) => e.type))).toEqual(new Set(['order.updated']));
      // the outbox dispatched them
      await eventually(async () => (await stack.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND relayed_at IS NULL`, [a.tenantId])).rows[0].n === 0);

      // cancel: a pending order releases its reservation; a paid one restocks
      const p1 = await post('/api/v1/orders', { lines: [{ sku: 'CUP-1', quantity: 2 }] });
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 8, reserved: 2 });
      const c1 = await post(`/api/v1/orders/${p1.body.id}/cancel`, { reason: 'customer asked' });
      expect(c1.body).toMatchObject({ status: 'cancelled', stock_state: 'released' });
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 8, reserved: 0 });
      const p2 = await post('/api/v1/orders', { lines: [{ sku: 'CUP-1', quantity: 2 }], payment: { reference: 'cash-1' } });
      expect(p2.body).toMatchObject({ status: 'paid', stock_state: 'deducted' });
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 6 });
      expect((await post(`/api/v1/orders/${p2.body.id}/cancel`, {})).body.status).toBe('cancelled');
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 8 });
      const twice = await post(`/api/v1/orders/${p2.body.id}/cancel`, {});
      expect(twice.status).toBe(409);
      expect(twice.body.error).toMatch(/is cancelled/);
      expect((await post(`/api/v1/orders/${p2.body.id}/pay`, {})).status).toBe(409);

      // a pending order created with reserve_for_seconds is cancelled by the worker when due
      const short = await post('/api/v1/orders', { lines: [{ sku: 'CUP-1', quantity: 1 }], reserve_for_seconds: 60 });
      await stack.db.pool.query(`UPDATE orders SET reservation_expires_at = now() - interval '1 second' WHERE id = $1`, [short.body.id]);
      await eventually(async () => (await get(`/api/v1/orders/${short.body.id}`)).body.status === 'cancelled');
      expect(await stock('CUP-1')).toMatchObject({ on_hand: 8, reserved: 0 });
    });

    it('lists with cursor pagination and filters; another tenant gets 404', async () => {
      const first = await get('/api/v1/orders?limit=3');
      expect(first.status).toBe(200);
      expect(first.body).toHaveLength(3);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)![1];
      const second = await get(next);
      expect(second.status).toBe(200);
      expect(second.body[0].id).not.toBe(first.body[2].id);
      expect(new Set([...first.body, ...second.body].map((o: { id: string }) => o.id)).size).toBe(first.body.length + second.body.length);

      const byEmail = await get('/api/v1/orders?customer_email=buyer@example.com');
      expect(byEmail.body).toHaveLength(1);
      expect(byEmail.body[0].external_id).toBe('PO-1');
      expect((await get('/api/v1/orders?external_id=PO-1')).body).toHaveLength(1);
      const cancelled = await get('/api/v1/orders?status=cancelled');
      expect(cancelled.body.length).toBe(3);
      for (const o of cancelled.body) expect(o.status).toBe('cancelled');
      const channels = await get('/api/v1/channels');
      const manual = channels.body.find((c: { kind: string }) => c.kind === 'manual');
      expect((await get(`/api/v1/orders?channel_id=${manual.id}&limit=100`)).body.length).toBeGreaterThanOrEqual(8);
      const storefront = channels.body.find((c: { kind: string }) => c.kind === 'storefront');
      expect((await get(`/api/v1/orders?channel_id=${storefront.id}`)).body).toEqual([]);
      expect((await get(`/api/v1/orders?created_from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body).toEqual([]);
      expect((await get('/api/v1/orders?status=shipped')).status).toBe(400);
      expect((await get('/api/v1/orders?created_from=yesterday')).status).toBe(400);
      expect((await get('/api/v1/orders?cursor=garbage')).status).toBe(400);

      // another tenant: 404 on read and on every transition, absent from its list
      const id = first.body[0].id;
      expect((await get(`/api/v1/orders/${id}`, b)).status).toBe(404);
      for (const t of ['pay', 'fulfill', 'cancel', 'complete']) expect((await post(`/api/v1/orders/${id}/${t}`, {}, b)).status).toBe(404);
      expect((await post(`/api/v1/orders/${id}/return`, { lines: [{ line_id: id, quantity: 1 }], reason: 'x' }, b)).status).toBe(404);
      expect((await get('/api/v1/orders', b)).body).toEqual([]);
      expect((await get(`/api/v1/orders/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
      expect((await get('/api/v1/orders/not-a-uuid')).status).toBe(400);
    });

    it('sees a price, title or channel changed behind its back at the next order (cached lookups are re-checked)', async () => {
      await post('/api/v1/inventory/set', { sku: 'TSHIRT-M', quantity: 100, reason: 'count' });
      const order = async (body: object = {}) => post('/api/v1/orders', { lines: [{ sku: 'TSHIRT-M', quantity: 1 }], payment: { provider: 'manual' }, ...body });
      const first = await order();
      expect(first.status).toBe(201);
      expect(first.body.lines[0]).toMatchObject({ unit_price: 19.99, title: expect.stringMatching(/^Product TSHIRT-S/) });
      expect((await order()).body.lines[0].unit_price).toBe(19.99);

      // straight in the database: no api code path knows it changed
      await stack.db.pool.query(`UPDATE variants SET price = 25.5 WHERE id = $1`, [v['TSHIRT-M']]);
      const repriced = await order();
      expect(repriced.status).toBe(201);
      expect(repriced.body.lines[0]).toMatchObject({ unit_price: 25.5, total: 25.5 });
      expect(repriced.body.totals).toMatchObject({ total: 25.5, paid: 25.5 });
      // a discount the old price could not carry is fine with the new one
      expect((await order({ discount_total: 20 })).status).toBe(201);

      await stack.db.pool.query(`UPDATE products SET title = 'Renamed' WHERE id = (SELECT product_id FROM variants WHERE id = $1)`, [v['TSHIRT-M']]);
      expect((await order()).body.lines[0].title).toMatch(/^Renamed/);

      await stack.db.pool.query(`UPDATE channels SET enabled = false WHERE tenant_id = $1 AND kind = 'manual'`, [a.tenantId]);
      const refused = await order();
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('CHANNEL_DISABLED');
      await stack.db.pool.query(`UPDATE channels SET enabled = true WHERE tenant_id = $1 AND kind = 'manual'`, [a.tenantId]);

      await stack.db.pool.query(`UPDATE variants SET sku = 'TSHIRT-M2' WHERE id = $1`, [v['TSHIRT-M']]);
      const gone = await order();
      expect(gone.status).toBe(400);
      await stack.db.pool.query(`UPDATE variants SET sku = 'TSHIRT-M', price = 19.99 WHERE id = $1`, [v['TSHIRT-M']]);
      await stack.db.pool.query(`UPDATE products SET title = 'Product TSHIRT-S' WHERE id = (SELECT product_id FROM variants WHERE id = $1)`, [v['TSHIRT-M']]);
      const back = await order();
      expect(back.status).toBe(201);
      expect(back.body.lines[0]).toMatchObject({ unit_price: 19.99, title: expect.stringMatching(/^Product TSHIRT-S/) });
      // every order above deducted exactly its unit
      expect(await stock('TSHIRT-M')).toMatchObject({ on_hand: 94, reserved: 0 });
    });

    it('validates order input and refuses a disabled channel', async () => {
      for (const bad of [
        {},
        { lines: [] },
        { lines: [{ sku: 'CUP-1' }] },
        { lines: [{ sku: 'CUP-1', quantity: -1 }] },
        { lines: [{ sku: 'CUP-1', quantity: 1, price: -5 }] },
        { lines: [{ sku: 'CUP-1', quantity: 1, price: 1.00001 }] },
        { lines: [{ sku: 'CUP-1', quantity: 1 }], currency: 'XXY' },
        { lines: [{ sku: 'CUP-1', quantity: 1 }], customer: { email: 'not-an-email' } },
        { lines: [{ sku: 'CUP-1', quantity: 1 }], unknown: 1 },
        { lines: [{ quantity: 1 }] },
        { lines: Array.from({ length: 501 }, () => ({ sku: 'CUP-1', quantity: 1 })) },
        { lines: [{ sku: 'NOT-A-SKU', quantity: 1 }] },
        { lines: [{ sku: 'CUP-1', quantity: 1 }], discount_total: 1000 },
      ]) {
        const r = await post('/api/v1/orders', bad);
        expect([r.status, JSON.stringify(bad).slice(0, 80)]).toEqual([400, JSON.stringify(bad).slice(0, 80)]);
        expect(r.body.error).toEqual(expect.any(String));
      }
      expect((await post('/api/v1/orders', { lines: [{ sku: 'CUP-1', quantity: 1 }], channel: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);

      const channels = await get('/api/v1/channels');
      const storefront = channels.body.find((c: { kind: string }) => c.kind === 'storefront');
      const off = await stack.http.patch(`/api/v1/channels/${storefront.id}`).set(a.headers).send({ enabled: false, name: 'Web shop' });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ enabled: false, name: 'Web shop', kind: 'storefront' });
      const refused = await post('/api/v1/orders', { lines: [{ sku: 'CUP-1', quantity: 1 }], channel: 'storefront' });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('CHANNEL_DISABLED');
      await stack.http.patch(`/api/v1/channels/${storefront.id}`).set(a.headers).send({ enabled: true });
      const onStorefront = await post('/api/v1/orders', { lines: [{ sku: 'CUP-1', quantity: 1 }], channel: storefront.id });
      expect(onStorefront.status).toBe(201);
      expect(onStorefront.body.channel).toMatchObject({ id: storefront.id, kind: 'storefront', name: 'Web shop' });
    });
  });

  describe('channels', () => {
    it('lists manual and storefront channels, updates settings with validation, 404 for other tenants', async () => {
      const list = await get('/api/v1/channels');
      expect(list.status).toBe(200);
      expect(list.body.map((c: { kind: string }) => c.kind).sort()).toEqual(['manual', 'storefront']);
      const manual = list.body.find((c: { kind: string }) => c.kind === 'manual');
      expect(manual).toMatchObject({ enabled: true, stock_buffer: 0, import_orders: true, location_id: null });
      const locs = await get('/api/v1/inventory/locations');
      const w2 = locs.body.find((l: { name: string }) => l.name === 'Warehouse 2').id;
      const upd = await stack.http.patch(`/api/v1/channels/${manual.id}`).set(a.headers).send({ stock_buffer: 2, location_id: w2, import_orders: false });
      expect(upd.status).toBe(200);
      expect(upd.body).toMatchObject({ stock_buffer: 2, location_id: w2, import_orders: false });
      expect((await get(`/api/v1/channels/${manual.id}`)).body).toMatchObject({ stock_buffer: 2, location_id: w2 });
      // orders on this channel now take stock from its location
      const o = await post('/api/v1/orders', { lines: [{ sku: 'TSHIRT-S', quantity: 1 }] });
      expect(o.body.location_id).toBe(w2);
      expect((await get(`/api/v1/inventory?sku=TSHIRT-S&location_id=${w2}`)).body[0]).toMatchObject({ reserved: 1 });
      await stack.http.patch(`/api/v1/channels/${manual.id}`).set(a.headers).send({ location_id: null });

      for (const bad of [{ stock_buffer: -1 }, { stock_buffer: 1.5 }, { enabled: 'yes' }, { name: '' }, { location_id: 'nope' }, { kind: 'manual' }]) {
        expect((await stack.http.patch(`/api/v1/channels/${manual.id}`).set(a.headers).send(bad)).status).toBe(400);
      }
      const bLocs = await get('/api/v1/inventory/locations', b);
      expect((await stack.http.patch(`/api/v1/channels/${manual.id}`).set(a.headers).send({ location_id: bLocs.body[0].id })).status).toBe(404);
      expect((await get(`/api/v1/channels/${manual.id}`, b)).status).toBe(404);
      expect((await stack.http.patch(`/api/v1/channels/${manual.id}`).set(b.headers).send({ enabled: false })).status).toBe(404);
      // a new default location replaces the old one
      const nd = await post('/api/v1/inventory/locations', { name: 'B main', is_default: true }, b);
      expect(nd.status).toBe(201);
      const bAfter = await get('/api/v1/inventory/locations', b);
      expect(bAfter.body.filter((l: { is_default: boolean }) => l.is_default).map((l: { name: string }) => l.name)).toEqual(['B main']);
      const editor = await apiKeyFor(stack, a, 'editor');
      expect((await stack.http.patch(`/api/v1/channels/${manual.id}`).set(editor).send({ enabled: false })).status).toBe(403);
    });
  });
});
