import { backoffDelay, isRetryableStatus, parseRetryAfter, RetryableError } from './retry';

describe('retry policy', () => {
  it('grows exponentially with jitter inside [exp/2, exp]', () => {
    expect(backoffDelay(1, undefined, 1000, () => 0)).toBe(500);
    expect(backoffDelay(1, undefined, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(4, undefined, 1000, () => 1)).toBe(8000);
    expect(backoffDelay(30, undefined, 1000, () => 1)).toBe(600000);
  });

  it('never retries earlier than Retry-After', () => {
    expect(backoffDelay(1, new RetryableError('429', 7000), 1000, () => 0)).toBe(7000);
  });

  it('classifies statuses', () => {
    expect([408, 429, 500, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  it('parses Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('999999')).toBe(3600000);
  });
});
