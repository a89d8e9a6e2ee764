/*
 * bench:webhooks — deliveries/s of the whole webhook pipeline (outbox relay → event.dispatch →
 * fan-out → webhook.deliver: claim, sign, POST, record) to a local receiver that answers 200 at
 * once, against a bare loop of fetch POSTs of the same bodies at the same concurrency
 * (WORKER_CONCURRENCY) to the same receiver. Alternates A and B (3 rounds, medians), then sends
 * 100k deliveries and compares Redis used_memory before and after (flat = bounded by
 * removeOnComplete/removeOnFail). Goal: ratio ≥ 0.5.
 *
 * Events are inserted with SQL exactly as OutboxService.emit writes them (an `events` row and an
 * `event.dispatch` outbox row each), in batches, because a benchmark cannot reach into the api's
 * transactions from outside.
 */
'use strict';
const http = require('node:http');
const Redis = require('ioredis');
const { Queue } = require('bullmq');
const { Client } = require('pg');
const { freshDatabase, dropDatabase, startProcesses, registerBenchAccount, median, REDIS_URL } = require('./lib');

const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY || 10);
const ROUND_N = Number(process.env.BENCH_WEBHOOKS_ROUND || 3000);
const MEMORY_N = Number(process.env.BENCH_WEBHOOKS_TOTAL || 100000);
const ROUNDS = Number(process.env.BENCH_WEBHOOKS_ROUNDS || 3);
const BATCH = 5000;
/** Endpoints per event in the 100k run: 10k events fan out into 100k deliveries. */
const FANOUT = Number(process.env.BENCH_WEBHOOKS_FANOUT || 10);
/** The 100k run only checks memory, so it runs the worker wider to finish sooner. */
const MEMORY_CONCURRENCY = Number(process.env.BENCH_WEBHOOKS_MEMORY_CONCURRENCY || 50);

function startReceiver() {
  const state = { count: 0, waiters: [] };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      state.count++;
      for (const w of state.waiters) if (state.count >= w.target) w.resolve();
      state.waiters = state.waiters.filter((w) => state.count < w.target);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/hook`,
        state,
        until(target, timeoutMs) {
          if (state.count >= target) return Promise.resolve();
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error(`receiver got ${state.count}/${target} within ${timeoutMs} ms`)), timeoutMs);
            state.waiters.push({ target, resolve: () => (clearTimeout(t), res()) });
          });
        },
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
      });
    });
  });
}

let seq = 0;
/** Inserts n events + outbox rows the way OutboxService.emit does, in batches of BATCH per transaction. */
async function emitEvents(pg, tenantId, n) {
  for (let done = 0; done < n; done += BATCH) {
    const size = Math.min(BATCH, n - done);
    const base = seq;
    seq += size;
    await pg.query('BEGIN');
    await pg.query(
      `INSERT INTO events (id, tenant_id, type, data, created_at)
       SELECT 'evt_bench' || lpad(($2 + i)::text, 15, '0'), $1, 'order.created',
              jsonb_build_object('id', 'ord_' || ($2 + i), 'marketplace', 'ebay', 'total', 24.99, 'currency', 'EUR'), now()
         FROM generate_series(1, $3) AS i`,
      [tenantId, base, size],
    );
    await pg.query(
      `INSERT INTO outbox (tenant_id, job_name, payload)
       SELECT $1::uuid, 'event.dispatch', jsonb_build_object('tenantId', $1::uuid::text, 'eventIds', jsonb_build_array('evt_bench' || lpad(($2 + i)::text, 15, '0')))
         FROM generate_series(1, $3) AS i`,
      [tenantId, base, size],
    );
    await pg.query('COMMIT');
  }
}

/** The same body shape the worker sends, for the bare loop. */
function bodies(n) {
  const out = [];
  const at = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    out.push(JSON.stringify({ id: `evt_bare${String(i).padStart(15, '0')}`, event: 'order.created', created_at: at, data: { id: `ord_${i}`, marketplace: 'ebay', total: 24.99, currency: 'EUR' } }));
  }
  return out;
}

async function bareLoop(receiver, n) {
  const list = bodies(n);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < list.length) {
        const body = list[next++];
        const r = await fetch(receiver.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'webhook-id': 'evt_x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' },
          body,
          redirect: 'manual',
        });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`bare loop: ${r.status}`);
      }
    }),
  );
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Every delivery recorded (none pending or retrying; the partial index keeps this cheap) and none failed. */
async function allSucceeded(pg) {
  for (;;) {
    const r = await pg.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status IN ('pending', 'retrying')`);
    if (r.rows[0].n === 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const failed = await pg.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'failed'`);
  if (failed.rows[0].n !== 0) throw new Error(`${failed.rows[0].n} deliveries failed`);
}

/** End to end: events committed (SQL, as OutboxService does) → relay → dispatch → fan-out → delivered. */
async function endToEnd(pg, acct, receiver, n, timeoutMs, perEvent = 1) {
  const target = receiver.state.count + n;
  const started = process.hrtime.bigint();
  await emitEvents(pg, acct.tenantId, Math.ceil(n / perEvent));
  await receiver.until(target, timeoutMs);
  const rate = n / (Number(process.hrtime.bigint() - started) / 1e9);
  await allSucceeded(pg);
  if (receiver.state.count !== target) throw new Error(`receiver got ${receiver.state.count}, expected ${target}`);
  return rate;
}

/**
 * The delivery stage alone: with the webhooks queue paused, events are dispatched and fanned out
 * into n due deliveries (rows + queued webhook.deliver jobs); the clock runs from resuming the
 * queue until the receiver has them all (claim, sign, POST, record each).
 */
async function deliveryStage(pg, acct, receiver, webhooksQueue, n, timeoutMs) {
  await webhooksQueue.pause();
  await emitEvents(pg, acct.tenantId, n);
  while ((await webhooksQueue.getWaitingCount()) < n) await new Promise((res) => setTimeout(res, 100));
  const target = receiver.state.count + n;
  const started = process.hrtime.bigint();
  await webhooksQueue.resume();
  await receiver.until(target, timeoutMs);
  const rate = n / (Number(process.hrtime.bigint() - started) / 1e9);
  await allSucceeded(pg);
  if (receiver.state.count !== target) throw new Error(`receiver got ${receiver.state.count}, expected ${target}`);
  return rate;
}

async function usedMemory(redis) {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

/** Keys under the bench's prefix and their summed MEMORY USAGE (the shared Redis has other tenants). */
async function prefixKeys(redis, prefix) {
  let cursor = '0';
  let n = 0;
  let bytes = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    n += keys.length;
    const p = redis.pipeline();
    for (const k of keys) p.memory('USAGE', k);
    for (const [, v] of (await p.exec()) ?? []) bytes += Number(v) || 0;
  } while (cursor !== '0');
  return { keys: n, bytes };
}

async function settle(pg) {
  // until the queues are idle: every outbox row relayed, every event dispatched
  for (;;) {
    const r = await pg.query(
      `SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL)::int + (SELECT count(*) FROM events WHERE dispatched_at IS NULL)::int AS n`,
    );
    if (r.rows[0].n === 0) return;
    await new Promise((res) => setTimeout(res, 500));
  }
}

async function main() {
  const db = 'synq_bench_webhooks';
  const databaseUrl = await freshDatabase(db);
  const receiver = await startReceiver();
  const env = (concurrency) => ({ WEBHOOK_ALLOW_HTTP: 'true', WORKER_CONCURRENCY: String(concurrency), OUTBOX_POLL_MS: '100' });
  let procs = await startProcesses({ databaseUrl, worker: true, env: env(CONCURRENCY) });
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const redis = new Redis(REDIS_URL);
  try {
    const acct = await registerBenchAccount(procs.base);
    const created = await fetch(`${procs.base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...acct.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['order.created'] }),
    });
    if (created.status !== 201) throw new Error(`endpoint: ${created.status} ${await created.text()}`);

    const prefix = procs.env.REDIS_PREFIX;
    const queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const webhooksQueue = new Queue('webhooks', { connection: queueConnection, prefix });

    // warm-up every path
    await bareLoop(receiver, 1000);
    await endToEnd(pg, acct, receiver, 1000, 120_000);
    await deliveryStage(pg, acct, receiver, webhooksQueue, 1000, 120_000);

    const bare = [];
    const stage = [];
    const e2e = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await bareLoop(receiver, ROUND_N));
      process.stderr.write(`  round ${i + 1}: bare fetch loop ${Math.round(bare[i])} POST/s`);
      stage.push(await deliveryStage(pg, acct, receiver, webhooksQueue, ROUND_N, 600_000));
      process.stderr.write(`, delivery stage ${Math.round(stage[i])}/s`);
      e2e.push(await endToEnd(pg, acct, receiver, ROUND_N, 600_000));
      process.stderr.write(`, end to end ${Math.round(e2e[i])}/s\n`);
    }
    const a = median(bare);
    const b = median(stage);
    const c = median(e2e);

    // 100k deliveries: FANOUT endpoints on the receiver subscribe to the same events, and the
    // processes restart (same database and Redis prefix) with a wider worker
    await procs.stop();
    procs = await startProcesses({ databaseUrl, worker: true, env: env(MEMORY_CONCURRENCY) });
    for (let i = 1; i < FANOUT; i++) {
      const r = await fetch(`${procs.base}/api/v1/webhooks`, {
        method: 'POST',
        headers: { ...acct.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${receiver.url}${i}`, events: ['order.created'] }),
      });
      if (r.status !== 201) throw new Error(`endpoint: ${r.status}`);
    }
    await settle(pg);
    const memBefore = await usedMemory(redis);
    const keysBefore = await prefixKeys(redis, prefix);
    const big = await endToEnd(pg, acct, receiver, MEMORY_N, 1_800_000, FANOUT);
    await settle(pg);
    const memAfter = await usedMemory(redis);
    const keysAfter = await prefixKeys(redis, prefix);
    process.stderr.write(
      `  ${MEMORY_N} deliveries (${MEMORY_N / FANOUT} events × ${FANOUT} endpoints, concurrency ${MEMORY_CONCURRENCY}) end to end: ${Math.round(big)}/s\n`,
    );
    await webhooksQueue.close();
    queueConnection.disconnect();

    const date = new Date().toISOString().slice(0, 10);
    const mb = (x) => Number((x / 1048576).toFixed(1));
    const result = {
      concurrency: CONCURRENCY,
      bare_fetch_per_s: Math.round(a),
      delivery_stage_per_s: Math.round(b),
      delivery_stage_ratio: Number((b / a).toFixed(2)),
      end_to_end_per_s: Math.round(c),
      end_to_end_ratio: Number((c / a).toFixed(2)),
      goal: '≥ 0.5',
      rounds: { bare: bare.map(Math.round), delivery_stage: stage.map(Math.round), end_to_end: e2e.map(Math.round) },
      memory: {
        deliveries: MEMORY_N,
        events: MEMORY_N / FANOUT,
        concurrency: MEMORY_CONCURRENCY,
        end_to_end_per_s: Math.round(big),
        redis_used_memory_before_mb: mb(memBefore),
        redis_used_memory_after_mb: mb(memAfter),
        prefix_keys_before: keysBefore.keys,
        prefix_keys_after: keysAfter.keys,
        prefix_mb_before: mb(keysBefore.bytes),
        prefix_mb_after: mb(keysAfter.bytes),
      },
    };
    console.log(`| delivery stage (claim, sign, POST, record) vs bare fetch loop, concurrency ${CONCURRENCY} | ${result.delivery_stage_per_s}/s | ${result.bare_fetch_per_s}/s | ${result.delivery_stage_ratio} | ≥ 0.5 | ${date} |`);
    console.log(`| end to end (outbox relay, dispatch, fan-out, delivery) vs bare fetch loop | ${result.end_to_end_per_s}/s | ${result.bare_fetch_per_s}/s | ${result.end_to_end_ratio} | | ${date} |`);
    console.log(`| Redis used_memory before/after ${MEMORY_N} deliveries (${MEMORY_N / FANOUT} events × ${FANOUT} endpoints, concurrency ${MEMORY_CONCURRENCY}, ${result.memory.end_to_end_per_s} deliveries/s) | used_memory ${result.memory.redis_used_memory_after_mb} MB; bench keys ${keysAfter.keys} (${mb(keysAfter.bytes)} MB) | used_memory ${result.memory.redis_used_memory_before_mb} MB; bench keys ${keysBefore.keys} (${mb(keysBefore.bytes)} MB) | | flat | ${date} |`);
    console.log(JSON.stringify(result));
  } finally {
    redis.disconnect();
    await pg.end();
    await procs.stop();
    await receiver.close();
    await dropDatabase(db);
    // the bench's Redis prefix
    const r = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${procs.env.REDIS_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.unlink(...keys);
    } while (cursor !== '0');
    r.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
