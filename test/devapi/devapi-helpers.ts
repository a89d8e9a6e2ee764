import type { TestAccount } from '../helpers/accounts';
import type { Stack } from '../helpers/stack';

export interface DevKey {
  id: string;
  key: string;
  /** Developer API headers: the secret key only, tenant from the key */
  headers: Record<string, string>;
}

/** A `sk_live_` secret key of the account (created through the Platform API, as a developer console does). */
export async function secretKey(stack: Stack, owner: TestAccount, role: 'admin' | 'editor' | 'viewer' = 'admin'): Promise<DevKey> {
  const res = await stack.http.post('/api/v1/api-keys').set(owner.headers).send({ name: `dev ${role}`, role });
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (!/^sk_live_/.test(res.body.key)) throw new Error(`expected an sk_live_ key, got ${String(res.body.key).slice(0, 8)}`);
  return { id: res.body.id, key: res.body.key, headers: { Authorization: `Bearer ${res.body.key}` } };
}

/** A product with one variant at `price` (and a cost price), through the PIM API. */
export async function simpleProduct(stack: Stack, acct: TestAccount, sku: string, price: number, cost?: number): Promise<{ productId: string; variantId: string; handle: string }> {
  const res = await stack.http
    .post('/api/v1/pim/products')
    .set(acct.headers)
    .send({ title: `Product ${sku}`, variants: [{ sku, price, currency: 'USD', ...(cost !== undefined ? { cost_price: cost } : {}) }] });
  if (res.status !== 201) throw new Error(`product create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { productId: res.body.id, variantId: res.body.variants[0].id, handle: res.body.handle };
}
