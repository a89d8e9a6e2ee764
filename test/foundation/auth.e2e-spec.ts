import { createSigner } from 'fast-jwt';
import { registerAccount, TestAccount } from '../helpers/accounts';
import { startStack, Stack } from '../helpers/stack';

describe('accounts and sessions', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack.stop());

  describe('register and login', () => {
    it('registers an owner and returns a token with the documented claims', async () => {
      const res = await stack.http
        .post('/api/auth/register')
        .send({ email: 'Founder@Example.com', password: 'correct horse battery', organizationName: 'Nordvik' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        token: expect.any(String),
        user: { id: expect.any(String), email: 'founder@example.com', tenantId: expect.any(String), orgId: expect.any(String), role: 'owner' },
      });
      expect(JSON.stringify(res.body)).not.toContain('password');
      const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({
        sub: res.body.user.id,
        tenantId: res.body.user.tenantId,
        orgId: res.body.user.orgId,
        email: 'founder@example.com',
        role: 'owner',
      });
      expect(claims.exp).toBeGreaterThan(claims.iat);

      const row = await stack.db.pool.query('SELECT password_hash FROM users WHERE email = $1', ['founder@example.com']);
      expect(row.rows[0].password_hash).toMatch(/^scrypt\$/);
    });

    it('refuses a second account for the same email', async () => {
      const res = await stack.http
        .post('/api/auth/register')
        .send({ email: 'founder@example.com', password: 'another password', organizationName: 'Other' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ statusCode: 409, message: expect.any(String), error: 'ACCOUNT_EXISTS' });
    });

    it('logs in with the right password and refuses a wrong one', async () => {
      const ok = await stack.http.post('/api/auth/login').send({ email: 'FOUNDER@example.com', password: 'correct horse battery' });
      expect(ok.status).toBe(200);
      expect(ok.body.user).toMatchObject({ email: 'founder@example.com', role: 'owner' });
      const bad = await stack.http.post('/api/auth/login').send({ email: 'founder@example.com', password: 'wrong password' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ statusCode: 401, message: 'Invalid email or password', error: 'INVALID_CREDENTIALS' });
      const unknown = await stack.http.post('/api/auth/login').send({ email: 'nobody@example.com', password: 'wrong password' });
      expect(unknown.status).toBe(401);
    });

    it('validates the body and names the field', async () => {
      const res = await stack.http.post('/api/auth/register').send({ email: 'not-an-email', password: 'short', organizationName: '' });
      expect(res.status).toBe(400);
      expect(res.body.statusCode).toBe(400);
      expect(res.body.error).toBe('Bad Request');
      expect(res.body.message).toContain('email must be a valid email address');
      expect(res.body.message).toContain('password must be longer than or equal to 8 characters');
      const extra = await stack.http
        .post('/api/auth/register')
        .send({ email: 'x@example.com', password: 'long enough pw', organizationName: 'X', isAdmin: true });
      expect(extra.status).toBe(400);
      expect(extra.body.message).toContain('isAdmin is not allowed');
      const huge = await stack.http
        .post('/api/auth/register')
        .send({ email: 'y@example.com', password: 'long enough pw', organizationName: 'x'.repeat(5000) });
      expect(huge.status).toBe(400);
      expect(huge.body.message).toContain('organizationName');
    });
  });

  describe('register-from-plugin', () => {
    const siteSecret = 'plugin-site-secret-0123456789';

    it('creates an account silently, then returns it only with the site secret', async () => {
      const first = await stack.http
        .post('/api/auth/register-from-plugin')
        .send({ email: 'admin@yourstore.com', storeUrl: 'https://www.yourstore.com/', source: 'woo-plugin', siteSecret });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ token: expect.any(String), user: { id: expect.any(String), email: 'admin@yourstore.com' }, isNewAccount: true });

      const again = await stack.http
        .post('/api/auth/register-from-plugin')
        .send({ email: 'admin@yourstore.com', storeUrl: 'https://yourstore.com', source: 'woo-plugin', siteSecret });
      expect(again.status).toBe(200);
      expect(again.body.isNewAccount).toBe(false);
      expect(again.body.user.id).toBe(first.body.user.id);

      const status = await stack.http.get('/api/auth/account-status').set('Authorization', `Bearer ${again.body.token}`);
      expect(status.status).toBe(200);
      expect(status.body).toEqual({ connected: false, email: 'admin@yourstore.com', plan: 'starter', organizationName: 'yourstore.com' });
    });

    it('refuses a token for an existing email without proof (409 ACCOUNT_EXISTS)', async () => {
      const noSecret = await stack.http
        .post('/api/auth/register-from-plugin')
        .send({ email: 'admin@yourstore.com', storeUrl: 'https://yourstore.com', source: 'woo-plugin' });
      expect(noSecret.status).toBe(409);
      expect(noSecret.body).toEqual({ statusCode: 409, message: expect.any(String), error: 'ACCOUNT_EXISTS' });
      expect(noSecret.body.token).toBeUndefined();

      const wrongSecret = await stack.http
        .post('/api/auth/register-from-plugin')
        .send({ email: 'admin@yourstore.com', storeUrl: 'https://yourstore.com', source: 'woo-plugin', siteSecret: 'guessed-secret-guessed' });
      expect(wrongSecret.status).toBe(409);

      const otherStore = await stack.http
        .post('/api/auth/register-from-plugin')
        .send({ email: 'admin@yourstore.com', storeUrl: 'https://attacker.example', source: 'woo-plugin', siteSecret });
      expect(otherStore.status).toBe(409);

      // an account registered with a password is never handed out through the plugin route
      const founder = await stack.http
        .post('/api/auth/register-from-plugin')
        .send({ email: 'founder@example.com', storeUrl: 'https://founder.example', source: 'woo-plugin', siteSecret });
      expect(founder.status).toBe(409);
    });

    it('validates storeUrl and source', async () => {
      const res = await stack.http
        .post('/api/auth/register-from-plugin')
        .send({ email: 'a@b.example', storeUrl: 'javascript:alert(1)', source: 'woo-plugin' });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('storeUrl');
    });
  });

  describe('guards on a Platform API route', () => {
    let owner: TestAccount;
    let other: TestAccount;
    beforeAll(async () => {
      owner = await registerAccount(stack, 'Guarded');
      other = await registerAccount(stack, 'Other');
    });

    it('401 without, with malformed, forged or expired credentials', async () => {
      const base = { 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId };
      const none = await stack.http.get('/api/v1/organization').set(base);
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ error: 'Missing Authorization header', code: 'UNAUTHORIZED' });
      expect((await stack.http.get('/api/v1/organization').set(base).set('Authorization', 'Token abc')).status).toBe(401);
      expect((await stack.http.get('/api/v1/organization').set(base).set('Authorization', 'Bearer not.a.jwt')).status).toBe(401);
      const forged = createSigner({ key: 'another-secret-another-secret-another', algorithm: 'HS256', expiresIn: 60000 })({
        sub: owner.userId,
        tenantId: owner.tenantId,
        orgId: owner.orgId,
        role: 'owner',
      });
      expect((await stack.http.get('/api/v1/organization').set(base).set('Authorization', `Bearer ${forged}`)).status).toBe(401);
      const expired = createSigner({ key: stack.config.jwtSecret, algorithm: 'HS256' })({
        sub: owner.userId,
        tenantId: owner.tenantId,
        orgId: owner.orgId,
        role: 'owner',
        exp: Math.floor(Date.now() / 1000) - 5,
      });
      const exp = await stack.http.get('/api/v1/organization').set(base).set('Authorization', `Bearer ${expired}`);
      expect(exp.status).toBe(401);
      expect(exp.body.code).toBe('UNAUTHORIZED');
    });

    it('400 when X-Tenant-ID or X-Org-ID is missing', async () => {
      const res = await stack.http.get('/api/v1/organization').set('Authorization', `Bearer ${owner.token}`).set('X-Tenant-ID', owner.tenantId);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'TENANT_HEADERS_REQUIRED', details: [{ field: 'X-Org-ID' }] });
    });

    it('403 when the headers name another tenant or org', async () => {
      const res = await stack.http
        .get('/api/v1/organization')
        .set('Authorization', `Bearer ${owner.token}`)
        .set('X-Tenant-ID', other.tenantId)
        .set('X-Org-ID', owner.orgId);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_MISMATCH');
    });

    it('200 with matching credential and headers', async () => {
      const res = await stack.http.get('/api/v1/organization').set(owner.headers);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: owner.orgId, tenant_id: owner.tenantId, name: 'Guarded', plan: 'starter' });
    });

    it('403 when the role is too low', async () => {
      const viewerKey = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'read only', role: 'viewer' });
      expect(viewerKey.status).toBe(201);
      const viewer = { Authorization: `Bearer ${viewerKey.body.key}`, 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId };
      expect((await stack.http.get('/api/v1/organization').set(viewer)).status).toBe(200);
      const write = await stack.http.patch('/api/v1/organization').set(viewer).send({ name: 'Hijacked' });
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('ROLE_TOO_LOW');
      const settings = await stack.http.patch('/api/v1/settings').set(viewer).send({ auto_sync: true });
      expect(settings.status).toBe(403);
    });

    it('the plugin surface takes a JWT alone and refuses secret keys', async () => {
      const ok = await stack.http.get('/api/auth/account-status').set('Authorization', `Bearer ${owner.token}`);
      expect(ok.status).toBe(200);
      const key = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: 'k' });
      const refused = await stack.http.get('/api/auth/account-status').set('Authorization', `Bearer ${key.body.key}`);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ statusCode: 401, message: 'This endpoint accepts a JWT only', error: 'Unauthorized' });
    });

    it('unknown routes answer 404 in the surface error shape', async () => {
      const res = await stack.http.get('/api/v1/nothing-here').set(owner.headers);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: expect.any(String), code: 'NOT_FOUND' });
    });
  });
});
