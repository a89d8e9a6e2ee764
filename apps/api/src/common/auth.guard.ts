import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { looksLikeApiKey, TokenRevocations, TokenService } from '@synq/auth';
import {
  BadRequestError,
  ForbiddenError,
  Role,
  roleAtLeast,
  TenantContext,
  UnauthorizedError,
} from '@synq/common';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { IS_PUBLIC, REQUIRED_ROLE } from './route-metadata';
import type { SynqRequest } from './request';
import { surfaceOf } from './surface';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one authentication and authorisation guard (GUIDE.md §1). Order of checks: credential (401),
 * tenant headers on the Platform API (400 missing, 403 mismatch), role (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly revocations: TokenRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = context.switchToHttp().getRequest<SynqRequest>();
    const surface = surfaceOf(req.path);
    const ctx = await this.authenticate(req, surface === 'plugin');

    if (surface === 'platform' || surface === 'unified') {
      const tenantHeader = req.header('x-tenant-id');
      const orgHeader = req.header('x-org-id');
      if (!tenantHeader || !orgHeader) {
        throw new BadRequestError('X-Tenant-ID and X-Org-ID headers are required', 'TENANT_HEADERS_REQUIRED', [
          ...(!tenantHeader ? [{ field: 'X-Tenant-ID', message: 'X-Tenant-ID header is required' }] : []),
          ...(!orgHeader ? [{ field: 'X-Org-ID', message: 'X-Org-ID header is required' }] : []),
        ]);
      }
      if (!UUID_RE.test(tenantHeader) || !UUID_RE.test(orgHeader)) {
        throw new BadRequestError('X-Tenant-ID and X-Org-ID must be UUIDs', 'TENANT_HEADERS_INVALID');
      }
      if (tenantHeader.toLowerCase() !== ctx.tenantId || orgHeader.toLowerCase() !== ctx.orgId) {
        throw new ForbiddenError('X-Tenant-ID / X-Org-ID do not match the credential', 'TENANT_MISMATCH');
      }
    }

    const explicit = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    const required: Role = explicit ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'editor');
    if (!roleAtLeast(ctx.role, required)) {
      throw new ForbiddenError(`This action needs the ${required} role or above`, 'ROLE_TOO_LOW');
    }
    req.ctx = ctx;
    return true;
  }

  private async authenticate(req: SynqRequest, jwtOnly: boolean): Promise<TenantContext> {
    const header = req.header('authorization');
    if (!header) throw new UnauthorizedError('Missing Authorization header');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthorizedError('Authorization header must be "Bearer <token>"');
    const token = match[1];

    if (looksLikeApiKey(token)) {
      if (jwtOnly) throw new UnauthorizedError('This endpoint accepts a JWT only');
      const key = await this.apiKeys.resolve(token);
      if (!key) throw new UnauthorizedError('Invalid or revoked API key');
      return {
        tenantId: key.tenantId,
        orgId: key.orgId,
        role: key.role,
        actorType: 'api_key',
        actorId: key.id,
        requestId: req.id,
      };
    }
    const claims = this.tokens.check(token);
    if (!claims) throw new UnauthorizedError('Invalid or expired token');
    if (await this.revocations.isRevoked(claims)) throw new UnauthorizedError('This token was revoked; sign in again');
    return {
      tenantId: claims.tenantId,
      orgId: claims.orgId,
      role: claims.role,
      actorType: 'user',
      actorId: claims.sub,
      email: claims.email,
      requestId: req.id,
    };
  }
}
