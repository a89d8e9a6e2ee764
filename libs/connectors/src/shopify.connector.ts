import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectionTarget, ConnectorError, OrderPage, RemoteMapping, StockUpdate, StoreConnector } from './connector';
import { errorForStatus, platformMessage, requestJson } from './http';
import { shopifyVariantIds, ShopifyVariantNode, toShopifyProductSet } from './mappers/shopify.mapper';
import { SHOPIFY_SHOP_QUERY, SHOPIFY_WEBHOOK_CREATE, ShopifyAdminClient } from './shopify-admin.client';
import { SyncProduct } from './sync-product';
import { assertPublicTarget } from './target';

export const SHOPIFY_PRODUCT_SET = `mutation SynqProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers, $synchronous: Boolean!) {
  productSet(input: $input, identifier: $identifier, synchronous: $synchronous) {
    product { id handle variants(first: 250) { nodes { id sku selectedOptions { name value } } pageInfo { hasNextPage endCursor } } }
    userErrors { field message code }
  }
}`;

export const SHOPIFY_PRODUCT_VARIANTS = `query SynqProductVariants($id: ID!, $after: String) {
  product(id: $id) { variants(first: 250, after: $after) { nodes { id sku selectedOptions { name value } } pageInfo { hasNextPage endCursor } } }
}`;

export const SHOPIFY_PRODUCT_DELETE = `mutation SynqProductDelete($input: ProductDeleteInput!) {
  productDelete(input: $input) { deletedProductId userErrors { field message } }
}`;

export const SHOPIFY_INVENTORY_ITEMS = `query SynqInventoryItems($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { id inventoryItem { id } } }
  locations(first: 1) { nodes { id } }
}`;

export const SHOPIFY_INVENTORY_SET = `mutation SynqInventorySet($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { field message code } }
}`;

/** Shopify's REST pagination: the `page_info` of the Link header's rel="next". */
export function shopifyNextPageInfo(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    if (!/rel="?next"?/.test(part)) continue;
    const m = /<([^>]+)>/.exec(part);
    if (!m) continue;
    try {
      return new URL(m[1]).searchParams.get('page_info');
    } catch {
      return null;
    }
  }
  return null;
}

interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphQLAnswer<T> {
  data?: T;
  errors?: GraphQLError[];
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

interface VariantConnection {
  nodes: ShopifyVariantNode[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Milliseconds until the cost bucket holds what the throttled query needs. */
export function throttleWaitMs(answer: GraphQLAnswer<unknown>): number {
  const cost = answer.extensions?.cost;
  const status = cost?.throttleStatus;
  if (!status || !status.restoreRate) return 1000;
  const needed = (cost?.requestedQueryCost ?? status.maximumAvailable / 10) - status.currentlyAvailable;
  return Math.max(1000, Math.ceil((needed / status.restoreRate) * 1000));
}

/**
 * Shopify Admin GraphQL API (`POST {shop}/admin/api/{version}/graphql.json`, `X-Shopify-Access-Token`).
 * Upserts with `productSet` in synchronous mode, identified by the product's Shopify id once known and
 * by its handle before, so an attempt repeated after a crash updates the product it created instead of
 * duplicating it. Throttling (HTTP 429 or GraphQL `THROTTLED`) is retryable with the wait Shopify's
 * cost bucket implies; `userErrors` are permanent and keep Shopify's message.
 */
@Injectable()
export class ShopifyConnector implements StoreConnector {
  readonly kind = 'shopify' as const;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly admin: ShopifyAdminClient,
  ) {}

  payloadFor(product: SyncProduct): unknown {
    return toShopifyProductSet(product);
  }

  async upsertProduct(conn: ConnectionTarget, product: SyncProduct, existing: RemoteMapping | null): Promise<RemoteMapping> {
    const input = toShopifyProductSet(product, existing);
    let result = await this.productSet(conn, input, existing ? { id: existing.remoteProductId } : { handle: product.handle });
    if (existing && result.userErrors.length && result.userErrors.every(isMissingProduct)) {
      // deleted in the Shopify admin meanwhile: create it again
      result = await this.productSet(conn, toShopifyProductSet(product), { handle: product.handle });
    }
    if (result.userErrors.length) {
      throw new ConnectorError(`Shopify rejected the product: ${result.userErrors.map(describeUserError).join('; ')}`, { status: 200, retryable: false });
    }
    const remote = result.product;
    if (!remote?.id) throw new ConnectorError('Shopify answered productSet without a product', { status: 200, retryable: true });
    const nodes = [...remote.variants.nodes];
    let page = remote.variants.pageInfo;
    while (page.hasNextPage && page.endCursor) {
      const more = await this.graphql<{ product: { variants: VariantConnection } | null }>(conn, SHOPIFY_PRODUCT_VARIANTS, { id: remote.id, after: page.endCursor });
      if (!more.product) break;
      nodes.push(...more.product.variants.nodes);
      page = more.product.variants.pageInfo;
    }
    return { remoteProductId: remote.id, remoteVariantIds: shopifyVariantIds(product, nodes) };
  }

  async deleteProduct(conn: ConnectionTarget, mapping: RemoteMapping): Promise<void> {
    const data = await this.graphql<{ productDelete: { deletedProductId: string | null; userErrors: UserError[] } | null }>(conn, SHOPIFY_PRODUCT_DELETE, {
      input: { id: mapping.remoteProductId },
    });
    const errors = data.productDelete?.userErrors ?? [];
    if (errors.length && !errors.every(isMissingProduct)) {
      throw new ConnectorError(`Shopify refused to delete the product: ${errors.map(describeUserError).join('; ')}`, { status: 200, retryable: false });
    }
  }

  /** The shop the token belongs to. */
  async shop(conn: ConnectionTarget): Promise<{ name: string; myshopifyDomain: string }> {
    return (await this.graphql<{ shop: { name: string; myshopifyDomain: string } }>(conn, SHOPIFY_SHOP_QUERY, {})).shop;
  }

  /** Subscribes the shop to each topic, delivered as JSON to `uri`; answers the subscription ids. */
  async subscribeWebhooks(conn: ConnectionTarget, topics: readonly string[], uri: string): Promise<string[]> {
    const ids: string[] = [];
    for (const topic of topics) {
      const data = await this.graphql<{ webhookSubscriptionCreate: { webhookSubscription: { id: string } | null; userErrors: UserError[] } | null }>(conn, SHOPIFY_WEBHOOK_CREATE, {
        topic,
        webhookSubscription: { uri, format: 'JSON' },
      });
      const errors = data.webhookSubscriptionCreate?.userErrors ?? [];
      // an existing subscription for the same topic and address is what we want
      if (errors.length && !errors.every((e) => /already been taken|already exists/i.test(e.message))) {
        throw new ConnectorError(`Shopify refused the ${topic} webhook: ${errors.map(describeUserError).join('; ')}`, { status: 200, retryable: false });
      }
      const id = data.webhookSubscriptionCreate?.webhookSubscription?.id;
      if (id) ids.push(id);
    }
    return ids;
  }

  /**
   * Sets the `available` quantity of each variant's inventory item at the shop's first location with
   * `inventorySetQuantities` (absolute values, compare check off: Synq is the source of truth), at most
   * 250 quantities per mutation. The inventory item ids are read for the variants in one query.
   */
  async setInventory(conn: ConnectionTarget, updates: StockUpdate[]): Promise<void> {
    for (let i = 0; i < updates.length; i += 250) {
      const chunk = updates.slice(i, i + 250);
      const data = await this.graphql<{ nodes: ({ id: string; inventoryItem?: { id: string } | null } | null)[]; locations: { nodes: { id: string }[] } }>(
        conn,
        SHOPIFY_INVENTORY_ITEMS,
        { ids: chunk.map((u) => u.remoteVariantId) },
      );
      const locationId = data.locations?.nodes?.[0]?.id;
      if (!locationId) throw new ConnectorError('Shopify shop has no location to hold inventory', { status: 200, retryable: false });
      const items = new Map((data.nodes ?? []).filter((n): n is { id: string; inventoryItem: { id: string } } => !!n?.inventoryItem?.id).map((n) => [n.id, n.inventoryItem.id]));
      const quantities = chunk
        .filter((u) => items.has(u.remoteVariantId))
        .map((u) => ({ inventoryItemId: items.get(u.remoteVariantId) as string, locationId, quantity: u.quantity }));
      const missing = chunk.filter((u) => !items.has(u.remoteVariantId));
      if (quantities.length) {
        const res = await this.graphql<{ inventorySetQuantities: { userErrors: UserError[] } | null }>(conn, SHOPIFY_INVENTORY_SET, {
          input: { name: 'available', reason: 'correction', ignoreCompareQuantity: true, quantities },
        });
        const errors = res.inventorySetQuantities?.userErrors ?? [];
        if (errors.length) throw new ConnectorError(`Shopify rejected the inventory update: ${errors.map(describeUserError).join('; ')}`, { status: 200, retryable: false });
      }
      if (missing.length) {
        throw new ConnectorError(`Shopify has no such variant: ${missing.map((u) => u.sku ?? u.remoteVariantId).join(', ')}`, { status: 200, retryable: false });
      }
    }
  }

  /** REST Admin `GET /orders.json?status=any&updated_at_min=…&order=updated_at asc`, 250 per page, Link-header pagination. */
  async listOrders(conn: ConnectionTarget, since: string, page: string | null): Promise<OrderPage> {
    const token = conn.credentials.accessToken ? await this.admin.freshToken(conn) : undefined;
    if (!conn.baseUrl || !token) throw new ConnectorError('Shopify connection has no shop URL or access token', { retryable: false, auth: true });
    const shop = await assertPublicTarget(conn.baseUrl, this.config.allowPrivateNetworkTargets);
    const qs = page
      ? `limit=250&page_info=${encodeURIComponent(page)}`
      : `status=any&limit=250&order=${encodeURIComponent('updated_at asc')}&updated_at_min=${encodeURIComponent(since)}`;
    const res = await requestJson({
      method: 'GET',
      url: `${shop.origin}/admin/api/${this.config.shopifyApiVersion}/orders.json?${qs}`,
      headers: { 'x-shopify-access-token': token },
      timeoutMs: this.config.connectorTimeoutMs,
      platform: 'Shopify',
    });
    if (res.status < 200 || res.status >= 300) throw errorForStatus('Shopify', res.status, res.headers, res.body);
    const orders = (res.body as { orders?: unknown })?.orders;
    return { orders: Array.isArray(orders) ? (orders as Record<string, unknown>[]) : [], next: shopifyNextPageInfo(res.headers.get('link')) };
  }

  private async productSet(conn: ConnectionTarget, input: unknown, identifier: Record<string, string>) {
    const data = await this.graphql<{
      productSet: { product: { id: string; variants: VariantConnection } | null; userErrors: UserError[] } | null;
    }>(conn, SHOPIFY_PRODUCT_SET, { input, identifier, synchronous: true });
    if (!data.productSet) throw new ConnectorError('Shopify answered without a productSet result', { status: 200, retryable: true });
    return data.productSet;
  }

  private async graphql<T>(conn: ConnectionTarget, query: string, variables: Record<string, unknown>): Promise<T> {
    const token = conn.credentials.accessToken ? await this.admin.freshToken(conn) : undefined;
    if (!conn.baseUrl || !token) throw new ConnectorError('Shopify connection has no shop URL or access token', { retryable: false, auth: true });
    const shop = await assertPublicTarget(conn.baseUrl, this.config.allowPrivateNetworkTargets);
    const res = await requestJson({
      method: 'POST',
      url: `${shop.origin}/admin/api/${this.config.shopifyApiVersion}/graphql.json`,
      headers: { 'x-shopify-access-token': token },
      body: { query, variables },
      timeoutMs: this.config.connectorTimeoutMs,
      platform: 'Shopify',
    });
    if (res.status < 200 || res.status >= 300) throw errorForStatus('Shopify', res.status, res.headers, res.body);
    const answer = (res.body && typeof res.body === 'object' ? res.body : {}) as GraphQLAnswer<T>;
    if (answer.errors?.length) {
      if (answer.errors.some((e) => e.extensions?.code === 'THROTTLED' || /throttled/i.test(e.message))) {
        throw new ConnectorError('Shopify throttled the request (query cost over the available budget)', {
          status: res.status,
          retryable: true,
          retryAfterMs: throttleWaitMs(answer),
        });
      }
      const internal = answer.errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
      throw new ConnectorError(`Shopify GraphQL error: ${platformMessage(answer, 'unknown error')}`, { status: res.status, retryable: internal });
    }
    if (!answer.data) throw new ConnectorError('Shopify answered without data', { status: res.status, retryable: true });
    return answer.data;
  }
}

function isMissingProduct(e: UserError): boolean {
  return e.code === 'PRODUCT_DOES_NOT_EXIST' || e.code === 'PRODUCT_NOT_FOUND' || /does not exist|not found/i.test(e.message);
}

function describeUserError(e: UserError): string {
  return e.field?.length ? `${e.field.join('.')}: ${e.message}` : e.message;
}
