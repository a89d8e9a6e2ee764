import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { TtlCache } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { RedisService } from '@synq/redis';
import type { JwtClaims } from './token.service';

/** How long a looked-up revocation state is reused, and how many are kept (per process). */
const CACHE_TTL_MS = 2000;
const CACHE_MAX = 10_000;

/**
 * JWTs are stateless, so taking a user out of a tenant (or changing their role) must also cut off
 * the tokens already issued. The revocation is a Redis key per (tenant, user) holding the second
 * from which tokens are valid again, kept as long as a token can live; a token issued before it is
 * refused. Shared by every api replica.
 *
 * The request path asks Redis once per user every 2 s at most: the answer is kept in a small
 * per-process cache that a revocation empties at once on every replica (published on a Redis
 * channel that each replica listens to; the revoking process drops its own entry before answering).
 * While that subscription is not established, nothing is cached and every request asks Redis.
 */
@Injectable()
export class TokenRevocations implements OnApplicationShutdown {
  private readonly cache = new TtlCache<number | null>(CACHE_TTL_MS, CACHE_MAX);
  /** bumped on every revocation seen: a lookup that raced one is not cached */
  private generation = 0;
  private sub: Redis | null = null;
  private listening = false;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private key(tenantId: string, userId: string): string {
    return this.redis.key('jwt-revoked', tenantId, userId);
  }

  private get channel(): string {
    return this.redis.key('jwt-revoked-changes');
  }

  /** Every token of this user for this tenant issued up to now stops working. */
  async revoke(tenantId: string, userId: string): Promise<void> {
    const validFrom = Math.floor(Date.now() / 1000) + 1;
    const key = this.key(tenantId, userId);
    this.forget(key);
    await this.redis.client.set(key, String(validFrom), 'EX', this.config.jwtExpiresInSeconds + 60);
    this.forget(key);
    await this.redis.client.publish(this.channel, key);
  }

  /**
   * Fails open while Redis is unreachable, like the rate limiter: an outage degrades revocation for
   * its duration rather than locking every user out (the api's readiness reports Redis down).
   */
  async isRevoked(claims: JwtClaims): Promise<boolean> {
    const key = this.key(claims.tenantId, claims.sub);
    const now = Date.now();
    let validFrom: number | null;
    const hit = this.listening ? this.cache.get(key, now) : undefined;
    if (hit !== undefined) {
      validFrom = hit;
    } else {
      this.listen();
      const gen = this.generation;
      let v: string | null;
      try {
        v = await this.redis.client.get(key);
      } catch {
        return false;
      }
      validFrom = v === null ? null : Number(v);
      if (this.listening && gen === this.generation) this.cache.set(key, validFrom, now);
    }
    if (validFrom === null) return false;
    return (claims.iat ?? 0) < validFrom;
  }

  private forget(key: string): void {
    this.generation++;
    this.cache.delete(key);
  }

  /** Subscribes (once, lazily: only processes that check tokens) to the revocations of every replica. */
  private listen(): void {
    if (this.sub) return;
    const sub = this.redis.client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.sub = sub;
    sub.on('error', () => undefined);
    const stop = () => {
      // messages may be missed from now on: stop caching until subscribed again
      this.listening = false;
      this.generation++;
      this.cache.clear();
    };
    sub.on('close', stop);
    sub.on('end', stop);
    sub.on('reconnecting', stop);
    sub.on('message', (_channel: string, key: string) => this.forget(key));
    sub.on('ready', () => {
      sub.subscribe(this.channel).then(
        () => {
          this.generation++;
          this.cache.clear();
          this.listening = sub.status === 'ready';
        },
        () => undefined,
      );
    });
  }

  onApplicationShutdown(): void {
    this.listening = false;
    this.sub?.disconnect();
    this.sub = null;
  }
}
