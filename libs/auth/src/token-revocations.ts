import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { RedisService } from '@synq/redis';
import type { JwtClaims } from './token.service';

/**
 * JWTs are stateless, so taking a user out of a tenant (or changing their role) must also cut off
 * the tokens already issued. The revocation is a Redis key per (tenant, user) holding the second
 * from which tokens are valid again, kept as long as a token can live; a token issued before it is
 * refused. Shared by every api replica; one GET on the request path, like the rate limiter.
 */
@Injectable()
export class TokenRevocations {
  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private key(tenantId: string, userId: string): string {
    return this.redis.key('jwt-revoked', tenantId, userId);
  }

  /** Every token of this user for this tenant issued up to now stops working. */
  async revoke(tenantId: string, userId: string): Promise<void> {
    const validFrom = Math.floor(Date.now() / 1000) + 1;
    await this.redis.client.set(this.key(tenantId, userId), String(validFrom), 'EX', this.config.jwtExpiresInSeconds + 60);
  }

  /**
   * Fails open while Redis is unreachable, like the rate limiter: an outage degrades revocation for
   * its duration rather than locking every user out (the api's readiness reports Redis down).
   */
  async isRevoked(claims: JwtClaims): Promise<boolean> {
    let v: string | null;
    try {
      v = await this.redis.client.get(this.key(claims.tenantId, claims.sub));
    } catch {
      return false;
    }
    if (v === null) return false;
    return (claims.iat ?? 0) < Number(v);
  }
}
