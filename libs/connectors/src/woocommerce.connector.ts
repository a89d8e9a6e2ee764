import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectionTarget, ConnectorError, OrderPage, RemoteMapping, StockUpdate, StoreConnector, UpsertOptions } from './connector';
import { errorForStatus, JsonResponse, requestJson } from './http';
import { chunks, toWooProduct, WooVariationInput } from './mappers/woocommerce.mapper';
import { SyncProduct } from './sync-product';
import { assertPublicTarget } from './target';

interface WooProduct {
  id: number;
  sku?: string;
  type?: string;
}

interface WooVariation {
  id: number;
  sku?: string;
}

interface BatchItemResult {
  id?: number;
  sku?: string;
  error?: { code?: string; message?: string; data?: { status?: number } };
}

interface BatchAnswer {
  create?: BatchItemResult[];
  update?: BatchItemResult[];
  delete?: BatchItemResult[];
}

type VariationOp = { op: 'create'; variantId: string; item: WooVariationInput } | { op: 'update'; variantId: string; item: WooVariationInput } | { op: 'delete'; id: number };

/** Some mapped variation ids no longer exist in the store (retryable: the next attempt lists them). */
class InvalidVariationIds extends ConnectorError {
  constructor() {
    super('WooCommerce no longer has some of the mapped variations', { status: 200, retryable: true });
  }
}

/**
 * WooCommerce REST API v3 (`{store}/wp-json/wc/v3`), consumer key and secret over HTTP basic auth.
 * Before creating a product it looks one up by SKU, so a repeated attempt updates what an earlier one
 * created. Variations go through `/products/{id}/variations/batch`, at most 100 per request.
 * 429 and 5xx are retryable (Retry-After honoured); other 4xx are permanent with Woo's `message`.
 */
@Injectable()
export class WooCommerceConnector implements StoreConnector {
  readonly kind = 'woocommerce' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  payloadFor(product: SyncProduct): unknown {
    return toWooProduct(product);
  }

  async upsertProduct(conn: ConnectionTarget, product: SyncProduct, existing: RemoteMapping | null, _opts?: UpsertOptions): Promise<RemoteMapping> {
    const payload = toWooProduct(product, existing);
    let id: number | null = null;
    let created = false;
    if (existing) {
      const res = await this.call(conn, 'PUT', `/products/${encodeURIComponent(existing.remoteProductId)}`, payload.product, [404]);
      if (res.status !== 404) id = (res.body as WooProduct).id;
    }
    if (id === null) {
      const found = await this.findBySku(conn, payload.product.sku);
      if (found) {
        await this.call(conn, 'PUT', `/products/${found.id}`, payload.product);
        id = found.id;
      } else {
        id = (((await this.call(conn, 'POST', '/products', payload.product)).body as WooProduct) ?? {}).id ?? null;
        created = true;
      }
    }
    if (!id) throw new ConnectorError('WooCommerce answered without a product id', { retryable: true });

    if (payload.product.type === 'simple') {
      // variations left from when the product was variable
      const stale = existing && existing.remoteProductId === String(id) ? Object.values(existing.remoteVariantIds).filter((v) => v !== String(id)).map(Number) : [];
      if (stale.length) await this.runBatches(conn, id, stale.map((v) => ({ op: 'delete' as const, id: v })));
      const only = product.variants[0];
      return { remoteProductId: String(id), remoteVariantIds: only ? { [only.id]: String(id) } : {} };
    }

    const sameProduct = !!existing && existing.remoteProductId === String(id);
    const mappingComplete = sameProduct && product.variants.every((v) => existing!.remoteVariantIds[v.id]);
    try {
      return { remoteProductId: String(id), remoteVariantIds: await this.syncVariations(conn, id, product, payload.variations, created ? [] : mappingComplete ? null : await this.listVariations(conn, id), sameProduct ? existing : null) };
    } catch (err) {
      if (!(err instanceof InvalidVariationIds)) throw err;
      // some mapped variations were deleted in the store: match against what is there now
      const fresh = toWooProduct(product).variations;
      return { remoteProductId: String(id), remoteVariantIds: await this.syncVariations(conn, id, product, fresh, await this.listVariations(conn, id), null) };
    }
  }

  /**
   * `GET /system_status`: proves the keys (read access, a user who can manage WooCommerce) and that
   * the site is a WooCommerce store. Answers the store's environment (versions, site URL).
   */
  async systemStatus(conn: ConnectionTarget): Promise<{ environment: Record<string, unknown> } | undefined> {
    const res = await this.call(conn, 'GET', '/system_status');
    const body = res.body as { environment?: unknown } | undefined;
    return body && typeof body === 'object' && body.environment && typeof body.environment === 'object' ? (body as { environment: Record<string, unknown> }) : undefined;
  }

  /** Registers a webhook (`POST /webhooks`), signed by the store with `secret`; answers its id. */
  async createWebhook(conn: ConnectionTarget, hook: { name: string; topic: string; deliveryUrl: string; secret: string }): Promise<number> {
    const res = await this.call(conn, 'POST', '/webhooks', { name: hook.name, topic: hook.topic, delivery_url: hook.deliveryUrl, secret: hook.secret, status: 'active' });
    const id = (res.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'number') throw new ConnectorError('WooCommerce answered the webhook registration without an id', { retryable: false });
    return id;
  }

  /** Removes a webhook; one already gone counts as removed. */
  async deleteWebhook(conn: ConnectionTarget, id: number): Promise<void> {
    await this.call(conn, 'DELETE', `/webhooks/${id}?force=true`, undefined, [404, 410]);
  }

  async deleteProduct(conn: ConnectionTarget, mapping: RemoteMapping): Promise<void> {
    await this.call(conn, 'DELETE', `/products/${encodeURIComponent(mapping.remoteProductId)}?force=true`, undefined, [404, 410]);
  }

  /**
   * Sets `stock_quantity` (with `manage_stock`) of simple products through `POST /products/batch` and
   * of variations through each parent's `/variations/batch`, at most 100 objects per request.
   */
  async setInventory(conn: ConnectionTarget, updates: StockUpdate[]): Promise<void> {
    const simple = updates.filter((u) => u.remoteVariantId === u.remoteProductId);
    const byParent = new Map<string, StockUpdate[]>();
    for (const u of updates) if (u.remoteVariantId !== u.remoteProductId) byParent.set(u.remoteProductId, [...(byParent.get(u.remoteProductId) ?? []), u]);
    const errors: string[] = [];
    let retryable = false;
    const check = (answer: BatchAnswer, chunk: StockUpdate[]) =>
      chunk.forEach((u, i) => {
        const r = answer.update?.[i];
        if (r?.error) {
          if ((r.error.data?.status ?? 0) >= 500) retryable = true;
          errors.push(`${u.sku ?? u.remoteVariantId}: ${r.error.message ?? r.error.code ?? 'error'}`);
        }
      });
    for (let i = 0; i < simple.length; i += 100) {
      const chunk = simple.slice(i, i + 100);
      const res = await this.call(conn, 'POST', '/products/batch', { update: chunk.map((u) => ({ id: Number(u.remoteProductId), manage_stock: true, stock_quantity: u.quantity })) });
      check((res.body ?? {}) as BatchAnswer, chunk);
    }
    for (const [parent, list] of byParent) {
      for (let i = 0; i < list.length; i += 100) {
        const chunk = list.slice(i, i + 100);
        const res = await this.call(conn, 'POST', `/products/${encodeURIComponent(parent)}/variations/batch`, {
          update: chunk.map((u) => ({ id: Number(u.remoteVariantId), manage_stock: true, stock_quantity: u.quantity })),
        });
        check((res.body ?? {}) as BatchAnswer, chunk);
      }
    }
    if (errors.length) throw new ConnectorError(`WooCommerce rejected stock updates: ${errors.join('; ')}`, { status: 200, retryable });
  }

  /** `GET /orders?modified_after=…&dates_are_gmt=true&orderby=modified&order=asc`, 100 per page. */
  async listOrders(conn: ConnectionTarget, since: string, page: string | null): Promise<OrderPage> {
    const n = page ? Number(page) : 1;
    const res = await this.call(
      conn,
      'GET',
      `/orders?modified_after=${encodeURIComponent(since)}&dates_are_gmt=true&orderby=modified&order=asc&per_page=100&page=${n}`,
    );
    const list = Array.isArray(res.body) ? (res.body as Record<string, unknown>[]) : [];
    return { orders: list, next: list.length === 100 ? String(n + 1) : null };
  }

  /**
   * Creates, updates and deletes variations so the store holds exactly the product's variants.
   * `listed` is what the store has (null: trust the mapping); answers the variant mapping.
   */
  private async syncVariations(
    conn: ConnectionTarget,
    productId: number,
    product: SyncProduct,
    variations: WooVariationInput[],
    listed: WooVariation[] | null,
    mapping: RemoteMapping | null,
  ): Promise<Record<string, string>> {
    const bySku = new Map((listed ?? []).filter((v) => v.sku).map((v) => [v.sku as string, v.id]));
    const listedIds = new Set((listed ?? []).map((v) => v.id));
    const used = new Set<number>();
    const ops: VariationOp[] = [];
    product.variants.forEach((v, i) => {
      const item = { ...variations[i] };
      let remote = item.id;
      if (listed && remote !== undefined && !listedIds.has(remote)) remote = undefined;
      if (remote === undefined && v.sku) remote = bySku.get(v.sku);
      if (remote !== undefined && !used.has(remote)) {
        used.add(remote);
        ops.push({ op: 'update', variantId: v.id, item: { ...item, id: remote } });
      } else {
        delete item.id;
        ops.push({ op: 'create', variantId: v.id, item });
      }
    });
    const candidates = listed ? listed.map((v) => v.id) : Object.values(mapping?.remoteVariantIds ?? {}).map(Number);
    for (const id of candidates) if (!used.has(id) && id !== productId) ops.push({ op: 'delete', id });
    return this.runBatches(conn, productId, ops);
  }

  private async runBatches(conn: ConnectionTarget, productId: number, ops: VariationOp[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const chunk of chunks(ops)) {
      const creates = chunk.filter((o): o is Extract<VariationOp, { op: 'create' }> => o.op === 'create');
      const updates = chunk.filter((o): o is Extract<VariationOp, { op: 'update' }> => o.op === 'update');
      const deletes = chunk.filter((o): o is Extract<VariationOp, { op: 'delete' }> => o.op === 'delete');
      const body: Record<string, unknown> = {};
      if (creates.length) body.create = creates.map((o) => o.item);
      if (updates.length) body.update = updates.map((o) => o.item);
      if (deletes.length) body.delete = deletes.map((o) => o.id);
      const answer = ((await this.call(conn, 'POST', `/products/${productId}/variations/batch`, body)).body ?? {}) as BatchAnswer;
      const itemErrors: string[] = [];
      let invalidUpdates = 0;
      let retryable = false;
      const failed = (r: BatchItemResult | undefined, what: string, update = false): boolean => {
        if (!r?.error) return false;
        if (update && /invalid_id/.test(r.error.code ?? '')) invalidUpdates++;
        if ((r.error.data?.status ?? 0) >= 500) retryable = true;
        itemErrors.push(`${what}: ${r.error.message ?? r.error.code ?? 'error'}`);
        return true;
      };
      creates.forEach((o, i) => {
        const r = answer.create?.[i];
        if (!failed(r, `variation ${o.item.sku ?? i + 1}`) && r?.id) out[o.variantId] = String(r.id);
      });
      updates.forEach((o, i) => {
        const r = answer.update?.[i];
        if (!failed(r, `variation ${o.item.sku ?? o.item.id}`, true)) out[o.variantId] = String(r?.id ?? o.item.id);
      });
      deletes.forEach((o, i) => {
        const r = answer.delete?.[i];
        // a variation already gone is what a delete wants
        if (r?.error && !/invalid_id/.test(r.error.code ?? '')) failed(r, `variation ${o.id}`);
      });
      if (itemErrors.length && itemErrors.length === invalidUpdates) throw new InvalidVariationIds();
      if (itemErrors.length) throw new ConnectorError(`WooCommerce rejected variations: ${itemErrors.join('; ')}`, { status: 200, retryable });
    }
    return out;
  }

  private async findBySku(conn: ConnectionTarget, sku: string): Promise<WooProduct | undefined> {
    const res = await this.call(conn, 'GET', `/products?sku=${encodeURIComponent(sku)}&per_page=10`);
    const list = Array.isArray(res.body) ? (res.body as WooProduct[]) : [];
    return list.find((p) => p.sku === sku);
  }

  private async listVariations(conn: ConnectionTarget, productId: number): Promise<WooVariation[]> {
    const out: WooVariation[] = [];
    for (let page = 1; page <= 100; page++) {
      const res = await this.call(conn, 'GET', `/products/${productId}/variations?per_page=100&page=${page}`);
      const list = Array.isArray(res.body) ? (res.body as WooVariation[]) : [];
      out.push(...list.map((v) => ({ id: v.id, sku: v.sku })));
      if (list.length < 100) break;
    }
    return out;
  }

  private async call(conn: ConnectionTarget, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, allowed: number[] = []): Promise<JsonResponse> {
    const { consumerKey, consumerSecret } = conn.credentials;
    if (!conn.baseUrl || !consumerKey || !consumerSecret) throw new ConnectorError('WooCommerce connection has no store URL or API keys', { retryable: false, auth: true });
    const store = await assertPublicTarget(conn.baseUrl, this.config.allowPrivateNetworkTargets);
    const root = `${store.origin}${store.pathname.replace(/\/+$/, '')}/wp-json/wc/v3`;
    const res = await requestJson({
      method,
      url: `${root}${path}`,
      headers: { authorization: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}` },
      body,
      timeoutMs: this.config.connectorTimeoutMs,
      platform: 'WooCommerce',
    });
    if ((res.status >= 200 && res.status < 300) || allowed.includes(res.status)) return res;
    throw errorForStatus('WooCommerce', res.status, res.headers, res.body);
  }
}
