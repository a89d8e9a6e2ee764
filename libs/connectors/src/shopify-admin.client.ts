import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectionVault } from '@synq/integrations';
import { ConnectionTarget, ConnectorError } from './connector';
import { platformMessage, requestJson } from './http';
import { assertPublicTarget } from './target';

/** What Shopify answers a token request with (expiring offline tokens carry the refresh fields). */
interface TokenAnswer {
  access_token?: string;
  scope?: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/** Sealed Shopify credentials: the offline token and, for expiring tokens, how to renew it. */
export interface ShopifyCredentials extends Record<string, string> {
  accessToken: string;
  scope: string;
}

const STORED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refresh this long before the access token expires. */
export const SHOPIFY_REFRESH_MARGIN_MS = 5 * 60_000;

/** Topics Synq subscribes every installed shop to (compliance topics are app-level, in the app's settings). */
export const SHOPIFY_WEBHOOK_TOPICS = ['ORDERS_CREATE', 'ORDERS_UPDATED', 'PRODUCTS_CREATE', 'PRODUCTS_UPDATE', 'PRODUCTS_DELETE', 'APP_UNINSTALLED'] as const;

export const SHOPIFY_WEBHOOK_CREATE = `mutation SynqWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}`;

export const SHOPIFY_SHOP_QUERY = `query SynqShop { shop { name myshopifyDomain } }`;

/**
 * Shopify's OAuth token endpoint (`POST {shop}/admin/oauth/access_token`) and the Admin calls the
 * install flow makes (shop query, webhook subscriptions). Expiring offline tokens are refreshed
 * before use: under a row lock on the connection, so concurrent workers refresh once and the
 * rotated refresh token is never used twice.
 */
@Injectable()
export class ShopifyAdminClient {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly vault: ConnectionVault,
  ) {}

  /** Where the shop's Admin API answers (SHOPIFY_SHOP_BASE_URL with `{shop}` replaced). */
  shopBaseUrl(shop: string): string {
    return this.config.shopifyShopBaseUrl.replace('{shop}', shop);
  }

  /** Exchanges an authorization code for the shop's offline token. */
  async exchangeCode(shop: string, code: string): Promise<ShopifyCredentials> {
    return this.tokenRequest(shop, {
      client_id: this.config.shopifyApiKey,
      client_secret: this.config.shopifyApiSecret,
      code,
      ...(this.config.shopifyExpiringTokens ? { expiring: 1 } : {}),
    });
  }

  /**
   * The access token to use now: refreshed first when it expires within the margin. A connection
   * not stored yet (the install flow, holding a token Shopify just issued) uses its token as is.
   */
  async freshToken(conn: ConnectionTarget): Promise<string> {
    const expiresAt = Date.parse(conn.credentials.expiresAt ?? '');
    if (!STORED_ID.test(conn.id) || !conn.credentials.refreshToken || !Number.isFinite(expiresAt) || expiresAt - Date.now() > SHOPIFY_REFRESH_MARGIN_MS) return conn.credentials.accessToken;
    const shop = conn.credentials.shop;
    if (!shop) throw new ConnectorError('Shopify connection has no shop domain to refresh its token with', { retryable: false, auth: true });
    const creds = await this.db.transaction(async (m) => {
      const rows: { credentials_sealed: string | null }[] = await m.query(`SELECT credentials_sealed FROM connections WHERE id = $1 FOR UPDATE`, [conn.id]);
      const current = this.vault.open(rows[0]?.credentials_sealed ?? null);
      if (!current.accessToken) throw new ConnectorError('Shopify connection has no access token (disconnected)', { retryable: false, auth: true });
      // another worker refreshed it meanwhile
      if (Date.parse(current.expiresAt ?? '') - Date.now() > SHOPIFY_REFRESH_MARGIN_MS) return current;
      const renewed = await this.tokenRequest(shop, {
        client_id: this.config.shopifyApiKey,
        client_secret: this.config.shopifyApiSecret,
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
      });
      const next = { ...current, ...renewed };
      await m.query(`UPDATE connections SET credentials_sealed = $2, updated_at = now() WHERE id = $1`, [conn.id, this.vault.seal(next)]);
      return next;
    });
    conn.credentials = { ...conn.credentials, ...creds }; // (opened credentials are shared and frozen: see ConnectionVault.open)
    return creds.accessToken;
  }

  private async tokenRequest(shop: string, body: Record<string, unknown>): Promise<ShopifyCredentials> {
    const base = await assertPublicTarget(this.shopBaseUrl(shop), this.config.allowPrivateNetworkTargets);
    const res = await requestJson({
      method: 'POST',
      url: `${base.origin}/admin/oauth/access_token`,
      headers: {},
      body,
      timeoutMs: this.config.connectorTimeoutMs,
      platform: 'Shopify',
    });
    const answer = (res.body && typeof res.body === 'object' ? res.body : {}) as TokenAnswer;
    if (res.status < 200 || res.status >= 300 || typeof answer.access_token !== 'string' || !answer.access_token) {
      throw new ConnectorError(`Shopify refused the token request (${res.status}): ${platformMessage(res.body, 'no access token')}`, {
        status: res.status,
        retryable: res.status >= 500 || res.status === 429,
        auth: res.status === 400 || res.status === 401 || res.status === 403,
      });
    }
    const creds: ShopifyCredentials = { accessToken: answer.access_token, scope: answer.scope ?? '', shop };
    if (answer.refresh_token && answer.expires_in) {
      creds.refreshToken = answer.refresh_token;
      creds.expiresAt = new Date(Date.now() + answer.expires_in * 1000).toISOString();
      if (answer.refresh_token_expires_in) creds.refreshTokenExpiresAt = new Date(Date.now() + answer.refresh_token_expires_in * 1000).toISOString();
    }
    return creds;
  }
}
