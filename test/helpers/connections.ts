import type { TenantContext } from '@synq/common';
import { ConnectionsStore, DirectConnectionInput } from '@synq/integrations';
import type { FakeShopify } from '../fakes/fake-shopify';
import type { FakeUnified } from '../fakes/fake-unified';
import type { FakeWooCommerce } from '../fakes/fake-woocommerce';
import type { TestAccount } from './accounts';
import type { Stack } from './stack';

function ownerContext(acct: TestAccount): TenantContext {
  return { tenantId: acct.tenantId, orgId: acct.orgId, role: 'owner', actorType: 'user', actorId: acct.userId, email: acct.email };
}

/**
 * Stores a direct (Shopify/WooCommerce) connection through the real ConnectionsStore (credentials
 * sealed with SecretBox, audited), skipping the install flows (Shopify OAuth, the plugin's connect:
 * test/plugin) for specs that are about what happens after.
 */
export async function connectDirect(stack: Stack, acct: TestAccount, input: DirectConnectionInput): Promise<string> {
  if (!stack.api) throw new Error('connectDirect needs the api');
  return (await stack.api.get(ConnectionsStore, { strict: false }).saveDirect(ownerContext(acct), input)).id;
}

export function connectShopify(stack: Stack, acct: TestAccount, shop: FakeShopify, token = shop.accessToken): Promise<string> {
  return connectDirect(stack, acct, { kind: 'shopify', provider: 'shopify', baseUrl: shop.url, credentials: { accessToken: token }, displayName: 'Fake Shopify' });
}

export function connectWooCommerce(stack: Stack, acct: TestAccount, store: FakeWooCommerce): Promise<string> {
  return connectDirect(stack, acct, {
    kind: 'woocommerce',
    provider: 'woocommerce',
    baseUrl: store.url,
    credentials: { consumerKey: store.consumerKey, consumerSecret: store.consumerSecret },
    displayName: 'Fake WooCommerce',
  });
}

/** The documented flow: auth-url → the user authorizes at the provider → callback. Answers the Synq connection id. */
export async function connectUnified(stack: Stack, acct: TestAccount, provider: FakeUnified, integrationType = 'amazon'): Promise<{ id: string; unifiedId: string }> {
  const url = await stack.http.post('/api/v1/integrations/auth-url').set(acct.headers).send({});
  if (url.status !== 200) throw new Error(`auth-url failed: ${url.status} ${JSON.stringify(url.body)}`);
  const { connectionId, state } = provider.authorize(url.body.auth_url, integrationType);
  const cb = await stack.http.post('/api/v1/integrations/callback').set(acct.headers).send({ connection_id: connectionId, state });
  if (cb.status !== 201) throw new Error(`callback failed: ${cb.status} ${JSON.stringify(cb.body)}`);
  const rows = await stack.db.pool.query(`SELECT id FROM connections WHERE tenant_id = $1 AND unified_connection_id = $2`, [acct.tenantId, connectionId]);
  return { id: rows.rows[0].id, unifiedId: connectionId };
}
