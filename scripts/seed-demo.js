#!/usr/bin/env node
/* Creates a demo tenant on an empty database and prints a fresh token for it with a curl example. */
'use strict';
const { randomBytes } = require('node:crypto');

async function main() {
  require('reflect-metadata');
  const { loadConfig } = require('../dist/libs/config/src');
  const { createDataSource } = require('../dist/libs/database/src');
  const { TokenService } = require('../dist/libs/auth/src');
  const { hashPassword } = require('../dist/libs/crypto/src');
  const config = loadConfig();
  const ds = createDataSource(config, 'synq-seed');
  await ds.initialize();
  const email = 'demo@synq.local';
  try {
    let password;
    const existing = await ds.query('SELECT id FROM users WHERE email = $1', [email]);
    const tenants = await ds.query('SELECT count(*)::int AS n FROM tenants');
    if (existing.length === 0 && tenants[0].n === 0) {
      password = randomBytes(9).toString('base64url');
      const hash = await hashPassword(password);
      await ds.transaction(async (m) => {
        const [t] = await m.query(`INSERT INTO tenants (name, plan) VALUES ('Demo Store', 'starter') RETURNING id`);
        const [o] = await m.query(`INSERT INTO organizations (tenant_id, name) VALUES ($1, 'Demo Store') RETURNING id`, [t.id]);
        const [u] = await m.query(`INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id`, [email, hash]);
        await m.query(`INSERT INTO memberships (tenant_id, org_id, user_id, role) VALUES ($1, $2, $3, 'owner')`, [t.id, o.id, u.id]);
        await m.query(`INSERT INTO tenant_settings (tenant_id) VALUES ($1)`, [t.id]);
        await m.query(
          `INSERT INTO audit_events (tenant_id, org_id, actor_type, actor_id, action, resource_type, resource_id, changes)
           VALUES ($1, $2, 'system', 'seed-demo', 'account.created', 'tenant', $3, '{}')`,
          [t.id, o.id, t.id],
        );
      });
    }
    const rows = await ds.query(
      `SELECT u.id, m.tenant_id, m.org_id, m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = $1 ORDER BY m.created_at LIMIT 1`,
      [email],
    );
    if (!rows[0]) {
      console.log('[synq] database already has tenants; sign in with POST /api/auth/login');
      return;
    }
    const { id, tenant_id: tenantId, org_id: orgId, role } = rows[0];
    const token = new TokenService(config).issue({ sub: id, tenantId, orgId, email, role });
    const base = `http://localhost:${config.port}`;
    console.log(`
[synq] demo tenant ready: ${email}${password ? ` / password ${password}` : ''}
[synq] token (valid ${Math.round(config.jwtExpiresInSeconds / 86400)} days):

export SYNQ_TOKEN=${token}

curl ${base}/api/v1/organization \\
  -H "Authorization: Bearer $SYNQ_TOKEN" \\
  -H "X-Tenant-ID: ${tenantId}" \\
  -H "X-Org-ID: ${orgId}"
`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(`[synq] seed failed: ${err.message}`);
  process.exit(1);
});
