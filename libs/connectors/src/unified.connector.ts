import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectionTarget, ConnectorError, OrderPage, RemoteMapping, StockUpdate, StoreConnector, UpsertOptions } from './connector';
import { JsonResponse, requestOk } from './http';
import { toUnifiedItem, unifiedVariantIds } from './mappers/unified.mapper';
import { SyncProduct } from './sync-product';

/** Page size and page limit of the lookup before a create that may already have happened. */
const FIND_PAGE = 100;
const FIND_MAX_PAGES = 50;

interface UnifiedItemAnswer {
  id?: string;
  slug?: string;
  variants?: { id?: string; sku?: string | null }[];
}

/** A connection as the provider describes it (`GET /unified/connection/{id}`). */
export interface UnifiedConnectionInfo {
  id: string;
  integration_type?: string;
  categories?: string[];
  external_xref?: string;
  workspace_id?: string;
  is_paused?: boolean;
}

function providerRequest(config: AppConfig, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, allowed: number[] = []): Promise<JsonResponse> {
  if (!config.unifiedApiKey) throw new ConnectorError('The integration provider is not configured (UNIFIED_API_KEY is empty)', { retryable: false, auth: true });
  return requestOk(
    {
      method,
      url: `${config.unifiedApiBaseUrl}${path}`,
      headers: { authorization: `Bearer ${config.unifiedApiKey}` },
      body,
      timeoutMs: config.connectorTimeoutMs,
      platform: 'The integration provider',
    },
    allowed,
  );
}

/** The unified-API provider's own API: connection lookups for the connect flow. */
@Injectable()
export class UnifiedApiClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The connection, or undefined when the provider does not know it. */
  async getConnection(connectionId: string): Promise<UnifiedConnectionInfo | undefined> {
    const res = await providerRequest(this.config, 'GET', `/unified/connection/${encodeURIComponent(connectionId)}`, undefined, [404]);
    if (res.status === 404) return undefined;
    const body = res.body as UnifiedConnectionInfo;
    if (!body || typeof body !== 'object' || !body.id) throw new ConnectorError('The integration provider answered without a connection', { status: res.status, retryable: true });
    return body;
  }
}

/**
 * The unified-API provider's commerce item API (`{base}/commerce/{connection_id}/item`, bearer API
 * key): create POST, update PUT /item/{id}, delete DELETE /item/{id}. After an attempt that may have
 * created the item without Synq learning its id, it first looks the item up by the product handle
 * (the item's `slug`).
 */
@Injectable()
export class UnifiedConnector implements StoreConnector {
  readonly kind = 'unified' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  payloadFor(product: SyncProduct): unknown {
    return toUnifiedItem(product);
  }

  async upsertProduct(conn: ConnectionTarget, product: SyncProduct, existing: RemoteMapping | null, opts: UpsertOptions = {}): Promise<RemoteMapping> {
    const base = this.itemPath(conn);
    let answer: UnifiedItemAnswer | undefined;
    if (existing) {
      const res = await providerRequest(this.config, 'PUT', `${base}/${encodeURIComponent(existing.remoteProductId)}`, toUnifiedItem(product, existing), [404]);
      if (res.status !== 404) answer = (res.body as UnifiedItemAnswer) ?? { id: existing.remoteProductId };
    }
    if (!answer && opts.mayExist) {
      const found = await this.findBySlug(base, product.handle);
      if (found?.id) answer = (await providerRequest(this.config, 'PUT', `${base}/${encodeURIComponent(found.id)}`, toUnifiedItem(product)))
        .body as UnifiedItemAnswer;
    }
    if (!answer) answer = (await providerRequest(this.config, 'POST', base, toUnifiedItem(product))).body as UnifiedItemAnswer;
    const id = answer?.id ?? existing?.remoteProductId;
    if (!id) throw new ConnectorError('The integration provider answered without an item id', { retryable: true });
    const variantIds = unifiedVariantIds(product, answer?.variants);
    return { remoteProductId: String(id), remoteVariantIds: Object.keys(variantIds).length ? variantIds : existing?.remoteVariantIds ?? {} };
  }

  async deleteProduct(conn: ConnectionTarget, mapping: RemoteMapping): Promise<void> {
    await providerRequest(this.config, 'DELETE', `${this.itemPath(conn)}/${encodeURIComponent(mapping.remoteProductId)}`, undefined, [404]);
  }

  /**
   * The provider's commerce inventory API: the item's inventory records are listed
   * (`GET /commerce/{id}/inventory?item_id=`), then each variant's record is updated
   * (`PUT …/inventory/{id}` with `available`) or created when the store has none.
   */
  async setInventory(conn: ConnectionTarget, updates: StockUpdate[]): Promise<void> {
    const base = this.itemPath(conn).replace(/\/item$/, '/inventory');
    const byItem = new Map<string, StockUpdate[]>();
    for (const u of updates) byItem.set(u.remoteProductId, [...(byItem.get(u.remoteProductId) ?? []), u]);
    for (const [itemId, list] of byItem) {
      const res = await providerRequest(this.config, 'GET', `${base}?item_id=${encodeURIComponent(itemId)}&limit=100`);
      const records = Array.isArray(res.body) ? (res.body as { id?: string; item_variant_id?: string }[]) : [];
      const byVariant = new Map(records.filter((r) => r.id && r.item_variant_id).map((r) => [r.item_variant_id as string, r.id as string]));
      for (const u of list) {
        const body = { item_id: itemId, item_variant_id: u.remoteVariantId, available: u.quantity };
        const id = byVariant.get(u.remoteVariantId);
        if (id) await providerRequest(this.config, 'PUT', `${base}/${encodeURIComponent(id)}`, body);
        else await providerRequest(this.config, 'POST', base, body);
      }
    }
  }

  /** The provider's orders (`GET /accounting/{id}/order?updated_gte=&sort=updated_at&order=asc`), 100 per page by offset. */
  async listOrders(conn: ConnectionTarget, since: string, page: string | null): Promise<OrderPage> {
    if (!conn.unifiedConnectionId) throw new ConnectorError('Unified connection has no provider connection id', { retryable: false });
    const offset = page ? Number(page) : 0;
    const res = await providerRequest(
      this.config,
      'GET',
      `/accounting/${encodeURIComponent(conn.unifiedConnectionId)}/order?updated_gte=${encodeURIComponent(since)}&sort=updated_at&order=asc&limit=100&offset=${offset}`,
    );
    const list = Array.isArray(res.body) ? (res.body as Record<string, unknown>[]) : [];
    return { orders: list, next: list.length === 100 ? String(offset + 100) : null };
  }

  private itemPath(conn: ConnectionTarget): string {
    if (!conn.unifiedConnectionId) throw new ConnectorError('Unified connection has no provider connection id', { retryable: false });
    return `/commerce/${encodeURIComponent(conn.unifiedConnectionId)}/item`;
  }

  /**
   * The item with this exact slug, if the store has one. `query` is a text search (a handle such as
   * `wool-1` also matches `wool-10` … `wool-199`), so its pages are read until the item turns up or
   * the results end: reading only the first page created a second item whenever the first hundred
   * matches were other items. Past FIND_MAX_PAGES the push fails rather than risk a duplicate.
   */
  private async findBySlug(base: string, slug: string): Promise<UnifiedItemAnswer | undefined> {
    for (let page = 0; page < FIND_MAX_PAGES; page++) {
      const res = await providerRequest(this.config, 'GET', `${base}?query=${encodeURIComponent(slug)}&limit=${FIND_PAGE}&offset=${page * FIND_PAGE}`);
      const list = Array.isArray(res.body) ? (res.body as UnifiedItemAnswer[]) : [];
      const found = list.find((i) => i.slug === slug);
      if (found || list.length < FIND_PAGE) return found;
    }
    throw new ConnectorError(`more than ${FIND_PAGE * FIND_MAX_PAGES} items of the store match "${slug}": cannot tell whether it was already created`, { retryable: false });
  }
}


