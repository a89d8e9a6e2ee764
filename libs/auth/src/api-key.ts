import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@synq/crypto';

export type ApiKeyEnvironment = 'live' | 'test';

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
  redacted: string;
}

const KEY_RE = /^sk_(live|test)_[A-Za-z0-9_-]{43}$/;

/** `sk_live_` / `sk_test_` + 32 random bytes (base64url). Only the hash is ever stored. */
export function generateApiKey(environment: ApiKeyEnvironment): GeneratedApiKey {
  const key = `sk_${environment}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashApiKey(key), redacted: redactApiKey(key) };
}

export function looksLikeApiKey(token: string): boolean {
  return KEY_RE.test(token);
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function redactApiKey(key: string): string {
  return `${key.slice(0, 10)}…${key.slice(-3)}`;
}
