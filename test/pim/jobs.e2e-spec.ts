import { BULK_BATCH, parseCsv } from '@synq/pim';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { eventually, startStack, Stack } from '../helpers/stack';

/** Inserts n products with one priced variant each, straight in SQL (test fixture speed). */
async function seedProducts(stack: Stack, acct: TestAccount, n: number, prefix: string): Promise<void> {
  await stack.db.pool.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
  await stack.db.pool.query(
    `WITH p AS (
       INSERT INTO products (tenant_id, title, handle, status, created_at)
       SELECT $1, $2 || ' ' || g, lower($2) || '-' || g, CASE WHEN g % 4 = 0 THEN 'DRAFT' ELSE 'ACTIVE' END,
              now() - interval '1 hour' + g * interval '1 millisecond'
         FROM generate_series(1, $3) g RETURNING id, handle)
     INSERT INTO variants (tenant_id, product_id, sku, price, currency)
     SELECT $1, p.id, upper(p.handle), 10.00, 'USD' FROM p`,
    [acct.tenantId, prefix, n],
  );
}

describe('PIM exports and bulk jobs (worker)', () => {
  let stack: Stack;
  let a: TestAccount;
  let b: TestAccount;
  beforeAll(async () => {
    stack = await startStack({ worker: true });
    a = await registerAccount(stack, 'Jobs A');
    b = await registerAccount(stack, 'Jobs B');
  });
  afterAll(async () => stack.stop());

  it('exports a few thousand products to CSV and JSONL that parse back, with progress and an event', async () => {
    await seedProducts(stack, a, 3000, 'Export');
    await stack.http.post('/api/v1/pim/products').set(a.headers).send({
      title: 'Tricky, "quoted"\nproduct',
      description: '=HYPERLINK("http://evil")',
      variants: [{ sku: 'TRICKY-1', price: 12.5, currency: 'EUR', options: { Size: 'M' } }, { sku: 'TRICKY-2', price: 13 }],
    });
    const res = await stack.http.post('/api/v1/pim/export').set(a.headers).send({});
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'queued', export_id: expect.any(String) });
    const done = await eventually(async () => {
      const s = await stack.http.get(`/api/v1/pim/exports/${res.body.export_id}`).set(a.headers);
      return s.body.status === 'completed' ? s.body : undefined;
    }, 30000);
    expect(done).toMatchObject({ format: 'csv', progress: 100, total_products: 3001, row_count: 3002, download_url: `/api/v1/pim/exports/${res.body.export_id}/download` });

    const file = await stack.http.get(done.download_url).set(a.headers).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('text/csv');
    const rows = parseCsv(file.body as string);
    expect(rows[0].slice(0, 3)).toEqual(['product_id', 'handle', 'title']);
    expect(rows).toHaveLength(3003);
    const header = rows[0];
    const col = (r: string[], name: string) => r[header.indexOf(name)];
    const tricky = rows.filter((r) => col(r, 'title') === 'Tricky, "quoted"\nproduct');
    expect(tricky.map((r) => [col(r, 'sku'), col(r, 'price'), col(r, 'currency')])).toEqual([
      ['TRICKY-1', '12.5', 'EUR'],
      ['TRICKY-2', '13', 'USD'],
    ]);
    expect(col(tricky[0], 'description')).toBe(`'=HYPERLINK("http://evil")`);
    expect(JSON.parse(col(tricky[0], 'options'))).toEqual({ Size: 'M' });
    expect(new Set(rows.slice(1).map((r) => col(r, 'product_id'))).size).toBe(3001);

    const ev = await stack.db.pool.query(`SELECT data FROM events WHERE tenant_id = $1 AND type = 'export.completed'`, [a.tenantId]);
    expect(ev.rows[0].data).toMatchObject({ export_id: res.body.export_id, row_count: 3002 });

    const jsonl = await stack.http.post('/api/v1/pim/export').set(a.headers).send({ format: 'jsonl', filters: { status: 'DRAFT' } });
    const jdone = await eventually(async () => {
      const s = await stack.http.get(`/api/v1/pim/exports/${jsonl.body.export_id}`).set(a.headers);
      return s.body.status === 'completed' ? s.body : undefined;
    }, 30000);
    expect(jdone.total_products).toBe(750);
    const jfile = await stack.http.get(jdone.download_url).set(a.headers).buffer(true).parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c.toString()));
      r.on('end', () => cb(null, t));
    });
    const lines = (jfile.body as string).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(750);
    expect(lines.every((p: { status: string; variants: unknown[] }) => p.status === 'DRAFT' && p.variants.length === 1)).toBe(true);

    // another tenant cannot see or download it
    expect((await stack.http.get(`/api/v1/pim/exports/${res.body.export_id}`).set(b.headers)).status).toBe(404);
    expect((await stack.http.get(`/api/v1/pim/exports/${res.body.export_id}/download`).set(b.headers)).status).toBe(404);
    expect((await stack.http.post('/api/v1/pim/export').set(a.headers).send({ format: 'xlsx' })).status).toBe(400);
  });

  it('runs the spec’s bulk update (no selection: every product), with progress and audit', async () => {
    const c = await registerAccount(stack, 'Bulk all');
    await seedProducts(stack, c, 1500, 'Bulk');
    const res = await stack.http.post('/api/v1/pim/bulk-jobs').set(c.headers).send({ job_type: 'BULK_UPDATE', payload: { status: 'ACTIVE' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: expect.any(String), job_type: 'BULK_UPDATE', status: 'queued', payload: { status: 'ACTIVE' } });
    const done = await eventually(async () => {
      const s = await stack.http.get(`/api/v1/pim/bulk-jobs/${res.body.id}`).set(c.headers);
      return s.body.status === 'completed' ? s.body : undefined;
    }, 30000);
    expect(done).toMatchObject({ total: 1500, processed: 1500, succeeded: 1500, failed: 0, progress: 100, errors: [] });
    const statuses = await stack.db.pool.query(`SELECT status, count(*)::int AS n FROM products WHERE tenant_id = $1 GROUP BY status`, [c.tenantId]);
    expect(statuses.rows).toEqual([{ status: 'ACTIVE', n: 1500 }]);
    const audit = await stack.db.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'product.updated' AND changes ? 'status'`,
      [c.tenantId],
    );
    expect(audit.rows[0].n).toBe(375); // only the products that were DRAFT changed
    // only the products the job changed are announced
    const events = await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND type = 'product.updated'`, [c.tenantId]);
    expect(events.rows[0].n).toBe(375);

    const list = await stack.http.get('/api/v1/pim/bulk-jobs').set(c.headers);
    expect(list.body.map((j: { id: string }) => j.id)).toEqual([res.body.id]);
    expect((await stack.http.get('/api/v1/pim/bulk-jobs?type=BULK_DELETE').set(c.headers)).body).toEqual([]);
    expect((await stack.http.get(`/api/v1/pim/bulk-jobs/${res.body.id}`).set(b.headers)).status).toBe(404);
  });

  it('validates bulk payloads', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ job_type: 'BULK_MAGIC' }, 400],
      [{ job_type: 'BULK_UPDATE' }, 400],
      [{ job_type: 'BULK_UPDATE', payload: { status: 'LIVE' } }, 400],
      [{ job_type: 'BULK_UPDATE', payload: { attributes: { nope: 1 } } }, 400],
      [{ job_type: 'BULK_UPDATE', payload: { price_change: { type: 'percent', value: -200 } } }, 400],
      [{ job_type: 'BULK_UPDATE', payload: { category: 'no-such-category' } }, 404],
      [{ job_type: 'BULK_DELETE', payload: {} }, 400],
      [{ job_type: 'BULK_DELETE', payload: { status: 'ACTIVE', product_ids: [] } }, 400],
      [{ job_type: 'BULK_UPDATE', payload: { status: 'ACTIVE', product_ids: ['x'] } }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await stack.http.post('/api/v1/pim/bulk-jobs').set(b.headers).send(body);
      expect({ body, status: res.status }).toEqual({ body, status });
    }
  });

  it('applies a percent price change exactly once per product even when the job crashes mid-way', async () => {
    const d = await registerAccount(stack, 'Bulk crash');
    await seedProducts(stack, d, BULK_BATCH + 500, 'Crash');
    // the second batch's commit fails once (a sequence is not rolled back, so it fires a single time)
    await stack.db.pool.query(`CREATE SEQUENCE IF NOT EXISTS bulk_crash_once`);
    await stack.db.pool.query(`CREATE OR REPLACE FUNCTION bulk_crash() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.tenant_id = '${d.tenantId}' AND NEW.processed > ${BULK_BATCH} AND nextval('bulk_crash_once') = 1 THEN
        RAISE EXCEPTION 'simulated worker crash'; END IF; RETURN NEW; END $$`);
    await stack.db.pool.query(`CREATE TRIGGER bulk_crash BEFORE UPDATE ON bulk_jobs FOR EACH ROW EXECUTE FUNCTION bulk_crash()`);
    try {
      const res = await stack.http
        .post('/api/v1/pim/bulk-jobs')
        .set(d.headers)
        .send({ job_type: 'BULK_UPDATE', payload: { filter: { q: 'crash' }, price_change: { type: 'percent', value: 10 } } });
      expect(res.status).toBe(202);
      const done = await eventually(async () => {
        const s = await stack.http.get(`/api/v1/pim/bulk-jobs/${res.body.id}`).set(d.headers);
        return s.body.status === 'completed' ? s.body : undefined;
      }, 30000);
      expect(done).toMatchObject({ total: BULK_BATCH + 500, processed: BULK_BATCH + 500, succeeded: BULK_BATCH + 500 });
      const prices = await stack.db.pool.query(`SELECT price::text AS price, count(*)::int AS n FROM variants WHERE tenant_id = $1 GROUP BY price`, [d.tenantId]);
      expect(prices.rows).toEqual([{ price: '11.0000', n: BULK_BATCH + 500 }]);
      const crashed = await stack.db.pool.query(`SELECT last_value, is_called FROM bulk_crash_once`);
      expect(crashed.rows[0].is_called).toBe(true);
    } finally {
      await stack.db.pool.query(`DROP TRIGGER IF EXISTS bulk_crash ON bulk_jobs`);
    }
  });

  it('bulk deletes the selected products', async () => {
    const e = await registerAccount(stack, 'Bulk delete');
    await seedProducts(stack, e, 1200, 'Del');
    const keep = await stack.http.post('/api/v1/pim/products').set(e.headers).send({ title: 'Keeper' });
    const res = await stack.http.post('/api/v1/pim/bulk-jobs').set(e.headers).send({ job_type: 'BULK_DELETE', payload: { filter: { q: 'Del ' } } });
    expect(res.status).toBe(202);
    const done = await eventually(async () => {
      const s = await stack.http.get(`/api/v1/pim/bulk-jobs/${res.body.id}`).set(e.headers);
      return s.body.status === 'completed' ? s.body : undefined;
    }, 30000);
    expect(done).toMatchObject({ total: 1200, processed: 1200, succeeded: 1200 });
    const left = await stack.db.pool.query(`SELECT title FROM products WHERE tenant_id = $1`, [e.tenantId]);
    expect(left.rows).toEqual([{ title: 'Keeper' }]);
    const deletedEvents = await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND type = 'product.deleted'`, [e.tenantId]);
    expect(deletedEvents.rows[0].n).toBe(1200);
    expect(keep.status).toBe(201);
  });

  it('every product change writes its event into the outbox in the same transaction', async () => {
    const f = await registerAccount(stack, 'Events');
    const p = await stack.http.post('/api/v1/pim/products').set(f.headers).send({ title: 'Evented', variants: [{ sku: 'EV-1', price: 1 }] });
    await stack.http.put(`/api/v1/pim/products/${p.body.id}`).set(f.headers).send({ title: 'Evented 2' });
    const v = await stack.http.post(`/api/v1/pim/products/${p.body.id}/variants`).set(f.headers).send({ sku: 'EV-2', price: 2 });
    await stack.http.put(`/api/v1/pim/products/${p.body.id}/variants/${v.body.id}`).set(f.headers).send({ price: 3 });
    await stack.http.post('/api/v1/pim/media').set(f.headers).send({ product_id: p.body.id, url: 'https://cdn.example.com/e.jpg' });
    await stack.http.delete(`/api/v1/pim/products/${p.body.id}/variants/${v.body.id}`).set(f.headers);
    await stack.http.delete(`/api/v1/pim/products/${p.body.id}`).set(f.headers);
    const events = await stack.db.pool.query(`SELECT type, data FROM events WHERE tenant_id = $1 ORDER BY created_at, id`, [f.tenantId]);
    expect(events.rows.map((r: { type: string }) => r.type)).toEqual([
      'product.created',
      'product.updated',
      'variant.created',
      'variant.updated',
      'product.updated',
      'variant.deleted',
      'product.deleted',
    ]);
    expect(events.rows[6].data).toMatchObject({ product_id: p.body.id, skus: ['EV-1'] });
    await eventually(async () => {
      const r = await stack.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND dispatched_at IS NULL`, [f.tenantId]);
      return r.rows[0].n === 0;
    });
  });
});
