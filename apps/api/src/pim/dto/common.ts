import { registerDecorator, ValidationOptions } from 'class-validator';
import { hasAtMostDecimals, isValidGtin, SLUG_RE } from '@synq/pim';

function decorator(name: string, message: (p: string) => string, validate: (v: unknown) => boolean) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (object, propertyName) =>
      registerDecorator({
        name,
        target: object.constructor,
        propertyName: propertyName as string,
        options: { message: message(String(propertyName)), ...options },
        validator: { validate },
      });
}

export const IsSlug = decorator('isSlug', (p) => `${p} must be URL-safe: lower-case letters, digits and single hyphens`, (v) => typeof v === 'string' && SLUG_RE.test(v));

export const IsGtin = decorator(
  'isGtin',
  (p) => `${p} must be a GTIN of 8, 12, 13 or 14 digits with a valid check digit`,
  (v) => typeof v === 'string' && isValidGtin(v),
);

/** Non-negative money amount with at most 4 decimals, below 10^12. */
export function isMoney(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && v < 1e12 && hasAtMostDecimals(v, 4);
}

export const IsMoney = decorator('isMoney', (p) => `${p} must be a non-negative number with at most 4 decimals`, isMoney);

/** A flat map of attribute slug → string | number | boolean | null (null removes on update), ≤ 200 keys. */
export const IsAttributeMap = decorator(
  'isAttributeMap',
  (p) => `${p} must be an object of attribute slug → string, number, boolean or null (at most 200 keys)`,
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length <= 200 &&
    Object.entries(v).every(
      ([k, x]) => k.length <= 100 && (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'),
    ),
);

/** A flat map of option name → value (e.g. {"Size": "M"}), ≤ 10 keys. */
export const IsOptionMap = decorator(
  'isOptionMap',
  (p) => `${p} must be an object of option name → string value (at most 10)`,
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length <= 10 &&
    Object.entries(v).every(([k, x]) => k.length <= 100 && typeof x === 'string' && x.length <= 255),
);
