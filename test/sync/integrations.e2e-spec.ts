import { apiKeyFor, registerAccount, TestAccount } from '../helpers/accounts';
import { connectShopify } from '../helpers/connections';
import { startStack, Stack } from '../helpers/stack';
import { FakeShopify } from '../fakes/fake-shopify';
import { FakeUnified } from '../fakes/fake-unified';

describe('integrations: connect through the unified-API provider, list, pause, disconnect', () => {
  let stack: Stack;
  let provider: FakeUnified;
  let shop: FakeShopify;
  let a: TestAccount;
  let b: TestAccount;

  beforeAll(async () => {
    provider = await new FakeUnified().start();
    shop = await new FakeShopify().start();
    stack = await startStack({
      env: {
        UNIFIED_API_BASE_URL: provider.url,
        UNIFIED_API_KEY: provider.apiKey,
        UNIFIED_WORKSPACE_ID: provider.workspaceId,
        UNIFIED_AUTH_URL: 'https://auth.example.test/integration/auth',
        UNIFIED_SUCCESS_REDIRECT_URL: 'https://partner.example.test/connected',
      },
    });
    a = await registerAccount(stack, 'Integrations A');
    b = await registerAccount(stack, 'Integrations B');
  });
  afterAll(async () => {
    await stack.stop();
    await provider.stop();
    await shop.stop();
  });

  const authUrl = async (acct: TestAccount, body: Record<string, unknown> = {}) => {
    const res = await stack.http.post('/api/v1/integrations/auth-url').set(acct.headers).send(body);
    expect(res.status).toBe(200);
    return res.body.auth_url as string;
  };
  const callback = (acct: TestAccount, body: Record<string, unknown>) => stack.http.post('/api/v1/integrations/callback').set(acct.headers).send(body);

  it('issues an authorization URL with a single-use state bound to the tenant, stored only as a hash', async () => {
    const res = await stack.http.post('/api/v1/integrations/auth-url').set(a.headers);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['auth_url']);
    const u = new URL(res.body.auth_url);
    expect(`${u.origin}${u.pathname}`).toBe('https://auth.example.test/integration/auth');
    expect(u.searchParams.get('category')).toBe('commerce');
    expect(u.searchParams.get('workspace_id')).toBe(provider.workspaceId);
    expect(u.searchParams.get('success_redirect')).toBe('https://partner.example.test/connected');
    const state = u.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(40);
    const xref = u.searchParams.get('external_xref')!;
    expect(xref).toMatch(/^synq_[0-9a-f-]{36}$/);
    const row = await stack.db.pool.query(`SELECT tenant_id, org_id, state_hash, expires_at - created_at AS ttl, used_at FROM oauth_states WHERE id = $1`, [xref.slice(5)]);
    expect(row.rows[0]).toMatchObject({ tenant_id: a.tenantId, org_id: a.orgId, used_at: null });
    expect(row.rows[0].state_hash).not.toContain(state);
    expect(JSON.stringify(row.rows)).not.toContain(state);
    const again = await authUrl(a);
    expect(new URL(again).searchParams.get('state')).not.toBe(state);

    const accounting = new URL(await authUrl(a, { category: 'accounting', failure_redirect: 'https://partner.example.test/failed' }));
    expect(accounting.searchParams.get('category')).toBe('accounting');
    expect(accounting.searchParams.get('failure_redirect')).toBe('https://partner.example.test/failed');

    expect((await stack.http.post('/api/v1/integrations/auth-url').set(a.headers).send({ success_redirect: 'javascript:alert(1)' })).status).toBe(400);
    expect((await stack.http.post('/api/v1/integrations/auth-url').set(a.headers).send({ category: 'crm' })).status).toBe(400);
    const editor = await apiKeyFor(stack, a, 'editor');
    expect((await stack.http.post('/api/v1/integrations/auth-url').set(editor)).status).toBe(403);
    expect((await stack.http.post('/api/v1/integrations/auth-url').set({ Authorization: a.headers.Authorization })).status).toBe(400);
  });

  it('auth-url → callback → connections, exactly as documented, and the callback is idempotent', async () => {
    const { connectionId, state } = provider.authorize(await authUrl(a), 'shopify');
    const res = await callback(a, { connection_id: connectionId, category: 'commerce', provider: 'shopify', state });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'success', message: 'Integration secured' });
    // the provider was asked with the API key
    const asked = provider.requests.filter((r) => r.path === `/unified/connection/${connectionId}`);
    expect(asked.length).toBe(1);
    expect(asked[0].headers.authorization).toBe(`Bearer ${provider.apiKey}`);

    const list = await stack.http.get('/api/v1/integrations/connections').set(a.headers);
    expect(list.status).toBe(200);
    expect(Object.keys(list.body)).toEqual(['connections']);
    expect(list.body.connections).toHaveLength(1);
    const c = list.body.connections[0];
    expect(Object.keys(c).sort()).toEqual(['created_at', 'id', 'provider', 'status', 'unified_connection_id', 'updated_at']);
    expect(c).toMatchObject({ unified_connection_id: connectionId, provider: 'shopify', status: 'ACTIVE' });
    expect(new Date(c.created_at).toISOString()).toBe(c.created_at);

    // repeating the callback (with or without the state) changes nothing
    expect((await callback(a, { connection_id: connectionId, state })).status).toBe(201);
    expect((await callback(a, { connection_id: connectionId })).body).toEqual({ status: 'success', message: 'Integration secured' });
    expect((await stack.http.get('/api/v1/integrations/connections').set(a.headers)).body.connections).toHaveLength(1);

    // the other tenant sees nothing and cannot claim it
    expect((await stack.http.get('/api/v1/integrations/connections').set(b.headers)).body).toEqual({ connections: [] });
    const stolen = await callback(b, { connection_id: connectionId });
    expect(stolen.status).toBe(400);
    expect(stolen.body.code).toBe('CONNECTION_NOT_AUTHORIZED');
    expect((await stack.http.get(`/api/v1/integrations/connections/${c.id}`).set(b.headers)).status).toBe(404);

    const status = await stack.http.get('/api/auth/account-status').set({ Authorization: a.headers.Authorization });
    expect(status.body.connected).toBe(true);
    expect((await stack.http.get('/api/auth/account-status').set({ Authorization: b.headers.Authorization })).body.connected).toBe(false);

    const audit = await stack.db.pool.query(`SELECT action FROM audit_events WHERE tenant_id = $1 AND resource_type = 'connection' ORDER BY created_at`, [a.tenantId]);
    expect(audit.rows.map((r) => r.action)).toContain('connection.created');
    expect(audit.rows.filter((r) => r.action === 'connection.created')).toHaveLength(1);
  });

  it('refuses connections that are unknown, foreign, replayed, expired or from another state', async () => {
    const unknown = await callback(a, { connection_id: 'conn_does_not_exist' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_CONNECTION', error: expect.stringContaining('conn_does_not_exist') });

    // created in the provider's dashboard: no external_xref from Synq
    const orphan = provider.addConnection({ integration_type: 'shopify' });
    expect((await callback(a, { connection_id: orphan.id })).body.code).toBe('CONNECTION_NOT_AUTHORIZED');

    // a state of another authorization
    const first = provider.authorize(await authUrl(a), 'shopify');
    const second = provider.authorize(await authUrl(a), 'shopify');
    const mismatch = await callback(a, { connection_id: first.connectionId, state: second.state });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.code).toBe('INVALID_STATE');

    // one authorization, one connection: a second connection echoing the same xref is refused
    expect((await callback(a, { connection_id: first.connectionId, state: first.state })).status).toBe(201);
    const replay = provider.addConnection({ integration_type: 'shopify', external_xref: provider.connections.get(first.connectionId)!.external_xref });
    expect((await callback(a, { connection_id: replay.id })).body.code).toBe('CONNECTION_NOT_AUTHORIZED');

    // expired authorization
    const late = provider.authorize(await authUrl(a), 'shopify');
    await stack.db.pool.query(`UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE id = $1`, [provider.connections.get(late.connectionId)!.external_xref!.slice(5)]);
    expect((await callback(a, { connection_id: late.connectionId })).body.code).toBe('CONNECTION_NOT_AUTHORIZED');

    // another workspace
    const foreign = provider.authorize(await authUrl(a), 'shopify');
    provider.connections.get(foreign.connectionId)!.workspace_id = 'ws_other';
    expect((await callback(a, { connection_id: foreign.connectionId })).body.code).toBe('CONNECTION_NOT_AUTHORIZED');

    // the provider failing is a 502, not a silent success
    const flaky = provider.authorize(await authUrl(a), 'shopify');
    provider.failNext(1, { status: 500, body: { message: 'upstream exploded' } });
    const down = await callback(a, { connection_id: flaky.connectionId });
    expect(down.status).toBe(502);
    expect(down.body.code).toBe('PROVIDER_UNAVAILABLE');
    expect((await callback(a, { connection_id: flaky.connectionId })).status).toBe(201);
  });

  it('falls back to the body’s provider outside production, and checks the category', async () => {
    const nameless = provider.authorize(await authUrl(b), null);
    const without = await callback(b, { connection_id: nameless.connectionId });
    expect(without.status).toBe(400);
    expect(without.body.code).toBe('PROVIDER_UNKNOWN');
    expect((await callback(b, { connection_id: nameless.connectionId, provider: 'woocommerce' })).status).toBe(201);
    const list = await stack.http.get('/api/v1/integrations/connections').set(b.headers);
    expect(list.body.connections.map((c: { provider: string }) => c.provider)).toEqual(['woocommerce']);

    const acct = provider.authorize(await authUrl(b, { category: 'accounting' }), 'quickbooks');
    const wrong = await callback(b, { connection_id: acct.connectionId });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('CATEGORY_MISMATCH');
    expect((await callback(b, { connection_id: acct.connectionId, category: 'accounting' })).status).toBe(201);
    const all = await stack.http.get('/api/v1/integrations/connections').set(b.headers);
    expect(all.body.connections.map((c: { provider: string }) => c.provider)).toEqual(['woocommerce', 'quickbooks']);
    const detail = await stack.http.get(`/api/v1/integrations/connections/${all.body.connections[1].id}`).set(b.headers);
    expect(detail.body).toMatchObject({ category: 'accounting', kind: 'unified', provider: 'quickbooks' });
  });

  it('validates the callback body', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'connection_id'],
      [{ connection_id: '' }, 'connection_id'],
      [{ connection_id: 'x'.repeat(201) }, 'connection_id'],
      [{ connection_id: 123 }, 'connection_id'],
      [{ connection_id: 'conn x' }, 'connection_id'],
      [{ connection_id: 'conn_1', category: 'crm' }, 'category'],
      [{ connection_id: 'conn_1', provider: 'Shopify' }, 'provider'],
      [{ connection_id: 'conn_1', provider: 'p'.repeat(41) }, 'provider'],
      [{ connection_id: 'conn_1', state: '' }, 'state'],
      [{ connection_id: 'conn_1', tenant_id: b.tenantId }, 'tenant_id'],
    ];
    for (const [body, field] of cases) {
      const res = await callback(a, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it('shows health, pauses, resumes and disconnects (credentials erased), all audited', async () => {
    const id = await connectShopify(stack, a, shop);
    const sealed = await stack.db.pool.query(`SELECT credentials_sealed FROM connections WHERE id = $1`, [id]);
    expect(sealed.rows[0].credentials_sealed).toMatch(/^v1\./);
    expect(sealed.rows[0].credentials_sealed).not.toContain(shop.accessToken);

    const got = await stack.http.get(`/api/v1/integrations/connections/${id}`).set(a.headers);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, provider: 'shopify', kind: 'shopify', category: 'commerce', status: 'ACTIVE', unified_connection_id: null, base_url: shop.url, last_healthy_at: null, last_error: null });
    expect(JSON.stringify(got.body)).not.toContain(shop.accessToken);
    expect(JSON.stringify(got.body)).not.toContain('credentials');
    expect((await stack.http.get('/api/v1/integrations/connections/not-a-uuid').set(a.headers)).status).toBe(400);

    const paused = await stack.http.patch(`/api/v1/integrations/connections/${id}`).set(a.headers).send({ status: 'PAUSED' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('PAUSED');
    const active = (await stack.http.get('/api/v1/integrations/connections').set(a.headers)).body.connections.map((c: { id: string }) => c.id);
    expect(active).not.toContain(id);
    const everything = (await stack.http.get('/api/v1/integrations/connections?status=ALL').set(a.headers)).body.connections.map((c: { id: string }) => c.id);
    expect(everything).toContain(id);
    expect((await stack.http.patch(`/api/v1/integrations/connections/${id}`).set(a.headers).send({ status: 'ACTIVE' })).body.status).toBe('ACTIVE');
    for (const body of [{ status: 'REVOKED' }, { status: 'ERROR' }, {}, { status: 'ACTIVE', base_url: 'https://evil.test' }]) {
      expect((await stack.http.patch(`/api/v1/integrations/connections/${id}`).set(a.headers).send(body)).status).toBe(400);
    }
    expect((await stack.http.patch(`/api/v1/integrations/connections/${id}`).set(b.headers).send({ status: 'PAUSED' })).status).toBe(404);
    expect((await stack.http.delete(`/api/v1/integrations/connections/${id}`).set(b.headers)).status).toBe(404);

    const gone = await stack.http.delete(`/api/v1/integrations/connections/${id}`).set(a.headers);
    expect(gone.status).toBe(200);
    expect(gone.body.status).toBe('REVOKED');
    const erased = await stack.db.pool.query(`SELECT status, credentials_sealed FROM connections WHERE id = $1`, [id]);
    expect(erased.rows[0]).toEqual({ status: 'REVOKED', credentials_sealed: null });
    expect((await stack.http.delete(`/api/v1/integrations/connections/${id}`).set(a.headers)).status).toBe(200);
    const resume = await stack.http.patch(`/api/v1/integrations/connections/${id}`).set(a.headers).send({ status: 'ACTIVE' });
    expect(resume.status).toBe(409);
    expect(resume.body.code).toBe('CONNECTION_REVOKED');

    const audit = await stack.db.pool.query(`SELECT action FROM audit_events WHERE tenant_id = $1 AND resource_id = $2 ORDER BY created_at, id`, [a.tenantId, id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['connection.created', 'connection.paused', 'connection.resumed', 'connection.revoked']);
  });
});
