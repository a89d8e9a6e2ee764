import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Characters of the time prefix: base62 milliseconds, enough until the year 8900. */
const TIME_CHARS = 8;

/**
 * Prefixed ids for things partners see (`evt_…`, `msg_…`): 24 base62 characters, the first 8 the
 * creation time in milliseconds (the alphabet is in ASCII order, so ids sort by time) and the rest
 * random (16 characters, ≈ 95 bits). Time-ordered ids go to the right edge of the primary-key
 * index: a bulk change's thousands of events no longer dirty a random index page each.
 */
export function prefixedId(prefix: string, length = 24, now = Date.now()): string {
  let time = '';
  for (let t = Math.floor(now), i = 0; i < TIME_CHARS; i++, t = Math.floor(t / 62)) time = ALPHABET[t % 62] + time;
  const random = Math.max(0, length - TIME_CHARS);
  const bytes = randomBytes(random);
  let out = '';
  for (let i = 0; i < random; i++) out += ALPHABET[bytes[i] % 62];
  return `${prefix}_${time.slice(0, length)}${out}`;
}
