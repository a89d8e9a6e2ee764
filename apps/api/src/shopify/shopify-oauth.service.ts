import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { ActorType, NotFoundError, TenantContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectionTarget, ConnectorError, SHOPIFY_WEBHOOK_TOPICS, ShopifyAdminClient, ShopifyConnector } from '@synq/connectors';
import { ConnectionsStore, normaliseShopDomain, OAuthStateService, SHOP_DOMAIN_RE, verifyShopifyQueryHmac } from '@synq/integrations';
import { LOGGER, Logger } from '@synq/logger';
import { ShopifyInitDto } from '../stores/dto/stores.dto';
import { ChannelShopMismatchError, InvalidShopDomainError, ShopifyNotConfiguredError } from '../stores/stores.errors';

export const SHOPIFY_OAUTH = 'shopify_oauth';
/** How old the callback's `timestamp` may be (either way: clocks drift). */
export const CALLBACK_MAX_AGE_S = 90;

interface StateData {
  shop: string;
  channelId: string | null;
  actorType: ActorType;
  actorId: string;
}

/** Why a callback was refused: shown to the user in the redirect, logged without secrets. */
class CallbackRefused extends Error {}

/**
 * The Shopify install flow. `init` issues a state (random, stored hashed, bound to the tenant, the
 * shop and the optional channel, single-use, 10 minutes) and the consent URL. `callback` checks,
 * before anything is stored, the HMAC of the redirect, its freshness, the shop and the state (used
 * once, same shop); exchanges the code for the offline token; checks the token belongs to the shop;
 * subscribes the shop's webhooks; then stores the connection (token sealed) the sync engine pushes to.
 */
@Injectable()
export class ShopifyOAuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly states: OAuthStateService,
    private readonly admin: ShopifyAdminClient,
    private readonly shopify: ShopifyConnector,
    private readonly connections: ConnectionsStore,
    private readonly audit: AuditService,
  ) {}

  configured(): boolean {
    return !!(this.config.shopifyApiKey && this.config.shopifyApiSecret && this.config.shopifyRedirectUrl);
  }

  async init(ctx: TenantContext, dto: ShopifyInitDto): Promise<{ authUrl: string }> {
    const shop = normaliseShopDomain(dto.shopDomain);
    if (!shop) throw new InvalidShopDomainError();
    if (!this.configured()) throw new ShopifyNotConfiguredError();
    if (dto.channelId) {
      const rows: { store_key: string | null }[] = await this.db.query(`SELECT store_key FROM connections WHERE tenant_id = $1 AND id = $2 AND kind = 'shopify'`, [ctx.tenantId, dto.channelId]);
      if (!rows[0]) throw new NotFoundError('Shopify channel', dto.channelId);
      if (rows[0].store_key && rows[0].store_key !== shop) throw new ChannelShopMismatchError();
    }
    const data: StateData = { shop, channelId: dto.channelId ?? null, actorType: ctx.actorType, actorId: ctx.actorId };
    const issued = await this.db.transaction(async (m) => {
      const s = await this.states.issue(ctx, SHOPIFY_OAUTH, { ...data }, undefined, m);
      await this.audit.record(m, ctx, { action: 'connection.authorization_started', resourceType: 'connection', resourceId: dto.channelId ?? null, after: { provider: 'shopify', shop, authorization_id: s.id } });
      return s;
    });
    const url = new URL(`https://${shop}/admin/oauth/authorize`);
    url.searchParams.set('client_id', this.config.shopifyApiKey);
    url.searchParams.set('scope', this.config.shopifyScopes);
    url.searchParams.set('redirect_uri', this.config.shopifyRedirectUrl);
    url.searchParams.set('state', issued.token);
    return { authUrl: url.toString() };
  }

  /** Handles Shopify's redirect; answers where to send the browser (success or error, never a throw). */
  async callback(rawQuery: string): Promise<string> {
    let channelId: string | null = null;
    try {
      const params = [...new URLSearchParams(rawQuery)];
      const names = params.map(([k]) => k);
      if (new Set(names).size !== names.length) throw new CallbackRefused('a query parameter was repeated');
      const get = (k: string) => params.find(([n]) => n === k)?.[1] ?? '';
      if (!this.configured()) throw new CallbackRefused('Shopify is not configured on this server');
      if (!verifyShopifyQueryHmac(params, this.config.shopifyApiSecret)) throw new CallbackRefused('the request signature (hmac) is invalid');
      const ts = get('timestamp');
      if (!/^\d{1,12}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > CALLBACK_MAX_AGE_S) throw new CallbackRefused('the request is too old (timestamp); start the installation again');
      const shop = get('shop').toLowerCase();
      if (!SHOP_DOMAIN_RE.test(shop)) throw new CallbackRefused('shop is not a myshopify.com domain');
      const code = get('code');
      const token = get('state');
      if (!code || code.length > 512 || !token || token.length > 512) throw new CallbackRefused('code and state are required');

      const state = await this.states.consume(token, SHOPIFY_OAUTH);
      if (!state) throw new CallbackRefused('the authorization state is unknown, expired or already used; start the installation again');
      const data = state.data as unknown as StateData;
      channelId = data.channelId ?? null;
      if (data.shop !== shop) throw new CallbackRefused('the shop is not the one the installation was started for');

      const creds = await this.admin.exchangeCode(shop, code);
      const conn: ConnectionTarget = { id: 'install', kind: 'shopify', provider: 'shopify', baseUrl: this.admin.shopBaseUrl(shop), unifiedConnectionId: null, credentials: creds };
      const info = await this.shopify.shop(conn);
      if ((info.myshopifyDomain ?? '').toLowerCase() !== shop) throw new CallbackRefused('the access token belongs to another shop');
      await this.shopify.subscribeWebhooks(conn, SHOPIFY_WEBHOOK_TOPICS, `${this.config.publicBaseUrl.replace(/\/+$/, '')}/unified/webhooks/shopify`);

      const ctx: TenantContext = { tenantId: state.tenant_id, orgId: state.org_id, role: 'owner', actorType: data.actorType ?? 'user', actorId: data.actorId };
      const saved = await this.db.transaction(async (m) => {
        if (channelId) {
          const rows: { id: string }[] = await m.query(`SELECT id FROM connections WHERE tenant_id = $1 AND id = $2 AND kind = 'shopify'`, [ctx.tenantId, channelId]);
          if (!rows[0]) throw new CallbackRefused('the channel to link no longer exists');
        }
        return this.connections.saveDirectIn(m, ctx, {
          kind: 'shopify',
          provider: 'shopify',
          baseUrl: conn.baseUrl!,
          storeKey: shop,
          id: channelId ?? undefined,
          displayName: info.name || shop,
          credentials: creds,
        });
      });
      return this.redirect(saved.id, 'success');
    } catch (err) {
      const reason = err instanceof CallbackRefused ? err.message : err instanceof ConnectorError ? `Shopify: ${err.message}` : 'an internal error occurred';
      if (!(err instanceof CallbackRefused) && !(err instanceof ConnectorError)) this.logger.error({ err }, 'shopify oauth callback failed');
      else this.logger.warn({ reason }, 'shopify oauth callback refused');
      return this.redirect(channelId, 'error', reason);
    }
  }

  private redirect(channelId: string | null, outcome: 'success' | 'error', message?: string): string {
    const q = new URLSearchParams({ oauth: outcome });
    if (message) q.set('message', message);
    return `${this.config.panelBaseUrl}/sales-channels${channelId ? `/${channelId}` : ''}?${q.toString()}`;
  }
}
