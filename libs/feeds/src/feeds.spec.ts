import { parseCsv } from '@synq/pim';
import { rssItems } from '../../../test/helpers/xml';
import { clampItem, FeedItem, missingReasons } from './item';
import { applyRules, FeedRule, validateRules } from './rules';
import { FeedSerializer, xmlEscape, xmlItem } from './serializers';
import { expandLink, SourceRow, sourceItem } from './source';

const item: FeedItem = {
  id: 'SKU-1',
  title: 'Wool <Sweater> & "friends"',
  description: "It's warm\u0001",
  link: 'https://shop.example/p/wool?variant=SKU-1',
  image_link: 'https://cdn.example/1.jpg',
  additional_image_link: ['https://cdn.example/2.jpg', 'https://cdn.example/3.jpg'],
  availability: 'in_stock',
  price: '89.99 USD',
  condition: 'new',
  brand: 'Acme',
  gtin: null,
  mpn: null,
  identifier_exists: 'no',
  item_group_id: 'p1',
  product_type: 'Apparel > Sweaters',
};

function row(over: Partial<SourceRow> = {}): SourceRow {
  return {
    variant_id: 'v1',
    sku: 'SKU 1/x',
    barcode: null,
    variant_title: 'M / Blue',
    price: '89.9900',
    compare_at_price: null,
    currency: 'USD',
    options: { Size: 'M', Color: 'Blue' },
    variant_attributes: {},
    product_id: 'p1',
    title: 'Sweater',
    description: 'Warm',
    handle: 'wool-sweater',
    status: 'ACTIVE',
    product_attributes: {},
    brand: 'Acme',
    product_type: 'Apparel > Sweaters',
    images: ['https://cdn.example/1.jpg'],
    ...over,
  };
}

const settings = { template: 'google_shopping', currency: 'USD', linkTemplate: 'https://shop.example/products/{handle}?variant={sku}', imageFallback: null };

describe('feed serializers', () => {
  it('escapes XML text and drops characters XML 1.0 cannot carry', () => {
    expect(xmlEscape(`a<b>&"'\u0000\u0008z`)).toBe('a&lt;b&gt;&amp;&quot;&apos;z');
    expect(xmlEscape('😀 ok')).toBe('😀 ok');
    expect(xmlEscape('lone \uD800 surrogate')).toBe('lone  surrogate');
  });

  it('writes a Google RSS 2.0 document that parses back with every attribute', () => {
    const s = new FeedSerializer('xml', { title: 'Shop & Co', link: 'https://x/feed', description: 'd' });
    const xml = s.head() + s.item(item) + s.item({ ...item, id: 'SKU-2', additional_image_link: [] }) + s.tail();
    const items = rssItems(xml);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      id: ['SKU-1'],
      title: ['Wool <Sweater> & "friends"'],
      description: ["It's warm"],
      link: ['https://shop.example/p/wool?variant=SKU-1'],
      image_link: ['https://cdn.example/1.jpg'],
      additional_image_link: ['https://cdn.example/2.jpg', 'https://cdn.example/3.jpg'],
      availability: ['in_stock'],
      price: ['89.99 USD'],
      condition: ['new'],
      brand: ['Acme'],
      identifier_exists: ['no'],
      item_group_id: ['p1'],
      product_type: ['Apparel > Sweaters'],
    });
    expect(xmlItem({ id: 'x', gtin: null })).toBe('<item>\n<g:id>x</g:id>\n</item>\n');
  });

  it('writes CSV and TSV with the attribute names as headers, and a JSON array', () => {
    for (const [format, delim] of [
      ['csv', ','],
      ['tsv', '\t'],
    ] as const) {
      const s = new FeedSerializer(format, { title: '', link: '', description: '' });
      const text = s.head() + s.item({ ...item, title: 'Tab\there, comma, "q"' }) + s.tail();
      // TSV has no quoting: split it plainly
      const rows = delim === ',' ? parseCsv(text, delim) : text.trimEnd().split('\n').map((l) => l.split('\t'));
      expect(rows[0].slice(0, 4)).toEqual(['id', 'title', 'description', 'link']);
      const col = (n: string) => rows[1][rows[0].indexOf(n)];
      expect(col('title')).toBe(format === 'csv' ? 'Tab\there, comma, "q"' : 'Tab here, comma, "q"');
      expect(col('price')).toBe('89.99 USD');
      expect(col('additional_image_link')).toBe('https://cdn.example/2.jpg,https://cdn.example/3.jpg');
    }
    const j = new FeedSerializer('json', { title: '', link: '', description: '' });
    expect(JSON.parse(j.head() + j.tail())).toEqual([]);
    const j2 = new FeedSerializer('json', { title: '', link: '', description: '' });
    const arr = JSON.parse(j2.head() + j2.item(item) + j2.item(item) + j2.tail());
    expect(arr).toHaveLength(2);
    expect(arr[0]).toMatchObject({ id: 'SKU-1', price: '89.99 USD', additional_image_link: ['https://cdn.example/2.jpg', 'https://cdn.example/3.jpg'] });
    expect(arr[0]).not.toHaveProperty('gtin');
  });
});

describe('feed items', () => {
  it('builds an item from a variant row: link placeholders encoded, price with currency, sale price, options', () => {
    const { item: it1, blockers } = sourceItem(row({ compare_at_price: '100' }), settings);
    expect(blockers).toEqual([]);
    expect(it1).toMatchObject({
      id: 'SKU 1/x',
      title: 'Sweater - M / Blue',
      link: 'https://shop.example/products/wool-sweater?variant=SKU%201%2Fx',
      price: '100.00 USD',
      sale_price: '89.99 USD',
      availability: 'in_stock',
      identifier_exists: 'no',
      color: 'Blue',
      size: 'M',
      item_group_id: 'p1',
    });
    expect(expandLink('https://s/{id}/{variant_id}', row())).toBe('https://s/p1/v1');
  });

  it('never invents identifiers: gtin from the barcode, else mpn, else identifier_exists=no', () => {
    expect(sourceItem(row({ barcode: '4006381333931' }), settings).item).toMatchObject({ gtin: '4006381333931', mpn: null, identifier_exists: null });
    expect(sourceItem(row({ product_attributes: { mpn: 'M-1' } }), settings).item).toMatchObject({ gtin: null, mpn: 'M-1', identifier_exists: null });
    expect(sourceItem(row(), settings).item).toMatchObject({ gtin: null, mpn: null, identifier_exists: 'no' });
  });

  it('derives availability from price and status unless an attribute declares it; reports other currencies', () => {
    expect(sourceItem(row({ price: null }), settings).item.availability).toBe('out_of_stock');
    expect(sourceItem(row({ variant_attributes: { availability: 'preorder' } }), settings).item.availability).toBe('preorder');
    expect(sourceItem(row({ currency: 'EUR' }), settings).blockers).toEqual(["currency EUR differs from the feed's USD"]);
  });

  it('lists missing required attributes and clamps title and description', () => {
    expect(missingReasons({ ...item, image_link: null, price: null }, 'google_shopping')).toEqual(['missing image_link', 'missing price']);
    expect(missingReasons({ id: 'x' }, 'custom')).toEqual([]);
    const long = clampItem({ ...item, title: 'é'.repeat(200), description: 'x'.repeat(6000) });
    expect(Array.from(long.title!)).toHaveLength(150);
    expect(long.description).toHaveLength(5000);
  });
});

describe('feed rules', () => {
  const rules: FeedRule[] = [
    { type: 'prefix', field: 'title', value: '{brand} ' },
    { type: 'replace', field: 'title', find: 'Sweater', replace: 'Jumper' },
    { type: 'set', field: 'condition', value: 'refurbished', condition: { field: 'title', op: 'contains', value: 'refurb' } },
    { type: 'map_category', map: { 'Apparel > Sweaters': 'Apparel & Accessories > Clothing' } },
    { type: 'if', condition: { field: 'brand', op: 'eq', value: 'Acme' }, then: [{ type: 'suffix', field: 'title', value: ' (official)' }] },
    { type: 'exclude', condition: { any: [{ field: 'price', op: 'starts_with', value: '0.' }, { field: 'title', op: 'contains', value: 'sample' }] }, reason: 'samples are not sold' },
  ];

  it('applies rules in order and traces what each changed', () => {
    const out = applyRules(rules, { ...item, title: 'Wool Sweater' });
    expect(out.excluded).toBeNull();
    expect(out.item.title).toBe('Acme Wool Jumper (official)');
    expect(out.item.google_product_category).toBe('Apparel & Accessories > Clothing');
    expect(out.trace).toEqual([
      { rule: '0', type: 'prefix', field: 'title', before: 'Wool Sweater', after: 'Acme Wool Sweater' },
      { rule: '1', type: 'replace', field: 'title', before: 'Acme Wool Sweater', after: 'Acme Wool Jumper' },
      { rule: '3', type: 'map_category', field: 'google_product_category', before: null, after: 'Apparel & Accessories > Clothing' },
      { rule: '4.then.0', type: 'suffix', field: 'title', before: 'Acme Wool Jumper', after: 'Acme Wool Jumper (official)' },
    ]);
  });

  it('excludes with the rule reason and leaves the source item untouched', () => {
    const source = { ...item, title: 'Free sample' };
    const out = applyRules(rules, source);
    expect(out.excluded).toBe('samples are not sold');
    expect(out.trace[out.trace.length - 1]).toEqual({ rule: '5', type: 'exclude', excluded: true });
    expect(source.title).toBe('Free sample');
  });

  it('validates rule lists with a path for each problem', () => {
    expect(validateRules(rules)).toEqual([]);
    const errors = validateRules([
      { type: 'set', field: 'nope', value: 'x' },
      { type: 'exclude' },
      { type: 'replace', field: 'title', find: '', replace: 'x' },
      { type: 'if', condition: { field: 'title', op: 'eq', value: 'a' }, then: [{ type: 'bogus' }] },
      { type: 'set', field: 'title', value: 'x', extra: 1 },
      'x',
    ]);
    expect(errors.map((e) => e.field)).toEqual(['rules[0].field', 'rules[1].condition', 'rules[2].find', 'rules[3].then[0].type', 'rules[4]', 'rules[5].type']);
    expect(validateRules({})).toEqual([{ field: 'rules', message: 'rules must be an array' }]);
  });
});
