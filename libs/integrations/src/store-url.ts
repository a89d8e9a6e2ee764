/**
 * Canonical form of a store URL so one store is one row however it is typed: lower-case host,
 * no `www.`, no default port, no trailing slash, no query or fragment. This is the store's identity
 * (`connections.store_key`, `plugin_sites.store_url`), not necessarily where its API answers.
 */
export function normaliseStoreUrl(input: string): string {
  const u = new URL(input.trim());
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('storeUrl must be http or https');
  let host = u.hostname.toLowerCase();
  if (host.startsWith('www.')) host = host.slice(4);
  return `${u.protocol}//${host}${portOf(u)}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * Where the store's API is called: the URL as typed with a lower-case host, no default port, no
 * trailing slash, no query or fragment (`www.` kept: a store living on www. redirects the bare name,
 * and connectors never follow redirects).
 */
export function normaliseBaseUrl(raw: string): string {
  const u = new URL(raw.trim());
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('store URL must use http or https');
  return `${u.protocol}//${u.hostname.toLowerCase()}${portOf(u)}${u.pathname.replace(/\/+$/, '')}`;
}

function portOf(u: URL): string {
  return u.port && !((u.protocol === 'https:' && u.port === '443') || (u.protocol === 'http:' && u.port === '80')) ? `:${u.port}` : '';
}

/** A Shopify shop's permanent domain: `{name}.myshopify.com`. */
export const SHOP_DOMAIN_RE = /^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$/;

/**
 * `mystore` → `mystore.myshopify.com`; a full myshopify.com domain is lower-cased; anything else
 * (another domain, a URL, `a.myshopify.com.evil.com`) answers undefined.
 */
export function normaliseShopDomain(input: string): string | undefined {
  const v = input.trim().toLowerCase();
  const shop = v.includes('.') ? v : `${v}.myshopify.com`;
  return SHOP_DOMAIN_RE.test(shop) && shop.length <= 255 ? shop : undefined;
}
