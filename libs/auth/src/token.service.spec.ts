import { createSigner } from 'fast-jwt';
import { loadConfig } from '@synq/config';
import { TokenService } from './token.service';
import { generateApiKey, looksLikeApiKey, hashApiKey } from './api-key';

describe('TokenService', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  const tokens = new TokenService(config);
  const claims = { sub: 'u1', tenantId: 't1', orgId: 'o1', email: 'a@b.c', role: 'admin' as const };

  it('issues tokens it accepts with the documented claims', () => {
    const t = tokens.issue(claims);
    expect(tokens.check(t)).toEqual({ ...claims, iat: expect.any(Number) });
    const payload = JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString());
    expect(payload).toEqual(expect.objectContaining({ ...claims, iat: expect.any(Number), exp: expect.any(Number) }));
  });

  it('rejects malformed, forged, expired and role-less tokens', () => {
    expect(tokens.check('nope')).toBeUndefined();
    const forged = createSigner({ key: 'x'.repeat(40), algorithm: 'HS256' })(claims);
    expect(tokens.check(forged)).toBeUndefined();
    const expired = createSigner({ key: config.jwtSecret, algorithm: 'HS256' })({
      ...claims,
      exp: Math.floor(Date.now() / 1000) - 10,
    });
    expect(tokens.check(expired)).toBeUndefined();
    const badRole = createSigner({ key: config.jwtSecret, algorithm: 'HS256', expiresIn: 60000 })({
      ...claims,
      role: 'god',
    });
    expect(tokens.check(badRole)).toBeUndefined();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(tokens.check(none)).toBeUndefined();
  });
});

describe('api keys', () => {
  it('generates distinct, recognisable keys and stores only hashes', () => {
    const a = generateApiKey('live');
    const b = generateApiKey('test');
    expect(a.key).toMatch(/^sk_live_/);
    expect(b.key).toMatch(/^sk_test_/);
    expect(looksLikeApiKey(a.key)).toBe(true);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key);
    expect(a.redacted).toMatch(/^sk_live_..…...$/);
  });
});
