/**
 * Exact money for the repricer: decimal strings in, decimal strings out, BigInt arithmetic in
 * ten-thousandths of a unit (the scale of the `numeric(16,4)` columns) in between. Never floats.
 */
export const SCALE = 10_000n;
export const CENT = 100n;

/** "12.3456" → 123456n; accepts what numeric(16,4) and JSON numbers produce. */
export function toUnits(value: string | number): bigint {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${value}`);
  const frac = (m[3] ?? '').padEnd(4, '0');
  // beyond 4 places: round half up at the 4th
  let units = BigInt(m[2]) * SCALE + BigInt(frac.slice(0, 4));
  if (frac.length > 4 && Number(frac[4]) >= 5) units += 1n;
  return m[1] ? -units : units;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  // toFixed(6) keeps what a JSON number with up to 4 decimals meant, without exponent notation
  return n.toFixed(6);
}

/** 123456n → "12.3456" (shortest form, at least two fraction digits). */
export function fromUnits(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / SCALE;
  let frac = (abs % SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** JSON number in major units for responses. */
export function unitsToNumber(units: bigint): number {
  return Number(fromUnits(units));
}

/** Rounds to whole cents, half up (away from zero for positives). */
export function roundToCent(units: bigint): bigint {
  const r = units % CENT;
  const base = units - r;
  return r * 2n >= CENT ? base + CENT : base;
}

/** Rounds down to whole cents (a "beat" never ends up above what it beats). */
export function floorToCent(units: bigint): bigint {
  return units - (((units % CENT) + CENT) % CENT);
}

/** units × percent / 100, where percent is itself in units (e.g. 5% = 50000n), rounded half up. */
export function percentOf(units: bigint, percentUnits: bigint): bigint {
  const num = units * percentUnits;
  const den = 100n * SCALE;
  return (num + den / 2n) / den;
}
