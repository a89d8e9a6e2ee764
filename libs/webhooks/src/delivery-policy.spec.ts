import { decide, deliveryJobId, formatDuration, withJitter } from './delivery-policy';

const SCHEDULE = [0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000];
const mid = () => 0.5;

describe('webhook delivery policy', () => {
  it('succeeds on any 2xx', () => {
    for (const status of [200, 201, 202, 204, 299]) {
      expect(decide({ kind: 'response', status }, 1, SCHEDULE, mid)).toEqual({ outcome: 'succeeded' });
    }
  });

  it('retries 408, 429, 5xx, timeouts and connection errors along the schedule', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(decide({ kind: 'response', status }, 1, SCHEDULE, mid)).toEqual({ outcome: 'retry', delayMs: 5000 });
    }
    expect(decide({ kind: 'no-response' }, 2, SCHEDULE, mid)).toEqual({ outcome: 'retry', delayMs: 300000 });
    expect(decide({ kind: 'no-response' }, 7, SCHEDULE, mid)).toEqual({ outcome: 'retry', delayMs: 36000000 });
    // the eighth attempt was the last
    expect(decide({ kind: 'no-response' }, 8, SCHEDULE, mid)).toEqual({ outcome: 'failed' });
  });

  it('adds ±10 % jitter', () => {
    expect(decide({ kind: 'response', status: 500 }, 1, SCHEDULE, () => 0)).toEqual({ outcome: 'retry', delayMs: 4500 });
    expect(decide({ kind: 'response', status: 500 }, 1, SCHEDULE, () => 1)).toEqual({ outcome: 'retry', delayMs: 5500 });
    expect(withJitter(0)).toBe(0);
    for (let i = 0; i < 100; i++) {
      const d = withJitter(1000);
      expect(d).toBeGreaterThanOrEqual(900);
      expect(d).toBeLessThanOrEqual(1100);
    }
  });

  it('never retries sooner than Retry-After (seconds or HTTP date)', () => {
    expect(decide({ kind: 'response', status: 429, retryAfter: '120' }, 1, SCHEDULE, mid)).toEqual({ outcome: 'retry', delayMs: 120000 });
    expect(decide({ kind: 'response', status: 503, retryAfter: '1' }, 2, SCHEDULE, mid)).toEqual({ outcome: 'retry', delayMs: 300000 });
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(decide({ kind: 'response', status: 503, retryAfter: 'Thu, 01 Jan 2026 00:01:00 GMT' }, 1, SCHEDULE, mid, now)).toEqual({
      outcome: 'retry',
      delayMs: 60000,
    });
    expect(decide({ kind: 'response', status: 429, retryAfter: 'garbage' }, 1, SCHEDULE, mid)).toEqual({ outcome: 'retry', delayMs: 5000 });
  });

  it('fails 3xx and other 4xx at once, disables on 410, fails refused targets', () => {
    for (const status of [301, 302, 307, 308, 400, 401, 403, 404, 413, 422]) {
      expect(decide({ kind: 'response', status }, 1, SCHEDULE, mid)).toEqual({ outcome: 'failed' });
    }
    expect(decide({ kind: 'response', status: 410 }, 1, SCHEDULE, mid)).toEqual({ outcome: 'failed', disableEndpoint: 'the endpoint answered 410 Gone' });
    expect(decide({ kind: 'blocked' }, 1, SCHEDULE, mid)).toEqual({ outcome: 'failed' });
  });

  it('names wake-up jobs deterministically (BullMQ ids may not contain ":")', () => {
    expect(deliveryJobId('d1', 0)).toBe('d1');
    expect(deliveryJobId('d1', 3)).toBe('d1.a3');
    expect(deliveryJobId('d1', 3)).not.toContain(':');
  });

  it('formats the disable period for the notice', () => {
    expect(formatDuration(5 * 24 * 3600_000)).toBe('5 days');
    expect(formatDuration(24 * 3600_000)).toBe('1 day');
    expect(formatDuration(7200_000)).toBe('2 h');
    expect(formatDuration(90_000)).toBe('1 min');
    expect(formatDuration(1000)).toBe('1 s');
    expect(formatDuration(5)).toBe('5 ms');
  });
});
