import type Redis from 'ioredis';

/**
 * Sliding-window rate limit counted in Redis (shared by every api replica). The window is
 * approximated from two fixed windows weighted by overlap, as Cloudflare does: a burst that
 * straddles a boundary still counts against the previous window, so it can't pass twice the limit.
 * Time comes from Redis itself (one clock for all replicas).
 */
const SCRIPT = `
local win = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
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
if est + 1 > limit then
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
  return {0, 0, math.ceil(retry)}
end
redis.call('INCR', curKey)
redis.call('PEXPIRE', curKey, win * 2)
local remaining = math.floor(limit - (est + 1))
if remaining < 0 then remaining = 0 end
return {1, remaining, 0}
`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  retryAfterMs: number;
}

type WithCommand = Redis & {
  synqSlidingWindow(key: string, windowMs: number, limit: number, nowMs: string): Promise<[number, number, number]>;
};

export class RateLimiter {
  private readonly redis: WithCommand;

  constructor(redis: Redis, private readonly keyPrefix: string) {
    if (!(redis as unknown as Partial<WithCommand>).synqSlidingWindow) {
      redis.defineCommand('synqSlidingWindow', { numberOfKeys: 1, lua: SCRIPT });
    }
    this.redis = redis as unknown as WithCommand;
  }

  async hit(bucket: string, limit: number, windowMs = 60_000, nowMs?: number): Promise<RateDecision> {
    const [allowed, remaining, retry] = await this.redis.synqSlidingWindow(
      `${this.keyPrefix}:${bucket}`,
      windowMs,
      limit,
      nowMs === undefined ? '' : String(nowMs),
    );
    return { allowed: allowed === 1, limit, remaining, retryAfterMs: retry };
  }
}
