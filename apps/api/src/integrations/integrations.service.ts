import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { isoSql, NotFoundError, TenantContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectorError, UnifiedApiClient, UnifiedConnectionInfo } from '@synq/connectors';
import { sha256Hex } from '@synq/crypto';
import type { ConnectionStatus } from '@synq/database';
import { OAuthStateService } from '@synq/integrations';
import { AuthUrlDto, CallbackDto, UpdateConnectionDto } from './dto/integrations.dto';
import {
  CategoryMismatchError,
  ConnectionNotAuthorizedError,
  ConnectionRevokedError,
  InvalidStateError,
  ProviderNotConfiguredError,
  ProviderUnavailableError,
  ProviderUnknownError,
  UnknownConnectionError,
} from './integrations.errors';

export const UNIFIED_CONNECT = 'unified_connect';
/** external_xref = this prefix + the id of the authorization (oauth_states row) it came from */
export const XREF_PREFIX = 'synq_';

interface ConnectionRow {
  id: string;
  unified_connection_id: string | null;
  provider: string;
  status: ConnectionStatus;
  category: string;
  kind: string;
  display_name: string | null;
  base_url: string | null;
  last_healthy_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

const CONNECTION_SELECT = `SELECT id, unified_connection_id, provider, status, category, kind, display_name, base_url,
  ${isoSql('last_healthy_at')} AS last_healthy_at, last_error, ${isoSql('created_at')} AS created_at, ${isoSql('updated_at')} AS updated_at
  FROM connections`;

/** The documented list item: exactly these fields. */
function listView(r: ConnectionRow) {
  return { id: r.id, unified_connection_id: r.unified_connection_id, provider: r.provider, status: r.status, created_at: r.created_at, updated_at: r.updated_at };
}

/** One connection with its health (never its credentials). */
function detailView(r: ConnectionRow) {
  return {
    ...listView(r),
    category: r.category,
    kind: r.kind,
    display_name: r.display_name,
    base_url: r.base_url,
    last_healthy_at: r.last_healthy_at,
    last_error: r.last_error,
  };
}

/**
 * Connections of a tenant. Connecting through the unified-API provider: `authUrl` issues a state
 * (random, stored hashed, bound to the tenant and organization, single-use, 10 minutes) and hands the
 * provider `external_xref = synq_<authorization id>`; the provider stores it on the connection it
 * creates. `callback` asks the provider for the connection and accepts it only when its external_xref
 * names an authorization of this tenant that is unexpired and unused (or already used for this very
 * connection, which makes a repeated callback idempotent), and, when the client sends the `state`
 * from the redirect, only when it is that authorization's state.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly states: OAuthStateService,
    private readonly provider: UnifiedApiClient,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async authUrl(ctx: TenantContext, dto: AuthUrlDto): Promise<{ auth_url: string }> {
    const category = dto.category ?? 'commerce';
    const issued = await this.db.transaction(async (m) => {
      const s = await this.states.issue(ctx, UNIFIED_CONNECT, { category }, undefined, m);
      await this.audit.record(m, ctx, { action: 'connection.authorization_started', resourceType: 'connection', resourceId: null, after: { category, authorization_id: s.id } });
      return s;
    });
    const url = new URL(this.config.unifiedAuthUrl);
    if (this.config.unifiedWorkspaceId) url.searchParams.set('workspace_id', this.config.unifiedWorkspaceId);
    url.searchParams.set('category', category);
    url.searchParams.set('state', issued.token);
    url.searchParams.set('external_xref', `${XREF_PREFIX}${issued.id}`);
    const success = dto.success_redirect ?? this.config.unifiedSuccessRedirect;
    const failure = dto.failure_redirect ?? this.config.unifiedFailureRedirect;
    if (success) url.searchParams.set('success_redirect', success);
    if (failure) url.searchParams.set('failure_redirect', failure);
    return { auth_url: url.toString() };
  }

  async callback(ctx: TenantContext, dto: CallbackDto): Promise<{ status: 'success'; message: string }> {
    const info = await this.lookup(dto.connection_id);
    if (!info) throw new UnknownConnectionError(dto.connection_id);
    const category = dto.category ?? 'commerce';
    if (info.categories?.length && !info.categories.includes(category)) throw new CategoryMismatchError(category, info.categories);
    if (this.config.unifiedWorkspaceId && info.workspace_id && info.workspace_id !== this.config.unifiedWorkspaceId) {
      throw new ConnectionNotAuthorizedError('the connection belongs to another workspace');
    }
    const provider = (info.integration_type || (this.config.nodeEnv !== 'production' ? dto.provider : undefined) || '').toLowerCase();
    if (!provider) throw new ProviderUnknownError();

    const xref = info.external_xref ?? '';
    if (!xref.startsWith(XREF_PREFIX)) throw new ConnectionNotAuthorizedError('it was not created from an authorization URL Synq issued');
    const authorization = await this.states.find(xref.slice(XREF_PREFIX.length), UNIFIED_CONNECT);
    if (!authorization || authorization.tenant_id !== ctx.tenantId) throw new ConnectionNotAuthorizedError('it was authorized for another account');
    if (dto.state !== undefined && sha256Hex(dto.state) !== authorization.state_hash) throw new InvalidStateError();

    await this.db.transaction(async (m) => {
      const claimed = await this.states.claim(authorization.id, ctx.tenantId, UNIFIED_CONNECT, { connection_id: dto.connection_id }, m);
      if (!claimed) throw new ConnectionNotAuthorizedError('its authorization expired or was already used for another connection');
      const rows: { id: string; created: boolean; was: ConnectionStatus | null }[] = await m.query(
        `WITH prev AS (SELECT status FROM connections WHERE tenant_id = $1 AND unified_connection_id = $4)
         INSERT INTO connections (tenant_id, org_id, provider, category, kind, unified_connection_id, status)
         VALUES ($1, $2, $3, $5, 'unified', $4, 'ACTIVE')
         ON CONFLICT (tenant_id, unified_connection_id) WHERE unified_connection_id IS NOT NULL
         DO UPDATE SET status = CASE WHEN connections.status = 'REVOKED' THEN 'ACTIVE' ELSE connections.status END,
                       provider = EXCLUDED.provider, category = EXCLUDED.category,
                       updated_at = CASE WHEN connections.status = 'REVOKED' THEN now() ELSE connections.updated_at END
         RETURNING id, (xmax = 0) AS created, (SELECT status FROM prev) AS was`,
        [ctx.tenantId, ctx.orgId, provider, dto.connection_id, category],
      );
      const row = rows[0];
      if (row.created || row.was === 'REVOKED') {
        await this.audit.record(m, ctx, {
          action: row.created ? 'connection.created' : 'connection.reconnected',
          resourceType: 'connection',
          resourceId: row.id,
          after: { kind: 'unified', provider, category, unified_connection_id: dto.connection_id, status: 'ACTIVE' },
        });
      }
    });
    return { status: 'success', message: 'Integration secured' };
  }

  async list(ctx: TenantContext, status: ConnectionStatus | 'ALL' = 'ACTIVE') {
    const rows: ConnectionRow[] = await this.db.query(
      `${CONNECTION_SELECT} WHERE tenant_id = $1 AND ($2::text = 'ALL' OR status = $2) ORDER BY created_at, id LIMIT 500`,
      [ctx.tenantId, status],
    );
    return { connections: rows.map(listView) };
  }

  async get(ctx: TenantContext, id: string, m: EntityManager = this.db.manager) {
    return detailView(await this.row(ctx, id, m));
  }

  async update(ctx: TenantContext, id: string, dto: UpdateConnectionDto) {
    await this.db.transaction(async (m) => {
      const before = await this.row(ctx, id, m, true);
      if (before.status === 'REVOKED') throw new ConnectionRevokedError();
      if (before.status === dto.status) return;
      await m.query(`UPDATE connections SET status = $3::text, last_error = CASE WHEN $3::text = 'ACTIVE' THEN NULL ELSE last_error END, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
        ctx.tenantId,
        id,
        dto.status,
      ]);
      await this.audit.record(m, ctx, { action: dto.status === 'PAUSED' ? 'connection.paused' : 'connection.resumed', resourceType: 'connection', resourceId: id, before: { status: before.status }, after: { status: dto.status } });
    });
    return this.get(ctx, id);
  }

  /** Disconnects: REVOKED, credentials erased. The ledger keeps its mappings for a reconnect. */
  async revoke(ctx: TenantContext, id: string) {
    await this.db.transaction(async (m) => {
      const before = await this.row(ctx, id, m, true);
      if (before.status === 'REVOKED') return;
      await m.query(`UPDATE connections SET status = 'REVOKED', credentials_sealed = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
      await this.audit.record(m, ctx, { action: 'connection.revoked', resourceType: 'connection', resourceId: id, before: { status: before.status }, after: { status: 'REVOKED', credentials: 'erased' } });
    });
    return this.get(ctx, id);
  }

  private async row(ctx: TenantContext, id: string, m: EntityManager, lock = false): Promise<ConnectionRow> {
    const rows: ConnectionRow[] = await m.query(`${CONNECTION_SELECT} WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Connection', id);
    return rows[0];
  }

  private async lookup(connectionId: string): Promise<UnifiedConnectionInfo | undefined> {
    if (!this.config.unifiedApiKey) throw new ProviderNotConfiguredError();
    try {
      return await this.provider.getConnection(connectionId);
    } catch (err) {
      if (err instanceof ConnectorError) throw new ProviderUnavailableError(err.message);
      throw err;
    }
  }
}
