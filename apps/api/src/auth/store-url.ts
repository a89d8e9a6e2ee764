/**
 * Canonical form of a store URL so one store is one row however it is typed: lower-case host,
 * no `www.`, no default port, no trailing slash, no query or fragment.
 */
export function normaliseStoreUrl(input: string): string {
  const u = new URL(input.trim());
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('storeUrl must be http or https');
  let host = u.hostname.toLowerCase();
  if (host.startsWith('www.')) host = host.slice(4);
  const port = u.port && !((u.protocol === 'https:' && u.port === '443') || (u.protocol === 'http:' && u.port === '80')) ? `:${u.port}` : '';
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${host}${port}${path}`;
}
