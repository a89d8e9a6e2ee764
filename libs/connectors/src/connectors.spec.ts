import { ConnectorError, MappingError } from './connector';
import { errorForStatus, platformMessage } from './http';
import { optionModel } from './mappers/options';
import { shopifyVariantIds, toShopifyProductSet } from './mappers/shopify.mapper';
import { chunks, toWooProduct, wooPrices } from './mappers/woocommerce.mapper';
import { toUnifiedItem, unifiedVariantIds } from './mappers/unified.mapper';
import { throttleWaitMs } from './shopify.connector';
import { compareDecimal, decimalString, SyncProduct, SyncVariant } from './sync-product';
import { assertPublicTarget } from './target';

function variant(id: string, over: Partial<SyncVariant> = {}): SyncVariant {
  return {
    id,
    sku: null,
    barcode: null,
    title: null,
    price: null,
    currency: null,
    compare_at_price: null,
    options: {},
    ...over,
  };
}

function product(over: Partial<SyncProduct> = {}): SyncProduct {
  return {
    id: 'p1',
    title: 'Classic Wool Sweater',
    description: '100% merino wool.',
    handle: 'classic-wool-sweater',
    status: 'ACTIVE',
    variants: [
      variant('v1', { sku: 'WOOL-M-BLU', price: '89.9900', currency: 'USD', compare_at_price: '99.5000', barcode: '4006381333931', options: { Size: 'M', Color: 'Blue' } }),
      variant('v2', { sku: 'WOOL-L-BLU', price: '94.0000', currency: 'USD', options: { Size: 'L', Color: 'Blue' } }),
    ],
    media: [
      { variant_id: null, url: 'https://cdn.example.com/front.jpg', alt_text: 'Front' },
      { variant_id: 'v2', url: 'https://cdn.example.com/large.jpg', alt_text: null },
    ],
    ...over,
  };
}

describe('money as decimal strings', () => {
  it('normalises without floats', () => {
    expect(decimalString('89.9900')).toBe('89.99');
    expect(decimalString('10')).toBe('10.00');
    expect(decimalString('1.2345')).toBe('1.2345');
    expect(decimalString('0.1000')).toBe('0.10');
    expect(decimalString('007.5')).toBe('7.50');
    expect(decimalString('123456789012.0001')).toBe('123456789012.0001');
    expect(() => decimalString('1e5')).toThrow();
  });

  it('compares exactly', () => {
    expect(compareDecimal('99.5000', '89.99')).toBe(1);
    expect(compareDecimal('89.99', '89.9900')).toBe(0);
    expect(compareDecimal('0.1', '0.10000001')).toBe(-1);
    expect(compareDecimal('-1', '0')).toBe(-1);
    expect(compareDecimal('-1.5', '-1.25')).toBe(-1);
  });
});

describe('option axes', () => {
  it('uses the variants’ options, in order of first appearance, with Default for a missing value', () => {
    const m = optionModel(product({ variants: [variant('a', { options: { Size: 'M' } }), variant('b', { options: { Size: 'L', Color: 'Red' } })] }));
    expect(m.names).toEqual(['Size', 'Color']);
    expect(m.values).toEqual({ Size: ['M', 'L'], Color: ['Default', 'Red'] });
    expect(m.rows).toEqual([
      { Size: 'M', Color: 'Default' },
      { Size: 'L', Color: 'Red' },
    ]);
  });

  it('gives option-less variants a distinguishing Title axis', () => {
    expect(optionModel(product({ variants: [variant('a')] }))).toMatchObject({ names: ['Title'], rows: [{ Title: 'Default Title' }], plain: true });
    const m = optionModel(product({ variants: [variant('a', { sku: 'X' }), variant('b', { sku: 'X' }), variant('c', { title: 'Gift box' })] }));
    expect(m).toMatchObject({ plain: false, values: { Title: ['X', 'X (2)', 'Gift box'] } });
  });
});

describe('Shopify mapping (productSet input)', () => {
  it('maps product, options, variants, prices and files (golden)', () => {
    expect(toShopifyProductSet(product())).toEqual({
      title: 'Classic Wool Sweater',
      descriptionHtml: '100% merino wool.',
      handle: 'classic-wool-sweater',
      status: 'ACTIVE',
      productOptions: [
        { name: 'Size', position: 1, values: [{ name: 'M' }, { name: 'L' }] },
        { name: 'Color', position: 2, values: [{ name: 'Blue' }] },
      ],
      variants: [
        {
          optionValues: [
            { optionName: 'Size', name: 'M' },
            { optionName: 'Color', name: 'Blue' },
          ],
          position: 1,
          price: '89.99',
          compareAtPrice: '99.50',
          sku: 'WOOL-M-BLU',
          barcode: '4006381333931',
        },
        {
          optionValues: [
            { optionName: 'Size', name: 'L' },
            { optionName: 'Color', name: 'Blue' },
          ],
          position: 2,
          price: '94.00',
          compareAtPrice: null,
          sku: 'WOOL-L-BLU',
        },
      ],
      files: [
        { originalSource: 'https://cdn.example.com/front.jpg', alt: 'Front', contentType: 'IMAGE' },
        { originalSource: 'https://cdn.example.com/large.jpg', contentType: 'IMAGE' },
      ],
    });
  });

  it('carries the mapped variant ids on update, maps statuses, and omits options without variants', () => {
    const input = toShopifyProductSet(product({ status: 'ARCHIVED' }), { remoteProductId: 'gid://shopify/Product/1', remoteVariantIds: { v2: 'gid://shopify/ProductVariant/9' } });
    expect(input.status).toBe('ARCHIVED');
    expect(input.variants!.map((v) => v.id)).toEqual([undefined, 'gid://shopify/ProductVariant/9']);
    const bare = toShopifyProductSet(product({ variants: [], status: 'DRAFT' }));
    expect(bare.status).toBe('DRAFT');
    expect('variants' in bare || 'productOptions' in bare).toBe(false);
  });

  it('refuses more than three options', () => {
    const p = product({ variants: [variant('a', { options: { A: '1', B: '2', C: '3', D: '4' } })] });
    expect(() => toShopifyProductSet(p)).toThrow(MappingError);
    try {
      toShopifyProductSet(p);
    } catch (err) {
      expect((err as ConnectorError).retryable).toBe(false);
      expect((err as Error).message).toContain('at most 3 options');
    }
  });

  it('matches Shopify’s variants back by option values, then SKU', () => {
    const ids = shopifyVariantIds(product(), [
      { id: 'gid://2', sku: 'other', selectedOptions: [{ name: 'Color', value: 'Blue' }, { name: 'Size', value: 'L' }] },
      { id: 'gid://1', sku: 'WOOL-M-BLU' },
    ]);
    expect(ids).toEqual({ v1: 'gid://1', v2: 'gid://2' });
  });

  it('derives the throttle wait from the cost bucket', () => {
    expect(throttleWaitMs({ extensions: { cost: { requestedQueryCost: 250, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 50, restoreRate: 100 } } } })).toBe(2000);
    expect(throttleWaitMs({})).toBe(1000);
  });
});

describe('WooCommerce mapping', () => {
  it('maps a product with options to a variable product with variations (golden)', () => {
    expect(toWooProduct(product(), { remoteProductId: '10', remoteVariantIds: { v1: '11' } })).toEqual({
      product: {
        name: 'Classic Wool Sweater',
        slug: 'classic-wool-sweater',
        status: 'publish',
        description: '100% merino wool.',
        images: [{ src: 'https://cdn.example.com/front.jpg', alt: 'Front' }, { src: 'https://cdn.example.com/large.jpg' }],
        type: 'variable',
        sku: 'classic-wool-sweater',
        attributes: [
          { name: 'Size', position: 0, visible: true, variation: true, options: ['M', 'L'] },
          { name: 'Color', position: 1, visible: true, variation: true, options: ['Blue'] },
        ],
      },
      variations: [
        {
          id: 11,
          sku: 'WOOL-M-BLU',
          regular_price: '99.50',
          sale_price: '89.99',
          global_unique_id: '4006381333931',
          attributes: [
            { name: 'Size', option: 'M' },
            { name: 'Color', option: 'Blue' },
          ],
        },
        {
          sku: 'WOOL-L-BLU',
          regular_price: '94.00',
          sale_price: '',
          attributes: [
            { name: 'Size', option: 'L' },
            { name: 'Color', option: 'Blue' },
          ],
          image: { src: 'https://cdn.example.com/large.jpg' },
        },
      ],
    });
  });

  it('maps one option-less variant to a simple product, and statuses', () => {
    const simple = toWooProduct(product({ status: 'DRAFT', media: [], variants: [variant('v1', { sku: 'MUG-1', price: '12.5000', barcode: '4006381333931' })] }));
    expect(simple).toEqual({
      product: {
        name: 'Classic Wool Sweater',
        slug: 'classic-wool-sweater',
        status: 'draft',
        description: '100% merino wool.',
        images: [],
        type: 'simple',
        sku: 'MUG-1',
        regular_price: '12.50',
        sale_price: '',
        global_unique_id: '4006381333931',
        attributes: [],
      },
      variations: [],
    });
    expect(toWooProduct(product({ status: 'ARCHIVED', variants: [] })).product).toMatchObject({ type: 'simple', status: 'private', sku: 'classic-wool-sweater', regular_price: '' });
  });

  it('sells below the compare-at price only when it is higher', () => {
    expect(wooPrices(variant('x', { price: '10.00', compare_at_price: '10.0000' }))).toEqual({ regular_price: '10.00', sale_price: '' });
    expect(wooPrices(variant('x', { price: '10.00', compare_at_price: '12' }))).toEqual({ regular_price: '12.00', sale_price: '10.00' });
    expect(wooPrices(undefined)).toEqual({ regular_price: '', sale_price: '' });
  });

  it('batches at most 100 per request', () => {
    expect(chunks(Array.from({ length: 250 }, (_, i) => i)).map((c) => c.length)).toEqual([100, 100, 50]);
  });
});

describe('unified item mapping', () => {
  it('maps to a commerce item (golden)', () => {
    expect(toUnifiedItem(product({ status: 'DRAFT' }), { remoteProductId: 'item_1', remoteVariantIds: { v2: 'var_2' } })).toEqual({
      name: 'Classic Wool Sweater',
      slug: 'classic-wool-sweater',
      description: '100% merino wool.',
      is_active: false,
      variants: [
        { name: 'M / Blue', sku: 'WOOL-M-BLU', prices: [{ price: 89.99, compare_at_price: 99.5, currency: 'USD' }], options: [{ name: 'Size', values: ['M'] }, { name: 'Color', values: ['Blue'] }], is_active: false },
        { id: 'var_2', name: 'L / Blue', sku: 'WOOL-L-BLU', prices: [{ price: 94, currency: 'USD' }], options: [{ name: 'Size', values: ['L'] }, { name: 'Color', values: ['Blue'] }], is_active: false },
      ],
      media: [{ url: 'https://cdn.example.com/front.jpg', alt: 'Front' }, { url: 'https://cdn.example.com/large.jpg' }],
    });
  });

  it('matches answered variants by SKU, then order', () => {
    expect(unifiedVariantIds(product(), [{ id: 'b', sku: 'WOOL-L-BLU' }, { id: 'a' }])).toEqual({ v1: 'a', v2: 'b' });
  });
});

describe('failure classification', () => {
  const h = (v: Record<string, string> = {}) => new Headers(v);

  it('retries 408, 429 and 5xx, honouring Retry-After', () => {
    const e = errorForStatus('WooCommerce', 429, h({ 'retry-after': '3' }), { code: 'too_many_requests', message: 'Slow down' });
    expect(e).toMatchObject({ retryable: true, retryAfterMs: 3000, status: 429, auth: false });
    expect(e.message).toBe('WooCommerce answered 429: Slow down');
    expect(errorForStatus('Shopify', 503, h(), 'upstream down')).toMatchObject({ retryable: true, retryAfterMs: undefined });
    expect(errorForStatus('X', 408, h(), {}).retryable).toBe(true);
  });

  it('fails other 4xx at once with the platform’s message, and flags refused credentials', () => {
    const e = errorForStatus('WooCommerce', 400, h(), { code: 'product_invalid_sku', message: 'Invalid or duplicated SKU.', data: { status: 400 } });
    expect(e).toMatchObject({ retryable: false, status: 400, auth: false });
    expect(e.message).toContain('Invalid or duplicated SKU.');
    expect(errorForStatus('Shopify', 401, h(), { errors: '[API] Invalid API key or access token' })).toMatchObject({ retryable: false, auth: true });
    expect(errorForStatus('X', 422, h(), { errors: { title: ['is too long'] } }).message).toBe('X answered 422: title is too long');
  });

  it('reads the usual error body shapes', () => {
    expect(platformMessage({ error: { message: 'nested' } }, 'f')).toBe('nested');
    expect(platformMessage({ errors: [{ message: 'a' }, { message: 'b' }] }, 'f')).toBe('a; b');
    expect(platformMessage(null, 'fallback')).toBe('fallback');
  });
});

describe('outbound targets', () => {
  it('refuses non-public store addresses unless private targets are allowed', async () => {
    for (const url of ['http://127.0.0.1:8080', 'https://10.1.2.3', 'http://[::1]/', 'https://169.254.169.254/latest']) {
      await expect(assertPublicTarget(url, false)).rejects.toMatchObject({ name: 'ConnectorError', retryable: false });
    }
    await expect(assertPublicTarget('ftp://shop.example.com', false)).rejects.toThrow(/store URL refused/);
    await expect(assertPublicTarget('https://user:pw@shop.example.com', false)).rejects.toThrow(/credentials/);
    await expect(assertPublicTarget('http://127.0.0.1:8080/shop', true)).resolves.toMatchObject({ pathname: '/shop' });
    await expect(assertPublicTarget('https://8.8.8.8/', false)).resolves.toMatchObject({ hostname: '8.8.8.8' });
  });
});
