import { registerAccount, TestAccount } from '../helpers/accounts';
import { startStack, Stack } from '../helpers/stack';

describe('PIM products and variants', () => {
  let stack: Stack;
  let a: TestAccount;
  let b: TestAccount;
  beforeAll(async () => {
    stack = await startStack();
    a = await registerAccount(stack, 'Tenant A');
    b = await registerAccount(stack, 'Tenant B');
  });
  afterAll(async () => stack.stop());

  const post = (acct: TestAccount, path: string, body: unknown) => stack.http.post(path).set(acct.headers).send(body as object);

  it('creates a product exactly as the spec documents (ACTIVE by default, category slug)', async () => {
    const res = await post(a, '/api/v1/pim/products', {
      title: 'Classic Wool Sweater',
      description: '100% merino wool, machine washable.',
      category: 'apparel',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      title: 'Classic Wool Sweater',
      description: '100% merino wool, machine washable.',
      category: 'apparel',
      status: 'ACTIVE',
      handle: 'classic-wool-sweater',
      variants: [],
      media: [],
      attributes: {},
    });
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);

    const got = await stack.http.get(`/api/v1/pim/products/${res.body.id}`).set(a.headers);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);

    // the category slug became a category of this tenant
    const cats = await stack.http.get('/api/v1/pim/categories').set(a.headers);
    expect(cats.body.map((c: { slug: string }) => c.slug)).toContain('apparel');
  });

  it('creates variants as documented, with exact prices, ISO currencies, GTIN barcodes and unique SKUs', async () => {
    const p = await post(a, '/api/v1/pim/products', { title: 'Parka' });
    const v = await post(a, `/api/v1/pim/products/${p.body.id}/variants`, { sku: 'PARKA-M', price: 89.99, currency: 'USD', barcode: '4006381333931' });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ product_id: p.body.id, sku: 'PARKA-M', price: 89.99, currency: 'USD', barcode: '4006381333931' });
    const stored = await stack.db.pool.query('SELECT price::text FROM variants WHERE id = $1', [v.body.id]);
    expect(stored.rows[0].price).toBe('89.9900');

    const dup = await post(a, `/api/v1/pim/products/${p.body.id}/variants`, { sku: 'PARKA-M', price: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('SKU_TAKEN');
    // another tenant may use the same SKU
    const pb = await post(b, '/api/v1/pim/products', { title: 'Other parka' });
    expect((await post(b, `/api/v1/pim/products/${pb.body.id}/variants`, { sku: 'PARKA-M', price: 1 })).status).toBe(201);

    for (const [body, field] of [
      [{ price: -1 }, 'price'],
      [{ price: 1.23456 }, 'price'],
      [{ price: '12' }, 'price'],
      [{ currency: 'XXQ' }, 'currency'],
      [{ currency: 'usd' }, 'currency'],
      [{ barcode: '4006381333932' }, 'barcode'],
      [{ barcode: '12345' }, 'barcode'],
      [{ sku: 'x'.repeat(101) }, 'sku'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const bad = await post(a, `/api/v1/pim/products/${p.body.id}/variants`, body);
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }

    // price without currency takes the tenant default
    const noCur = await post(a, `/api/v1/pim/products/${p.body.id}/variants`, { sku: 'PARKA-L', price: 10 });
    expect(noCur.body.currency).toBe('USD');

    // list, get, update, delete
    const list = await stack.http.get(`/api/v1/pim/products/${p.body.id}/variants`).set(a.headers);
    expect(list.body.map((x: { sku: string }) => x.sku)).toEqual(['PARKA-M', 'PARKA-L']);
    const upd = await stack.http.put(`/api/v1/pim/products/${p.body.id}/variants/${v.body.id}`).set(a.headers).send({ price: 79.5 });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ price: 79.5, sku: 'PARKA-M', currency: 'USD' });
    const clash = await stack.http.put(`/api/v1/pim/products/${p.body.id}/variants/${noCur.body.id}`).set(a.headers).send({ sku: 'PARKA-M' });
    expect(clash.status).toBe(409);
    expect((await stack.http.delete(`/api/v1/pim/products/${p.body.id}/variants/${noCur.body.id}`).set(a.headers)).status).toBe(204);
    expect((await stack.http.get(`/api/v1/pim/products/${p.body.id}/variants/${noCur.body.id}`).set(a.headers)).status).toBe(404);
  });

  it('updates partially with PUT (absent fields unchanged) and deletes with variants and media', async () => {
    const p = await post(a, '/api/v1/pim/products', {
      title: 'Wool Hat',
      description: 'Warm',
      variants: [{ sku: 'HAT-1', price: 20, currency: 'EUR' }],
    });
    expect(p.status).toBe(201);
    expect(p.body.variants).toHaveLength(1);
    const put = await stack.http.put(`/api/v1/pim/products/${p.body.id}`).set(a.headers).send({ title: 'Premium Wool Hat' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ title: 'Premium Wool Hat', description: 'Warm', status: 'ACTIVE' });
    const status = await stack.http.put(`/api/v1/pim/products/${p.body.id}`).set(a.headers).send({ status: 'ARCHIVED', description: null });
    expect(status.body).toMatchObject({ title: 'Premium Wool Hat', description: null, status: 'ARCHIVED' });
    expect((await stack.http.put(`/api/v1/pim/products/${p.body.id}`).set(a.headers).send({ status: 'GONE' })).status).toBe(400);
    expect((await stack.http.put(`/api/v1/pim/products/${p.body.id}`).set(a.headers).send({ title: '' })).status).toBe(400);

    const media = await post(a, '/api/v1/pim/media', { product_id: p.body.id, url: 'https://cdn.example.com/hat.jpg', alt_text: 'Hat', sort_order: 1 });
    expect(media.status).toBe(201);
    const del = await stack.http.delete(`/api/v1/pim/products/${p.body.id}`).set(a.headers);
    expect(del.status).toBe(204);
    expect((await stack.http.get(`/api/v1/pim/products/${p.body.id}`).set(a.headers)).status).toBe(404);
    const left = await stack.db.pool.query('SELECT (SELECT count(*) FROM variants WHERE product_id = $1)::int AS v, (SELECT count(*) FROM media WHERE id = $2)::int AS m', [
      p.body.id,
      media.body.id,
    ]);
    expect(left.rows[0]).toEqual({ v: 0, m: 0 });
  });

  it('answers 404 for another tenant’s product on every route', async () => {
    const p = await post(a, '/api/v1/pim/products', { title: 'Private', variants: [{ sku: 'PRIV-1', price: 5 }] });
    const vid = p.body.variants[0].id;
    const checks = [
      stack.http.get(`/api/v1/pim/products/${p.body.id}`).set(b.headers),
      stack.http.put(`/api/v1/pim/products/${p.body.id}`).set(b.headers).send({ title: 'x' }),
      stack.http.patch(`/api/v1/pim/products/${p.body.id}`).set(b.headers).send({ title: 'x' }),
      stack.http.delete(`/api/v1/pim/products/${p.body.id}`).set(b.headers),
      stack.http.post(`/api/v1/pim/products/${p.body.id}/variants`).set(b.headers).send({ sku: 'Z' }),
      stack.http.get(`/api/v1/pim/products/${p.body.id}/variants`).set(b.headers),
      stack.http.get(`/api/v1/pim/products/${p.body.id}/variants/${vid}`).set(b.headers),
      stack.http.put(`/api/v1/pim/products/${p.body.id}/variants/${vid}`).set(b.headers).send({ price: 1 }),
      stack.http.delete(`/api/v1/pim/products/${p.body.id}/variants/${vid}`).set(b.headers),
      stack.http.post('/api/v1/pim/media').set(b.headers).send({ product_id: p.body.id, url: 'https://x.example/a.png' }),
      stack.http.post('/api/v1/pim/media').set(b.headers).send({ variant_id: vid, url: 'https://x.example/a.png' }),
    ];
    const results = await Promise.all(checks);
    for (const [i, res] of results.entries()) {
      expect({ check: i, status: res.status }).toEqual({ check: i, status: 404 });
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const list = await stack.http.get('/api/v1/pim/products').set(b.headers);
    expect(list.body.find((x: { id: string }) => x.id === p.body.id)).toBeUndefined();
    expect((await stack.http.get(`/api/v1/pim/products/${p.body.id}`).set(a.headers)).status).toBe(200);
  });

  it('validates create bodies and names the fields', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'title'],
      [{ title: 123 }, 'title'],
      [{ title: 'x'.repeat(501) }, 'title'],
      [{ title: 'ok', category: 'Not A Slug' }, 'category'],
      [{ title: 'ok', status: 'LIVE' }, 'status'],
      [{ title: 'ok', brand_id: 'nope' }, 'brand_id'],
      [{ title: 'ok', extra: 1 }, 'extra'],
      [{ title: 'ok', attributes: [1, 2] }, 'attributes'],
      [{ title: 'ok', variants: [{ price: -5 }] }, 'variants.0.price'],
    ];
    for (const [body, field] of cases) {
      const res = await post(a, '/api/v1/pim/products', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const unknownBrand = await post(a, '/api/v1/pim/products', { title: 'ok', brand_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknownBrand.status).toBe(404);
  });

  it('lists 100 per page by creation date, pages by cursor across 250 products, and filters', async () => {
    const c = await registerAccount(stack, 'Paging');
    const brand = await post(c, '/api/v1/pim/brands', { name: 'Nordvik' });
    const batch = Array.from({ length: 250 }, (_, i) => ({
      title: `Item ${String(i).padStart(3, '0')}`,
      status: i % 5 === 0 ? 'DRAFT' : 'ACTIVE',
      category: i % 2 ? 'odd' : 'even',
      ...(i < 10 ? { brand_id: brand.body.id } : {}),
      variants: [{ sku: `SKU-${i}`, price: i }],
    }));
    const up = await post(c, '/api/v1/pim/products/batch', { products: batch });
    expect(up.status).toBe(200);
    expect(up.body.results.every((r: { status: string }) => r.status === 'created')).toBe(true);

    const seen: string[] = [];
    let url: string | undefined = '/api/v1/pim/products';
    let pages = 0;
    while (url) {
      const res = await stack.http.get(url).set(c.headers);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body.length).toBeLessThanOrEqual(100);
      seen.push(...res.body.map((p: { title: string }) => p.title));
      const link = res.headers.link as string | undefined;
      url = link ? link.slice(1, link.indexOf('>')) : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    // creation order: (created_at, id), the same order the database gives
    const ordered = await stack.db.pool.query('SELECT title FROM products WHERE tenant_id = $1 ORDER BY created_at, id', [c.tenantId]);
    expect(seen).toEqual(ordered.rows.map((r: { title: string }) => r.title));

    const drafts = await stack.http.get('/api/v1/pim/products?status=DRAFT&limit=100').set(c.headers);
    expect(drafts.body).toHaveLength(50);
    const odd = await stack.http.get('/api/v1/pim/products?category=odd&limit=100').set(c.headers);
    expect(odd.body).toHaveLength(100);
    expect(odd.headers.link).toBeDefined();
    const byBrand = await stack.http.get(`/api/v1/pim/products?brand_id=${brand.body.id}`).set(c.headers);
    expect(byBrand.body).toHaveLength(10);
    const bySku = await stack.http.get('/api/v1/pim/products?q=SKU-123').set(c.headers);
    expect(bySku.body.map((p: { title: string }) => p.title)).toEqual(['Item 123']);
    const byTitle = await stack.http.get('/api/v1/pim/products?q=item%2024').set(c.headers);
    expect(byTitle.body.map((p: { title: string }) => p.title).sort()).toEqual(['Item 240', 'Item 241', 'Item 242', 'Item 243', 'Item 244', 'Item 245', 'Item 246', 'Item 247', 'Item 248', 'Item 249']);
    const later = await stack.http.get(`/api/v1/pim/products?updated_since=${new Date(Date.now() + 60000).toISOString()}`).set(c.headers);
    expect(later.body).toEqual([]);
    expect((await stack.http.get('/api/v1/pim/products?limit=101').set(c.headers)).status).toBe(400);
    expect((await stack.http.get('/api/v1/pim/products?status=nope').set(c.headers)).status).toBe(400);
    const pct = await stack.http.get('/api/v1/pim/products?q=%25').set(c.headers);
    expect(pct.body).toEqual([]);
  });

  it('enforces the plan product limit with 403 PIM_PRODUCT_LIMIT', async () => {
    const d = await registerAccount(stack, 'Limited');
    await stack.db.pool.query(`INSERT INTO plans (code, name, product_limit) VALUES ('tiny', 'Tiny', 3) ON CONFLICT DO NOTHING`);
    await stack.db.pool.query(`UPDATE tenants SET plan = 'tiny' WHERE id = $1`, [d.tenantId]);
    for (let i = 0; i < 3; i++) expect((await post(d, '/api/v1/pim/products', { title: `P${i}` })).status).toBe(201);
    const over = await post(d, '/api/v1/pim/products', { title: 'P3' });
    expect(over.status).toBe(403);
    expect(over.body.code).toBe('PIM_PRODUCT_LIMIT');
    const batch = await post(d, '/api/v1/pim/products/batch', { products: [{ title: 'B1' }] });
    expect(batch.body.results[0]).toMatchObject({ index: 0, status: 'error', error: { code: 'PIM_PRODUCT_LIMIT' } });
    const list = await stack.http.get('/api/v1/pim/products').set(d.headers);
    await stack.http.delete(`/api/v1/pim/products/${list.body[0].id}`).set(d.headers);
    expect((await post(d, '/api/v1/pim/products', { title: 'P4' })).status).toBe(201);
    // concurrent creates at the limit never overshoot
    await Promise.all(Array.from({ length: 5 }, (_, i) => post(d, '/api/v1/pim/products', { title: `race ${i}` })));
    const count = await stack.db.pool.query('SELECT count(*)::int AS n FROM products WHERE tenant_id = $1', [d.tenantId]);
    expect(count.rows[0]).toEqual({ n: 3 });
    // new accounts start on starter with 1,000
    const stats = await stack.http.get('/api/v1/pim/stats').set(a.headers);
    expect(stats.body.plan_product_limit).toBe(1000);
  });

  it('upserts a batch with mixed good and bad rows, one result per item', async () => {
    const e = await registerAccount(stack, 'Batch');
    const first = await post(e, '/api/v1/pim/products/batch', {
      products: [
        { title: 'Good A', variants: [{ sku: 'A-1', price: 10 }] },
        { title: '' },
        { title: 'Good B', variants: [{ sku: 'B-1', price: 5 }] },
        'not an object',
        { title: 'Dup SKU', variants: [{ sku: 'A-1', price: 1 }, { sku: 'A-1', price: 2 }] },
        { id: '00000000-0000-4000-8000-000000000000', title: 'Missing' },
        { title: 'Bad price', variants: [{ sku: 'C-1', price: -3 }] },
      ],
    });
    expect(first.status).toBe(200);
    const r = first.body.results;
    expect(r.map((x: { status: string }) => x.status)).toEqual(['created', 'error', 'created', 'error', 'updated', 'error', 'error']);
    expect(r[1].error.code).toBe('VALIDATION_FAILED');
    expect(r[1].error.message).toContain('title');
    expect(r[5].error.code).toBe('NOT_FOUND');
    expect(r[6].error.message).toContain('variants.0.price');
    // item 4 matched product A by its SKU and updated it (the duplicate SKU pair is one variant)
    expect(r[4].id).toBe(r[0].id);
    const a1 = await stack.http.get(`/api/v1/pim/products/${r[0].id}`).set(e.headers);
    expect(a1.body.title).toBe('Dup SKU');

    const second = await post(e, '/api/v1/pim/products/batch', {
      products: [
        { id: r[2].id, title: 'Good B v2' },
        { title: 'B by sku', variants: [{ sku: 'B-1', price: 6.5 }, { sku: 'B-2', price: 7 }] },
      ],
    });
    expect(second.body.results.map((x: { status: string }) => x.status)).toEqual(['updated', 'updated']);
    const bNow = await stack.http.get(`/api/v1/pim/products/${r[2].id}`).set(e.headers);
    expect(bNow.body.title).toBe('B by sku');
    expect(bNow.body.variants.map((v: { sku: string; price: number }) => [v.sku, v.price])).toEqual([
      ['B-1', 6.5],
      ['B-2', 7],
    ]);
    const tooMany = await post(e, '/api/v1/pim/products/batch', { products: Array.from({ length: 1001 }, () => ({ title: 'x' })) });
    expect(tooMany.status).toBe(400);
  });
});
