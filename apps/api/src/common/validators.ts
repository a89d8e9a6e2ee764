import { registerDecorator, ValidationOptions } from 'class-validator';
import { isCurrencyCode } from '@synq/pim';
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export { isCurrencyCode };

/** A real ISO 4217 currency code (upper case), from the runtime's ICU data. */
export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an ISO 4217 currency code such as USD`, ...options },
      validator: { validate: isCurrencyCode },
    });
}

export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isTimeZone',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an IANA time zone such as Europe/Oslo`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && TIME_ZONES.has(v) },
    });
}
