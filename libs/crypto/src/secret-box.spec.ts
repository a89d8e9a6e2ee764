import { SecretBox } from './secret-box';
import { hashPassword, verifyPassword, safeEqual } from './hashing';

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 1));

  it('round-trips and uses a fresh IV each time', () => {
    const a = box.seal('cs_secret');
    const b = box.seal('cs_secret');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('cs_secret');
    expect(box.open(a)).toBe('cs_secret');
  });

  it('refuses tampered ciphertext and foreign keys', () => {
    const sealed = box.seal('token');
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 1;
    parts[4] = ct.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow(/unknown key id/);
  });
});

describe('password hashing', () => {
  it('verifies the right password only', async () => {
    const h = await hashPassword('correct horse');
    expect(h.startsWith('scrypt$')).toBe(true);
    await expect(verifyPassword('correct horse', h)).resolves.toBe(true);
    await expect(verifyPassword('wrong', h)).resolves.toBe(false);
    expect(safeEqual('a', 'a')).toBe(true);
    expect(safeEqual('a', 'ab')).toBe(false);
  });
});
