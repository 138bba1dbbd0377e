import { objectTerms, type TermKind } from '../intel/export/csv.js';
import { parseIpNetwork } from '../intel/pattern/ip.js';

/**
 * The lookup terms of an indicator pattern. The reference is the intel
 * exporters' `objectTerms` (a STIX disjunction of equalities, `ISSUBSET` on an
 * address counting as one, terms classified by kind), so the matcher, the
 * REST exports and the sensor exports agree on what an indicator asserts.
 *
 * Parsing costs ~12 µs per pattern; a million indicators would spend most of
 * their compile time there although nearly all are one of a few single
 * comparisons. Those are recognised by exact regular expressions first and
 * give the same terms as `objectTerms` (a test checks the two agree); anything
 * else, including every literal with an escape, takes the parser.
 */

/** The kinds the matcher indexes. */
export type IndexKind = 'md5' | 'sha1' | 'sha256' | 'sha512' | 'ipv4' | 'ipv6' | 'ipv4-net' | 'ipv6-net' | 'domain' | 'url' | 'email';

export interface MatchTerm {
  kind: IndexKind;
  /** The value as the pattern writes it (normalised later, per kind). */
  value: string;
}

export type TermsResult =
  | { terms: MatchTerm[] }
  /** Not a STIX pattern (a parse error). */
  | { unsupported: 'invalid' }
  /** A valid pattern that is not a disjunction of equalities on indexable values: evaluate it as a whole. */
  | { unsupported: 'shape' };

const INDEX_KINDS: ReadonlySet<TermKind> = new Set<TermKind>(['md5', 'sha1', 'sha256', 'sha512', 'ipv4', 'ipv6', 'ipv4-net', 'ipv6-net', 'domain', 'url', 'email']);

const SIMPLE = /^\[(ipv4-addr|ipv6-addr|domain-name|url|email-addr):value (=|ISSUBSET) '([^'\\]+)'\]$/;
const HASH = /^\[file:hashes\.(?:'(MD5|SHA-1|SHA-256|SHA-512)'|(MD5|SHA1|SHA256|SHA512)) = '([0-9a-fA-F]+)'\]$/;
const HASH_LENGTH: Readonly<Record<string, [number, IndexKind]>> = {
  MD5: [32, 'md5'], 'SHA-1': [40, 'sha1'], SHA1: [40, 'sha1'], 'SHA-256': [64, 'sha256'], SHA256: [64, 'sha256'], 'SHA-512': [128, 'sha512'], SHA512: [128, 'sha512'],
};
const VALUE_KIND: Readonly<Record<string, IndexKind>> = { 'domain-name': 'domain', url: 'url', 'email-addr': 'email' };

/** The common single-comparison shapes, or undefined to let the parser decide. */
function fastTerms(pattern: string): MatchTerm[] | undefined {
  if (pattern.length > 2100) return undefined;
  const h = HASH.exec(pattern);
  if (h) {
    const [length, kind] = HASH_LENGTH[(h[1] ?? h[2]) as string] as [number, IndexKind];
    const value = h[3] as string;
    // A wrong length is a parse error (cti-pattern-validator's hash check): the parser reports it.
    return value.length === length ? [{ kind, value }] : undefined;
  }
  const m = SIMPLE.exec(pattern);
  if (!m) return undefined;
  const type = m[1] as string;
  const value = m[3] as string;
  if (type === 'ipv4-addr' || type === 'ipv6-addr') {
    const net = parseIpNetwork(value);
    if (!net || net.family !== (type === 'ipv4-addr' ? 4 : 6)) return undefined;
    const v4 = net.family === 4;
    return [{ kind: value.includes('/') ? (v4 ? 'ipv4-net' : 'ipv6-net') : v4 ? 'ipv4' : 'ipv6', value }];
  }
  if (m[2] !== '=') return undefined;
  return [{ kind: VALUE_KIND[type] as IndexKind, value }];
}

/** The terms of a STIX pattern, or why there are none. */
export function patternTerms(pattern: string): TermsResult {
  const fast = fastTerms(pattern);
  if (fast) return { terms: fast };
  const t = objectTerms({ type: 'indicator', pattern_type: 'stix', pattern });
  if (!t || t.unsupported === 'pattern-invalid' || t.unsupported === 'pattern-type') return { unsupported: 'invalid' };
  if (t.unsupported === 'pattern-shape' || t.terms.length === 0) return { unsupported: 'shape' };
  const terms: MatchTerm[] = [];
  for (const x of t.terms) {
    if (x.kind === undefined || !INDEX_KINDS.has(x.kind) || typeof x.value !== 'string') return { unsupported: 'shape' };
    terms.push({ kind: x.kind as IndexKind, value: x.value });
  }
  return { terms };
}
