import { payloadHash, stableJson, toSyncProduct, withListingPrices } from './sync-product.loader';
import { syncJobId } from './sync-fanout.service';

describe('sync engine helpers', () => {
  it('hashes payloads independently of key order and per connector kind', () => {
    expect(stableJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":0,"y":1}]},"b":1}');
    expect(payloadHash('shopify', { a: 1, b: 2 })).toBe(payloadHash('shopify', { b: 2, a: 1 }));
    expect(payloadHash('shopify', { a: 1 })).not.toBe(payloadHash('woocommerce', { a: 1 }));
    expect(payloadHash('shopify', { a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps money as the exact decimal text PostgreSQL wrote (never a float)', () => {
    const json = '{"id": "p", "variants": [{"id": "v", "price": "0.1000", "compare_at_price": null}], "media": []}';
    const p = toSyncProduct(json);
    expect(p.variants[0]).toMatchObject({ price: '0.1000', compare_at_price: null });
  });

  it('a connection’s listing prices override the PIM price of their variants (others keep theirs)', () => {
    const json = JSON.stringify({ id: 'p', variants: [{ id: 'v1', price: '25.0000', compare_at_price: null }, { id: 'v2', price: '30.0000', compare_at_price: null }], media: [] });
    const p = toSyncProduct(json);
    const q = withListingPrices(p, { v1: '18.5000' });
    expect(q.variants.map((v) => v.price)).toEqual(['18.5000', '30.0000']);
    expect(withListingPrices(p, null)).toBe(p);
    expect(payloadHash('unified', q)).not.toBe(payloadHash('unified', p));
  });

  it('names child jobs by connection, product and ledger seq', () => {
    expect(syncJobId('c', 'p', '7')).toBe('sp-c-p-7');
  });
});
