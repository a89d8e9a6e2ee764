import { randomUUID } from 'node:crypto';
import { QueueService } from '@synq/queue';
import { FakeShopify } from '../fakes/fake-shopify';
import { FakeUnified } from '../fakes/fake-unified';
import { FakeWooCommerce } from '../fakes/fake-woocommerce';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { connectShopify, connectUnified, connectWooCommerce } from '../helpers/connections';
import { eventually, startStack, Stack } from '../helpers/stack';
import { createProduct, push, settled } from '../sync/sync-helpers';

const WINDOW_MS = 2000;

describe('stock propagation to every connected channel', () => {
  let stack: Stack;
  let shop: FakeShopify;
  let woo: FakeWooCommerce;
  let provider: FakeUnified;
  let a: TestAccount;
  const conn = { shopify: '', woocommerce: '', unified: '', unifiedRemote: '' };
  const channel = { shopify: '', woocommerce: '', unified: '' };

  beforeAll(async () => {
    [shop, woo, provider] = await Promise.all([new FakeShopify().start(), new FakeWooCommerce().start(), new FakeUnified().start()]);
    stack = await startStack({
      worker: true,
      env: {
        UNIFIED_API_BASE_URL: provider.url,
        UNIFIED_API_KEY: provider.apiKey,
        UNIFIED_WORKSPACE_ID: provider.workspaceId,
        SYNC_DEBOUNCE_MS: '100',
        INVENTORY_PUSH_COALESCE_MS: String(WINDOW_MS),
        RESERVATION_SWEEP_MS: '300',
      },
    });
    a = await registerAccount(stack, 'Multichannel');
    conn.shopify = await connectShopify(stack, a, shop);
    conn.woocommerce = await connectWooCommerce(stack, a, woo);
    const u = await connectUnified(stack, a, provider, 'amazon');
    conn.unified = u.id;
    conn.unifiedRemote = u.unifiedId;
    const list = await stack.http.get('/api/v1/channels').set(a.headers);
    expect(list.status).toBe(200);
    for (const k of ['shopify', 'woocommerce', 'unified'] as const) channel[k] = list.body.find((c: { connection_id: string }) => c.connection_id === conn[k]).id;
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([shop.stop(), woo.stop(), provider.stop()]);
  });

  const shown = () => ({
    shopify: shop.availableBySku('WOOL-M-BLU'),
    woocommerce: woo.stockBySku('WOOL-M-BLU'),
    unified: provider.availableBySku(conn.unifiedRemote, 'WOOL-M-BLU'),
  });
  const stockWrites = (from: { s: number; w: number; u: number }) => ({
    shopify: shop.mutations('inventorySetQuantities', from.s).length,
    woocommerce: woo.since(from.w).filter((r) => r.method === 'POST' && /batch$/.test(r.path)).length,
    unified: provider.since(from.u).filter((r) => r.path.includes('/inventory') && r.method !== 'GET').length,
  });
  const marks = () => ({ s: shop.requests.length, w: woo.requests.length, u: provider.requests.length });

  it('pushes available minus each channel buffer, one update per channel per burst, and fires stock.low once', async () => {
    // buffers: WooCommerce holds 1 back, the unified channel 2
    expect((await stack.http.patch(`/api/v1/channels/${channel.woocommerce}`).set(a.headers).send({ stock_buffer: 1 })).status).toBe(200);
    expect((await stack.http.patch(`/api/v1/channels/${channel.unified}`).set(a.headers).send({ stock_buffer: 2 })).status).toBe(200);

    const p = await createProduct(stack, a, 'Classic Wool Sweater', 'WOOL');
    await push(stack, a, p.id);
    await settled(stack, a, p.id, 'SYNCED', 3);

    expect((await stack.http.post('/api/v1/inventory/set').set(a.headers).send({ sku: 'WOOL-M-BLU', quantity: 10, reason: 'initial count' })).status).toBe(200);
    await eventually(async () => {
      const s = shown();
      return s.shopify === 10 && s.woocommerce === 9 && s.unified === 8;
    }, 20000);

    // a burst of three orders on Shopify (imported from its webhooks), all inside one coalescing window
    await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 50));
    const before = marks();
    const queue = stack.api!.get(QueueService);
    await Promise.all(
      [1, 2, 3].map((i) =>
        queue.add(
          {
            name: 'order.ingest',
            data: {
              tenantId: a.tenantId,
              connectionId: conn.shopify,
              platform: 'shopify',
              topic: 'orders/create',
              order: {
                id: 5000 + i,
                name: `#500${i}`,
                currency: 'USD',
                financial_status: 'paid',
                created_at: '2026-11-30T10:00:00Z',
                updated_at: '2026-11-30T10:00:00Z',
                total_price: '89.99',
                line_items: [{ id: 9000 + i, sku: 'WOOL-M-BLU', title: 'Classic Wool Sweater', quantity: 2, price: '89.99' }],
              },
            },
          },
          `t-${randomUUID()}`,
        ),
      ),
    );
    // 10 − 6 = 4 available: Shopify 4, WooCommerce 3, unified 2
    await eventually(async () => {
      const s = shown();
      return s.shopify === 4 && s.woocommerce === 3 && s.unified === 2;
    }, 20000);
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    expect(stockWrites(before)).toEqual({ shopify: 1, woocommerce: 1, unified: 1 });

    // stock.low (threshold 5): fired once when available went from 6 or more to 4 or less
    const low = await stack.db.pool.query(`SELECT data FROM events WHERE tenant_id = $1 AND type = 'stock.low'`, [a.tenantId]);
    expect(low.rows).toHaveLength(1);
    expect(low.rows[0].data).toMatchObject({ product_id: p.id, sku: 'WOOL-M-BLU', threshold: 5 });
    expect(low.rows[0].data.quantity).toBe(4);

    // falling further does not fire again; recovering and falling again does
    await stack.http.post('/api/v1/inventory/adjust').set(a.headers).send({ sku: 'WOOL-M-BLU', delta: -1, reason: 'damaged' });
    expect((await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND type = 'stock.low'`, [a.tenantId])).rows[0].n).toBe(1);
    await stack.http.post('/api/v1/inventory/adjust').set(a.headers).send({ sku: 'WOOL-M-BLU', delta: 10, reason: 'received' });
    await stack.http.post('/api/v1/inventory/adjust').set(a.headers).send({ sku: 'WOOL-M-BLU', delta: -10, reason: 'sold elsewhere' });
    expect((await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND type = 'stock.low'`, [a.tenantId])).rows[0].n).toBe(2);

    // changing a buffer re-pushes that channel's figure
    await eventually(async () => shown().woocommerce === 2, 20000);
    expect((await stack.http.patch(`/api/v1/channels/${channel.woocommerce}`).set(a.headers).send({ stock_buffer: 3 })).status).toBe(200);
    await eventually(async () => shown().woocommerce === 0, 20000);
  });

  it('gives a product newly listed on the channels its stock figure', async () => {
    const p = await createProduct(stack, a, 'Knit Cap', 'KNIT');
    expect((await stack.http.post('/api/v1/inventory/set').set(a.headers).send({ sku: 'KNIT-M-BLU', quantity: 7, reason: 'received' })).status).toBe(200);
    await push(stack, a, p.id);
    await settled(stack, a, p.id, 'SYNCED', 3);
    await eventually(async () => {
      const s = { shopify: shop.availableBySku('KNIT-M-BLU'), woocommerce: woo.stockBySku('KNIT-M-BLU'), unified: provider.availableBySku(conn.unifiedRemote, 'KNIT-M-BLU') };
      return s.shopify === 7 && s.woocommerce === 4 && s.unified === 5;
    }, 20000);
    // a variant without a stock level in Synq is left alone on the platforms
    expect(shop.availableBySku('KNIT-L-BLU')).toBeUndefined();
  });

  it('a listing caps what its connection shows (quantity_cap) and an inactive listing shows 0', async () => {
    const p = await createProduct(stack, a, 'Alpaca Scarf', 'ALPACA');
    expect((await stack.http.post('/api/v1/inventory/set').set(a.headers).send({ sku: 'ALPACA-M-BLU', quantity: 20, reason: 'received' })).status).toBe(200);
    await push(stack, a, p.id);
    await settled(stack, a, p.id, 'SYNCED', 3);
    const shopShows = () => shop.availableBySku('ALPACA-M-BLU');
    await eventually(async () => shopShows() === 20, 20000);

    const listing = await stack.http.post('/api/v1/listings').set(a.headers).send({ sku: 'ALPACA-M-BLU', connection_id: conn.shopify, quantity_cap: 5 });
    expect(listing.status).toBe(201);
    await eventually(async () => shopShows() === 5, 20000);
    // the other channels keep the full figure (minus their buffers)
    expect(woo.stockBySku('ALPACA-M-BLU')).toBe(17);

    expect((await stack.http.patch(`/api/v1/listings/${listing.body.id}`).set(a.headers).send({ status: 'inactive' })).status).toBe(200);
    await eventually(async () => shopShows() === 0, 20000);
    expect((await stack.http.delete(`/api/v1/listings/${listing.body.id}`).set(a.headers)).status).toBe(204);
    await eventually(async () => shopShows() === 20, 20000);
  });
});
