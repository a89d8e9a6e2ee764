import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import type { TenantContext } from '@synq/common';
import type { ConnectionCategory, ConnectionKind } from '@synq/database';
import { ConnectionVault } from './connection-vault.service';

export interface DirectConnectionInput {
  kind: Exclude<ConnectionKind, 'unified'>;
  provider: string;
  /** the store/shop URL (origin, or origin + path for WordPress in a subdirectory) */
  baseUrl: string;
  credentials: Record<string, string>;
  displayName?: string | null;
  category?: ConnectionCategory;
}

/** Normalises a store URL for storage and uniqueness: lowercase scheme and host, no trailing slash, no query. */
export function normaliseBaseUrl(raw: string): string {
  const u = new URL(raw);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('store URL must use http or https');
  return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * Connections reached directly (Shopify, WooCommerce): the flows that create them (Shopify OAuth,
 * the WooCommerce plugin) store them here. Reconnecting the same store updates its row: credentials
 * replaced, status ACTIVE, the sync ledger's mappings kept.
 */
@Injectable()
export class ConnectionsStore {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vault: ConnectionVault,
    private readonly audit: AuditService,
  ) {}

  async saveDirect(ctx: TenantContext, input: DirectConnectionInput): Promise<{ id: string; created: boolean }> {
    return this.db.transaction((m) => this.saveDirectIn(m, ctx, input));
  }

  async saveDirectIn(m: EntityManager, ctx: TenantContext, input: DirectConnectionInput): Promise<{ id: string; created: boolean }> {
    const baseUrl = normaliseBaseUrl(input.baseUrl);
    const rows: { id: string; created: boolean }[] = await m.query(
      `INSERT INTO connections (tenant_id, org_id, provider, category, kind, display_name, base_url, credentials_sealed, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ACTIVE')
       ON CONFLICT (tenant_id, kind, base_url) WHERE base_url IS NOT NULL
       DO UPDATE SET credentials_sealed = EXCLUDED.credentials_sealed, status = 'ACTIVE', provider = EXCLUDED.provider,
                     display_name = COALESCE(EXCLUDED.display_name, connections.display_name), last_error = NULL, updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [ctx.tenantId, ctx.orgId, input.provider.toLowerCase(), input.category ?? 'commerce', input.kind, input.displayName ?? null, baseUrl, this.vault.seal(input.credentials)],
    );
    const row = rows[0];
    await this.audit.record(m, ctx, {
      action: row.created ? 'connection.created' : 'connection.reconnected',
      resourceType: 'connection',
      resourceId: row.id,
      after: { kind: input.kind, provider: input.provider.toLowerCase(), base_url: baseUrl, status: 'ACTIVE' },
    });
    return row;
  }
}
