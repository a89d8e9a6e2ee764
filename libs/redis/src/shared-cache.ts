import type Redis from 'ioredis';
import { TtlCache } from '@synq/common';
import type { RedisService } from './redis.service';

/**
 * A per-process cache of an answer that lives in Redis or PostgreSQL (a revocation, an API key) that
 * every replica drops at once when it changes: `invalidate` drops the entry here and publishes the
 * key on a Redis channel that each replica's cache listens to.
 *
 * - Nothing is served from the cache until this process is subscribed, nor while the subscription
 *   is down (messages could be missed): callers then ask the source every time.
 * - A lookup that raced an invalidation is not kept: take `begin()` before asking the source and
 *   hand it to `set`.
 * - Entries live `ttlMs` at most; at most `max` of them.
 */
export class SharedCache<V> {
  private readonly entries: TtlCache<V>;
  private generation = 0;
  private sub: Redis | null = null;
  private listening = false;
  private closed = false;
  private readonly channel: string;

  constructor(
    private readonly redis: RedisService,
    name: string,
    ttlMs: number,
    max: number,
  ) {
    this.entries = new TtlCache<V>(ttlMs, max);
    this.channel = redis.key('cache-invalidate', name);
  }

  get(key: string): V | undefined {
    return this.listening ? this.entries.get(key) : undefined;
  }

  /** Call before asking the source; pass the answer to `set` with it. Subscribes on first use. */
  begin(): number {
    this.listen();
    return this.generation;
  }

  set(key: string, value: V, generation: number): void {
    if (this.listening && generation === this.generation) this.entries.set(key, value);
  }

  /** Drops the entry in this process only (call it before and after changing the source). */
  forget(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  /** Drops the entry here and on every replica. */
  async invalidate(key: string): Promise<void> {
    this.forget(key);
    await this.redis.client.publish(this.channel, key);
  }

  close(): void {
    this.closed = true;
    this.listening = false;
    this.sub?.disconnect();
    this.sub = null;
  }

  private listen(): void {
    if (this.sub || this.closed) return;
    const sub = this.redis.client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.sub = sub;
    sub.on('error', () => undefined);
    const stop = () => {
      // messages may be missed from now on: serve nothing from the cache until subscribed again
      this.listening = false;
      this.generation++;
      this.entries.clear();
    };
    sub.on('close', stop);
    sub.on('end', stop);
    sub.on('reconnecting', stop);
    sub.on('message', (_channel: string, key: string) => this.forget(key));
    sub.on('ready', () => {
      sub.subscribe(this.channel).then(
        () => {
          this.generation++;
          this.entries.clear();
          this.listening = sub.status === 'ready';
        },
        () => undefined,
      );
    });
  }
}
