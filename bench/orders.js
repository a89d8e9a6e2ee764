/*
 * bench:orders — in one run, against the built api (no worker: the outbox just accumulates):
 *  1. POST /api/v1/orders (paid, so stock is deducted in the same transaction) on 1,000 variants with
 *     ample stock, 50 connections, against /health/live of the same process (goal ≥ 0.2×);
 *  2. the same on one hot variant (every order locks the same stock row), for the record;
 *  3. oversell check: 50 connections ordering one variant holding 500 units for 5 s: exactly 500
 *     orders succeed (201), every other answer is 409 INSUFFICIENT_STOCK, on hand ends at 0, and no
 *     movement ever left available below 0.
 * BENCH_PROFILE_DIR=dir writes a V8 CPU profile of the api (`--cpu-prof`) there.
 */
'use strict';
const { Client } = require('pg');
const { freshDatabase, dropDatabase, startProcesses, compare, cannon, registerBenchAccount, report } = require('./lib');

async function seed(db, tenantId, n, prefix, stock) {
  await db.query(
    `WITH p AS (
       INSERT INTO products (tenant_id, title, handle, status)
       SELECT $1, $2 || ' ' || g, lower($2) || '-' || g, 'ACTIVE' FROM generate_series(1, $3::int) g RETURNING id, handle),
     v AS (
       INSERT INTO variants (tenant_id, product_id, sku, price, currency)
       SELECT $1, p.id, upper(p.handle), 19.99, 'USD' FROM p RETURNING id),
     loc AS (
       INSERT INTO inventory_locations (tenant_id, name, is_default) VALUES ($1, 'Default', true)
       ON CONFLICT DO NOTHING RETURNING id)
     INSERT INTO inventory_levels (tenant_id, variant_id, location_id, on_hand)
     SELECT $1, v.id, COALESCE((SELECT id FROM loc), (SELECT id FROM inventory_locations WHERE tenant_id = $1 AND is_default)), $4 FROM v`,
    [tenantId, prefix, n, stock],
  );
}

function orderRequest(base, headers, skuFor) {
  let n = 0;
  return {
    url: `${base}/api/v1/orders`,
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          n++;
          return {
            ...req,
            body: JSON.stringify({
              lines: [{ sku: skuFor(n), quantity: 1 }],
              customer: { email: `bench${n}@example.com` },
              payment: { provider: 'manual' },
            }),
          };
        },
      },
    ],
  };
}

async function main() {
  const dbName = 'synq_bench_orders';
  const databaseUrl = await freshDatabase(dbName);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const procs = await startProcesses({ databaseUrl, nodeArgs: process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [] });
  const results = [];
  try {
    const acct = await registerBenchAccount(procs.base);
    await db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
    await seed(db, acct.tenantId, 1000, 'Spread', 10_000_000);
    await seed(db, acct.tenantId, 1, 'Hot', 10_000_000);
    await seed(db, acct.tenantId, 1, 'Last', 500);
    await db.query('VACUUM ANALYZE');
    const health = { url: `${procs.base}/health/live` };

    let r = await compare({
      name: 'POST /api/v1/orders (paid: stock deducted in the same transaction), 1,000 variants vs /health/live',
      baseline: health,
      candidate: orderRequest(procs.base, acct.headers, () => `SPREAD-${1 + Math.floor(Math.random() * 1000)}`),
    });
    results.push({ ...r, goal: '≥ 0.2' });
    r = await compare({
      name: 'same, every order on one hot variant (one stock row) vs /health/live',
      baseline: health,
      candidate: orderRequest(procs.base, acct.headers, () => 'HOT-1'),
    });
    results.push({ ...r, goal: '' });

    // oversell check
    const out = await cannon({ ...orderRequest(procs.base, acct.headers, () => 'LAST-1'), duration: 5 });
    const ok = out['2xx'];
    const refused = out['4xx'];
    const [{ on_hand: onHand, reserved }] = (await db.query(`SELECT l.on_hand, l.reserved FROM inventory_levels l JOIN variants v ON v.id = l.variant_id WHERE v.sku = 'LAST-1'`)).rows;
    const [{ n: created }] = (await db.query(`SELECT count(*)::int AS n FROM order_lines WHERE sku = 'LAST-1'`)).rows;
    const [{ n: negative }] = (await db.query(`SELECT count(*)::int AS n FROM inventory_movements WHERE on_hand_after - reserved_after < 0`)).rows;
    const oversell = { name: 'oversell check: 50 connections × 5 s on a variant holding 500 units', created_orders: created, answers_201: ok, answers_409: refused, errors: out.errors, on_hand_after: onHand, reserved_after: reserved, negative_movements: negative };
    process.stderr.write(`  ${JSON.stringify(oversell)}\n`);
    if (created !== 500 || ok !== 500 || onHand !== 0 || reserved !== 0 || negative !== 0 || out.errors || out['5xx']) throw new Error(`OVERSELL CHECK FAILED: ${JSON.stringify(oversell)}`);
    results.push({ name: oversell.name, candidate: `${created} orders, ${refused} × 409`, baseline: '500 units', ratio: 'zero oversell', goal: 'exactly 500' });
    report(results);
  } finally {
    await procs.stop();
    await db.end();
    await dropDatabase(dbName);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
