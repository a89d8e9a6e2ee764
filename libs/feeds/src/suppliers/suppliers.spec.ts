import { Readable } from 'node:stream';
import { mapRecord, MapContext, parseDecimal, validateMapping } from './mapping';
import { MalformedFileError, parseSupplierStream, SourceRecord, SupplierFileFormat } from './parsers';
import { nextCron } from './schedule';

/** Feeds the text in small chunks so that tokens straddle chunk boundaries. */
async function parse(text: string, format: SupplierFileFormat, itemPath?: string, chunk = 7): Promise<SourceRecord[]> {
  const parts: Buffer[] = [];
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  const out: SourceRecord[] = [];
  for await (const recs of parseSupplierStream(Readable.from(parts), format, itemPath)) out.push(...recs);
  return out;
}

describe('supplier file parsers', () => {
  it('CSV: quotes, escaped quotes, newlines in fields, CRLF, BOM, blank lines, bad rows with their line', async () => {
    const csv = '\ufeffsku,title,price\r\nA-1,"Wool, warm",10.50\r\n\r\nA-2,"Say ""hi""\nthere",3\r\nA-3,short\r\nA-4,Ünïcødé,7\r\n';
    for (const chunk of [1, 3, 7, 1000]) {
      const recs = await parse(csv, 'csv', undefined, chunk);
      expect(recs).toEqual([
        { line: 2, record: { sku: 'A-1', title: 'Wool, warm', price: '10.50' } },
        { line: 4, record: { sku: 'A-2', title: 'Say "hi"\nthere', price: '3' } },
        { line: 6, error: '2 fields where the header has 3' },
        { line: 7, record: { sku: 'A-4', title: 'Ünïcødé', price: '7' } },
      ]);
    }
  });
  it('TSV and a last line without newline', async () => {
    expect(await parse('sku\ttitle\nB-1\tBlue\nB-2\tRed', 'tsv')).toEqual([
      { line: 2, record: { sku: 'B-1', title: 'Blue' } },
      { line: 3, record: { sku: 'B-2', title: 'Red' } },
    ]);
  });
  it('CSV: an unclosed quote or an empty file is a malformed file', async () => {
    await expect(parse('sku,title\nA,"open\n', 'csv')).rejects.toBeInstanceOf(MalformedFileError);
    await expect(parse('', 'csv')).rejects.toThrow(/empty/);
  });
  it('JSON: the root array or the array at item_path, with lines; non-objects are bad rows', async () => {
    const doc = '{"meta": {"count": 3, "x": [1, {"y": "]"}]},\n "data": {"products": [\n {"sku": "J-1", "price": 1.5, "tags": ["a", "}"]},\n 7,\n {"sku": "J-\\"2", "nested": {"a": {"b": 2}}}\n]}}';
    for (const chunk of [1, 5, 1000]) {
      expect(await parse(doc, 'json', 'data.products', chunk)).toEqual([
        { line: 3, record: { sku: 'J-1', price: 1.5, tags: ['a', '}'] } },
        { line: 4, error: 'the item is not a JSON object' },
        { line: 5, record: { sku: 'J-"2', nested: { a: { b: 2 } } } },
      ]);
    }
    expect(await parse('[{"sku": "R"}, {"sku": "S"}]', 'json')).toHaveLength(2);
  });
  it('JSON: truncated documents, garbage and a missing array are malformed', async () => {
    await expect(parse('[{"sku": "A"}, {"sku": ', 'json')).rejects.toThrow(/end/);
    await expect(parse('[{"sku": "A",}]', 'json')).rejects.toBeInstanceOf(MalformedFileError);
    await expect(parse('{"items": []}', 'json')).rejects.toThrow(/item_path/);
    await expect(parse('{"items": []}', 'json', 'products')).rejects.toThrow(/no array at item_path "products"/);
    await expect(parse('<xml/>', 'json')).rejects.toBeInstanceOf(MalformedFileError);
  });
  it('XML: items by name (namespaced too), nested paths, attributes, repeats, entities, CDATA, comments', async () => {
    const xml = `<?xml version="1.0"?>
<rss xmlns:g="http://base.google.com/ns/1.0"><channel><title>Supplier</title>
<!-- a comment with <item> inside -->
<item id="1"><g:id>X-1</g:id><title>Tea &amp; cups &#x263A;</title><g:image_link>https://a/1.jpg</g:image_link><g:image_link>https://a/2.jpg</g:image_link>
<shipping><g:price currency="EUR">4.95</g:price></shipping><description><![CDATA[<b>bold</b> & more]]></description></item>
<item><g:id>X-2</g:id><empty/></item>
</channel></rss>`;
    for (const chunk of [1, 4, 1000]) {
      expect(await parse(xml, 'xml', 'item', chunk)).toEqual([
        {
          line: 4,
          record: {
            '@id': '1',
            'g:id': 'X-1',
            title: 'Tea & cups ☺',
            'g:image_link': ['https://a/1.jpg', 'https://a/2.jpg'],
            'shipping/g:price': '4.95',
            'shipping/g:price/@currency': 'EUR',
            description: '<b>bold</b> & more',
          },
        },
        { line: 6, record: { 'g:id': 'X-2', empty: '' } },
      ]);
    }
  });
  it('XML: mismatched tags, truncation and DTDs are malformed', async () => {
    await expect(parse('<a><item><b></item></a>', 'xml')).rejects.toThrow(/does not close/);
    await expect(parse('<a><item><b>x</b></item>', 'xml')).rejects.toThrow(/end/);
    await expect(parse('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', 'xml')).rejects.toThrow(/DTD/);
    await expect(parse('<a>&bogus;</a>', 'xml', 'a')).rejects.toThrow(/entity/);
  });
});

describe('supplier mapping', () => {
  const ctx = (over: Partial<MapContext> = {}): MapContext => ({
    matchOn: 'sku',
    defaultCurrency: null,
    attributes: new Map([['material', { slug: 'material', type: 'TEXT', options: [] }], ['weight', { slug: 'weight', type: 'NUMBER', options: [] }]]),
    mapping: [
      { source: 'SKU', target: 'sku' },
      { source: 'Name', target: 'title' },
      { source: 'Cost', target: 'price', transform: { markup_percent: 25 } },
      { source: 'Cur', target: 'currency', default: 'EUR' },
      { source: 'EAN', target: 'barcode' },
      { source: 'Pics', target: 'images' },
      { source: 'Material', target: 'attributes.material' },
      { source: 'Kg', target: 'attributes.weight' },
      { source: 'Qty', target: 'stock' },
      { source: 'Brand', target: 'brand', transform: { uppercase: true } },
    ],
    ...over,
  });
  it('maps, transforms and validates', () => {
    const out = mapRecord({ SKU: ' S1 ', Name: 'Mug', Cost: '8,00', EAN: '4006381333931', Pics: 'https://x/1.jpg|https://x/2.jpg', Material: 'clay', Kg: '0.4', Qty: '12', Brand: 'acme' }, ctx());
    expect(out).toEqual({
      ok: true,
      key: 'S1',
      row: { sku: 'S1', title: 'Mug', price: '10.00', currency: 'EUR', barcode: '4006381333931', images: ['https://x/1.jpg', 'https://x/2.jpg'], attributes: { material: 'clay', weight: 0.4 }, stock: 12, brand: 'ACME' },
    });
  });
  it('names what is wrong with a row', () => {
    const out = mapRecord({ SKU: 'S2', Cost: 'cheap', EAN: '4006381333932', Pics: 'ftp://x', Cur: 'XXY' }, ctx());
    expect(out.ok).toBe(false);
    const reason = (out as { reason: string }).reason;
    expect(reason).toMatch(/price "cheap" is not a number/);
    expect(reason).toMatch(/not a valid GTIN/);
    expect(reason).toMatch(/not an http\(s\) URL/);
    expect(reason).toMatch(/currency XXY/);
    expect(mapRecord({ Name: 'x' }, ctx())).toEqual({ ok: false, key: null, reason: 'no sku (match_on) in the row' });
  });
  it('reads Google-style prices and keeps exact decimals', () => {
    expect(parseDecimal('89.99 USD')).toEqual({ value: '89.99', currency: 'USD' });
    expect(parseDecimal('1,234.50')).toEqual({ value: '1234.50', currency: undefined });
    expect(parseDecimal('abc')).toBeUndefined();
  });
  it('validates mapping configuration', () => {
    expect(validateMapping([{ source: 'a', target: 'title' }], 'sku').map((e) => e.message)).toEqual(['the mapping must fill sku (match_on)']);
    const errs = validateMapping([{ source: 'a', target: 'sku' }, { source: 'b', target: 'nope' }, { source: 'c', target: 'title', transform: { markup_percent: 5 } }, { target: 'price' }], 'sku');
    expect(errs.map((e) => e.field)).toEqual(['mapping[1].target', 'mapping[2].transform.markup_percent', 'mapping[3]']);
  });
});

describe('cron', () => {
  it('finds the next matching minute in UTC', () => {
    expect(nextCron('0 3 * * *', new Date('2026-01-01T02:59:30Z')).toISOString()).toBe('2026-01-01T03:00:00.000Z');
    expect(nextCron('0 3 * * *', new Date('2026-01-01T03:00:00Z')).toISOString()).toBe('2026-01-02T03:00:00.000Z');
    expect(nextCron('*/15 * * * 1', new Date('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(() => nextCron('61 * * * *', new Date())).toThrow(/out of range/);
  });
});
