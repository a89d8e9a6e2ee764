import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { TokenRevocations } from '@synq/auth';
import { ConflictError, decodeCursor, ForbiddenError, NotFoundError, Role, TenantContext, toPage } from '@synq/common';
import { Membership, Organization, prepared, User } from '@synq/database';
import { AddMemberDto, UpdateMemberDto, UpdateOrganizationDto } from './dto/organization.dto';

interface MemberRow {
  id: string;
  user_id: string;
  email: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
}

function memberView(m: MemberRow) {
  return {
    id: m.id,
    user_id: m.user_id,
    email: m.email,
    role: m.role,
    created_at: new Date(m.created_at).toISOString(),
    updated_at: new Date(m.updated_at).toISOString(),
  };
}

@Injectable()
export class OrganizationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly revocations: TokenRevocations,
  ) {}

  /** One indexed query: this route is the hot path of the HTTP benchmark. */
  async get(ctx: TenantContext) {
    const rows = await prepared<{ id: string; tenant_id: string; name: string; logo_url: string | null; website: string | null; billing_email: string | null; plan: string; created_at: Date; updated_at: Date }>(
        this.db,
        `SELECT o.id, o.tenant_id, o.name, o.logo_url, o.website, o.billing_email, t.plan, o.created_at, o.updated_at
           FROM organizations o JOIN tenants t ON t.id = o.tenant_id
          WHERE o.id = $1 AND o.tenant_id = $2`,
        [ctx.orgId, ctx.tenantId],
      );
    const r = rows[0];
    if (!r) throw new NotFoundError('Organization', ctx.orgId);
    return {
      id: r.id,
      tenant_id: r.tenant_id,
      name: r.name,
      logo_url: r.logo_url,
      website: r.website,
      billing_email: r.billing_email,
      plan: r.plan,
      created_at: new Date(r.created_at).toISOString(),
      updated_at: new Date(r.updated_at).toISOString(),
    };
  }

  async update(ctx: TenantContext, dto: UpdateOrganizationDto) {
    await this.db.transaction(async (m) => {
      const repo = m.getRepository(Organization);
      const org = await repo.findOne({ where: { id: ctx.orgId, tenantId: ctx.tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!org) throw new NotFoundError('Organization', ctx.orgId);
      const before = { name: org.name, logo_url: org.logoUrl, website: org.website, billing_email: org.billingEmail };
      if (dto.name !== undefined) org.name = dto.name;
      if (dto.logo_url !== undefined) org.logoUrl = dto.logo_url;
      if (dto.website !== undefined) org.website = dto.website;
      if (dto.billing_email !== undefined) org.billingEmail = dto.billing_email;
      await repo.save(org);
      await this.audit.record(m, ctx, {
        action: 'organization.updated',
        resourceType: 'organization',
        resourceId: org.id,
        before,
        after: { name: org.name, logo_url: org.logoUrl, website: org.website, billing_email: org.billingEmail },
      });
    });
    return this.get(ctx);
  }

  async listMembers(ctx: TenantContext, limit: number, cursor?: string) {
    const c = decodeCursor(cursor);
    const qb = this.db
      .createQueryBuilder()
      .select(['m.id AS id', 'm.user_id AS user_id', 'u.email AS email', 'm.role AS role', 'm.created_at AS created_at', 'm.updated_at AS updated_at'])
      .from(Membership, 'm')
      .innerJoin(User, 'u', 'u.id = m.user_id')
      .where('m.tenant_id = :t AND m.org_id = :o', { t: ctx.tenantId, o: ctx.orgId });
    if (c) {
      qb.andWhere(
        new Brackets((b) =>
          b.where('m.created_at > :cAt', { cAt: c.createdAt }).orWhere('(m.created_at = :cAt AND m.id > :cId)', { cAt: c.createdAt, cId: c.id }),
        ),
      );
    }
    const rows: MemberRow[] = await qb.orderBy('m.created_at', 'ASC').addOrderBy('m.id', 'ASC').limit(limit + 1).getRawMany();
    const page = toPage(rows.map((r) => ({ ...r, createdAt: r.created_at })), limit);
    return { items: page.items.map(memberView), nextCursor: page.nextCursor };
  }

  async addMember(ctx: TenantContext, dto: AddMemberDto) {
    if (dto.role === 'owner' && ctx.role !== 'owner') throw new ForbiddenError('Only an owner can add an owner', 'ROLE_TOO_LOW');
    const id = await this.db.transaction(async (m) => {
      let user = await m.getRepository(User).findOne({ where: { email: dto.email } });
      if (!user) {
        await m.getRepository(User).createQueryBuilder().insert().values({ email: dto.email, passwordHash: null }).orIgnore().execute();
        user = await m.getRepository(User).findOneOrFail({ where: { email: dto.email } });
      }
      const exists = await m.getRepository(Membership).exists({ where: { orgId: ctx.orgId, userId: user.id } });
      if (exists) throw new ConflictError(`${dto.email} is already a member`, 'ALREADY_MEMBER');
      const row = await m.getRepository(Membership).save(
        m.getRepository(Membership).create({ tenantId: ctx.tenantId, orgId: ctx.orgId, userId: user.id, role: dto.role }),
      );
      await this.audit.record(m, ctx, {
        action: 'member.added',
        resourceType: 'membership',
        resourceId: row.id,
        after: { email: dto.email, role: dto.role },
      });
      return row.id;
    });
    return this.getMember(ctx, id);
  }

  private async getMember(ctx: TenantContext, id: string) {
    const rows: MemberRow[] = await this.db.query(
      `SELECT m.id, m.user_id, u.email, m.role, m.created_at, m.updated_at FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.id = $1 AND m.tenant_id = $2 AND m.org_id = $3`,
      [id, ctx.tenantId, ctx.orgId],
    );
    if (!rows[0]) throw new NotFoundError('Member', id);
    return memberView(rows[0]);
  }

  /** Locks the org's owner rows so two concurrent demotions cannot both pass the last-owner check. */
  private async lockOwners(m: EntityManager, ctx: TenantContext): Promise<number> {
    const owners: { id: string }[] = await m.query(
      `SELECT id FROM memberships WHERE tenant_id = $1 AND org_id = $2 AND role = 'owner' ORDER BY id FOR UPDATE`,
      [ctx.tenantId, ctx.orgId],
    );
    return owners.length;
  }

  async updateMember(ctx: TenantContext, id: string, dto: UpdateMemberDto) {
    const changedUser = await this.db.transaction(async (m): Promise<string | undefined> => {
      const owners = await this.lockOwners(m, ctx);
      const member = await m.getRepository(Membership).findOne({ where: { id, tenantId: ctx.tenantId, orgId: ctx.orgId }, lock: { mode: 'pessimistic_write' } });
      if (!member) throw new NotFoundError('Member', id);
      if ((member.role === 'owner' || dto.role === 'owner') && ctx.role !== 'owner') {
        throw new ForbiddenError('Only an owner can grant or take the owner role', 'ROLE_TOO_LOW');
      }
      if (member.role === 'owner' && dto.role !== 'owner' && owners <= 1) {
        throw new ConflictError('The last owner cannot be demoted', 'LAST_OWNER');
      }
      if (member.role === dto.role) return undefined;
      await m.getRepository(Membership).update({ id, tenantId: ctx.tenantId }, { role: dto.role });
      await this.audit.record(m, ctx, {
        action: 'member.role_changed',
        resourceType: 'membership',
        resourceId: id,
        before: { role: member.role },
        after: { role: dto.role },
      });
      return member.userId;
    });
    // tokens carry the role: the old ones stop working, the user signs in again for the new role
    if (changedUser) await this.revocations.revoke(ctx.tenantId, changedUser);
    return this.getMember(ctx, id);
  }

  async removeMember(ctx: TenantContext, id: string): Promise<void> {
    const userId = await this.db.transaction(async (m) => {
      const owners = await this.lockOwners(m, ctx);
      const member = await m.getRepository(Membership).findOne({ where: { id, tenantId: ctx.tenantId, orgId: ctx.orgId }, lock: { mode: 'pessimistic_write' } });
      if (!member) throw new NotFoundError('Member', id);
      if (member.role === 'owner' && ctx.role !== 'owner') throw new ForbiddenError('Only an owner can remove an owner', 'ROLE_TOO_LOW');
      if (member.role === 'owner' && owners <= 1) throw new ConflictError('The last owner cannot be removed', 'LAST_OWNER');
      await m.getRepository(Membership).delete({ id, tenantId: ctx.tenantId });
      await this.audit.record(m, ctx, {
        action: 'member.removed',
        resourceType: 'membership',
        resourceId: id,
        before: { user_id: member.userId, role: member.role },
      });
      return member.userId;
    });
    await this.revocations.revoke(ctx.tenantId, userId);
  }
}
