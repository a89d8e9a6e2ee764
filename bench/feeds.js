/*
 * bench:feeds — in one run (issue #8 "Done when"):
 *  1. Google Shopping XML generation of a 100k-variant and a 1M-variant catalog, each by a fresh worker
 *     (peak RSS = the kernel's VmHWM of that process): time(1M) ≤ 11× time(100k), peak RSS(1M) ≤ 1.2× peak RSS(100k);
 *  2. XML items/s against the rows/s of `COPY (<the feed's source SELECT>) TO STDOUT` of the same
 *     columns (goal ≥ 0.25×), alternating;
 *  3. a 100k-row supplier CSV import (download from a local HTTP server, parse, stage, create 100k
 *     products + variants with audit and events) against `COPY` of the same rows into a staging table
 *     (goal ≤ 5× the time), alternating.
 * Usage: npm run bench:feeds [-- feeds,import]
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { freshDatabase, dropDatabase, startProcesses, registerBenchAccount, report, median, root } = require('./lib');

async function seedCatalog(db, tenantId, from, to) {
  const step = 100_000;
  for (let a = from; a <= to; a += step) {
    const b = Math.min(to, a + step - 1);
    await db.query(
      `WITH p AS (
         INSERT INTO products (tenant_id, title, handle, description, status, brand_id, category_id, attributes, created_at)
         SELECT $1, 'Bench sweater ' || g, 'bench-' || g, 'A warm bench sweater, number ' || g || ', knitted from merino wool.', 'ACTIVE',
                $4::uuid, $5::uuid, jsonb_build_object('material', 'wool', 'condition', 'new'), now() - interval '10 days' + g * interval '1 millisecond'
           FROM generate_series($2::int, $3::int) g RETURNING id, handle),
       v AS (
         INSERT INTO variants (tenant_id, product_id, sku, barcode, price, currency, options)
         SELECT $1, p.id, upper(p.handle), NULL, 49.90, 'USD', '{"Size": "M"}'::jsonb FROM p RETURNING product_id)
       INSERT INTO media (tenant_id, product_id, url, sort_order)
       SELECT $1, p.id, 'https://cdn.example/' || p.handle || '.jpg', 0 FROM p`,
      [tenantId, a, b, db.brandId, db.categoryId],
    );
  }
}

async function api(base, headers, method, url, body) {
  const r = await fetch(`${base}${url}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * One generation of the feed by a fresh worker: seconds, items and the worker's peak RSS — the kernel's
 * high-water mark VmHWM from /proc/<pid>/status, read just before the worker is stopped (the figure
 * `/usr/bin/time -v` reports as "Maximum resident set size").
 */
async function generateMeasured(env, base, headers, feedId) {
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/worker/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((r) => setTimeout(r, 2000));
  const before = await api(base, headers, 'GET', `/api/v1/feeds/${feedId}`);
  const t0 = Date.now();
  await api(base, headers, 'POST', `/api/v1/feeds/${feedId}/generate`);
  let after;
  for (;;) {
    after = await api(base, headers, 'GET', `/api/v1/feeds/${feedId}`);
    if (after.generation_count > before.generation_count) break;
    if (after.generation_error) throw new Error(`generation failed: ${after.generation_error}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (Date.now() - t0) / 1000;
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  await new Promise((resolve) => {
    child.on('close', resolve);
    child.kill('SIGTERM');
  });
  if (!m) throw new Error('no VmHWM in /proc status');
  return { seconds, items: after.item_count, excluded: after.excluded_count, mb: Number(m[1]) / 1024 };
}

/** The feed's own source SELECT with its parameters inlined, for COPY. */
function sourceSql(tenantId) {
  const { sourceQuery } = require(path.join(root, 'dist/libs/feeds/src'));
  const { Params } = require(path.join(root, 'dist/libs/common/src'));
  const p = new Params();
  const sql = sourceQuery(p, tenantId, {});
  return sql.replace(/\$(\d+)/g, (_m, n) => `'${String(p.values[Number(n) - 1]).replace(/'/g, "''")}'`);
}

function timePsql(databaseUrl, command) {
  const t0 = process.hrtime.bigint();
  execFileSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function timeCopyOut(databaseUrl, sql) {
  // COPY … TO STDOUT through psql into /dev/null: the rows leave the server like the feed's do
  const t0 = process.hrtime.bigint();
  execFileSync('sh', ['-c', `psql "${databaseUrl}" -v ON_ERROR_STOP=1 -q -c "COPY (${sql.replace(/"/g, '\\"').replace(/\n/g, ' ')}) TO STDOUT" > /dev/null`], { stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function waitRun(base, headers, supplierId, runId, t0 = Date.now()) {
  let stagedAt;
  let appliedAt;
  for (;;) {
    const r = await api(base, headers, 'GET', `/api/v1/suppliers/${supplierId}/runs/${runId}`);
    if (!stagedAt && (r.status === 'applying' || r.status === 'completed')) stagedAt = (Date.now() - t0) / 1000;
    // every staged row applied: what follows is on_missing and the run's completion
    if (!appliedAt && stagedAt && (r.status === 'completed' || r.rows_applied + r.failed >= r.rows_total)) appliedAt = (Date.now() - t0) / 1000;
    r.stagedSeconds = stagedAt;
    r.appliedSeconds = appliedAt;
    if (r.status === 'completed') return r;
    if (r.status === 'failed') throw new Error(`run failed: ${r.error}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function drainEvents(db) {
  for (;;) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM events WHERE dispatched_at IS NULL`);
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The write floor of a first import, for reference: the same rows moved from the COPY staging table
 * into the catalog by bare set-based SQL in one transaction (products, variants, media, supplier
 * items, one audit entry and one event per product; no parsing, mapping, diffing, batching or
 * progress), for a throwaway tenant, rolled back afterwards. Seconds.
 */
async function writeFloor(db) {
  const t = '00000000-0000-4000-8000-00000000f100';
  await db.query(`INSERT INTO tenants (id, name, plan) VALUES ($1, 'bench floor', 'pro') ON CONFLICT (id) DO NOTHING`, [t]);
  const t0 = Date.now();
  await db.query('BEGIN');
  try {
    const [{ id: sup }] = (await db.query(`INSERT INTO suppliers (tenant_id, name, format, mapping) VALUES ($1, 'floor', 'csv', '[]') RETURNING id`, [t])).rows;
    await db.query(`CREATE TEMP TABLE floor_rows ON COMMIT DROP AS SELECT gen_random_uuid() AS pid, gen_random_uuid() AS vid, s.* FROM bench_supplier_staging s`);
    await db.query(`INSERT INTO products (id, tenant_id, title, handle, description, status, attributes) SELECT pid, $1, title, lower(sku), description, 'ACTIVE', '{}' FROM floor_rows`, [t]);
    await db.query(`INSERT INTO variants (id, tenant_id, product_id, sku, price, currency, options, attributes, position) SELECT vid, $1, pid, sku, price * 1.15, currency, '{}', '{}', 0 FROM floor_rows`, [t]);
    await db.query(`INSERT INTO media (tenant_id, product_id, url, sort_order) SELECT $1, pid, image, 0 FROM floor_rows`, [t]);
    await db.query(`INSERT INTO supplier_items (supplier_id, variant_id, tenant_id, product_id, last_run_id, row_hash, applied_at) SELECT $2, vid, $1, pid, gen_random_uuid(), md5(sku)::uuid, now() FROM floor_rows`, [t, sup]);
    await db.query(
      `INSERT INTO audit_events (tenant_id, actor_type, actor_id, action, resource_type, resource_id, changes)
       SELECT $1, 'system', 'bench', 'product.created', 'product', pid::text, jsonb_build_object('title', title, 'sku', sku, 'price', price) FROM floor_rows`,
      [t],
    );
    await db.query(`INSERT INTO events (id, tenant_id, type, data) SELECT 'evt_' || replace(gen_random_uuid()::text, '-', ''), $1, 'product.created', jsonb_build_object('product_id', pid, 'variant_ids', jsonb_build_array(vid)) FROM floor_rows`, [t]);
    return (Date.now() - t0) / 1000;
  } finally {
    await db.query('ROLLBACK');
  }
}

async function main() {
  const phases = new Set((process.argv[2] || 'feeds,import').split(','));
  const dbName = 'synq_bench_feeds';
  const databaseUrl = await freshDatabase(dbName);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const results = [];
  let procs = await startProcesses({ databaseUrl });
  try {
    // ---------------------------------------------------------------- 1 + 2: feed generation
    if (phases.has('feeds')) {
      const acct = await registerBenchAccount(procs.base);
      await db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
      const cat = await db.query(`INSERT INTO categories (tenant_id, name, slug, path) VALUES ($1, 'Apparel', 'apparel', 'x') RETURNING id`, [acct.tenantId]);
      await db.query(`UPDATE categories SET path = id::text WHERE id = $1`, [cat.rows[0].id]);
      const brand = await db.query(`INSERT INTO brands (tenant_id, name) VALUES ($1, 'Bench Knits') RETURNING id`, [acct.tenantId]);
      db.brandId = brand.rows[0].id;
      db.categoryId = cat.rows[0].id;
      let t = Date.now();
      await seedCatalog(db, acct.tenantId, 1, 100_000);
      await db.query('VACUUM ANALYZE');
      process.stderr.write(`  seeded 100k variants in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
      const feed = await api(procs.base, acct.headers, 'POST', '/api/v1/feeds', {
        name: 'Bench Google',
        slug: `bench-google-${Date.now()}`,
        format: 'xml',
        template: 'google_shopping',
        currency: 'USD',
        link_template: 'https://shop.example/products/{handle}?variant={sku}',
        published: false,
      });
      const env = procs.env;
      const sql = sourceSql(acct.tenantId);
      // 100k: generation under time (RSS), then alternate generation and COPY for the items/s ratio
      const small = [];
      const copySmall = [];
      for (let i = 0; i < 3; i++) {
        const g = await generateMeasured(env, procs.base, acct.headers, feed.id);
        small.push(g);
        copySmall.push(timeCopyOut(databaseUrl, sql));
        process.stderr.write(`  100k round ${i + 1}: XML ${g.items} items in ${g.seconds.toFixed(2)} s (peak RSS ${g.mb.toFixed(1)} MB), COPY ${copySmall[i].toFixed(2)} s\n`);
      }
      t = Date.now();
      await seedCatalog(db, acct.tenantId, 100_001, 1_000_000);
      await db.query('VACUUM ANALYZE');
      process.stderr.write(`  seeded up to 1M variants in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
      const big = [];
      const copyBig = [];
      for (let i = 0; i < 2; i++) {
        const g = await generateMeasured(env, procs.base, acct.headers, feed.id);
        big.push(g);
        copyBig.push(timeCopyOut(databaseUrl, sql));
        process.stderr.write(`  1M round ${i + 1}: XML ${g.items} items in ${g.seconds.toFixed(2)} s (peak RSS ${g.mb.toFixed(1)} MB), COPY ${copyBig[i].toFixed(2)} s\n`);
      }
      const ts = median(small.map((g) => g.seconds));
      const tb = median(big.map((g) => g.seconds));
      const rs = median(small.map((g) => g.mb));
      const rb = median(big.map((g) => g.mb));
      results.push({ name: 'Google XML feed generation, 1M variants vs 100k (seconds)', candidate: Number(tb.toFixed(2)), baseline: Number(ts.toFixed(2)), ratio: Number((tb / ts).toFixed(2)), goal: '≤ 11' });
      results.push({ name: 'worker peak RSS generating 1M vs 100k (MB)', candidate: Number(rb.toFixed(1)), baseline: Number(rs.toFixed(1)), ratio: Number((rb / rs).toFixed(2)), goal: '≤ 1.2' });
      const itemsPerS = big[0].items / tb;
      const copyPerS = big[0].items / median(copyBig);
      results.push({
        name: 'XML items/s vs COPY (same SELECT) TO STDOUT rows/s, 1M variants',
        candidate: Math.round(itemsPerS),
        baseline: Math.round(copyPerS),
        ratio: Number((itemsPerS / copyPerS).toFixed(2)),
        goal: '≥ 0.25',
      });
      const itemsPerSSmall = small[0].items / ts;
      const copyPerSSmall = small[0].items / median(copySmall);
      results.push({
        name: 'XML items/s vs COPY (same SELECT) TO STDOUT rows/s, 100k variants',
        candidate: Math.round(itemsPerSSmall),
        baseline: Math.round(copyPerSSmall),
        ratio: Number((itemsPerSSmall / copyPerSSmall).toFixed(2)),
        goal: '≥ 0.25',
      });
      report(results.slice());
      await db.query('VACUUM ANALYZE');
    }

    // ---------------------------------------------------------------- 3: supplier import
    if (phases.has('import')) {
      await procs.stop();
      procs = await startProcesses({ databaseUrl, worker: true });
      const rows = 100_000;
      const file = path.join(os.tmpdir(), `synq-bench-supplier-${process.pid}.csv`);
      const out = fs.createWriteStream(file);
      out.write('sku,title,description,price,currency,ean,brand,image\n');
      for (let i = 1; i <= rows; i++) {
        out.write(`SUP-${i},"Supplier kettle ${i}, 1.7 l",Stainless steel kettle number ${i} with a long enough description,${(i % 200) + 10}.99,EUR,,Kettle Co,https://cdn.supplier.example/k${i}.jpg\n`);
      }
      await new Promise((r) => out.end(r));
      const server = http.createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv' });
        fs.createReadStream(file).pipe(res);
      });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${server.address().port}/feed.csv`;
      const mapping = [
        { source: 'sku', target: 'sku' },
        { source: 'title', target: 'title' },
        { source: 'description', target: 'description' },
        { source: 'price', target: 'price', transform: { markup_percent: 15 } },
        { source: 'currency', target: 'currency' },
        { source: 'ean', target: 'barcode' },
        { source: 'brand', target: 'brand' },
        { source: 'image', target: 'images' },
      ];
      await db.query(`CREATE TABLE IF NOT EXISTS bench_supplier_staging (sku text, title text, description text, price numeric, currency text, ean text, brand text, image text)`);
      const copyTimes = [];
      const importTimes = [];
      const rerunTimes = [];
      const stageTimes = [];
      const floorTimes = [];
      const appliedTimes = [];
      for (let round = 0; round < Number(process.env.BENCH_IMPORT_ROUNDS || 2); round++) {
        await db.query('TRUNCATE bench_supplier_staging');
        copyTimes.push(timePsql(databaseUrl, `\\copy bench_supplier_staging FROM '${file}' WITH (FORMAT csv, HEADER true)`));
        floorTimes.push(await writeFloor(db));
        const acct = await registerBenchAccount(procs.base);
        await db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
        const s = await api(procs.base, acct.headers, 'POST', '/api/v1/suppliers', { name: 'Bench supplier', url, format: 'csv', mapping, on_missing: 'archive' });
        let t0 = Date.now();
        let run = await api(procs.base, acct.headers, 'POST', `/api/v1/suppliers/${s.id}/run`);
        let done = await waitRun(procs.base, acct.headers, s.id, run.run_id, t0);
        importTimes.push((Date.now() - t0) / 1000);
        stageTimes.push(done.stagedSeconds);
        appliedTimes.push(done.appliedSeconds);
        if (done.created !== rows) throw new Error(`expected ${rows} created, got ${JSON.stringify(done)}`);
        await drainEvents(db);
        t0 = Date.now();
        run = await api(procs.base, acct.headers, 'POST', `/api/v1/suppliers/${s.id}/run`);
        done = await waitRun(procs.base, acct.headers, s.id, run.run_id);
        rerunTimes.push((Date.now() - t0) / 1000);
        const rerunPhases = `staged after ${done.stagedSeconds.toFixed(2)} s, applied after ${done.appliedSeconds.toFixed(2)} s`;
        if (done.unchanged !== rows) throw new Error(`expected ${rows} unchanged, got ${JSON.stringify(done)}`);
        process.stderr.write(`  round ${round + 1}: COPY ${copyTimes[round].toFixed(2)} s, bare-SQL write floor ${floorTimes[round].toFixed(2)} s, first import ${importTimes[round].toFixed(2)} s (staged after ${stageTimes[round].toFixed(2)} s, applied after ${appliedTimes[round].toFixed(2)} s), unchanged re-run ${rerunTimes[round].toFixed(2)} s (${rerunPhases})\n`);
        await drainEvents(db);
      }
      server.close();
      fs.unlinkSync(file);
      const c = median(copyTimes);
      results.push({ name: '100k-row supplier CSV import (first run: creates, audit, events) vs COPY into a staging table (seconds)', candidate: Number(median(importTimes).toFixed(2)), baseline: Number(c.toFixed(2)), ratio: Number((median(importTimes) / c).toFixed(2)), goal: '≤ 5' });
      results.push({ name: 'reference: the bare-SQL write floor of that first import (same rows from the COPY staging table into products, variants, media, supplier items, audit, events in one statement each) vs the same COPY (seconds)', candidate: Number(median(floorTimes).toFixed(2)), baseline: Number(c.toFixed(2)), ratio: Number((median(floorTimes) / c).toFixed(2)), goal: '(info)' });
      results.push({ name: 'of which the stage phase (download, parse, map, validate, stage 100k rows) vs the same COPY (seconds)', candidate: Number(median(stageTimes).toFixed(2)), baseline: Number(c.toFixed(2)), ratio: Number((median(stageTimes) / c).toFixed(2)), goal: '(info)' });
      results.push({ name: '100k-row supplier CSV re-import (all unchanged) vs the same COPY (seconds)', candidate: Number(median(rerunTimes).toFixed(2)), baseline: Number(c.toFixed(2)), ratio: Number((median(rerunTimes) / c).toFixed(2)), goal: '(info)' });
    }
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
