import type { MediaView, ProductView, VariantView } from '@synq/pim';

/** A variant as connectors see it: money as exact decimal strings (never floats). */
export interface SyncVariant extends Pick<VariantView, 'id' | 'sku' | 'barcode' | 'title' | 'currency' | 'options'> {
  price: string | null;
  compare_at_price: string | null;
}

/** An image as connectors see it (the product's and its variants', in the PIM's order). */
export type SyncMedia = Pick<MediaView, 'url' | 'alt_text' | 'variant_id'>;

/**
 * The product to push: the fields of the PIM's product view that the connectors map (variants in
 * the PIM's order), with exact prices. Nothing else is read for a sync.
 */
export interface SyncProduct extends Pick<ProductView, 'id' | 'title' | 'description' | 'handle' | 'status'> {
  variants: SyncVariant[];
  media: SyncMedia[];
}

/**
 * A decimal string in its shortest form with at least two fraction digits:
 * "89.9900" → "89.99", "10" → "10.00", "1.2345" → "1.2345". String work only, no floats.
 */
export function decimalString(value: string): string {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${value}`);
  const int = m[2].replace(/^0+(?=\d)/, '');
  let frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${m[1] ?? ''}${int}.${frac}`;
}

/** Compares two decimal strings exactly. */
export function compareDecimal(a: string, b: string): number {
  const [ai, af = ''] = decimalString(a).replace('-', '').split('.');
  const [bi, bf = ''] = decimalString(b).replace('-', '').split('.');
  const sa = a.trim().startsWith('-') ? -1 : 1;
  const sb = b.trim().startsWith('-') ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  const len = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(len, '0'));
  const y = BigInt(bi + bf.padEnd(len, '0'));
  return x === y ? 0 : (x < y ? -1 : 1) * sa;
}
