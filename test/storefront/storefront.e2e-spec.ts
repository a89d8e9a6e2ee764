import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeStripe } from '../fakes/fake-stripe';
import { registerAccount } from '../helpers/accounts';
import { Stack, startStack } from '../helpers/stack';
import { binaryStl, customer, deliver, Merchant, setupMerchant } from './storefront-helpers';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('storefront module', () => {
  let stack: Stack;
  let fake: FakeStripe;
  let shop: Merchant;

  beforeAll(async () => {
    fake = await new FakeStripe().start();
    stack = await startStack({ env: fake.env });
    shop = await setupMerchant(stack, fake);
  });
  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  const events = async (tenantId: string, type: string) =>
    (await stack.db.pool.query(`SELECT data FROM events WHERE tenant_id = $1 AND type = $2 ORDER BY created_at`, [tenantId, type])).rows.map((r) => r.data);

  describe('settings and publishable key', () => {
    it('is disabled with no key until enabled; enabling creates sf_live_…, rotating replaces it', async () => {
      const a = await registerAccount(stack, 'Fresh');
      const before = await stack.http.get('/api/v1/storefront').set(a.headers);
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ enabled: false, publishable_key: null, allow_quotes: true, allowed_file_types: ['stl', 'obj', '3mf', 'pdf', 'png', 'jpeg'] });
      const on = await stack.http.patch('/api/v1/storefront').set(a.headers).send({ enabled: true, accent_color: '#FF0066', allowed_origins: ['https://shop.example.com'] });
      expect(on.status).toBe(200);
      expect(on.body.publishable_key).toMatch(/^sf_live_[A-Za-z0-9]{32}$/);
      expect(on.body.accent_color).toBe('#ff0066');
      expect(on.body.embed_snippet).toContain(`/s/${on.body.publishable_key}`);
      const first = on.body.publishable_key;
      expect((await stack.http.get('/api/storefront/config').query({ key: first })).status).toBe(200);
      const rotated = await stack.http.post('/api/v1/storefront/rotate-key').set(a.headers);
      expect(rotated.status).toBe(200);
      expect(rotated.body.publishable_key).not.toBe(first);
      expect((await stack.http.get('/api/storefront/config').query({ key: first })).status).toBe(401);
      expect((await stack.http.get('/api/storefront/config').set('X-Synqro-Store', rotated.body.publishable_key)).status).toBe(200);
      // disabling stops the key without losing it
      await stack.http.patch('/api/v1/storefront').set(a.headers).send({ enabled: false });
      expect((await stack.http.get('/api/storefront/config').query({ key: rotated.body.publishable_key })).status).toBe(401);
    });

    it('validates the body and refuses offers of products that are not the tenant’s', async () => {
      const other = await registerAccount(stack, 'Other');
      const bad = await stack.http.patch('/api/v1/storefront').set(other.headers).send({ offers: [{ product_id: shop.products[0].id }] });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0]).toMatchObject({ field: 'offers.0' });
      const wrong = await stack.http.patch('/api/v1/storefront').set(other.headers).send({ accent_color: 'red', allowed_file_types: ['exe'], allowed_origins: ['https://x.com/path'], surprise: 1 });
      expect(wrong.status).toBe(400);
      const fields = wrong.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['accent_color', 'allowed_file_types', 'allowed_origins', 'surprise']));
      const viewer = await stack.http.post('/api/v1/api-keys').set(other.headers).send({ name: 'v', role: 'editor' });
      const editor = { Authorization: `Bearer ${viewer.body.key}`, 'X-Tenant-ID': other.tenantId, 'X-Org-ID': other.orgId };
      expect((await stack.http.patch('/api/v1/storefront').set(editor).send({ enabled: true })).status).toBe(403);
    });
  });

  describe('Stripe Connect', () => {
    it('onboards through an account link, stores acct_… on the return path, reports and disconnects', async () => {
      const a = await registerAccount(stack, 'Connect me');
      expect((await stack.http.get('/api/v1/integrations/stripe').set(a.headers)).body).toMatchObject({ connected: false, status: 'not_connected' });
      const started = await stack.http.post('/api/v1/integrations/stripe/connect').set(a.headers).send({ return_url: 'https://app.example.com/settings/payments' });
      expect(started.status).toBe(200);
      const link = new URL(started.body.url);
      const accountId = started.body.account_id;
      expect(accountId).toMatch(/^acct_/);
      expect(link.pathname).toBe(`/connect/onboard/${accountId}`);
      expect((await stack.http.get('/api/v1/integrations/stripe').set(a.headers)).body).toMatchObject({ connected: false, status: 'pending', account_id: null });
      // connecting again while onboarding reuses the same Stripe account
      const again = await stack.http.post('/api/v1/integrations/stripe/connect').set(a.headers).send({});
      expect(again.body.account_id).toBe(accountId);
      expect([...fake.accounts.values()].filter((x) => x.metadata.synq_tenant_id === a.tenantId)).toHaveLength(1);
      fake.completeOnboarding(accountId);
      const ret = new URL(link.searchParams.get('return_url')!);
      const back = await stack.http.get(`${ret.pathname}${ret.search}`);
      expect(back.status).toBe(302);
      expect(back.headers.location).toBe('https://app.example.com/settings/payments?stripe=connected');
      const status = await stack.http.get('/api/v1/integrations/stripe').set(a.headers);
      expect(status.body).toMatchObject({ connected: true, status: 'active', account_id: accountId, charges_enabled: true });
      // the state is single-use: replaying the return URL is refused
      const replay = await stack.http.get(`${ret.pathname}${ret.search}`);
      expect(replay.status).toBe(400);
      expect(replay.body.code).toBe('INVALID_STATE');
      // account.updated keeps charges_enabled current
      const upd = fake.event('account.updated', { ...fake.accounts.get(accountId)!, charges_enabled: false }, accountId);
      expect((await deliver(stack, fake, upd)).status).toBe(200);
      expect((await stack.http.get('/api/v1/integrations/stripe').set(a.headers)).body.charges_enabled).toBe(false);
      expect((await stack.http.delete('/api/v1/integrations/stripe').set(a.headers)).status).toBe(204);
      expect((await stack.http.get('/api/v1/integrations/stripe').set(a.headers)).body).toMatchObject({ connected: false, status: 'disconnected', account_id: null });
      // every Stripe call carried the platform key; the account calls were form-encoded
      expect(fake.requests.filter((r) => r.path === '/v1/accounts').every((r) => r.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))).toBe(true);
    });
  });

  describe('public config', () => {
    it('answers the store and its offered products with prices, CORS open', async () => {
      const res = await stack.http.get('/api/storefront/config').query({ key: shop.key }).set('Origin', 'https://anywhere.example');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.body).toMatchObject({ store: { name: 'Print Shop', currency: 'USD' }, payments_enabled: true, allow_quotes: true });
      const mug = res.body.products.find((p: { title: string }) => p.title === 'Printed mug');
      expect(mug.variants).toEqual([expect.objectContaining({ id: shop.products[0].variants[0].id, price: 12.5, currency: 'USD', available: true, quantity_available: 5 })]);
      const shirt = res.body.products.find((p: { title: string }) => p.title === 'T-shirt');
      expect(shirt.variants.map((v: { available: boolean; quantity_available: number }) => [v.available, v.quantity_available])).toEqual([[true, 3], [false, 0]]);
      const pre = await stack.http.options('/api/storefront/order').set('Origin', 'https://anywhere.example').set('Access-Control-Request-Method', 'POST');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-headers']).toContain('X-Synqro-Store');
    });

    it('refuses a missing or unknown key', async () => {
      expect((await stack.http.get('/api/storefront/config')).body).toMatchObject({ code: 'STOREFRONT_KEY_REQUIRED' });
      const bad = await stack.http.get('/api/storefront/config').query({ key: 'sf_live_nope' });
      expect(bad.status).toBe(401);
      expect(bad.headers['access-control-allow-origin']).toBe('*');
    });
  });

  describe('quotes', () => {
    let quoteId: string;
    let token: string;
    let fileUrl: string;

    it('takes a quote request with an uploaded file', async () => {
      const up = await stack.http.post('/api/storefront/upload').query({ key: shop.key }).attach('file', binaryStl(2), 'bracket.stl');
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ file_id: expect.any(String), url: expect.stringContaining('/api/storefront/files/') });
      fileUrl = up.body.url;
      const res = await stack.http
        .post('/api/storefront/quote')
        .set('X-Synqro-Store', shop.key)
        .send({ customer, description: 'Bracket in PETG, black', quantity: 4, file_ids: [up.body.file_id] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ quote_id: expect.any(String), status: 'pending', access_token: expect.any(String) });
      quoteId = res.body.quote_id;
      token = res.body.access_token;
      const seen = await stack.http.get('/api/storefront/quote').query({ key: shop.key, id: quoteId, token });
      expect(seen.body).toMatchObject({ status: 'pending', amount: null, files: [{ file_name: 'bracket.stl', size_bytes: 184 }] });
      // the uploader's link serves the file; a wrong token does not
      const u = new URL(fileUrl);
      const dl = await stack.http.get(`${u.pathname}${u.search}`).buffer(true);
      expect(dl.status).toBe(200);
      expect(dl.headers['content-type']).toBe('model/stl');
      expect((await stack.http.get(u.pathname).query({ token: 'wrong' })).status).toBe(404);
      expect(await events(shop.acct.tenantId, 'quote.created')).toEqual([{ id: quoteId, status: 'pending' }]);
    });

    it('cannot be accepted while pending; the merchant lists, prices it; it is accepted, paid by a signed webhook, once', async () => {
      const early = await stack.http.post('/api/storefront/quote/accept').query({ key: shop.key }).send({ quote_id: quoteId, token });
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ code: 'QUOTE_PENDING', error: expect.stringContaining('pending') });

      const list = await stack.http.get('/api/v1/quotes').query({ status: 'pending' }).set(shop.acct.headers);
      expect(list.status).toBe(200);
      expect(list.body.map((q: { id: string }) => q.id)).toContain(quoteId);
      const detail = await stack.http.get(`/api/v1/quotes/${quoteId}`).set(shop.acct.headers);
      expect(detail.body).toMatchObject({ status: 'pending', customer: { email: 'sam@example.com' }, quantity: 4 });
      const file = await stack.http.get(detail.body.files[0].url).set(shop.acct.headers);
      expect(file.status).toBe(200);

      const validUntil = new Date(Date.now() + 7 * 86400_000).toISOString();
      const priced = await stack.http.post(`/api/v1/quotes/${quoteId}/price`).set(shop.acct.headers).send({ amount: 149.99, note: 'Includes shipping', valid_until: validUntil });
      expect(priced.status).toBe(200);
      expect(priced.body).toMatchObject({ status: 'quoted', amount: 149.99, currency: 'USD', note: 'Includes shipping' });
      expect((await stack.http.get('/api/storefront/quote').query({ key: shop.key, id: quoteId, token })).body).toMatchObject({ status: 'quoted', amount: 149.99, expired: false });

      const accepted = await stack.http.post('/api/storefront/quote/accept').query({ key: shop.key }).send({ quote_id: quoteId, token });
      expect(accepted.status).toBe(200);
      expect(accepted.body.checkout_url).toMatch(new RegExp(`^${fake.url}/pay/cs_test_`));
      const session = [...fake.sessions.values()].find((s) => s.metadata.synq_quote_id === quoteId)!;
      expect(session).toMatchObject({ account: shop.accountId, amount_total: 14999, currency: 'usd', customer_email: 'sam@example.com' });
      expect(session.idempotency_key).toBe(`synq_quote_${quoteId}_0`);
      // accepting again answers the same open session
      const again = await stack.http.post('/api/storefront/quote/accept').query({ key: shop.key }).send({ quote_id: quoteId, token });
      expect(again.body.checkout_url).toBe(accepted.body.checkout_url);
      expect(fake.sessionsOf(shop.accountId).filter((s) => s.metadata.synq_quote_id === quoteId)).toHaveLength(1);

      fake.pay(session.id);
      const evt = fake.event('checkout.session.completed', fake.sessions.get(session.id), shop.accountId);
      const first = await deliver(stack, fake, evt);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ received: true, duplicate: false });
      const replay = await deliver(stack, fake, evt);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ received: true, duplicate: true });

      expect((await stack.http.get(`/api/v1/quotes/${quoteId}`).set(shop.acct.headers)).body).toMatchObject({ status: 'paid', paid_at: expect.any(String) });
      expect(await events(shop.acct.tenantId, 'quote.paid')).toHaveLength(1);
      const paidQuote = (await stack.http.get(`/api/v1/quotes/${quoteId}`).set(shop.acct.headers)).body;
      expect(await events(shop.acct.tenantId, 'quote.accepted')).toEqual([{ id: quoteId, status: 'accepted', order_id: paidQuote.order_id }]);
      // the quote became a storefront order, now paid and in the fulfilment queue
      const order = await stack.http.get(`/api/v1/orders/${paidQuote.order_id}`).set(shop.acct.headers);
      expect(order.body).toMatchObject({ status: 'paid', channel: { kind: 'storefront' }, currency: 'USD', totals: { total: 149.99, paid: 149.99 } });
      expect(order.body.payments).toEqual([expect.objectContaining({ provider: 'stripe', reference: session.id, amount: 149.99 })]);
      const queue = await stack.http.get('/api/v1/orders').query({ status: 'paid' }).set(shop.acct.headers);
      expect(queue.body.map((o: { id: string }) => o.id)).toContain(paidQuote.order_id);
      expect((await events(shop.acct.tenantId, 'quote.quoted'))[0]).toMatchObject({ id: quoteId, amount: 149.99, currency: 'USD' });
      const recorded = await stack.db.pool.query(`SELECT tenant_id FROM stripe_events WHERE id = $1`, [evt.id]);
      expect(recorded.rows).toEqual([{ tenant_id: shop.acct.tenantId }]);
      const paidAgain = await stack.http.post('/api/storefront/quote/accept').query({ key: shop.key }).send({ quote_id: quoteId, token });
      expect(paidAgain.status).toBe(409);
      expect(paidAgain.body.code).toBe('QUOTE_PAID');
    });

    it('refuses an expired quote and a rejected one, naming the state', async () => {
      const q = (await stack.http.post('/api/storefront/quote').query({ key: shop.key }).send({ customer, description: 'Short-lived' })).body;
      await stack.http.post(`/api/v1/quotes/${q.quote_id}/price`).set(shop.acct.headers).send({ amount: 10, valid_until: new Date(Date.now() + 60_000).toISOString() });
      await stack.db.pool.query(`UPDATE quotes SET valid_until = now() - interval '1 minute' WHERE id = $1`, [q.quote_id]);
      const expired = await stack.http.post('/api/storefront/quote/accept').query({ key: shop.key }).send({ quote_id: q.quote_id, token: q.access_token });
      expect(expired.status).toBe(409);
      expect(expired.body.code).toBe('QUOTE_EXPIRED');
      expect((await stack.http.post(`/api/v1/quotes/${q.quote_id}/reject`).set(shop.acct.headers)).body.status).toBe('rejected');
      const rejected = await stack.http.post('/api/storefront/quote/accept').query({ key: shop.key }).send({ quote_id: q.quote_id, token: q.access_token });
      expect(rejected.body).toMatchObject({ code: 'QUOTE_REJECTED' });
      expect((await stack.http.post(`/api/v1/quotes/${q.quote_id}/price`).set(shop.acct.headers).send({ amount: 5, valid_until: new Date(Date.now() + 60_000).toISOString() })).status).toBe(409);
      const past = await stack.http.post(`/api/v1/quotes/${q.quote_id}/price`).set(shop.acct.headers).send({ amount: 5, valid_until: '2020-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
    });

    it('validates quote bodies and refuses file ids of another store', async () => {
      const bad = await stack.http.post('/api/storefront/quote').query({ key: shop.key }).send({ customer: { name: '', email: 'not-an-email' }, description: 'x'.repeat(5001), quantity: 0, admin: true });
      expect(bad.status).toBe(400);
      const fields = bad.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['customer.name', 'customer.email', 'description', 'quantity', 'admin']));
      const other = await setupMerchant(stack, fake, { stripe: false, name: 'Other store' });
      const up = await stack.http.post('/api/storefront/upload').query({ key: other.key }).attach('file', PNG, 'a.png');
      expect(up.status).toBe(201);
      const steal = await stack.http.post('/api/storefront/quote').query({ key: shop.key }).send({ customer, description: 'mine', file_ids: [up.body.file_id] });
      expect(steal.status).toBe(400);
      expect(steal.body.code).toBe('INVALID_FILE_IDS');
    });
  });

  describe('webhook security', () => {
    it('refuses a bad signature, a stale timestamp and a missing header with 400', async () => {
      const evt = fake.event('payout.paid', { id: 'po_1', object: 'payout', amount: 1000, currency: 'usd' }, shop.accountId);
      const forged = await deliver(stack, fake, evt, fake.sign(evt.payload, undefined, 'whsec_wrong'));
      expect(forged.status).toBe(400);
      expect(forged.body.code).toBe('INVALID_SIGNATURE');
      const stale = await deliver(stack, fake, evt, fake.sign(evt.payload, Math.floor(Date.now() / 1000) - 301));
      expect(stale.status).toBe(400);
      const tampered = await stack.http.post('/unified/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', fake.sign(evt.payload)).send(evt.payload.replace('1000', '9999'));
      expect(tampered.status).toBe(400);
      expect((await stack.http.post('/unified/webhooks/stripe').set('Content-Type', 'application/json').send(evt.payload)).status).toBe(400);
      const count = await stack.db.pool.query(`SELECT count(*)::int AS n FROM stripe_events WHERE id = $1`, [evt.id]);
      expect(count.rows[0].n).toBe(0);
    });

    it('turns payout.paid on a connected account into settlement.completed, once', async () => {
      const evt = fake.event('payout.paid', { id: 'po_test_1', object: 'payout', amount: 123456, currency: 'usd', arrival_date: 1790000000 }, shop.accountId);
      expect((await deliver(stack, fake, evt)).status).toBe(200);
      expect((await deliver(stack, fake, evt)).body.duplicate).toBe(true);
      expect(await events(shop.acct.tenantId, 'settlement.completed')).toEqual([
        expect.objectContaining({ id: 'po_test_1', amount: 1234.56, currency: 'USD', marketplace: 'stripe' }),
      ]);
    });
  });

  describe('uploads', () => {
    it('refuses a disallowed type, content that does not match its name, and files over the limit', async () => {
      const exe = await stack.http.post('/api/storefront/upload').query({ key: shop.key }).attach('file', Buffer.from('MZ\x90\x00binary'), 'tool.exe');
      expect(exe.status).toBe(415);
      expect(exe.body).toMatchObject({ code: 'FILE_TYPE_REJECTED', error: expect.stringContaining('Allowed: STL, OBJ, 3MF, PDF, PNG, JPEG') });
      const disguised = await stack.http.post('/api/storefront/upload').query({ key: shop.key }).attach('file', PNG, 'model.stl');
      expect(disguised.status).toBe(415);
      expect(disguised.body.error).toBe('The file is named .stl but its content is PNG');
      const fakePdf = await stack.http.post('/api/storefront/upload').query({ key: shop.key }).attach('file', Buffer.from('<html>hi</html>'), 'doc.pdf');
      expect(fakePdf.status).toBe(415);
      await stack.http.patch('/api/v1/storefront').set(shop.acct.headers).send({ max_file_bytes: 2048 });
      const big = await stack.http.post('/api/storefront/upload').query({ key: shop.key }).attach('file', binaryStl(60), 'big.stl');
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ code: 'FILE_TOO_LARGE', error: expect.stringContaining('limit') });
      const none = await stack.http.post('/api/storefront/upload').query({ key: shop.key }).send({ file: 'x' });
      expect(none.status).toBe(400);
      await stack.http.patch('/api/v1/storefront').set(shop.acct.headers).send({ max_file_bytes: 10 * 1024 * 1024 });
      const files = await stack.db.pool.query(`SELECT count(*)::int AS n FROM storefront_files WHERE tenant_id = $1 AND file_name IN ('tool.exe','model.stl','doc.pdf','big.stl')`, [shop.acct.tenantId]);
      expect(files.rows[0].n).toBe(0);
      // a file never attached to a quote is removed a day later (by the next upload of the store)
      const stray = await stack.http.post('/api/storefront/upload').query({ key: shop.key }).attach('file', PNG, 'stray.png');
      const path = (await stack.db.pool.query(`SELECT storage_path FROM storefront_files WHERE id = $1`, [stray.body.file_id])).rows[0].storage_path;
      expect(existsSync(join(stack.config.storageDir, path))).toBe(true);
      await stack.db.pool.query(`UPDATE storefront_files SET created_at = now() - interval '25 hours' WHERE id = $1`, [stray.body.file_id]);
      await stack.http.post('/api/storefront/upload').query({ key: shop.key }).attach('file', PNG, 'next.png');
      expect((await stack.db.pool.query(`SELECT 1 FROM storefront_files WHERE id = $1`, [stray.body.file_id])).rows).toEqual([]);
      expect(existsSync(join(stack.config.storageDir, path))).toBe(false);
    });
  });

  describe('isolation', () => {
    it('a publishable key is refused on the Platform API and cannot read another store’s quote', async () => {
      const asBearer = await stack.http.get('/api/v1/storefront').set({ Authorization: `Bearer ${shop.key}`, 'X-Tenant-ID': shop.acct.tenantId, 'X-Org-ID': shop.acct.orgId });
      expect(asBearer.status).toBe(401);
      expect((await stack.http.get('/api/v1/quotes').query({ key: shop.key })).status).toBe(401);
      expect((await stack.http.get('/api/v1/quotes').set('X-Synqro-Store', shop.key).set({ 'X-Tenant-ID': shop.acct.tenantId, 'X-Org-ID': shop.acct.orgId })).status).toBe(401);
      const other = await setupMerchant(stack, fake, { stripe: false, name: 'Neighbour' });
      const q = (await stack.http.post('/api/storefront/quote').query({ key: shop.key }).send({ customer, description: 'private' })).body;
      const cross = await stack.http.get('/api/storefront/quote').query({ key: other.key, id: q.quote_id, token: q.access_token });
      expect(cross.status).toBe(404);
      const crossAccept = await stack.http.post('/api/storefront/quote/accept').query({ key: other.key }).send({ quote_id: q.quote_id, token: q.access_token });
      expect(crossAccept.status).toBe(404);
      expect((await stack.http.get(`/api/v1/quotes/${q.quote_id}`).set(other.acct.headers)).status).toBe(404);
      expect((await stack.http.get('/api/storefront/quote').query({ key: shop.key, id: q.quote_id, token: 'x'.repeat(32) })).status).toBe(404);
    });

    it('a store whose Stripe is not connected says payments aren’t set up (409) and its page says so', async () => {
      const other = await setupMerchant(stack, fake, { stripe: false, name: 'No payments' });
      const q = (await stack.http.post('/api/storefront/quote').query({ key: other.key }).send({ customer, description: 'thing' })).body;
      await stack.http.post(`/api/v1/quotes/${q.quote_id}/price`).set(other.acct.headers).send({ amount: 10, valid_until: new Date(Date.now() + 86400_000).toISOString() });
      const res = await stack.http.post('/api/storefront/quote/accept').query({ key: other.key }).send({ quote_id: q.quote_id, token: q.access_token });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'PAYMENTS_NOT_SET_UP', error: expect.stringContaining("Payments aren't set up") });
      expect((await stack.http.get(`/api/v1/quotes/${q.quote_id}`).set(other.acct.headers)).body.status).toBe('quoted');
      expect((await stack.http.get('/api/storefront/config').query({ key: other.key })).body.payments_enabled).toBe(false);
      const page = await stack.http.get(`/s/${other.key}`);
      expect(page.text).toContain("Payments aren't set up for this store yet");
    });
  });

  describe('the embed page', () => {
    it('serves the page with frame-ancestors from the allowed origins, and a friendly 404', async () => {
      await stack.http.patch('/api/v1/storefront').set(shop.acct.headers).send({ allowed_origins: ['https://shop.example.com', 'https://www.example.org'] });
      const page = await stack.http.get(`/s/${shop.key}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'self' https://shop.example.com https://www.example.org");
      expect(page.headers['content-security-policy']).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
      expect(page.headers['x-frame-options']).toBeUndefined();
      expect(page.text).toContain('<label for="o-email">Email</label>');
      expect(page.text).toContain('Printed mug');
      await stack.http.patch('/api/v1/storefront').set(shop.acct.headers).send({ allowed_origins: [] });
      expect((await stack.http.get(`/s/${shop.key}`)).headers['content-security-policy']).toContain('frame-ancestors *');
      const missing = await stack.http.get('/s/sf_live_doesnotexist000000000000000000');
      expect(missing.status).toBe(404);
      expect(missing.text).toContain("This store isn't available");
    });
  });
});

describe('storefront rate limits', () => {
  let stack: Stack;
  let fake: FakeStripe;
  beforeAll(async () => {
    fake = await new FakeStripe().start();
    stack = await startStack({ env: { ...fake.env, RATE_LIMIT_STOREFRONT_KEY_PER_MINUTE: '5', RATE_LIMIT_STOREFRONT_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  it('limits each publishable key, whatever the IP, with Retry-After', async () => {
    const shop = await setupMerchant(stack, fake, { stripe: false });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.http.get('/api/storefront/config').query({ key: shop.key })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await stack.http.get('/api/storefront/config').set('X-Synqro-Store', shop.key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['access-control-allow-origin']).toBe('*');
    // another store's key has its own budget
    const other = await setupMerchant(stack, fake, { stripe: false, name: 'Second' });
    expect((await stack.http.get('/api/storefront/config').query({ key: other.key })).status).toBe(200);
  });
});

describe('storefront per-IP rate limit', () => {
  let stack: Stack;
  let fake: FakeStripe;
  beforeAll(async () => {
    fake = await new FakeStripe().start();
    stack = await startStack({ env: { ...fake.env, RATE_LIMIT_STOREFRONT_PER_MINUTE: '4' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  it('limits one client IP across keys and the embed page, leaving the Platform API its own budget', async () => {
    const a = await setupMerchant(stack, fake, { stripe: false, name: 'A' });
    const b = await setupMerchant(stack, fake, { stripe: false, name: 'B' });
    const seen = [
      (await stack.http.get('/api/storefront/config').query({ key: a.key })).status,
      (await stack.http.get('/api/storefront/config').query({ key: b.key })).status,
      (await stack.http.get(`/s/${a.key}`)).status,
      (await stack.http.get(`/s/${b.key}`)).status,
    ];
    expect(seen).toEqual([200, 200, 200, 200]);
    const limited = await stack.http.get('/api/storefront/config').query({ key: b.key });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect((await stack.http.get('/api/v1/storefront').set(a.acct.headers)).status).toBe(200);
  });
});

describe('a deployment without Stripe', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 on connect and on Stripe webhooks, and storefronts say payments are not set up', async () => {
    const a = await registerAccount(stack, 'No Stripe');
    const connect = await stack.http.post('/api/v1/integrations/stripe/connect').set(a.headers).send({});
    expect(connect.status).toBe(503);
    expect(connect.body.code).toBe('STRIPE_NOT_CONFIGURED');
    const hook = await stack.http.post('/unified/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=00').send('{"id":"evt_1"}');
    expect(hook.status).toBe(503);
    const on = await stack.http.patch('/api/v1/storefront').set(a.headers).send({ enabled: true });
    expect((await stack.http.get('/api/storefront/config').query({ key: on.body.publishable_key })).body.payments_enabled).toBe(false);
  });
});
