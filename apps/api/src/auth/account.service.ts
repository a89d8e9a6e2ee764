import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { TokenService } from '@synq/auth';
import { AuditService } from '@synq/audit';
import { ConflictError, NotFoundError, Role, TenantContext, UnauthorizedError } from '@synq/common';
import { hashPassword, verifyPassword } from '@synq/crypto';
import { Membership, Organization, PluginSite, Tenant, TenantSettings, User } from '@synq/database';
import { normaliseStoreUrl } from '@synq/integrations';

export interface SessionView {
  token: string;
  user: { id: string; email: string; tenantId: string; orgId: string; role: Role };
}

export interface NewAccount {
  user: User;
  tenant: Tenant;
  org: Organization;
  ctx: TenantContext;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err as QueryFailedError & { code?: string }).code === '23505';
}

/** Accounts: a tenant with its first organization and owner, and the sessions issued for them. */
@Injectable()
export class AccountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  /** Creates tenant + organization + owner + settings inside the caller's transaction. */
  async createAccount(m: EntityManager, email: string, passwordHash: string | null, organizationName: string): Promise<NewAccount> {
    const tenant = await m.getRepository(Tenant).save(m.getRepository(Tenant).create({ name: organizationName, plan: 'starter' }));
    const org = await m
      .getRepository(Organization)
      .save(m.getRepository(Organization).create({ tenantId: tenant.id, name: organizationName, logoUrl: null, website: null, billingEmail: null }));
    let user: User;
    try {
      user = await m.getRepository(User).save(m.getRepository(User).create({ email, passwordHash }));
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('An account with this email already exists', 'ACCOUNT_EXISTS');
      throw err;
    }
    await m.getRepository(Membership).insert({ tenantId: tenant.id, orgId: org.id, userId: user.id, role: 'owner' });
    await m.getRepository(TenantSettings).insert({ tenantId: tenant.id });
    const ctx: TenantContext = { tenantId: tenant.id, orgId: org.id, role: 'owner', actorType: 'user', actorId: user.id, email };
    await this.audit.record(m, ctx, {
      action: 'account.created',
      resourceType: 'tenant',
      resourceId: tenant.id,
      after: { name: organizationName, plan: 'starter', owner: email },
    });
    return { user, tenant, org, ctx };
  }

  session(user: { id: string; email: string }, tenantId: string, orgId: string, role: Role): SessionView {
    const token = this.tokens.issue({ sub: user.id, tenantId, orgId, email: user.email, role });
    return { token, user: { id: user.id, email: user.email, tenantId, orgId, role } };
  }

  async register(email: string, password: string, organizationName: string): Promise<SessionView> {
    const hash = await hashPassword(password);
    const acc = await this.db.transaction(async (m) => {
      const existing = await m.getRepository(User).exists({ where: { email } });
      if (existing) throw new ConflictError('An account with this email already exists', 'ACCOUNT_EXISTS');
      return this.createAccount(m, email, hash, organizationName);
    });
    return this.session(acc.user, acc.tenant.id, acc.org.id, 'owner');
  }

  async login(email: string, password: string): Promise<SessionView> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
    // Same work and same answer whether the email exists or not.
    const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!user || !user.passwordHash || !ok) throw new UnauthorizedError('Invalid email or password', 'INVALID_CREDENTIALS');
    const membership = await this.primaryMembership(user.id);
    return this.session(user, membership.tenantId, membership.orgId, membership.role);
  }

  async primaryMembership(userId: string): Promise<Membership> {
    const membership = await this.db.getRepository(Membership).findOne({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (!membership) throw new UnauthorizedError('This account has no organization', 'NO_MEMBERSHIP');
    return membership;
  }

  /**
   * Silent registration from the WooCommerce plugin. A new email gets a new account; an existing
   * one gets a token only with proof: the site secret stored when that store registered.
   */
  async registerFromPlugin(email: string, storeUrl: string, source: string, siteSecret?: string) {
    const url = normaliseStoreUrl(storeUrl);
    const existing = await this.db.getRepository(User).findOne({ where: { email } });
    if (existing) return this.reclaimPluginAccount(existing, url, siteSecret);

    const secretHash = siteSecret ? await hashPassword(siteSecret) : null;
    try {
      const acc = await this.db.transaction(async (m) => {
        const acc = await this.createAccount(m, email, null, new URL(url).hostname);
        await m.getRepository(PluginSite).insert({ tenantId: acc.tenant.id, userId: acc.user.id, storeUrl: url, siteSecretHash: secretHash, source });
        return acc;
      });
      const s = this.session(acc.user, acc.tenant.id, acc.org.id, 'owner');
      return { token: s.token, user: { id: acc.user.id, email: acc.user.email }, isNewAccount: true };
    } catch (err) {
      if (err instanceof ConflictError) {
        // lost a race with a concurrent registration of the same email
        const now = await this.db.getRepository(User).findOne({ where: { email } });
        if (now) return this.reclaimPluginAccount(now, url, siteSecret);
      }
      throw err;
    }
  }

  private async reclaimPluginAccount(user: User, url: string, siteSecret?: string) {
    const site = await this.db.getRepository(PluginSite).findOne({ where: { userId: user.id, storeUrl: url } });
    const proven = !!(site?.siteSecretHash && siteSecret && (await verifyPassword(siteSecret, site.siteSecretHash)));
    if (!proven || !site) {
      throw new ConflictError('An account with this email already exists: sign in to connect this store', 'ACCOUNT_EXISTS');
    }
    const membership = await this.db.getRepository(Membership).findOne({ where: { userId: user.id, tenantId: site.tenantId }, order: { createdAt: 'ASC' } });
    if (!membership) throw new ConflictError('An account with this email already exists: sign in to connect this store', 'ACCOUNT_EXISTS');
    const s = this.session(user, membership.tenantId, membership.orgId, membership.role);
    return { token: s.token, user: { id: user.id, email: user.email }, isNewAccount: false };
  }

  async accountStatus(ctx: TenantContext) {
    const rows: { email: string; plan: string; org_name: string }[] = await this.db.query(
      `SELECT u.email, t.plan, o.name AS org_name
         FROM tenants t JOIN organizations o ON o.id = $2 AND o.tenant_id = t.id
         LEFT JOIN users u ON u.id = $3
        WHERE t.id = $1`,
      [ctx.tenantId, ctx.orgId, ctx.actorType === 'user' ? ctx.actorId : null],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('Account');
    return {
      connected: await this.hasActiveStoreConnection(ctx.tenantId),
      email: row.email ?? ctx.email ?? null,
      plan: row.plan,
      organizationName: row.org_name,
    };
  }

  /** Whether the tenant has a live store connection (an ACTIVE row of the integrations' connections). */
  private async hasActiveStoreConnection(tenantId: string): Promise<boolean> {
    const r: { connected: boolean }[] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM connections WHERE tenant_id = $1 AND status = 'ACTIVE') AS connected`,
      [tenantId],
    );
    return r[0]?.connected === true;
  }
}
