import { randomBytes } from 'node:crypto';
import type { Stack } from './stack';

export interface TestAccount {
  token: string;
  tenantId: string;
  orgId: string;
  userId: string;
  email: string;
  /** Platform API headers: bearer + tenant + org */
  headers: Record<string, string>;
}

export async function registerAccount(stack: Stack, name = 'Acme'): Promise<TestAccount> {
  const email = `owner-${randomBytes(5).toString('hex')}@example.com`;
  const res = await stack.http.post('/api/auth/register').send({ email, password: 'correct horse battery', organizationName: name });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const { token, user } = res.body;
  return {
    token,
    tenantId: user.tenantId,
    orgId: user.orgId,
    userId: user.id,
    email,
    headers: { Authorization: `Bearer ${token}`, 'X-Tenant-ID': user.tenantId, 'X-Org-ID': user.orgId },
  };
}

/** Adds a member with a role and returns a token issued for them (via login after setting no password: uses the API key path instead). */
export async function apiKeyFor(stack: Stack, owner: TestAccount, role: 'admin' | 'editor' | 'viewer'): Promise<Record<string, string>> {
  const res = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: `${role} key`, role });
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { Authorization: `Bearer ${res.body.key}`, 'X-Tenant-ID': owner.tenantId, 'X-Org-ID': owner.orgId };
}
