import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Frame, Page } from 'playwright-core';
import { FakeStripe } from '../fakes/fake-stripe';
import { Stack, startStack } from '../helpers/stack';
import { binaryStl, Merchant, setupMerchant } from './storefront-helpers';

/** Debian's Chromium, with the launch flags env/machines/node-svc.md lists (.ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(__dirname, '..', 'artifacts', 'storefront');

/** A merchant's web page on another origin that embeds the documented iframe. */
async function hostPage(src: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Merchant site</title></head><body style="font-family:sans-serif;background:#f4f5f8;padding:20px">
<h1>Acme prints</h1><iframe src="${src}" style="width:100%;max-width:480px;height:760px;border:0;border-radius:16px;background:#fff" title="Order"></iframe></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    // "localhost" is another site than the api's 127.0.0.1: the embed really is cross-origin
    url: `http://localhost:${port}/`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('the /s/{key} embed in headless Chromium', () => {
  let stack: Stack;
  let fake: FakeStripe;
  let shop: Merchant;
  let browser: Browser;
  let page: Page;
  let host: Awaited<ReturnType<typeof hostPage>>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    fake = await new FakeStripe().start();
    stack = await startStack({ env: fake.env });
    shop = await setupMerchant(stack, fake, { name: 'Acme Prints' });
    host = await hostPage(`${stack.url}/s/${shop.key}`);
    // after paying, Stripe brings the shopper back to the store's page (here the embed page itself)
    await stack.http
      .patch('/api/v1/storefront')
      .set(shop.acct.headers)
      .send({ allowed_origins: [new URL(host.url).origin], accent_color: '#0f766e', success_url: `${stack.url}/s/${shop.key}?checkout=success` });
    fake.webhookUrl = `${stack.url}/unified/webhooks/stripe`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 560, height: 880 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await stack?.stop();
    await fake?.stop();
  });

  async function embedFrame(): Promise<Frame> {
    await page.goto(host.url);
    const handle = await page.waitForSelector('iframe');
    const frame = (await handle.contentFrame())!;
    await frame.waitForSelector('#tab-order');
    return frame;
  }

  it('places an order inside the iframe and reaches the Stripe Checkout page on the top window', async () => {
    const frame = await embedFrame();
    await page.screenshot({ path: join(ARTIFACTS, '01-embed-order.png') });
    // the form refuses to submit without details, and says why
    await frame.click('#pay');
    expect(await frame.textContent('#o-name-err')).toBe('Please enter your name');
    await frame.selectOption('#product', shop.products[1].id);
    expect(await frame.isVisible('#variant')).toBe(true);
    await frame.selectOption('#product', shop.products[0].id);
    await frame.fill('#quantity', '2');
    expect(await frame.textContent('#total')).toContain('25.00');
    await frame.fill('#o-name', 'Sam Shopper');
    await frame.fill('#o-email', 'sam@example.com');
    await frame.fill('#o-address', '1 Main St, Oslo');
    await page.screenshot({ path: join(ARTIFACTS, '02-order-filled.png') });
    // the iframe alone, as the README shows it
    await (await page.$('iframe'))!.screenshot({ path: join(ARTIFACTS, 'embed.png') });
    expect(await frame.textContent('#o-name-err')).toBe('');
    await Promise.all([page.waitForURL(new RegExp(`^${fake.url}/pay/cs_test_`), { timeout: 20_000 }), frame.click('#pay')]);
    await page.screenshot({ path: join(ARTIFACTS, '03-stripe-checkout.png') });
    const sessionId = page.url().split('/').pop()!;
    const session = fake.sessions.get(sessionId)!;
    expect(session).toMatchObject({ account: shop.accountId, amount_total: 2500 });
    const order = await stack.http.get(`/api/v1/orders/${session.metadata.synq_order_id}`).set(shop.acct.headers);
    expect(order.body).toMatchObject({ status: 'pending', stock_state: 'reserved', channel: { kind: 'storefront' } });
    expect(await page.textContent('#amount')).toBe('25.00 USD');

    // the shopper pays at (fake) Stripe: the signed webhook marks the order paid, the browser comes back
    await Promise.all([page.waitForURL(`${stack.url}/s/${shop.key}?checkout=success`), page.click('#pay-now')]);
    await page.waitForSelector('#banner:not(.hidden)');
    expect(await page.textContent('#banner')).toBe('Thank you! Your payment was received.');
    await page.screenshot({ path: join(ARTIFACTS, '03b-paid-return.png') });
    expect(fake.deliveries).toEqual([{ type: expect.stringMatching(/^evt_/), status: 200 }]);
    const paid = await stack.http.get(`/api/v1/orders/${session.metadata.synq_order_id}`).set(shop.acct.headers);
    expect(paid.body).toMatchObject({ status: 'paid', stock_state: 'deducted' });
  });

  let quoteLink = '';
  it('submits a quote request with an STL file', async () => {
    const frame = await embedFrame();
    await frame.click('#tab-quote');
    await frame.fill('#q-desc', 'A bracket for a shelf, PETG, black');
    await frame.fill('#q-qty', '2');
    await frame.setInputFiles('#q-file', { name: 'bracket.stl', mimeType: 'model/stl', buffer: binaryStl(4) });
    await frame.fill('#q-name', 'Quinn Customer');
    await frame.fill('#q-email', 'quinn@example.com');
    await page.screenshot({ path: join(ARTIFACTS, '04-quote-form.png') });
    await frame.click('#send-quote');
    await frame.waitForSelector('#quote-link', { timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, '05-quote-sent.png') });
    quoteLink = new URL((await frame.getAttribute('#quote-link', 'href'))!, stack.url).toString();
    const list = await stack.http.get('/api/v1/quotes').query({ status: 'pending' }).set(shop.acct.headers);
    const q = list.body.find((x: { description: string }) => x.description === 'A bracket for a shelf, PETG, black');
    expect(q).toMatchObject({ quantity: 2, customer: { name: 'Quinn Customer', email: 'quinn@example.com' }, files: [{ file_name: 'bracket.stl', kind: 'stl', size_bytes: 284 }] });
  });

  it('shows the price once the merchant quotes it, and Accept & pay goes to Stripe Checkout', async () => {
    const id = new URL(quoteLink).searchParams.get('quote')!;
    const priced = await stack.http
      .post(`/api/v1/quotes/${id}/price`)
      .set(shop.acct.headers)
      .send({ amount: 89.9, note: 'Two brackets, ready in 3 days', valid_until: new Date(Date.now() + 3 * 86400_000).toISOString() });
    expect(priced.status).toBe(200);
    await page.goto(quoteLink);
    await page.waitForSelector('#quote-price');
    expect(await page.textContent('#quote-status')).toBe('Quote: Quoted');
    expect(await page.textContent('#quote-price')).toContain('89.90');
    await page.screenshot({ path: join(ARTIFACTS, '06-quote-priced.png') });
    await Promise.all([page.waitForURL(new RegExp(`^${fake.url}/pay/cs_test_`), { timeout: 20_000 }), page.click('#accept')]);
    await page.screenshot({ path: join(ARTIFACTS, '07-quote-checkout.png') });
    const session = fake.sessions.get(page.url().split('/').pop()!)!;
    expect(session).toMatchObject({ account: shop.accountId, amount_total: 8990, metadata: { synq_quote_id: id } });
    expect((await stack.http.get(`/api/v1/quotes/${id}`).set(shop.acct.headers)).body.status).toBe('accepted');
  });

  it('is not shown inside a page whose origin is not allowed (frame-ancestors)', async () => {
    const stranger = await hostPage(`${stack.url}/s/${shop.key}`);
    try {
      // 127.0.0.1 with another port: not in allowed_origins
      await page.goto(stranger.url.replace('localhost', '127.0.0.1'));
      const frame = (await (await page.waitForSelector('iframe')).contentFrame())!;
      await frame.waitForLoadState('load');
      expect(await frame.$('#tab-order')).toBeNull();
    } finally {
      await stranger.close();
    }
  });
});
