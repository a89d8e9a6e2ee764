import { BadRequestError, ConflictError } from '@synq/common';

/** The URL is malformed, not https (or http where allowed), carries credentials, or resolves to a refused address. */
export class WebhookUrlNotAllowedError extends BadRequestError {
  constructor(message: string) {
    super(message, 'WEBHOOK_URL_NOT_ALLOWED', [{ field: 'url', message }]);
  }
}

export class WebhookEndpointDisabledError extends ConflictError {
  constructor() {
    super('The endpoint is disabled: enable it with PATCH {"enabled": true} first', 'WEBHOOK_ENDPOINT_DISABLED');
  }
}

export class WebhookDeliveryInFlightError extends ConflictError {
  constructor() {
    super('An attempt of this delivery is in progress; try again when it has finished', 'WEBHOOK_DELIVERY_IN_FLIGHT');
  }
}
