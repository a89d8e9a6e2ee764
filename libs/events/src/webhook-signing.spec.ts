import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookHeaders, webhookSecretKey } from './webhook-signing';
import { EVENT_TYPE_NAMES, EVENT_TYPES, isEventType, missingEventKeys } from './event-types';

describe('Standard Webhooks signing', () => {
  it('reproduces the specification’s published test vector', () => {
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('generates whsec_ secrets of 32 random bytes, base64', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(a).not.toBe(b);
    expect(webhookSecretKey(a)).toHaveLength(32);
    expect(() => webhookSecretKey('whsec_')).toThrow();
  });

  it('is verified by the official standardwebhooks receiver library, with one or two secrets', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const body = JSON.stringify({ id: 'evt_1', event: 'order.created', created_at: new Date().toISOString(), data: { id: 'ord_123', total: 24.99 } });
    const ts = Math.floor(Date.now() / 1000);
    const single = webhookHeaders([current], 'evt_1', ts, body);
    expect(new Webhook(current).verify(body, { ...single })).toMatchObject({ event: 'order.created' });

    const both = webhookHeaders([current, previous], 'evt_1', ts, body);
    expect(both['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, { ...both })).toBeTruthy();
    expect(new Webhook(previous).verify(body, { ...both })).toBeTruthy();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...both })).toThrow(/No matching signature/);
    expect(() => new Webhook(current).verify(body.replace('24.99', '0.01'), { ...both })).toThrow();
    const old = webhookHeaders([current], 'evt_1', ts - 3600, body);
    expect(() => new Webhook(current).verify(body, { ...old })).toThrow(/too old/);
  });
});

describe('event catalogue', () => {
  it('has at least the documented events, each with a description and a schema', () => {
    for (const t of [
      'product.created', 'product.updated', 'product.deleted', 'export.completed', 'sync.succeeded', 'sync.failed', 'order.created',
      'order.updated', 'stock.low', 'listing.repriced', 'settlement.completed', 'quote.created', 'quote.accepted', 'webhook.test',
    ]) {
      expect(isEventType(t)).toBe(true);
    }
    for (const name of EVENT_TYPE_NAMES) {
      const def = EVENT_TYPES[name];
      expect(def.description.length).toBeGreaterThan(10);
      expect(def.schema.type).toBe('object');
      for (const key of def.schema.required) expect(def.schema.properties[key]).toBeDefined();
    }
    expect(isEventType('toString')).toBe(false);
    expect(isEventType('order.exploded')).toBe(false);
  });

  it('names the required keys an emitter forgot', () => {
    expect(missingEventKeys('order.created', { id: 'ord_1' })).toEqual([]);
    expect(missingEventKeys('stock.low', { sku: 'A' })).toEqual(['product_id']);
  });
});
