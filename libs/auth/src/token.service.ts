import { Inject, Injectable } from '@nestjs/common';
import { createSigner, createVerifier } from 'fast-jwt';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { Role, ROLES } from '@synq/common';

export interface JwtClaims {
  sub: string;
  tenantId: string;
  orgId: string;
  email: string;
  role: Role;
  iat?: number;
  exp?: number;
}

/**
 * Issues and verifies HS256 JWTs. Verification is on every request's path, so it uses fast-jwt
 * with a bounded cache of verified tokens (the cache honours `exp`).
 */
@Injectable()
export class TokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verify: (token: string) => Record<string, unknown>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.sign = createSigner({
      key: config.jwtSecret,
      algorithm: 'HS256',
      expiresIn: config.jwtExpiresInSeconds * 1000,
    });
    this.verify = createVerifier({
      key: config.jwtSecret,
      algorithms: ['HS256'],
      cache: 10_000,
      cacheTTL: 600_000,
      requiredClaims: ['sub', 'tenantId', 'orgId', 'exp'],
    });
  }

  issue(claims: Omit<JwtClaims, 'iat' | 'exp'>): string {
    return this.sign({ ...claims });
  }

  /** Returns the claims, or undefined when the token is malformed, badly signed or expired. */
  check(token: string): JwtClaims | undefined {
    let payload: Record<string, unknown>;
    try {
      payload = this.verify(token);
    } catch {
      return undefined;
    }
    const { sub, tenantId, orgId, email, role, iat } = payload;
    if (
      typeof sub !== 'string' ||
      typeof tenantId !== 'string' ||
      typeof orgId !== 'string' ||
      typeof role !== 'string' ||
      !(ROLES as readonly string[]).includes(role)
    ) {
      return undefined;
    }
    return { sub, tenantId, orgId, email: typeof email === 'string' ? email : '', role: role as Role, iat: typeof iat === 'number' ? iat : undefined };
  }
}
