import type { TestAccount } from '../helpers/accounts';
import { eventually, Stack } from '../helpers/stack';

export interface LedgerRow {
  connection_id: string;
  provider: string;
  kind: string;
  status: string;
  action: string;
  remote_product_id: string | null;
  remote_variant_ids: Record<string, string>;
  attempts: number;
  last_error: string | null;
  last_synced_at: string | null;
  payload_hash: string | null;
}

/** A product with two option variants (one on sale) and two images, through the PIM API. */
export async function createProduct(stack: Stack, acct: TestAccount, title: string, skuPrefix: string): Promise<{ id: string; handle: string; variantIds: string[] }> {
  const res = await stack.http
    .post('/api/v1/pim/products')
    .set(acct.headers)
    .send({
      title,
      description: `<p>${title} in merino wool.</p>`,
      variants: [
        { sku: `${skuPrefix}-M-BLU`, price: 89.99, currency: 'USD', compare_at_price: 99.5, barcode: '4006381333931', options: { Size: 'M', Color: 'Blue' } },
        { sku: `${skuPrefix}-L-BLU`, price: 94, currency: 'USD', options: { Size: 'L', Color: 'Blue' } },
      ],
    });
  if (res.status !== 201) throw new Error(`product create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const media = await stack.http.post('/api/v1/pim/media').set(acct.headers).send({ product_id: res.body.id, url: `https://cdn.example.com/${skuPrefix}.jpg`, alt_text: `${title} front` });
  if (media.status !== 201) throw new Error(`media create failed: ${media.status} ${JSON.stringify(media.body)}`);
  return { id: res.body.id, handle: res.body.handle, variantIds: res.body.variants.map((v: { id: string }) => v.id) };
}

export async function push(stack: Stack, acct: TestAccount, productId: string, action: 'UPSERT' | 'DELETE' = 'UPSERT', force?: boolean): Promise<void> {
  const res = await stack.http.post('/unified/sync/push/product').set(acct.headers).send({ productId, action, ...(force !== undefined ? { force } : {}) });
  if (res.status !== 202) throw new Error(`push failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function ledger(stack: Stack, acct: TestAccount, productId: string): Promise<LedgerRow[]> {
  const res = await stack.http.get(`/api/v1/sync/products/${productId}`).set(acct.headers);
  if (res.status !== 200) throw new Error(`ledger failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as LedgerRow[];
}

/** Waits until the product's ledger has `count` rows, all in `status`, with nothing newer queued. */
export async function settled(stack: Stack, acct: TestAccount, productId: string, status: string, count: number, timeoutMs = 20000): Promise<LedgerRow[]> {
  return eventually(async () => {
    const rows = await ledger(stack, acct, productId);
    if (rows.length !== count || !rows.every((r) => r.status === status)) return undefined;
    const pending = await stack.db.pool.query(`SELECT count(*)::int AS n FROM sync_states WHERE product_id = $1 AND requested_seq > synced_seq`, [productId]);
    return pending.rows[0].n === 0 ? rows : undefined;
  }, timeoutMs);
}

export async function runsOf(stack: Stack, acct: TestAccount, query: string): Promise<{ status: string; connection_id: string; error: string | null; http_status: number | null; attempt: number }[]> {
  const res = await stack.http.get(`/api/v1/sync/runs?${query}`).set(acct.headers);
  if (res.status !== 200) throw new Error(`runs failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
