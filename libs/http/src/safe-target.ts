import { promises as dns, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { AddressClass, classifyAddress } from './address';

/** What outbound requests to customer-supplied URLs may reach (GUIDE.md §2). */
export interface TargetPolicy {
  /** loopback/private/link-local targets (config `allowPrivateNetworkTargets`; tests only) */
  allowPrivate: boolean;
  /** plain http besides https */
  allowHttp: boolean;
}

export type UnsafeTargetReason = 'invalid_url' | 'scheme' | 'credentials' | 'address' | 'unresolvable';

/** A URL or resolved address that policy refuses; nothing was sent. */
export class UnsafeTargetError extends Error {
  constructor(
    readonly reason: UnsafeTargetReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeTargetError';
  }
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** Every address the system resolver returns for a name (A and AAAA), as the OS would connect. */
export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** The hostname of a URL without IPv6 brackets. */
export function bareHostname(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Synchronous checks: parses, scheme http(s) (http only when allowed), no userinfo, a host. */
export function parseTarget(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeTargetError('invalid_url', 'url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsafeTargetError('scheme', `url must use https${policy.allowHttp ? ' or http' : ''}, got ${url.protocol.replace(':', '')}`);
  }
  if (url.protocol === 'http:' && !policy.allowHttp) {
    throw new UnsafeTargetError('scheme', 'url must use https');
  }
  if (url.username || url.password) {
    throw new UnsafeTargetError('credentials', 'url must not contain credentials (user:password@)');
  }
  if (!bareHostname(url)) throw new UnsafeTargetError('invalid_url', 'url has no host');
  return url;
}

const CLASS_LABEL: Record<Exclude<AddressClass, 'public'>, string> = {
  unspecified: 'an unspecified',
  loopback: 'a loopback',
  private: 'a private-network',
  cgnat: 'a carrier-grade NAT',
  'link-local': 'a link-local',
  'unique-local': 'a unique-local',
  multicast: 'a multicast',
  broadcast: 'a broadcast',
  reserved: 'a reserved',
  invalid: 'an invalid',
};

/** Throws unless every address is allowed: one bad record is enough to refuse the host. */
export function vetAddresses(hostname: string, addresses: string[], policy: TargetPolicy): void {
  if (addresses.length === 0) throw new UnsafeTargetError('unresolvable', `${hostname} does not resolve to any address`);
  for (const address of addresses) {
    const cls = classifyAddress(address);
    if (cls === 'invalid') throw new UnsafeTargetError('address', `${hostname} resolves to an invalid address`);
    if (cls !== 'public' && !policy.allowPrivate) {
      throw new UnsafeTargetError('address', `${hostname} resolves to ${CLASS_LABEL[cls]} address (${address}), which is not allowed`);
    }
  }
}

export interface VettedTarget {
  url: URL;
  addresses: LookupAddress[];
}

/**
 * The full check for a URL at the time it is given to us (and again at each connection, see
 * {@link safeLookup}): scheme, no credentials, and every resolved address allowed.
 */
export async function assertSafeTarget(raw: string, policy: TargetPolicy, resolve: Resolver = systemResolver): Promise<VettedTarget> {
  const url = parseTarget(raw, policy);
  const host = bareHostname(url);
  const family = isIP(host);
  if (family) {
    vetAddresses(host, [host], policy);
    return { url, addresses: [{ address: host, family }] };
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    throw new UnsafeTargetError('unresolvable', `${host} could not be resolved`);
  }
  vetAddresses(host, addresses.map((a) => a.address), policy);
  return { url, addresses };
}

/**
 * A `lookup` for node:net / node:http that resolves, vets every address and hands the socket only
 * vetted ones, so the connection goes to exactly what was checked (no DNS-rebinding window between
 * a check and a connect).
 */
export function safeLookup(policy: TargetPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
    resolve(hostname)
      .then((addresses) => {
        vetAddresses(hostname, addresses.map((a) => a.address), policy);
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) throw new UnsafeTargetError('unresolvable', `${hostname} has no IPv${options.family} address`);
        if (options.all) cb(null, wanted);
        else cb(null, wanted[0].address, wanted[0].family);
      })
      .catch((err: unknown) => {
        const e =
          err instanceof UnsafeTargetError ? err : new UnsafeTargetError('unresolvable', `${hostname} could not be resolved`);
        cb(e as NodeJS.ErrnoException, '', 0);
      });
  };
}
