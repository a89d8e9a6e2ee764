import { randomBytes } from 'node:crypto';

/**
 * The one validated configuration of every Synq process. Built from the environment (or, in tests,
 * from explicit overrides); a missing or malformed value stops the process with a message naming it.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key and BullMQ queue of this deployment (lets several stacks share a Redis). */
  redisPrefix: string;
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  /** 32 bytes, base64. */
  encryptionKey: Buffer;
  rateLimitPerMinute: number;
  rateLimitPublicFeedsPerMinute: number;
  rateLimitEnabled: boolean;
  trustProxy: boolean;
  bodyLimitBytes: number;
  logLevel: string;
  allowPrivateNetworkTargets: boolean;
  storageDir: string;
  outboxPollMs: number;
  workerConcurrency: number;
  publicBaseUrl: string;
  dbPoolSize: number;
  /** Outbound webhooks may target plain http URLs (besides https). */
  webhookAllowHttp: boolean;
  /**
   * Delay before each delivery attempt in ms; the first entry is the first attempt (normally 0), so
   * its length is the number of attempts. Jitter is added to each.
   */
  webhookRetrySchedule: number[];
  /** A delivery attempt must get a complete answer within this time. */
  webhookTimeoutMs: number;
  /** An endpoint failing every attempt for this long is disabled. */
  webhookDisableAfterMs: number;
  /** How often the worker looks for deliveries that are due but have no queued job. */
  webhookSweepMs: number;
  /** days a settled (delivered/failed) webhook delivery and its attempts are kept before the purge removes them */
  webhookRetentionDays: number;
  /** a generated feed file is served without re-checking the catalog for this long */
  feedCacheTtlSeconds: number;
  /** a public request waits at most this long for a feed generation */
  feedGenerationWaitMs: number;
  /** how often the worker looks for published feeds older than the TTL whose products changed */
  feedRefreshCheckMs: number;
  /**
   * Webhook deliveries in flight per worker process. Deliveries mostly wait on partners' servers
   * (up to WEBHOOK_TIMEOUT_MS each), so this is wider than WORKER_CONCURRENCY: a few slow endpoints
   * must not hold every slot.
   */
  webhookConcurrency: number;
  /** Shopify Admin API version the Shopify connector speaks (e.g. 2025-10). */
  shopifyApiVersion: string;
  /** The unified-API provider: API base, hosted authorization page, workspace and API key. */
  unifiedApiBaseUrl: string;
  unifiedAuthUrl: string;
  unifiedWorkspaceId: string;
  unifiedApiKey: string;
  /** Where the provider sends the user after authorizing (empty: the workspace's own setting). */
  unifiedSuccessRedirect: string;
  unifiedFailureRedirect: string;
  /** Pushes of one product within this window collapse into one remote call per connection. */
  syncDebounceMs: number;
  /**
   * Sync jobs in flight per worker process (the `sync` queue). Like webhook deliveries, a push mostly
   * waits on the platform (and on two short ledger statements), so this is wider than WORKER_CONCURRENCY.
   */
  syncConcurrency: number;
  /** Products of one connection per `sync.batch` job (claimed and settled one statement per batch). */
  syncBatchSize: number;
  /** Whole-request timeout of every call a connector makes to a platform. */
  connectorTimeoutMs: number;
  /** How often the worker re-queues sync ledger rows that are pending without a queued job. */
  syncSweepMs: number;
  /** BullMQ job lock (and stalled-job check interval): how soon a dead worker's jobs run again. */
  workerLockMs: number;
  /** Shopify app credentials (Partner dashboard): client id and secret; empty: OAuth not configured. */
  shopifyApiKey: string;
  shopifyApiSecret: string;
  /** The app's OAuth redirect URL (…/api/shopify/oauth/callback), as whitelisted in the app settings. */
  shopifyRedirectUrl: string;
  /** Access scopes asked for at install. */
  shopifyScopes: string;
  /**
   * Where a shop's Admin API lives, `{shop}` replaced by its myshopify.com domain. Default
   * `https://{shop}`; tests point it at a fake on 127.0.0.1.
   */
  shopifyShopBaseUrl: string;
  /** Ask Shopify for an expiring offline token (with a refresh token) at install. */
  shopifyExpiringTokens: boolean;
  /** Base of the panel the Shopify callback redirects to (`{base}/sales-channels/{id}?oauth=…`); empty: same origin. */
  panelBaseUrl: string;
  /** How often the worker's agent scheduler looks for due agents. */
  agentTickMs: number;
  /** Shortest schedule an agent may be given ("every 60s" by default). */
  agentMinIntervalSeconds: number;
  /** Competitor observations older than this do not count in repricing. */
  repricerOfferMaxAgeHours: number;
  /** Stripe platform secret key (sk_…); empty: Stripe Connect is not configured on this deployment. */
  stripeSecretKey: string;
  /** Signing secret (whsec_…) of the Connect webhook endpoint Stripe calls at /unified/webhooks/stripe. */
  stripeWebhookSecret: string;
  /** Where the Stripe SDK sends API requests (tests point it at a fake on 127.0.0.1). */
  stripeApiHost: string;
  stripeApiPort: number;
  stripeApiProtocol: 'http' | 'https';
  /** Platform fee on storefront checkouts, in basis points of the total (0: none). */
  stripePlatformFeeBps: number;
  /** A storefront Checkout Session (and the stock it holds) expires after this many minutes (Stripe allows 30–1440). */
  stripeCheckoutExpiresMinutes: number;
  /** Public storefront routes: per-IP and per-publishable-key sliding windows. */
  rateLimitStorefrontPerMinute: number;
  rateLimitStorefrontKeyPerMinute: number;
  /** Stock changes within this window reach each channel as one update (coalesced push). */
  inventoryPushCoalesceMs: number;
  /** How often the worker expires due reservations and pending orders whose reservation lapsed. */
  reservationSweepMs: number;
  /** How often each connection's orders are pulled (safety net for missed webhooks). */
  ordersPullIntervalMs: number;
  /** How far back the first pull of a connection looks. */
  ordersPullLookbackHours: number;
  /** A supplier file may not be larger than this (bytes, after decompression). */
  supplierMaxBytes: number;
  /** A supplier download must finish within this time. */
  supplierDownloadTimeoutMs: number;
  /** Supplier URLs may be plain http (besides https). */
  supplierAllowHttp: boolean;
  /** How often the worker looks for scheduled supplier imports that are due. */
  supplierScheduleCheckMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';
const DEV_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

function str(env: Env, name: string, def?: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    if (def === undefined) throw new ConfigError(`${name} is required`);
    return def;
  }
  return v;
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function intList(env: Env, name: string, def: number[], min: number, max: number, maxItems: number): number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.length > maxItems) throw new ConfigError(`${name} must have at most ${maxItems} entries`);
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new ConfigError(`${name} must be a comma-separated list of integers, got "${raw}"`);
    const n = Number(p);
    if (n < min || n > max) throw new ConfigError(`${name} entries must be between ${min} and ${max}, got ${n}`);
    return n;
  });
}

/** Svix's schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

function url(env: Env, name: string, def: string, protocols: string[]): string {
  const v = str(env, name, def);
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return v;
}

function optionalUrl(env: Env, name: string): string {
  return env[name] ? url(env, name, '', ['http:', 'https:']) : '';
}

function apiVersion(env: Env, name: string, def: string): string {
  const v = str(env, name, def);
  if (!/^(\d{4}-\d{2}|unstable)$/.test(v)) throw new ConfigError(`${name} must look like 2025-10, got "${v}"`);
  return v;
}

function scopes(env: Env, name: string, def: string): string {
  const v = str(env, name, def).replace(/\s+/g, '');
  if (!/^[a-z_]+(,[a-z_]+)*$/.test(v)) throw new ConfigError(`${name} must be a comma-separated list of Shopify scopes, got "${v}"`);
  return v;
}

function shopTemplate(env: Env, name: string, production: boolean): string {
  const v = str(env, name, 'https://{shop}').replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(v.replace('{shop}', 'example.myshopify.com'));
  } catch {
    throw new ConfigError(`${name} is not a valid URL template`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new ConfigError(`${name} must use http or https`);
  if (production && (parsed.protocol !== 'https:' || !v.includes('{shop}'))) throw new ConfigError(`${name} must be an https URL containing {shop} in production`);
  return v;
}

function stripeKey(env: Env, name: string): string {
  const v = str(env, name, '');
  if (v && !/^(sk|rk)_(live|test)_[A-Za-z0-9]+$/.test(v)) throw new ConfigError(`${name} must be a Stripe secret key (sk_live_… or sk_test_…)`);
  return v;
}

function hostName(env: Env, name: string, def: string): string {
  const v = str(env, name, def);
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(v)) throw new ConfigError(`${name} must be a host name, got "${v}"`);
  return v;
}

function oneOf<T extends string>(env: Env, name: string, def: T, values: readonly T[]): T {
  const v = str(env, name, def);
  if (!values.includes(v as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${v}"`);
  return v as T;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const production = nodeEnv === 'production';

  const jwtSecret = str(env, 'JWT_SECRET', production ? undefined : DEV_JWT_SECRET);
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  if (production && jwtSecret === DEV_JWT_SECRET) throw new ConfigError('JWT_SECRET must be set in production');

  const encRaw = str(env, 'ENCRYPTION_KEY', production ? undefined : DEV_ENCRYPTION_KEY);
  const encryptionKey = Buffer.from(encRaw, 'base64');
  if (encryptionKey.length !== 32) throw new ConfigError('ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  if (production && encRaw === DEV_ENCRYPTION_KEY) throw new ConfigError('ENCRYPTION_KEY must be set in production');

  const port = int(env, 'PORT', 3000, 0, 65535);
  const redisPrefix = str(env, 'REDIS_PREFIX', 'synq');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError('REDIS_PREFIX must be 1-64 characters of letters, digits, _ or -');
  }
  const logLevel = str(env, 'LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }

  return {
    nodeEnv: nodeEnv as AppConfig['nodeEnv'],
    port,
    host: str(env, 'HOST', '0.0.0.0'),
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/synq', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix,
    jwtSecret,
    jwtExpiresInSeconds: int(env, 'JWT_EXPIRES_IN_SECONDS', 30 * 24 * 3600, 60, 365 * 24 * 3600),
    encryptionKey,
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 100, 1, 1_000_000_000),
    rateLimitPublicFeedsPerMinute: int(env, 'RATE_LIMIT_PUBLIC_FEEDS_PER_MINUTE', 30, 1, 1_000_000_000),
    rateLimitEnabled: bool(env, 'RATE_LIMIT_ENABLED', true),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    logLevel,
    allowPrivateNetworkTargets: bool(env, 'ALLOW_PRIVATE_NETWORK_TARGETS', false),
    storageDir: str(env, 'STORAGE_DIR', './storage'),
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 100, 10, 60_000),
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 10, 1, 500),
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:']),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 20, 1, 500),
    webhookAllowHttp: bool(env, 'WEBHOOK_ALLOW_HTTP', false),
    webhookRetrySchedule: intList(env, 'WEBHOOK_RETRY_SCHEDULE', DEFAULT_WEBHOOK_RETRY_SCHEDULE, 0, 7 * 24 * 3600_000, 50),
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 100, 120_000),
    webhookDisableAfterMs: int(env, 'WEBHOOK_DISABLE_AFTER_MS', 5 * 24 * 3600_000, 1_000, 365 * 24 * 3600_000),
    webhookSweepMs: int(env, 'WEBHOOK_SWEEP_MS', 10_000, 50, 3600_000),
    webhookRetentionDays: int(env, 'WEBHOOK_RETENTION_DAYS', 30, 1, 3650),
    feedCacheTtlSeconds: int(env, 'FEED_CACHE_TTL_SECONDS', 300, 1, 86_400),
    feedGenerationWaitMs: int(env, 'FEED_GENERATION_WAIT_MS', 600_000, 1_000, 3600_000),
    feedRefreshCheckMs: int(env, 'FEED_REFRESH_CHECK_MS', 60_000, 100, 3600_000),
    webhookConcurrency: int(env, 'WEBHOOK_CONCURRENCY', 50, 1, 1000),
    shopifyApiVersion: apiVersion(env, 'SHOPIFY_API_VERSION', '2025-10'),
    unifiedApiBaseUrl: url(env, 'UNIFIED_API_BASE_URL', 'https://api.unified.to', ['http:', 'https:']).replace(/\/+$/, ''),
    unifiedAuthUrl: url(env, 'UNIFIED_AUTH_URL', 'https://api.unified.to/integration/auth', ['http:', 'https:']),
    unifiedWorkspaceId: str(env, 'UNIFIED_WORKSPACE_ID', ''),
    unifiedApiKey: str(env, 'UNIFIED_API_KEY', ''),
    unifiedSuccessRedirect: optionalUrl(env, 'UNIFIED_SUCCESS_REDIRECT_URL'),
    unifiedFailureRedirect: optionalUrl(env, 'UNIFIED_FAILURE_REDIRECT_URL'),
    syncDebounceMs: int(env, 'SYNC_DEBOUNCE_MS', 500, 0, 60_000),
    syncConcurrency: int(env, 'SYNC_CONCURRENCY', 50, 1, 1000),
    syncBatchSize: int(env, 'SYNC_BATCH_SIZE', 50, 1, 100),
    connectorTimeoutMs: int(env, 'CONNECTOR_TIMEOUT_MS', 30_000, 100, 300_000),
    syncSweepMs: int(env, 'SYNC_SWEEP_MS', 30_000, 100, 3_600_000),
    inventoryPushCoalesceMs: int(env, 'INVENTORY_PUSH_COALESCE_MS', 2_000, 0, 600_000),
    reservationSweepMs: int(env, 'RESERVATION_SWEEP_MS', 5_000, 100, 3_600_000),
    ordersPullIntervalMs: int(env, 'ORDERS_PULL_INTERVAL_MS', 300_000, 100, 86_400_000),
    ordersPullLookbackHours: int(env, 'ORDERS_PULL_LOOKBACK_HOURS', 72, 1, 8760),
    workerLockMs: int(env, 'WORKER_LOCK_MS', 30_000, 500, 600_000),
    shopifyApiKey: str(env, 'SHOPIFY_API_KEY', ''),
    shopifyApiSecret: str(env, 'SHOPIFY_API_SECRET', ''),
    shopifyRedirectUrl: optionalUrl(env, 'SHOPIFY_REDIRECT_URL'),
    shopifyScopes: scopes(env, 'SHOPIFY_SCOPES', 'read_products,write_products,read_orders,write_orders,read_inventory,write_inventory'),
    shopifyShopBaseUrl: shopTemplate(env, 'SHOPIFY_SHOP_BASE_URL', production),
    shopifyExpiringTokens: bool(env, 'SHOPIFY_EXPIRING_TOKENS', false),
    panelBaseUrl: optionalUrl(env, 'PANEL_BASE_URL').replace(/\/+$/, ''),
    agentTickMs: int(env, 'AGENT_TICK_MS', 5_000, 100, 600_000),
    agentMinIntervalSeconds: int(env, 'AGENT_MIN_INTERVAL_SECONDS', 60, 1, 86_400),
    repricerOfferMaxAgeHours: int(env, 'REPRICER_OFFER_MAX_AGE_HOURS', 72, 1, 8760),
    stripeSecretKey: stripeKey(env, 'STRIPE_SECRET_KEY'),
    stripeWebhookSecret: str(env, 'STRIPE_WEBHOOK_SECRET', ''),
    stripeApiHost: hostName(env, 'STRIPE_API_HOST', 'api.stripe.com'),
    stripeApiPort: int(env, 'STRIPE_API_PORT', 443, 1, 65535),
    stripeApiProtocol: oneOf(env, 'STRIPE_API_PROTOCOL', 'https', ['http', 'https'] as const),
    stripePlatformFeeBps: int(env, 'STRIPE_PLATFORM_FEE_BPS', 0, 0, 5000),
    stripeCheckoutExpiresMinutes: int(env, 'STRIPE_CHECKOUT_EXPIRES_MINUTES', 60, 30, 1440),
    rateLimitStorefrontPerMinute: int(env, 'RATE_LIMIT_STOREFRONT_PER_MINUTE', 60, 1, 1_000_000_000),
    rateLimitStorefrontKeyPerMinute: int(env, 'RATE_LIMIT_STOREFRONT_KEY_PER_MINUTE', 600, 1, 1_000_000_000),
    supplierMaxBytes: int(env, 'SUPPLIER_MAX_BYTES', 500 * 1024 * 1024, 1024, 20 * 1024 * 1024 * 1024),
    supplierDownloadTimeoutMs: int(env, 'SUPPLIER_DOWNLOAD_TIMEOUT_MS', 600_000, 1_000, 6 * 3600_000),
    supplierAllowHttp: bool(env, 'SUPPLIER_ALLOW_HTTP', true),
    supplierScheduleCheckMs: int(env, 'SUPPLIER_SCHEDULE_CHECK_MS', 30_000, 100, 3_600_000),
  };
}

/** A random value suitable as a secret (used by the dev seed and tests). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64');
}

/** Loads the configuration or stops the process with a message naming the bad value (exit 78). */
export function loadConfigOrExit(processName: string, env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${processName}: invalid configuration: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
}
