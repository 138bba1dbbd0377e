import { domainToASCII } from 'node:url';
import { IntelError } from '../errors.js';
import { hashValueProblem } from '../hashes.js';
import type { ComparisonExpression, ObservationExpression, Pattern } from '../pattern/ast.js';
import { compileEquality } from '../pattern/compile-equality.js';
import { formatPathSteps } from '../pattern/format.js';
import { parseIpNetwork } from '../pattern/ip.js';
import { parsePattern } from '../pattern/parser.js';
import { parseStixTimestamp } from '../timestamp.js';
import type { TlpLevel } from '../tlp.js';

/**
 * The flat form every export format draws from — one term per indicator
 * equality and per observable value — and the CSV exporter, which prints
 * those terms as they are. Suricata, Zeek and MISP keep the terms they can
 * express; STIX passes objects through.
 *
 * Every value here comes from another organisation's STIX content, so each
 * format escapes for its own syntax and refuses what it cannot escape.
 */

/** What the caller knows about an object beyond its STIX content. */
export interface ExportMeta {
  /** The TLP level that governs the object (the caller has already checked the recipient may read it). */
  tlp: TlpLevel;
  /** When the object entered this Accord, as a STIX timestamp. */
  date_added: string;
}

/**
 * A streaming exporter: `header()`, then `line()` once per STIX object, then
 * `footer()`; the concatenation is the file. Nothing but small per-export state
 * (counters, seen sids) is kept, so a collection of any size streams through.
 */
export interface Exporter {
  /** The HTTP Content-Type of the output. */
  readonly contentType: string;
  /** The file extension of the output, without the dot. */
  extension(): string;
  header(): string;
  /** The text for one object; '' when the format has nothing to say about it. */
  line(obj: Record<string, unknown>, meta: ExportMeta): string;
  footer(): string;
}

/** Kinds of values the formats know how to express. */
export type TermKind =
  | 'ipv4' | 'ipv6' | 'ipv4-net' | 'ipv6-net'
  | 'domain' | 'url' | 'email' | 'mac'
  | 'md5' | 'sha1' | 'sha256' | 'sha512' | 'ssdeep' | 'tlsh'
  | 'filename' | 'mutex' | 'asn'
  | 'x509-md5' | 'x509-sha1' | 'x509-sha256';

/** One value an object asserts: `objectType:pathText = value`. */
export interface ExportTerm {
  objectType: string;
  /** The property path as pattern text after the colon, e.g. `value`, `hashes.'SHA-256'`. */
  pathText: string;
  value: string | number | boolean;
  /** `undefined` when no format has a name for this path (CSV then prints `objectType:pathText`). */
  kind: TermKind | undefined;
  /** For the IP kinds: the CIDR prefix length (32/128 for a single address). */
  prefix?: number;
}

export interface ObjectTerms {
  /** `indicator`: compiled from a pattern, so a detection assertion; `observable`: an SCO's own values. */
  source: 'indicator' | 'observable';
  terms: ExportTerm[];
  /** Why an indicator has no terms: its pattern is not STIX, does not parse, or is not a disjunction of equalities. */
  unsupported?: 'pattern-type' | 'pattern-invalid' | 'pattern-shape';
}

const HASH_KINDS: Readonly<Record<string, 'md5' | 'sha1' | 'sha256' | 'sha512' | 'ssdeep' | 'tlsh'>> = {
  MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512', SSDEEP: 'ssdeep', TLSH: 'tlsh',
};

/** `sha-256`, `SHA256`, `SHA-256` → `sha256` (the vocabulary names fold the same way cti-pattern-validator folds them). */
function hashKind(algorithm: string): 'md5' | 'sha1' | 'sha256' | 'sha512' | 'ssdeep' | 'tlsh' | undefined {
  return HASH_KINDS[algorithm.toUpperCase().replace(/[-_]/g, '')];
}

const VALUE_KINDS: Readonly<Record<string, TermKind>> = { 'domain-name': 'domain', url: 'url', 'email-addr': 'email', 'mac-addr': 'mac' };

function classify(objectType: string, path: readonly string[], value: string | number | boolean): { kind: TermKind | undefined; prefix?: number } {
  const none = { kind: undefined };
  if (typeof value !== 'string') {
    return objectType === 'autonomous-system' && path.length === 1 && path[0] === 'number' && Number.isInteger(value) && (value as number) >= 0 ? { kind: 'asn' } : none;
  }
  if (path.length === 1) {
    const prop = path[0];
    if ((objectType === 'ipv4-addr' || objectType === 'ipv6-addr') && prop === 'value') {
      const net = parseIpNetwork(value);
      const family = objectType === 'ipv4-addr' ? 4 : 6;
      if (!net || net.family !== family) return none;
      return { kind: value.includes('/') ? (family === 4 ? 'ipv4-net' : 'ipv6-net') : family === 4 ? 'ipv4' : 'ipv6', prefix: net.prefix };
    }
    if (prop === 'value' && VALUE_KINDS[objectType]) return { kind: VALUE_KINDS[objectType] };
    if (prop === 'name' && objectType === 'file') return { kind: 'filename' };
    if (prop === 'name' && objectType === 'mutex') return { kind: 'mutex' };
    return none;
  }
  if (path.length === 2 && path[0] === 'hashes') {
    const algorithm = path[1] as string;
    const h = hashKind(algorithm);
    // A malformed value of a known algorithm is no hash at all; no format should print it as one.
    if (!h || hashValueProblem(algorithm, value) !== undefined) return none;
    if (objectType === 'file' || objectType === 'artifact') return { kind: h };
    if (objectType === 'x509-certificate' && (h === 'md5' || h === 'sha1' || h === 'sha256')) return { kind: `x509-${h}` };
  }
  return none;
}

function term(objectType: string, path: string[], value: string | number | boolean): ExportTerm {
  const pathText = formatPathSteps({ objectType, steps: path.map((name) => ({ kind: 'key' as const, name, quoted: false })), offset: 0 });
  return { objectType, pathText, value, ...classify(objectType, path, value) };
}

/**
 * `ipv4-addr:value ISSUBSET '198.51.100.0/24'` is how STIX says "any address in
 * this network"; for lookups it is the same assertion as an equality with the
 * CIDR block, so it is rewritten to one before compileEquality sees it.
 */
function subsetAsEquality(e: ObservationExpression): ObservationExpression {
  const cmp = (c: ComparisonExpression): ComparisonExpression => {
    if (c.kind === 'or') return { ...c, operands: c.operands.map(cmp) };
    if (
      c.kind === 'comparison' && c.operator === 'ISSUBSET' && !c.negated && !Array.isArray(c.value) && c.value.kind === 'string'
      && (c.path.objectType === 'ipv4-addr' || c.path.objectType === 'ipv6-addr')
      && c.path.steps.length === 1 && c.path.steps[0]?.kind === 'key' && c.path.steps[0].name === 'value'
    ) {
      return { ...c, operator: '=' };
    }
    return c;
  };
  if (e.kind === 'observation') return { ...e, expression: cmp(e.expression) };
  if (e.kind === 'obs-or') return { ...e, operands: e.operands.map(subsetAsEquality) };
  return e;
}

/** SCO properties that hold the values worth exporting. */
function observableTerms(obj: Record<string, unknown>): ExportTerm[] {
  const type = String(obj.type);
  const out: ExportTerm[] = [];
  if (VALUE_KINDS[type] !== undefined || type === 'ipv4-addr' || type === 'ipv6-addr') {
    if (typeof obj.value === 'string') out.push(term(type, ['value'], obj.value));
  }
  if ((type === 'file' || type === 'mutex') && typeof obj.name === 'string') out.push(term(type, ['name'], obj.name));
  if (type === 'autonomous-system' && typeof obj.number === 'number') out.push(term(type, ['number'], obj.number));
  if ((type === 'file' || type === 'artifact' || type === 'x509-certificate') && typeof obj.hashes === 'object' && obj.hashes !== null && !Array.isArray(obj.hashes)) {
    for (const [algorithm, v] of Object.entries(obj.hashes as Record<string, unknown>)) if (typeof v === 'string') out.push(term(type, ['hashes', algorithm], v));
  }
  return out;
}

const OBSERVABLE_TYPES: ReadonlySet<string> = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr', 'ipv6-addr', 'mac-addr',
  'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate',
]);

/**
 * The terms of an indicator (from a STIX pattern that is a disjunction of
 * equalities, ISSUBSET on an address counting as one) or of an SCO (its value,
 * name, number or hashes). `undefined` for every other object.
 */
export function objectTerms(obj: Record<string, unknown>): ObjectTerms | undefined {
  if (obj.type === 'indicator') {
    if (obj.pattern_type !== 'stix' || typeof obj.pattern !== 'string') return { source: 'indicator', terms: [], unsupported: 'pattern-type' };
    let pattern: Pattern;
    try {
      pattern = parsePattern(obj.pattern);
    } catch (e) {
      if (e instanceof IntelError) return { source: 'indicator', terms: [], unsupported: 'pattern-invalid' };
      throw e;
    }
    const eq = compileEquality({ ...pattern, root: subsetAsEquality(pattern.root) });
    if (!eq) return { source: 'indicator', terms: [], unsupported: 'pattern-shape' };
    return { source: 'indicator', terms: eq.map((t) => term(t.objectType, t.path, t.value)) };
  }
  if (typeof obj.type === 'string' && OBSERVABLE_TYPES.has(obj.type)) return { source: 'observable', terms: observableTerms(obj) };
  return undefined;
}

/** False for revoked objects and, when `now` is given, for indicators whose valid_until has passed: blocklists should not carry them. */
export function isCurrent(obj: Record<string, unknown>, now?: Date): boolean {
  if (obj.revoked === true) return false;
  if (now && typeof obj.valid_until === 'string') {
    const until = parseStixTimestamp(obj.valid_until);
    if (until && until.epochMs <= now.getTime()) return false;
  }
  return true;
}

/** A STIX identifier safe to print inside any of the formats (type, `--`, UUID; nothing else). */
export function safeStixId(v: unknown): string | undefined {
  return typeof v === 'string' && /^[a-z][a-z0-9-]{0,249}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v) ? v : undefined;
}

/** Replaces C0 and C1 controls, DEL and the Unicode line and paragraph separators (anything a line-based reader might split on). */
export function replaceControls(s: string, replacement: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, replacement);
}

/**
 * A domain name as DNS carries it: lowercase, IDN labels in punycode, no
 * trailing dot; `undefined` unless every label is 1–63 letters, digits, `-`
 * or `_` and the whole at most 253 characters.
 */
export function normalizeDomain(v: string): string | undefined {
  let d = v.trim().toLowerCase().replace(/\.$/, '');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(d)) d = domainToASCII(d);
  if (d === '' || d.length > 253) return undefined;
  return /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(d) ? d : undefined;
}

// ---------------------------------------------------------------------------
// CSV

export const CSV_COLUMNS = ['type', 'value', 'stix_id', 'object_type', 'tlp', 'labels', 'valid_from', 'valid_until', 'date_added', 'confidence'] as const;

/**
 * One RFC 4180 field. A cell a spreadsheet would read as a formula (starting
 * with `=`, `+`, `-`, `@`, tab or CR, or their full-width forms) gets a leading
 * `'` (OWASP "CSV Injection"); the value then differs from the STIX one by
 * that character, which is the price of opening the file safely.
 */
export function csvCell(value: string): string {
  let s = value;
  if (/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

function csvRow(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * CSV: one row per indicator equality term and per observable value. Skips
 * revoked objects, objects other than indicators and SCOs, indicators whose
 * pattern is not a STIX disjunction of equalities, and SCOs without a value.
 */
export function csvExporter(): Exporter {
  return {
    contentType: 'text/csv; charset=utf-8; header=present',
    extension: () => 'csv',
    header: () => csvRow(CSV_COLUMNS),
    line(obj, meta) {
      if (!isCurrent(obj)) return '';
      const t = objectTerms(obj);
      if (!t) return '';
      const labels = Array.isArray(obj.labels) ? obj.labels.filter((l): l is string => typeof l === 'string').join(';') : '';
      const confidence = typeof obj.confidence === 'number' ? String(obj.confidence) : '';
      const indicator = t.source === 'indicator';
      let out = '';
      for (const x of t.terms) {
        out += csvRow([
          x.kind ?? `${x.objectType}:${x.pathText}`,
          String(x.value),
          str(obj.id),
          str(obj.type),
          meta.tlp,
          labels,
          indicator ? str(obj.valid_from) : '',
          indicator ? str(obj.valid_until) : '',
          meta.date_added,
          confidence,
        ]);
      }
      return out;
    },
    footer: () => '',
  };
}
