import { bodyHmacBase64, shopifyQueryHmac, shopifyQueryMessage, verifyBodyHmac, verifyShopifyQueryHmac } from './platform-signatures';

describe('Shopify OAuth redirect HMAC', () => {
  // Shopify's published example (OAuth docs): secret "hush"
  const params: [string, string][] = [
    ['shop', 'some-shop.myshopify.com'],
    ['code', '0907a61c0c8d55e99db179b68161bc00'],
    ['hmac', '700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf'],
    ['timestamp', '1337178173'],
    ['state', '0.6784241404160823'],
  ];

  it('builds the sorted message without hmac', () => {
    expect(shopifyQueryMessage(params)).toBe('code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173');
  });

  it('matches the published digest', () => {
    expect(shopifyQueryHmac(params, 'hush')).toBe('700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf');
    expect(verifyShopifyQueryHmac(params, 'hush')).toBe(true);
  });

  it('refuses a tampered parameter, a wrong secret, a missing or malformed hmac', () => {
    expect(verifyShopifyQueryHmac(params.map(([k, v]) => [k, k === 'shop' ? 'other-shop.myshopify.com' : v]), 'hush')).toBe(false);
    expect(verifyShopifyQueryHmac(params, 'hush2')).toBe(false);
    expect(verifyShopifyQueryHmac(params.filter(([k]) => k !== 'hmac'), 'hush')).toBe(false);
    expect(verifyShopifyQueryHmac(params.map(([k, v]) => [k, k === 'hmac' ? v.slice(1) : v]), 'hush')).toBe(false);
    expect(verifyShopifyQueryHmac(params, '')).toBe(false);
  });

  it('ignores signature and is independent of parameter order', () => {
    const shuffled: [string, string][] = [...params].reverse();
    shuffled.push(['signature', 'legacy']);
    expect(verifyShopifyQueryHmac(shuffled, 'hush')).toBe(true);
  });
});

describe('webhook body HMAC', () => {
  it('is base64 HMAC-SHA256 of the raw bytes', () => {
    const body = Buffer.from('{"id":1}');
    const sig = bodyHmacBase64(body, 'secret');
    expect(sig).toBe('A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=');
    expect(verifyBodyHmac(body, sig, 'secret')).toBe(true);
    expect(verifyBodyHmac(Buffer.from('{"id":2}'), sig, 'secret')).toBe(false);
    expect(verifyBodyHmac(body, undefined, 'secret')).toBe(false);
    expect(verifyBodyHmac(body, sig, undefined)).toBe(false);
    expect(verifyBodyHmac(undefined, sig, 'secret')).toBe(false);
  });
});
