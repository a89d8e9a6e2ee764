/**
 * Retry policy shared by every processor: exponential backoff with full jitter, a floor from the
 * remote side's Retry-After when it gave one, and immediate failure for permanent errors.
 */
export class RetryableError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'RetryableError';
  }
}

export class PermanentError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'PermanentError';
  }
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 10 * 60 * 1000;

export function backoffDelay(attemptsMade: number, err?: Error, baseMs = BACKOFF_BASE_MS, random = Math.random): number {
  const exp = Math.min(BACKOFF_MAX_MS, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  const floor = err instanceof RetryableError && err.retryAfterMs ? err.retryAfterMs : 0;
  return Math.max(jittered, floor);
}

/** HTTP status → retry decision: 408, 429 and 5xx are transient; other 4xx are permanent. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds, capped at one hour. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number | undefined;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) ms = Math.max(0, at - now);
  }
  return ms === undefined ? undefined : Math.min(ms, 3600_000);
}
