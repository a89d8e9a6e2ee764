import { normaliseBaseUrl, normaliseShopDomain, normaliseStoreUrl } from './store-url';

describe('normaliseStoreUrl', () => {
  it.each([
    ['https://www.Shop.example/', 'https://shop.example'],
    ['https://shop.example:443/store/', 'https://shop.example/store'],
    ['http://shop.example:8080?x=1#y', 'http://shop.example:8080'],
  ])('%s -> %s', (input, out) => expect(normaliseStoreUrl(input)).toBe(out));

  it('refuses other schemes', () => expect(() => normaliseStoreUrl('ftp://x.example')).toThrow());
});

describe('normaliseBaseUrl', () => {
  it('keeps www. but drops the rest of the noise', () => {
    expect(normaliseBaseUrl('https://WWW.Shop.example:443/wp/?a=1')).toBe('https://www.shop.example/wp');
  });
});

describe('normaliseShopDomain', () => {
  it.each([
    ['mystore', 'mystore.myshopify.com'],
    ['MyStore.myshopify.com', 'mystore.myshopify.com'],
    [' my-store-2 ', 'my-store-2.myshopify.com'],
  ])('%s -> %s', (input, out) => expect(normaliseShopDomain(input)).toBe(out));

  it.each(['evil.com', 'a.myshopify.com.evil.com', 'https://mystore.myshopify.com', 'mystore.myshopify.com/admin', '-bad.myshopify.com', 'my_store', '', 'a.b.myshopify.com', 'mystore.myshopify.com.'])(
    'refuses %p',
    (input) => expect(normaliseShopDomain(input)).toBeUndefined(),
  );
});
