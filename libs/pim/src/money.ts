/**
 * Exact decimal arithmetic on money held as strings (PostgreSQL numeric): values are scaled to
 * integer ten-thousandths in BigInt, never floats.
 */
const SCALE = 4;
const FACTOR = 10n ** BigInt(SCALE);

export function toUnits(value: string | number): bigint {
  const s = typeof value === 'number' ? value.toFixed(SCALE) : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${value}`);
  const frac = (m[3] ?? '').padEnd(SCALE, '0');
  // round half up on the digits beyond the scale
  let units = BigInt(m[2]) * FACTOR + BigInt(frac.slice(0, SCALE));
  if (frac.length > SCALE && Number(frac[SCALE]) >= 5) units += 1n;
  return m[1] ? -units : units;
}

export function fromUnits(units: bigint, decimals = 2): string {
  const neg = units < 0n;
  let abs = neg ? -units : units;
  // round to the requested decimals
  const drop = 10n ** BigInt(SCALE - decimals);
  abs = ((abs + drop / 2n) / drop) * drop;
  const int = abs / FACTOR;
  const frac = (abs % FACTOR).toString().padStart(SCALE, '0').slice(0, decimals);
  return `${neg ? '-' : ''}${int}${decimals ? `.${frac}` : ''}`;
}

/** JSON number for a stored decimal string (API responses show money as numbers in major units). */
export function moneyNumber(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Whether a JS number has at most `decimals` fractional digits. */
export function hasAtMostDecimals(n: number, decimals: number): boolean {
  if (!Number.isFinite(n)) return false;
  const s = String(n);
  if (s.includes('e')) return false;
  const dot = s.indexOf('.');
  return dot === -1 || s.length - dot - 1 <= decimals;
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** A real ISO 4217 currency code (upper case), from the runtime's ICU data. */
export function isCurrencyCode(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Z]{3}$/.test(v) && CURRENCIES.has(v);
}
