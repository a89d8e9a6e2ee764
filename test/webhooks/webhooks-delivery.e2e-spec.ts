import { Webhook } from 'standardwebhooks';
import { WebhookDeliveryService, WebhookSweeper } from '@synq/webhooks';
import { ReceivedWebhook, WebhookReceiver } from '../fakes/webhook-receiver';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { emitEvent } from '../helpers/events';
import { eventually, startStack, Stack } from '../helpers/stack';

const ENV = {
  ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_RETRY_SCHEDULE: '0,200,400,800',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_SWEEP_MS: '300',
};

interface Endpoint {
  id: string;
  secret: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhook delivery by the worker', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let acct: TestAccount;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    stack = await startStack({ worker: true, env: ENV });
    acct = await registerAccount(stack, 'Deliveries Inc');
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
  });

  async function subscribe(path: string, events: string[], who: TestAccount = acct): Promise<Endpoint> {
    const res = await stack.http.post('/api/v1/webhooks').set(who.headers).send({ url: receiver.url(path), events });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function deliveries(endpointId: string, who: TestAccount = acct) {
    const res = await stack.http.get(`/api/v1/webhooks/${endpointId}/deliveries`).set(who.headers);
    expect(res.status).toBe(200);
    return res.body as { id: string; status: string; attempts: number; event_id: string; [k: string]: unknown }[];
  }

  async function settled(endpointId: string, eventId: string) {
    return eventually(async () => {
      const d = (await deliveries(endpointId)).find((x) => x.event_id === eventId);
      return d && (d.status === 'succeeded' || d.status === 'failed') ? d : undefined;
    }, 20000);
  }

  const verify = (secret: string, r: ReceivedWebhook) => new Webhook(secret).verify(r.body, r.headers) as Record<string, unknown>;

  it('a catalog change made through the PIM API reaches the subscriber, signed', async () => {
    const ep = await subscribe('/pim', ['product.created', 'variant.updated']);
    const p = await stack.http
      .post('/api/v1/pim/products')
      .set(acct.headers)
      .send({ title: 'Webhook mug', variants: [{ sku: 'WH-MUG-1', price: 12 }] });
    expect(p.status).toBe(201);
    await stack.http.put(`/api/v1/pim/products/${p.body.id}/variants/${p.body.variants[0].id}`).set(acct.headers).send({ price: 14 });
    const got = await eventually(async () => (receiver.at('/pim').length >= 2 ? receiver.at('/pim') : undefined));
    const payloads = got.map((r) => verify(ep.secret, r) as { event: string; data: Record<string, unknown> });
    expect(payloads.map((x) => x.event).sort()).toEqual(['product.created', 'variant.updated']);
    expect(payloads.find((x) => x.event === 'product.created')!.data).toEqual({ product_id: p.body.id, variant_ids: [p.body.variants[0].id] });
    expect(payloads.find((x) => x.event === 'variant.updated')!.data).toMatchObject({ product_id: p.body.id, variant_id: p.body.variants[0].id, changed_fields: ['price'] });
  });

  it('delivers a product change signed so that the standardwebhooks library verifies it', async () => {
    const ep = await subscribe('/signed', ['product.updated']);
    const eventId = await emitEvent(stack, acct.tenantId, 'product.updated', { id: 'prod_1', sku: 'MUG-1', changed: ['price'] });
    await emitEvent(stack, acct.tenantId, 'order.created', { id: 'ord_0', marketplace: 'ebay', total: 1 }); // not subscribed
    const [r] = await eventually(async () => (receiver.at('/signed').length ? receiver.at('/signed') : undefined));
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['webhook-id']).toBe(eventId);
    expect(r.headers['webhook-id']).toMatch(/^evt_/);
    expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const payload = verify(ep.secret, r);
    expect(payload).toEqual({
      id: eventId,
      event: 'product.updated',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      data: { id: 'prod_1', sku: 'MUG-1', changed: ['price'] },
    });
    // a tampered body or a foreign secret does not verify
    expect(() => new Webhook(ep.secret).verify(r.body.replace('MUG-1', 'MUG-2'), r.headers)).toThrow();
    expect(() => new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(r.body, r.headers)).toThrow();

    const d = await settled(ep.id, eventId);
    expect(d).toMatchObject({
      endpoint_id: ep.id,
      event_type: 'product.updated',
      status: 'succeeded',
      attempts: 1,
      last_response_code: 200,
      last_response_body: 'ok',
      last_error: null,
      next_attempt_at: null,
    });
    expect(typeof d.last_latency_ms).toBe('number');
    const one = await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries/${d.id}`).set(acct.headers);
    expect(one.status).toBe(200);
    expect(one.body.payload).toEqual(payload);
    expect(one.body.attempt_log).toEqual([
      { attempt: 1, response_code: 200, latency_ms: expect.any(Number), response_body: 'ok', error: null, created_at: expect.any(String) },
    ]);
    await sleep(300);
    expect(receiver.at('/signed')).toHaveLength(1);
  });

  it('retries along the schedule and succeeds after two 500s, with the same webhook-id and body', async () => {
    receiver.script('/flaky', { status: 500, body: 'boom' }, { status: 503, body: 'later' });
    const ep = await subscribe('/flaky', ['order.created']);
    const eventId = await emitEvent(stack, acct.tenantId, 'order.created', { id: 'ord_123', marketplace: 'ebay', total: 24.99 });
    const d = await settled(ep.id, eventId);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, last_response_code: 200 });
    const got = receiver.at('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(new Set(got.map((g) => g.body)).size).toBe(1);
    for (const g of got) expect(verify(ep.secret, g)).toMatchObject({ event: 'order.created', data: { id: 'ord_123' } });
    // spaced by the schedule (200 ms, then 400 ms, ±10 %)
    expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(170);
    expect(got[2].at - got[1].at).toBeGreaterThanOrEqual(350);
    const log = (await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries/${d.id}`).set(acct.headers)).body.attempt_log;
    expect(log.map((a: { response_code: number; error: string | null; response_body: string }) => [a.response_code, a.error, a.response_body])).toEqual([
      [500, 'HTTP 500', 'boom'],
      [503, 'HTTP 503', 'later'],
      [200, null, 'ok'],
    ]);
    const ep2 = await stack.db.pool.query('SELECT first_failure_at, enabled FROM webhook_endpoints WHERE id = $1', [ep.id]);
    expect(ep2.rows[0]).toEqual({ first_failure_at: null, enabled: true });
  });

  it('gives up after the last attempt of the schedule', async () => {
    receiver.script('/down', ...Array(4).fill({ status: 500 }));
    const ep = await subscribe('/down', ['order.updated']);
    const eventId = await emitEvent(stack, acct.tenantId, 'order.updated', { id: 'ord_9', status: 'shipped' });
    const d = await settled(ep.id, eventId);
    expect(d).toMatchObject({ status: 'failed', attempts: 4, last_response_code: 500, next_attempt_at: null });
    await sleep(500);
    expect(receiver.at('/down')).toHaveLength(4);
  });

  it('honours Retry-After over a shorter scheduled delay', async () => {
    receiver.script('/busy', { status: 429, headers: { 'retry-after': '2' } });
    const ep = await subscribe('/busy', ['stock.low']);
    const eventId = await emitEvent(stack, acct.tenantId, 'stock.low', { product_id: 'p1', sku: 'A', quantity: 1, threshold: 5 });
    const retrying = await eventually(async () => (await deliveries(ep.id)).find((x) => x.event_id === eventId && x.status === 'retrying'));
    const first = (await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries/${retrying.id}`).set(acct.headers)).body;
    expect(first.last_response_code).toBe(429);
    expect(Date.parse(first.next_attempt_at) - Date.parse(first.attempt_log[0].created_at)).toBeGreaterThanOrEqual(2000);
    const d = await settled(ep.id, eventId);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    const got = receiver.at('/busy');
    expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(1900);
  });

  it('retries a timeout', async () => {
    receiver.script('/slow', { status: 200, delayMs: 2500 });
    const ep = await subscribe('/slow', ['sync.failed']);
    const eventId = await emitEvent(stack, acct.tenantId, 'sync.failed', { id: 'sync_1', connection_id: 'c1', platform: 'shopify', error: 'x' });
    const d = await settled(ep.id, eventId);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    const log = (await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries/${d.id}`).set(acct.headers)).body.attempt_log;
    expect(log[0]).toMatchObject({ attempt: 1, response_code: null, error: expect.stringMatching(/^timeout: no complete response within 1000 ms/) });
    expect(typeof log[0].latency_ms).toBe('number');
    expect(log[1]).toMatchObject({ attempt: 2, response_code: 200 });
  });

  it('a 410 disables the endpoint, records the notice and tells the tenant’s other endpoints', async () => {
    const watcher = await subscribe('/watcher', ['webhook.endpoint_disabled']);
    receiver.script('/gone', { status: 410, body: 'gone' });
    const ep = await subscribe('/gone', ['quote.created']);
    const eventId = await emitEvent(stack, acct.tenantId, 'quote.created', { id: 'q1', status: 'pending' });
    const d = await settled(ep.id, eventId);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, last_response_code: 410, last_response_body: 'gone' });
    const after = await stack.http.get(`/api/v1/webhooks/${ep.id}`).set(acct.headers);
    expect(after.body).toMatchObject({ enabled: false, disabled_reason: 'the endpoint answered 410 Gone' });
    const audit = await stack.http.get(`/api/v1/audit?resource_id=${ep.id}&action=webhook_endpoint.disabled`).set(acct.headers);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({ actor_type: 'system', actor_id: 'webhooks' });
    const [notice] = await eventually(async () => (receiver.at('/watcher').length ? receiver.at('/watcher') : undefined));
    expect(verify(watcher.secret, notice)).toMatchObject({
      event: 'webhook.endpoint_disabled',
      data: { endpoint_id: ep.id, url: receiver.url('/gone'), reason: 'the endpoint answered 410 Gone' },
    });
    // nothing more goes to it
    await emitEvent(stack, acct.tenantId, 'quote.created', { id: 'q2', status: 'pending' });
    await sleep(800);
    expect(receiver.at('/gone')).toHaveLength(1);
    expect(await deliveries(ep.id)).toHaveLength(1);
  });

  it('a 302 is a failure and the redirect is not followed', async () => {
    receiver.script('/moved', { status: 302, headers: { location: receiver.url('/moved-here') } });
    const ep = await subscribe('/moved', ['export.completed']);
    const eventId = await emitEvent(stack, acct.tenantId, 'export.completed', { id: 'exp_1', format: 'csv' });
    const d = await settled(ep.id, eventId);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, last_response_code: 302, last_error: 'HTTP 302' });
    await sleep(500);
    expect(receiver.at('/moved')).toHaveLength(1);
    expect(receiver.at('/moved-here')).toHaveLength(0);
    expect((await stack.http.get(`/api/v1/webhooks/${ep.id}`).set(acct.headers)).body.enabled).toBe(true);

    // replaying it once the receiver is fixed delivers it, with the same webhook-id
    const replay = await stack.http.post(`/api/v1/webhooks/${ep.id}/deliveries/${d.id}/replay`).set(acct.headers);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ status: 'queued', delivery_id: d.id });
    const again = await eventually(async () => {
      const x = (await deliveries(ep.id)).find((y) => y.id === d.id);
      return x?.status === 'succeeded' ? x : undefined;
    });
    expect(again.attempts).toBe(2);
    expect(receiver.at('/moved')[1].headers['webhook-id']).toBe(eventId);
    const audit = await stack.http.get(`/api/v1/audit?resource_id=${d.id}&action=webhook_delivery.replayed`).set(acct.headers);
    expect(audit.body).toHaveLength(1);
  });

  it('signs with both secrets during a rotation, each verifiable on its own', async () => {
    const ep = await subscribe('/rotating', ['listing.repriced']);
    const rot = await stack.http.post(`/api/v1/webhooks/${ep.id}/rotate-secret`).set(acct.headers);
    const eventId = await emitEvent(stack, acct.tenantId, 'listing.repriced', { id: 'lst_1', old_price: 10, new_price: 9.5, currency: 'EUR' });
    const [r] = await eventually(async () => (receiver.at('/rotating').length ? receiver.at('/rotating') : undefined));
    expect(r.headers['webhook-id']).toBe(eventId);
    const sigs = r.headers['webhook-signature'].split(' ');
    expect(sigs).toHaveLength(2);
    expect(sigs.every((s) => s.startsWith('v1,'))).toBe(true);
    expect(verify(rot.body.secret, r)).toMatchObject({ event: 'listing.repriced' });
    expect(verify(ep.secret, r)).toMatchObject({ event: 'listing.repriced' });
    // the new secret comes first; each signature matches exactly one secret
    expect(() => new Webhook(rot.body.secret).verify(r.body, { ...r.headers, 'webhook-signature': sigs[0] })).not.toThrow();
    expect(() => new Webhook(ep.secret).verify(r.body, { ...r.headers, 'webhook-signature': sigs[1] })).not.toThrow();
    expect(() => new Webhook(ep.secret).verify(r.body, { ...r.headers, 'webhook-signature': sigs[0] })).toThrow();

    // once the overlap has expired only the new secret signs
    await stack.db.pool.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [ep.id]);
    await emitEvent(stack, acct.tenantId, 'listing.repriced', { id: 'lst_2' });
    const second = await eventually(async () => receiver.at('/rotating')[1]);
    expect(second.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verify(rot.body.secret, second)).toMatchObject({ data: { id: 'lst_2' } });
    expect(() => verify(ep.secret, second)).toThrow();
  });

  it('never delivers one tenant’s events to another tenant’s endpoints', async () => {
    const other = await registerAccount(stack, 'Other tenant');
    const mine = await subscribe('/tenant-a', ['settlement.completed']);
    const theirs = await subscribe('/tenant-b', ['settlement.completed'], other);
    const eventA = await emitEvent(stack, acct.tenantId, 'settlement.completed', { id: 'set_a', amount: 10, currency: 'EUR' });
    const eventB = await emitEvent(stack, other.tenantId, 'settlement.completed', { id: 'set_b', amount: 20, currency: 'EUR' });
    await settled(mine.id, eventA);
    await eventually(async () => receiver.at('/tenant-b')[0]);
    await sleep(500);
    expect(receiver.at('/tenant-a').map((r) => r.headers['webhook-id'])).toEqual([eventA]);
    expect(receiver.at('/tenant-b').map((r) => r.headers['webhook-id'])).toEqual([eventB]);
    const rows = await stack.db.pool.query('SELECT tenant_id, endpoint_id FROM webhook_deliveries WHERE event_id = ANY($1)', [[eventA, eventB]]);
    expect(rows.rows).toEqual(
      expect.arrayContaining([
        { tenant_id: acct.tenantId, endpoint_id: mine.id },
        { tenant_id: other.tenantId, endpoint_id: theirs.id },
      ]),
    );
    expect(rows.rowCount).toBe(2);
    // nor can one tenant read or replay the other's deliveries
    const [theirDelivery] = await deliveries(theirs.id, other);
    expect((await stack.http.get(`/api/v1/webhooks/${theirs.id}/deliveries`).set(acct.headers)).status).toBe(404);
    expect((await stack.http.get(`/api/v1/webhooks/${mine.id}/deliveries/${theirDelivery.id}`).set(acct.headers)).status).toBe(404);
    expect((await stack.http.post(`/api/v1/webhooks/${mine.id}/deliveries/${theirDelivery.id}/replay`).set(acct.headers)).status).toBe(404);
  });

  it('sends webhook.test to the one endpoint asked for', async () => {
    const target = await subscribe('/test-target', ['order.created']);
    const bystander = await subscribe('/test-bystander', ['webhook.test', 'order.created']);
    const res = await stack.http.post(`/api/v1/webhooks/${target.id}/test`).set(acct.headers);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'queued', event_id: expect.stringMatching(/^evt_/) });
    const [r] = await eventually(async () => (receiver.at('/test-target').length ? receiver.at('/test-target') : undefined));
    expect(verify(target.secret, r)).toMatchObject({ id: res.body.event_id, event: 'webhook.test', data: { endpoint_id: target.id } });
    await sleep(500);
    expect(receiver.at('/test-bystander')).toHaveLength(0);
    expect(await deliveries(bystander.id)).toHaveLength(0);
  });

  it('replays every failed delivery since a time, and only those', async () => {
    const ep = await subscribe('/replay-all', ['product.deleted']);
    receiver.script('/replay-all', { status: 404 }, { status: 404 }, { status: 404 });
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await emitEvent(stack, acct.tenantId, 'product.deleted', { id: `prod_${i}` }));
    for (const id of ids) await settled(ep.id, id);
    expect((await deliveries(ep.id)).map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);
    const failedList = await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries?status=failed&limit=2`).set(acct.headers);
    expect(failedList.body).toHaveLength(2);
    expect(failedList.headers.link).toMatch(/rel="next"/);

    const res = await stack.http.post(`/api/v1/webhooks/${ep.id}/replay?since=${encodeURIComponent(since)}`).set(acct.headers);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'queued', replayed: 3, has_more: false });
    await eventually(async () => (await deliveries(ep.id)).every((d) => d.status === 'succeeded' && d.attempts === 2));
    expect(receiver.at('/replay-all')).toHaveLength(6);
    const later = await stack.http.post(`/api/v1/webhooks/${ep.id}/replay?since=${encodeURIComponent(since)}`).set(acct.headers);
    expect(later.body.replayed).toBe(0);
  });

  it('sends once however many wake-ups race for the same delivery', async () => {
    const ep = await subscribe('/once', ['quote.accepted']);
    const svc = stack.worker!.get(WebhookDeliveryService);
    const eventId = await emitEvent(stack, acct.tenantId, 'quote.accepted', { id: 'q9' });
    const delivery = await eventually(async () => {
      const r = await stack.db.pool.query('SELECT id FROM webhook_deliveries WHERE event_id = $1', [eventId]);
      return r.rows[0] as { id: string } | undefined;
    }, 15000, 5);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => svc.attempt(acct.tenantId, delivery.id)));
    await settled(ep.id, eventId);
    await sleep(500);
    expect(receiver.at('/once')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'skipped').length).toBeLessThanOrEqual(1);
    expect((await deliveries(ep.id))[0].attempts).toBe(1);
  });

  it('the sweeper re-enqueues a due delivery whose job vanished', async () => {
    const ep = await subscribe('/orphan', ['order.created']);
    // an event whose delivery row exists but was never enqueued (as after a crash between the two)
    const { rows } = await stack.db.pool.query(
      `INSERT INTO events (id, tenant_id, type, data) VALUES ('evt_orphan000000000000000001', $1, 'order.created', '{"id": "ord_orphan"}') RETURNING id`,
      [acct.tenantId],
    );
    await stack.db.pool.query(
      `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, next_attempt_at)
       VALUES ($1, $2, $3, 'order.created', 'pending', now() - interval '5 seconds')`,
      [acct.tenantId, ep.id, rows[0].id],
    );
    const [r] = await eventually(async () => (receiver.at('/orphan').length ? receiver.at('/orphan') : undefined));
    expect(verify(ep.secret, r)).toMatchObject({ id: 'evt_orphan000000000000000001', data: { id: 'ord_orphan' } });
    await settled(ep.id, rows[0].id);
    await sleep(1000);
    expect(receiver.at('/orphan')).toHaveLength(1);
  });

  it('the retention purge removes settled deliveries past WEBHOOK_RETENTION_DAYS, and nothing else', async () => {
    const ep = await subscribe('/retention', ['order.created']);
    const ids: string[] = [];
    for (const [n, status, age] of [[1, 'delivered', 40], [2, 'failed', 40], [3, 'delivered', 2], [4, 'retrying', 40]] as const) {
      const ev = await stack.db.pool.query(
        `INSERT INTO events (id, tenant_id, type, data) VALUES ($2, $1, 'order.created', '{}') RETURNING id`,
        [acct.tenantId, `evt_retention0000000000000${n}`],
      );
      const d = await stack.db.pool.query(
        `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, next_attempt_at, created_at)
         VALUES ($1, $2, $3, 'order.created', $4, now() + interval '1 day', now() - $5 * interval '1 day') RETURNING id`,
        [acct.tenantId, ep.id, ev.rows[0].id, status, age],
      );
      await stack.db.pool.query(`INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, response_code) VALUES ($1, $2, 1, 200)`, [acct.tenantId, d.rows[0].id]);
      ids.push(d.rows[0].id);
    }
    const sweeper = stack.worker!.get(WebhookSweeper);
    expect(await sweeper.purgeIfDue(true)).toBeGreaterThanOrEqual(2);
    const left = await stack.db.pool.query(`SELECT id FROM webhook_deliveries WHERE id = ANY($1)`, [ids]);
    expect(left.rows.map((r) => r.id).sort()).toEqual([ids[2], ids[3]].sort());
    const attempts = await stack.db.pool.query(`SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = ANY($1)`, [[ids[0], ids[1]]]);
    expect(attempts.rows[0].n).toBe(0);
    // at most once an hour across workers: a second pass right away does nothing
    expect(await sweeper.purgeIfDue()).toBe(0);
  });

  it('a delivery already queued when its endpoint is paused is not sent', async () => {
    const ep = await subscribe('/paused-late', ['order.created']);
    await stack.http.patch(`/api/v1/webhooks/${ep.id}`).set(acct.headers).send({ enabled: false });
    // queued before the pause: the row exists and is due; the sweeper wakes it up
    const { rows } = await stack.db.pool.query(
      `INSERT INTO events (id, tenant_id, type, data) VALUES ('evt_paused00000000000000001', $1, 'order.created', '{"id": "ord_p"}') RETURNING id`,
      [acct.tenantId],
    );
    await stack.db.pool.query(
      `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, next_attempt_at)
       VALUES ($1, $2, $3, 'order.created', 'pending', now() - interval '5 seconds')`,
      [acct.tenantId, ep.id, rows[0].id],
    );
    const d = await settled(ep.id, rows[0].id);
    expect(d).toMatchObject({ status: 'failed', attempts: 0, last_error: 'endpoint is disabled', last_response_code: null });
    expect(receiver.at('/paused-late')).toHaveLength(0);
  });

  it('a paused endpoint receives nothing and its queued deliveries are not sent', async () => {
    const ep = await subscribe('/paused', ['product.created']);
    await stack.http.patch(`/api/v1/webhooks/${ep.id}`).set(acct.headers).send({ enabled: false });
    await emitEvent(stack, acct.tenantId, 'product.created', { id: 'p_new' });
    await sleep(800);
    expect(receiver.at('/paused')).toHaveLength(0);
    expect(await deliveries(ep.id)).toHaveLength(0);
  });
});

describe('an endpoint failing every attempt for the disable period', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // the 5 days compressed to 1 s; the schedule's last attempt comes ~1.4 s after the first
    stack = await startStack({ worker: true, env: { ...ENV, WEBHOOK_DISABLE_AFTER_MS: '1000' } });
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
  });

  it('is disabled and a webhook.endpoint_disabled notice is recorded', async () => {
    const acct = await registerAccount(stack);
    receiver.script('/always-down', ...Array(10).fill({ status: 503 }));
    const res = await stack.http.post('/api/v1/webhooks').set(acct.headers).send({ url: receiver.url('/always-down'), events: ['order.created'] });
    await emitEvent(stack, acct.tenantId, 'order.created', { id: 'ord_1' });
    const disabled = await eventually(async () => {
      const e = await stack.http.get(`/api/v1/webhooks/${res.body.id}`).set(acct.headers);
      return e.body.enabled === false ? e.body : undefined;
    });
    expect(disabled.disabled_reason).toBe('every attempt failed for 1 s');
    const audit = await stack.http.get(`/api/v1/audit?resource_id=${res.body.id}&action=webhook_endpoint.disabled`).set(acct.headers);
    expect(audit.body).toHaveLength(1);
    const events = await stack.db.pool.query(`SELECT data FROM events WHERE tenant_id = $1 AND type = 'webhook.endpoint_disabled'`, [acct.tenantId]);
    expect(events.rows).toEqual([{ data: { endpoint_id: res.body.id, url: receiver.url('/always-down'), reason: disabled.disabled_reason } }]);
    // re-enabling starts a fresh failure period
    const on = await stack.http.patch(`/api/v1/webhooks/${res.body.id}`).set(acct.headers).send({ enabled: true });
    expect(on.body.enabled).toBe(true);
    const row = await stack.db.pool.query('SELECT first_failure_at FROM webhook_endpoints WHERE id = $1', [res.body.id]);
    expect(row.rows[0].first_failure_at).toBeNull();
  });
});
