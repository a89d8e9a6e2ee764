import type { FakeStripe } from '../fakes/fake-stripe';
import { registerAccount, TestAccount } from '../helpers/accounts';
import type { Stack } from '../helpers/stack';

export interface Merchant {
  acct: TestAccount;
  key: string;
  accountId: string | null;
  products: { id: string; title: string; variants: { id: string; sku: string; price: number }[] }[];
}

export async function createProduct(stack: Stack, acct: TestAccount, title: string, variants: { sku: string; price: number; currency?: string }[]) {
  const res = await stack.http.post('/api/v1/pim/products').set(acct.headers).send({ title, variants });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; title: string; variants: { id: string; sku: string; price: number }[] };
}

/** Onboards the tenant's Stripe account through the real connect → (fake) Stripe → return path. */
export async function connectStripe(stack: Stack, fake: FakeStripe, acct: TestAccount): Promise<string> {
  const res = await stack.http.post('/api/v1/integrations/stripe/connect').set(acct.headers).send({});
  if (res.status !== 200) throw new Error(`connect: ${res.status} ${JSON.stringify(res.body)}`);
  const link = new URL(res.body.url);
  const accountId = link.pathname.split('/').pop()!;
  fake.completeOnboarding(accountId);
  const ret = new URL(link.searchParams.get('return_url')!);
  const back = await stack.http.get(`${ret.pathname}${ret.search}`);
  if (back.status !== 200) throw new Error(`return: ${back.status} ${JSON.stringify(back.body)}`);
  return accountId;
}

/** A tenant with two products offered, the storefront enabled and (optionally) Stripe connected. */
export async function setupMerchant(stack: Stack, fake: FakeStripe, opts: { stripe?: boolean; name?: string } = {}): Promise<Merchant> {
  const acct = await registerAccount(stack, opts.name ?? 'Print Shop');
  const mug = await createProduct(stack, acct, 'Printed mug', [{ sku: `MUG-${acct.tenantId.slice(0, 6)}`, price: 12.5, currency: 'USD' }]);
  const shirt = await createProduct(stack, acct, 'T-shirt', [
    { sku: `TS-S-${acct.tenantId.slice(0, 6)}`, price: 20, currency: 'USD' },
    { sku: `TS-M-${acct.tenantId.slice(0, 6)}`, price: 22, currency: 'USD' },
  ]);
  // stock: 5 mugs, 3 small shirts, no medium ones
  await setStock(stack, acct, mug.variants[0].id, 5);
  await setStock(stack, acct, shirt.variants[0].id, 3);
  const res = await stack.http
    .patch('/api/v1/storefront')
    .set(acct.headers)
    .send({ enabled: true, display_name: opts.name ?? 'Print Shop', currency: 'USD', offers: [{ product_id: mug.id }, { product_id: shirt.id }] });
  if (res.status !== 200) throw new Error(`storefront: ${res.status} ${JSON.stringify(res.body)}`);
  const accountId = opts.stripe === false ? null : await connectStripe(stack, fake, acct);
  return { acct, key: res.body.publishable_key, accountId, products: [mug, shirt] };
}

export async function setStock(stack: Stack, acct: TestAccount, variantId: string, quantity: number): Promise<void> {
  const res = await stack.http.post('/api/v1/inventory/set').set(acct.headers).send({ variant_id: variantId, quantity, reason: 'stock count' });
  if (res.status >= 300) throw new Error(`stock: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function stockOf(stack: Stack, acct: TestAccount, variantId: string): Promise<{ on_hand: number; reserved: number; available: number }> {
  const res = await stack.http.get(`/api/v1/inventory/${variantId}`).set(acct.headers);
  if (res.status !== 200) throw new Error(`stock read: ${res.status} ${JSON.stringify(res.body)}`);
  return { on_hand: res.body.on_hand, reserved: res.body.reserved, available: res.body.available };
}

/** Delivers a signed Stripe event to the webhook endpoint. */
export async function deliver(stack: Stack, fake: FakeStripe, event: { payload: string }, signature = fake.sign(event.payload)) {
  return stack.http.post('/unified/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(event.payload);
}

export const customer = { name: 'Sam Shopper', email: 'sam@example.com', phone: '+47 123 45 678', address: '1 Main St, Oslo' };

/** A valid binary STL of n triangles (84 + 50n bytes). */
export function binaryStl(triangles = 1): Buffer {
  const buf = Buffer.alloc(84 + triangles * 50);
  buf.write('binary stl', 0, 'latin1');
  buf.writeUInt32LE(triangles, 80);
  return buf;
}
