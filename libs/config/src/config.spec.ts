import { ConfigError, DEFAULT_WEBHOOK_RETRY_SCHEDULE, loadConfig } from './config';

describe('webhook configuration', () => {
  it('defaults to https only, Svix’s schedule, 15 s and 5 days', () => {
    const c = loadConfig({});
    expect(c.webhookAllowHttp).toBe(false);
    expect(c.webhookRetrySchedule).toEqual(DEFAULT_WEBHOOK_RETRY_SCHEDULE);
    expect(c.webhookRetrySchedule).toEqual([0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]);
    expect(c.webhookTimeoutMs).toBe(15000);
    expect(c.webhookDisableAfterMs).toBe(5 * 24 * 3600 * 1000);
    expect(c.allowPrivateNetworkTargets).toBe(false);
    expect(c.webhookConcurrency).toBe(50);
    expect(c.syncConcurrency).toBe(50);
  });

  it('reads overrides', () => {
    const c = loadConfig({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_RETRY_SCHEDULE: '0, 200,400,800', WEBHOOK_TIMEOUT_MS: '1500', WEBHOOK_SWEEP_MS: '300' });
    expect(c.webhookAllowHttp).toBe(true);
    expect(c.webhookRetrySchedule).toEqual([0, 200, 400, 800]);
    expect(c.webhookTimeoutMs).toBe(1500);
    expect(c.webhookSweepMs).toBe(300);
  });

  it('refuses bad values and names them', () => {
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0,soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0,,5' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '-5' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '0' })).toThrow(/WEBHOOK_TIMEOUT_MS/);
    expect(() => loadConfig({ WEBHOOK_ALLOW_HTTP: 'maybe' })).toThrow(/WEBHOOK_ALLOW_HTTP/);
    expect(() => loadConfig({ WEBHOOK_CONCURRENCY: '0' })).toThrow(/WEBHOOK_CONCURRENCY/);
    expect(() => loadConfig({ SYNC_CONCURRENCY: '0' })).toThrow(/SYNC_CONCURRENCY/);
  });
});

describe('stripe and storefront configuration', () => {
  it('defaults to the real Stripe API, no fee, 60-minute checkouts', () => {
    const c = loadConfig({});
    expect(c.stripeSecretKey).toBe('');
    expect([c.stripeApiHost, c.stripeApiPort, c.stripeApiProtocol]).toEqual(['api.stripe.com', 443, 'https']);
    expect(c.stripePlatformFeeBps).toBe(0);
    expect(c.stripeCheckoutExpiresMinutes).toBe(60);
    expect(c.rateLimitStorefrontPerMinute).toBe(60);
  });

  it('refuses bad values and names them', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'pk_test_abc' })).toThrow(/STRIPE_SECRET_KEY/);
    expect(() => loadConfig({ STRIPE_API_PROTOCOL: 'ftp' })).toThrow(/STRIPE_API_PROTOCOL/);
    expect(() => loadConfig({ STRIPE_API_HOST: 'a b' })).toThrow(/STRIPE_API_HOST/);
    expect(() => loadConfig({ STRIPE_CHECKOUT_EXPIRES_MINUTES: '5' })).toThrow(/STRIPE_CHECKOUT_EXPIRES_MINUTES/);
    expect(() => loadConfig({ STRIPE_PLATFORM_FEE_BPS: '9000' })).toThrow(/STRIPE_PLATFORM_FEE_BPS/);
    expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc123' }).stripeSecretKey).toBe('sk_test_abc123');
  });
});
