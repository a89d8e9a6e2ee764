import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import type { TestAccount } from '../helpers/accounts';
import type { FakeWooCommerce } from '../fakes/fake-woocommerce';
import type { Stack } from '../helpers/stack';

export const uniqueEmail = (tag: string) => `${tag}-${randomBytes(5).toString('hex')}@example.com`;

export function connectBody(store: FakeWooCommerce, email: string, extra: Record<string, unknown> = {}) {
  return { storeUrl: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret, email, platform: 'woocommerce', pluginVersion: '1.1.0', ...extra };
}

/** The account a plugin token names, with Platform API headers. */
export function accountOf(token: string, email: string): TestAccount {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  return {
    token,
    tenantId: claims.tenantId,
    orgId: claims.orgId,
    userId: claims.sub,
    email,
    headers: { Authorization: `Bearer ${token}`, 'X-Tenant-ID': claims.tenantId, 'X-Org-ID': claims.orgId },
  };
}

/**
 * Webhook delivery URLs are PUBLIC_BASE_URL + path; the api listens on a random port known only once
 * started, so the tests point the (shared, read-at-call-time) config at it.
 */
export function usePublicUrl(stack: Stack): void {
  (stack.config as { publicBaseUrl: string }).publicBaseUrl = stack.url;
}

/** A site that is not WooCommerce: every path answers an HTML 404 (or 200 HTML with `ok200`). */
export async function plainSite(ok200 = false): Promise<{ url: string; hits: () => number; stop: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(ok200 ? 200 : 404, { 'content-type': 'text/html' }).end('<html><body>Just a blog</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function outboxJobs(stack: Stack, name: string, tenantId: string): Promise<{ payload: Record<string, unknown> }[]> {
  return (await stack.db.pool.query(`SELECT payload FROM outbox WHERE job_name = $1 AND tenant_id = $2 ORDER BY created_at`, [name, tenantId])).rows;
}
