import { parseRetryAfter } from '@synq/queue';

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** Time a claimed attempt may take beyond the HTTP timeout (recording it) before it counts as lost. */
export const CLAIM_MARGIN_MS = 5000;

/** Response body bytes kept in the delivery log. */
export const KEPT_RESPONSE_BYTES = 1024;

/**
 * BullMQ job id of the wake-up for a delivery's next attempt after `attemptsMade` attempts: the
 * delivery id itself for the first, then `<id>.a<n>`, so re-enqueueing the same wake-up is a no-op.
 */
export function deliveryJobId(deliveryId: string, attemptsMade: number): string {
  return attemptsMade === 0 ? deliveryId : `${deliveryId}.a${attemptsMade}`;
}

/** ±10 % jitter so endpoints that failed together are not retried in lockstep. */
export function withJitter(ms: number, random: () => number = Math.random): number {
  if (ms <= 0) return 0;
  return Math.round(ms * (0.9 + random() * 0.2));
}

export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter?: string | null }
  | { kind: 'no-response' }
  | { kind: 'blocked' };

export type Decision =
  | { outcome: 'succeeded' }
  | { outcome: 'retry'; delayMs: number }
  | { outcome: 'failed'; disableEndpoint?: string };

/**
 * The delivery rules: 2xx succeeds; 410 fails and disables the endpoint; 408, 429, 5xx, timeouts
 * and connection errors are retried along the schedule (never sooner than Retry-After); 3xx
 * (redirects are not followed), other 4xx and refused targets fail without retry.
 *
 * @param attemptInCycle attempts made in the current cycle, this one included (1 = first attempt)
 * @param schedule delays before each attempt of a cycle; its length is the number of attempts
 */
export function decide(result: AttemptResult, attemptInCycle: number, schedule: number[], random: () => number = Math.random, now = Date.now()): Decision {
  let retryAfterMs: number | undefined;
  if (result.kind === 'response') {
    const s = result.status;
    if (s >= 200 && s < 300) return { outcome: 'succeeded' };
    if (s === 410) return { outcome: 'failed', disableEndpoint: 'the endpoint answered 410 Gone' };
    if (!(s === 408 || s === 429 || s >= 500)) return { outcome: 'failed' };
    retryAfterMs = parseRetryAfter(result.retryAfter ?? undefined, now);
  } else if (result.kind === 'blocked') {
    return { outcome: 'failed' };
  }
  if (attemptInCycle >= schedule.length) return { outcome: 'failed' };
  const delayMs = Math.max(withJitter(schedule[attemptInCycle], random), retryAfterMs ?? 0);
  return { outcome: 'retry', delayMs };
}

/** "5 days", "2 h", "30 min", "1 s": for messages. */
export function formatDuration(ms: number): string {
  const units: [number, string, string][] = [
    [86_400_000, ' day', ' days'],
    [3_600_000, ' h', ' h'],
    [60_000, ' min', ' min'],
    [1000, ' s', ' s'],
  ];
  for (const [size, one, many] of units) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      return `${n}${n === 1 ? one : many}`;
    }
  }
  return `${ms} ms`;
}
