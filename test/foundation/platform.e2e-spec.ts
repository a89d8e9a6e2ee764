import { TokenService } from '@synq/auth';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { startStack, Stack } from '../helpers/stack';

describe('Platform API foundation', () => {
  let stack: Stack;
  let owner: TestAccount;
  let other: TestAccount;
  beforeAll(async () => {
    stack = await startStack();
    owner = await registerAccount(stack, 'Keys Inc');
    other = await registerAccount(stack, 'Other Inc');
  });
  afterAll(async () => stack.stop());

  describe('secret API keys', () => {
    it('shows the key once, lists it redacted, and refuses it at once when revoked', async () => {
      const created = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'ERP', environment: 'live' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'ERP',
        key: expect.stringMatching(/^sk_live_[A-Za-z0-9_-]{43}$/),
        prefix: created.body.key.slice(0, 10),
        environment: 'live',
        role: 'admin',
        created_at: expect.any(String),
      });
      const stored = await stack.db.pool.query('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
      expect(stored.rows[0].key_hash).not.toContain(created.body.key);

      const list = await stack.http.get('/api/v1/api-keys').set(owner.headers);
      expect(list.status).toBe(200);
      const listed = list.body.find((k: { id: string }) => k.id === created.body.id);
      expect(listed.redacted_key).toMatch(/^sk_live_..….{3}$/);
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);

      const keyHeaders = { Authorization: `Bearer ${created.body.key}`, 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId };
      expect((await stack.http.get('/api/v1/organization').set(keyHeaders)).status).toBe(200);

      const test = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'sandbox', environment: 'test' });
      expect(test.body.key).toMatch(/^sk_test_/);

      // another tenant cannot revoke it
      expect((await stack.http.delete(`/api/v1/api-keys/${created.body.id}`).set(other.headers)).status).toBe(404);
      expect((await stack.http.delete(`/api/v1/api-keys/${created.body.id}`).set(owner.headers)).status).toBe(204);
      const after = await stack.http.get('/api/v1/organization').set(keyHeaders);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('UNAUTHORIZED');
    });

    it('a key used with another tenant’s headers is refused with 403', async () => {
      const created = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'x' });
      const res = await stack.http
        .get('/api/v1/organization')
        .set({ Authorization: `Bearer ${created.body.key}`, 'X-Tenant-ID': other.tenantId, 'X-Org-ID': other.orgId });
      expect(res.status).toBe(403);
    });

    it('only admins manage keys; an editor key cannot', async () => {
      const editor = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'editor', role: 'editor' });
      const res = await stack.http
        .post('/api/v1/api-keys')
        .set({ Authorization: `Bearer ${editor.body.key}`, 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId })
        .send({ name: 'escalate' });
      expect(res.status).toBe(403);
    });
  });

  describe('organization and members', () => {
    it('reads and updates the profile with validation', async () => {
      const res = await stack.http.patch('/api/v1/organization').set(owner.headers).send({ name: 'Keys Ltd', website: 'https://keys.example' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Keys Ltd', website: 'https://keys.example' });
      const bad = await stack.http.patch('/api/v1/organization').set(owner.headers).send({ website: 'ftp://x' });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('website');
    });

    it('adds, re-roles and removes members; the last owner stays', async () => {
      const added = await stack.http.post('/api/v1/organization/members').set(owner.headers).send({ email: 'Ed@Example.com', role: 'editor' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ email: 'ed@example.com', role: 'editor' });
      const dup = await stack.http.post('/api/v1/organization/members').set(owner.headers).send({ email: 'ed@example.com', role: 'viewer' });
      expect(dup.status).toBe(409);

      const list = await stack.http.get('/api/v1/organization/members').set(owner.headers);
      expect(list.status).toBe(200);
      expect(list.body.map((m: { email: string }) => m.email)).toEqual([owner.email, 'ed@example.com']);
      const ownerMember = list.body[0];

      const promoted = await stack.http.patch(`/api/v1/organization/members/${added.body.id}`).set(owner.headers).send({ role: 'admin' });
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('admin');

      const demoteLast = await stack.http.patch(`/api/v1/organization/members/${ownerMember.id}`).set(owner.headers).send({ role: 'admin' });
      expect(demoteLast.status).toBe(409);
      expect(demoteLast.body.code).toBe('LAST_OWNER');
      const removeLast = await stack.http.delete(`/api/v1/organization/members/${ownerMember.id}`).set(owner.headers);
      expect(removeLast.status).toBe(409);

      // another tenant's member id is a 404
      expect((await stack.http.patch(`/api/v1/organization/members/${added.body.id}`).set(other.headers).send({ role: 'viewer' })).status).toBe(404);
      expect((await stack.http.delete(`/api/v1/organization/members/${added.body.id}`).set(owner.headers)).status).toBe(204);
      const bad = await stack.http.post('/api/v1/organization/members').set(owner.headers).send({ email: 'x@example.com', role: 'god' });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('role');
    });

    it("a removed member's or re-roled member's tokens stop working at once", async () => {
      const added = await stack.http.post('/api/v1/organization/members').set(owner.headers).send({ email: 'revoke@example.com', role: 'editor' });
      expect(added.status).toBe(201);
      const { rows } = await stack.db.pool.query(`SELECT user_id FROM memberships WHERE id = $1`, [added.body.id]);
      const tokens = stack.api!.get(TokenService);
      const mint = (role: 'editor' | 'admin') =>
        tokens.issue({ sub: rows[0].user_id, tenantId: owner.tenantId, orgId: owner.orgId, email: 'revoke@example.com', role });
      const headers = (t: string) => ({ Authorization: `Bearer ${t}`, 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId });
      const editorToken = mint('editor');
      expect((await stack.http.get('/api/v1/organization').set(headers(editorToken))).status).toBe(200);

      expect((await stack.http.patch(`/api/v1/organization/members/${added.body.id}`).set(owner.headers).send({ role: 'viewer' })).status).toBe(200);
      const refused = await stack.http.get('/api/v1/organization').set(headers(editorToken));
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatch(/revoked/);
      // the owner's own token is untouched
      expect((await stack.http.get('/api/v1/organization').set(owner.headers)).status).toBe(200);

      await new Promise((r) => setTimeout(r, 1100)); // a token issued after the change works
      const fresh = mint('editor');
      expect((await stack.http.get('/api/v1/organization').set(headers(fresh))).status).toBe(200);
      expect((await stack.http.delete(`/api/v1/organization/members/${added.body.id}`).set(owner.headers)).status).toBe(204);
      expect((await stack.http.get('/api/v1/organization').set(headers(fresh))).status).toBe(401);
    });

    it('pages members by cursor with a Link header', async () => {
      for (let i = 0; i < 3; i++) {
        await stack.http.post('/api/v1/organization/members').set(owner.headers).send({ email: `p${i}@example.com`, role: 'viewer' });
      }
      const first = await stack.http.get('/api/v1/organization/members?limit=2').set(owner.headers);
      expect(first.body).toHaveLength(2);
      const link = first.headers.link as string;
      expect(link).toMatch(/^<\/api\/v1\/organization\/members\?limit=2&cursor=[^>]+>; rel="next"$/);
      const next = await stack.http.get(link.slice(1, link.indexOf('>'))).set(owner.headers);
      expect(next.body).toHaveLength(2);
      expect(next.body[0].id).not.toBe(first.body[1].id);
      const bad = await stack.http.get('/api/v1/organization/members?cursor=garbage').set(owner.headers);
      expect(bad.status).toBe(400);
    });
  });

  describe('settings', () => {
    it('returns defaults and validates updates', async () => {
      const res = await stack.http.get('/api/v1/settings').set(owner.headers);
      expect(res.body).toMatchObject({ default_currency: 'USD', auto_sync: false, low_stock_threshold: 5, allow_backorders: false, timezone: 'UTC' });
      const up = await stack.http
        .patch('/api/v1/settings')
        .set(owner.headers)
        .send({ default_currency: 'NOK', auto_sync: true, low_stock_threshold: 3, timezone: 'Europe/Oslo' });
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ default_currency: 'NOK', auto_sync: true, low_stock_threshold: 3, timezone: 'Europe/Oslo' });
      for (const body of [{ default_currency: 'XYZ' }, { default_currency: 'usd' }, { auto_sync: 'yes' }, { low_stock_threshold: -1 }, { timezone: 'Mars/Base' }, { colour: 'red' }]) {
        const bad = await stack.http.patch('/api/v1/settings').set(owner.headers).send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.details[0].field).toBe(Object.keys(body)[0]);
      }
      const otherSettings = await stack.http.get('/api/v1/settings').set(other.headers);
      expect(otherSettings.body.default_currency).toBe('USD');
    });
  });

  describe('audit log', () => {
    it('records every mutation with actor, difference and request id, filterable and paged', async () => {
      await stack.http.patch('/api/v1/settings').set(owner.headers).set('X-Request-ID', 'req-audit-1').send({ low_stock_threshold: 9 });
      const res = await stack.http.get('/api/v1/audit?resource_type=settings').set(owner.headers);
      expect(res.status).toBe(200);
      expect(res.body[0]).toMatchObject({
        actor_type: 'user',
        actor_id: owner.userId,
        action: 'settings.updated',
        resource_type: 'settings',
        resource_id: owner.tenantId,
        request_id: 'req-audit-1',
        changes: { low_stock_threshold: { from: 3, to: 9 } },
      });
      const byAction = await stack.http.get('/api/v1/audit?action=member.added&limit=1').set(owner.headers);
      expect(byAction.body).toHaveLength(1);
      expect(byAction.headers.link).toContain('rel="next"');
      const future = await stack.http.get(`/api/v1/audit?from=${new Date(Date.now() + 3600_000).toISOString()}`).set(owner.headers);
      expect(future.body).toEqual([]);
      const foreign = await stack.http.get('/api/v1/audit').set(other.headers);
      expect(foreign.body.every((e: { resource_id: string }) => e.resource_id !== owner.tenantId)).toBe(true);
      expect((await stack.http.get('/api/v1/audit?from=yesterday').set(owner.headers)).status).toBe(400);
    });

    it('is append-only: the database refuses UPDATE and DELETE', async () => {
      await expect(stack.db.pool.query(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(stack.db.pool.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(stack.db.pool.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    });
  });

  describe('conventions', () => {
    it('rejects bodies over 10 MB with 413 in each surface shape', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024 + 10) });
      const platform = await stack.http.post('/api/v1/api-keys').set(owner.headers).set('Content-Type', 'application/json').send(big);
      expect(platform.status).toBe(413);
      expect(platform.body).toEqual({ error: expect.stringContaining('10 MB'), code: 'PAYLOAD_TOO_LARGE' });
      const plugin = await stack.http.post('/api/auth/login').set('Content-Type', 'application/json').send(big);
      expect(plugin.status).toBe(413);
      expect(plugin.body).toEqual({ statusCode: 413, message: expect.any(String), error: 'Payload Too Large' });
    });

    it('answers malformed JSON with 400', async () => {
      const res = await stack.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"email":');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: 'Request body is not valid JSON', error: 'Bad Request' });
    });

    it('replays a creating POST with the same Idempotency-Key and refuses another body with 422', async () => {
      const first = await stack.http.post('/api/v1/api-keys').set(owner.headers).set('Idempotency-Key', 'key-create-1').send({ name: 'idem' });
      expect(first.status).toBe(201);
      const again = await stack.http.post('/api/v1/api-keys').set(owner.headers).set('Idempotency-Key', 'key-create-1').send({ name: 'idem' });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const keys = await stack.db.pool.query(`SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND name = 'idem'`, [owner.tenantId]);
      expect(keys.rows[0].n).toBe(1);
      const changed = await stack.http.post('/api/v1/api-keys').set(owner.headers).set('Idempotency-Key', 'key-create-1').send({ name: 'other' });
      expect(changed.status).toBe(422);
      expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      // keys are scoped to the caller: another tenant using the same key gets its own result
      const foreign = await stack.http.post('/api/v1/api-keys').set(other.headers).set('Idempotency-Key', 'key-create-1').send({ name: 'idem' });
      expect(foreign.status).toBe(201);
      expect(foreign.body.id).not.toBe(first.body.id);
    });

    it('echoes X-Request-ID or assigns one', async () => {
      const res = await stack.http.get('/health/live').set('X-Request-ID', 'abc-123');
      expect(res.headers['x-request-id']).toBe('abc-123');
      const gen = await stack.http.get('/health/live');
      expect(gen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('serves health, metrics and the OpenAPI document', async () => {
      expect((await stack.http.get('/health/live')).body).toEqual({ status: 'ok' });
      expect((await stack.http.get('/health/ready')).body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
      const metrics = await stack.http.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('synq_http_request_duration_seconds');
      const doc = await stack.http.get('/docs/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.paths['/api/v1/api-keys']).toBeDefined();
      expect(doc.body.paths['/api/auth/register']).toBeDefined();
      const ui = await stack.http.get('/docs');
      expect(ui.status).toBe(200);
    });
  });
});
