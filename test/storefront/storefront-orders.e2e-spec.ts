import { FakeStripe } from '../fakes/fake-stripe';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { eventually, Stack, startStack } from '../helpers/stack';
import { customer, deliver, Merchant, setupMerchant, stockOf } from './storefront-helpers';

describe('storefront orders (Stripe Checkout direct charges, stock through @synq/orders)', () => {
  let stack: Stack;
  let fake: FakeStripe;
  let shop: Merchant;
  let mugVariant: string;

  beforeAll(async () => {
    fake = await new FakeStripe().start();
    // a 2.5 % platform fee
    stack = await startStack({ env: { ...fake.env, STRIPE_PLATFORM_FEE_BPS: '250' } });
    shop = await setupMerchant(stack, fake);
    mugVariant = shop.products[0].variants[0].id;
  });
  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  const order = (body: Record<string, unknown>, key = shop.key) => stack.http.post('/api/storefront/order').query({ key }).send(body);
  const orderOf = async (id: string) => (await stack.http.get(`/api/v1/orders/${id}`).set(shop.acct.headers)).body;

  it('creates a pending storefront order with stock reserved and a Checkout Session on the connected account', async () => {
    const res = await order({ product_id: shop.products[0].id, quantity: 2, customer });
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body).toMatchObject({ order_id: expect.any(String), status: 'pending', total: 25, currency: 'USD', checkout_url: expect.stringMatching(new RegExp(`^${fake.url}/pay/cs_test_`)) });

    const req = fake.requests.filter((r) => r.path === '/v1/checkout/sessions').pop()!;
    expect(req.headers['stripe-account']).toBe(shop.accountId);
    expect(req.headers['idempotency-key']).toBe(`synq_order_${res.body.order_id}`);
    expect(req.headers.authorization).toBe(`Bearer ${fake.secretKey}`);
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(req.body).toContain('line_items[0][price_data][unit_amount]=1250');
    const session = [...fake.sessions.values()].find((s) => s.metadata.synq_order_id === res.body.order_id)!;
    expect(session).toMatchObject({ account: shop.accountId, amount_total: 2500, currency: 'usd', application_fee_amount: 62, customer_email: customer.email });
    expect(session.line_items).toEqual([{ name: 'Printed mug', unit_amount: 1250, quantity: 2 }]);

    const o = await orderOf(res.body.order_id);
    expect(o).toMatchObject({ status: 'pending', stock_state: 'reserved', channel: { kind: 'storefront' }, customer: { email: customer.email, name: customer.name } });
    expect(await stockOf(stack, shop.acct, mugVariant)).toEqual({ on_hand: 5, reserved: 2, available: 3 });
    expect((await stack.http.get('/api/storefront/config').query({ key: shop.key })).body.products[0].variants[0].quantity_available).toBe(3);
  });

  it('marks the order paid on checkout.session.completed (once, even replayed): reservation committed, in the fulfilment queue', async () => {
    const res = await order({ product_id: shop.products[0].id, quantity: 1, customer });
    const session = [...fake.sessions.values()].find((s) => s.metadata.synq_order_id === res.body.order_id)!;
    const before = await stockOf(stack, shop.acct, mugVariant);
    fake.pay(session.id);
    const evt = fake.event('checkout.session.completed', fake.sessions.get(session.id), shop.accountId);
    expect((await deliver(stack, fake, evt)).body).toEqual({ received: true, duplicate: false });
    expect((await deliver(stack, fake, evt)).body).toEqual({ received: true, duplicate: true });
    const o = await orderOf(res.body.order_id);
    expect(o).toMatchObject({ status: 'paid', stock_state: 'deducted', totals: { paid: 12.5 } });
    expect(o.payments).toHaveLength(1);
    expect(o.payments[0]).toMatchObject({ provider: 'stripe', reference: session.id });
    const after = await stockOf(stack, shop.acct, mugVariant);
    expect(after).toEqual({ on_hand: before.on_hand - 1, reserved: before.reserved - 1, available: before.available });
    const queue = await stack.http.get('/api/v1/orders').query({ status: 'paid' }).set(shop.acct.headers);
    expect(queue.body.map((x: { id: string }) => x.id)).toContain(res.body.order_id);
  });

  it('cancels the order and releases its stock when the session expires', async () => {
    const res = await order({ product_id: shop.products[1].id, variant_id: shop.products[1].variants[0].id, quantity: 3, customer });
    expect(res.status).toBe(201);
    const shirt = shop.products[1].variants[0].id;
    expect(await stockOf(stack, shop.acct, shirt)).toEqual({ on_hand: 3, reserved: 3, available: 0 });
    // sold out while the shopper is at Stripe
    const sold = await order({ product_id: shop.products[1].id, variant_id: shirt, quantity: 1, customer });
    expect(sold.status).toBe(409);
    expect(sold.body).toMatchObject({ code: 'OUT_OF_STOCK', error: 'Sorry, this item is out of stock.' });
    const session = [...fake.sessions.values()].find((s) => s.metadata.synq_order_id === res.body.order_id)!;
    fake.expire(session.id);
    const evt = fake.event('checkout.session.expired', fake.sessions.get(session.id), shop.accountId);
    expect((await deliver(stack, fake, evt)).status).toBe(200);
    expect(await orderOf(res.body.order_id)).toMatchObject({ status: 'cancelled', stock_state: 'released' });
    expect(await stockOf(stack, shop.acct, shirt)).toEqual({ on_hand: 3, reserved: 0, available: 3 });
    // a late completion for the expired session changes nothing
    const late = fake.event('checkout.session.completed', { ...fake.sessions.get(session.id), status: 'complete', payment_status: 'paid' }, shop.accountId);
    expect((await deliver(stack, fake, late)).status).toBe(200);
    expect((await orderOf(res.body.order_id)).status).toBe('cancelled');
  });

  it('answers shoppers with messages they understand: not offered, option needed, too many, bad body', async () => {
    const tooMany = await order({ product_id: shop.products[0].id, quantity: 50, customer });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatch(/^Sorry, only \d+ left in stock/);
    const needsVariant = await order({ product_id: shop.products[1].id, quantity: 1, customer });
    expect(needsVariant.status).toBe(400);
    expect(needsVariant.body).toMatchObject({ code: 'VARIANT_REQUIRED', error: expect.stringContaining('choose an option') });
    const outOfStockVariant = await order({ product_id: shop.products[1].id, variant_id: shop.products[1].variants[1].id, quantity: 1, customer });
    expect(outOfStockVariant.status).toBe(409);
    const other = await setupMerchant(stack, fake, { stripe: false, name: 'Elsewhere' });
    const notOffered = await order({ product_id: other.products[0].id, quantity: 1, customer });
    expect(notOffered.status).toBe(400);
    expect(notOffered.body).toMatchObject({ code: 'NOT_OFFERED', error: 'This product is not offered in this store' });
    const bad = await order({ product_id: 'nope', quantity: 0, customer: { name: 'x', email: 'bad' }, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['product_id', 'quantity', 'customer.email', 'extra']));
    expect((await stack.http.post('/api/storefront/order').send({ product_id: shop.products[0].id, quantity: 1, customer })).status).toBe(401);
  });

  it('says payments are not set up (409) when the store has no connected Stripe account, creating nothing', async () => {
    const other = await setupMerchant(stack, fake, { stripe: false, name: 'Unpaid' });
    const sessions = fake.sessions.size;
    const res = await order({ product_id: other.products[0].id, quantity: 1, customer }, other.key);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: "Payments aren't set up for this store yet, so it can't take payments. Please contact the store.", code: 'PAYMENTS_NOT_SET_UP' });
    expect(fake.sessions.size).toBe(sessions);
    const list = await stack.http.get('/api/v1/orders').set(other.acct.headers);
    expect(list.body).toEqual([]);
    expect(await stockOf(stack, other.acct, other.products[0].variants[0].id)).toMatchObject({ reserved: 0 });
  });

  it('gives the units back when Stripe refuses the Checkout Session', async () => {
    const before = await stockOf(stack, shop.acct, mugVariant);
    fake.failNext(3, { status: 500, body: { error: { type: 'api_error', message: 'boom' } } }, (r) => r.path === '/v1/checkout/sessions');
    const res = await order({ product_id: shop.products[0].id, quantity: 1, customer });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('STRIPE_UNAVAILABLE');
    fake.clearScripts();
    expect(await stockOf(stack, shop.acct, mugVariant)).toEqual(before);
    const cancelled = await stack.http.get('/api/v1/orders').query({ status: 'cancelled' }).set(shop.acct.headers);
    expect(cancelled.body.length).toBeGreaterThan(0);
  });
});

describe('storefront events reach partners (worker running)', () => {
  let stack: Stack;
  let fake: FakeStripe;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    fake = await new FakeStripe().start();
    receiver = await new WebhookReceiver().start();
    stack = await startStack({ worker: true, env: { ...fake.env, WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_RETRY_SCHEDULE: '0,200,400' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
    await fake?.stop();
  });

  it('delivers order.created, the quote lifecycle and order.updated(paid) as signed webhooks; a repeated Idempotency-Key places one order', async () => {
    const shop = await setupMerchant(stack, fake);
    const sub = await stack.http
      .post('/api/v1/webhooks')
      .set(shop.acct.headers)
      .send({ url: receiver.url('/shop'), events: ['order.created', 'order.updated', 'quote.created', 'quote.quoted', 'quote.accepted', 'quote.paid'] });
    expect(sub.status).toBe(201);

    const body = { product_id: shop.products[0].id, quantity: 1, customer };
    const first = await stack.http.post('/api/storefront/order').query({ key: shop.key }).set('Idempotency-Key', 'cart-42').send(body);
    const again = await stack.http.post('/api/storefront/order').query({ key: shop.key }).set('Idempotency-Key', 'cart-42').send(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.order_id).toBe(first.body.order_id);
    expect(fake.sessionsOf(shop.accountId).filter((s) => s.metadata.synq_order_id === first.body.order_id)).toHaveLength(1);

    const q = (await stack.http.post('/api/storefront/quote').query({ key: shop.key }).send({ customer, description: 'Custom sign' })).body;
    await stack.http.post(`/api/v1/quotes/${q.quote_id}/price`).set(shop.acct.headers).send({ amount: 40, valid_until: new Date(Date.now() + 86400_000).toISOString() });
    await stack.http.post('/api/storefront/quote/accept').query({ key: shop.key }).send({ quote_id: q.quote_id, token: q.access_token });
    const session = [...fake.sessions.values()].find((s) => s.metadata.synq_quote_id === q.quote_id)!;
    fake.pay(session.id);
    expect((await deliver(stack, fake, fake.event('checkout.session.completed', session, shop.accountId))).status).toBe(200);

    const types = await eventually(async () => {
      const got = receiver.at('/shop').map((r) => JSON.parse(r.body) as { type?: string; event?: string; data: Record<string, unknown> });
      const names = got.map((g) => g.type ?? g.event);
      return ['quote.created', 'quote.quoted', 'quote.accepted', 'quote.paid'].every((t) => names.includes(t)) && names.filter((n) => n === 'order.created').length >= 2 && names.includes('order.updated')
        ? got
        : undefined;
    }, 20_000);
    const paid = types.find((g) => (g.type ?? g.event) === 'quote.paid')!;
    expect(paid.data).toMatchObject({ id: q.quote_id, status: 'paid', order_id: expect.any(String) });
    expect(types.find((g) => (g.type ?? g.event) === 'order.updated')!.data).toMatchObject({ status: 'paid' });
    expect(receiver.at('/shop')[0].headers['webhook-signature']).toMatch(/^v1,/);
  });
});
