import { diffObjects } from './diff';

describe('diffObjects', () => {
  it('records changed, added and removed fields only', () => {
    expect(diffObjects({ a: 1, b: 'x', c: true }, { a: 2, b: 'x', d: null })).toEqual({
      a: { from: 1, to: 2 },
      c: { from: true, to: undefined },
      d: { from: undefined, to: null },
    });
  });
  it('redacts secret values and ignores updatedAt', () => {
    expect(diffObjects({ passwordHash: 'h1', updatedAt: 1 }, { passwordHash: 'h2', updatedAt: 2 })).toEqual({
      passwordHash: { from: '[redacted]', to: '[redacted]' },
    });
  });
});
