import { fromShopify, fromUnified, fromWooCommerce, normalizeOrder, UnreadableOrderError } from './platform-orders';
import { shopifyNextPageInfo } from '@synq/connectors';

describe('platform order mapping', () => {
  it('maps a Shopify REST order: status from financial/fulfillment/cancelled, exact shipping, SKU lines', () => {
    const n = fromShopify({
      id: 450789469,
      name: '#1001',
      email: 'bob@example.com',
      currency: 'EUR',
      financial_status: 'paid',
      fulfillment_status: null,
      cancelled_at: null,
      created_at: '2026-11-30T10:00:00-05:00',
      updated_at: '2026-11-30T11:00:00-05:00',
      total_price: '21.10',
      total_tax: '1.00',
      total_discounts: '0.00',
      shipping_lines: [{ price: '0.10' }, { price: '0.20' }],
      line_items: [{ id: 1, sku: 'A', title: 'Mug', variant_title: 'Blue', quantity: 2, price: '9.90' }],
      customer: { first_name: 'Bob', last_name: 'Norman' },
    });
    expect(n).toMatchObject({ externalId: '450789469', status: 'paid' });
    expect(n.updatedAt?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(n.input).toMatchObject({ currency: 'EUR', externalNumber: '#1001', shippingTotal: '0.3000', taxTotal: '1.00', customer: { email: 'bob@example.com', name: 'Bob Norman' } });
    expect(n.input.lines).toEqual([{ sku: 'A', quantity: 2, unitPrice: '9.90', title: 'Mug — Blue', externalLineId: '1' }]);
    expect(n.input.payment).toMatchObject({ provider: 'shopify', amount: '21.10' });
    expect(fromShopify({ id: 1, cancelled_at: '2026-11-30T00:00:00Z', financial_status: 'paid', line_items: [] }).status).toBe('cancelled');
    expect(fromShopify({ id: 1, financial_status: 'refunded', line_items: [] }).status).toBe('refunded');
    expect(fromShopify({ id: 1, financial_status: 'paid', fulfillment_status: 'fulfilled', line_items: [] }).status).toBe('fulfilled');
    expect(fromShopify({ id: 1, financial_status: 'pending', line_items: [] }).status).toBe('pending');
  });

  it('maps a WooCommerce order: GMT dates, statuses, exact unit price from subtotal', () => {
    const n = fromWooCommerce({
      id: 727,
      number: '727',
      status: 'processing',
      currency: 'USD',
      date_modified_gmt: '2026-11-30T12:00:00',
      total: '10.00',
      billing: { email: 'a@example.com', first_name: 'A', last_name: 'B' },
      line_items: [{ id: 5, sku: 'X', name: 'Thing', quantity: 3, subtotal: '10.00', price: 3.3333333 }],
    });
    expect(n.updatedAt?.toISOString()).toBe('2026-11-30T12:00:00.000Z');
    expect(n.status).toBe('paid');
    expect(n.input.lines[0]).toMatchObject({ sku: 'X', quantity: 3, unitPrice: '3.3333' });
    for (const [s, want] of [['on-hold', 'pending'], ['completed', 'fulfilled'], ['cancelled', 'cancelled'], ['refunded', 'refunded'], ['weird', 'pending']]) {
      expect(fromWooCommerce({ id: 1, status: s, line_items: [] }).status).toBe(want);
    }
  });

  it('maps a unified order and refuses unreadable ones', () => {
    const n = fromUnified({ id: 'o1', status: 'PAID', currency: 'GBP', updated_at: '2026-11-30T12:00:00Z', line_items: [{ id: 'l1', sku: 'Y', quantity: 1, price: 5 }] });
    expect(n).toMatchObject({ externalId: 'o1', status: 'paid', input: { currency: 'GBP', lines: [{ sku: 'Y', quantity: 1, unitPrice: '5' }] } });
    expect(() => normalizeOrder('shopify', { line_items: [] })).toThrow(UnreadableOrderError);
    expect(() => normalizeOrder('woocommerce', { id: 3, line_items: [{ sku: 'Z', quantity: 0 }] })).toThrow(/no line with a positive quantity/);
  });

  it('reads Shopify REST pagination from the Link header', () => {
    expect(shopifyNextPageInfo('<https://shop.example/admin/api/2025-10/orders.json?limit=250&page_info=abc>; rel="next"')).toBe('abc');
    expect(shopifyNextPageInfo('<https://x/orders.json?page_info=p>; rel="previous", <https://x/orders.json?page_info=n>; rel="next"')).toBe('n');
    expect(shopifyNextPageInfo('<https://x/orders.json?page_info=p>; rel="previous"')).toBeNull();
    expect(shopifyNextPageInfo(null)).toBeNull();
  });
});
