import { createHash } from 'node:crypto';
import { parseIpNetwork } from '../pattern/ip.js';
import { isCurrent, normalizeDomain, objectTerms, replaceControls, safeStixId, type Exporter, type ExportMeta, type ExportTerm } from './csv.js';

/**
 * Suricata rules from indicators whose STIX pattern is a disjunction of
 * equalities (`compileEquality`): one rule per address, network, domain or
 * http(s) URL term.
 *
 * Threat: names and values come from other organisations. Nothing they wrote
 * reaches a rule unescaped: addresses are re-checked by the IP parser, domains
 * must be LDH labels, content strings carry every byte outside a small safe
 * set as `|hex|`, `msg` escapes `\`, `;` and `"` and loses control characters,
 * and metadata holds only a checked STIX id and the TLP level.
 *
 * Not exported as rules (documented for the CLI): file hashes (Suricata's
 * filemd5/filesha1/filesha256 read a hash list file, so each MD5, SHA-1 and
 * SHA-256 term becomes a `# ` comment line naming the list it belongs in; SHA-512
 * and fuzzy hashes are dropped), e-mail addresses, file names, mutexes, AS
 * numbers, certificate hashes, URLs whose scheme is not http or https, networks
 * wider than /8, observables (they assert no detection), revoked and (with
 * `now`) expired indicators, and indicators with any other pattern shape.
 */

export interface SuricataOptions {
  /** First sid of the range (default 9,000,000); sids are `sidBase + (31-bit hash of stix id and term)`. */
  sidBase?: number;
  /** When given, indicators whose valid_until is not after it are skipped. */
  now?: Date;
  /** Text that starts every msg (default "ACCORD"). */
  msgPrefix?: string;
}

export const DEFAULT_SID_BASE = 9_000_000;
const SID_SPAN = 0x8000_0000;
/** Suricata refuses a rule longer than DETECT_MAX_RULE_SIZE (8192 bytes, src/detect.h); keep a margin. */
const MAX_RULE_BYTES = 8000;
const MAX_MSG_CHARS = 200;
/** Networks covering more than 1/256 of the address space are not indicators but mistakes (or sabotage). */
const MIN_PREFIX = 8;

/** Bytes written literally inside a content string; every other byte is written as hex between pipes. */
function literalByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || '.-_~/=&?%+,@!*$\''.includes(String.fromCharCode(b));
}

/** A `content:"…"` argument matching `s` byte for byte (UTF-8); `"`, `;`, `:`, `|`, `\` and controls are always hex. */
export function suricataContent(s: string): string {
  let out = '';
  let hex: string[] = [];
  for (const b of Buffer.from(s, 'utf8')) {
    if (literalByte(b)) {
      if (hex.length > 0) {
        out += `|${hex.join(' ')}|`;
        hex = [];
      }
      out += String.fromCharCode(b);
    } else {
      hex.push(b.toString(16).toUpperCase().padStart(2, '0'));
    }
  }
  if (hex.length > 0) out += `|${hex.join(' ')}|`;
  return `"${out}"`;
}

/** A `msg:"…"` argument: one line, at most 200 characters, with `\`, `;` and `"` escaped as Suricata's msg parser expects. */
export function suricataMsg(s: string): string {
  const flat = replaceControls(s, ' ').replace(/\s+/g, ' ').trim();
  const cut = Array.from(flat).slice(0, MAX_MSG_CHARS).join('');
  return `"${cut.replace(/[\\;"]/g, (c) => `\\${c}`)}"`;
}

/** The host (lowercase, without port or user info), the explicit port if any, and the path with query (no fragment) of an http(s) or scheme-less URL. */
export function splitHttpUrl(url: string): { scheme: 'http' | 'https' | undefined; host: string; port?: number; path: string } | undefined {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([^/?#]*)([^#]*)/.exec(url.trim());
  if (!m) return undefined;
  const scheme = m[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return undefined;
  let authority = m[2] as string;
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  let host = authority;
  let portText = '';
  const end = authority.startsWith('[') ? authority.indexOf(']') : -1;
  if (authority.startsWith('[') && end < 0) return undefined;
  const colon = authority.indexOf(':', end + 1);
  if (colon >= 0) {
    host = authority.slice(0, colon);
    portText = authority.slice(colon + 1);
    if (!/^\d{0,5}$/.test(portText) || Number(portText) > 65535) return undefined;
  }
  host = host.toLowerCase();
  if (host === '') return undefined;
  let path = m[3] as string;
  if (path === '' || path.startsWith('?')) path = `/${path}`;
  return { scheme: scheme as 'http' | 'https' | undefined, host, ...(portText === '' ? {} : { port: Number(portText) }), path };
}

/** `198.51.100.7` or `[2001:db8::1]`, as a URL writes an address. */
function isIpLiteral(host: string): boolean {
  const inner = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const net = !inner.includes('/') ? parseIpNetwork(inner) : undefined;
  return net !== undefined && (net.family === 6) === host.startsWith('[');
}

function stableHash31(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0) & 0x7fff_ffff;
}

/** Suricata rules (see the module comment for what is skipped). */
export function suricataExporter(options: SuricataOptions = {}): Exporter {
  const sidBase = options.sidBase ?? DEFAULT_SID_BASE;
  if (!Number.isSafeInteger(sidBase) || sidBase < 1 || sidBase + SID_SPAN - 1 > 0xffff_ffff) {
    throw new RangeError(`sidBase must be an integer from 1 to ${0xffff_ffff - SID_SPAN + 1}`);
  }
  const prefix = options.msgPrefix ?? 'ACCORD';
  const used = new Set<number>();
  let rules = 0;

  /** Same stix id and term → same sid offset across exports; a collision within one export moves to the next free one. */
  const sidOffset = (id: string, t: ExportTerm): number => {
    let h = stableHash31(`${id}\n${t.objectType}:${t.pathText}\n${String(t.value)}`);
    while (used.has(h)) h = (h + 1) % SID_SPAN;
    return h;
  };

  const rule = (proto: string, header: string, name: string, detection: string[], id: string, t: ExportTerm, meta: ExportMeta): string => {
    const offset = sidOffset(id, t);
    // The level is typed, but it is printed into rule syntax, so it is checked too.
    const tlp = /^[A-Z+]{3,12}$/.test(meta.tlp) ? meta.tlp.toLowerCase() : 'unknown';
    const options = [
      `msg:${suricataMsg(`${prefix} ${name} [${t.kind ?? ''}]`)}`,
      ...detection,
      `sid:${sidBase + offset}`,
      'rev:1',
      `metadata:stix_id ${id}, tlp ${tlp}`,
    ];
    const text = `alert ${proto} ${header} (${options.join('; ')};)`;
    if (Buffer.byteLength(text, 'utf8') > MAX_RULE_BYTES) return `# accord: ${t.kind ?? ''} term of ${id} is too long for a Suricata rule; skipped\n`;
    used.add(offset);
    rules++;
    return `${text}\n`;
  };

  const forTerm = (t: ExportTerm, id: string, name: string, meta: ExportMeta): string => {
    if (typeof t.value !== 'string') return '';
    switch (t.kind) {
      case 'ipv4':
      case 'ipv6':
      case 'ipv4-net':
      case 'ipv6-net':
        // The value passed the IP parser: only hex digits, '.', ':' and '/'.
        if ((t.prefix ?? 0) < MIN_PREFIX) return `# accord: network term of ${id} is wider than /${MIN_PREFIX}; skipped\n`;
        return rule('ip', `any any <> ${t.value} any`, name, [], id, t, meta);
      case 'domain': {
        const d = normalizeDomain(t.value);
        if (!d) return '';
        return rule('dns', 'any any -> any any', name, ['dns.query', `content:${suricataContent(d)}`, 'nocase', `bsize:${d.length}`], id, t, meta);
      }
      case 'url': {
        const u = splitHttpUrl(t.value);
        if (!u) return '';
        const host = normalizeDomain(u.host) ?? (isIpLiteral(u.host) ? u.host : undefined);
        if (!host) return '';
        return rule('http', 'any any -> any any', name, [
          'flow:established,to_server',
          'http.host', `content:${suricataContent(host)}`, `bsize:${Buffer.byteLength(host, 'utf8')}`,
          'http.uri', `content:${suricataContent(u.path)}`, `bsize:${Buffer.byteLength(u.path, 'utf8')}`,
        ], id, t, meta);
      }
      case 'md5':
      case 'sha1':
      case 'sha256':
        // The value passed the hash format check: hex digits only.
        return `# accord: file${t.kind} list entry (no rule; filemd5/filesha1/filesha256 need a hash list file): ${t.value.toLowerCase()} ${id}\n`;
      default:
        return '';
    }
  };

  return {
    contentType: 'text/plain; charset=utf-8',
    extension: () => 'rules',
    header: () => `# Accord intel export: Suricata rules, sids ${sidBase}-${sidBase + SID_SPAN - 1}\n`,
    line(obj, meta) {
      if (obj.type !== 'indicator' || !isCurrent(obj, options.now)) return '';
      const id = safeStixId(obj.id);
      if (!id) return '';
      const t = objectTerms(obj);
      if (!t || t.terms.length === 0) return '';
      const name = typeof obj.name === 'string' && obj.name.trim() !== '' ? obj.name : id;
      return t.terms.map((x) => forTerm(x, id, name, meta)).join('');
    },
    footer: () => `# ${rules} rules\n`,
  };
}
