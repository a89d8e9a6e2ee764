import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { TenantContext } from '@synq/common';
import { randomToken, sha256Hex } from '@synq/crypto';
import { queryRows } from '@synq/database';

export const DEFAULT_STATE_TTL_MS = 10 * 60 * 1000;

export interface IssuedState {
  id: string;
  /** the opaque value handed to the browser; only its hash is stored */
  token: string;
  expiresAt: Date;
}

export interface OAuthStateRow {
  id: string;
  tenant_id: string;
  org_id: string;
  purpose: string;
  data: Record<string, unknown>;
  expires_at: Date;
  used_at: Date | null;
}

const COLUMNS = 'id, tenant_id, org_id, purpose, data, expires_at, used_at';

/**
 * `state` values for authorization flows (the unified-API connect flow, Shopify OAuth): random,
 * stored hashed, bound to the tenant and organization that asked, single-use and expiring.
 */
@Injectable()
export class OAuthStateService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async issue(ctx: TenantContext, purpose: string, data: Record<string, unknown> = {}, ttlMs = DEFAULT_STATE_TTL_MS, m: EntityManager = this.db.manager): Promise<IssuedState> {
    const token = randomToken(32);
    const expiresAt = new Date(Date.now() + ttlMs);
    const rows: { id: string }[] = await m.query(
      `INSERT INTO oauth_states (state_hash, tenant_id, org_id, purpose, data, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [sha256Hex(token), ctx.tenantId, ctx.orgId, purpose, JSON.stringify(data), expiresAt],
    );
    return { id: rows[0].id, token, expiresAt };
  }

  /**
   * Uses a state once: answers its row when the token is known, of this purpose, unexpired and
   * unused, and marks it used in the same statement (a replay, or a concurrent second use, gets
   * undefined).
   */
  async consume(token: string, purpose: string, m: EntityManager = this.db.manager): Promise<OAuthStateRow | undefined> {
    const rows = await queryRows<OAuthStateRow>(
      m,
      `UPDATE oauth_states SET used_at = now()
        WHERE state_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING ${COLUMNS}`,
      [sha256Hex(token), purpose],
    );
    return rows[0];
  }

  /** The state row by id, for flows where the provider echoes a reference to it rather than the token. */
  async find(id: string, purpose: string, m: EntityManager = this.db.manager): Promise<(OAuthStateRow & { state_hash: string }) | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const rows: (OAuthStateRow & { state_hash: string })[] = await m.query(`SELECT ${COLUMNS}, state_hash FROM oauth_states WHERE id = $1 AND purpose = $2`, [id, purpose]);
    return rows[0];
  }

  /**
   * Marks the state used for `data` (e.g. the connection it produced), once: answers false when it is
   * expired or was already used for something else.
   */
  async claim(id: string, tenantId: string, purpose: string, data: Record<string, unknown>, m: EntityManager = this.db.manager): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      m,
      `UPDATE oauth_states SET used_at = COALESCE(used_at, now()), data = data || $4::jsonb
        WHERE id = $1 AND tenant_id = $2 AND purpose = $3
          AND ((used_at IS NULL AND expires_at > now()) OR (used_at IS NOT NULL AND data @> $4::jsonb))
        RETURNING id`,
      [id, tenantId, purpose, JSON.stringify(data)],
    );
    return rows.length === 1;
  }

  /** Deletes states that expired more than a day ago (bounded). */
  async purgeExpired(): Promise<void> {
    await this.db.query(`DELETE FROM oauth_states WHERE id IN (SELECT id FROM oauth_states WHERE expires_at < now() - interval '1 day' LIMIT 10000)`);
  }
}
