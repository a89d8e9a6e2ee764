import { BadRequestError, ConflictError, DomainError, ForbiddenError, UnauthorizedError } from '@synq/common';

export class PublishableKeyRequiredError extends UnauthorizedError {
  constructor() {
    super('A publishable storefront key is required: pass it as ?key=sf_… or the X-Synqro-Store header', 'STOREFRONT_KEY_REQUIRED');
  }
}

export class UnknownPublishableKeyError extends UnauthorizedError {
  constructor() {
    super('This storefront key is unknown or the store is not enabled', 'STOREFRONT_KEY_INVALID');
  }
}

/** The store has no connected Stripe account that can take charges (the spec's "payments aren't set up"). */
export class PaymentsNotSetUpError extends ConflictError {
  constructor() {
    super("Payments aren't set up for this store yet, so it can't take payments. Please contact the store.", 'PAYMENTS_NOT_SET_UP');
  }
}

/** The deployment has no Stripe platform key. */
export class PaymentsNotConfiguredError extends DomainError {
  constructor(message: string) {
    super(503, 'STRIPE_NOT_CONFIGURED', message);
  }
}

export class NotOfferedError extends BadRequestError {
  constructor(what = 'This product') {
    super(`${what} is not offered in this store`, 'NOT_OFFERED', [{ field: 'product_id', message: `${what} is not offered in this store` }]);
  }
}

export class VariantRequiredError extends BadRequestError {
  constructor() {
    super('Please choose an option (variant_id) for this product', 'VARIANT_REQUIRED', [{ field: 'variant_id', message: 'variant_id is required for this product' }]);
  }
}

export class QuotesDisabledError extends ForbiddenError {
  constructor() {
    super('This store does not take custom quote requests', 'QUOTES_DISABLED');
  }
}

export class QuoteStateError extends ConflictError {
  constructor(status: string, action: string) {
    super(`This quote is ${status}; ${action}`, `QUOTE_${status.toUpperCase()}`);
  }
}

export class QuoteExpiredError extends ConflictError {
  constructor(validUntil: Date) {
    super(`This quote expired on ${validUntil.toISOString()}; ask the store for a new price`, 'QUOTE_EXPIRED');
  }
}

export class FileRejectedError extends DomainError {
  constructor(reason: string) {
    super(415, 'FILE_TYPE_REJECTED', reason, [{ field: 'file', message: reason }]);
  }
}

export class FileTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    const mb = Math.round((limitBytes / (1024 * 1024)) * 10) / 10;
    super(413, 'FILE_TOO_LARGE', `The file is larger than this store's limit of ${mb} MB`, [{ field: 'file', message: `file must be at most ${limitBytes} bytes` }]);
  }
}

export class InvalidFileIdsError extends BadRequestError {
  constructor() {
    super('file_ids names files that were not uploaded to this store or are already attached to a quote', 'INVALID_FILE_IDS', [
      { field: 'file_ids', message: 'file_ids must be files uploaded to this store and not yet attached' },
    ]);
  }
}
