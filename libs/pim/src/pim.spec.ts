import { checkAttributeValues, mergeAttributeValues } from './attribute-values';
import { isValidGtin } from './gtin';
import { fromUnits, hasAtMostDecimals, toUnits } from './money';
import { slugify } from './slug';

describe('GTIN', () => {
  it.each(['96385074', '036000291452', '4006381333931', '10614141000415', '00012345600012'])('accepts %s', (c) =>
    expect(isValidGtin(c)).toBe(true),
  );
  it.each(['4006381333932', '12345', '40063813339a1', '123456789012345', ''])('refuses %s', (c) => expect(isValidGtin(c)).toBe(false));
});

describe('money', () => {
  it('adds percentages exactly', () => {
    const p = toUnits('19.99');
    expect(fromUnits((p * 110n) / 100n)).toBe('21.99');
    expect(fromUnits(toUnits('0.1') + toUnits('0.2'))).toBe('0.30');
    expect(fromUnits(toUnits('10.005'), 2)).toBe('10.01');
    expect(hasAtMostDecimals(89.99, 4)).toBe(true);
    expect(hasAtMostDecimals(1.23456, 4)).toBe(false);
  });
});

describe('slugify', () => {
  it('makes URL-safe slugs', () => {
    expect(slugify('Classic Wool Sweater!')).toBe('classic-wool-sweater');
    expect(slugify('Crème brûlée — 2 pack')).toBe('creme-brulee-2-pack');
    expect(slugify('!!!')).toBe('item');
  });
});

describe('attribute values', () => {
  const defs = new Map([
    ['weight', { slug: 'weight', type: 'NUMBER' as const, options: [] }],
    ['color', { slug: 'color', type: 'SELECT' as const, options: ['red', 'blue'] }],
    ['organic', { slug: 'organic', type: 'BOOLEAN' as const, options: [] }],
    ['material', { slug: 'material', type: 'TEXT' as const, options: [] }],
  ]);
  it('names each bad value', () => {
    const errors = checkAttributeValues({ weight: 'abc', color: 'green', organic: 'yes', material: 3, nope: 1 }, defs);
    expect(errors.map((e) => e.field)).toEqual(['attributes.weight', 'attributes.color', 'attributes.organic', 'attributes.material', 'attributes.nope']);
    expect(checkAttributeValues({ weight: 1.5, color: 'red', organic: true, material: 'wool', nope: null }, defs)).toHaveLength(1);
  });
  it('merges with null removing', () => {
    expect(mergeAttributeValues({ a: 1, b: 'x' }, { b: null, c: true })).toEqual({ a: 1, c: true });
  });
});
