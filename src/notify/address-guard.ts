import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { NotifyError } from './errors.js';

/**
 * Server-side request forgery guard for webhook destinations.
 *
 * A webhook URL is chosen by a member organisation, and Accord's server sends
 * requests to it: without this guard, a URL could reach the database, the
 * cloud metadata service (169.254.169.254) or anything else on the server's
 * private network. Every address a host name resolves to is checked, not just
 * the first, because the connection may use any of them.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all of its addresses (injectable for tests). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo, as connections use), all addresses, in its order. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Parses and checks a webhook URL's form: absolute http(s), no user name or
 * password (they would be sent in clear to every redirect-free hop and shown
 * in listings), a host. Messages never echo the URL: it may carry a token.
 */
export function checkWebhookUrl(raw: string): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw new NotifyError('WEBHOOK_URL_INVALID', `A webhook URL may be at most ${MAX_WEBHOOK_URL_LENGTH} characters long.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotifyError('WEBHOOK_URL_INVALID', 'The webhook URL is not an absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new NotifyError('WEBHOOK_URL_INVALID', 'A webhook URL must use https (or http).');
  if (url.username !== '' || url.password !== '') throw new NotifyError('WEBHOOK_URL_INVALID', 'A webhook URL must not contain a user name or password.');
  if (url.hostname === '') throw new NotifyError('WEBHOOK_URL_INVALID', 'The webhook URL has no host.');
  return url;
}

/** The URL's host as an address or name to resolve (IPv6 literals lose their brackets). */
export function urlHost(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/**
 * Resolves the URL's host and, unless private networks are allowed, refuses
 * it when any address is not a public unicast address. The error names the
 * kind of address, not the address (which would map internal DNS for the
 * subscriber).
 */
export async function resolveDestination(url: URL, options: { resolver?: Resolver; allowPrivateNetworks?: boolean; timeoutMs?: number } = {}): Promise<ResolvedAddress[]> {
  const host = urlHost(url);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    const resolving = (options.resolver ?? systemResolver)(host);
    const timeoutMs = options.timeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`DNS lookup timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      addresses = await Promise.race([resolving, timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (addresses.length === 0) throw new Error('DNS lookup returned no address');
  }
  if (options.allowPrivateNetworks !== true) {
    for (const a of addresses) {
      const reason = nonPublicReason(a.address);
      if (reason !== null) {
        throw new NotifyError('WEBHOOK_DESTINATION_FORBIDDEN', `The webhook host resolves to a ${reason} address; only public addresses are allowed.`);
      }
    }
  }
  return addresses;
}

/**
 * Why `address` is not a public unicast destination (`loopback`, `private`,
 * `link-local`, …), or null when it is public. IPv4-mapped, IPv4-compatible
 * and NAT64 IPv6 addresses are judged by the IPv4 address they carry.
 * Anything unparsable is refused.
 */
export function nonPublicReason(address: string): string | null {
  const kind = isIP(address);
  if (kind === 4) return v4Reason(v4ToInt(address));
  if (kind === 6) {
    const v6 = v6ToBigInt(address.replace(/%.*$/, ''));
    if (v6 === null) return 'unparsable';
    // ::ffff:a.b.c.d (mapped) and 64:ff9b::a.b.c.d (NAT64 well-known prefix) reach the IPv4 address they carry
    if (inV6(v6, V6_MAPPED) || inV6(v6, V6_NAT64)) return v4Reason(Number(v6 & 0xffffffffn));
    for (const [net, reason] of V6_RANGES) if (inV6(v6, net)) return reason;
    return null;
  }
  return 'unparsable';
}

type V4Net = [base: number, bits: number];
type V6Net = [base: bigint, bits: number];

// RFC 6890 special-purpose registries, less the globally reachable entries.
const V4_RANGES: [V4Net, string][] = [
  [v4Net('0.0.0.0/8'), 'unspecified'],
  [v4Net('10.0.0.0/8'), 'private'],
  [v4Net('100.64.0.0/10'), 'shared (carrier-grade NAT)'],
  [v4Net('127.0.0.0/8'), 'loopback'],
  [v4Net('169.254.0.0/16'), 'link-local'],
  [v4Net('172.16.0.0/12'), 'private'],
  [v4Net('192.0.0.0/24'), 'reserved'],
  [v4Net('192.0.2.0/24'), 'documentation'],
  [v4Net('192.88.99.0/24'), 'reserved'],
  [v4Net('192.168.0.0/16'), 'private'],
  [v4Net('198.18.0.0/15'), 'benchmarking'],
  [v4Net('198.51.100.0/24'), 'documentation'],
  [v4Net('203.0.113.0/24'), 'documentation'],
  [v4Net('224.0.0.0/4'), 'multicast'],
  [v4Net('240.0.0.0/4'), 'reserved'],
];

const V6_MAPPED = v6Net('::ffff:0:0/96');
const V6_NAT64 = v6Net('64:ff9b::/96');
const V6_RANGES: [V6Net, string][] = [
  [v6Net('::/128'), 'unspecified'],
  [v6Net('::1/128'), 'loopback'],
  // deprecated IPv4-compatible form (::a.b.c.d): nothing public uses it
  [v6Net('::/96'), 'reserved'],
  [v6Net('64:ff9b:1::/48'), 'private'],
  [v6Net('100::/64'), 'reserved'],
  // Teredo and 6to4 tunnel to IPv4 addresses this guard cannot see
  [v6Net('2001::/32'), 'reserved'],
  [v6Net('2001:db8::/32'), 'documentation'],
  [v6Net('2002::/16'), 'reserved'],
  [v6Net('fc00::/7'), 'private'],
  [v6Net('fe80::/10'), 'link-local'],
  [v6Net('fec0::/10'), 'link-local'],
  [v6Net('ff00::/8'), 'multicast'],
];

function v4Reason(ip: number): string | null {
  for (const [[base, bits], reason] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((ip & mask) >>> 0) === base) return reason;
  }
  return null;
}

function v4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function v4Net(cidr: string): V4Net {
  const [base, bits] = cidr.split('/') as [string, string];
  return [v4ToInt(base), Number(bits)];
}

function v6Net(cidr: string): V6Net {
  const [base, bits] = cidr.split('/') as [string, string];
  return [v6ToBigInt(base)!, Number(bits)];
}

function inV6(ip: bigint, [base, bits]: V6Net): boolean {
  const shift = BigInt(128 - bits);
  return ip >> shift === base >> shift;
}

/** Parses an IPv6 address (with `::` and an optional trailing dotted quad) to 128 bits; null if malformed. */
export function v6ToBigInt(address: string): bigint | null {
  let text = address.toLowerCase();
  const tail: number[] = [];
  const quad = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (quad !== null) {
    if (isIP(quad[2]!) !== 4) return null;
    const v4 = v4ToInt(quad[2]!);
    tail.push(v4 >>> 16, v4 & 0xffff);
    text = quad[1]!.endsWith('::') ? quad[1]! : quad[1]!.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const groups = 8 - tail.length;
  const missing = groups - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  for (const g of tail) value = (value << 16n) | BigInt(g);
  return value;
}
