import type { ErrorDetail } from '@synq/common';
import type { SupplierMappingEntry } from '@synq/database';
import { AttributeDefinition, checkAttributeValues, fromUnits, isCurrencyCode, isValidGtin, toUnits } from '@synq/pim';

/** Product/variant fields a mapping can fill (plus `attributes.<slug>`, `variant_attributes.<slug>`, `options.<Name>`). */
export const MAPPING_TARGETS = [
  'sku',
  'barcode',
  'title',
  'description',
  'variant_title',
  'price',
  'compare_at_price',
  'cost_price',
  'currency',
  'brand',
  'category',
  'images',
  'weight_grams',
  'stock',
  'group',
  'status',
] as const;

export const TRANSFORMS = ['trim', 'lowercase', 'uppercase', 'prefix', 'suffix', 'replace', 'markup_percent', 'multiply', 'add', 'round', 'split', 'map'] as const;

/** What a staged row holds: only the fields the mapping produced. */
export interface MappedRow {
  sku?: string;
  barcode?: string;
  title?: string;
  description?: string;
  variant_title?: string;
  price?: string;
  compare_at_price?: string;
  cost_price?: string;
  currency?: string;
  brand?: string;
  category?: string;
  images?: string[];
  weight_grams?: number;
  stock?: number;
  group?: string;
  status?: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  attributes?: Record<string, string | number | boolean>;
  variant_attributes?: Record<string, string | number | boolean>;
  options?: Record<string, string>;
}

const MONEY_TARGETS = new Set(['price', 'compare_at_price', 'cost_price']);

function isTarget(t: string): boolean {
  return (MAPPING_TARGETS as readonly string[]).includes(t) || /^(attributes|variant_attributes)\.[a-z0-9][a-z0-9_-]{0,99}$/.test(t) || /^options\.[^.]{1,100}$/.test(t);
}

/** Checks a mapping as configured (API side); returns errors naming `mapping[i]…`. */
export function validateMapping(mapping: SupplierMappingEntry[], matchOn: 'sku' | 'barcode'): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const targets = new Set<string>();
  mapping.forEach((m, i) => {
    const f = `mapping[${i}]`;
    if (typeof m !== 'object' || m === null) return errors.push({ field: f, message: `${f} must be an object` });
    if (typeof m.target !== 'string' || !isTarget(m.target)) {
      errors.push({ field: `${f}.target`, message: `${f}.target must be one of ${MAPPING_TARGETS.join(', ')}, attributes.<slug>, variant_attributes.<slug> or options.<name>` });
    } else if (targets.has(m.target) && m.target !== 'images') errors.push({ field: `${f}.target`, message: `${f}.target ${m.target} is mapped twice` });
    else targets.add(m.target);
    if (m.source !== undefined && (typeof m.source !== 'string' || !m.source || m.source.length > 200)) {
      errors.push({ field: `${f}.source`, message: `${f}.source must be a column name or path of 1-200 characters` });
    }
    if (m.source === undefined && m.default === undefined) errors.push({ field: f, message: `${f} needs a source or a default` });
    if (m.default !== undefined && !['string', 'number', 'boolean'].includes(typeof m.default)) {
      errors.push({ field: `${f}.default`, message: `${f}.default must be a string, number or boolean` });
    }
    if (m.transform !== undefined) {
      if (typeof m.transform !== 'object' || m.transform === null || Array.isArray(m.transform)) {
        errors.push({ field: `${f}.transform`, message: `${f}.transform must be an object` });
      } else {
        for (const [k, v] of Object.entries(m.transform)) {
          const tf = `${f}.transform.${k}`;
          if (!(TRANSFORMS as readonly string[]).includes(k)) errors.push({ field: tf, message: `${tf} is not a transform (${TRANSFORMS.join(', ')})` });
          else if (['markup_percent', 'multiply', 'add'].includes(k) && (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 1e6)) {
            errors.push({ field: tf, message: `${tf} must be a number` });
          } else if (k === 'round' && (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 4)) errors.push({ field: tf, message: `${tf} must be 0-4 decimals` });
          else if (['prefix', 'suffix', 'split'].includes(k) && (typeof v !== 'string' || v.length > 200)) errors.push({ field: tf, message: `${tf} must be a string` });
          else if (['trim', 'lowercase', 'uppercase'].includes(k) && typeof v !== 'boolean') errors.push({ field: tf, message: `${tf} must be true or false` });
          else if (k === 'replace') {
            const r = v as { find?: unknown; with?: unknown };
            if (typeof r !== 'object' || r === null || typeof r.find !== 'string' || !r.find || typeof (r.with ?? '') !== 'string') {
              errors.push({ field: tf, message: `${tf} must be {find, with}` });
            }
          } else if (k === 'map' && (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length > 500)) {
            errors.push({ field: tf, message: `${tf} must be an object of at most 500 entries` });
          }
          if (['markup_percent', 'multiply', 'add', 'round'].includes(k) && typeof m.target === 'string' && !MONEY_TARGETS.has(m.target) && m.target !== 'stock' && m.target !== 'weight_grams') {
            errors.push({ field: tf, message: `${tf} applies to prices, stock and weight only` });
          }
        }
      }
    }
  });
  if (!targets.has(matchOn)) errors.push({ field: 'mapping', message: `the mapping must fill ${matchOn} (match_on)` });
  return errors;
}

/** A value at a column name, or a dotted path (`pricing.amount`, `images.0`) in nested JSON. */
function lookup(record: Record<string, unknown>, source: string): unknown {
  if (Object.prototype.hasOwnProperty.call(record, source)) return record[source];
  if (!source.includes('.')) return undefined;
  let cur: unknown = record;
  for (const part of source.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length ? asText(v[0]) : undefined;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A decimal string from supplier text: "12.50", "12,50", "1,234.50", "12.50 USD" (currency returned too). */
export function parseDecimal(raw: string): { value: string; currency?: string } | undefined {
  let s = raw.trim();
  let currency: string | undefined;
  const cur = /^([A-Z]{3})\s+(.*)$/.exec(s) ?? /^(.*?)\s+([A-Z]{3})$/.exec(s);
  if (cur) {
    if (/^[A-Z]{3}$/.test(cur[1])) {
      currency = cur[1];
      s = cur[2];
    } else {
      currency = cur[2];
      s = cur[1];
    }
  }
  s = s.replace(/^[$€£¥]/, '').trim();
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  else if (/^\d+,\d{1,4}$/.test(s)) s = s.replace(',', '.');
  if (!/^\d{1,12}(\.\d{1,8})?$/.test(s)) return undefined;
  return { value: s, currency };
}

function applyTextTransforms(s: string, t: Record<string, unknown>): string {
  if (t.trim !== false) s = s.trim();
  if (t.replace) {
    const r = t.replace as { find: string; with?: string };
    s = s.split(r.find).join(r.with ?? '');
  }
  if (t.map && Object.prototype.hasOwnProperty.call(t.map, s)) s = String((t.map as Record<string, unknown>)[s]);
  if (t.lowercase) s = s.toLowerCase();
  if (t.uppercase) s = s.toUpperCase();
  if (typeof t.prefix === 'string') s = t.prefix + s;
  if (typeof t.suffix === 'string') s = s + t.suffix;
  return s;
}

function applyNumberTransforms(units: bigint, t: Record<string, unknown>): bigint {
  // exact decimal arithmetic in ten-thousandths (libs/pim money)
  if (typeof t.multiply === 'number') units = (units * toUnits(t.multiply)) / 10000n;
  if (typeof t.markup_percent === 'number') units = (units * (1000000n + toUnits(t.markup_percent))) / 1000000n;
  if (typeof t.add === 'number') units += toUnits(t.add);
  return units;
}

function coerceAttribute(v: string, def: AttributeDefinition | undefined): string | number | boolean {
  if (def?.type === 'NUMBER') {
    const d = parseDecimal(v);
    return d ? Number(d.value) : v.trim() === '' ? v : Number.isFinite(Number(v)) ? Number(v) : v;
  }
  if (def?.type === 'BOOLEAN') {
    const s = v.trim().toLowerCase();
    if (['1', 'true', 'yes', 'y'].includes(s)) return true;
    if (['0', 'false', 'no', 'n'].includes(s)) return false;
  }
  return v;
}

export interface MapContext {
  mapping: SupplierMappingEntry[];
  matchOn: 'sku' | 'barcode';
  defaultCurrency: string | null;
  attributes: Map<string, AttributeDefinition>;
}

export type MapOutcome = { ok: true; key: string; row: MappedRow } | { ok: false; key: string | null; reason: string };

/** Maps and validates one source record into the fields of a variant and its product. */
export function mapRecord(record: Record<string, unknown>, ctx: MapContext): MapOutcome {
  const row: MappedRow = {};
  const problems: string[] = [];
  for (const m of ctx.mapping) {
    const t = (m.transform ?? {}) as Record<string, unknown>;
    let raw: unknown = m.source !== undefined ? lookup(record, m.source) : undefined;
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      if (m.default === undefined) continue;
      raw = m.default;
    }
    const target = m.target;
    if (target === 'images') {
      const list = Array.isArray(raw) ? raw.map((x) => asText(x) ?? '') : (asText(raw) ?? '').split(typeof t.split === 'string' && t.split ? t.split : /[|,]\s*/);
      const urls = list.map((u) => applyTextTransforms(u, t)).filter(Boolean);
      for (const u of urls) {
        if (u.length > 2048 || !/^https?:\/\/[^\s]+$/i.test(u)) problems.push(`image ${u.slice(0, 100)} is not an http(s) URL`);
      }
      row.images = [...(row.images ?? []), ...urls].slice(0, 20);
      continue;
    }
    const text = applyTextTransforms(asText(raw) ?? '', t);
    if (MONEY_TARGETS.has(target) || target === 'stock' || target === 'weight_grams') {
      const d = parseDecimal(text);
      if (!d) {
        problems.push(`${target} "${text.slice(0, 50)}" is not a number`);
        continue;
      }
      let units = applyNumberTransforms(toUnits(d.value), t);
      if (MONEY_TARGETS.has(target)) {
        const decimals = typeof t.round === 'number' ? t.round : 2;
        const value = fromUnits(units, decimals);
        if (units < 0n) problems.push(`${target} must not be negative`);
        (row as Record<string, unknown>)[target] = value;
        if (d.currency && !row.currency) row.currency = d.currency;
      } else {
        units = (units + 5000n) / 10000n; // whole units
        const n = Number(units);
        if (n < 0 || n > 2_000_000_000) problems.push(`${target} must be between 0 and 2000000000`);
        (row as Record<string, unknown>)[target] = n;
      }
      continue;
    }
    if (target.startsWith('attributes.') || target.startsWith('variant_attributes.')) {
      const [bag, slug] = [target.slice(0, target.indexOf('.')), target.slice(target.indexOf('.') + 1)] as ['attributes' | 'variant_attributes', string];
      const value = typeof raw === 'number' || typeof raw === 'boolean' ? raw : coerceAttribute(text, ctx.attributes.get(slug));
      row[bag] = { ...(row[bag] ?? {}), [slug]: value };
      continue;
    }
    if (target.startsWith('options.')) {
      if (text.length > 255) problems.push(`${target} is longer than 255 characters`);
      row.options = { ...(row.options ?? {}), [target.slice(8)]: text };
      continue;
    }
    (row as Record<string, unknown>)[target] = text;
  }
  const key = (ctx.matchOn === 'sku' ? row.sku : row.barcode) ?? null;
  if (!key) return { ok: false, key: null, reason: `no ${ctx.matchOn} (match_on) in the row` };
  if (row.sku !== undefined && (row.sku.length > 100 || !row.sku)) problems.push('sku must be 1-100 characters');
  if (row.barcode !== undefined && !isValidGtin(row.barcode)) problems.push(`barcode ${row.barcode.slice(0, 20)} is not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit)`);
  if (row.title !== undefined && row.title.length > 500) problems.push('title is longer than 500 characters');
  if (row.description !== undefined && row.description.length > 100_000) problems.push('description is longer than 100000 characters');
  if (row.variant_title !== undefined && row.variant_title.length > 255) problems.push('variant_title is longer than 255 characters');
  if (row.brand !== undefined && row.brand.length > 200) problems.push('brand is longer than 200 characters');
  if (row.category !== undefined && row.category.length > 200) problems.push('category is longer than 200 characters');
  if (row.group !== undefined && row.group.length > 255) problems.push('group is longer than 255 characters');
  if (row.status !== undefined) {
    const s = row.status.toUpperCase();
    if (s !== 'ACTIVE' && s !== 'DRAFT' && s !== 'ARCHIVED') problems.push('status must be ACTIVE, DRAFT or ARCHIVED');
    else row.status = s;
  }
  if (row.currency !== undefined) {
    const currency = row.currency.toUpperCase();
    row.currency = currency;
    if (!isCurrencyCode(currency)) problems.push(`currency ${row.currency.slice(0, 10)} is not an ISO 4217 code`);
  }
  const hasPrice = row.price !== undefined || row.compare_at_price !== undefined || row.cost_price !== undefined;
  if (hasPrice && !row.currency) {
    if (ctx.defaultCurrency) row.currency = ctx.defaultCurrency;
    else problems.push('a price without a currency (map currency or set the supplier currency)');
  }
  for (const bag of ['attributes', 'variant_attributes'] as const) {
    if (row[bag]) for (const e of checkAttributeValues(row[bag]!, ctx.attributes, bag)) problems.push(e.message);
  }
  if (problems.length) return { ok: false, key, reason: problems.join('; ') };
  return { ok: true, key, row };
}
