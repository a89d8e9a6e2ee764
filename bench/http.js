/*
 * bench:http — authenticated GET /api/v1/organization (JWT verify, tenant guard, Redis rate-limit
 * counter, one PostgreSQL read) against /health/live of the same process. Goal: ratio ≥ 0.5.
 */
'use strict';
const { freshDatabase, dropDatabase, startProcesses, compare, registerBenchAccount, report } = require('./lib');

async function main() {
  const db = 'synq_bench_http';
  const databaseUrl = await freshDatabase(db);
  const procs = await startProcesses({ databaseUrl });
  try {
    const acct = await registerBenchAccount(procs.base);
    const result = await compare({
      name: 'GET /api/v1/organization (JWT) vs /health/live',
      baseline: { url: `${procs.base}/health/live` },
      candidate: { url: `${procs.base}/api/v1/organization`, headers: acct.headers },
    });
    result.goal = '≥ 0.5';
    report([result]);
  } finally {
    await procs.stop();
    await dropDatabase(db);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
