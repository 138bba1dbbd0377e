/**
 * IP addresses on the matcher's hot path: parsed straight from the text into
 * numbers (an IPv4 address is one unsigned 32-bit number, an IPv6 address four
 * of them, most significant first), without regular expressions or BigInt.
 * Spellings follow the STIX parser (`src/intel/pattern/ip.ts`): dotted quads
 * without leading zeros, IPv6 per RFC 4291 §2.2 with an optional dotted-quad
 * tail. A zone (`fe80::1%eth0`) and brackets (`[2001:db8::1]`) are accepted
 * on observed values and ignored.
 */

/** Parses a dotted quad in `s[start, end)`; the address as an unsigned 32-bit number, or -1. */
export function parseIpv4(s: string, start = 0, end = s.length): number {
  if (end - start < 7 || end - start > 15) return -1;
  let acc = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // A leading zero ("010") is refused: some stacks read it as octal.
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      acc = acc * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return acc * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

const groups = new Int32Array(8);

/**
 * Parses an IPv6 address in `s[start, end)` into `out[0..3]` (most significant
 * word first). Returns false (leaving `out` unspecified) when it is not one.
 */
export function parseIpv6(s: string, out: Uint32Array | number[], start = 0, end = s.length): boolean {
  const len = end - start;
  if (len < 2 || len > 45) return false;
  let n = 0;
  let dbl = -1;
  let i = start;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false;
    dbl = 0;
    i += 2;
  }
  while (i < end) {
    let j = i;
    let v = 0;
    while (j < end && j - i < 5) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      // A dotted-quad tail takes the last two groups.
      if (n > 6) return false;
      const v4 = parseIpv4(s, i, end);
      if (v4 < 0) return false;
      groups[n++] = Math.floor(v4 / 65536);
      groups[n++] = v4 % 65536;
      break;
    }
    if (j === i || j - i > 4 || n === 8) return false;
    groups[n++] = v;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (dbl >= 0) return false;
      dbl = n;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (dbl < 0 ? n !== 8 : n > 7) return false;
  const zeros = 8 - n;
  for (let w = 0; w < 4; w++) {
    const hi = groupAt(2 * w, n, dbl, zeros);
    const lo = groupAt(2 * w + 1, n, dbl, zeros);
    out[w] = hi * 65536 + lo;
  }
  return true;
}

function groupAt(k: number, n: number, dbl: number, zeros: number): number {
  if (dbl < 0) return groups[k] as number;
  if (k < dbl) return groups[k] as number;
  if (k < dbl + zeros) return 0;
  return groups[k - zeros] as number;
}

/** True for `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2), which the matcher treats as the IPv4 address a.b.c.d. */
export function isV4Mapped(w: Uint32Array | number[]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
}

/** a.b.c.d of an unsigned 32-bit number. */
export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The RFC 5952 text of an IPv6 address: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(w: Uint32Array | number[]): string {
  const g: number[] = [];
  for (let i = 0; i < 4; i++) {
    const x = w[i] as number;
    g.push(Math.floor(x / 65536), x % 65536);
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, b: number): string => g.slice(a, b).map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** An address or network parsed for indexing: family, network words (host bits cleared) and prefix length. */
export interface Network {
  family: 4 | 6;
  /** One word for IPv4, four for IPv6. */
  words: number[];
  prefix: number;
}

/**
 * Parses `addr` or `addr/prefix` (the forms STIX allows in ipv4-addr and
 * ipv6-addr values). IPv4-mapped IPv6 addresses and networks inside
 * `::ffff:0:0/96` come back as IPv4, so they meet observed IPv4 addresses.
 */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const end = slash < 0 ? text.length : slash;
  let prefix = -1;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    prefix = Number(p);
  }
  const v4 = parseIpv4(text, 0, end);
  if (v4 >= 0) {
    if (prefix > 32) return undefined;
    const len = prefix < 0 ? 32 : prefix;
    return { family: 4, words: [maskV4(v4, len)], prefix: len };
  }
  const w = [0, 0, 0, 0];
  if (!parseIpv6(text, w, 0, end)) return undefined;
  if (prefix > 128) return undefined;
  const len = prefix < 0 ? 128 : prefix;
  if (isV4Mapped(w) && len >= 96) return { family: 4, words: [maskV4(w[3] as number, len - 96)], prefix: len - 96 };
  for (let i = 0; i < 4; i++) w[i] = maskV4(w[i] as number, Math.max(0, Math.min(32, len - 32 * i)));
  return { family: 6, words: w, prefix: len };
}

/** `n` with all but its first `bits` bits cleared. */
export function maskV4(n: number, bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return n >>> 0;
  return (n & (0xffffffff << (32 - bits))) >>> 0;
}

/** The canonical text of a network from parseNetwork: `a.b.c.d`, compressed IPv6, with `/prefix` unless a single address. */
export function formatNetwork(n: Network): string {
  const addr = n.family === 4 ? formatIpv4(n.words[0] as number) : formatIpv6(n.words);
  return n.prefix === (n.family === 4 ? 32 : 128) ? addr : `${addr}/${n.prefix}`;
}
