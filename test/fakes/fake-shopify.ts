import { createHmac, randomBytes } from 'node:crypto';
import { FakePlatform, isDecimalString, RecordedRequest, Reply } from './fake-platform';

export interface ShopifyWebhookSubscription {
  id: string;
  topic: string;
  uri: string;
  format: string;
}

/** The topics webhookSubscriptionCreate accepts here (a subset of WebhookSubscriptionTopic). */
const TOPICS = new Set(['ORDERS_CREATE', 'ORDERS_UPDATED', 'ORDERS_PAID', 'PRODUCTS_CREATE', 'PRODUCTS_UPDATE', 'PRODUCTS_DELETE', 'APP_UNINSTALLED', 'INVENTORY_LEVELS_UPDATE']);

export interface ShopifyVariant {
  id: string;
  sku: string | null;
  price: string;
  compareAtPrice: string | null;
  barcode: string | null;
  position: number;
  selectedOptions: { name: string; value: string }[];
}

export interface ShopifyProduct {
  id: string;
  handle: string;
  title: string;
  descriptionHtml: string;
  status: string;
  options: { name: string; position: number; values: string[] }[];
  variants: ShopifyVariant[];
  files: { originalSource: string; alt?: string; contentType: string }[];
}

interface UserError {
  field: string[];
  message: string;
  code?: string;
}

const COST = { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 } };

/**
 * Shopify's Admin GraphQL API for one shop: `POST /admin/api/{version}/graphql.json` with the
 * `X-Shopify-Access-Token` header, answering `productSet` (synchronous, identified by id or handle;
 * list fields replace: variants not given are deleted), `productDelete` and the product variants
 * query. Inputs are checked like Shopify does (options and variants together, every variant with a
 * value for each option, decimal prices, IMAGE files) and reported as userErrors.
 */
export class FakeShopify extends FakePlatform {
  readonly products = new Map<string, ShopifyProduct>();
  readonly webhooks: ShopifyWebhookSubscription[] = [];
  /** the app's client id and secret (Partner dashboard), for the OAuth token endpoint */
  clientId = 'fake-client-id';
  clientSecret = 'fake-client-secret';
  /** the shop this fake is */
  shopDomain = 'fake-shop.myshopify.com';
  shopName = 'Fake Shop';
  /** tokens issued by the OAuth endpoint expire after this many seconds when `expiring=1` is asked */
  expiresInSeconds = 3600;
  private readonly codes = new Map<string, string>();
  private refreshTokens = new Set<string>();
  /** `available` per inventory item id at the shop's one location (set by inventorySetQuantities) */
  readonly inventory = new Map<string, number>();
  readonly locationId = 'gid://shopify/Location/1';
  /** REST orders of the shop (`GET /orders.json`), as Shopify's order objects */
  readonly orders: Record<string, unknown>[] = [];
  private seq = 1000;

  constructor(
    public accessToken = 'shpat_test_token',
    readonly apiVersion = '2025-10',
  ) {
    super();
  }

  /**
   * What Shopify does when the merchant approves the consent screen at `authUrl`: checks the app's
   * client id, issues a single-use code and redirects to redirect_uri with code, hmac, host, shop,
   * state and timestamp signed with the client secret. Answers that query string (without `?`).
   */
  consent(authUrl: string, opts: { timestamp?: number; shop?: string } = {}): { query: string; redirectUri: string } {
    const u = new URL(authUrl);
    if (u.pathname !== '/admin/oauth/authorize') throw new Error(`not an authorize URL: ${authUrl}`);
    if (u.searchParams.get('client_id') !== this.clientId) throw new Error('unknown client_id');
    const shop = opts.shop ?? u.hostname;
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, shop);
    const params: [string, string][] = [
      ['code', code],
      ['host', Buffer.from(`admin.shopify.com/store/${shop.split('.')[0]}`).toString('base64url')],
      ['shop', shop],
      ['state', u.searchParams.get('state') ?? ''],
      ['timestamp', String(opts.timestamp ?? Math.floor(Date.now() / 1000))],
    ];
    const message = [...params].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
    params.push(['hmac', createHmac('sha256', this.clientSecret).update(message).digest('hex')]);
    return { query: new URLSearchParams(params).toString(), redirectUri: u.searchParams.get('redirect_uri') ?? '' };
  }

  /** Sends a webhook as Shopify does: JSON body, X-Shopify-Hmac-Sha256 with the client secret. */
  async sendWebhook(url: string, topic: string, payload: unknown, opts: { eventId?: string; secret?: string; tamper?: boolean; shop?: string } = {}): Promise<{ status: number; body: string }> {
    const body = JSON.stringify(payload);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': createHmac('sha256', opts.secret ?? this.clientSecret).update(body).digest('base64'),
        'x-shopify-shop-domain': opts.shop ?? this.shopDomain,
        'x-shopify-api-version': this.apiVersion,
        'x-shopify-webhook-id': randomBytes(8).toString('hex'),
        'x-shopify-event-id': opts.eventId ?? randomBytes(8).toString('hex'),
        'x-shopify-triggered-at': new Date().toISOString(),
      },
      body: opts.tamper ? body.replace(/}$/, ',"tampered":true}') : body,
    });
    return { status: res.status, body: await res.text() };
  }

  /** POST /admin/oauth/access_token: a code (once) or a refresh token, with the app's credentials. */
  private token(req: RecordedRequest): Reply {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b.client_id !== this.clientId || b.client_secret !== this.clientSecret) return { status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    let expiring = b.expiring === 1 || b.expiring === '1';
    if (b.grant_type === 'refresh_token') {
      if (typeof b.refresh_token !== 'string' || !this.refreshTokens.delete(b.refresh_token)) return { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid' } };
      expiring = true;
    } else {
      const shop = typeof b.code === 'string' ? this.codes.get(b.code) : undefined;
      if (!shop) return { status: 400, body: { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' } };
      this.codes.delete(b.code as string);
    }
    this.accessToken = `shpat_${randomBytes(12).toString('hex')}`;
    const answer: Record<string, unknown> = { access_token: this.accessToken, scope: 'read_products,write_products,read_orders' };
    if (expiring) {
      const refresh = `shprt_${randomBytes(12).toString('hex')}`;
      this.refreshTokens.add(refresh);
      Object.assign(answer, { expires_in: this.expiresInSeconds, refresh_token: refresh, refresh_token_expires_in: 7_776_000 });
    }
    return { status: 200, body: answer };
  }

  /** The next `times` GraphQL calls are throttled (HTTP 200, errors THROTTLED, cost extensions). */
  throttleNext(times = 1): void {
    this.failNext(times, {
      status: 200,
      body: {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: 250, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 50, restoreRate: 100 } } },
      },
    });
  }

  byHandle(handle: string): ShopifyProduct | undefined {
    return [...this.products.values()].find((p) => p.handle === handle);
  }

  mutations(name: string, from = 0): RecordedRequest[] {
    return this.since(from).filter((r) => typeof (r.body as { query?: string })?.query === 'string' && (r.body as { query: string }).query.includes(`${name}(`));
  }

  /** The inventory item of a variant (Shopify keeps one per variant). */
  static inventoryItemOf(variantGid: string): string {
    return `gid://shopify/InventoryItem/${variantGid.split('/').pop()}`;
  }

  /** What the shop shows as available for the variant with this SKU (undefined: never set). */
  availableBySku(sku: string): number | undefined {
    for (const p of this.products.values()) {
      const v = p.variants.find((x) => x.sku === sku);
      if (v) return this.inventory.get(FakeShopify.inventoryItemOf(v.id));
    }
    return undefined;
  }

  protected handle(req: RecordedRequest): Reply {
    if (req.method === 'POST' && req.path === '/admin/oauth/access_token') return this.token(req);
    if (req.method === 'GET' && req.path === `/admin/api/${this.apiVersion}/orders.json`) return this.listOrders(req);
    if (req.method !== 'POST' || req.path !== `/admin/api/${this.apiVersion}/graphql.json`) return { status: 404, body: { errors: 'Not Found' } };
    if (req.headers['x-shopify-access-token'] !== this.accessToken) {
      return { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } };
    }
    const body = req.body as { query?: unknown; variables?: Record<string, unknown> };
    if (!body || typeof body.query !== 'string') return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
    const vars = body.variables ?? {};
    if (body.query.includes('productSet(')) return this.ok({ productSet: this.productSet(vars) });
    if (body.query.includes('webhookSubscriptionCreate(')) return this.ok({ webhookSubscriptionCreate: this.webhookCreate(vars) });
    if (/\bshop\s*\{/.test(body.query)) return this.ok({ shop: { name: this.shopName, myshopifyDomain: this.shopDomain } });
    if (body.query.includes('productDelete(')) return this.ok({ productDelete: this.productDelete(vars) });
    if (body.query.includes('inventorySetQuantities(')) return this.ok({ inventorySetQuantities: this.inventorySet(vars) });
    if (/nodes\(ids:/.test(body.query)) {
      const ids = Array.isArray(vars.ids) ? (vars.ids as string[]) : [];
      const variants = new Map([...this.products.values()].flatMap((p) => p.variants.map((v) => [v.id, v] as const)));
      return this.ok({
        nodes: ids.map((id) => (variants.has(id) ? { id, inventoryItem: { id: FakeShopify.inventoryItemOf(id) } } : null)),
        ...(body.query.includes('locations(') ? { locations: { nodes: [{ id: this.locationId }] } } : {}),
      });
    }
    if (/product\(id:/.test(body.query)) {
      const p = this.products.get(String(vars.id));
      return this.ok({ product: p ? { variants: { nodes: p.variants.map(node), pageInfo: { hasNextPage: false, endCursor: null } } } : null });
    }
    return { status: 200, body: { errors: [{ message: 'Field is not defined on Mutation', extensions: { code: 'undefinedField' } }] } };
  }

  private webhookCreate(vars: Record<string, unknown>) {
    const topic = String(vars.topic ?? '');
    const sub = (vars.webhookSubscription ?? {}) as { uri?: unknown; callbackUrl?: unknown; format?: unknown };
    if (!TOPICS.has(topic)) return { webhookSubscription: null, userErrors: [{ field: ['topic'], message: 'Topic is invalid' }] };
    if (sub.callbackUrl !== undefined) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'callbackUrl is not supported in this API version: use uri' }] };
    if (typeof sub.uri !== 'string' || !/^https?:\/\//.test(sub.uri)) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }] };
    if (this.webhooks.some((w) => w.topic === topic && w.uri === sub.uri)) {
      return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address for this topic has already been taken' }] };
    }
    const w = { id: `gid://shopify/WebhookSubscription/${this.seq++}`, topic, uri: sub.uri, format: String(sub.format ?? 'JSON') };
    this.webhooks.push(w);
    return { webhookSubscription: { id: w.id, topic: w.topic }, userErrors: [] };
  }

  private ok(data: unknown): Reply {
    return { status: 200, body: { data, extensions: { cost: COST } } };
  }

  private productSet(vars: Record<string, unknown>) {
    const input = vars.input as Record<string, unknown> | undefined;
    const identifier = vars.identifier as { id?: string; handle?: string } | undefined;
    const fail = (errors: UserError[]) => ({ product: null, userErrors: errors });
    if (!input || typeof input !== 'object') return fail([{ field: ['input'], message: 'input is required' }]);
    if (vars.synchronous !== true) return fail([{ field: ['synchronous'], message: 'Synq expects synchronous mode' }]);
    const errors = this.validate(input);
    if (errors.length) return fail(errors);

    let product: ShopifyProduct | undefined;
    if (identifier?.id) {
      product = this.products.get(identifier.id);
      if (!product) return fail([{ field: ['identifier', 'id'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' }]);
    } else if (identifier?.handle) product = this.byHandle(identifier.handle);
    const handle = String(input.handle ?? product?.handle ?? '');
    const clash = this.byHandle(handle);
    if (clash && clash !== product) return fail([{ field: ['input', 'handle'], message: `Handle '${handle}' already in use. Please provide a new handle.`, code: 'INVALID' }]);
    if (!product) {
      if (typeof input.title !== 'string') return fail([{ field: ['input', 'title'], message: 'Title can\'t be blank', code: 'BLANK' }]);
      product = { id: `gid://shopify/Product/${this.seq++}`, handle, title: '', descriptionHtml: '', status: 'ACTIVE', options: [], variants: [], files: [] };
      this.products.set(product.id, product);
    }
    product.handle = handle;
    if (typeof input.title === 'string') product.title = input.title;
    if (typeof input.descriptionHtml === 'string') product.descriptionHtml = input.descriptionHtml;
    if (typeof input.status === 'string') product.status = input.status;
    if (Array.isArray(input.files)) product.files = input.files as ShopifyProduct['files'];
    if (Array.isArray(input.variants)) {
      const options = input.productOptions as { name: string; position: number; values: { name: string }[] }[];
      product.options = options.map((o) => ({ name: o.name, position: o.position, values: o.values.map((v) => v.name) }));
      const old = new Map(product.variants.map((v) => [v.id, v]));
      product.variants = (input.variants as Record<string, unknown>[]).map((v, i) => {
        const id = typeof v.id === 'string' && old.has(v.id) ? v.id : `gid://shopify/ProductVariant/${this.seq++}`;
        return {
          id,
          sku: (v.sku as string) ?? null,
          price: (v.price as string) ?? '0.00',
          compareAtPrice: (v.compareAtPrice as string | null) ?? null,
          barcode: (v.barcode as string) ?? null,
          position: (v.position as number) ?? i + 1,
          selectedOptions: (v.optionValues as { optionName: string; name: string }[]).map((o) => ({ name: o.optionName, value: o.name })),
        };
      });
    } else if (!product.variants.length) {
      product.options = [{ name: 'Title', position: 1, values: ['Default Title'] }];
      product.variants = [{ id: `gid://shopify/ProductVariant/${this.seq++}`, sku: null, price: '0.00', compareAtPrice: null, barcode: null, position: 1, selectedOptions: [{ name: 'Title', value: 'Default Title' }] }];
    }
    return {
      product: { id: product.id, handle: product.handle, variants: { nodes: product.variants.map(node), pageInfo: { hasNextPage: false, endCursor: null } } },
      userErrors: [],
    };
  }

  private validate(input: Record<string, unknown>): UserError[] {
    const errors: UserError[] = [];
    if (input.title !== undefined && (typeof input.title !== 'string' || !input.title.trim())) errors.push({ field: ['input', 'title'], message: 'Title can\'t be blank', code: 'BLANK' });
    if (input.handle !== undefined && (typeof input.handle !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(input.handle))) errors.push({ field: ['input', 'handle'], message: 'Handle is invalid', code: 'INVALID' });
    if (input.status !== undefined && !['ACTIVE', 'DRAFT', 'ARCHIVED'].includes(String(input.status))) errors.push({ field: ['input', 'status'], message: 'Status is invalid', code: 'INVALID' });
    const hasOptions = input.productOptions !== undefined;
    const hasVariants = input.variants !== undefined;
    if (hasOptions !== hasVariants) errors.push({ field: ['input'], message: 'productOptions and variants must be given together', code: 'INVALID_INPUT' });
    if (Array.isArray(input.productOptions) && Array.isArray(input.variants)) {
      const options = input.productOptions as { name?: unknown; values?: { name?: unknown }[] }[];
      if (options.length > 3) errors.push({ field: ['input', 'productOptions'], message: 'Can only specify a maximum of 3 options', code: 'OPTIONS_OVER_LIMIT' });
      const combos = new Set<string>();
      (input.variants as Record<string, unknown>[]).forEach((v, i) => {
        const field = ['input', 'variants', String(i)];
        const values = v.optionValues as { optionName?: unknown; name?: unknown }[] | undefined;
        if (!Array.isArray(values) || values.length !== options.length) {
          errors.push({ field: [...field, 'optionValues'], message: 'Option values must be provided for each product option', code: 'INVALID_INPUT' });
          return;
        }
        for (const ov of values) {
          const opt = options.find((o) => o.name === ov.optionName);
          if (!opt || !opt.values?.some((x) => x.name === ov.name)) errors.push({ field: [...field, 'optionValues'], message: `Option value '${String(ov.name)}' does not exist on option '${String(ov.optionName)}'`, code: 'OPTION_VALUE_DOES_NOT_EXIST' });
        }
        const key = JSON.stringify(values.map((x) => [x.optionName, x.name]));
        if (combos.has(key)) errors.push({ field, message: 'The variant already exists', code: 'VARIANT_ALREADY_EXISTS' });
        combos.add(key);
        if (v.price !== undefined && !isDecimalString(v.price)) errors.push({ field: [...field, 'price'], message: 'Price is invalid', code: 'INVALID' });
        if (v.compareAtPrice !== undefined && v.compareAtPrice !== null && !isDecimalString(v.compareAtPrice)) errors.push({ field: [...field, 'compareAtPrice'], message: 'Compare at price is invalid', code: 'INVALID' });
      });
    }
    if (input.files !== undefined) {
      if (!Array.isArray(input.files)) errors.push({ field: ['input', 'files'], message: 'files must be a list', code: 'INVALID' });
      else
        (input.files as Record<string, unknown>[]).forEach((f, i) => {
          if (typeof f.originalSource !== 'string' || !/^https?:\/\//.test(f.originalSource) || f.contentType !== 'IMAGE') {
            errors.push({ field: ['input', 'files', String(i)], message: 'File is invalid', code: 'INVALID' });
          }
        });
    }
    return errors;
  }

  /** inventorySetQuantities as Shopify checks it: name, reason, compare-quantity opt-out, known items and location. */
  private inventorySet(vars: Record<string, unknown>) {
    const input = vars.input as { name?: string; reason?: string; ignoreCompareQuantity?: boolean; quantities?: Record<string, unknown>[] } | undefined;
    const fail = (field: string[], message: string, code = 'INVALID') => ({ inventoryAdjustmentGroup: null, userErrors: [{ field, message, code }] });
    if (!input) return fail(['input'], 'input is required');
    if (input.name !== 'available' && input.name !== 'on_hand') return fail(['input', 'name'], 'The quantity name must be either \'available\' or \'on_hand\'.', 'INVALID_NAME');
    if (!['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage'].includes(String(input.reason))) {
      return fail(['input', 'reason'], 'The specified reason is invalid.', 'INVALID_REASON');
    }
    const quantities = Array.isArray(input.quantities) ? input.quantities : [];
    if (!quantities.length || quantities.length > 250) return fail(['input', 'quantities'], 'quantities must have between 1 and 250 entries', 'INVALID_QUANTITY_INPUT');
    const known = new Set([...this.products.values()].flatMap((p) => p.variants.map((v) => FakeShopify.inventoryItemOf(v.id))));
    for (const [i, q] of quantities.entries()) {
      if (!known.has(String(q.inventoryItemId))) return fail(['input', 'quantities', String(i), 'inventoryItemId'], 'The specified inventory item could not be found.', 'INVALID_INVENTORY_ITEM');
      if (q.locationId !== this.locationId) return fail(['input', 'quantities', String(i), 'locationId'], 'The specified location could not be found.', 'INVALID_LOCATION');
      if (!Number.isInteger(q.quantity) || Math.abs(q.quantity as number) > 1_000_000_000) return fail(['input', 'quantities', String(i), 'quantity'], 'The quantity is invalid.', 'INVALID_QUANTITY_TOO_HIGH');
      if (input.ignoreCompareQuantity !== true && q.compareQuantity === undefined) return fail(['input', 'quantities', String(i), 'compareQuantity'], 'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.', 'COMPARE_QUANTITY_REQUIRED');
    }
    for (const q of quantities) this.inventory.set(String(q.inventoryItemId), q.quantity as number);
    return { inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${this.seq++}` }, userErrors: [] };
  }

  /** REST `GET /orders.json`: status=any, updated_at_min, order=updated_at asc, limit ≤ 250, cursor pagination with page_info. */
  private listOrders(req: RecordedRequest): Reply {
    if (req.headers['x-shopify-access-token'] !== this.accessToken) return { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } };
    const limit = Number(req.query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) return { status: 400, body: { errors: { limit: 'must be between 1 and 250' } } };
    const pageInfo = req.query.get('page_info');
    let since: string | null;
    let offset = 0;
    if (pageInfo) {
      if ([...req.query.keys()].some((k) => k !== 'page_info' && k !== 'limit')) return { status: 400, body: { errors: { page_info: 'only limit may accompany page_info' } } };
      [since, offset] = JSON.parse(Buffer.from(pageInfo, 'base64url').toString()) as [string | null, number];
    } else since = req.query.get('updated_at_min');
    const sorted = this.orders
      .filter((o) => !since || Date.parse(String(o.updated_at)) >= Date.parse(since))
      .sort((a, b) => Date.parse(String(a.updated_at)) - Date.parse(String(b.updated_at)));
    const page = sorted.slice(offset, offset + limit);
    const headers: Record<string, string> = {};
    if (offset + limit < sorted.length) {
      const next = Buffer.from(JSON.stringify([since, offset + limit])).toString('base64url');
      headers.link = `<${this.url}/admin/api/${this.apiVersion}/orders.json?limit=${limit}&page_info=${next}>; rel="next"`;
    }
    return { status: 200, body: { orders: page }, headers };
  }

  private productDelete(vars: Record<string, unknown>) {
    const id = (vars.input as { id?: string } | undefined)?.id;
    if (!id || !this.products.has(id)) return { deletedProductId: null, userErrors: [{ field: ['id'], message: 'Product does not exist' }] };
    this.products.delete(id);
    return { deletedProductId: id, userErrors: [] };
  }
}

function node(v: ShopifyVariant) {
  return { id: v.id, sku: v.sku, selectedOptions: v.selectedOptions };
}
