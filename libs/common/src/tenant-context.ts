export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'viewer'];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

export type ActorType = 'user' | 'api_key' | 'system' | 'storefront' | 'platform';

/**
 * Who is acting, for which tenant and organization. Every service method takes it first and
 * filters every query by `tenantId`.
 */
export interface TenantContext {
  tenantId: string;
  orgId: string;
  role: Role;
  actorType: ActorType;
  /** user id, api key id, or a system component name */
  actorId: string;
  email?: string;
  requestId?: string;
}

export function systemContext(tenantId: string, orgId: string, component: string): TenantContext {
  return { tenantId, orgId, role: 'owner', actorType: 'system', actorId: component };
}
