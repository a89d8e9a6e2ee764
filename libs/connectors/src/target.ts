import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { ConnectorError } from './connector';

function v4ToInt(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
];

/** True for loopback, private, link-local, CGNAT, multicast and reserved addresses (v4 and v6). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const ip = v4ToInt(address);
    return V4_BLOCKED.some(([net, bits]) => (ip >>> (32 - bits)) === (v4ToInt(net) >>> (32 - bits)));
  }
  if (family === 6) {
    const a = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return isNonPublicAddress(mapped[1]);
    if (a === '::' || a === '::1') return true;
    const first = parseInt(a.split(':')[0] || '0', 16);
    // fc00::/7 unique-local, fe80::/10 link-local, ff00::/8 multicast
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
  }
  return true;
}

const cache = new Map<string, number>();
const CACHE_MS = 60_000;

/**
 * Outbound calls to customer-supplied store URLs (GUIDE.md §2): http(s) only, no credentials in the
 * URL, and every resolved address public unless private targets are allowed (tests). A verdict is
 * cached per host for a minute.
 */
export async function assertPublicTarget(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectorError(`store URL ${raw} is not a valid URL`, { retryable: false });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectorError(`store URL must use http or https, got ${url.protocol}`, { retryable: false });
  if (url.username || url.password) throw new ConnectorError('store URL must not contain credentials', { retryable: false });
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const until = cache.get(host);
  if (until && until > Date.now()) return url;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new ConnectorError(`store host ${host} could not be resolved`, { retryable: true });
    }
  }
  const bad = addresses.find(isNonPublicAddress);
  if (bad || addresses.length === 0) {
    throw new ConnectorError(`store host ${host} resolves to a non-public address${bad ? ` (${bad})` : ''}, which is not allowed`, { retryable: false });
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(host, Date.now() + CACHE_MS);
  return url;
}
