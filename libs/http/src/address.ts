import { isIPv4, isIPv6 } from 'node:net';

/**
 * Classifies an IP address for outbound requests to customer-supplied URLs (GUIDE.md §2).
 * Everything that is not a globally routable unicast address is refused unless private targets are
 * allowed by configuration: loopback, RFC 1918, CGNAT, link-local (cloud metadata lives there),
 * "this network", multicast, broadcast and the reserved/documentation blocks. IPv6 forms that embed
 * an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the address they embed.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'invalid';

interface V4Range {
  base: number;
  bits: number;
  cls: AddressClass;
}

function v4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function range(cidr: string, cls: AddressClass): V4Range {
  const [base, bits] = cidr.split('/');
  return { base: v4ToInt(base), bits: Number(bits), cls };
}

const V4_RANGES: V4Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'cgnat'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'reserved'),
  range('192.88.99.0/24', 'reserved'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved'),
  range('198.51.100.0/24', 'reserved'),
  range('203.0.113.0/24', 'reserved'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
];

function inV4(n: number, r: V4Range): boolean {
  if (r.bits === 0) return true;
  const mask = r.bits === 32 ? 0xffffffff : (~0 << (32 - r.bits)) >>> 0;
  return ((n & mask) >>> 0) === ((r.base & mask) >>> 0);
}

export function classifyIPv4(ip: string): AddressClass {
  if (!isIPv4(ip)) return 'invalid';
  const n = v4ToInt(ip);
  for (const r of V4_RANGES) if (inV4(n, r)) return r.cls;
  return 'public';
}

/** Expands an IPv6 address (zone id stripped, embedded dotted IPv4 allowed) into eight 16-bit groups. */
export function expandIPv6(input: string): number[] | undefined {
  let ip = input.trim();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (!isIPv6(ip)) return undefined;
  // a trailing dotted IPv4 becomes two groups
  const lastColon = ip.lastIndexOf(':');
  const tail = ip.slice(lastColon + 1);
  if (tail.includes('.')) {
    const n = v4ToInt(tail);
    ip = `${ip.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = ip.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 && missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length > 1 ? missing : 0).fill('0'), ...rest].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function embeddedV4(hi: number, lo: number): string {
  return `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
}

export function classifyIPv6(ip: string): AddressClass {
  const g = expandIPv6(ip);
  if (!g) return 'invalid';
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible form)
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyIPv4(embeddedV4(g[6], g[7]));
  if (zeroUpTo(6)) return classifyIPv4(embeddedV4(g[6], g[7]));
  // 64:ff9b::/96 NAT64 well-known prefix and 64:ff9b:1::/48 local-use NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && (g[2] === 1 || g.slice(2, 6).every((x) => x === 0))) {
    return g[2] === 1 ? 'reserved' : classifyIPv4(embeddedV4(g[6], g[7]));
  }
  // 2002::/16 6to4: the IPv4 address sits in bits 16..47
  if (g[0] === 0x2002) return classifyIPv4(embeddedV4(g[1], g[2]));
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local'; // fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'reserved'; // 100::/64 discard
  if (g[0] === 0x2001 && g[1] < 0x0200) return 'reserved'; // 2001::/23 IETF protocol assignments (Teredo, ORCHID, …)
  return 'public';
}

export function classifyAddress(ip: string): AddressClass {
  if (isIPv4(ip)) return classifyIPv4(ip);
  return classifyIPv6(ip);
}

export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip) === 'public';
}
