import type { ConnectionKind } from '@synq/database';
import type { SyncProduct } from './sync-product';

/** A connection as a connector needs it: where the store is and its opened credentials. */
export interface ConnectionTarget {
  id: string;
  kind: ConnectionKind;
  provider: string;
  /** store/shop URL of direct connections */
  baseUrl: string | null;
  /** the provider's connection id of unified connections */
  unifiedConnectionId: string | null;
  /** opened from SecretBox: `{accessToken}` (Shopify), `{consumerKey, consumerSecret}` (WooCommerce) */
  credentials: Record<string, string>;
}

/** Where a Synq product lives in a store: the remote product and each variant's remote id. */
export interface RemoteMapping {
  remoteProductId: string;
  /** Synq variant id → remote variant id */
  remoteVariantIds: Record<string, string>;
}

export interface UpsertOptions {
  /**
   * An earlier attempt may have created the product without Synq learning its id (a crash or a lost
   * answer): look it up before creating.
   */
  mayExist?: boolean;
}

/** The quantity a channel should show for one variant it sells (Synq's available minus the channel's buffer). */
export interface StockUpdate {
  variantId: string;
  sku: string | null;
  remoteProductId: string;
  remoteVariantId: string;
  quantity: number;
}

/** One page of a platform's orders, oldest change first. */
export interface OrderPage {
  /** the platform's raw order objects (as its webhooks send them) */
  orders: Record<string, unknown>[];
  /** pass back to get the next page; null when this was the last */
  next: string | null;
}

/**
 * One store platform. Implementations speak the platform's real wire format; everything they throw
 * about the platform is a {@link ConnectorError}. Inventory pushes and order pulls are here too.
 */
export interface StoreConnector {
  readonly kind: ConnectionKind;
  /** The payload this connector writes for the product, without remote ids (its hash decides skips). */
  payloadFor(product: SyncProduct): unknown;
  /** Creates or updates the product (and its variants and images); answers the mapping to store. */
  upsertProduct(conn: ConnectionTarget, product: SyncProduct, existing: RemoteMapping | null, opts?: UpsertOptions): Promise<RemoteMapping>;
  /** Removes the product; a product already gone counts as removed. */
  deleteProduct(conn: ConnectionTarget, mapping: RemoteMapping): Promise<void>;
  /** Sets the sellable quantity of each variant (absolute values), in as few requests as the platform allows. */
  setInventory(conn: ConnectionTarget, updates: StockUpdate[]): Promise<void>;
  /**
   * Orders changed at or after `since` (ISO 8601), oldest change first; `page` is the previous
   * answer's `next`. Absent when the platform offers no order list to Synq.
   */
  listOrders?(conn: ConnectionTarget, since: string, page: string | null): Promise<OrderPage>;
}

export interface ConnectorErrorInfo {
  /** HTTP status of the platform's answer, when there was one */
  status?: number;
  /** worth another attempt (network error, timeout, 408, 429, 5xx, throttling) */
  retryable: boolean;
  /** the platform asked to wait at least this long (Retry-After, GraphQL cost) */
  retryAfterMs?: number;
  /** the platform refused the credentials (401/403): the connection needs attention */
  auth?: boolean;
}

/** A platform failure, classified: the sync processor maps it to RetryableError or PermanentError. */
export class ConnectorError extends Error {
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly auth: boolean;

  constructor(message: string, info: ConnectorErrorInfo) {
    super(message);
    this.name = 'ConnectorError';
    this.status = info.status;
    this.retryable = info.retryable;
    this.retryAfterMs = info.retryAfterMs;
    this.auth = info.auth ?? false;
  }
}

/** The product cannot be expressed on the platform (e.g. more options than it allows). */
export class MappingError extends ConnectorError {
  constructor(message: string) {
    super(message, { retryable: false });
    this.name = 'MappingError';
  }
}
