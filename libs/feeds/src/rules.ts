import { FEED_FIELDS, FeedField, FeedItem } from './item';

export type ConditionOp = 'eq' | 'neq' | 'contains' | 'not_contains' | 'starts_with' | 'ends_with' | 'empty' | 'not_empty' | 'gt' | 'lt' | 'in';
export type Condition = { field: FeedField; op: ConditionOp; value?: string | number | string[] } | { all: Condition[] } | { any: Condition[] };

/**
 * The rule language, applied in order to each item. `value` may reference other attributes as
 * `{field}` (e.g. `{brand} {title}`), read when the rule runs. Every rule but `exclude` and `if`
 * may carry a `condition`.
 */
export type FeedRule =
  | { type: 'set'; field: FeedField; value: string; condition?: Condition }
  | { type: 'prefix'; field: FeedField; value: string; condition?: Condition }
  | { type: 'suffix'; field: FeedField; value: string; condition?: Condition }
  | { type: 'replace'; field: FeedField; find: string; replace: string; condition?: Condition }
  | { type: 'map_category'; field?: FeedField; target?: FeedField; map: Record<string, string>; condition?: Condition }
  | { type: 'exclude'; condition: Condition; reason?: string }
  | { type: 'if'; condition: Condition; then: FeedRule[]; else?: FeedRule[] };

export interface RuleTraceEntry {
  /** position of the rule, e.g. "2" or "3.then.0" inside an if */
  rule: string;
  type: FeedRule['type'];
  field?: FeedField;
  before?: string | string[] | null;
  after?: string | string[] | null;
  excluded?: boolean;
}

export interface RuleOutcome {
  item: FeedItem;
  excluded: string | null;
  trace: RuleTraceEntry[];
}

const OPS: ConditionOp[] = ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'ends_with', 'empty', 'not_empty', 'gt', 'lt', 'in'];
const MAX_RULES = 100;
const MAX_DEPTH = 3;
const MAX_STRING = 5000;

function asText(v: FeedItem[FeedField]): string {
  if (v === null || v === undefined) return '';
  return Array.isArray(v) ? v.join(',') : v;
}

export function evaluate(c: Condition, item: FeedItem): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, item));
  if ('any' in c) return c.any.some((x) => evaluate(x, item));
  const actual = asText(item[c.field]);
  const lower = actual.toLowerCase();
  const want = c.value;
  const wantText = Array.isArray(want) ? '' : String(want ?? '');
  switch (c.op) {
    case 'eq':
      return actual === wantText;
    case 'neq':
      return actual !== wantText;
    case 'contains':
      return lower.includes(wantText.toLowerCase());
    case 'not_contains':
      return !lower.includes(wantText.toLowerCase());
    case 'starts_with':
      return lower.startsWith(wantText.toLowerCase());
    case 'ends_with':
      return lower.endsWith(wantText.toLowerCase());
    case 'empty':
      return actual === '';
    case 'not_empty':
      return actual !== '';
    case 'gt':
    case 'lt': {
      const a = parseFloat(actual);
      const b = Number(want);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return c.op === 'gt' ? a > b : a < b;
    }
    case 'in':
      return Array.isArray(want) && want.includes(actual);
  }
}

function interpolate(template: string, item: FeedItem): string {
  return template.replace(/\{([a-z_]+)\}/g, (m, name: string) => ((FEED_FIELDS as readonly string[]).includes(name) ? asText(item[name as FeedField]) : m));
}

function setField(item: FeedItem, field: FeedField, value: string): void {
  if (field === 'additional_image_link') item.additional_image_link = value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
  else (item as Record<string, unknown>)[field] = value === '' ? null : value;
}

function run(rules: FeedRule[], item: FeedItem, trace: RuleTraceEntry[], path: string): string | null {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const at = path ? `${path}.${i}` : String(i);
    if (r.type === 'exclude') {
      if (evaluate(r.condition, item)) {
        trace.push({ rule: at, type: 'exclude', excluded: true });
        return r.reason ?? `excluded by rule ${at}`;
      }
      continue;
    }
    if (r.type === 'if') {
      const branch = evaluate(r.condition, item) ? 'then' : 'else';
      const list = branch === 'then' ? r.then : r.else;
      if (list?.length) {
        const excluded = run(list, item, trace, `${at}.${branch}`);
        if (excluded) return excluded;
      }
      continue;
    }
    if (r.condition && !evaluate(r.condition, item)) continue;
    const field: FeedField = r.type === 'map_category' ? (r.target ?? 'google_product_category') : r.field;
    const before = item[field] ?? null;
    const current = asText(before);
    let next: string;
    if (r.type === 'set') next = interpolate(r.value, item);
    else if (r.type === 'prefix') next = interpolate(r.value, item) + current;
    else if (r.type === 'suffix') next = current + interpolate(r.value, item);
    else if (r.type === 'replace') next = r.find ? current.split(r.find).join(r.replace) : current;
    else {
      const source = asText(item[r.field ?? 'product_type']);
      if (!Object.prototype.hasOwnProperty.call(r.map, source)) continue;
      next = r.map[source];
    }
    if (next === current) continue;
    setField(item, field, next);
    trace.push({ rule: at, type: r.type, field, before, after: item[field] ?? null });
  }
  return null;
}

/** Applies the rules to a copy of the item; reports the exclusion reason (if any) and what changed. */
export function applyRules(rules: FeedRule[], source: FeedItem): RuleOutcome {
  const item: FeedItem = { ...source, additional_image_link: source.additional_image_link ? [...source.additional_image_link] : [] };
  const trace: RuleTraceEntry[] = [];
  const excluded = run(rules, item, trace, '');
  return { item, excluded, trace };
}

export interface RuleError {
  field: string;
  message: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkString(v: unknown, where: string, errors: RuleError[], allowEmpty = true): void {
  if (typeof v !== 'string' || (!allowEmpty && !v) || v.length > MAX_STRING) errors.push({ field: where, message: `${where} must be a string of at most ${MAX_STRING} characters` });
}

function checkField(v: unknown, where: string, errors: RuleError[]): void {
  if (!(FEED_FIELDS as readonly unknown[]).includes(v)) errors.push({ field: where, message: `${where} must be one of ${FEED_FIELDS.join(', ')}` });
}

function checkCondition(c: unknown, where: string, errors: RuleError[], depth: number): void {
  if (!isObj(c)) return void errors.push({ field: where, message: `${where} must be an object` });
  if (depth > MAX_DEPTH) return void errors.push({ field: where, message: `${where} nests too deeply` });
  for (const key of ['all', 'any'] as const) {
    if (key in c) {
      const list = c[key];
      if (!Array.isArray(list) || !list.length || list.length > MAX_RULES) return void errors.push({ field: `${where}.${key}`, message: `${where}.${key} must be a non-empty array` });
      list.forEach((x, i) => checkCondition(x, `${where}.${key}[${i}]`, errors, depth + 1));
      return;
    }
  }
  const extra = Object.keys(c).filter((k) => !['field', 'op', 'value'].includes(k));
  if (extra.length) errors.push({ field: where, message: `${where} has unknown keys: ${extra.join(', ')}` });
  checkField(c.field, `${where}.field`, errors);
  if (!OPS.includes(c.op as ConditionOp)) errors.push({ field: `${where}.op`, message: `${where}.op must be one of ${OPS.join(', ')}` });
  if (c.op === 'in') {
    if (!Array.isArray(c.value) || c.value.length > 1000 || !c.value.every((x) => typeof x === 'string')) errors.push({ field: `${where}.value`, message: `${where}.value must be an array of strings` });
  } else if (c.op !== 'empty' && c.op !== 'not_empty') {
    if (typeof c.value !== 'string' && typeof c.value !== 'number') errors.push({ field: `${where}.value`, message: `${where}.value must be a string or a number` });
  }
}

const KEYS: Record<FeedRule['type'], string[]> = {
  set: ['type', 'field', 'value', 'condition'],
  prefix: ['type', 'field', 'value', 'condition'],
  suffix: ['type', 'field', 'value', 'condition'],
  replace: ['type', 'field', 'find', 'replace', 'condition'],
  map_category: ['type', 'field', 'target', 'map', 'condition'],
  exclude: ['type', 'condition', 'reason'],
  if: ['type', 'condition', 'then', 'else'],
};

/** Validates a rule list from a request body; returns every problem with its JSON path. */
export function validateRules(rules: unknown, where = 'rules', depth = 0): RuleError[] {
  const errors: RuleError[] = [];
  if (!Array.isArray(rules)) return [{ field: where, message: `${where} must be an array` }];
  if (rules.length > MAX_RULES) errors.push({ field: where, message: `${where} must have at most ${MAX_RULES} rules` });
  rules.forEach((r, i) => {
    const at = `${where}[${i}]`;
    if (!isObj(r) || typeof r.type !== 'string' || !(r.type in KEYS)) return void errors.push({ field: `${at}.type`, message: `${at}.type must be one of ${Object.keys(KEYS).join(', ')}` });
    const type = r.type as FeedRule['type'];
    const extra = Object.keys(r).filter((k) => !KEYS[type].includes(k));
    if (extra.length) errors.push({ field: at, message: `${at} has unknown keys: ${extra.join(', ')}` });
    if (r.condition !== undefined || type === 'exclude' || type === 'if') checkCondition(r.condition, `${at}.condition`, errors, 0);
    if (type === 'set' || type === 'prefix' || type === 'suffix') {
      checkField(r.field, `${at}.field`, errors);
      checkString(r.value, `${at}.value`, errors);
    } else if (type === 'replace') {
      checkField(r.field, `${at}.field`, errors);
      checkString(r.find, `${at}.find`, errors, false);
      checkString(r.replace, `${at}.replace`, errors);
    } else if (type === 'map_category') {
      if (r.field !== undefined) checkField(r.field, `${at}.field`, errors);
      if (r.target !== undefined) checkField(r.target, `${at}.target`, errors);
      if (!isObj(r.map) || Object.keys(r.map).length > 5000 || !Object.values(r.map).every((v) => typeof v === 'string' && v.length <= MAX_STRING)) {
        errors.push({ field: `${at}.map`, message: `${at}.map must be an object of strings (at most 5000 entries)` });
      }
    } else if (type === 'exclude') {
      if (r.reason !== undefined) checkString(r.reason, `${at}.reason`, errors);
    } else if (type === 'if') {
      if (depth >= MAX_DEPTH) return void errors.push({ field: at, message: `${at}: if rules nest too deeply` });
      errors.push(...validateRules(r.then, `${at}.then`, depth + 1));
      if (r.else !== undefined) errors.push(...validateRules(r.else, `${at}.else`, depth + 1));
    }
  });
  return errors;
}
