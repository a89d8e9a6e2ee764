/*
 * bench:pim — in one run:
 *  1. GET /api/v1/pim/products/{id}, the 100-product list, and product create, each against /health/live
 *     of the same process (goals ≥ 0.5×, ≥ 0.15×, ≥ 0.25×);
 *  2. a bulk update of 100k products through the API + worker against the equivalent single SQL UPDATE
 *     (goal ≤ 3× the time);
 *  3. peak RSS of the worker exporting 1M products against exporting 100k (goal ≤ 1.3×), alternating.
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { freshDatabase, dropDatabase, startProcesses, compare, registerBenchAccount, report, median, root } = require('./lib');

async function seed(db, tenantId, n, prefix, offset = 0) {
  const step = 100_000;
  for (let from = 1; from <= n; from += step) {
    const to = Math.min(n, from + step - 1);
    await db.query(
      `WITH p AS (
         INSERT INTO products (tenant_id, title, handle, description, status, attributes, created_at)
         SELECT $1, $2 || ' ' || g, lower($2) || '-' || g, 'Bench product number ' || g || ' with a description of some length.',
                'ACTIVE', jsonb_build_object('material', 'wool'), now() - interval '10 days' + g * interval '1 millisecond'
           FROM generate_series($3::int, $4::int) g RETURNING id, handle)
       INSERT INTO variants (tenant_id, product_id, sku, barcode, price, currency)
       SELECT $1, p.id, upper(p.handle), NULL, 19.99, 'USD' FROM p`,
      [tenantId, prefix, from + offset, to + offset],
    );
  }
}

async function waitJob(base, headers, url, timeoutMs = 2_400_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(`${base}${url}`, { headers });
    const body = await r.json();
    if (body.status === 'completed') return body;
    if (body.status === 'failed') throw new Error(`${url} failed: ${body.error}`);
    if (Date.now() > deadline) throw new Error(`${url} timed out`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * Runs a fresh worker for one export and returns its peak RSS in MB: the kernel's high-water mark
 * (VmHWM in /proc/<pid>/status, the figure /usr/bin/time -v reports as "Maximum resident set size"),
 * read just before the worker is stopped, and the worker's CPU seconds (to show it did the export).
 */
async function exportPeakRss(env, base, headers) {
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/worker/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = Date.now();
  const res = await fetch(`${base}/api/v1/pim/export`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ format: 'csv' }) });
  const { export_id: id } = await res.json();
  const done = await waitJob(base, headers, `/api/v1/pim/exports/${id}`);
  const seconds = (Date.now() - t0) / 1000;
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpu = (Number(stat[11]) + Number(stat[12])) / 100;
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  await new Promise((resolve) => {
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
  if (!m) throw new Error('no VmHWM in /proc/<pid>/status');
  return { mb: Number(m[1]) / 1024, rows: done.row_count, seconds, cpu };
}

async function main() {
  const phases = new Set((process.argv[2] || 'http,bulk,export').split(','));
  const dbName = `synq_bench_pim_${process.pid}`;
  const databaseUrl = await freshDatabase(dbName);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const results = [];
  let procs = await startProcesses({ databaseUrl });
  try {
    // 1. HTTP
    const acct = await registerBenchAccount(procs.base);
    if (phases.has('http')) {
    await db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
    await seed(db, acct.tenantId, 1000, 'Item');
    await db.query('VACUUM ANALYZE');
    const [{ id }] = (await db.query(`SELECT id FROM products WHERE tenant_id = $1 ORDER BY created_at LIMIT 1 OFFSET 500`, [acct.tenantId])).rows;
    const health = { url: `${procs.base}/health/live` };
    let r = await compare({ name: 'GET /api/v1/pim/products/{id} vs /health/live', baseline: health, candidate: { url: `${procs.base}/api/v1/pim/products/${id}`, headers: acct.headers } });
    results.push({ ...r, goal: '≥ 0.5' });
    r = await compare({ name: 'GET /api/v1/pim/products (100 per page) vs /health/live', baseline: health, candidate: { url: `${procs.base}/api/v1/pim/products?limit=100`, headers: acct.headers } });
    results.push({ ...r, goal: '≥ 0.15' });
    let n = 0;
    r = await compare({
      name: 'POST /api/v1/pim/products vs /health/live',
      baseline: health,
      candidate: {
        url: `${procs.base}/api/v1/pim/products`,
        method: 'POST',
        headers: { ...acct.headers, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ title: `Bench create ${process.pid}-${n++}`, description: 'created by bench', category: 'bench' }) }),
          },
        ],
      },
    });
    results.push({ ...r, goal: '≥ 0.25' });
    report(results.slice());
    }

    // 2. bulk update of 100k products vs one SQL UPDATE
    if (!phases.has('bulk') && !phases.has('export')) return;
    const bulkAcct = await registerBenchAccount(procs.base);
    await db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [bulkAcct.tenantId]);
    await seed(db, bulkAcct.tenantId, 100_000, 'Bulk');
    await db.query('VACUUM ANALYZE products');
    await db.query('VACUUM ANALYZE variants');
    await procs.stop();
    procs = await startProcesses({ databaseUrl, worker: true });
    const sqlTimes = [];
    const bulkTimes = [];
    const bulkRounds = Number(process.env.BENCH_BULK_ROUNDS || 3);
    for (let round = 0; phases.has('bulk') && round < bulkRounds; round++) {
      let t = Date.now();
      await db.query(`UPDATE products SET status = 'DRAFT', updated_at = now() WHERE tenant_id = $1`, [bulkAcct.tenantId]);
      sqlTimes.push((Date.now() - t) / 1000);
      t = Date.now();
      const res = await fetch(`${procs.base}/api/v1/pim/bulk-jobs`, {
        method: 'POST',
        headers: { ...bulkAcct.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ job_type: 'BULK_UPDATE', payload: { status: 'ACTIVE' } }),
      });
      const job = await res.json();
      await waitJob(procs.base, bulkAcct.headers, `/api/v1/pim/bulk-jobs/${job.id}`);
      bulkTimes.push((Date.now() - t) / 1000);
      process.stderr.write(`  round ${round + 1}: SQL UPDATE ${sqlTimes[round]} s, bulk job ${bulkTimes[round]} s\n`);
      // let the worker drain the 100k event dispatches before the next round
      for (;;) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM events WHERE dispatched_at IS NULL`);
        if (rows[0].n === 0) break;
        await new Promise((res2) => setTimeout(res2, 1000));
      }
    }
    const ratios = bulkTimes.map((b, i) => b / sqlTimes[i]);
    if (phases.has('bulk')) results.push({
      name: `bulk update of 100k products (API + worker, with audit + events) vs one SQL UPDATE (seconds, medians of ${bulkRounds}; per-round ratios ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      candidate: median(bulkTimes),
      baseline: median(sqlTimes),
      ratio: Number((median(bulkTimes) / median(sqlTimes)).toFixed(2)),
      goal: '≤ 3',
    });
    await procs.stop();

    // 3. export memory: 100k and 1M products (two tenants), alternating, each export in a fresh
    //    worker (peak RSS = VmHWM); the 1M catalog is seeded with set-based SQL
    if (!phases.has('export')) return report(results);
    const bigAcct = await (async () => {
      const p2 = await startProcesses({ databaseUrl });
      try {
        return await registerBenchAccount(p2.base);
      } finally {
        await p2.stop();
      }
    })();
    await db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [bigAcct.tenantId]);
    let t = Date.now();
    await seed(db, bigAcct.tenantId, 1_000_000, 'Big');
    await db.query('VACUUM ANALYZE products');
    await db.query('VACUUM ANALYZE variants');
    process.stderr.write(`  seeded 1M products (+ 1M variants) with generate_series in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
    procs = await startProcesses({ databaseUrl });
    const env = procs.env;
    const smalls = [];
    const bigs = [];
    const rounds = Number(process.env.BENCH_EXPORT_ROUNDS || 2);
    for (let i = 0; i < rounds; i++) {
      const small = await exportPeakRss(env, procs.base, bulkAcct.headers);
      process.stderr.write(`  round ${i + 1} export of 100k: ${small.rows} rows in ${small.seconds} s (worker CPU ${small.cpu} s), peak RSS ${small.mb.toFixed(1)} MB\n`);
      const big = await exportPeakRss(env, procs.base, bigAcct.headers);
      process.stderr.write(`  round ${i + 1} export of 1M: ${big.rows} rows in ${big.seconds} s (worker CPU ${big.cpu} s), peak RSS ${big.mb.toFixed(1)} MB\n`);
      if (small.rows !== 100_000 || big.rows !== 1_000_000) throw new Error(`unexpected row counts ${small.rows}, ${big.rows}`);
      smalls.push(small);
      bigs.push(big);
    }
    const mbS = median(smalls.map((x) => x.mb));
    const mbB = median(bigs.map((x) => x.mb));
    const range = (xs, f) => `${Math.min(...xs.map(f)).toFixed(f === secs ? 0 : 1)}–${Math.max(...xs.map(f)).toFixed(f === secs ? 0 : 1)}`;
    const secs = (x) => x.seconds;
    const mb = (x) => x.mb;
    results.push({
      name: `worker peak RSS exporting 1M products vs 100k (CSV; MB, medians of ${rounds}; 1M: ${range(bigs, mb)} MB in ${range(bigs, secs)} s, 100k: ${range(smalls, mb)} MB in ${range(smalls, secs)} s)`,
      candidate: Number(mbB.toFixed(1)),
      baseline: Number(mbS.toFixed(1)),
      ratio: Number((mbB / mbS).toFixed(2)),
      goal: '≤ 1.3',
    });
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
