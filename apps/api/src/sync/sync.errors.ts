import { ConflictError } from '@synq/common';

export class NothingToRetryError extends ConflictError {
  constructor(productId: string) {
    super(`Product ${productId} has no failed sync on an active connection`, 'NOTHING_TO_RETRY');
  }
}
