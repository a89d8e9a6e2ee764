import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import type { TenantContext } from '@synq/common';
import type { ConnectionCategory, ConnectionKind } from '@synq/database';
import { ConnectionVault } from './connection-vault.service';
import { normaliseBaseUrl, normaliseStoreUrl } from './store-url';

export interface DirectConnectionInput {
  kind: Exclude<ConnectionKind, 'unified'>;
  provider: string;
  /** where the store's API is called (origin, or origin + path for WordPress in a subdirectory) */
  baseUrl: string;
  credentials: Record<string, string>;
  displayName?: string | null;
  category?: ConnectionCategory;
  /**
   * The store's identity (one connection per tenant and store): the shop domain (Shopify), the
   * normalised URL without www. (WooCommerce). Derived from baseUrl when not given.
   */
  storeKey?: string;
  /** id for a new row (a flow that had to name the connection before creating it, e.g. in webhook URLs) */
  id?: string;
}

export interface SavedConnection {
  id: string;
  created: boolean;
  /** the credentials the row held before (opened), for cleaning up what they registered */
  previous: Record<string, string> | null;
}

/** The identity of a store of this kind (see {@link DirectConnectionInput.storeKey}). */
export function storeKeyOf(kind: DirectConnectionInput['kind'], baseUrl: string): string {
  return kind === 'woocommerce' ? normaliseStoreUrl(baseUrl) : new URL(baseUrl).host.toLowerCase();
}

/**
 * Connections reached directly (Shopify, WooCommerce): the flows that create them (Shopify OAuth,
 * the WooCommerce plugin) store them here. Reconnecting the same store updates its row: credentials
 * replaced, URL updated, status ACTIVE, the sync ledger's mappings kept.
 */
@Injectable()
export class ConnectionsStore {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vault: ConnectionVault,
    private readonly audit: AuditService,
  ) {}

  async saveDirect(ctx: TenantContext, input: DirectConnectionInput): Promise<SavedConnection> {
    return this.db.transaction((m) => this.saveDirectIn(m, ctx, input));
  }

  async saveDirectIn(m: EntityManager, ctx: TenantContext, input: DirectConnectionInput): Promise<SavedConnection> {
    const baseUrl = normaliseBaseUrl(input.baseUrl);
    const storeKey = input.storeKey ?? storeKeyOf(input.kind, baseUrl);
    const prev: { credentials_sealed: string | null }[] = await m.query(
      `SELECT credentials_sealed FROM connections WHERE tenant_id = $1 AND kind = $2 AND store_key = $3 FOR UPDATE`,
      [ctx.tenantId, input.kind, storeKey],
    );
    const rows: { id: string; created: boolean }[] = await m.query(
      `INSERT INTO connections (id, tenant_id, org_id, provider, category, kind, display_name, base_url, credentials_sealed, store_key, status)
       VALUES (COALESCE($10::uuid, gen_random_uuid()), $1, $2, $3, $4, $5, $6, $7, $8, $9, 'ACTIVE')
       ON CONFLICT (tenant_id, kind, store_key) WHERE store_key IS NOT NULL
       DO UPDATE SET credentials_sealed = EXCLUDED.credentials_sealed, status = 'ACTIVE', provider = EXCLUDED.provider, base_url = EXCLUDED.base_url,
                     display_name = COALESCE(EXCLUDED.display_name, connections.display_name), last_error = NULL, updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [
        ctx.tenantId,
        ctx.orgId,
        input.provider.toLowerCase(),
        input.category ?? 'commerce',
        input.kind,
        input.displayName ?? null,
        baseUrl,
        this.vault.seal(input.credentials),
        storeKey,
        input.id ?? null,
      ],
    );
    const row = rows[0];
    await this.audit.record(m, ctx, {
      action: row.created ? 'connection.created' : 'connection.reconnected',
      resourceType: 'connection',
      resourceId: row.id,
      after: { kind: input.kind, provider: input.provider.toLowerCase(), base_url: baseUrl, status: 'ACTIVE' },
    });
    const sealed = prev[0]?.credentials_sealed;
    return { id: row.id, created: row.created, previous: sealed ? this.vault.open(sealed) : null };
  }
}
