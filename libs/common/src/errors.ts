/**
 * Domain errors: thrown by services, mapped to HTTP once by the api's exception filter
 * (and to retry decisions by the worker). Each carries a stable machine code.
 */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, code = 'BAD_REQUEST', details?: ErrorDetail[]) {
    super(400, code, message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Missing or invalid credentials', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Insufficient permissions', code = 'FORBIDDEN') {
    super(403, code, message);
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id?: string) {
    super(404, 'NOT_FOUND', id ? `${resource} ${id} not found` : `${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'CONFLICT', details?: ErrorDetail[]) {
    super(409, code, message, details);
  }
}

export class UnprocessableError extends DomainError {
  constructor(message: string, code = 'UNPROCESSABLE') {
    super(422, code, message);
  }
}
