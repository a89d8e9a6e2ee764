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
export class FakeUnified extends FakePlatform {
  readonly connections = new Map<string, UnifiedConnection>();
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
        return { status: 200, body: [...store.values()].filter((i) => !q || i.name.toLowerCase().includes(q) || (i.slug ?? '').toLowerCase().includes(q)).slice(0, limit) };
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
