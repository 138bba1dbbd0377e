import { isCurrent, normalizeDomain, objectTerms, safeStixId, type Exporter, type ExportTerm } from './csv.js';
import { splitHttpUrl } from './suricata.js';

/**
 * A Zeek Intelligence Framework file (docs.zeek.org, "Intelligence
 * Framework"; base/frameworks/intel/main.zeek for the Intel::Type values):
 * tab-separated, one `#fields` header, one item per indicator term.
 *
 * Zeek's ASCII input reader unescapes `\xHH` in string and enum fields
 * (src/threading/formatters/Ascii.cc, ParseValue → util::get_unescaped_string),
 * so a tab, newline or backslash in a value is written as `\x09`, `\x0a`,
 * `\x5c` and reaches Zeek unchanged, never as a separator. A value starting
 * with `#` would read as a header line and is written `\x23…`; values equal to
 * the unset marker `-` or the empty marker `(empty)` are escaped the same way.
 *
 * Types: Intel::ADDR, Intel::SUBNET, Intel::DOMAIN, Intel::URL (host, port
 * unless 80, and path, without the scheme, as HTTP::build_url gives them), Intel::EMAIL,
 * Intel::FILE_HASH (MD5, SHA-1, SHA-256: what Zeek's file analysis computes),
 * Intel::FILE_NAME, Intel::CERT_HASH (SHA-1 of a certificate). Skipped:
 * observables (they assert no detection), revoked and (with `now`) expired
 * indicators, patterns that are not a disjunction of equalities, SHA-512 and
 * fuzzy hashes, mutexes, AS numbers, MAC addresses, non-http(s) URLs and
 * networks wider than /8.
 */

export interface ZeekOptions {
  /** `meta.source` of every item (default "accord"). */
  source?: string;
  /** `meta.url` of an item, from the indicator's id (for example its page in the web console); `-` (unset) when absent. */
  objectUrl?: (stixId: string) => string;
  /** When given, indicators whose valid_until is not after it are skipped. */
  now?: Date;
}

export const ZEEK_FIELDS = ['indicator', 'indicator_type', 'meta.source', 'meta.desc', 'meta.url'] as const;

const MIN_PREFIX = 8;

/** One field of a Zeek ASCII input line (see the module comment). */
export function zeekField(value: string): string {
  if (value === '') return '-';
  // eslint-disable-next-line no-control-regex
  let s = value.replace(/[\\\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (s.startsWith('#')) s = `\\x23${s.slice(1)}`;
  if (s === '-') s = '\\x2d';
  if (s === '(empty)') s = '\\x28empty)';
  return s;
}

function item(t: ExportTerm): { indicator: string; type: string } | undefined {
  if (typeof t.value !== 'string') return undefined;
  switch (t.kind) {
    case 'ipv4':
    case 'ipv6':
      return { indicator: t.value, type: 'Intel::ADDR' };
    case 'ipv4-net':
    case 'ipv6-net':
      return (t.prefix ?? 0) >= MIN_PREFIX ? { indicator: t.value, type: 'Intel::SUBNET' } : undefined;
    case 'domain': {
      const d = normalizeDomain(t.value);
      return d ? { indicator: d, type: 'Intel::DOMAIN' } : undefined;
    }
    case 'url': {
      const u = splitHttpUrl(t.value);
      if (!u) return undefined;
      // HTTP::build_url (base/protocols/http/utils.zeek) writes the Host header, then ":<port>" when the server port is not 80, then the URI.
      const port = u.port ?? (u.scheme === 'https' ? 443 : 80);
      return { indicator: `${u.host}${port !== 80 ? `:${port}` : ''}${u.path}`, type: 'Intel::URL' };
    }
    case 'email':
      return { indicator: t.value, type: 'Intel::EMAIL' };
    case 'md5':
    case 'sha1':
    case 'sha256':
      return { indicator: t.value.toLowerCase(), type: 'Intel::FILE_HASH' };
    case 'filename':
      return { indicator: t.value, type: 'Intel::FILE_NAME' };
    case 'x509-sha1':
      return { indicator: t.value.toLowerCase(), type: 'Intel::CERT_HASH' };
    default:
      return undefined;
  }
}

/** A Zeek intel file (see the module comment for what is skipped). */
export function zeekExporter(options: ZeekOptions = {}): Exporter {
  const source = zeekField(options.source ?? 'accord');
  return {
    contentType: 'text/plain; charset=utf-8',
    extension: () => 'intel',
    header: () => `#fields\t${ZEEK_FIELDS.join('\t')}\n`,
    line(obj, meta) {
      if (obj.type !== 'indicator' || !isCurrent(obj, options.now)) return '';
      const id = safeStixId(obj.id);
      if (!id) return '';
      const t = objectTerms(obj);
      if (!t) return '';
      const name = typeof obj.name === 'string' ? obj.name.trim() : '';
      const desc = zeekField(`${name === '' ? '' : `${name} `}(TLP:${meta.tlp}; ${id})`);
      const url = zeekField(options.objectUrl ? options.objectUrl(id) : '');
      let out = '';
      for (const x of t.terms) {
        const it = item(x);
        if (it) out += `${zeekField(it.indicator)}\t${it.type}\t${source}\t${desc}\t${url}\n`;
      }
      return out;
    },
    footer: () => '',
  };
}
