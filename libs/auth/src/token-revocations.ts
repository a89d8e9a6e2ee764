import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { RedisService, SharedCache } from '@synq/redis';
import type { JwtClaims } from './token.service';

/**
 * JWTs are stateless, so taking a user out of a tenant (or changing their role) must also cut off
 * the tokens already issued. The revocation is a Redis key per (tenant, user) holding the second
 * from which tokens are valid again, kept as long as a token can live; a token issued before it is
 * refused. Shared by every api replica.
 *
 * The request path asks Redis once per user every 2 s at most: the answer is kept in a per-process
 * SharedCache that a revocation empties at once on every replica (the revoking process drops its own
 * entry before answering, the others on the Redis channel message).
 */
@Injectable()
export class TokenRevocations implements OnApplicationShutdown {
  private readonly cache: SharedCache<number | null>;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cache = new SharedCache<number | null>(redis, 'jwt-revoked', 2000, 10_000);
  }

  private key(tenantId: string, userId: string): string {
    return this.redis.key('jwt-revoked', tenantId, userId);
  }

  /** Every token of this user for this tenant issued up to now stops working. */
  async revoke(tenantId: string, userId: string): Promise<void> {
    const validFrom = Math.floor(Date.now() / 1000) + 1;
    const key = this.key(tenantId, userId);
    this.cache.forget(key);
    await this.redis.client.set(key, String(validFrom), 'EX', this.config.jwtExpiresInSeconds + 60);
    await this.cache.invalidate(key);
  }

  /**
   * Fails open while Redis is unreachable, like the rate limiter: an outage degrades revocation for
   * its duration rather than locking every user out (the api's readiness reports Redis down).
   */
  async isRevoked(claims: JwtClaims): Promise<boolean> {
    const key = this.key(claims.tenantId, claims.sub);
    let validFrom = this.cache.get(key);
    if (validFrom === undefined) {
      const gen = this.cache.begin();
      let v: string | null;
      try {
        v = await this.redis.client.get(key);
      } catch {
        return false;
      }
      validFrom = v === null ? null : Number(v);
      this.cache.set(key, validFrom, gen);
    }
    if (validFrom === null) return false;
    return (claims.iat ?? 0) < validFrom;
  }

  onApplicationShutdown(): void {
    this.cache.close();
  }
}
