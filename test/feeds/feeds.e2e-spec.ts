import { parseCsv } from '@synq/pim';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';
import { rssItems } from '../helpers/xml';

/**
 * n ACTIVE products with one variant each (SKU {prefix}-{i}, price 10.00 USD, a barcode on even
 * rows), an image each except every 10th, a brand and a category; plus one DRAFT product.
 */
async function seedCatalog(stack: Stack, acct: TestAccount, n: number, prefix: string): Promise<void> {
  const q = (sql: string, v: unknown[]) => stack.db.pool.query(sql, v);
  await q(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
  const cat = await q(`INSERT INTO categories (tenant_id, name, slug, path) VALUES ($1, 'Apparel', $2, 'x') RETURNING id`, [acct.tenantId, `apparel-${prefix.toLowerCase()}`]);
  await q(`UPDATE categories SET path = id::text WHERE id = $1`, [cat.rows[0].id]);
  const brand = await q(`INSERT INTO brands (tenant_id, name) VALUES ($1, 'Acme & Sons') RETURNING id`, [acct.tenantId]);
  await q(
    `WITH p AS (
       INSERT INTO products (tenant_id, title, handle, status, description, category_id, brand_id, created_at)
       SELECT $1, $2 || ' <Sweater> ' || g, lower($2) || '-' || g, 'ACTIVE', 'Warm & soft', $4, $5, now() - interval '1 hour' + g * interval '1 millisecond'
         FROM generate_series(1, $3) g RETURNING id, handle),
     v AS (
       INSERT INTO variants (tenant_id, product_id, sku, price, currency, barcode)
       SELECT $1, p.id, upper(p.handle), 10.00, 'USD', CASE WHEN split_part(p.handle, '-', 2)::int % 2 = 0 THEN '4006381333931' END FROM p RETURNING product_id)
     INSERT INTO media (tenant_id, product_id, url, sort_order)
     SELECT $1, p.id, 'https://cdn.example/' || p.handle || '.jpg', 0 FROM p WHERE split_part(p.handle, '-', 2)::int % 10 <> 0`,
    [acct.tenantId, prefix, n, cat.rows[0].id, brand.rows[0].id],
  );
  await q(`INSERT INTO products (tenant_id, title, handle, status) VALUES ($1, 'Draft thing', $2, 'DRAFT')`, [acct.tenantId, `draft-${prefix.toLowerCase()}`]);
}

const feedBody = (slug: string, extra: Record<string, unknown> = {}) => ({
  name: 'Google Shopping',
  slug,
  format: 'xml',
  template: 'google_shopping',
  currency: 'USD',
  link_template: 'https://shop.example/products/{handle}?variant={sku}',
  published: true,
  ...extra,
});

function text(res: { body: unknown; text?: string }): string {
  return Buffer.isBuffer(res.body) ? res.body.toString('utf8') : (res.text ?? '');
}

describe('feeds: configuration, formats, public URL', () => {
  let stack: Stack;
  let a: TestAccount;
  let b: TestAccount;
  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_PUBLIC_FEEDS_PER_MINUTE: '1000000' } });
    a = await registerAccount(stack, 'Feeds A');
    b = await registerAccount(stack, 'Feeds B');
    await seedCatalog(stack, a, 40, 'Shop');
  });
  afterAll(async () => stack.stop());

  const pub = (slug: string) => stack.http.get(`/api/public/feeds/${slug}`).set('Accept-Encoding', 'identity').buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });

  it('creates, lists, reads, updates and deletes feeds; slugs are unique across accounts; another account gets 404', async () => {
    const res = await stack.http.post('/api/v1/feeds').set(a.headers).send(feedBody('crud-feed', { published: false }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), slug: 'crud-feed', format: 'xml', template: 'google_shopping', published: false, rules: [], filters: {} });
    expect(res.body.public_url).toMatch(/\/api\/public\/feeds\/crud-feed$/);
    const id = res.body.id;

    const taken = await stack.http.post('/api/v1/feeds').set(b.headers).send(feedBody('crud-feed'));
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'SLUG_TAKEN' });

    for (const bad of [{ slug: 'Not A Slug' }, { format: 'pdf' }, { link_template: 'ftp://x/{handle}' }, { rules: [{ type: 'set', field: 'nope', value: 'x' }] }, { surprise: 1 }]) {
      const r = await stack.http.post('/api/v1/feeds').set(a.headers).send({ ...feedBody('bad-one'), ...bad });
      expect(r.status).toBe(400);
    }
    const badRule = await stack.http.post('/api/v1/feeds').set(a.headers).send(feedBody('bad-two', { rules: [{ type: 'exclude' }] }));
    expect(badRule.body.details).toEqual([{ field: 'rules[0].condition', message: expect.any(String) }]);

    expect((await stack.http.get(`/api/v1/feeds/${id}`).set(b.headers)).status).toBe(404);
    expect((await stack.http.patch(`/api/v1/feeds/${id}`).set(b.headers).send({ name: 'x' })).status).toBe(404);
    expect((await stack.http.delete(`/api/v1/feeds/${id}`).set(b.headers)).status).toBe(404);
    expect((await stack.http.get(`/api/v1/feeds/${id}/preview`).set(b.headers)).status).toBe(404);

    const list = await stack.http.get('/api/v1/feeds').set(a.headers);
    expect(list.body.map((f: { id: string }) => f.id)).toContain(id);
    expect((await stack.http.get('/api/v1/feeds').set(b.headers)).body).toEqual([]);

    const patched = await stack.http.patch(`/api/v1/feeds/${id}`).set(a.headers).send({ slug: 'crud-feed-2', name: 'Renamed' });
    expect(patched.body).toMatchObject({ slug: 'crud-feed-2', name: 'Renamed' });
    // the old slug is free again, for anyone
    expect((await stack.http.post('/api/v1/feeds').set(b.headers).send(feedBody('crud-feed', { published: false }))).status).toBe(201);
    expect((await stack.http.patch(`/api/v1/feeds/${id}`).set(a.headers).send({ slug: 'crud-feed' })).status).toBe(409);

    expect((await stack.http.delete(`/api/v1/feeds/${id}`).set(a.headers)).status).toBe(204);
    expect((await stack.http.get(`/api/v1/feeds/${id}`).set(a.headers)).status).toBe(404);
  });

  it('serves Google RSS with every header, MISS then HIT, ETag → 304, gzip; lists left-out items in the report', async () => {
    const created = await stack.http.post('/api/v1/feeds').set(a.headers).send(feedBody('google-shopping-feed'));
    const id = created.body.id;
    const first = await pub('google-shopping-feed');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(first.headers['content-disposition']).toBe('inline; filename="google-shopping-feed.xml"');
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers['x-feed-products']).toBe('36');
    expect(first.headers['x-feed-generated']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(first.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers['x-ratelimit-limit']).toBeDefined();

    const items = rssItems(text(first));
    expect(items).toHaveLength(36);
    for (const it of items) {
      for (const f of ['id', 'title', 'description', 'link', 'image_link', 'availability', 'price', 'condition', 'brand', 'item_group_id', 'product_type']) expect(it[f]).toHaveLength(1);
      expect(it.gtin?.[0] === '4006381333931' || it.identifier_exists?.[0] === 'no').toBe(true);
      expect(it.price[0]).toBe('10.00 USD');
      expect(it.availability[0]).toBe('in_stock');
      expect(it.brand[0]).toBe('Acme & Sons');
      expect(it.product_type[0]).toBe('Apparel');
    }
    const one = items.find((i) => i.id[0] === 'SHOP-2')!;
    expect(one).toMatchObject({ title: ['Shop <Sweater> 2'], link: ['https://shop.example/products/shop-2?variant=SHOP-2'], image_link: ['https://cdn.example/shop-2.jpg'], gtin: ['4006381333931'] });

    const second = await pub('google-shopping-feed');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(text(second)).toBe(text(first));

    const cached = await pub('google-shopping-feed').set('If-None-Match', first.headers.etag);
    expect(cached.status).toBe(304);
    expect(cached.body.length ?? 0).toBe(0);

    const zipped = await stack.http
      .get('/api/public/feeds/google-shopping-feed')
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['x-cache']).toBe('HIT');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(zipped.headers.etag).toBe(first.headers.etag.replace(/"$/, '-gzip"'));
    // superagent inflates gzip itself: the body read back is the same document
    expect((zipped.body as Buffer).toString('utf8')).toBe(text(first));

    const report = await stack.http.get(`/api/v1/feeds/${id}/report`).set(a.headers);
    expect(report.body).toMatchObject({ item_count: 36, excluded_count: 4, reasons: { 'missing image_link': 4 } });
    expect(report.body.items.map((i: { sku: string }) => i.sku).sort()).toEqual(['SHOP-10', 'SHOP-20', 'SHOP-30', 'SHOP-40']);
    expect(report.body.items[0].reasons).toEqual(['missing image_link']);

    // an image fallback brings them in; the configuration change makes the next request a MISS
    await stack.http.patch(`/api/v1/feeds/${id}`).set(a.headers).send({ image_fallback: 'https://cdn.example/none.jpg' });
    const after = await pub('google-shopping-feed');
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.headers['x-feed-products']).toBe('40');
    expect(after.headers.etag).not.toBe(first.headers.etag);
    // a catalog change is picked up once the cached file expires (FEED_CACHE_TTL_SECONDS) or on generate
  });

  it('parses back CSV, TSV and JSON with the same attributes', async () => {
    for (const format of ['csv', 'tsv', 'json'] as const) {
      await stack.http.post('/api/v1/feeds').set(a.headers).send(feedBody(`shop-${format}`, { format, image_fallback: 'https://cdn.example/none.jpg' }));
      const res = await pub(`shop-${format}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe({ csv: 'text/csv', tsv: 'text/tab-separated-values', json: 'application/json' }[format]);
      expect(res.headers['content-disposition']).toBe(`inline; filename="shop-${format}.${format}"`);
      expect(res.headers['x-feed-products']).toBe('40');
      const body = text(res);
      let rows: Record<string, string>[];
      if (format === 'json') rows = JSON.parse(body);
      else {
        const table = format === 'csv' ? parseCsv(body) : body.trimEnd().split('\n').map((l) => l.split('\t'));
        rows = table.slice(1).map((r) => Object.fromEntries(table[0].map((h, i) => [h, r[i]])));
        expect(table[0].slice(0, 3)).toEqual(['id', 'title', 'description']);
      }
      expect(rows).toHaveLength(40);
      const two = rows.find((r) => r.id === 'SHOP-2')!;
      expect(two).toMatchObject({ title: 'Shop <Sweater> 2', price: '10.00 USD', availability: 'in_stock', brand: 'Acme & Sons', gtin: '4006381333931', item_group_id: expect.any(String) });
      expect(rows.find((r) => r.id === 'SHOP-1')!.identifier_exists).toBe('no');
    }
  });

  it('previews rules item by item with what each rule changed, and applies them to the file', async () => {
    const rules = [
      { type: 'prefix', field: 'title', value: '{brand} - ' },
      { type: 'replace', field: 'title', find: '<Sweater>', replace: 'Jumper' },
      { type: 'map_category', field: 'product_type', target: 'google_product_category', map: { Apparel: 'Apparel & Accessories > Clothing' } },
      { type: 'exclude', condition: { field: 'id', op: 'in', value: ['SHOP-3', 'SHOP-4'] }, reason: 'discontinued' },
      { type: 'if', condition: { field: 'gtin', op: 'not_empty' }, then: [{ type: 'set', field: 'condition', value: 'refurbished' }] },
    ];
    const created = await stack.http.post('/api/v1/feeds').set(a.headers).send(feedBody('ruled', { rules, image_fallback: 'https://cdn.example/none.jpg' }));
    expect(created.status).toBe(201);
    const preview = await stack.http.get(`/api/v1/feeds/${created.body.id}/preview?limit=5`).set(a.headers);
    expect(preview.status).toBe(200);
    expect(preview.body.items).toHaveLength(5);
    const [first, second, third] = preview.body.items;
    expect(first.before.title).toBe('Shop <Sweater> 1');
    expect(first.after.title).toBe('Acme & Sons - Shop Jumper 1');
    expect(first.changes).toEqual([
      { rule: '0', type: 'prefix', field: 'title', before: 'Shop <Sweater> 1', after: 'Acme & Sons - Shop <Sweater> 1' },
      { rule: '1', type: 'replace', field: 'title', before: 'Acme & Sons - Shop <Sweater> 1', after: 'Acme & Sons - Shop Jumper 1' },
      { rule: '2', type: 'map_category', field: 'google_product_category', before: null, after: 'Apparel & Accessories > Clothing' },
    ]);
    expect(first.included).toBe(true);
    expect(second.after.condition).toBe('refurbished');
    expect(second.changes[3]).toEqual({ rule: '4.then.0', type: 'set', field: 'condition', before: 'new', after: 'refurbished' });
    expect(third).toMatchObject({ included: false, reasons: ['discontinued'] });
    expect((await stack.http.get(`/api/v1/feeds/${created.body.id}/preview?limit=101`).set(a.headers)).status).toBe(400);

    const items = rssItems(text(await pub('ruled')));
    expect(items).toHaveLength(38);
    expect(items.find((i) => i.id[0] === 'SHOP-2')).toMatchObject({ title: ['Acme & Sons - Shop Jumper 2'], condition: ['refurbished'], google_product_category: ['Apparel & Accessories > Clothing'] });
    const report = await stack.http.get(`/api/v1/feeds/${created.body.id}/report`).set(a.headers);
    expect(report.body).toMatchObject({ excluded_count: 2, reasons: { discontinued: 2 } });
  });

  it('answers 404 in the plugin error shape for unknown and unpublished feeds', async () => {
    await stack.http.post('/api/v1/feeds').set(a.headers).send(feedBody('hidden-feed', { published: false }));
    for (const slug of ['hidden-feed', 'no-such-feed']) {
      const res = await stack.http.get(`/api/public/feeds/${slug}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, message: expect.any(String), error: 'Not Found' });
    }
  });

  it('many concurrent requests for a stale feed cause exactly one generation', async () => {
    await seedCatalog(stack, b, 3000, 'Bulk');
    const created = await stack.http.post('/api/v1/feeds').set(b.headers).send(feedBody('bulk-feed'));
    const responses = await Promise.all(Array.from({ length: 12 }, () => pub('bulk-feed')));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(new Set(responses.map((r) => r.headers.etag)).size).toBe(1);
    expect(responses.every((r) => r.headers['x-feed-products'] === '2700')).toBe(true);
    expect(responses.filter((r) => r.headers['x-cache'] === 'MISS').length).toBeGreaterThanOrEqual(1);
    const feed = await stack.http.get(`/api/v1/feeds/${created.body.id}`).set(b.headers);
    expect(feed.body.generation_count).toBe(1);
  });
});

describe('feeds: worker generation and the public rate limit', () => {
  let stack: Stack;
  let a: TestAccount;
  beforeAll(async () => {
    stack = await startStack({ worker: true });
    a = await registerAccount(stack, 'Feeds W');
    await seedCatalog(stack, a, 10, 'Work');
  });
  afterAll(async () => stack.stop());

  it('generates published feeds in the worker, on creation and on demand (202)', async () => {
    const created = await stack.http.post('/api/v1/feeds').set(a.headers).send(feedBody('worker-feed', { image_fallback: 'https://cdn.example/none.jpg' }));
    const first = await eventually(async () => {
      const f = await stack.http.get(`/api/v1/feeds/${created.body.id}`).set(a.headers);
      return f.body.generation_count >= 1 ? f.body : undefined;
    }, 20000);
    expect(first).toMatchObject({ item_count: 10, generated_at: expect.any(String) });
    await stack.db.pool.query(`UPDATE variants SET price = 12.50 WHERE tenant_id = $1 AND sku = 'WORK-1'`, [a.tenantId]);
    const gen = await stack.http.post(`/api/v1/feeds/${created.body.id}/generate`).set(a.headers);
    expect(gen.status).toBe(202);
    expect(gen.body).toEqual({ status: 'queued', feed_id: created.body.id });
    await eventually(async () => {
      const f = await stack.http.get(`/api/v1/feeds/${created.body.id}`).set(a.headers);
      return f.body.generation_count >= 2;
    }, 20000);
    const res = await stack.http.get('/api/public/feeds/worker-feed');
    expect(res.headers['x-cache']).toBe('HIT');
    expect(rssItems(res.text).find((i) => i.id[0] === 'WORK-1')!.price).toEqual(['12.50 USD']);
  });

  it('the 31st public request in a minute from one address gets 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await stack.http.get('/api/public/feeds/worker-feed')).status);
    expect(statuses.slice(0, 30).every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses[30]).toBe(429);
    const last = await stack.http.get('/api/public/feeds/worker-feed');
    expect(last.status).toBe(429);
    expect(last.headers['retry-after']).toBeDefined();
    expect(last.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });
});
