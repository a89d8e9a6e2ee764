import type { TestAccount } from '../helpers/accounts';
import type { Stack } from '../helpers/stack';

/** Creates a product with one variant per SKU (price 10.00 USD unless given) and answers the variant ids by SKU. */
export async function createVariants(stack: Stack, acct: TestAccount, skus: string[], price = 10): Promise<Record<string, string>> {
  const res = await stack.http
    .post('/api/v1/pim/products')
    .set(acct.headers)
    .send({ title: `Product ${skus[0]}`, variants: skus.map((sku) => ({ sku, price, currency: 'USD' })) });
  if (res.status !== 201) throw new Error(`product create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const out: Record<string, string> = {};
  for (const v of res.body.variants as { id: string; sku: string }[]) out[v.sku] = v.id;
  return out;
}
