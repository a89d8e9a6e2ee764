import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Injectable } from '@nestjs/common';
import { OutboxService } from '@synq/events';
import { JOB_NAMES, JobName, JobProcessor } from '@synq/queue';
import { collectHandlers, MissingProcessorError } from '../../apps/worker/src/worker-host.service';
import { registerAccount } from '../helpers/accounts';
import { createTestDatabase, eventually, startStack, Stack } from '../helpers/stack';
import { TcpProxy } from '../helpers/tcp-proxy';
import { TEST_REDIS_URL } from '../test-env';

async function emitInTransaction(stack: Stack, tenantId: string, type: string, rollback = false): Promise<string> {
  const ds = stack.api!.get(DataSource);
  const outbox = stack.api!.get(OutboxService);
  let id = '';
  await ds
    .transaction(async (m) => {
      const ev = await outbox.emit(m, tenantId, type, { hello: 'world' });
      id = ev.id;
      if (rollback) throw new Error('rollback');
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  return id;
}

async function dispatchedAt(stack: Stack, eventId: string): Promise<Date | null | undefined> {
  const r = await stack.db.pool.query('SELECT dispatched_at FROM events WHERE id = $1', [eventId]);
  return r.rows[0]?.dispatched_at;
}

describe('outbox relay and worker', () => {
  it('a committed change becomes a processed job; a rolled-back one leaves nothing', async () => {
    const stack = await startStack({ worker: true });
    try {
      const acct = await registerAccount(stack);
      const committed = await emitInTransaction(stack, acct.tenantId, 'test.committed');
      await eventually(() => dispatchedAt(stack, committed));
      const relayed = await stack.db.pool.query('SELECT relayed_at FROM outbox WHERE payload->>$1 = $2', ['eventId', committed]);
      expect(relayed.rows[0].relayed_at).not.toBeNull();

      const rolledBack = await emitInTransaction(stack, acct.tenantId, 'test.rolled_back', true);
      await new Promise((r) => setTimeout(r, 800));
      const ev = await stack.db.pool.query('SELECT 1 FROM events WHERE id = $1', [rolledBack]);
      expect(ev.rowCount).toBe(0);
      const ob = await stack.db.pool.query('SELECT 1 FROM outbox WHERE payload->>$1 = $2', ['eventId', rolledBack]);
      expect(ob.rowCount).toBe(0);
    } finally {
      await stack.stop();
    }
  });

  it('nothing is lost when Redis is down as a change commits: the job runs once Redis is back', async () => {
    const redisUrl = new URL(TEST_REDIS_URL);
    const proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    const port = await proxy.start();
    const stack = await startStack({ worker: true, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    try {
      const acct = await registerAccount(stack);
      proxy.cut();
      const health = await stack.http.get('/health/ready');
      expect(health.status).toBe(503);
      expect(health.body.checks).toEqual({ postgres: 'up', redis: 'down' });

      // the api keeps accepting writes while Redis is away (the rate limiter fails open)
      const eventId = await emitInTransaction(stack, acct.tenantId, 'test.during_outage');
      const write = await stack.http.patch('/api/v1/settings').set(acct.headers).send({ auto_sync: true });
      expect(write.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await dispatchedAt(stack, eventId)).toBeNull();
      const pending = await stack.db.pool.query('SELECT relayed_at FROM outbox WHERE payload->>$1 = $2', ['eventId', eventId]);
      expect(pending.rows[0].relayed_at).toBeNull();

      proxy.restore();
      await eventually(() => dispatchedAt(stack, eventId), 30000);
      expect((await stack.http.get('/health/ready')).status).toBe(200);
    } finally {
      await stack.stop();
      await proxy.stop();
    }
  });

  it('readiness goes red while PostgreSQL is unreachable and green again after', async () => {
    const db = await createTestDatabase();
    const pgUrl = new URL(db.url);
    const proxy = new TcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    const port = await proxy.start();
    pgUrl.host = `127.0.0.1:${port}`;
    const stack = await startStack({ database: { ...db, url: pgUrl.toString() }, env: { DATABASE_URL: pgUrl.toString() } });
    try {
      expect((await stack.http.get('/health/ready')).status).toBe(200);
      proxy.cut();
      const down = await stack.http.get('/health/ready');
      expect(down.status).toBe(503);
      expect(down.body.checks.postgres).toBe('down');
      expect((await stack.http.get('/health/live')).status).toBe(200);
      proxy.restore();
      await eventually(async () => (await stack.http.get('/health/ready')).status === 200, 15000, 250);
    } finally {
      await stack.stop();
      await proxy.stop();
      await db.drop();
    }
  });

  it('the worker refuses to start while a catalogued job has no processor', async () => {
    const empty = await Test.createTestingModule({ imports: [DiscoveryModule] }).compile();
    expect(() => collectHandlers(empty.get(DiscoveryService))).toThrow(MissingProcessorError);
    expect(() => collectHandlers(empty.get(DiscoveryService))).toThrow(/event\.dispatch/);

    @Injectable()
    @JobProcessor('event.dispatch')
    class A {
      async handle() {}
    }
    @Injectable()
    @JobProcessor('event.dispatch')
    class B {
      async handle() {}
    }
    const dup: INestApplicationContext = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [A, B] }).compile();
    expect(() => collectHandlers(dup.get(DiscoveryService))).toThrow(/two processors/);
    // every other catalogued job (feature issues add theirs) gets a stub processor here
    const stub = (name: JobName) => {
      @Injectable()
      @JobProcessor(name)
      class Stub {
        async handle() {}
      }
      return Stub;
    };
    const others = JOB_NAMES.filter((n) => n !== 'event.dispatch').map(stub);
    const partial = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [A] }).compile();
    if (others.length) expect(() => collectHandlers(partial.get(DiscoveryService))).toThrow(MissingProcessorError);
    const ok = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [A, ...others] }).compile();
    expect(collectHandlers(ok.get(DiscoveryService)).size).toBe(JOB_NAMES.length);
  });
});
