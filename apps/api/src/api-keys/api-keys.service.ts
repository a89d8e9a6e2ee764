import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { generateApiKey, hashApiKey } from '@synq/auth';
import { AuditService } from '@synq/audit';
import { ForbiddenError, NotFoundError, Role, roleAtLeast, TenantContext } from '@synq/common';
import { ApiKey, prepared } from '@synq/database';
import { RedisService, SharedCache } from '@synq/redis';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

export interface ResolvedApiKey {
  id: string;
  tenantId: string;
  orgId: string;
  role: Role;
}

export function apiKeyView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    environment: k.environment,
    prefix: k.prefix,
    redacted_key: k.redacted,
    role: k.role,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiKeysService implements OnApplicationShutdown {
  /**
   * Resolved keys by hash, reused for 2 s at most (so last_used_at, checked on each lookup, still
   * moves every minute); a revocation drops the key on every replica at once (SharedCache), so a
   * revoked key is refused by the next request wherever it lands.
   */
  private readonly resolved: SharedCache<ResolvedApiKey>;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    redis: RedisService,
  ) {
    this.resolved = new SharedCache(redis, 'api-keys', 2000, 10_000);
  }

  onApplicationShutdown(): void {
    this.resolved.close();
  }

  async create(ctx: TenantContext, dto: CreateApiKeyDto) {
    const role = dto.role ?? 'admin';
    if (!roleAtLeast(ctx.role, role)) throw new ForbiddenError(`You cannot create a key with the ${role} role`, 'ROLE_TOO_LOW');
    const generated = generateApiKey(dto.environment ?? 'live');
    const saved = await this.db.transaction(async (m) => {
      const row = m.getRepository(ApiKey).create({
        tenantId: ctx.tenantId,
        orgId: ctx.orgId,
        name: dto.name,
        environment: dto.environment ?? 'live',
        prefix: generated.prefix,
        redacted: generated.redacted,
        keyHash: generated.hash,
        role,
        createdBy: ctx.actorType === 'user' ? ctx.actorId : null,
        lastUsedAt: null,
        revokedAt: null,
      });
      const out = await m.getRepository(ApiKey).save(row);
      await this.audit.record(m, ctx, {
        action: 'api_key.created',
        resourceType: 'api_key',
        resourceId: out.id,
        after: { name: out.name, environment: out.environment, role: out.role, prefix: out.prefix },
      });
      return out;
    });
    return {
      id: saved.id,
      name: saved.name,
      key: generated.key,
      prefix: saved.prefix,
      environment: saved.environment,
      role: saved.role,
      created_at: saved.createdAt.toISOString(),
    };
  }

  async list(ctx: TenantContext) {
    const rows = await this.keys.find({
      where: { tenantId: ctx.tenantId, orgId: ctx.orgId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: 500,
    });
    return rows.map(apiKeyView);
  }

  async revoke(ctx: TenantContext, id: string): Promise<void> {
    const hash = await this.db.transaction(async (m) => {
      // key_hash is not selected by default (select: false): name it
      const key = await m.getRepository(ApiKey).findOne({ where: { id, tenantId: ctx.tenantId, orgId: ctx.orgId }, select: { id: true, revokedAt: true, keyHash: true } });
      if (!key) throw new NotFoundError('API key', id);
      if (key.revokedAt) return key.keyHash;
      this.resolved.forget(key.keyHash);
      await m.getRepository(ApiKey).update({ id, tenantId: ctx.tenantId }, { revokedAt: new Date() });
      await this.audit.record(m, ctx, {
        action: 'api_key.revoked',
        resourceType: 'api_key',
        resourceId: id,
        before: { revoked_at: null },
        after: { revoked_at: new Date().toISOString() },
      });
      return key.keyHash;
    });
    // committed: every replica drops the key (a lookup that raced the commit is not kept)
    await this.resolved.invalidate(hash).catch(() => undefined);
  }

  /**
   * The hot path: an indexed lookup, reused for 2 s by this process (see `resolved`); a revocation
   * is seen at once by every replica. Unknown and revoked keys are never kept.
   */
  async resolve(token: string): Promise<ResolvedApiKey | undefined> {
    const hash = hashApiKey(token);
    const hit = this.resolved.get(hash);
    if (hit) return hit;
    const gen = this.resolved.begin();
    const rows = await prepared<{ id: string; tenant_id: string; org_id: string; role: Role; stale: boolean }>(
      this.db,
      `SELECT id, tenant_id, org_id, role, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
         FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hash],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.stale) this.touch(row.id);
    const key: ResolvedApiKey = { id: row.id, tenantId: row.tenant_id, orgId: row.org_id, role: row.role };
    this.resolved.set(hash, key, gen);
    return key;
  }

  private touch(id: string): void {
    void this.keys.update({ id, revokedAt: IsNull() }, { lastUsedAt: new Date() }).catch(() => undefined);
  }
}
