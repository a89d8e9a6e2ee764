import { BadRequestError, ConflictError, DomainError } from '@synq/common';

export class UnknownConnectionError extends BadRequestError {
  constructor(id: string) {
    super(`Connection ${id} is not known to the integration provider`, 'UNKNOWN_CONNECTION', [{ field: 'connection_id', message: 'connection_id is not known to the integration provider' }]);
  }
}

export class ConnectionNotAuthorizedError extends BadRequestError {
  constructor(reason: string) {
    super(`Connection was not authorized from this account: ${reason}`, 'CONNECTION_NOT_AUTHORIZED', [{ field: 'connection_id', message: reason }]);
  }
}

export class InvalidStateError extends BadRequestError {
  constructor() {
    super('state does not match the authorization this connection was made with', 'INVALID_STATE', [{ field: 'state', message: 'state is invalid' }]);
  }
}

export class ProviderUnknownError extends BadRequestError {
  constructor() {
    super('The integration provider did not name the connected platform', 'PROVIDER_UNKNOWN', [{ field: 'provider', message: 'provider could not be determined' }]);
  }
}

export class CategoryMismatchError extends BadRequestError {
  constructor(category: string, categories: string[]) {
    super(`The connection is not a ${category} connection (it has ${categories.join(', ')})`, 'CATEGORY_MISMATCH', [{ field: 'category', message: `category must be one of ${categories.join(', ')}` }]);
  }
}

export class ProviderUnavailableError extends DomainError {
  constructor(message: string) {
    super(502, 'PROVIDER_UNAVAILABLE', `The integration provider could not be asked about the connection: ${message}`);
  }
}

export class ProviderNotConfiguredError extends DomainError {
  constructor() {
    super(503, 'PROVIDER_NOT_CONFIGURED', 'The integration provider is not configured on this deployment');
  }
}

export class ConnectionRevokedError extends ConflictError {
  constructor() {
    super('This connection was disconnected; connect the store again', 'CONNECTION_REVOKED');
  }
}
