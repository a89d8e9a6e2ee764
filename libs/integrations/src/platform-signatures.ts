import { hmacSha256, safeEqual } from '@synq/crypto';

/**
 * Signatures the platforms put on what they send Synq. Every comparison is constant-time.
 */

const escapeValue = (s: string) => s.replace(/%/g, '%25').replace(/&/g, '%26');
const escapeKey = (s: string) => escapeValue(s).replace(/=/g, '%3D');

/**
 * The message Shopify signs on an OAuth redirect: every query parameter except `hmac` and
 * `signature`, sorted by name, `name=value` joined with `&` (`%`, `&` and, in names, `=` escaped).
 */
export function shopifyQueryMessage(params: Iterable<[string, string]>): string {
  return [...params]
    .filter(([k]) => k !== 'hmac' && k !== 'signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${escapeKey(k)}=${escapeValue(v)}`)
    .join('&');
}

/** Lower-case hex HMAC-SHA256 of the redirect's parameters with the app secret. */
export function shopifyQueryHmac(params: Iterable<[string, string]>, secret: string): string {
  return hmacSha256(secret, shopifyQueryMessage(params)).toString('hex');
}

export function verifyShopifyQueryHmac(params: [string, string][], secret: string): boolean {
  const given = params.find(([k]) => k === 'hmac')?.[1];
  if (!secret || !given || !/^[0-9a-f]{64}$/i.test(given)) return false;
  return safeEqual(shopifyQueryHmac(params, secret), given.toLowerCase());
}

/** Base64 HMAC-SHA256 of a webhook's raw body: Shopify's `X-Shopify-Hmac-Sha256`, WooCommerce's `X-WC-Webhook-Signature`. */
export function bodyHmacBase64(rawBody: Buffer | string, secret: string): string {
  return hmacSha256(secret, rawBody).toString('base64');
}

export function verifyBodyHmac(rawBody: Buffer | undefined, header: string | undefined, secret: string | undefined): boolean {
  if (!rawBody || !header || !secret) return false;
  return safeEqual(bodyHmacBase64(rawBody, secret), header.trim());
}
