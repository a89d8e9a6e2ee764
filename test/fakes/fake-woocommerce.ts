import { createHmac, randomUUID } from 'node:crypto';
import { FakePlatform, isDecimalString, RecordedRequest, Reply } from './fake-platform';

export interface WooWebhook {
  id: number;
  name: string;
  status: string;
  topic: string;
  resource: string;
  event: string;
  delivery_url: string;
  secret: string;
  /** status of the ping WooCommerce sent on creation (0: no answer) */
  pingStatus?: number;
}

/** The topics WooCommerce accepts for webhooks (resource.event). */
const WOO_TOPICS = new Set(['coupon', 'customer', 'order', 'product'].flatMap((r) => ['created', 'updated', 'deleted', 'restored'].map((e) => `${r}.${e}`)));

export interface WooVariation {
  id: number;
  parent_id: number;
  sku: string;
  regular_price: string;
  sale_price: string;
  global_unique_id: string;
  attributes: { name: string; option: string }[];
  image: { src: string; alt?: string } | null;
  manage_stock?: boolean;
  stock_quantity?: number | null;
}

export interface WooProduct {
  id: number;
  name: string;
  slug: string;
  type: 'simple' | 'variable';
  status: string;
  description: string;
  sku: string;
  regular_price: string;
  sale_price: string;
  global_unique_id: string;
  images: { src: string; alt?: string }[];
  attributes: { name: string; position?: number; visible?: boolean; variation?: boolean; options: string[] }[];
  variations: number[];
  manage_stock?: boolean;
  stock_quantity?: number | null;
}

const err = (status: number, code: string, message: string): Reply => ({ status, body: { code, message, data: { status } } });

/**
 * WooCommerce REST API v3 of one store (`/wp-json/wc/v3`), consumer key and secret over basic auth:
 * products (list by `sku`, create, update, delete with `force`) and their variations (list, and the
 * batch endpoint with at most 100 objects). SKUs are unique across products and variations; invalid
 * fields answer 400 with Woo's `{code, message, data: {status}}`.
 */
export class FakeWooCommerce extends FakePlatform {
  readonly products = new Map<number, WooProduct>();
  /** orders of the store (`GET /orders`), as WooCommerce's REST v3 order objects */
  readonly orders: Record<string, unknown>[] = [];
  readonly variations = new Map<number, WooVariation>();
  readonly webhooks = new Map<number, WooWebhook>();
  /** the keys' permission, as chosen in WooCommerce → Settings → Advanced → REST API */
  permissions: 'read' | 'write' | 'read_write' = 'read_write';
  private seq = 100;

  constructor(
    readonly consumerKey = 'ck_test_0123456789',
    readonly consumerSecret = 'cs_test_0123456789',
  ) {
    super();
  }

  bySku(sku: string): WooProduct | undefined {
    return [...this.products.values()].find((p) => p.sku === sku);
  }

  variationsOf(productId: number): WooVariation[] {
    return (this.products.get(productId)?.variations ?? []).map((id) => this.variations.get(id)!).filter(Boolean);
  }

  /** The stock the store shows for the product or variation with this SKU (undefined: not managed). */
  stockBySku(sku: string): number | null | undefined {
    const p = this.bySku(sku);
    if (p) return p.manage_stock ? p.stock_quantity : undefined;
    const v = [...this.variations.values()].find((x) => x.sku === sku);
    return v?.manage_stock ? v.stock_quantity : undefined;
  }


  /**
   * Sends a delivery of `topic` the way WooCommerce does for every webhook subscribed to it: JSON
   * body, `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the body with the webhook's secret.
   * `tamper` changes the body after signing. Answers the receiver's status per webhook.
   */
  async deliver(topic: string, payload: unknown, opts: { tamper?: boolean; deliveryId?: string; secret?: string } = {}): Promise<{ status: number; body: string }[]> {
    const out: { status: number; body: string }[] = [];
    for (const hook of this.webhooks.values()) {
      if (hook.topic !== topic || hook.status !== 'active') continue;
      const body = JSON.stringify(payload);
      const signature = createHmac('sha256', opts.secret ?? hook.secret).update(body).digest('base64');
      const res = await fetch(hook.delivery_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'WooCommerce/9.4.0 Hookshot (WordPress/6.7)',
          'x-wc-webhook-source': `${this.url}/`,
          'x-wc-webhook-topic': topic,
          'x-wc-webhook-resource': hook.resource,
          'x-wc-webhook-event': hook.event,
          'x-wc-webhook-signature': signature,
          'x-wc-webhook-id': String(hook.id),
          'x-wc-webhook-delivery-id': opts.deliveryId ?? randomUUID(),
        },
        body: opts.tamper ? body.replace(/}$/, ',"tampered":true}') : body,
      });
      out.push({ status: res.status, body: await res.text() });
    }
    return out;
  }

  /** WooCommerce's ping to a new webhook: a form body `webhook_id=N`, unsigned. */
  private async ping(hook: WooWebhook): Promise<void> {
    try {
      const res = await fetch(hook.delivery_url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `webhook_id=${hook.id}` });
      hook.pingStatus = res.status;
      await res.text();
    } catch {
      hook.pingStatus = 0;
    }
  }

  protected async handle(req: RecordedRequest): Promise<Reply> {
    // WC_REST_Authentication: the key, then the secret, then the key's permission for the method
    const auth = req.headers.authorization ?? '';
    const [user, pass] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':') : ['', ''];
    if (user !== this.consumerKey) return err(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
    if (pass !== this.consumerSecret) return err(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (reading && this.permissions === 'write') return err(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have read permissions.');
    if (!reading && this.permissions === 'read') return err(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.');
    if (req.path === '/wp-json/wc/v3/system_status' && req.method === 'GET') {
      return {
        status: 200,
        body: {
          environment: { home_url: this.url, site_url: this.url, version: '9.4.0', wp_version: '6.7', wp_multisite: false, secure_connection: true },
          database: { wc_database_version: '9.4.0' },
          active_plugins: [{ plugin: 'woocommerce/woocommerce.php', name: 'WooCommerce', version: '9.4.0' }],
          settings: { currency: 'EUR' },
        },
      };
    }
    const wh = /^\/wp-json\/wc\/v3\/webhooks(?:\/(\d+))?$/.exec(req.path);
    if (wh) return this.webhookRoute(req, wh[1] ? Number(wh[1]) : undefined);
    if (req.path === '/wp-json/wc/v3/orders' && req.method === 'GET') return this.listOrders(req);
    if (req.path === '/wp-json/wc/v3/products/batch' && req.method === 'POST') return this.productsBatch(req.body as Record<string, unknown>);
    const m = /^\/wp-json\/wc\/v3\/products(?:\/(\d+))?(?:\/(variations)(?:\/(batch))?)?$/.exec(req.path);
    if (!m) return err(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    const id = m[1] ? Number(m[1]) : undefined;
    if (m[2]) {
      const parent = id !== undefined ? this.products.get(id) : undefined;
      if (!parent) return err(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
      if (m[3] && req.method === 'POST') return this.batch(parent, req.body as Record<string, unknown>);
      if (!m[3] && req.method === 'GET') {
        const perPage = Number(req.query.get('per_page') ?? 10);
        const page = Number(req.query.get('page') ?? 1);
        return { status: 200, body: this.variationsOf(parent.id).slice((page - 1) * perPage, page * perPage) };
      }
      return err(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }
    if (id === undefined) {
      if (req.method === 'GET') {
        const sku = req.query.get('sku');
        return { status: 200, body: [...this.products.values()].filter((p) => sku === null || p.sku === sku).map(view) };
      }
      if (req.method === 'POST') return this.save(undefined, req.body as Record<string, unknown>);
    } else {
      const p = this.products.get(id);
      if (!p) return err(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
      if (req.method === 'GET') return { status: 200, body: view(p) };
      if (req.method === 'PUT') return this.save(p, req.body as Record<string, unknown>);
      if (req.method === 'DELETE') {
        if (req.query.get('force') !== 'true') return err(501, 'woocommerce_rest_trash_not_supported', 'Resource does not support trashing.');
        for (const v of p.variations) this.variations.delete(v);
        this.products.delete(id);
        return { status: 200, body: view(p) };
      }
    }
    return err(404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }

  private async webhookRoute(req: RecordedRequest, id: number | undefined): Promise<Reply> {
    if (id === undefined && req.method === 'GET') return { status: 200, body: [...this.webhooks.values()].map(({ secret: _s, ...h }) => h) };
    if (id === undefined && req.method === 'POST') {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.topic !== 'string' || !WOO_TOPICS.has(b.topic)) return err(400, 'rest_invalid_param', 'Invalid parameter(s): topic');
      let url: URL;
      try {
        url = new URL(String(b.delivery_url));
      } catch {
        return err(400, 'rest_invalid_param', 'Invalid parameter(s): delivery_url');
      }
      const [resource, event] = b.topic.split('.');
      const hook: WooWebhook = {
        id: this.seq++,
        name: String(b.name ?? ''),
        status: String(b.status ?? 'active'),
        topic: b.topic,
        resource,
        event,
        delivery_url: url.toString(),
        secret: typeof b.secret === 'string' && b.secret ? b.secret : 'generated-by-woocommerce',
      };
      this.webhooks.set(hook.id, hook);
      await this.ping(hook);
      return { status: 201, body: { ...hook } };
    }
    const hook = id !== undefined ? this.webhooks.get(id) : undefined;
    if (!hook) return err(404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
    if (req.method === 'GET') return { status: 200, body: { ...hook } };
    if (req.method === 'DELETE') {
      if (req.query.get('force') !== 'true') return err(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
      this.webhooks.delete(hook.id);
      return { status: 200, body: { ...hook } };
    }
    return err(404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }

  private skuTaken(sku: string, self?: { product?: number; variation?: number }): boolean {
    if (!sku) return false;
    for (const p of this.products.values()) if (p.sku === sku && p.id !== self?.product) return true;
    for (const v of this.variations.values()) if (v.sku === sku && v.id !== self?.variation) return true;
    return false;
  }

  private save(existing: WooProduct | undefined, b: Record<string, unknown>): Reply {
    if (!b || typeof b !== 'object') return err(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    if (!existing && (typeof b.name !== 'string' || !b.name)) return err(400, 'rest_missing_callback_param', 'Missing parameter(s): name');
    if (b.type !== undefined && !['simple', 'variable'].includes(String(b.type))) return err(400, 'rest_invalid_param', 'Invalid parameter(s): type');
    if (b.status !== undefined && !['publish', 'draft', 'private', 'pending'].includes(String(b.status))) return err(400, 'rest_invalid_param', 'Invalid parameter(s): status');
    for (const f of ['regular_price', 'sale_price']) {
      if (b[f] !== undefined && b[f] !== '' && !isDecimalString(b[f])) return err(400, 'rest_invalid_param', `Invalid parameter(s): ${f}`);
    }
    if (b.images !== undefined && (!Array.isArray(b.images) || b.images.some((i: { src?: unknown }) => typeof i?.src !== 'string'))) return err(400, 'rest_invalid_param', 'Invalid parameter(s): images');
    if (b.attributes !== undefined && (!Array.isArray(b.attributes) || b.attributes.some((a: { name?: unknown; options?: unknown }) => typeof a?.name !== 'string' || !Array.isArray(a.options)))) {
      return err(400, 'rest_invalid_param', 'Invalid parameter(s): attributes');
    }
    const sku = b.sku !== undefined ? String(b.sku) : existing?.sku ?? '';
    if (this.skuTaken(sku, { product: existing?.id })) return err(400, 'product_invalid_sku', 'Invalid or duplicated SKU.');
    const p: WooProduct = existing ?? {
      id: this.seq++,
      name: '',
      slug: '',
      type: 'simple',
      status: 'publish',
      description: '',
      sku: '',
      regular_price: '',
      sale_price: '',
      global_unique_id: '',
      images: [],
      attributes: [],
      variations: [],
    };
    for (const f of ['name', 'slug', 'type', 'status', 'description', 'regular_price', 'sale_price', 'global_unique_id', 'images', 'attributes'] as const) {
      if (b[f] !== undefined) (p as unknown as Record<string, unknown>)[f] = b[f];
    }
    p.sku = sku;
    if (!existing) this.products.set(p.id, p);
    return { status: existing ? 200 : 201, body: view(p) };
  }

  /** `stock_quantity` needs an integer (or null) and only counts with `manage_stock`. */
  private stockFields(target: { manage_stock?: boolean; stock_quantity?: number | null }, v: Record<string, unknown>): string | undefined {
    if (v.manage_stock !== undefined && typeof v.manage_stock !== 'boolean') return 'Invalid parameter(s): manage_stock';
    if (v.stock_quantity !== undefined && v.stock_quantity !== null && !Number.isInteger(v.stock_quantity)) return 'Invalid parameter(s): stock_quantity';
    if (v.manage_stock !== undefined) target.manage_stock = v.manage_stock as boolean;
    if (v.stock_quantity !== undefined) target.stock_quantity = v.stock_quantity as number | null;
    return undefined;
  }

  /** `POST /products/batch` (updates only here), at most 100 objects. */
  private productsBatch(b: Record<string, unknown>): Reply {
    const update = (b?.update as Record<string, unknown>[] | undefined) ?? [];
    if (update.length > 100) return err(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.');
    const out = { update: [] as unknown[] };
    for (const v of update) {
      const p = this.products.get(Number(v.id));
      if (!p) {
        out.update.push({ id: 0, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } });
        continue;
      }
      const bad = this.stockFields(p, v);
      out.update.push(bad ? { id: p.id, error: { code: 'rest_invalid_param', message: bad, data: { status: 400 } } } : view(p));
    }
    return { status: 200, body: out };
  }

  /** `GET /orders` with modified_after (GMT with dates_are_gmt), orderby=modified|date|id, order, per_page ≤ 100, page. */
  private listOrders(req: RecordedRequest): Reply {
    const perPage = Number(req.query.get('per_page') ?? 10);
    const page = Number(req.query.get('page') ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return err(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
    const orderby = req.query.get('orderby') ?? 'date';
    if (!['date', 'id', 'include', 'title', 'slug', 'modified'].includes(orderby)) return err(400, 'rest_invalid_param', 'Invalid parameter(s): orderby');
    const after = req.query.get('modified_after');
    const gmt = req.query.get('dates_are_gmt') === 'true';
    const ts = (o: Record<string, unknown>, f: string) => Date.parse(`${String(o[`${f}_gmt`])}Z`);
    const field = orderby === 'modified' ? 'date_modified' : 'date_created';
    let list = this.orders.filter((o) => !after || ts(o, 'date_modified') > Date.parse(gmt || /[zZ]|[+-]\d\d:\d\d$/.test(after) ? after : `${after}Z`));
    list = list.sort((a, b) => (orderby === 'id' ? Number(a.id) - Number(b.id) : ts(a, field) - ts(b, field)));
    if ((req.query.get('order') ?? 'desc') === 'desc') list.reverse();
    return { status: 200, body: list.slice((page - 1) * perPage, page * perPage), headers: { 'x-wp-total': String(list.length), 'x-wp-totalpages': String(Math.ceil(list.length / perPage)) } };
  }

  private batch(parent: WooProduct, b: Record<string, unknown>): Reply {
    const create = (b?.create as Record<string, unknown>[] | undefined) ?? [];
    const update = (b?.update as Record<string, unknown>[] | undefined) ?? [];
    const del = (b?.delete as number[] | undefined) ?? [];
    if (create.length + update.length + del.length > 100) return err(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.');
    if (parent.type !== 'variable') return err(400, 'woocommerce_rest_invalid_product_type', 'Variations can only be added to variable products.');
    const itemErr = (code: string, message: string, status = 400) => ({ id: 0, error: { code, message, data: { status } } });
    const checkFields = (v: Record<string, unknown>): string | undefined => {
      for (const f of ['regular_price', 'sale_price']) if (v[f] !== undefined && v[f] !== '' && !isDecimalString(v[f])) return `Invalid parameter(s): ${f}`;
      const attrs = v.attributes as { name?: unknown; option?: unknown }[] | undefined;
      if (attrs !== undefined) {
        if (!Array.isArray(attrs)) return 'Invalid parameter(s): attributes';
        for (const a of attrs) {
          const def = parent.attributes.find((x) => x.name === a.name && x.variation);
          if (!def || !def.options.includes(String(a.option))) return `Invalid attribute ${String(a.name)}: ${String(a.option)}`;
        }
      }
      return undefined;
    };
    const out = { create: [] as unknown[], update: [] as unknown[], delete: [] as unknown[] };
    for (const v of create) {
      const bad = checkFields(v);
      if (bad) {
        out.create.push(itemErr('rest_invalid_param', bad));
        continue;
      }
      const sku = v.sku ? String(v.sku) : '';
      if (this.skuTaken(sku)) {
        out.create.push(itemErr('product_invalid_sku', 'Invalid or duplicated SKU.'));
        continue;
      }
      const row: WooVariation = {
        id: this.seq++,
        parent_id: parent.id,
        sku,
        regular_price: String(v.regular_price ?? ''),
        sale_price: String(v.sale_price ?? ''),
        global_unique_id: String(v.global_unique_id ?? ''),
        attributes: (v.attributes as WooVariation['attributes']) ?? [],
        image: (v.image as WooVariation['image']) ?? null,
      };
      this.variations.set(row.id, row);
      parent.variations.push(row.id);
      out.create.push(row);
    }
    for (const v of update) {
      const row = this.variations.get(Number(v.id));
      if (!row || row.parent_id !== parent.id) {
        out.update.push(itemErr('woocommerce_rest_product_variation_invalid_id', 'Invalid ID.'));
        continue;
      }
      const bad = checkFields(v);
      if (bad) {
        out.update.push({ ...itemErr('rest_invalid_param', bad), id: row.id });
        continue;
      }
      if (v.sku !== undefined && this.skuTaken(String(v.sku), { variation: row.id })) {
        out.update.push({ ...itemErr('product_invalid_sku', 'Invalid or duplicated SKU.'), id: row.id });
        continue;
      }
      const badStock = this.stockFields(row, v);
      if (badStock) {
        out.update.push({ ...itemErr('rest_invalid_param', badStock), id: row.id });
        continue;
      }
      for (const f of ['sku', 'regular_price', 'sale_price', 'global_unique_id', 'attributes', 'image'] as const) {
        if (v[f] !== undefined) (row as unknown as Record<string, unknown>)[f] = v[f];
      }
      out.update.push(row);
    }
    for (const id of del) {
      const row = this.variations.get(Number(id));
      if (!row || row.parent_id !== parent.id) {
        out.delete.push(itemErr('woocommerce_rest_product_variation_invalid_id', 'Invalid ID.'));
        continue;
      }
      this.variations.delete(row.id);
      parent.variations = parent.variations.filter((x) => x !== row.id);
      out.delete.push(row);
    }
    return { status: 200, body: out };
  }
}

function view(p: WooProduct) {
  return { ...p };
}
