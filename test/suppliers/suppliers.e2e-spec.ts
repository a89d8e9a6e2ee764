import { FakeSupplier } from '../fakes/fake-supplier';
import { apiKeyFor, registerAccount, TestAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';

const CSV_MAPPING = [
  { source: 'SKU', target: 'sku' },
  { source: 'Name', target: 'title' },
  { source: 'Description', target: 'description' },
  { source: 'Cost', target: 'price', transform: { markup_percent: 20 } },
  { source: 'Currency', target: 'currency', default: 'EUR' },
  { source: 'EAN', target: 'barcode' },
  { source: 'Brand', target: 'brand' },
  { source: 'Category', target: 'category' },
  { source: 'Images', target: 'images' },
  { source: 'Material', target: 'attributes.material' },
  { source: 'Size', target: 'options.Size' },
  { source: 'Qty', target: 'stock' },
];

const HEADER = 'SKU,Name,Description,Cost,Currency,EAN,Brand,Category,Images,Material,Size,Qty';

function csvRows(n: number, prefix: string, price = (i: number) => `${10 + i}.00`): string[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    return `${prefix}-${k},"Mug ${k}, large",Stoneware mug,${price(k)},EUR,${k === 1 ? '4006381333931' : ''},Acme,kitchen,https://cdn.example/${prefix}-${k}.jpg|https://cdn.example/${prefix}-${k}b.jpg,clay,L,${k % 3 === 0 ? 0 : 5}`;
  });
}

interface RunView {
  id: string;
  status: string;
  trigger: string;
  rows_total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  missing_handled: number;
  error: string | null;
  errors: { line: number; key: string | null; reason: string }[];
}

describe('supplier imports', () => {
  let stack: Stack;
  let fake: FakeSupplier;
  let a: TestAccount;
  let b: TestAccount;

  beforeAll(async () => {
    fake = await new FakeSupplier().start();
    stack = await startStack({ worker: true, env: { SUPPLIER_SCHEDULE_CHECK_MS: '200', SUPPLIER_MAX_BYTES: '300000' } });
    a = await registerAccount(stack, 'Supplier A');
    b = await registerAccount(stack, 'Supplier B');
    for (const t of [a, b]) {
      await stack.db.pool.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [t.tenantId]);
      const c = await stack.db.pool.query(`INSERT INTO categories (tenant_id, name, slug, path) VALUES ($1, 'Kitchen', 'kitchen', 'x') RETURNING id`, [t.tenantId]);
      await stack.db.pool.query(`UPDATE categories SET path = id::text WHERE id = $1`, [c.rows[0].id]);
      await stack.db.pool.query(`INSERT INTO attributes (tenant_id, name, slug, type) VALUES ($1, 'Material', 'material', 'TEXT')`, [t.tenantId]);
    }
  });
  afterAll(async () => {
    await stack.stop();
    await fake.stop();
  });

  const create = (acct: TestAccount, body: Record<string, unknown>) => stack.http.post('/api/v1/suppliers').set(acct.headers).send(body);

  async function runAndWait(acct: TestAccount, supplierId: string, status = 'completed'): Promise<RunView> {
    const res = await stack.http.post(`/api/v1/suppliers/${supplierId}/run`).set(acct.headers);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', supplier_id: supplierId });
    return waitRun(acct, supplierId, res.body.run_id, status);
  }

  async function waitRun(acct: TestAccount, supplierId: string, runId: string, status = 'completed'): Promise<RunView> {
    const run = await eventually(async () => {
      const r = await stack.http.get(`/api/v1/suppliers/${supplierId}/runs/${runId}`).set(acct.headers);
      return r.body.status === 'completed' || r.body.status === 'failed' ? (r.body as RunView) : undefined;
    }, 30000);
    if (run.status !== status) throw new Error(`run ended ${run.status}: ${run.error} ${JSON.stringify(run.errors)}`);
    return run;
  }

  const variants = async (tenantId: string, prefix: string) =>
    (
      await stack.db.pool.query(
        `SELECT v.sku, v.price::text AS price, v.currency, v.barcode, v.options, v.attributes AS vattrs, p.id AS product_id, p.title, p.status, p.attributes,
                b.name AS brand, c.slug AS category,
                (SELECT array_agg(m.url ORDER BY m.sort_order) FROM media m WHERE m.product_id = p.id) AS images
           FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN brands b ON b.id = p.brand_id LEFT JOIN categories c ON c.id = p.category_id
          WHERE v.tenant_id = $1 AND v.sku LIKE $2 ORDER BY v.sku`,
        [tenantId, `${prefix}-%`],
      )
    ).rows;

  describe('configuration', () => {
    it('creates, lists, reads, updates and deletes suppliers; credentials are never returned', async () => {
      const res = await create(a, {
        name: 'Mugs Inc',
        url: `${fake.url}/x.csv`,
        auth: { type: 'basic', username: 'shop', password: 's3cret' },
        format: 'csv',
        mapping: CSV_MAPPING,
        match_on: 'sku',
        on_missing: 'archive',
        schedule: { cron: '0 3 * * *' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Mugs Inc', auth: { type: 'basic' }, format: 'csv', match_on: 'sku', on_missing: 'archive', enabled: true });
      expect(JSON.stringify(res.body)).not.toContain('s3cret');
      expect(new Date(res.body.next_run_at).getUTCHours()).toBe(3);
      const [row] = (await stack.db.pool.query(`SELECT auth_sealed FROM suppliers WHERE id = $1`, [res.body.id])).rows;
      expect(row.auth_sealed).toMatch(/^v1\./);
      expect(row.auth_sealed).not.toContain('s3cret');

      const list = await stack.http.get('/api/v1/suppliers').set(a.headers);
      expect(list.status).toBe(200);
      expect(list.body.map((s: { id: string }) => s.id)).toContain(res.body.id);
      const patched = await stack.http.patch(`/api/v1/suppliers/${res.body.id}`).set(a.headers).send({ on_missing: 'zero_stock', schedule: null, name: 'Mugs' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ on_missing: 'zero_stock', schedule: null, next_run_at: null, name: 'Mugs' });
      expect((await stack.http.get(`/api/v1/suppliers/${res.body.id}`).set(b.headers)).status).toBe(404);
      expect((await stack.http.get(`/api/v1/suppliers/${res.body.id}`).set(a.headers)).body.name).toBe('Mugs');
      expect((await stack.http.delete(`/api/v1/suppliers/${res.body.id}`).set(a.headers)).status).toBe(204);
      expect((await stack.http.get(`/api/v1/suppliers/${res.body.id}`).set(a.headers)).status).toBe(404);
    });

    it('refuses bad configuration with 400 naming the field', async () => {
      const base = { name: 'x', url: `${fake.url}/x.csv`, format: 'csv', mapping: CSV_MAPPING };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ ...base, format: 'xls' }, /format/],
        [{ ...base, mapping: [{ source: 'A', target: 'title' }] }, /must fill sku/],
        [{ ...base, mapping: [{ source: 'A', target: 'sku' }, { source: 'B', target: 'colour' }] }, /mapping\[1\]\.target/],
        [{ ...base, mapping: [{ source: 'A', target: 'sku' }, { source: 'B', target: 'title', transform: { markup_percent: 'x' } }] }, /markup_percent/],
        [{ ...base, on_missing: 'delete' }, /on_missing/],
        [{ ...base, match_on: 'ean' }, /match_on/],
        [{ ...base, schedule: { cron: '99 * * * *' } }, /cron/],
        [{ ...base, schedule: { interval_minutes: 0 } }, /interval_minutes/],
        [{ ...base, url: 'ftp://example.com/feed.csv' }, /url/],
        [{ ...base, url: 'http://user:pw@example.com/feed.csv' }, /credentials/],
        [{ ...base, auth: { type: 'bearer' } }, /token/],
        [{ ...base, currency: 'EURO' }, /currency/],
        [{ ...base, unknown_field: 1 }, /unknown_field/],
        [{ ...base, name: 'n'.repeat(201) }, /name/],
      ];
      for (const [body, re] of cases) {
        const res = await create(a, body);
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).toMatch(re);
      }
      const viewer = await apiKeyFor(stack, a, 'viewer');
      expect((await stack.http.post('/api/v1/suppliers').set(viewer).send(base)).status).toBe(403);
    });
  });

  describe('CSV imports', () => {
    let supplierId: string;
    let firstRunId: string;

    it('imports over HTTP with credentials, maps and transforms fields, reports a bad row with its line and goes on', async () => {
      const rows = csvRows(5, 'CSV');
      rows.splice(2, 0, 'CSV-BAD,"Broken",x,not-a-price,EUR,123,Acme,kitchen,,clay,M,1'); // line 4
      rows.push('CSV-NOCAT,Lost,x,1.00,EUR,,Acme,garden,,clay,M,1'); // line 8
      fake.put('/mugs.csv', { body: `${HEADER}\n${rows.join('\n')}\n`, authorization: `Basic ${Buffer.from('shop:s3cret').toString('base64')}`, gzip: true });
      const res = await create(a, {
        name: 'Mugs Inc',
        url: `${fake.url}/mugs.csv`,
        auth: { type: 'basic', username: 'shop', password: 's3cret' },
        format: 'csv',
        mapping: CSV_MAPPING,
        on_missing: 'archive',
      });
      expect(res.status).toBe(201);
      supplierId = res.body.id;
      const run = await runAndWait(a, supplierId);
      firstRunId = run.id;
      expect(run).toMatchObject({ trigger: 'manual', rows_total: 7, created: 5, updated: 0, unchanged: 0, failed: 2 });
      expect(run.errors).toEqual([
        { item: 3, line: 4, key: 'CSV-BAD', reason: expect.stringMatching(/price "not-a-price" is not a number.*barcode 123 is not a valid GTIN/) },
        { item: 7, line: 8, key: 'CSV-NOCAT', reason: expect.stringMatching(/category garden does not exist/) },
      ]);
      expect(fake.requests.at(-1)!.headers['accept-encoding']).toMatch(/gzip/);

      const v = await variants(a.tenantId, 'CSV');
      expect(v).toHaveLength(5);
      expect(v[0]).toMatchObject({
        sku: 'CSV-1',
        price: '13.2000', // 11.00 + 20 %
        currency: 'EUR',
        barcode: '4006381333931',
        title: 'Mug 1, large',
        status: 'ACTIVE',
        brand: 'Acme',
        category: 'kitchen',
        images: ['https://cdn.example/CSV-1.jpg', 'https://cdn.example/CSV-1b.jpg'],
        attributes: { material: 'clay' },
        options: { Size: 'L' },
        vattrs: { availability: 'in_stock' },
      });
      expect(v[2].vattrs).toEqual({ availability: 'out_of_stock' }); // Qty 0
      // the supplier's stock is the variants' on hand in inventory, written as movements of this run
      const levels = await stack.db.pool.query(
        `SELECT v.sku, si.stock, l.on_hand, l.reserved FROM supplier_items si JOIN variants v ON v.id = si.variant_id
           LEFT JOIN inventory_levels l ON l.variant_id = v.id WHERE v.tenant_id = $1 AND v.sku LIKE 'CSV-%' ORDER BY v.sku`,
        [a.tenantId],
      );
      expect(levels.rows).toHaveLength(5);
      for (const l of levels.rows) expect(l.on_hand).toBe(l.stock);
      expect(levels.rows[2]).toMatchObject({ on_hand: 0 });
      const inv = await stack.http.get('/api/v1/inventory?sku=CSV-1').set(a.headers);
      expect(inv.status).toBe(200);
      expect(inv.body[0]).toMatchObject({ on_hand: levels.rows[0].stock, available: levels.rows[0].stock });
      const moves = await stack.db.pool.query(`SELECT count(*)::int AS n FROM inventory_movements WHERE tenant_id = $1 AND reference = $2 AND kind = 'set'`, [a.tenantId, run.id]);
      expect(moves.rows[0].n).toBe(levels.rows.filter((l) => l.stock > 0).length);
      // the changes flow like any other: audit, product.created events with a dispatch job
      const ev = await stack.db.pool.query(`SELECT data FROM events WHERE tenant_id = $1 AND type = 'product.created' AND data->>'supplier_run_id' = $2`, [a.tenantId, run.id]);
      expect(ev.rows).toHaveLength(5);
      const audit = await stack.db.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'product.created' AND actor_id = $2`, [a.tenantId, `supplier_run:${run.id}`]);
      expect(audit.rows[0].n).toBe(5);
      // the same file again: nothing changes
      const again = await runAndWait(a, supplierId);
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 2, missing_handled: 0 });
      const ev2 = await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND data->>'supplier_run_id' = $2`, [a.tenantId, again.id]);
      expect(ev2.rows[0].n).toBe(0);
      expect(await variants(a.tenantId, 'CSV')).toEqual(v);
      // ...and without comparing field by field: each item remembers the row it was applied from, so
      // the rows of an unchanged file are skipped (their items are not even rewritten)
      const applied = async () =>
        (await stack.db.pool.query(`SELECT variant_id, row_hash, applied_at FROM supplier_items WHERE supplier_id = $1 ORDER BY variant_id`, [supplierId])).rows;
      const before = await applied();
      expect(before).toHaveLength(5);
      expect(before.every((r) => r.row_hash && r.applied_at)).toBe(true);
      expect(await runAndWait(a, supplierId)).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
      expect(await applied()).toEqual(before);
      // a product edited in Synq since is compared again, and the supplier's data wins as before
      const edited = await stack.http.patch(`/api/v1/pim/products/${v[0].product_id}`).set(a.headers).send({ title: 'Renamed by hand' });
      expect(edited.status).toBe(200);
      expect(await runAndWait(a, supplierId)).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
      expect(await variants(a.tenantId, 'CSV')).toEqual(v);
    });

    it('updates what changed, and archives the products a run no longer lists (on_missing archive)', async () => {
      const rows = csvRows(4, 'CSV', (i) => (i === 2 ? '20.00' : `${10 + i}.00`));
      fake.put('/mugs.csv', { body: `${HEADER}\n${rows.join('\n')}\n`, authorization: `Basic ${Buffer.from('shop:s3cret').toString('base64')}` });
      const run = await runAndWait(a, supplierId);
      expect(run).toMatchObject({ created: 0, updated: 1, unchanged: 3, failed: 0, missing_handled: 1 });
      const v = await variants(a.tenantId, 'CSV');
      expect(v.find((x) => x.sku === 'CSV-2')!.price).toBe('24.0000');
      expect(v.find((x) => x.sku === 'CSV-5')!.status).toBe('ARCHIVED');
      const ev = await stack.db.pool.query(`SELECT type, data FROM events WHERE tenant_id = $1 AND data->>'supplier_run_id' = $2 ORDER BY type`, [a.tenantId, run.id]);
      expect(ev.rows.map((r) => [r.type, r.data.changed_fields])).toEqual([
        ['product.updated', ['variants.price']],
        ['product.updated', ['status']],
      ]);
      const list = await stack.http.get(`/api/v1/suppliers/${supplierId}/runs?limit=2`).set(a.headers);
      expect(list.status).toBe(200);
      expect(list.body.map((r: RunView) => r.id)[0]).toBe(run.id);
      expect(list.body[0].errors).toBeUndefined();
      expect(list.headers.link).toMatch(/rel="next"/);
      // following the pages reaches the first run, each run once
      const seen: string[] = list.body.map((r: RunView) => r.id);
      let link: string | undefined = list.headers.link;
      while (link) {
        const u: URL = new URL(link.match(/<([^>]+)>/)![1], stack.url);
        const next: { body: RunView[]; headers: Record<string, string> } = await stack.http.get(u.pathname + u.search).set(a.headers);
        seen.push(...next.body.map((r: RunView) => r.id));
        link = next.headers.link;
      }
      expect(seen).toContain(firstRunId);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('fails a malformed file with a clear reason and changes nothing', async () => {
      const before = await variants(a.tenantId, 'CSV');
      fake.put('/mugs.csv', { body: `${HEADER}\nCSV-1,"Mug 1,unterminated,9.00,EUR\nCSV-9,New,x,1,EUR,,,,,,,1\n`, authorization: `Basic ${Buffer.from('shop:s3cret').toString('base64')}` });
      const run = await runAndWait(a, supplierId, 'failed');
      expect(run.error).toMatch(/cannot be read as CSV: a quoted field opened at line 2 is never closed/);
      expect(run).toMatchObject({ created: 0, updated: 0 });
      expect(await variants(a.tenantId, 'CSV')).toEqual(before);
      const staged = await stack.db.pool.query(`SELECT count(*)::int AS n FROM supplier_staging WHERE run_id = $1`, [run.id]);
      expect(staged.rows[0].n).toBe(0);
      // a supplier answering 401 (credentials changed) fails the run too
      await stack.http.patch(`/api/v1/suppliers/${supplierId}`).set(a.headers).send({ auth: { type: 'bearer', token: 'wrong' } });
      const denied = await runAndWait(a, supplierId, 'failed');
      expect(denied.error).toMatch(/HTTP 401/);
      expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer wrong');
    });

    it('imports an uploaded file instead of the URL', async () => {
      // the second UPL-1 row is a duplicate key: reported, the first row wins; the third row's text
      // carries the characters COPY's text format escapes (backslash, tab, a quoted newline)
      const rows = [...csvRows(2, 'UPL'), 'UPL-1,"Duplicate",x,1.00,EUR,,Acme,kitchen,,clay,M,1', 'UPL-3,"Back\\slash\ttab\nnewline",x,3.00,EUR,,Acme,kitchen,,clay,M,1', 'UPL-4,"Mug 1, large",x,4.00,EUR,,Acme,kitchen,,clay,M,1'];
      const body = `${HEADER}\n${rows.join('\n')}\n`;
      const res = await stack.http.post(`/api/v1/suppliers/${supplierId}/upload`).set(a.headers).set('Content-Type', 'text/csv').send(body);
      expect(res.status).toBe(202);
      const run = await waitRun(a, supplierId, res.body.run_id);
      expect(run).toMatchObject({ trigger: 'upload', rows_total: 5, rows_staged: 4, created: 4, failed: 1 });
      expect(run.errors).toEqual([{ item: 3, line: 4, key: 'UPL-1', reason: 'sku UPL-1 appears more than once in the file (the first row is used)' }]);
      const odd = await stack.db.pool.query(`SELECT p.title FROM variants v JOIN products p ON p.id = v.product_id WHERE v.tenant_id = $1 AND v.sku = 'UPL-3'`, [a.tenantId]);
      expect(odd.rows[0].title).toBe('Back\\slash\ttab\nnewline');
      expect((await variants(a.tenantId, 'UPL'))[0].title).toBe('Mug 1, large');
      // handles stay unique: "mug-1-large" belongs to CSV-1's product, so UPL-1 and UPL-4 (same title,
      // same batch) each get it with a suffix of their own id
      const handles = await stack.db.pool.query(
        `SELECT v.sku, p.id, p.handle FROM variants v JOIN products p ON p.id = v.product_id WHERE v.tenant_id = $1 AND v.sku IN ('CSV-1', 'UPL-1', 'UPL-4') ORDER BY v.sku`,
        [a.tenantId],
      );
      expect(handles.rows.map((r) => r.handle)).toEqual(['mug-1-large', `mug-1-large-${handles.rows[1].id.slice(0, 8)}`, `mug-1-large-${handles.rows[2].id.slice(0, 8)}`]);
      // the URL's products are missing from this file: archived
      expect(run.missing_handled).toBe(4);
      expect((await variants(a.tenantId, 'UPL')).map((x) => x.sku)).toEqual(['UPL-1', 'UPL-2', 'UPL-3', 'UPL-4']);
      const empty = await stack.http.post(`/api/v1/suppliers/${supplierId}/upload`).set(a.headers).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(0));
      expect(empty.status).toBe(400);
      const big = await stack.http.post(`/api/v1/suppliers/${supplierId}/upload`).set(a.headers).set('Content-Type', 'text/csv').send('x'.repeat(10 * 1024 * 1024 + 10));
      expect(big.status).toBe(413);
    });

    it('answers 409 while a run is active, and 404 for another tenant', async () => {
      fake.put('/slow.csv', { body: `${HEADER}\n${csvRows(2, 'SLOW').join('\n')}\n`, delayMs: 1500 });
      const s = await create(a, { name: 'Slow', url: `${fake.url}/slow.csv`, format: 'csv', mapping: CSV_MAPPING });
      const first = await stack.http.post(`/api/v1/suppliers/${s.body.id}/run`).set(a.headers);
      expect(first.status).toBe(202);
      const second = await stack.http.post(`/api/v1/suppliers/${s.body.id}/run`).set(a.headers);
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('RUN_IN_PROGRESS');
      const bHeaders = b.headers;
      expect((await stack.http.post(`/api/v1/suppliers/${s.body.id}/run`).set(bHeaders)).status).toBe(404);
      expect((await stack.http.get(`/api/v1/suppliers/${s.body.id}/runs`).set(bHeaders)).status).toBe(404);
      expect((await stack.http.get(`/api/v1/suppliers/${s.body.id}/runs/${first.body.run_id}`).set(bHeaders)).status).toBe(404);
      expect((await stack.http.patch(`/api/v1/suppliers/${s.body.id}`).set(bHeaders).send({ name: 'mine' })).status).toBe(404);
      expect((await stack.http.delete(`/api/v1/suppliers/${s.body.id}`).set(bHeaders)).status).toBe(404);
      expect((await stack.http.get('/api/v1/suppliers').set(bHeaders)).body).toEqual([]);
      await waitRun(a, s.body.id, first.body.run_id);
    });

    it('keeps tenants apart: the same SKUs in another account are that account’s own products', async () => {
      fake.put('/b.csv', `${HEADER}\n${csvRows(2, 'CSV', () => '99.00').join('\n')}\n`);
      const s = await create(b, { name: 'B', url: `${fake.url}/b.csv`, format: 'csv', mapping: CSV_MAPPING, on_missing: 'archive' });
      const run = await runAndWait(b, s.body.id);
      expect(run).toMatchObject({ created: 2, updated: 0 });
      expect((await variants(b.tenantId, 'CSV')).map((x) => x.price)).toEqual(['118.8000', '118.8000']);
      expect((await variants(a.tenantId, 'CSV')).find((x) => x.sku === 'CSV-1')!.price).toBe('13.2000');
    });
  });

  describe('XML and JSON imports', () => {
    it('imports a Google-shaped XML feed (g: namespace), grouping variants into products, and zero_stock for missing items', async () => {
      const item = (id: string, group: string, size: string, price: string, extra = '') =>
        `<item><g:id>${id}</g:id><g:item_group_id>${group}</g:item_group_id><title>Tee &amp; Co ${group}</title><g:price>${price}</g:price>` +
        `<g:gtin></g:gtin><g:brand>Threads</g:brand><g:image_link>https://cdn.example/${group}.jpg</g:image_link><g:size>${size}</g:size>${extra}</item>\n`;
      const feed = (items: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>T</title>\n${items}</channel></rss>`;
      fake.put('/tees.xml', { body: feed(item('XML-1', 'TEE', 'S', '19.99 USD') + item('XML-2', 'TEE', 'M', '19.99 USD') + item('XML-3', 'POLO', 'M', 'free') + item('XML-4', 'POLO', 'L', '25.00 USD')), contentType: 'application/xml' });
      const s = await create(a, {
        name: 'Tees',
        url: `${fake.url}/tees.xml`,
        format: 'xml',
        item_path: 'item',
        mapping: [
          { source: 'g:id', target: 'sku' },
          { source: 'g:item_group_id', target: 'group' },
          { source: 'title', target: 'title' },
          { source: 'g:price', target: 'price' },
          { source: 'g:gtin', target: 'barcode' },
          { source: 'g:brand', target: 'brand' },
          { source: 'g:image_link', target: 'images' },
          { source: 'g:size', target: 'options.Size' },
        ],
        on_missing: 'zero_stock',
      });
      expect(s.status).toBe(201);
      const run = await runAndWait(a, s.body.id);
      expect(run).toMatchObject({ rows_total: 4, created: 3, failed: 1 });
      expect(run.errors).toEqual([{ item: 3, line: 5, key: 'XML-3', reason: 'price "free" is not a number' }]);
      const v = await variants(a.tenantId, 'XML');
      expect(v.map((x) => [x.sku, x.price, x.currency, x.options.Size, x.title, x.brand])).toEqual([
        ['XML-1', '19.9900', 'USD', 'S', 'Tee & Co TEE', 'Threads'],
        ['XML-2', '19.9900', 'USD', 'M', 'Tee & Co TEE', 'Threads'],
        ['XML-4', '25.0000', 'USD', 'L', 'Tee & Co POLO', 'Threads'],
      ]);
      expect(v[0].product_id).toBe(v[1].product_id);
      expect(v[2].product_id).not.toBe(v[0].product_id);
      const created = await stack.db.pool.query(`SELECT data FROM events WHERE type = 'product.created' AND data->>'supplier_run_id' = $1 ORDER BY data->>'product_id'`, [run.id]);
      expect(created.rows.map((r) => r.data.variant_ids.length).sort()).toEqual([1, 2]);

      // XML-2 disappears: zero stock (availability out_of_stock), the product stays
      fake.put('/tees.xml', { body: feed(item('XML-1', 'TEE', 'S', '19.99 USD') + item('XML-4', 'POLO', 'L', '25.00 USD')), contentType: 'application/xml' });
      const second = await runAndWait(a, s.body.id);
      expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 2, missing_handled: 1 });
      const after = await variants(a.tenantId, 'XML');
      expect(after.find((x) => x.sku === 'XML-2')).toMatchObject({ status: 'ACTIVE', vattrs: { availability: 'out_of_stock' } });
      const stock = await stack.db.pool.query(`SELECT stock FROM supplier_items si JOIN variants v ON v.id = si.variant_id WHERE v.sku = 'XML-2' AND v.tenant_id = $1`, [a.tenantId]);
      expect(stock.rows[0].stock).toBe(0);
      const onHand = await stack.db.pool.query(`SELECT l.on_hand FROM inventory_levels l JOIN variants v ON v.id = l.variant_id WHERE v.sku = 'XML-2' AND v.tenant_id = $1`, [a.tenantId]);
      expect(onHand.rows[0].on_hand).toBe(0);

      // malformed XML: the run fails, nothing changes
      fake.put('/tees.xml', { body: feed(item('XML-1', 'TEE', 'S', '5.00 USD')).replace('</channel>', ''), contentType: 'application/xml' });
      const bad = await runAndWait(a, s.body.id, 'failed');
      expect(bad.error).toMatch(/cannot be read as XML: <\/rss> at line \d+ does not close <channel>/);
      expect((await variants(a.tenantId, 'XML')).find((x) => x.sku === 'XML-1')!.price).toBe('19.9900');
    });

    it('imports JSON items at a nested path, matched on barcode, with nested source paths', async () => {
      const doc = {
        meta: { generated: '2026-01-01' },
        data: {
          products: [
            { ean: '10614141000415', sku: 'JS-1', name: 'Kettle', pricing: { amount: 30, currency: 'GBP' }, stock: { qty: 4 } },
            { ean: '96385074', sku: 'JS-2', name: 'Toaster', pricing: { amount: 45.5, currency: 'GBP' }, stock: { qty: 0 } },
            { ean: '12345', sku: 'JS-3', name: 'Bad EAN', pricing: { amount: 1, currency: 'GBP' } },
            'not an object',
          ],
        },
      };
      fake.put('/items.json', { body: JSON.stringify(doc, null, 1), contentType: 'application/json' });
      const s = await create(b, {
        name: 'JSON',
        url: `${fake.url}/items.json`,
        format: 'json',
        item_path: 'data.products',
        match_on: 'barcode',
        mapping: [
          { source: 'ean', target: 'barcode' },
          { source: 'sku', target: 'sku' },
          { source: 'name', target: 'title' },
          { source: 'pricing.amount', target: 'price' },
          { source: 'pricing.currency', target: 'currency' },
          { source: 'stock.qty', target: 'stock' },
        ],
      });
      expect(s.status).toBe(201);
      const run = await runAndWait(b, s.body.id);
      expect(run).toMatchObject({ rows_total: 4, created: 2, failed: 2 });
      expect(run.errors.map((e) => e.reason)).toEqual([expect.stringMatching(/barcode 12345 is not a valid GTIN/), 'the item is not a JSON object']);
      const v = await variants(b.tenantId, 'JS');
      expect(v.map((x) => [x.sku, x.barcode, x.price, x.currency, x.vattrs.availability])).toEqual([
        ['JS-1', '10614141000415', '30.0000', 'GBP', 'in_stock'],
        ['JS-2', '96385074', '45.5000', 'GBP', 'out_of_stock'],
      ]);
      // re-run: unchanged; then a new SKU for the same barcode updates the matched variant
      expect(await runAndWait(b, s.body.id)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
      doc.data.products[0] = { ...(doc.data.products[0] as object), sku: 'JS-1B' } as (typeof doc.data.products)[0];
      fake.put('/items.json', { body: JSON.stringify(doc), contentType: 'application/json' });
      expect(await runAndWait(b, s.body.id)).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
      expect((await variants(b.tenantId, 'JS')).map((x) => x.sku)).toEqual(['JS-1B', 'JS-2']);

      fake.put('/items.json', { body: '{"data": {"products": [{"ean": "96385074", "sku": "JS-2"', contentType: 'application/json' });
      const bad = await runAndWait(b, s.body.id, 'failed');
      expect(bad.error).toMatch(/cannot be read as JSON: .*unexpected end of file/);
    });
  });

  describe('TSV imports', () => {
    it('imports a tab-separated upload with the default currency, options and a variant attribute', async () => {
      const s = await create(a, {
        name: 'Tabs',
        format: 'tsv',
        currency: 'SEK',
        mapping: [
          { source: 'art_nr', target: 'sku' },
          { source: 'namn', target: 'title' },
          { source: 'pris', target: 'price', transform: { multiply: 1.25, round: 0 } },
          { source: 'farg', target: 'options.Color', transform: { map: { blå: 'Blue', röd: 'Red' } } },
          { source: 'vikt', target: 'weight_grams' },
        ],
      });
      expect(s.status).toBe(201);
      expect(s.body.url).toBeNull();
      expect((await stack.http.post(`/api/v1/suppliers/${s.body.id}/run`).set(a.headers)).body.code).toBe('SUPPLIER_NO_URL');
      const body = 'art_nr\tnamn\tpris\tfarg\tvikt\nTSV-1\tTröja, "ull"\t100,50\tblå\t350\nTSV-2\tMössa\t80\tröd\tx\n';
      const res = await stack.http.post(`/api/v1/suppliers/${s.body.id}/upload`).set(a.headers).set('Content-Type', 'text/tab-separated-values').send(body);
      expect(res.status).toBe(202);
      const run = await waitRun(a, s.body.id, res.body.run_id);
      expect(run).toMatchObject({ created: 1, failed: 1 });
      expect(run.errors[0]).toMatchObject({ line: 3, key: 'TSV-2', reason: 'weight_grams "x" is not a number' });
      const [v] = await variants(a.tenantId, 'TSV');
      expect(v).toMatchObject({ sku: 'TSV-1', title: 'Tröja, "ull"', price: '126.0000', currency: 'SEK', options: { Color: 'Blue' } });
    });
  });

  describe('limits and outbound safety', () => {
    it('stops a download past SUPPLIER_MAX_BYTES (also when gzip hides the size) and follows redirects within limits', async () => {
      const big = `${HEADER}\n${csvRows(4000, 'BIG').join('\n')}\n`;
      expect(big.length).toBeGreaterThan(300000);
      fake.put('/big.csv', { body: big, gzip: true });
      const s = await create(a, { name: 'Big', url: `${fake.url}/big.csv`, format: 'csv', mapping: CSV_MAPPING });
      const run = await runAndWait(a, s.body.id, 'failed');
      expect(run.error).toMatch(/larger than the 300000-byte limit/);
      expect(await variants(a.tenantId, 'BIG')).toHaveLength(0);

      fake.put('/moved.csv', { body: '', redirect: '/final.csv' });
      fake.put('/final.csv', `${HEADER}\n${csvRows(1, 'MOVED').join('\n')}\n`);
      await stack.http.patch(`/api/v1/suppliers/${s.body.id}`).set(a.headers).send({ url: `${fake.url}/moved.csv` });
      expect(await runAndWait(a, s.body.id)).toMatchObject({ created: 1 });
      fake.put('/loop.csv', { body: '', redirect: '/loop.csv' });
      await stack.http.patch(`/api/v1/suppliers/${s.body.id}`).set(a.headers).send({ url: `${fake.url}/loop.csv` });
      expect((await runAndWait(a, s.body.id, 'failed')).error).toMatch(/too many redirects/);
      fake.put('/tofile.csv', { body: '', redirect: 'file:///etc/passwd' });
      await stack.http.patch(`/api/v1/suppliers/${s.body.id}`).set(a.headers).send({ url: `${fake.url}/tofile.csv` });
      expect((await runAndWait(a, s.body.id, 'failed')).error).toMatch(/not allowed: url must use https or http/);
    });
  });

  describe('schedules', () => {
    it('runs a supplier when its schedule is due, once, and moves the next run on', async () => {
      fake.put('/sched.csv', `${HEADER}\n${csvRows(2, 'SCH').join('\n')}\n`);
      const s = await create(a, { name: 'Nightly', url: `${fake.url}/sched.csv`, format: 'csv', mapping: CSV_MAPPING, schedule: { interval_minutes: 60 } });
      expect(s.status).toBe(201);
      expect(new Date(s.body.next_run_at).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
      await stack.db.pool.query(`UPDATE suppliers SET next_run_at = now() - interval '1 second' WHERE id = $1`, [s.body.id]);
      const run = await eventually(async () => {
        const r = await stack.http.get(`/api/v1/suppliers/${s.body.id}/runs`).set(a.headers);
        return r.body.find((x: RunView) => x.status === 'completed') as RunView | undefined;
      }, 30000);
      expect(run).toMatchObject({ trigger: 'schedule', created: 2 });
      const after = await stack.http.get(`/api/v1/suppliers/${s.body.id}`).set(a.headers);
      expect(new Date(after.body.next_run_at).getTime()).toBeGreaterThan(Date.now() + 58 * 60_000);
      await new Promise((r) => setTimeout(r, 600));
      expect((await stack.http.get(`/api/v1/suppliers/${s.body.id}/runs`).set(a.headers)).body).toHaveLength(1);
      // disabled suppliers are not scheduled
      await stack.http.patch(`/api/v1/suppliers/${s.body.id}`).set(a.headers).send({ enabled: false });
      expect((await stack.http.get(`/api/v1/suppliers/${s.body.id}`).set(a.headers)).body.next_run_at).toBeNull();
    });

    it('a supplier_import agent starts paused (the supplier keeps its schedule), runs an import on run-now, and once enabled is the schedule', async () => {
      fake.put('/agent.csv', `${HEADER}\n${csvRows(3, 'AGT').join('\n')}\n`);
      const s = await create(b, { name: 'Agent fed', url: `${fake.url}/agent.csv`, format: 'csv', mapping: CSV_MAPPING.filter((m) => m.target !== 'category' && m.target !== 'attributes.material'), schedule: { interval_minutes: 60 } });
      expect(s.status).toBe(201);
      const agents = await stack.http.get('/api/v1/agents').set(b.headers);
      const agent = agents.body.find((x: { kind: string; scope: Record<string, string> }) => x.kind === 'supplier_import' && x.scope.supplier_id === s.body.id);
      expect(agent).toMatchObject({ job: 'supplier.import', enabled: false, next_run_at: null });

      const run = await stack.http.post(`/api/v1/agents/${agent.id}/run`).set(b.headers);
      expect(run.status).toBe(202);
      const done = await eventually(async () => {
        const x = (await stack.http.get(`/api/v1/agents/${agent.id}`).set(b.headers)).body;
        return x.last_result?.run_id === run.body.run_id && x.last_result?.status !== 'running' ? x : undefined;
      }, 30000);
      expect(done.last_result).toMatchObject({ status: 'ok', manual: true });
      const runs = (await stack.http.get(`/api/v1/suppliers/${s.body.id}/runs`).set(b.headers)).body as RunView[];
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'completed', created: 3 });

      // enabled, the agent is the supplier's schedule: the supplier's own due time no longer starts runs
      expect((await stack.http.patch(`/api/v1/agents/${agent.id}`).set(b.headers).send({ enabled: true, schedule: 'every 1d' })).status).toBe(200);
      await stack.db.pool.query(`UPDATE suppliers SET next_run_at = now() - interval '1 second' WHERE id = $1`, [s.body.id]);
      await new Promise((r) => setTimeout(r, 1500)); // several schedule checks
      expect((await stack.http.get(`/api/v1/suppliers/${s.body.id}/runs`).set(b.headers)).body).toHaveLength(1);
    });
  });
});

describe('supplier imports without private network access', () => {
  let stack: Stack;
  let fake: FakeSupplier;
  beforeAll(async () => {
    fake = await new FakeSupplier().start();
    stack = await startStack({ worker: true, env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'false' } });
  });
  afterAll(async () => {
    await stack.stop();
    await fake.stop();
  });

  it('refuses loopback, private and metadata URLs when configured, and again when the run starts', async () => {
    const a = await registerAccount(stack, 'SSRF');
    for (const url of [`${fake.url}/feed.csv`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/feed.csv', 'http://[::1]/x', 'http://localhost/x']) {
      const res = await stack.http.post('/api/v1/suppliers').set(a.headers).send({ name: 'x', url, format: 'csv', mapping: CSV_MAPPING });
      expect(res.status).toBe(400);
      expect(res.body.details[0]).toMatchObject({ field: 'url', message: expect.stringMatching(/not allowed/) });
    }
    // a URL that became unsafe after it was saved (e.g. DNS now points inside) is refused at download time
    fake.put('/feed.csv', `${HEADER}\n${csvRows(1, 'SSRF').join('\n')}\n`);
    const ok = await stack.http.post('/api/v1/suppliers').set(a.headers).send({ name: 'x', url: 'https://93.184.216.34/feed.csv', format: 'csv', mapping: CSV_MAPPING });
    expect(ok.status).toBe(201);
    await stack.db.pool.query(`UPDATE suppliers SET url = $2 WHERE id = $1`, [ok.body.id, `${fake.url}/feed.csv`]);
    const run = await stack.http.post(`/api/v1/suppliers/${ok.body.id}/run`).set(a.headers);
    const done = await eventually(async () => {
      const r = await stack.http.get(`/api/v1/suppliers/${ok.body.id}/runs/${run.body.run_id}`).set(a.headers);
      return r.body.status === 'failed' ? r.body : undefined;
    });
    expect(done.error).toMatch(/not allowed: 127\.0\.0\.1 resolves to a loopback address/);
    expect(fake.requests).toHaveLength(0);
  });
});
