import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Characters of the time prefix: base62 milliseconds, enough until the year 8900. */
const TIME_CHARS = 8;

// random bytes drawn from the CSPRNG 4 KiB at a time (one system call per ~250 ids instead of one
// per id, as crypto.randomUUID does); each byte is used once
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomByte(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++];
}

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
  let out = '';
  for (let i = 0; i < random; i++) out += ALPHABET[randomByte() % 62];
  return `${prefix}_${time.slice(0, length)}${out}`;
}
