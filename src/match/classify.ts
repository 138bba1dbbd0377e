/**
 * Shape classification: what kind of indicator value a string could be when
 * its field says nothing (unknown JSON fields, CSV cells, plain-text tokens).
 * One pass over the characters, no regular expressions; it only proposes a
 * kind, the normaliser of that kind then decides (and may refuse).
 */

export const Shape = {
  NONE: 0,
  IP: 1,
  HASH: 2,
  URL: 3,
  EMAIL: 4,
  DOMAIN: 5,
} as const;
export type ShapeCode = (typeof Shape)[keyof typeof Shape];

// Character classes, one bit each.
const DIGIT = 1;
const HEXL = 2; // a-f A-F
const ALPHA = 4; // other letters
const DOT = 8;
const COLON = 16;
const HYPHEN = 32; // - and _
const AT = 64;
const EMAILP = 128; // + % (local part only)
const BRACKET = 256; // [ ]

const CLASS = new Uint16Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = c <= 70 ? HEXL : ALPHA;
for (let c = 97; c <= 122; c++) CLASS[c] = c <= 102 ? HEXL : ALPHA;
CLASS[46] = DOT;
CLASS[58] = COLON;
CLASS[45] = HYPHEN;
CLASS[95] = HYPHEN;
CLASS[64] = AT;
CLASS[43] = EMAILP;
CLASS[37] = EMAILP;
CLASS[91] = BRACKET;
CLASS[93] = BRACKET;

/** True when `v[0, end)` is a URL scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`, RFC 3986 §3.1). */
function isScheme(v: string, end: number): boolean {
  if (end < 2 || end > 32) return false;
  const c0 = v.charCodeAt(0) | 0x20;
  if (c0 < 97 || c0 > 122) return false;
  for (let i = 1; i < end; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128) return false;
    const k = CLASS[c] as number;
    if (!(k & (DIGIT | HEXL | ALPHA)) && c !== 43 && c !== 45 && c !== 46) return false;
  }
  return true;
}

/** The kind `v` looks like, or Shape.NONE. */
export function shapeOf(v: string): ShapeCode {
  const n = v.length;
  if (n < 3 || n > 8192) return Shape.NONE;
  const sep = v.indexOf('://');
  if (sep > 0) return isScheme(v, sep) ? Shape.URL : Shape.NONE;
  let seen = 0;
  let at = -1;
  let dots = 0;
  let colons = 0;
  let lastDot = -1;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128) {
      // Non-ASCII: only an internationalised domain name or mailbox is possible.
      seen |= ALPHA;
      continue;
    }
    const k = CLASS[c] as number;
    if (k === 0) return Shape.NONE;
    seen |= k;
    if (k === DOT) {
      dots++;
      lastDot = i;
    } else if (k === AT) {
      if (at >= 0) return Shape.NONE;
      at = i;
    } else if (k === COLON) {
      colons++;
    }
  }
  if (at >= 0) return at > 0 && lastDot > at + 1 && lastDot < n - 1 && !(seen & (COLON | BRACKET)) ? Shape.EMAIL : Shape.NONE;
  // `+` and `%` belong to mailboxes, or to an IPv6 zone (`fe80::1%eth0`); the address parser decides.
  // IPv6 has `::`, or eight groups (seven colons), or six groups and a dotted quad; times like 00:00:00 have neither.
  const v6 = colons >= 2 && (colons === 7 || (colons === 6 && dots === 3) || v.indexOf('::') >= 0);
  if (seen & EMAILP) return v6 ? Shape.IP : Shape.NONE;
  if ((seen & ~(DIGIT | HEXL)) === 0) return n === 32 || n === 40 || n === 64 || n === 128 ? Shape.HASH : Shape.NONE;
  // IPv6 has at least two colons (`::1`); `198.51.100.7:443` is an address and a port, not one value.
  if (seen & COLON) return v6 && (seen & (ALPHA | HYPHEN)) === 0 ? Shape.IP : Shape.NONE;
  if (seen & BRACKET) return Shape.NONE;
  if ((seen & ~(DIGIT | DOT)) === 0) return dots === 3 ? Shape.IP : Shape.NONE;
  if (dots === 0) return Shape.NONE;
  // A domain: the last label (ignoring one trailing dot) must hold a letter, so `1.2.3` and `10.5` are not domains.
  let end = n;
  if (lastDot === n - 1) {
    end = n - 1;
    lastDot = v.lastIndexOf('.', end - 1);
    if (lastDot < 0) return Shape.NONE;
  }
  for (let i = lastDot + 1; i < end; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || (CLASS[c] as number) & (HEXL | ALPHA)) return Shape.DOMAIN;
  }
  return Shape.NONE;
}

/** Characters that end a token in free text (never part of an indicator value as written in logs). */
function isBreak(c: number): boolean {
  return c <= 32 || c === 34 || c === 39 || c === 60 || c === 62 || c === 123 || c === 125 || c === 124 || c === 92 || c === 94 || c === 96 || c === 127;
}

/** Punctuation trimmed from both ends of a token (sentence and list punctuation, brackets). */
function isTrim(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 40 || c === 41 || c === 91 || c === 93 || c === 61;
}

/** Separators inside a non-URL token (`key=value`, `a,b`, `(x)`). */
function isInnerBreak(c: number): boolean {
  return c === 61 || c === 44 || c === 59 || c === 40 || c === 41 || c === 47 || c === 34;
}

/**
 * Calls `found(start, end, shape)` for every indicator-shaped token of free
 * text (a syslog message, a plain-text log line, an X.509 subject). URLs run to
 * the next space or quote; other tokens are also split at `= , ; ( ) /`, and
 * `host:port` is tried as `host` when the whole is not an IPv6 address.
 */
export function forEachToken(text: string, found: (start: number, end: number, shape: ShapeCode) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isBreak(text.charCodeAt(i))) i++;
    let j = i;
    while (j < n && !isBreak(text.charCodeAt(j))) j++;
    if (j > i) token(text, i, j, found);
    i = j;
  }
}

function token(text: string, s: number, e: number, found: (start: number, end: number, shape: ShapeCode) => void): void {
  while (s < e && isTrim(text.charCodeAt(s))) s++;
  while (e > s && isTrim(text.charCodeAt(e - 1)) && !(text.charCodeAt(e - 1) === 58 && text.charCodeAt(e - 2) === 58)) e--;
  if (e - s < 3) return;
  const sep = text.indexOf('://', s);
  if (sep > s && sep < e) {
    // `see:http://x` or `url=http://x`: the URL starts at its scheme.
    let k = sep;
    while (k > s) {
      const c = text.charCodeAt(k - 1);
      if (c >= 128 || (!((CLASS[c] as number) & (DIGIT | HEXL | ALPHA)) && c !== 43 && c !== 45 && c !== 46)) break;
      k--;
    }
    if (k < sep) found(k, e, Shape.URL);
    return;
  }
  // Split at inner separators, then classify each piece.
  let p = s;
  for (let q = s; q <= e; q++) {
    if (q === e || isInnerBreak(text.charCodeAt(q))) {
      if (q > p) piece(text, p, q, found);
      p = q + 1;
    }
  }
}

function piece(text: string, s: number, e: number, found: (start: number, end: number, shape: ShapeCode) => void): void {
  while (s < e && isTrim(text.charCodeAt(s))) s++;
  while (e > s && isTrim(text.charCodeAt(e - 1)) && !(text.charCodeAt(e - 1) === 58 && text.charCodeAt(e - 2) === 58)) e--;
  if (e - s < 3) return;
  const v = text.slice(s, e);
  const shape = shapeOf(v);
  if (shape !== Shape.NONE) {
    found(s, e, shape);
    return;
  }
  // `198.51.100.7:443`, `evil.example:8080`: the host before the last colon.
  const colon = v.lastIndexOf(':');
  if (colon > 0 && v.indexOf(':') === colon) {
    const host = shapeOf(v.slice(0, colon));
    if (host === Shape.IP || host === Shape.DOMAIN) found(s, s + colon, host);
  }
}
