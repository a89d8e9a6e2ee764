import { normaliseStoreUrl } from './store-url';

describe('normaliseStoreUrl', () => {
  it.each([
    ['https://www.Shop.example/', 'https://shop.example'],
    ['https://shop.example:443/store/', 'https://shop.example/store'],
    ['http://shop.example:8080?x=1#y', 'http://shop.example:8080'],
  ])('%s -> %s', (input, out) => expect(normaliseStoreUrl(input)).toBe(out));

  it('refuses other schemes', () => expect(() => normaliseStoreUrl('ftp://x.example')).toThrow());
});
