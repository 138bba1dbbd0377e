import { normalizeDomain } from '../intel/export/csv.js';
import { formatIpv4, formatIpv6, isV4Mapped, parseIpv4, parseIpv6 } from './ip.js';

/**
 * The one normal form each kind of value is compared in, applied the same way
 * to indicator values at compile time and to observed values at match time.
 * Every function returns its input unchanged (no allocation) when it is
 * already normal, which is the common case on the hot path, and `undefined`
 * when the text is not a value of that kind. All normal forms are ASCII, so
 * the lookup tables store one byte per character.
 */

/** True for ASCII `a-z 0-9 - _ .` (the characters of a normal domain). */
function isNormalDomainChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95;
}

/**
 * A domain as DNS carries it: lowercase, IDN labels in punycode (UTS #46 via
 * `domainToASCII`), no trailing dot; `undefined` unless it is LDH labels
 * (underscore allowed) of at most 63, 253 in all. Same rules as the intel
 * exporters' `normalizeDomain`, which handles everything but the fast path.
 */
export function normalizeDomainValue(v: string): string | undefined {
  const n = v.length;
  if (n === 0 || n > 1024) return undefined;
  if (n > 253) return normalizeDomain(v);
  let ok = true;
  let label = 0;
  let prev = 46;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (!isNormalDomainChar(c)) {
      ok = false;
      break;
    }
    if (c === 46) {
      // Empty labels and labels that start or end with '-' need the full check.
      if (prev === 46 || prev === 45) {
        ok = false;
        break;
      }
      label = 0;
    } else {
      if (prev === 46 && c === 45) {
        ok = false;
        break;
      }
      if (++label > 63) return undefined;
    }
    prev = c;
  }
  if (ok && prev !== 46 && prev !== 45) return v;
  return normalizeDomain(v);
}

/** Lowercase hex of the given length; `undefined` otherwise. */
export function normalizeHash(v: string, length: number): string | undefined {
  if (v.length !== length) return undefined;
  let lower = true;
  for (let i = 0; i < length; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
    if (c >= 65 && c <= 70) {
      lower = false;
      continue;
    }
    return undefined;
  }
  return lower ? v : v.toLowerCase();
}

const words = [0, 0, 0, 0];

/**
 * The canonical text of an address: a dotted quad, or RFC 5952 IPv6;
 * IPv4-mapped IPv6 becomes the IPv4 address. Brackets and a zone are dropped.
 */
export function canonicalIp(v: string): string | undefined {
  let s = 0;
  let e = v.length;
  if (v.charCodeAt(0) === 91 && v.charCodeAt(e - 1) === 93) {
    s = 1;
    e--;
  }
  const v4 = parseIpv4(v, s, e);
  if (v4 >= 0) return s === 0 ? v : formatIpv4(v4);
  const pct = v.indexOf('%', s);
  if (pct >= 0 && pct < e) e = pct;
  if (!parseIpv6(v, words, s, e)) return undefined;
  return isV4Mapped(words) ? formatIpv4(words[3] as number) : formatIpv6(words);
}

/**
 * An e-mail address in its compared form: the address inside `Name <…>` if
 * any, the domain normalised as a domain, the local part lowercased (RFC 5321
 * leaves its case to the receiving host; in practice it is folded), non-ASCII
 * characters percent-encoded as UTF-8 so every key is ASCII. `undefined` when
 * there is no `local@domain`.
 */
export function normalizeEmail(v: string): string | undefined {
  let s = v;
  const lt = s.indexOf('<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    s = s.slice(lt + 1, gt);
  }
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1 || s.length > 320) return undefined;
  let local = s.slice(0, at);
  const domain = normalizeDomainValue(s.slice(at + 1));
  if (!domain || local.length > 64 || (/[\s<>()[\\\],;:@"]/.test(local) && !/^".*"$/.test(local))) return undefined;
  local = local.toLowerCase();
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(local)) local = encodeNonAscii(local);
  const out = `${local}@${domain}`;
  return out === v ? v : out;
}

/** Non-ASCII characters (and controls, space and `%` itself, so the encoding is unambiguous) as uppercase %XX of their UTF-8. */
function encodeNonAscii(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c > 0x20 && c < 0x7f && c !== 0x25) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// ---------------------------------------------------------------------------
// URLs

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443', ftp: '21' };

/** RFC 3986 §2.3 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c === 126;
}

/** Characters a normal path/query may hold literally: unreserved, sub-delims, ":", "@", "/", "?" (RFC 3986 §3.3–3.4). */
function isPathChar(c: number): boolean {
  return isUnreserved(c) || c === 33 || c === 36 || (c >= 38 && c <= 44) || c === 59 || c === 61 || c === 58 || c === 64 || c === 47 || c === 63;
}

const HEXU = '0123456789ABCDEF';

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * Percent-encoding normalised (RFC 3986 §6.2.2.2): escapes of unreserved
 * characters decoded, the others with uppercase hex; characters that may not
 * appear literally (space, controls, `"<>\^`{|}`, non-ASCII as UTF-8) encoded.
 * A `%` not followed by two hex digits is encoded as `%25`.
 */
function normalizePercent(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 || !isPathChar(c)) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        const b = h * 16 + l;
        out += isUnreserved(b) ? String.fromCharCode(b) : `%${HEXU[h]}${HEXU[l]}`;
        i += 2;
      } else {
        out += '%25';
      }
    } else if (isPathChar(c)) {
      out += s[i];
    } else {
      const cp = s.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out += `%${HEXU[b >> 4]}${HEXU[b & 15]}`;
    }
  }
  return out;
}

/** RFC 3986 §5.2.4 remove_dot_segments, for paths that contain a `.` segment. */
function removeDotSegments(path: string): string {
  if (!/(^|\/)\.\.?(\/|$)/.test(path)) return path;
  const out: string[] = [];
  const segs = path.split('/');
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const last = i === segs.length - 1;
    if (seg === '.') {
      if (last) out.push('');
    } else if (seg === '..') {
      if (out.length > 1) out.pop();
      if (last) out.push('');
    } else {
      out.push(seg);
    }
  }
  const joined = out.join('/');
  return path.startsWith('/') && !joined.startsWith('/') ? `/${joined}` : joined;
}

/** A URL's parts after normalisation; `scheme` is '' for a scheme-less `host/path`. */
export interface NormalUrl {
  scheme: string;
  /** `[userinfo@]host[:port]` with the host lowercase (punycode, or a canonical IP literal) and a default port removed. */
  authority: string;
  /** The host alone, as in `authority` (IPv6 without brackets). */
  host: string;
  /** Path and query (never empty when there is an authority: at least `/`), fragment removed. */
  rest: string;
}

/** Splits and normalises a URL; `undefined` when it has neither `scheme://` nor a `host/` shape. */
export function parseNormalUrl(v: string, schemeless = false): NormalUrl | undefined {
  const trimmed = v.trim();
  let i = 0;
  let scheme = '';
  const sep = trimmed.indexOf('://');
  if (sep > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(trimmed.slice(0, sep))) {
    scheme = trimmed.slice(0, sep).toLowerCase();
    i = sep + 3;
  } else if (!schemeless) {
    return undefined;
  }
  const hash = trimmed.indexOf('#', i);
  const body = hash < 0 ? trimmed.slice(i) : trimmed.slice(i, hash);
  let authEnd = body.length;
  for (let k = 0; k < body.length; k++) {
    const c = body.charCodeAt(k);
    if (c === 47 || c === 63 || c === 92) {
      authEnd = k;
      break;
    }
  }
  let authority = body.slice(0, authEnd);
  let rest = body.slice(authEnd);
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  let hostport = at >= 0 ? authority.slice(at + 1) : authority;
  let port = '';
  let host: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return undefined;
    const ip = canonicalIp(hostport.slice(1, close));
    if (!ip) return undefined;
    host = ip;
    const after = hostport.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    port = after.slice(1);
    hostport = ip.includes(':') ? `[${ip}]` : ip;
  } else {
    const colon = hostport.lastIndexOf(':');
    if (colon >= 0) {
      port = hostport.slice(colon + 1);
      hostport = hostport.slice(0, colon);
    }
    host = parseIpv4(hostport) >= 0 ? hostport : normalizeDomainValue(hostport);
    if (!host) return undefined;
    hostport = host;
  }
  if (port !== '') {
    if (!/^\d{1,5}$/.test(port)) return undefined;
    port = String(Number(port));
    if (Number(port) > 65535) return undefined;
  }
  if (port === DEFAULT_PORTS[scheme] || (scheme === '' && (port === '80' || port === '443'))) port = '';
  authority = `${userinfo}${hostport}${port === '' ? '' : `:${port}`}`;
  if (rest.includes('\\')) rest = rest.replace(/\\/g, '/');
  if (rest === '' || rest.startsWith('?')) rest = `/${rest}`;
  const q = rest.indexOf('?');
  const path = removeDotSegments(normalizePercent(q < 0 ? rest : rest.slice(0, q)));
  rest = q < 0 ? path : `${path}?${normalizePercent(rest.slice(q + 1))}`;
  return { scheme, authority, host, rest };
}

/**
 * The compared form of a URL (RFC 3986 §6.2.2 syntax-based normalisation):
 * scheme and host lowercase (IDN hosts in punycode, IP literals canonical),
 * default port removed, percent-encoding normalised, dot segments removed,
 * fragment removed, empty path as `/`; path and query case kept.
 */
export function normalizeUrl(v: string): string | undefined {
  if (isNormalUrl(v)) return v;
  const u = parseNormalUrl(v);
  if (!u) return undefined;
  return `${u.scheme}://${u.authority}${u.rest}`;
}

/**
 * The scheme-less form `host[:port]/path?query` of an http(s) URL, or of a
 * host and path seen in separate fields (Zeek's `host`+`uri`, EVE's
 * `http.hostname`+`http.url`), where the scheme is unknown; ports 80 and 443
 * are dropped.
 */
export function schemelessUrl(host: string, path: string): string | undefined {
  if (isNormalHost(host, 0, host.length) && isNormalPath(path, 0)) return host + path;
  const u = parseNormalUrl(`${host}${path.startsWith('/') ? '' : '/'}${path}`, true);
  return u ? `${u.authority}${u.rest}` : undefined;
}

/** True for a host that is already normal: lowercase LDH labels, no empty label, no leading or trailing `-` or `.`. */
function isNormalHost(v: string, start: number, end: number): boolean {
  if (end === start || end - start > 253) return false;
  let prev = 46;
  for (let i = start; i < end; i++) {
    const c = v.charCodeAt(i);
    if (!isNormalDomainChar(c)) return false;
    if (c === 46 && (prev === 46 || prev === 45)) return false;
    if (c === 45 && prev === 46) return false;
    prev = c;
  }
  return prev !== 46 && prev !== 45;
}

/** True for a path (and query) that is already normal: starts with `/`, plain characters, no `%`, `#`, `\\` or dot segments. */
function isNormalPath(v: string, start: number): boolean {
  const n = v.length;
  if (start >= n || v.charCodeAt(start) !== 47) return false;
  let slash = true;
  for (let i = start; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 37 || c === 92 || !isPathChar(c)) return false;
    if (c === 46 && slash) return false;
    slash = c === 47;
    if (c === 63) {
      for (i++; i < n; i++) {
        const d = v.charCodeAt(i);
        if (d === 37 || !isPathChar(d)) return false;
      }
      return true;
    }
  }
  return true;
}

/**
 * Fast check for the usual observed URL that is already normal: lowercase
 * `http(s)://`, a normal host without port or user info, and a normal path.
 */
function isNormalUrl(v: string): boolean {
  let i: number;
  if (v.startsWith('http://')) i = 7;
  else if (v.startsWith('https://')) i = 8;
  else return false;
  const slash = v.indexOf('/', i);
  return slash > i && isNormalHost(v, i, slash) && isNormalPath(v, slash);
}

/** The host of a URL in normal form (as normalizeUrl returns it), IPv6 without brackets. */
export function hostOfNormalUrl(n: string): string {
  const sep = n.indexOf('://');
  const start = sep < 0 ? 0 : sep + 3;
  let end = start;
  while (end < n.length) {
    const c = n.charCodeAt(end);
    if (c === 47 || c === 63) break;
    end++;
  }
  let auth = n.slice(start, end);
  const at = auth.lastIndexOf('@');
  if (at >= 0) auth = auth.slice(at + 1);
  if (auth.startsWith('[')) return auth.slice(1, auth.indexOf(']'));
  const colon = auth.lastIndexOf(':');
  return colon < 0 ? auth : auth.slice(0, colon);
}
