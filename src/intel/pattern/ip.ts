/**
 * IPv4/IPv6 addresses and CIDR blocks for the ISSUBSET / ISSUPERSET operators
 * (STIX 2.1 §9.6.1). Addresses are held as bigint so both families share one
 * containment test.
 */
export interface IpNetwork {
  family: 4 | 6;
  /** The network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.length > 45 || text.split('::').length > 2) return undefined;
  let head = text;
  let tail = '';
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    head = text.slice(0, dbl);
    tail = text.slice(dbl + 2);
  }
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  let all: number[];
  if (dbl >= 0) {
    const missing = 8 - h.length - t.length;
    if (missing < 1) return undefined;
    all = [...h, ...new Array<number>(missing).fill(0), ...t];
  } else {
    all = h;
  }
  if (all.length !== 8) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses `addr` or `addr/prefix` for either family; `undefined` when it is neither. */
export function parseIpNetwork(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const family: 4 | 6 = addr.includes(':') ? 6 : 4;
  const value = family === 4 ? parseIpv4(addr) : parseIpv6(addr);
  if (value === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const base = (value >> hostBits) << hostBits;
  return { family, base, prefix };
}

/** True when every address of `inner` is in `outer` (identical networks included). */
export function networkContains(outer: IpNetwork, inner: IpNetwork): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const hostBits = BigInt(bits - outer.prefix);
  return (inner.base >> hostBits) === (outer.base >> hostBits);
}
