/*
 * bench:sync — 1,000 products × 5 connections (2 Shopify, 2 WooCommerce, 1 unified-API) pushed
 * through the real api + worker, against a bare loop making the same HTTP requests to the same fake
 * platforms at the same concurrency (the worker's SYNC_CONCURRENCY, default 50). Goal: ≥ 0.5×.
 *
 *  - candidate: 1,000 `POST /unified/sync/push/product` (50 in flight, sent with the same keep-alive
 *    client as the baseline's, see below) → outbox → sync.fanout →
 *    sync.batch jobs of SYNC_BATCH_SIZE products per connection (claim and load the products,
 *    connector call(s) per product, settle the ledger with runs and events; failures continue as
 *    sync.product jobs); the clock runs from the first push until every ledger row of the tenant
 *    is SYNCED for its latest seq (polled with SQL);
 *  - baseline: the requests the fakes recorded in a warm-up candidate run (method, path, query,
 *    auth headers, body), grouped per (store, product) and replayed in order with the connectors' own
 *    HTTP client (libs/connectors requestJson: keep-alive node:http, JSON parsed) against
 *    fresh fakes, SYNC_CONCURRENCY groups at a time; the clock runs until the last answer;
 *  - baseline and candidate alternate for 3 rounds (fresh fakes, tenant and products each round);
 *    medians are quoted;
 *  - then one candidate run with 5 % of all platform requests answered 500: every ledger row must
 *    end SYNCED, with exactly one remote product per product and store.
 *
 * The fakes are test/fakes (TypeScript, compiled on the fly with @swc/core), real HTTP servers on
 * 127.0.0.1 in this process that answer at once and check auth and payload shapes.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { freshDatabase, dropDatabase, startProcesses, registerBenchAccount, median, root } = require('./lib');

require('../test/helpers/ts-register'); // the fakes are TypeScript
const { FakeShopify } = require('../test/fakes/fake-shopify.ts');
const { FakeWooCommerce } = require('../test/fakes/fake-woocommerce.ts');
const { FakeUnified } = require('../test/fakes/fake-unified.ts');
const { SecretBox } = require(path.join(root, 'dist/libs/crypto/src'));
// the baseline speaks HTTP with the connectors' own client (keep-alive node:http), so the ratio
// compares Synq's bookkeeping, not two HTTP clients
const { requestJson } = require(path.join(root, 'dist/libs/connectors/src/http'));

const PRODUCTS = Number(process.env.BENCH_SYNC_PRODUCTS || 1000);
const ROUNDS = Number(process.env.BENCH_SYNC_ROUNDS || 3);
/** The worker's SYNC_CONCURRENCY (the sync queue) and the bare loop's concurrency. */
const CONCURRENCY = Number(process.env.SYNC_CONCURRENCY || 50);
const PUSH_IN_FLIGHT = 50;
const FAILURE_RATE = 0.05;
let roundSeq = 0;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function pool(n, items, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** The direct fakes of one round (fresh state); the unified provider is shared (a new connection per round). */
async function directFakes() {
  return Promise.all([new FakeShopify().start(), new FakeShopify().start(), new FakeWooCommerce().start(), new FakeWooCommerce().start()]);
}

async function seedProducts(db, tenantId, tag) {
  await db.query(
    `WITH p AS (
       INSERT INTO products (tenant_id, title, handle, description, status, attributes, created_at)
       SELECT $1, 'Sync bench ' || $2 || ' ' || g, 'sync-' || $2 || '-' || g,
              '<p>Bench product ' || g || ': merino wool, knitted in Portugal.</p>', 'ACTIVE', '{}'::jsonb, now() + g * interval '1 millisecond'
         FROM generate_series(1, $3::int) g RETURNING id, handle),
     v AS (INSERT INTO variants (tenant_id, product_id, sku, price, currency, compare_at_price)
           SELECT $1, p.id, upper(p.handle), 24.90, 'EUR', 29.90 FROM p RETURNING product_id)
     INSERT INTO media (tenant_id, product_id, url, alt_text)
     SELECT $1, p.id, 'https://cdn.example.com/' || p.handle || '.jpg', 'front view' FROM p`,
    [tenantId, tag, PRODUCTS],
  );
  const { rows } = await db.query(`SELECT id FROM products WHERE tenant_id = $1 ORDER BY created_at`, [tenantId]);
  return rows.map((r) => r.id);
}

/** A tenant with PRODUCTS products and 5 ACTIVE connections to fresh fakes. */
async function setupRound(ctx) {
  const tag = `r${++roundSeq}`;
  const acct = await registerBenchAccount(ctx.procs.base);
  await ctx.db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [acct.tenantId]);
  const productIds = await seedProducts(ctx.db, acct.tenantId, tag);
  // as the other benches do after seeding: planner statistics as autovacuum keeps them in production
  // (this machine's PostgreSQL runs with autovacuum off, so a fresh database is never analyzed and the
  // ledger and product reads would be planned as if the tables were empty)
  await ctx.db.query('VACUUM ANALYZE');
  const [shop1, shop2, woo1, woo2] = await directFakes();
  const box = new SecretBox(Buffer.from(ctx.procs.env.ENCRYPTION_KEY, 'base64'));
  const direct = [
    ['shopify', shop1, { accessToken: shop1.accessToken }],
    ['shopify', shop2, { accessToken: shop2.accessToken }],
    ['woocommerce', woo1, { consumerKey: woo1.consumerKey, consumerSecret: woo1.consumerSecret }],
    ['woocommerce', woo2, { consumerKey: woo2.consumerKey, consumerSecret: woo2.consumerSecret }],
  ];
  for (const [kind, fake, creds] of direct) {
    await ctx.db.query(
      `INSERT INTO connections (tenant_id, org_id, provider, category, kind, display_name, base_url, credentials_sealed, status)
       VALUES ($1, $2, $3, 'commerce', $3, $4, $5, $6, 'ACTIVE')`,
      [acct.tenantId, acct.orgId, kind, `Bench ${kind}`, fake.url, box.seal(JSON.stringify(creds))],
    );
  }
  // the unified connection through the documented flow: auth-url → the provider → callback
  const au = await fetch(`${ctx.procs.base}/api/v1/integrations/auth-url`, { method: 'POST', headers: { ...acct.headers, 'content-type': 'application/json' }, body: '{}' });
  if (au.status !== 200) throw new Error(`auth-url: ${au.status} ${await au.text()}`);
  const { connectionId, state } = ctx.unified.authorize((await au.json()).auth_url, 'amazon');
  const cb = await fetch(`${ctx.procs.base}/api/v1/integrations/callback`, {
    method: 'POST',
    headers: { ...acct.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ connection_id: connectionId, state }),
  });
  if (cb.status !== 201) throw new Error(`callback: ${cb.status} ${await cb.text()}`);
  return { acct, productIds, fakes: [shop1, shop2, woo1, woo2], unifiedConnectionId: connectionId, unifiedMark: ctx.unified.requests.length };
}

async function teardownRound(round) {
  await Promise.all(round.fakes.map((f) => f.stop()));
}

async function waitAllSynced(db, tenantId, expected, timeoutMs, ctx) {
  const deadline = Date.now() + timeoutMs;
  const start = Date.now();
  const timeline = [];
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE status = 'SYNCED' AND synced_seq >= requested_seq)::int AS synced,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed, count(*)::int AS total
         FROM sync_states WHERE tenant_id = $1`,
      [tenantId],
    );
    const r = rows[0];
    // BENCH_SYNC_TIMELINE: SYNCED rows every 100 ms poll (where the time goes: pushes, relay, debounce, drain)
    // (with the CPU the worker, the api and PostgreSQL used since the previous poll, in % of one core)
    if (process.env.BENCH_SYNC_TIMELINE) {
      const cpu = ctx ? cpuSeconds(ctx) : null;
      const now = Date.now();
      const pct = (k) => (cpu && timeline.cpu ? Math.round((100 * (cpu[k] - timeline.cpu[k])) / ((now - timeline.at) / 1000)) : '-');
      timeline.push(`${((now - start) / 1000).toFixed(1)}s:${r.synced}/${r.total} w${pct('worker')} a${pct('api')} pg${pct('pg')}`);
      timeline.cpu = cpu;
      timeline.at = now;
    }
    if (r.synced === expected) {
      if (timeline.length) process.stderr.write(`  timeline (after the pushes): ${timeline.join(' ')}\n`);
      return r;
    }
    if (r.failed > 0) throw new Error(`${r.failed} ledger rows FAILED`);
    if (Date.now() > deadline) throw new Error(`only ${r.synced}/${expected} SYNCED (${r.total} rows) after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Cumulative counters of the bench's database (every statement outside a transaction is one). */
async function dbStats(db) {
  const { rows } = await db.query(
    `SELECT xact_commit::bigint::float8 AS xact_commit, tup_inserted::float8 AS tup_inserted, tup_updated::float8 AS tup_updated FROM pg_stat_database WHERE datname = current_database()`,
  );
  return rows[0];
}

/** CPU seconds (user + system) used so far by the api, the worker and this bench's PostgreSQL backends. */
function cpuSeconds(ctx) {
  const ticks = (pid) => {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(f[11]) + Number(f[12]);
    } catch {
      return 0;
    }
  };
  const self = process.cpuUsage();
  const out = { api: ticks(ctx.procs.pids[0]) / 100, worker: ticks(ctx.procs.pids[1]) / 100, pg: 0, bench: (self.user + self.system) / 1e6 };
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.startsWith('postgres:') && cmd.includes(ctx.dbName)) out.pg += ticks(pid) / 100;
  }
  return out;
}

/** Candidate: push every product through the api; seconds until every ledger row is SYNCED. */
async function candidate(ctx, round, timeoutMs = 600_000) {
  const cpu0 = process.env.BENCH_SYNC_CPU ? cpuSeconds(ctx) : null;
  const db0 = process.env.BENCH_SYNC_CPU ? await dbStats(ctx.db) : null;
  const t0 = process.hrtime.bigint();
  // the pushes go out with the same keep-alive client as the bare loop: this process shares the two
  // cores with the api, the worker and PostgreSQL, and `fetch` would spend ≈ 3x the CPU on them
  await pool(PUSH_IN_FLIGHT, round.productIds, async (productId) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await requestJson({
          method: 'POST',
          url: `${ctx.procs.base}/unified/sync/push/product`,
          headers: round.acct.headers,
          body: { productId, action: 'UPSERT' },
          timeoutMs: 30_000,
          platform: 'synq api',
        });
        if (r.status !== 202) throw new Error(`push: ${r.status} ${JSON.stringify(r.body)}`);
        return;
      } catch (err) {
        // a pooled socket the api closed while idle between rounds (ECONNRESET): send again
        if (attempt >= 3 || err.status !== undefined || !err.retryable) throw err;
      }
    }
  });
  const pushed = Number(process.hrtime.bigint() - t0) / 1e9;
  await waitAllSynced(ctx.db, round.acct.tenantId, round.productIds.length * 5, timeoutMs, ctx);
  if (cpu0) {
    const cpu1 = cpuSeconds(ctx);
    process.stderr.write(`  CPU s: api ${(cpu1.api - cpu0.api).toFixed(1)}, worker ${(cpu1.worker - cpu0.worker).toFixed(1)}, PostgreSQL backends ${(cpu1.pg - cpu0.pg).toFixed(1)}, this process (fakes, pushes, polling) ${(cpu1.bench - cpu0.bench).toFixed(1)}\n`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (db0) {
    await sleep(1500); // backends report their statistics at most once a second
    const db1 = await dbStats(ctx.db);
    const per = (k) => ((db1[k] - db0[k]) / (round.productIds.length * 5)).toFixed(2);
    process.stderr.write(`  per sync (whole database, incl. api, relay and this bench's polling): ${per('xact_commit')} transactions, ${per('tup_inserted')} rows inserted, ${per('tup_updated')} updated\n`);
  }
  return { seconds, pushSeconds: pushed };
}

/** Every request the five stores received in a round, grouped per (store, product), in order. */
function recordedJobs(ctx, round) {
  const stores = [...round.fakes.map((f) => ({ fake: f, reqs: f.requests })), { fake: ctx.unified, reqs: ctx.unified.since(round.unifiedMark) }];
  const jobs = [];
  stores.forEach(({ reqs }, storeIndex) => {
    const groups = new Map();
    for (const r of reqs) {
      if (!r.path.startsWith('/admin/') && !r.path.startsWith('/wp-json/') && !r.path.startsWith('/commerce/')) continue;
      const b = r.body && typeof r.body === 'object' ? r.body : {};
      const key = r.query.get('sku') ?? b.sku ?? b.slug ?? b.variables?.input?.handle;
      if (!key) throw new Error(`cannot tell the product of ${r.method} ${r.path}`);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({
        method: r.method,
        path: r.path + (r.query.toString() ? `?${r.query}` : ''),
        headers: Object.fromEntries(['authorization', 'x-shopify-access-token', 'content-type', 'accept'].filter((h) => r.headers[h]).map((h) => [h, r.headers[h]])),
        body: r.method === 'GET' || r.method === 'DELETE' ? undefined : JSON.stringify(r.body),
      });
    }
    let pos = 0;
    for (const g of groups.values()) jobs.push({ storeIndex, pos: pos++, requests: g });
  });
  return jobs;
}

/** Baseline: the recorded requests replayed against fresh fakes, CONCURRENCY (store, product) groups at a time. */
async function bareLoop(ctx, jobs) {
  const fresh = await directFakes();
  const cpu0 = process.env.BENCH_SYNC_CPU ? process.cpuUsage() : null;
  const bases = [...fresh.map((f) => f.url), ctx.unified.url];
  // interleave stores as the worker's queue does (jobs arrive per product, for all stores)
  const order = [...jobs].sort((a, b) => a.pos - b.pos || a.storeIndex - b.storeIndex);
  let requests = 0;
  const t0 = process.hrtime.bigint();
  await pool(CONCURRENCY, order, async (job) => {
    for (const r of job.requests) {
      const res = await requestJson({
        method: r.method,
        url: bases[job.storeIndex] + r.path,
        headers: r.headers,
        body: r.body === undefined ? undefined : JSON.parse(r.body),
        timeoutMs: 30_000,
        platform: 'bare loop',
      });
      if (res.status >= 300) throw new Error(`bare loop: ${r.method} ${r.path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      requests++;
    }
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (cpu0) {
    const d = process.cpuUsage(cpu0);
    process.stderr.write(`  CPU s: this process (fakes and the bare loop) ${((d.user + d.system) / 1e6).toFixed(1)}\n`);
  }
  await Promise.all(fresh.map((f) => f.stop()));
  return { seconds, requests };
}

function storeRequests(ctx, round) {
  return round.fakes.reduce((n, f) => n + f.requests.length, 0) + ctx.unified.requests.length - round.unifiedMark;
}

/** Exactly one remote product per product in each store. */
function checkStores(ctx, round) {
  const n = round.productIds.length;
  const counts = [...round.fakes.map((f) => f.products.size), ctx.unified.itemsOf(round.unifiedConnectionId).length];
  if (counts.some((c) => c !== n)) throw new Error(`remote products per store ${counts.join(', ')}; expected ${n} each`);
  return counts;
}

async function main() {
  const dbName = `synq_bench_sync_${process.pid}`;
  const databaseUrl = await freshDatabase(dbName);
  const db = new Client({ connectionString: databaseUrl });
  db.on('error', (err) => console.error('bench database connection:', err.message));
  await db.connect();
  const unified = await new FakeUnified().start();
  const procs = await startProcesses({
    databaseUrl,
    worker: true,
    env: { UNIFIED_API_BASE_URL: unified.url, UNIFIED_API_KEY: unified.apiKey, UNIFIED_WORKSPACE_ID: unified.workspaceId, SYNC_CONCURRENCY: String(CONCURRENCY),
    },
    // BENCH_PROFILE_DIR: V8 tick profiles of the api and the worker (node --prof-process them)
    // BENCH_CPU_PROFILE_DIR: .cpuprofile files of the api and the worker (self time per function; DevTools or scripts/cpuprofile-top.js)
    nodeArgs: process.env.BENCH_PROFILE_DIR
      ? ['--prof', '--no-logfile-per-isolate', `--logfile=${process.env.BENCH_PROFILE_DIR}/v8-%p.log`]
      : process.env.BENCH_CPU_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`]
        : [],
  });
  const ctx = { db, procs, unified, dbName };
  try {
    const n = PRODUCTS * 5;
    // warm-up: a candidate run whose recorded requests become the baseline's
    let round = await setupRound(ctx);
    const warm = await candidate(ctx, round);
    checkStores(ctx, round);
    const jobs = recordedJobs(ctx, round);
    const perRound = jobs.reduce((s, j) => s + j.requests.length, 0);
    process.stderr.write(`  warm-up: ${n} syncs in ${warm.seconds.toFixed(2)} s; ${jobs.length} (store, product) groups, ${perRound} requests\n`);
    await teardownRound(round);

    const bare = [];
    const cand = [];
    for (let i = 0; i < ROUNDS; i++) {
      const b = await bareLoop(ctx, jobs);
      bare.push(b.seconds);
      process.stderr.write(`  round ${i + 1} baseline: ${b.requests} requests in ${b.seconds.toFixed(2)} s (${Math.round(n / b.seconds)} syncs/s)\n`);
      round = await setupRound(ctx);
      const c = await candidate(ctx, round);
      checkStores(ctx, round);
      cand.push(c.seconds);
      process.stderr.write(
        `  round ${i + 1} candidate: ${n} syncs (${storeRequests(ctx, round)} requests) in ${c.seconds.toFixed(2)} s (pushes accepted in ${c.pushSeconds.toFixed(2)} s; ${Math.round(n / c.seconds)} syncs/s)\n`,
      );
      await teardownRound(round);
    }
    const mb = median(bare);
    const mc = median(cand);

    if (process.env.BENCH_SYNC_FAILURES === '0') return;
    // 5 % of every store's requests answered 500
    round = await setupRound(ctx);
    for (const f of [...round.fakes, unified]) f.randomFailureRate = FAILURE_RATE;
    const f = await candidate(ctx, round, 900_000);
    for (const x of [...round.fakes, unified]) x.randomFailureRate = 0;
    const counts = checkStores(ctx, round);
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM sync_states WHERE tenant_id = $1 AND status = 'SYNCED' AND synced_seq >= requested_seq)::int AS synced,
              (SELECT count(*) FROM sync_states WHERE tenant_id = $1)::int AS total,
              (SELECT count(*) FROM sync_runs WHERE tenant_id = $1 AND status = 'RETRYING')::int AS retried,
              (SELECT count(*) FROM sync_runs WHERE tenant_id = $1 AND status = 'SUCCEEDED')::int AS succeeded`,
      [round.acct.tenantId],
    );
    const v = rows[0];
    process.stderr.write(
      `  with ${FAILURE_RATE * 100} % injected 500s: ${v.synced}/${v.total} ledger rows SYNCED in ${f.seconds.toFixed(2)} s; ${v.retried} attempts retried; remote products per store ${counts.join(', ')}\n`,
    );
    if (v.synced !== n || v.total !== n) throw new Error('not every ledger row ended SYNCED');
    await teardownRound(round);

    const results = [
      {
        name: `sync of ${PRODUCTS} products × 5 connections (api + worker, SYNC_CONCURRENCY ${CONCURRENCY}) vs a bare loop of the same ${perRound} requests at ${CONCURRENCY} (syncs/s)`,
        candidate: Math.round(n / mc),
        baseline: Math.round(n / mb),
        ratio: Number((mb / mc).toFixed(2)),
        goal: '≥ 0.5',
        rounds: { baseline_s: bare.map((x) => Number(x.toFixed(2))), candidate_s: cand.map((x) => Number(x.toFixed(2))) },
      },
      {
        name: `same with ${FAILURE_RATE * 100} % injected 500s: ledger rows SYNCED (seconds)`,
        candidate: `${v.synced}/${v.total} (${f.seconds.toFixed(1)} s, ${v.retried} retried)`,
        baseline: '',
        ratio: v.synced === n ? 'all SYNCED' : 'NOT all SYNCED',
        goal: 'all SYNCED',
      },
    ];
    const date = new Date().toISOString().slice(0, 10);
    for (const r of results) console.log(`| ${r.name} | ${r.candidate} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${date} |`);
    console.log(JSON.stringify(results));
  } finally {
    await procs.stop();
    await unified.stop();
    await db.end();
    await dropDatabase(dbName);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
