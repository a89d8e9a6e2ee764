import type Redis from 'ioredis';
import { Coalescer } from '@synq/common';

/**
 * Sliding-window rate limit counted in Redis (shared by every api replica). The window is
 * approximated from two fixed windows weighted by overlap, as Cloudflare does: a burst that
 * straddles a boundary still counts against the previous window, so it can't pass twice the limit.
 * Time comes from Redis itself (one clock for all replicas).
 *
 * One call decides `n` requests of a bucket at once, exactly as n calls in a row at the same instant
 * would: the first `allowed` of them pass (each counted), the rest are refused with one retry time.
 */
const SCRIPT = `
local win = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local n = tonumber(ARGV[4] or '1')
local now
if ARGV[3] and ARGV[3] ~= '' then
  now = tonumber(ARGV[3])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local cur = math.floor(now / win)
local elapsed = now - cur * win
local curKey = KEYS[1] .. ':' .. cur
local prevKey = KEYS[1] .. ':' .. (cur - 1)
local prev = tonumber(redis.call('GET', prevKey) or '0')
local curc = tonumber(redis.call('GET', curKey) or '0')
local rest = (win - elapsed) / win
local est = prev * rest + curc
-- request i (1-based) of the batch passes when est + i <= limit
local allowed = math.floor(limit - est)
if allowed > n then allowed = n end
if allowed < 0 then allowed = 0 end
local first = math.floor(limit - (est + 1))
if allowed > 0 then
  redis.call('INCRBY', curKey, allowed)
  redis.call('PEXPIRE', curKey, win * 2)
  curc = curc + allowed
end
if allowed == n then
  return {allowed, first, 0}
end
local retry
-- within this window: wait until the previous window's weight has decayed enough
if prev > 0 and curc + 1 <= limit then
  retry = (win - elapsed) - ((limit - 1 - curc) * win / prev)
  if retry < 0 then retry = 0 end
else
  -- after the boundary the current count becomes the previous one and decays
  local e2 = 0
  if curc > 0 then e2 = win * (1 - (limit - 1) / curc) end
  if e2 < 0 then e2 = 0 end
  retry = (win - elapsed) + e2
end
return {allowed, first, math.ceil(retry)}
`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  retryAfterMs: number;
}

type WithCommand = Redis & {
  synqSlidingWindowN(key: string, windowMs: number, limit: number, nowMs: string, n: number): Promise<[number, number, number]>;
};

/** At most this many requests are decided by one Redis call. */
const MAX_BATCH = 1000;

interface Hit {
  bucket: string;
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly redis: WithCommand;
  /**
   * Requests of a bucket that arrive while its Redis call is under way wait and are decided
   * together by the next call (one round trip for a burst instead of one per request). Holds only
   * requests in flight; the count itself lives in Redis.
   */
  private readonly hits = new Coalescer<Hit, RateDecision>((_key, items) => this.call(items[0].bucket, items[0].limit, items[0].windowMs, '', items.length), MAX_BATCH);

  constructor(redis: Redis, private readonly keyPrefix: string) {
    if (!(redis as unknown as Partial<WithCommand>).synqSlidingWindowN) {
      redis.defineCommand('synqSlidingWindowN', { numberOfKeys: 1, lua: SCRIPT });
    }
    this.redis = redis as unknown as WithCommand;
  }

  async hit(bucket: string, limit: number, windowMs = 60_000, nowMs?: number): Promise<RateDecision> {
    if (nowMs !== undefined) return (await this.call(bucket, limit, windowMs, String(nowMs), 1))[0];
    return this.hits.run(`${bucket}\n${limit}\n${windowMs}`, { bucket, limit, windowMs });
  }

  private async call(bucket: string, limit: number, windowMs: number, now: string, n: number): Promise<RateDecision[]> {
    const [allowed, first, retry] = await this.redis.synqSlidingWindowN(`${this.keyPrefix}:${bucket}`, windowMs, limit, now, n);
    const out: RateDecision[] = [];
    for (let i = 0; i < n; i++) {
      out.push(i < allowed ? { allowed: true, limit, remaining: Math.max(0, first - i), retryAfterMs: 0 } : { allowed: false, limit, remaining: 0, retryAfterMs: retry });
    }
    return out;
  }
}
