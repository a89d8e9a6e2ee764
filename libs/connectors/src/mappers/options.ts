import type { SyncProduct, SyncVariant } from '../sync-product';

/** The option axes of a product and each variant's value on every axis. */
export interface OptionModel {
  /** option names in order of first appearance */
  names: string[];
  /** values of each option in order of first appearance */
  values: Record<string, string[]>;
  /** per variant (same order as product.variants): option name → value */
  rows: Record<string, string>[];
  /** true when the product has no real options (one plain variant or none) */
  plain: boolean;
}

export const DEFAULT_OPTION = 'Title';
export const DEFAULT_VALUE = 'Default Title';
const MISSING_VALUE = 'Default';

function variantLabel(v: SyncVariant, index: number): string {
  return v.title?.trim() || v.sku?.trim() || `Variant ${index + 1}`;
}

/**
 * Derives option axes from the variants' `options` maps. Variants without options get a synthetic
 * "Title" axis (their title, SKU or position) so every variant stays distinguishable, which the
 * platforms require; a variant missing a value on an axis gets "Default".
 */
export function optionModel(product: SyncProduct): OptionModel {
  const variants = product.variants;
  const withOptions = variants.some((v) => Object.keys(v.options ?? {}).length > 0);
  if (!withOptions) {
    if (variants.length <= 1) {
      return { names: [DEFAULT_OPTION], values: { [DEFAULT_OPTION]: [DEFAULT_VALUE] }, rows: variants.map(() => ({ [DEFAULT_OPTION]: DEFAULT_VALUE })), plain: true };
    }
    const seen = new Map<string, number>();
    const rows = variants.map((v, i) => {
      let label = variantLabel(v, i);
      const n = seen.get(label) ?? 0;
      seen.set(label, n + 1);
      if (n > 0) label = `${label} (${n + 1})`;
      return { [DEFAULT_OPTION]: label };
    });
    return { names: [DEFAULT_OPTION], values: { [DEFAULT_OPTION]: rows.map((r) => r[DEFAULT_OPTION]) }, rows, plain: false };
  }
  const names: string[] = [];
  for (const v of variants) for (const name of Object.keys(v.options ?? {})) if (!names.includes(name)) names.push(name);
  const values: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, [] as string[]]));
  const rows = variants.map((v) => {
    const row: Record<string, string> = {};
    for (const name of names) {
      const value = v.options?.[name] ?? MISSING_VALUE;
      row[name] = value;
      if (!values[name].includes(value)) values[name].push(value);
    }
    return row;
  });
  return { names, values, rows, plain: false };
}

/** A stable key of a variant's option values (for matching remote variants back). */
export function optionKey(row: Record<string, string>): string {
  return JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
}
