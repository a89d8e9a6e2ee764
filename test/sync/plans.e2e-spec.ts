import { BATCH_CLAIM_SQL, BATCH_SETTLE_SQL } from '@synq/sync';
import { DISPATCH_EVENTS_SQL, MARK_DISPATCHED_SQL } from '@synq/events';
import { createTestDatabase, TestDatabase } from '../helpers/stack';

/**
 * The sync batch's statements look their rows up by key even for a tenant that the planner's
 * statistics have never seen (a new tenant's ledger rows are written after the last ANALYZE): no
 * walk through all of a tenant's or connection's rows per batch.
 */
describe('sync: query plans of the batch statements for a tenant newer than the statistics', () => {
  let db: TestDatabase;

  async function tenantWithLedger(name: string, products: number): Promise<{ tenantId: string; connectionIds: string[]; productIds: string[] }> {
    const t = await db.pool.query(`INSERT INTO tenants (name, plan) VALUES ($1, 'pro') RETURNING id`, [name]);
    const tenantId = t.rows[0].id as string;
    const o = await db.pool.query(`INSERT INTO organizations (tenant_id, name) VALUES ($1, $2) RETURNING id`, [tenantId, name]);
    await db.pool.query(
      `WITH p AS (INSERT INTO products (tenant_id, title, handle, status, attributes)
                  SELECT $1, 'P ' || g, $2 || '-' || g, 'ACTIVE', '{}'::jsonb FROM generate_series(1, $3::int) g RETURNING id, handle)
       INSERT INTO variants (tenant_id, product_id, sku, price, currency) SELECT $1, p.id, upper(p.handle), 10, 'EUR' FROM p`,
      [tenantId, name.toLowerCase(), products],
    );
    const c = await db.pool.query(
      `INSERT INTO connections (tenant_id, org_id, provider, category, kind, base_url, status)
       SELECT $1, $2, 'shopify', 'commerce', 'shopify', 'https://' || $3 || g || '.example.com', 'ACTIVE' FROM generate_series(1, 3) g RETURNING id`,
      [tenantId, o.rows[0].id, name.toLowerCase()],
    );
    await db.pool.query(
      `INSERT INTO sync_states (connection_id, product_id, tenant_id, status, requested_action, requested_seq)
       SELECT c.id, p.id, $1, 'PENDING', 'UPSERT', 1 FROM connections c JOIN products p ON p.tenant_id = c.tenant_id WHERE c.tenant_id = $1`,
      [tenantId],
    );
    const p = await db.pool.query(`SELECT id FROM products WHERE tenant_id = $1 ORDER BY id`, [tenantId]);
    return { tenantId, connectionIds: c.rows.map((r) => r.id as string), productIds: p.rows.map((r) => r.id as string) };
  }

  /** Every index a plan uses, and the tables it reads whole. */
  function scans(plan: Record<string, unknown>, out = { indexes: [] as string[], seqScans: [] as string[], ctes: [] as string[] }) {
    if (typeof plan['Index Name'] === 'string') out.indexes.push(plan['Index Name']);
    if (typeof plan['Subplan Name'] === 'string' && plan['Subplan Name'].startsWith('CTE ')) out.ctes.push(plan['Subplan Name'].slice(4));
    if (plan['Node Type'] === 'Seq Scan') out.seqScans.push(String(plan['Relation Name']));
    for (const child of (plan.Plans as Record<string, unknown>[] | undefined) ?? []) scans(child, out);
    return out;
  }

  async function explain(sql: string, params: unknown[]) {
    const res = await db.pool.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return scans(res.rows[0]['QUERY PLAN'][0].Plan);
  }

  /** Events of the tenant (as sync results write them); their ids. */
  async function eventsOf(tenantId: string, n: number): Promise<string[]> {
    const r = await db.pool.query(
      `INSERT INTO events (id, tenant_id, type, data) SELECT 'evt_' || md5($1 || g), $1::uuid, 'sync.succeeded', '{}'::jsonb FROM generate_series(1, $2::int) g RETURNING id`,
      [tenantId, n],
    );
    return r.rows.map((x) => x.id as string);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    // the statistics are taken while the ledger and the events are empty (a new installation, or a
    // machine without autovacuum), then another tenant's rows arrive, then the one measured
    await db.pool.query('ANALYZE');
    const old = await tenantWithLedger('Old', 2000);
    await eventsOf(old.tenantId, 5000);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('claims and settles a batch of a new tenant through the primary keys', async () => {
    const t = await tenantWithLedger('New', 1500);
    const connectionId = t.connectionIds[1];
    const batch = t.productIds.slice(100, 110);
    const pk = await db.pool.query(`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'sync_states'::regclass AND indisprimary`);
    const ledgerPk = pk.rows[0].name.replace(/"/g, '');

    const claim = await explain(BATCH_CLAIM_SQL, [t.tenantId, connectionId, batch, 'job-1', 60000]);
    expect(claim.indexes).toContain(ledgerPk);
    expect(claim.indexes.filter((i) => i.startsWith('idx_sync_states_') || i.startsWith('idx_products_tenant'))).toEqual([]);
    expect(claim.seqScans.filter((r) => r === 'sync_states' || r === 'products' || r === 'variants')).toEqual([]);
    // each product's state is built once (a CTE of its own), not once per claimed row it is joined to
    expect(claim.ctes).toContain('prod');

    const results = batch.map((productId) => ({ product_id: productId, seq: 1, status: 'SYNCED', run_status: 'SUCCEEDED', action: 'UPSERT', run_id: productId }));
    const settle = await explain(BATCH_SETTLE_SQL, [t.tenantId, connectionId, 'job-1', JSON.stringify(results), [], batch]);
    expect(settle.indexes).toContain(ledgerPk);
    expect(settle.indexes.filter((i) => i.startsWith('idx_sync_states_'))).toEqual([]);
    expect(settle.seqScans.filter((r) => r === 'sync_states')).toEqual([]);
  });

  it('dispatches a batch of events through the events primary key', async () => {
    const t = await tenantWithLedger('Newer', 10);
    const ids = (await eventsOf(t.tenantId, 3000)).slice(500, 510);
    const pk = await db.pool.query(`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'events'::regclass AND indisprimary`);
    const eventsPk = pk.rows[0].name.replace(/"/g, '');
    for (const plan of [await explain(DISPATCH_EVENTS_SQL, [ids, t.tenantId]), await explain(MARK_DISPATCHED_SQL, [ids])]) {
      expect(plan.indexes).toEqual([eventsPk]);
      expect(plan.seqScans.filter((r) => r === 'events')).toEqual([]);
    }
    const read = await db.pool.query(DISPATCH_EVENTS_SQL, [[...ids, ids[0]], t.tenantId]);
    expect(read.rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    // another tenant's ids are not read
    const other = await db.pool.query(`SELECT id FROM events WHERE tenant_id <> $1 LIMIT 3`, [t.tenantId]);
    expect((await db.pool.query(DISPATCH_EVENTS_SQL, [other.rows.map((r) => r.id), t.tenantId])).rows).toEqual([]);
  });
});
