import { prefixedId } from './ids';

describe('prefixedId', () => {
  it('is the prefix and 24 base62 characters, sorting by creation time', () => {
    const a = prefixedId('evt', 24, Date.UTC(2026, 10, 30, 12, 0, 0, 0));
    const b = prefixedId('evt', 24, Date.UTC(2026, 10, 30, 12, 0, 0, 1));
    const c = prefixedId('evt', 24, Date.UTC(2027, 0, 1));
    for (const id of [a, b, c]) expect(id).toMatch(/^evt_[0-9A-Za-z]{24}$/);
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });

  it('differs between ids of the same millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => prefixedId('msg', 24, now)));
    expect(ids.size).toBe(1000);
  });
});
