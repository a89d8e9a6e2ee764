import { randomBytes } from 'node:crypto';
import { FakePlatform, RecordedRequest, Reply } from './fake-platform';

export interface UnifiedConnection {
  id: string;
  integration_type?: string;
  categories: string[];
  external_xref?: string;
  workspace_id?: string;
  is_paused: boolean;
}

export interface UnifiedVariant {
  id: string;
  name: string;
  sku?: string;
  prices: { price: number; compare_at_price?: number; currency?: string }[];
  options?: { name: string; values: string[] }[];
  is_active?: boolean;
}

export interface UnifiedItemRecord {
  id: string;
  name: string;
  slug?: string;
  description?: string;
  is_active?: boolean;
  variants: UnifiedVariant[];
  media: { url: string; alt?: string }[];
  created_at: string;
  updated_at: string;
}

/**
 * The unified-API provider (unified.to style), bearer API key: `GET /unified/connection/{id}` and the
 * commerce item API `/commerce/{connection_id}/item` (list with `query`, create, update, delete).
 * `authorize(authUrl)` plays the user finishing the hosted authorization page: it creates a
 * connection carrying the `external_xref` and workspace of the URL, as the provider does.
 */
export interface UnifiedInventoryRecord {
  id: string;
  item_id: string;
  item_variant_id: string;
  location_id?: string;
  available: number;
  updated_at: string;
}

export class FakeUnified extends FakePlatform {
  readonly connections = new Map<string, UnifiedConnection>();
  /** orders per connection id (`GET /accounting/{connection_id}/order`), as the provider's order objects */
  readonly orders = new Map<string, Record<string, unknown>[]>();
  /** commerce inventory records per connection id */
  readonly inventory = new Map<string, Map<string, UnifiedInventoryRecord>>();
  /** items per connection id */
  readonly items = new Map<string, Map<string, UnifiedItemRecord>>();
  private seq = 1;

  constructor(
    readonly apiKey = 'unified_test_key',
    readonly workspaceId = 'ws_test',
  ) {
    super();
  }

  /** Completes an authorization URL Synq issued (null: the provider names no platform); answers what the success redirect would carry. */
  authorize(authUrl: string, integrationType: string | null = 'shopify'): { connectionId: string; state: string } {
    const u = new URL(authUrl);
    const conn = this.addConnection({
      integration_type: integrationType ?? undefined,
      categories: [u.searchParams.get('category') ?? 'commerce'],
      external_xref: u.searchParams.get('external_xref') ?? undefined,
      workspace_id: u.searchParams.get('workspace_id') ?? this.workspaceId,
    });
    return { connectionId: conn.id, state: u.searchParams.get('state') ?? '' };
  }

  addConnection(c: Partial<UnifiedConnection>): UnifiedConnection {
    const conn: UnifiedConnection = { id: c.id ?? `conn_${randomBytes(6).toString('hex')}`, categories: ['commerce'], is_paused: false, workspace_id: this.workspaceId, ...c };
    this.connections.set(conn.id, conn);
    return conn;
  }

  itemsOf(connectionId: string): UnifiedItemRecord[] {
    return [...(this.items.get(connectionId)?.values() ?? [])];
  }

  protected handle(req: RecordedRequest): Reply {
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return { status: 401, body: { message: 'Unauthorized', status: 401 } };
    let m = /^\/unified\/connection\/([^/]+)$/.exec(req.path);
    if (m && req.method === 'GET') {
      const c = this.connections.get(decodeURIComponent(m[1]));
      return c ? { status: 200, body: c } : { status: 404, body: { message: 'Connection not found', status: 404 } };
    }
    m = /^\/accounting\/([^/]+)\/order$/.exec(req.path);
    if (m && req.method === 'GET') {
      const conn = this.connections.get(decodeURIComponent(m[1]));
      if (!conn) return { status: 404, body: { message: 'Connection not found', status: 404 } };
      const gte = req.query.get('updated_gte');
      const limit = Number(req.query.get('limit') ?? 100);
      const offset = Number(req.query.get('offset') ?? 0);
      if (gte && Number.isNaN(Date.parse(gte))) return { status: 400, body: { message: 'updated_gte must be an ISO-8601 date', status: 400 } };
      let list = (this.orders.get(conn.id) ?? []).filter((o) => !gte || Date.parse(String(o.updated_at)) >= Date.parse(gte));
      if (req.query.get('sort') === 'updated_at') list = list.sort((a, b) => Date.parse(String(a.updated_at)) - Date.parse(String(b.updated_at)));
      if (req.query.get('order') === 'desc') list.reverse();
      return { status: 200, body: list.slice(offset, offset + limit) };
    }
    m = /^\/commerce\/([^/]+)\/inventory(?:\/([^/]+))?$/.exec(req.path);
    if (m) return this.inventoryRoute(req, decodeURIComponent(m[1]), m[2] ? decodeURIComponent(m[2]) : undefined);
    m = /^\/commerce\/([^/]+)\/item(?:\/([^/]+))?$/.exec(req.path);
    if (!m) return { status: 404, body: { message: 'Not found', status: 404 } };
    const conn = this.connections.get(decodeURIComponent(m[1]));
    if (!conn || !conn.categories.includes('commerce')) return { status: 404, body: { message: 'Connection not found', status: 404 } };
    const store = this.items.get(conn.id) ?? new Map<string, UnifiedItemRecord>();
    this.items.set(conn.id, store);
    const itemId = m[2] ? decodeURIComponent(m[2]) : undefined;
    if (!itemId) {
      if (req.method === 'GET') {
        const q = (req.query.get('query') ?? '').toLowerCase();
        const limit = Number(req.query.get('limit') ?? 100);
        const offset = Number(req.query.get('offset') ?? 0);
        // a search, as the provider's: every item whose name or slug contains the text, in pages
        const hits = [...store.values()].filter((i) => !q || i.name.toLowerCase().includes(q) || (i.slug ?? '').toLowerCase().includes(q));
        return { status: 200, body: hits.slice(offset, offset + limit) };
      }
      if (req.method === 'POST') {
        const bad = this.validate(req.body, true);
        if (bad) return { status: 400, body: { message: bad, status: 400 } };
        const now = new Date().toISOString();
        const item = { ...(req.body as UnifiedItemRecord), id: `item_${this.seq++}`, created_at: now, updated_at: now };
        item.variants = this.withIds(item.variants ?? [], []);
        item.media = item.media ?? [];
        store.set(item.id, item);
        return { status: 200, body: item };
      }
    } else {
      const item = store.get(itemId);
      if (!item) return { status: 404, body: { message: 'Item not found', status: 404 } };
      if (req.method === 'GET') return { status: 200, body: item };
      if (req.method === 'PUT') {
        const bad = this.validate(req.body, false);
        if (bad) return { status: 400, body: { message: bad, status: 400 } };
        const b = req.body as UnifiedItemRecord;
        const next = { ...item, ...b, id: item.id, created_at: item.created_at, updated_at: new Date().toISOString() };
        next.variants = this.withIds(b.variants ?? item.variants, item.variants);
        store.set(item.id, next);
        return { status: 200, body: next };
      }
      if (req.method === 'DELETE') {
        store.delete(item.id);
        return { status: 200, body: {} };
      }
    }
    return { status: 404, body: { message: 'Not found', status: 404 } };
  }

  /** What the store shows as available for the variant with this SKU on a connection (undefined: no record). */
  availableBySku(connectionId: string, sku: string): number | undefined {
    for (const item of this.itemsOf(connectionId)) {
      const v = item.variants.find((x) => x.sku === sku);
      if (v) return [...(this.inventory.get(connectionId)?.values() ?? [])].find((r) => r.item_variant_id === v.id)?.available;
    }
    return undefined;
  }

  /** `/commerce/{connection_id}/inventory`: list (item_id filter), create, update `available` of an item variant. */
  private inventoryRoute(req: RecordedRequest, connectionId: string, id: string | undefined): Reply {
    const conn = this.connections.get(connectionId);
    if (!conn || !conn.categories.includes('commerce')) return { status: 404, body: { message: 'Connection not found', status: 404 } };
    const store = this.inventory.get(conn.id) ?? new Map<string, UnifiedInventoryRecord>();
    this.inventory.set(conn.id, store);
    const items = this.items.get(conn.id) ?? new Map<string, UnifiedItemRecord>();
    const validate = (b: Record<string, unknown>): string | undefined => {
      if (!b || typeof b !== 'object') return 'body must be a JSON object';
      if (typeof b.available !== 'number' || !Number.isInteger(b.available)) return 'available must be an integer';
      const item = items.get(String(b.item_id));
      if (!item) return 'item_id does not exist';
      if (!item.variants.some((v) => v.id === b.item_variant_id)) return 'item_variant_id does not exist on the item';
      return undefined;
    };
    if (!id && req.method === 'GET') {
      const itemId = req.query.get('item_id');
      return { status: 200, body: [...store.values()].filter((r) => !itemId || r.item_id === itemId) };
    }
    if (!id && req.method === 'POST') {
      const b = req.body as Record<string, unknown>;
      const bad = validate(b);
      if (bad) return { status: 400, body: { message: bad, status: 400 } };
      const rec: UnifiedInventoryRecord = { id: `inv_${this.seq++}`, item_id: String(b.item_id), item_variant_id: String(b.item_variant_id), available: b.available as number, updated_at: new Date().toISOString() };
      store.set(rec.id, rec);
      return { status: 200, body: rec };
    }
    if (id && req.method === 'PUT') {
      const rec = store.get(id);
      if (!rec) return { status: 404, body: { message: 'Inventory not found', status: 404 } };
      const b = req.body as Record<string, unknown>;
      const bad = validate({ item_id: rec.item_id, item_variant_id: rec.item_variant_id, ...b });
      if (bad) return { status: 400, body: { message: bad, status: 400 } };
      rec.available = b.available as number;
      rec.updated_at = new Date().toISOString();
      return { status: 200, body: rec };
    }
    return { status: 404, body: { message: 'Not found', status: 404 } };
  }

  private withIds(variants: UnifiedVariant[], old: UnifiedVariant[]): UnifiedVariant[] {
    const known = new Set(old.map((v) => v.id));
    return variants.map((v) => ({ ...v, id: v.id && known.has(v.id) ? v.id : `var_${this.seq++}` }));
  }

  private validate(body: unknown, create: boolean): string | undefined {
    if (!body || typeof body !== 'object') return 'body must be a JSON object';
    const b = body as Record<string, unknown>;
    if (create && (typeof b.name !== 'string' || !b.name)) return 'name is required';
    if (b.variants !== undefined) {
      if (!Array.isArray(b.variants)) return 'variants must be an array';
      for (const v of b.variants as Record<string, unknown>[]) {
        if (typeof v.name !== 'string') return 'variants.name must be a string';
        if (!Array.isArray(v.prices) || v.prices.some((p: { price?: unknown }) => typeof p?.price !== 'number')) return 'variants.prices must be [{price: number}]';
      }
    }
    if (b.media !== undefined && (!Array.isArray(b.media) || b.media.some((x: { url?: unknown }) => typeof x?.url !== 'string'))) return 'media must be [{url}]';
    return undefined;
  }
}
