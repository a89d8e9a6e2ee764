import { ConflictError, UnprocessableError } from '@synq/common';

export class SupplierRunInProgressError extends ConflictError {
  constructor() {
    super('A run of this supplier is already queued or running', 'RUN_IN_PROGRESS');
  }
}

export class SupplierHasNoUrlError extends UnprocessableError {
  constructor() {
    super('The supplier has no url: set one, or upload a file with POST /api/v1/suppliers/{id}/upload', 'SUPPLIER_NO_URL');
  }
}
