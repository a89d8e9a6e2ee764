import { ConflictError, ValidationFailedError } from '@synq/common';

export class ListingExistsError extends ConflictError {
  constructor(existingId: string) {
    super('This variant already has a listing on this connection', 'LISTING_EXISTS', [{ field: 'connection_id', message: `listing ${existingId} already offers the variant there`, listing_id: existingId }]);
  }
}

export class VariantReferenceError extends ValidationFailedError {
  constructor(message: string, field: 'variant_id' | 'sku') {
    super(message, [{ field, message }]);
  }
}

export class ListingPriceRequiredError extends ValidationFailedError {
  constructor() {
    super('The variant has no price: give the listing a price', [{ field: 'price', message: 'price is required when the variant has no price' }]);
  }
}

export class ObservedInFutureError extends ValidationFailedError {
  constructor(index: number) {
    super('observed_at is in the future', [{ field: `prices.${index}.observed_at`, message: 'observed_at must not be in the future' }]);
  }
}
