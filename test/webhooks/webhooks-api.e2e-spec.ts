import { Webhook } from 'standardwebhooks';
import { EVENT_TYPE_NAMES } from '@synq/events';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { apiKeyFor, registerAccount, TestAccount } from '../helpers/accounts';
import { emitEvent } from '../helpers/events';
import { eventually, startStack, Stack } from '../helpers/stack';

describe('webhook endpoints API', () => {
  let stack: Stack;
  let owner: TestAccount;
  let other: TestAccount;
  const url = 'http://127.0.0.1:9/hook';
  beforeAll(async () => {
    stack = await startStack({ env: { WEBHOOK_ALLOW_HTTP: 'true' } });
    owner = await registerAccount(stack, 'Hooks Inc');
    other = await registerAccount(stack, 'Other Inc');
  });
  afterAll(async () => stack.stop());

  const create = (body: Record<string, unknown>, headers: Record<string, string> = owner.headers) =>
    stack.http.post('/api/v1/webhooks').set(headers).send(body);

  it('creates an endpoint and shows its whsec_ secret in that response only', async () => {
    const res = await create({ url, events: ['order.created', 'stock.low'], description: 'ERP' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      url,
      description: 'ERP',
      events: ['order.created', 'stock.low'],
      enabled: true,
      disabled_reason: null,
      disabled_at: null,
      previous_secret_expires_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+={0,2}$/),
    });
    const secret: string = res.body.secret;
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);
    // usable as is by the official receiver library
    expect(() => new Webhook(secret)).not.toThrow();

    const one = await stack.http.get(`/api/v1/webhooks/${res.body.id}`).set(owner.headers);
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    const list = await stack.http.get('/api/v1/webhooks').set(owner.headers);
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(6));

    // sealed at rest
    const stored = await stack.db.pool.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [res.body.id]);
    expect(stored.rows[0].secret).toMatch(/^v1\./);
    expect(stored.rows[0].secret).not.toContain(secret.slice(6));
    // audited without the secret
    const audit = await stack.http.get('/api/v1/audit?resource_type=webhook_endpoint').set(owner.headers);
    const created = audit.body.find((a: { resource_id: string; action: string }) => a.resource_id === res.body.id && a.action === 'webhook_endpoint.created');
    expect(created.changes.url).toEqual({ to: url });
    expect(JSON.stringify(audit.body)).not.toContain(secret.slice(6));
  });

  it('lists the event catalogue with a schema per type', async () => {
    const res = await stack.http.get('/api/v1/webhooks/event-types').set(owner.headers);
    expect(res.status).toBe(200);
    const types = res.body.map((t: { type: string }) => t.type);
    for (const t of [
      'product.created', 'product.updated', 'product.deleted', 'export.completed', 'sync.succeeded', 'sync.failed', 'order.created',
      'order.updated', 'stock.low', 'listing.repriced', 'settlement.completed', 'quote.created', 'quote.accepted', 'webhook.test',
    ]) {
      expect(types).toContain(t);
    }
    expect(types).toEqual(EVENT_TYPE_NAMES);
    const order = res.body.find((t: { type: string }) => t.type === 'order.created');
    expect(order).toMatchObject({ description: expect.any(String), schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } });
  });

  it('validates bodies: unknown events, bad urls, types, sizes and unknown fields', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url, events: ['order.exploded'] }, 'events'],
      [{ url, events: ['order.created', 'nope'] }, 'events'],
      [{ url, events: [] }, 'events'],
      [{ url, events: 'order.created' }, 'events'],
      [{ url, events: ['order.created', 'order.created'] }, 'events'],
      [{ url, events: Array.from({ length: 51 }, () => 'order.created') }, 'events'],
      [{ url, events: [42] }, 'events'],
      [{ events: ['order.created'] }, 'url'],
      [{ url: 42, events: ['order.created'] }, 'url'],
      [{ url: `https://example.com/${'a'.repeat(2100)}`, events: ['order.created'] }, 'url'],
      [{ url, events: ['order.created'], description: 'd'.repeat(501) }, 'description'],
      [{ url, events: ['order.created'], secret: 'whsec_mine' }, 'secret'],
      [{ url: 'not a url', events: ['order.created'] }, 'url'],
      [{ url: 'ftp://example.com/hook', events: ['order.created'] }, 'url'],
      [{ url: 'https://user:pw@example.com/hook', events: ['order.created'] }, 'url'],
      [{ url: 'file:///etc/passwd', events: ['order.created'] }, 'url'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const unknown = await create({ url, events: ['order.exploded'] });
    expect(unknown.body.error).toMatch(/event-types/);
    const cred = await create({ url: 'https://user:pw@example.com/hook', events: ['order.created'] });
    expect(cred.body.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
  });

  it('refuses http unless WEBHOOK_ALLOW_HTTP', async () => {
    const strict = await startStack({ api: true });
    try {
      const acct = await registerAccount(strict);
      const res = await strict.http.post('/api/v1/webhooks').set(acct.headers).send({ url, events: ['order.created'] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED', error: 'url must use https' });
    } finally {
      await strict.stop();
    }
  });

  it('updates url, events, description and enabled, and audits the change', async () => {
    const { body: ep } = await create({ url, events: ['order.created'], description: 'x' });
    const res = await stack.http
      .patch(`/api/v1/webhooks/${ep.id}`)
      .set(owner.headers)
      .send({ url: 'http://127.0.0.1:9/other', events: ['quote.created', 'quote.accepted'], description: null, enabled: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      url: 'http://127.0.0.1:9/other',
      events: ['quote.created', 'quote.accepted'],
      description: null,
      enabled: false,
      disabled_reason: 'disabled by a user',
    });
    expect(res.body.disabled_at).not.toBeNull();
    const on = await stack.http.patch(`/api/v1/webhooks/${ep.id}`).set(owner.headers).send({ enabled: true });
    expect(on.body).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null });
    for (const bad of [{ events: ['x.y'] }, { enabled: 'yes' }, { url: 'ftp://x' }, { id: ep.id }, { events: [] }]) {
      expect((await stack.http.patch(`/api/v1/webhooks/${ep.id}`).set(owner.headers).send(bad)).status).toBe(400);
    }
    const audit = await stack.http.get(`/api/v1/audit?resource_type=webhook_endpoint&resource_id=${ep.id}`).set(owner.headers);
    const updated = audit.body.filter((a: { action: string }) => a.action === 'webhook_endpoint.updated');
    expect(updated).toHaveLength(2);
    expect(updated[1].changes.events).toEqual({ from: ['order.created'], to: ['quote.created', 'quote.accepted'] });
  });

  it('rotates the secret: the new one is returned once, the old one keeps signing for 24 h', async () => {
    const { body: ep } = await create({ url, events: ['order.created'] });
    const before = Date.now();
    const res = await stack.http.post(`/api/v1/webhooks/${ep.id}/rotate-secret`).set(owner.headers);
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(ep.secret);
    const expires = Date.parse(res.body.previous_secret_expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3600_000 + 1000);
    const one = await stack.http.get(`/api/v1/webhooks/${ep.id}`).set(owner.headers);
    expect(one.body.previous_secret_expires_at).toBe(res.body.previous_secret_expires_at);
    const audit = await stack.http.get(`/api/v1/audit?resource_id=${ep.id}&action=webhook_endpoint.secret_rotated`).set(owner.headers);
    expect(audit.body).toHaveLength(1);
    expect(JSON.stringify(audit.body)).not.toContain(res.body.secret.slice(6));
  });

  it('deletes an endpoint', async () => {
    const { body: ep } = await create({ url, events: ['order.created'] });
    expect((await stack.http.delete(`/api/v1/webhooks/${ep.id}`).set(owner.headers)).status).toBe(204);
    expect((await stack.http.get(`/api/v1/webhooks/${ep.id}`).set(owner.headers)).status).toBe(404);
    expect((await stack.http.delete(`/api/v1/webhooks/${ep.id}`).set(owner.headers)).status).toBe(404);
    const audit = await stack.http.get(`/api/v1/audit?resource_id=${ep.id}&action=webhook_endpoint.deleted`).set(owner.headers);
    expect(audit.body).toHaveLength(1);
  });

  it('answers another tenant’s endpoints with 404 on every route', async () => {
    const { body: ep } = await create({ url, events: ['order.created'] });
    const h = other.headers;
    const zero = '00000000-0000-0000-0000-000000000000';
    const responses = await Promise.all([
      stack.http.get(`/api/v1/webhooks/${ep.id}`).set(h),
      stack.http.patch(`/api/v1/webhooks/${ep.id}`).set(h).send({ enabled: false }),
      stack.http.delete(`/api/v1/webhooks/${ep.id}`).set(h),
      stack.http.post(`/api/v1/webhooks/${ep.id}/rotate-secret`).set(h),
      stack.http.post(`/api/v1/webhooks/${ep.id}/test`).set(h),
      stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries`).set(h),
      stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries/${zero}`).set(h),
      stack.http.post(`/api/v1/webhooks/${ep.id}/deliveries/${zero}/replay`).set(h),
      stack.http.post(`/api/v1/webhooks/${ep.id}/replay?since=2026-01-01T00:00:00Z`).set(h),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(9).fill(404));
    expect((await stack.http.get('/api/v1/webhooks').set(h)).body.map((e: { id: string }) => e.id)).not.toContain(ep.id);
    // the owner's endpoint is untouched
    expect((await stack.http.get(`/api/v1/webhooks/${ep.id}`).set(owner.headers)).body.enabled).toBe(true);
    expect((await stack.http.get('/api/v1/webhooks/not-a-uuid').set(owner.headers)).status).toBe(400);
  });

  it('needs admin to manage endpoints and viewer to read them and their deliveries', async () => {
    const { body: ep } = await create({ url, events: ['order.created'] });
    const viewer = await apiKeyFor(stack, owner, 'viewer');
    const editor = await apiKeyFor(stack, owner, 'editor');
    const admin = await apiKeyFor(stack, owner, 'admin');
    expect((await stack.http.get('/api/v1/webhooks').set(viewer)).status).toBe(200);
    expect((await stack.http.get(`/api/v1/webhooks/${ep.id}`).set(viewer)).status).toBe(200);
    expect((await stack.http.get('/api/v1/webhooks/event-types').set(viewer)).status).toBe(200);
    expect((await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries`).set(viewer)).status).toBe(200);
    for (const h of [viewer, editor]) {
      expect((await create({ url, events: ['order.created'] }, h)).status).toBe(403);
      expect((await stack.http.patch(`/api/v1/webhooks/${ep.id}`).set(h).send({ enabled: false })).status).toBe(403);
      expect((await stack.http.post(`/api/v1/webhooks/${ep.id}/rotate-secret`).set(h)).status).toBe(403);
      expect((await stack.http.post(`/api/v1/webhooks/${ep.id}/test`).set(h)).status).toBe(403);
      expect((await stack.http.post(`/api/v1/webhooks/${ep.id}/replay?since=2026-01-01T00:00:00Z`).set(h)).status).toBe(403);
      expect((await stack.http.delete(`/api/v1/webhooks/${ep.id}`).set(h)).status).toBe(403);
    }
    expect((await create({ url, events: ['order.created'] }, admin)).status).toBe(201);
    expect((await stack.http.get('/api/v1/webhooks')).status).toBe(401);
    expect((await stack.http.get('/api/v1/webhooks').set({ Authorization: owner.headers.Authorization })).status).toBe(400);
  });

  it('serves the developer surface /v1/webhooks with a secret key and no tenant headers', async () => {
    const key = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'dev', environment: 'test' });
    const dev = { Authorization: `Bearer ${key.body.key}` };
    const created = await stack.http.post('/v1/webhooks').set(dev).send({ url, events: ['listing.repriced', 'settlement.completed'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const viaPlatform = await stack.http.get(`/api/v1/webhooks/${created.body.id}`).set(owner.headers);
    expect(viaPlatform.body.events).toEqual(['listing.repriced', 'settlement.completed']);
    const list = await stack.http.get('/v1/webhooks').set(dev);
    expect(list.body.map((e: { id: string }) => e.id)).toContain(created.body.id);
    const bad = await stack.http.post('/v1/webhooks').set(dev).send({ url, events: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'events' }] });
    expect((await stack.http.get('/v1/webhooks/event-types').set({ Authorization: `Bearer ${owner.token}` })).status).toBe(200);
    // another tenant's key sees none of it
    const otherKey = await stack.http.post('/api/v1/api-keys').set(other.headers).send({ name: 'dev' });
    expect((await stack.http.get(`/v1/webhooks/${created.body.id}`).set({ Authorization: `Bearer ${otherKey.body.key}` })).status).toBe(404);
  });

  it('pages the endpoint list with a Link header', async () => {
    const acct = await registerAccount(stack, 'Pager');
    for (let i = 0; i < 3; i++) await create({ url: `${url}${i}`, events: ['order.created'] }, acct.headers);
    const first = await stack.http.get('/api/v1/webhooks?limit=2').set(acct.headers);
    expect(first.body.map((e: { url: string }) => e.url)).toEqual([`${url}0`, `${url}1`]);
    const link = first.headers.link as string;
    expect(link).toMatch(/^<\/api\/v1\/webhooks\?limit=2&cursor=[^>]+>; rel="next"$/);
    const next = await stack.http.get(link.slice(1, link.indexOf('>'))).set(acct.headers);
    expect(next.body.map((e: { url: string }) => e.url)).toEqual([`${url}2`]);
    expect(next.headers.link).toBeUndefined();
    expect((await stack.http.get('/api/v1/webhooks?limit=0').set(acct.headers)).status).toBe(400);
    expect((await stack.http.get('/api/v1/webhooks?limit=101').set(acct.headers)).status).toBe(400);
    expect((await stack.http.get('/api/v1/webhooks?cursor=garbage').set(acct.headers)).status).toBe(400);
  });

  it('replays validate their input and refuse disabled endpoints', async () => {
    const { body: ep } = await create({ url, events: ['order.created'] });
    expect((await stack.http.post(`/api/v1/webhooks/${ep.id}/replay`).set(owner.headers)).status).toBe(400);
    expect((await stack.http.post(`/api/v1/webhooks/${ep.id}/replay?since=yesterday`).set(owner.headers)).status).toBe(400);
    const none = await stack.http.post(`/api/v1/webhooks/${ep.id}/replay?since=2026-01-01T00:00:00Z`).set(owner.headers);
    expect(none.status).toBe(202);
    expect(none.body).toEqual({ status: 'queued', replayed: 0, has_more: false });
    const zero = '00000000-0000-0000-0000-000000000000';
    expect((await stack.http.post(`/api/v1/webhooks/${ep.id}/deliveries/${zero}/replay`).set(owner.headers)).status).toBe(404);
    expect((await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries/${zero}`).set(owner.headers)).status).toBe(404);
    expect((await stack.http.get(`/api/v1/webhooks/${ep.id}/deliveries?status=lost`).set(owner.headers)).status).toBe(400);
    await stack.http.patch(`/api/v1/webhooks/${ep.id}`).set(owner.headers).send({ enabled: false });
    const test = await stack.http.post(`/api/v1/webhooks/${ep.id}/test`).set(owner.headers);
    expect(test.status).toBe(409);
    expect(test.body.code).toBe('WEBHOOK_ENDPOINT_DISABLED');
    expect((await stack.http.post(`/api/v1/webhooks/${ep.id}/replay?since=2026-01-01T00:00:00Z`).set(owner.headers)).status).toBe(409);
  });

  it('documents both surfaces in the OpenAPI document', async () => {
    const doc = await stack.http.get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    for (const base of ['/api/v1/webhooks', '/v1/webhooks']) {
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          base,
          `${base}/event-types`,
          `${base}/{id}`,
          `${base}/{id}/rotate-secret`,
          `${base}/{id}/test`,
          `${base}/{id}/deliveries`,
          `${base}/{id}/deliveries/{deliveryId}`,
          `${base}/{id}/deliveries/{deliveryId}/replay`,
          `${base}/{id}/replay`,
        ]),
      );
    }
    expect(doc.body.components.schemas.CreateWebhookDto.required).toEqual(['url', 'events']);
  });

  it('honours Idempotency-Key on creation', async () => {
    const body = { url, events: ['order.created'] };
    const a = await stack.http.post('/api/v1/webhooks').set(owner.headers).set('Idempotency-Key', 'wh-create-1').send(body);
    const b = await stack.http.post('/api/v1/webhooks').set(owner.headers).set('Idempotency-Key', 'wh-create-1').send(body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotent-replayed']).toBe('true');
  });
});

describe('webhook targets on private networks (ALLOW_PRIVATE_NETWORK_TARGETS=false)', () => {
  let stack: Stack;
  let acct: TestAccount;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    stack = await startStack({
      worker: true,
      env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'false', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_RETRY_SCHEDULE: '0,200,400,800' },
    });
    acct = await registerAccount(stack);
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
  });

  it('refuses loopback, private, link-local, CGNAT and mapped addresses at creation and on update', async () => {
    for (const target of [
      receiver.url('/hook'),
      'http://localhost/hook',
      'http://10.0.0.5/hook',
      'http://172.20.1.1/hook',
      'http://192.168.1.10/hook',
      'http://100.64.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0/hook',
      'http://[::1]/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'http://2130706433/hook',
    ]) {
      const res = await stack.http.post('/api/v1/webhooks').set(acct.headers).send({ url: target, events: ['order.created'] });
      expect({ target, status: res.status, code: res.body.code }).toEqual({ target, status: 400, code: 'WEBHOOK_URL_NOT_ALLOWED' });
      expect(res.body.details).toEqual([{ field: 'url', message: expect.stringMatching(/not allowed/) }]);
    }
    const ok = await stack.http.post('/api/v1/webhooks').set(acct.headers).send({ url: 'http://93.184.216.34/hook', events: ['order.created'] });
    expect(ok.status).toBe(201);
    const patch = await stack.http.patch(`/api/v1/webhooks/${ok.body.id}`).set(acct.headers).send({ url: 'http://127.0.0.1:1/x' });
    expect(patch.status).toBe(400);
    expect(patch.body.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
    await stack.http.delete(`/api/v1/webhooks/${ok.body.id}`).set(acct.headers);
  });

  it('checks the address again at delivery: an endpoint that now points inside is refused, nothing is sent', async () => {
    // as if the name's DNS record changed after creation: created with a public address, then
    // pointed at loopback behind the API's back
    const created = await stack.http.post('/api/v1/webhooks').set(acct.headers).send({ url: 'http://93.184.216.34/in', events: ['order.created'] });
    expect(created.status).toBe(201);
    const rows = [{ id: created.body.id as string }];
    await stack.db.pool.query(`UPDATE webhook_endpoints SET url = $2 WHERE id = $1`, [rows[0].id, receiver.url('/inside')]);
    await emitEvent(stack, acct.tenantId, 'order.created', { id: 'ord_1', marketplace: 'ebay', total: 24.99 });
    const failed = await eventually(async () => {
      const d = await stack.http.get(`/api/v1/webhooks/${rows[0].id}/deliveries`).set(acct.headers);
      return d.body[0]?.status === 'failed' ? d.body[0] : undefined;
    });
    expect(failed.attempts).toBe(1);
    expect(failed.last_response_code).toBeNull();
    expect(failed.last_error).toMatch(/^refused: 127\.0\.0\.1 resolves to a loopback address/);
    expect(receiver.at('/inside')).toHaveLength(0);
  });
});
