/* Shared benchmark plumbing: a private database, the built api/worker as child processes, autocannon runs. */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');

const root = path.join(__dirname, '..');
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function freshDatabase(name) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = dbUrl(name);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/migrate.js'), 'run'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('migrations failed');
  return url;
}

async function dropDatabase(name) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** Starts the built api (and optionally the worker) with the rate limit lifted. */
async function startProcesses({ databaseUrl, worker = false, env = {}, nodeArgs = [] }) {
  const port = await freePort();
  const prefix = `synqbench_${process.pid}`;
  const common = {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    RATE_LIMIT_PER_MINUTE: '1000000000',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
    ...env,
  };
  const procs = [spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/apps/api/src/main.js')], { env: common, stdio: ['ignore', 'inherit', 'inherit'] })];
  if (worker) procs.push(spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/apps/worker/src/main.js')], { env: common, stdio: ['ignore', 'inherit', 'inherit'] }));
  const base = `http://127.0.0.1:${port}`;
  await waitHttp(`${base}/health/live`);
  return {
    base,
    env: common,
    pids: procs.map((p) => p.pid),
    async stop() {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise((resolve) => {
              if (p.exitCode !== null || p.signalCode !== null) return resolve();
              p.once('exit', resolve);
              p.kill('SIGTERM');
              setTimeout(() => p.kill('SIGKILL'), 10000).unref();
            }),
        ),
      );
    },
  };
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 50, pipelining: 1, duration: 5, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Alternates baseline A and candidate B for `rounds` rounds (A, B, A, B, …) and returns the
 * medians of requests/s and their ratio B/A. Non-2xx responses fail the benchmark.
 */
async function compare({ name, baseline, candidate, rounds = 3, duration = 5 }) {
  const a = [];
  const b = [];
  await cannon({ ...baseline, duration: 3 }); // warm-up
  await cannon({ ...candidate, duration: 3 });
  for (let i = 0; i < rounds; i++) {
    for (const [opts, out, label] of [
      [baseline, a, 'baseline'],
      [candidate, b, 'candidate'],
    ]) {
      const r = await cannon({ ...opts, duration });
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name} ${label}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      out.push(r.requests.average);
      process.stderr.write(`  ${label} round ${i + 1}: ${Math.round(r.requests.average)} req/s\n`);
    }
  }
  const ma = median(a);
  const mb = median(b);
  return { name, baseline_rps: Math.round(ma), candidate_rps: Math.round(mb), ratio: Number((mb / ma).toFixed(2)) };
}

async function registerBenchAccount(base) {
  const email = `bench-${Date.now()}@example.com`;
  const r = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench password 123', organizationName: 'Bench' }),
  });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${await r.text()}`);
  const body = await r.json();
  return {
    token: body.user && body.token,
    tenantId: body.user.tenantId,
    orgId: body.user.orgId,
    headers: { authorization: `Bearer ${body.token}`, 'x-tenant-id': body.user.tenantId, 'x-org-id': body.user.orgId },
  };
}

function report(results) {
  const date = new Date().toISOString().slice(0, 10);
  for (const r of results) {
    console.log(`| ${r.name} | ${r.candidate_rps ?? r.candidate} | ${r.baseline_rps ?? r.baseline} | ${r.ratio} | ${r.goal ?? ''} | ${date} |`);
  }
  console.log(JSON.stringify(results));
}

module.exports = { root, freshDatabase, dropDatabase, startProcesses, cannon, compare, median, registerBenchAccount, report, dbUrl, REDIS_URL };
