import { BadRequestError, DomainError, ForbiddenError, UnauthorizedError } from '@synq/common';

export class StoreUrlRefusedError extends BadRequestError {
  constructor(reason: string) {
    super(`storeUrl cannot be used: ${reason}`, 'STORE_URL_REFUSED', [{ field: 'storeUrl', message: reason }]);
  }
}

export class StoreUnreachableError extends DomainError {
  constructor(detail: string) {
    super(502, 'STORE_UNREACHABLE', `The store could not be reached: ${detail}`);
  }
}

export class NotWooCommerceError extends BadRequestError {
  constructor(detail: string) {
    super(`The site does not answer as a WooCommerce store (no WooCommerce REST API at /wp-json/wc/v3): ${detail}`, 'NOT_WOOCOMMERCE', [
      { field: 'storeUrl', message: 'not a WooCommerce store' },
    ]);
  }
}

export class InvalidStoreKeysError extends UnauthorizedError {
  constructor(detail: string) {
    super(`WooCommerce rejected the consumer key and secret: ${detail}`, 'INVALID_STORE_KEYS');
  }
}

export class StoreKeysPermissionError extends ForbiddenError {
  constructor(detail: string) {
    super(`The WooCommerce API keys need Read/Write permission: ${detail}`, 'STORE_KEYS_PERMISSION');
  }
}

export class StoreErrorAnswer extends DomainError {
  constructor(detail: string) {
    super(502, 'STORE_ERROR', `The store answered with an error: ${detail}`);
  }
}

export class ChannelRequiredError extends BadRequestError {
  constructor() {
    super('This account has several WooCommerce stores: name the one to disconnect with channelId or storeUrl', 'CHANNEL_REQUIRED', [{ field: 'channelId', message: 'channelId or storeUrl is required' }]);
  }
}

export class ShopifyNotConfiguredError extends DomainError {
  constructor() {
    super(503, 'SHOPIFY_NOT_CONFIGURED', 'Shopify OAuth is not configured on this server (SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_REDIRECT_URL)');
  }
}

export class InvalidShopDomainError extends BadRequestError {
  constructor() {
    super('shopDomain must be a myshopify.com domain (mystore.myshopify.com) or a store name (mystore)', 'INVALID_SHOP_DOMAIN', [
      { field: 'shopDomain', message: 'shopDomain must match ^[a-zA-Z0-9][a-zA-Z0-9-]*\\.myshopify\\.com$' },
    ]);
  }
}

export class ChannelShopMismatchError extends BadRequestError {
  constructor() {
    super('channelId is a channel of another Shopify shop', 'CHANNEL_SHOP_MISMATCH', [{ field: 'channelId', message: 'channel belongs to another shop' }]);
  }
}
