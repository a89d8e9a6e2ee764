import { randomBytes } from 'node:crypto';
import { TokenService } from '@synq/auth';
import { registerAccount } from '../helpers/accounts';
import { createTestDatabase, startStack, Stack, TestDatabase } from '../helpers/stack';

/**
 * The api keeps resolved API keys and JWT revocation states for a moment per process; a revocation
 * on one replica must still be refused by the next request on any other.
 */
describe('per-replica auth caches honour revocations made on another replica', () => {
  let db: TestDatabase;
  let a: Stack;
  let b: Stack;
  const prefix = `synqt_rc_${randomBytes(4).toString('hex')}`;
  const eventually = async (f: () => Promise<boolean>) => {
    for (let i = 0; i < 25 && !(await f()); i++) await new Promise((r) => setTimeout(r, 20));
    return f();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startStack({ database: db, redisPrefix: prefix });
    b = await startStack({ database: db, redisPrefix: prefix });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await db.drop();
  });

  it('an API key revoked on replica A is refused by replica B, which had just used it', async () => {
    const owner = await registerAccount(a);
    const created = await a.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'ci', role: 'editor' });
    expect(created.status).toBe(201);
    const headers = { Authorization: `Bearer ${created.body.key}`, 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId };
    for (let i = 0; i < 3; i++) expect((await b.http.get('/api/v1/organization').set(headers)).status).toBe(200);

    expect((await a.http.delete(`/api/v1/api-keys/${created.body.id}`).set(owner.headers)).status).toBe(204);
    expect((await a.http.get('/api/v1/organization').set(headers)).status).toBe(401);
    expect(await eventually(async () => (await b.http.get('/api/v1/organization').set(headers)).status === 401)).toBe(true);
  });

  it("a member's token revoked on replica A is refused by replica B, which had just accepted it", async () => {
    const owner = await registerAccount(a);
    const added = await a.http.post('/api/v1/organization/members').set(owner.headers).send({ email: `m-${randomBytes(3).toString('hex')}@example.com`, role: 'editor' });
    expect(added.status).toBe(201);
    const { rows } = await a.db.pool.query(`SELECT user_id FROM memberships WHERE id = $1`, [added.body.id]);
    const token = a.api!.get(TokenService).issue({ sub: rows[0].user_id, tenantId: owner.tenantId, orgId: owner.orgId, email: 'm@example.com', role: 'editor' });
    const headers = { Authorization: `Bearer ${token}`, 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId };
    for (let i = 0; i < 3; i++) expect((await b.http.get('/api/v1/organization').set(headers)).status).toBe(200);

    expect((await a.http.patch(`/api/v1/organization/members/${added.body.id}`).set(owner.headers).send({ role: 'viewer' })).status).toBe(200);
    expect(await eventually(async () => (await b.http.get('/api/v1/organization').set(headers)).status === 401)).toBe(true);
  });
});
