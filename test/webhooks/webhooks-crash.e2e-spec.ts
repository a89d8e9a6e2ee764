import { ChildProcess } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { registerAccount } from '../helpers/accounts';
import { emitEvent } from '../helpers/events';
import { eventually, startStack, Stack } from '../helpers/stack';
import { killHard, spawnWorkerProcess } from '../helpers/worker-process';

jest.setTimeout(90_000);

const ENV = {
  ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_RETRY_SCHEDULE: '0,200,400,800',
  // the killed attempt counts as lost once its claim (timeout + 5 s margin) has expired
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_SWEEP_MS: '300',
};

/**
 * A worker killed with SIGKILL while a delivery is in flight (no graceful shutdown, no chance to
 * record anything): the receiver holds the request open, the worker process dies, a new worker
 * starts, and the delivery is made again with the same webhook-id once the dead attempt's claim
 * has expired (the sweeper re-enqueues it; BullMQ's own stalled-job recovery would too, later).
 */
describe('a worker killed mid-delivery', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    stack = await startStack({ worker: false, env: ENV });
  });
  afterAll(async () => {
    if (child) await killHard(child);
    await stack.stop();
    await receiver.stop();
  });

  it('redelivers after a restart with the same webhook-id', async () => {
    const acct = await registerAccount(stack);
    const ep = await stack.http.post('/api/v1/webhooks').set(acct.headers).send({ url: receiver.url('/crash'), events: ['order.created'] });
    expect(ep.status).toBe(201);
    receiver.script('/crash', 'hang');

    child = spawnWorkerProcess(stack, ENV);
    const eventId = await emitEvent(stack, acct.tenantId, 'order.created', { id: 'ord_crash', marketplace: 'amazon', total: 5 });
    const [first] = await eventually(async () => (receiver.at('/crash').length ? receiver.at('/crash') : undefined), 30000, 20);
    await killHard(child);
    child = undefined;

    const inFlight = await stack.db.pool.query('SELECT status, attempts, locked_until FROM webhook_deliveries WHERE event_id = $1', [eventId]);
    expect(inFlight.rows[0]).toMatchObject({ status: 'pending', attempts: 1 });
    expect(inFlight.rows[0].locked_until).not.toBeNull();

    await stack.startWorker();
    const delivered = await eventually(async () => {
      const r = await stack.db.pool.query('SELECT id, status, attempts FROM webhook_deliveries WHERE event_id = $1', [eventId]);
      return r.rows[0]?.status === 'succeeded' ? r.rows[0] : undefined;
    }, 45000, 100);
    expect(delivered.attempts).toBe(2);

    const got = receiver.at('/crash');
    expect(got).toHaveLength(2);
    expect(got[0]).toBe(first);
    expect(got[1].headers['webhook-id']).toBe(eventId);
    expect(got[1].headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(got[1].body).toBe(first.body);
    expect(new Webhook(ep.body.secret).verify(got[1].body, got[1].headers)).toMatchObject({ id: eventId, data: { id: 'ord_crash' } });

    const log = await stack.http.get(`/api/v1/webhooks/${ep.body.id}/deliveries/${delivered.id}`).set(acct.headers);
    expect(log.body.attempt_log.map((a: { attempt: number; response_code: number | null; error: string | null }) => [a.attempt, a.response_code, a.error])).toEqual([
      [1, null, 'interrupted: the worker stopped before this attempt completed'],
      [2, 200, null],
    ]);
  });
});
