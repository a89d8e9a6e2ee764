import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import request from 'supertest';
import { AppConfig, loadConfig } from '@synq/config';
import { createLogger } from '@synq/logger';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ADMIN_DATABASE_URL, databaseUrl, runId, TEST_REDIS_URL, templateDb } from '../test-env';

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh database cloned from the run's migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const run = runId();
  const name = `synq_test_${run}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb(run)}`);
        break;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const pool = new Pool({ connectionString: url, max: 4 });
  // pool.end() resolves before its idle clients have sent Terminate, so the DROP … WITH (FORCE) in
  // drop() can reach one first: the server's 57P01 then arrives on a client the pool still listens to,
  // and a pool without an 'error' listener would crash the suite. That one is expected; others are not.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') console.error(`test database pool ${name}:`, err);
  });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      const a = new Client({ connectionString: ADMIN_DATABASE_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await a.end();
    },
  };
}

export interface StackOptions {
  env?: Record<string, string>;
  worker?: boolean;
  api?: boolean;
  database?: TestDatabase;
  redisPrefix?: string;
}

export interface Stack {
  config: AppConfig;
  db: TestDatabase;
  url: string;
  api?: NestExpressApplication;
  worker?: INestApplicationContext;
  http: ReturnType<typeof request>;
  redis: Redis;
  startWorker(): Promise<INestApplicationContext>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export function testConfig(dbUrl: string, prefix: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_STOREFRONT_PER_MINUTE: '1000000',
    RATE_LIMIT_STOREFRONT_KEY_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    OUTBOX_POLL_MS: '50',
    ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
    DB_POOL_SIZE: '10',
    STORAGE_DIR: mkdtempSync(join(tmpdir(), 'synq-storage-')),
    PORT: '0',
    ...env,
  });
}

/** Boots the real api (listening on a random port) and, when asked, the worker, on a private DB and Redis prefix. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const db = opts.database ?? (await createTestDatabase());
  const prefix = opts.redisPrefix ?? `synqt_${runId()}_${randomBytes(3).toString('hex')}`;
  const config = testConfig(db.url, prefix, opts.env);
  const logger = createLogger(config.logLevel, 'synq-test');
  const redis = new Redis(TEST_REDIS_URL);

  let api: NestExpressApplication | undefined;
  let url = '';
  if (opts.api !== false) {
    api = await createApiApp(config, logger);
    await api.listen(0, '127.0.0.1');
    const addr = api.getHttpServer().address() as AddressInfo;
    url = `http://127.0.0.1:${addr.port}`;
  }
  const stack: Stack = {
    config,
    db,
    url,
    api,
    redis,
    http: request(url),
    async startWorker() {
      stack.worker = await createWorker(config, logger);
      return stack.worker;
    },
    async stopWorker() {
      await stack.worker?.close();
      stack.worker = undefined;
    },
    async stop() {
      await stack.stopWorker();
      await api?.close();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      if (!opts.database) await db.drop();
      rmSync(config.storageDir, { recursive: true, force: true });
    },
  };
  if (opts.worker) await stack.startWorker();
  return stack;
}

/** Polls until fn returns a truthy value (or throws after the timeout). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
