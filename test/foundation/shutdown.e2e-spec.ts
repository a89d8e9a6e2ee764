import { HttpDrain } from '../../apps/api/src/common/http-drain';
import { registerAccount } from '../helpers/accounts';
import { eventually, startStack } from '../helpers/stack';

/** A stopping api (SIGTERM in a rolling deploy) finishes the requests it is serving before its pool closes. */
describe('graceful stop of the api', () => {
  it('requests in flight when the api stops are answered, none with a 5xx; new connections are refused', async () => {
    const stack = await startStack();
    try {
      const acct = await registerAccount(stack, 'Draining Inc');
      const drain = stack.api!.get(HttpDrain);
      const send = (i: number) =>
        fetch(`${stack.url}/api/v1/pim/products`, {
          method: 'POST',
          headers: { ...acct.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Drain ${i}`, variants: [{ sku: `DRAIN-${i}`, price: 10 }] }),
        }).then(
          (r) => r.status,
          () => 'refused' as const,
        );
      // 20 clients sending back to back (keep-alive) until the api has stopped
      let stopped = false;
      let i = 0;
      const statuses: (number | 'refused')[] = [];
      const client = async () => {
        while (!stopped) statuses.push(await send(i++));
      };
      const clients = Array.from({ length: 20 }, client);
      await eventually(async () => statuses.length >= 40 && drain.requestsInFlight > 0, 10000, 1);
      await stack.api!.close();
      stopped = true;
      await Promise.all(clients);
      expect(statuses.filter((s) => typeof s === 'number' && s >= 500)).toEqual([]);
      const created = statuses.filter((s) => s === 201).length;
      expect(created).toBeGreaterThan(0);
      // what was answered 201 is in the database
      const rows = await stack.db.pool.query(`SELECT count(*)::int AS n FROM products WHERE tenant_id = $1 AND title LIKE 'Drain %'`, [acct.tenantId]);
      expect(rows.rows[0].n).toBe(created);
      expect(await send(99)).toBe('refused');
    } finally {
      await stack.stop();
    }
  });
});
