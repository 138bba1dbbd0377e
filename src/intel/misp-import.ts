import type { FieldProblem } from '../errors.js';
import { IntelError } from './errors.js';
import { normalizeDomain } from './export/csv.js';
import { hashValueProblem } from './hashes.js';
import { formatLiteral, formatPath } from './pattern/format.js';
import { parseIpNetwork } from './pattern/ip.js';
import { parsePattern } from './pattern/parser.js';
import { validateStixObject } from './stix.js';
import { deterministicScoId, uuidV5 } from './stix/deterministic-id.js';
import { parseIdentifier } from './stix/identifier.js';
import { isRecord, pointer, preview } from './stix/problems.js';
import { mostRestrictive, parseTlpLevel, tlpMarkingId, type TlpLevel } from './tlp.js';

/**
 * MISP events (MISP core format, misp-rfc draft-dulaunoy-misp-core-format) to
 * STIX 2.1. The input is another organisation's JSON: every field is checked
 * for its type, strings and lists are bounded, nothing is walked beyond the
 * Event → Attribute / Object → Attribute shape, and what cannot be converted
 * is reported as a problem with its JSON pointer instead of throwing. Only a
 * top-level value that is not a JSON object or list is refused (IntelError
 * STIX_INVALID).
 *
 * Mapping:
 * - an attribute with to_ids → an indicator whose pattern compares the value
 *   (string literals escaped by the pattern printer), plus the SCO it names;
 *   without to_ids → the SCO only; yara/snort/suricata/sigma/stix2-pattern
 *   attributes → indicators of that pattern type; vulnerability → a
 *   vulnerability; link → an external reference of the report;
 * - a `file` object → one file SCO (name, hashes, size) and, when an attribute
 *   has to_ids, one indicator matching any of its hashes (or its name when it
 *   has none); other objects → their attributes one by one;
 * - the event → a report whose object_refs list everything it produced;
 * - tags `tlp:*` → the TLP 2.0 marking (the most restrictive of the event's
 *   and the attribute's); distribution 0 with no TLP tag → TLP:AMBER+STRICT;
 *   other tags → labels.
 * Ids: SDOs are UUIDv5 (MISP_IMPORT_NAMESPACE) of the MISP uuid, so importing
 * the same event again gives the same ids; SCOs use STIX's §2.9 deterministic
 * ids. Every object is checked with validateStixObject before it is returned.
 */

export interface MispImportOptions {
  /** The identity (`identity--…`) recorded as created_by_ref of every SDO. */
  identityId: string;
  /** Fallback for missing MISP timestamps. */
  now: Date;
  /** Events read at most (default 1,000). */
  maxEvents?: number;
  /** Attributes read at most, objects' attributes included (default 100,000). */
  maxAttributes?: number;
  /** Problems reported at most (default 1,000). */
  maxProblems?: number;
}

export interface MispImportResult {
  objects: Record<string, unknown>[];
  /** What was not converted, with the JSON pointer of the input it came from. */
  problems: FieldProblem[];
}

/** Namespace of the UUIDv5 ids of SDOs made from MISP uuids. */
export const MISP_IMPORT_NAMESPACE = '8914d9c0-9936-4d07-bc94-4dda65bc9ba5';

const MAX_VALUE = 32_768;
const MAX_COMMENT = 65_536;
const MAX_LABEL = 256;
const MAX_LABELS = 64;
const MAX_TAGS_READ = 1_000;
const MAX_LINKS = 100;

type Obj = Record<string, unknown>;

interface Mapped {
  scos: Obj[];
  /** Comparisons joined into one observation expression. */
  comparisons: string[];
  join?: 'AND' | 'OR';
  /** A rule attribute: the pattern as given. */
  rule?: { pattern: string; patternType: string };
  sdo?: 'vulnerability';
  link?: string;
}

interface EventCtx {
  key: string;
  time: string;
  tlp: TlpLevel | undefined;
  refs: Set<string>;
  links: string[];
}

interface Tags {
  tlp: TlpLevel | undefined;
  labels: string[];
}

// ---------------------------------------------------------------------------
// Small readers

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function uuidOf(v: unknown): string | undefined {
  return typeof v === 'string' && UUID_RE.test(v.trim()) ? v.trim().toLowerCase() : undefined;
}

/** MISP writes booleans as true, 1, "1" or "true". */
function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}

function intOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^\s*\d{1,15}\s*$/.test(v)) return Number(v);
  return undefined;
}

/** Cuts to `n` UTF-16 units without splitting a surrogate pair. */
function clip(s: string, n: number): string {
  if (s.length <= n) return s;
  const cut = s.slice(0, n);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A MISP time — unix seconds (number or digit string; MISP's `timestamp`),
 * `YYYY-MM-DD` (`date`), or ISO 8601 with an optional offset and up to
 * microseconds (`first_seen`) — as a STIX timestamp with milliseconds.
 * `undefined` for 0 (MISP's "never"), out-of-range or impossible dates.
 */
export function mispTime(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d{1,12}\s*$/.test(v))) {
    const secs = Number(v);
    if (!Number.isSafeInteger(secs) || secs <= 0) return undefined;
    ms = secs * 1000;
  } else if (typeof v === 'string' && v.length <= 64) {
    const m = DATE_RE.exec(v.trim());
    if (!m) return undefined;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Math.min(Number(m[6] ?? 0), 59)];
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59) return undefined;
    let offset = 0;
    const tz = m[8];
    if (tz && tz.toUpperCase() !== 'Z') {
      const digits = tz.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2) || 0);
      if (oh > 23 || om > 59) return undefined;
      offset = (tz.startsWith('-') ? -1 : 1) * (oh * 60 + om);
    }
    const fraction = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
    ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offset * 60_000;
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_MS) return undefined;
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------
// Attribute types

const lit = (s: string): string => formatLiteral({ kind: 'string', value: s, offset: 0 });
const path = (objectType: string, ...steps: string[]): string =>
  formatPath({ objectType, steps: steps.map((name) => ({ kind: 'key' as const, name, quoted: false })), offset: 0 });

/** An SCO with its §2.9 deterministic id. */
function sco(props: Obj): Obj {
  const id = deterministicScoId(props) as string;
  const { type, ...rest } = props;
  return { type, spec_version: '2.1', id, ...rest };
}

/** MISP hash types → STIX hash algorithm names (hashing-algorithm-ov). */
const HASHES: Readonly<Record<string, string>> = {
  md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512', 'sha3-256': 'SHA3-256', 'sha3-512': 'SHA3-512', ssdeep: 'SSDEEP', tlsh: 'TLSH',
};

function hashOf(mispType: string, value: string): { algorithm: string; value: string } | string {
  const algorithm = HASHES[mispType] as string;
  const v = mispType === 'ssdeep' || mispType === 'tlsh' ? value : value.toLowerCase();
  return hashValueProblem(algorithm, v) ?? { algorithm, value: v };
}

function hashComparison(objectType: string, h: { algorithm: string; value: string }): string {
  return `${path(objectType, 'hashes', h.algorithm)} = ${lit(h.value)}`;
}

function splitLast(v: string): [string, string] | undefined {
  const i = v.lastIndexOf('|');
  return i <= 0 || i === v.length - 1 ? undefined : [v.slice(0, i).trim(), v.slice(i + 1).trim()];
}

function portOf(v: string): number | undefined {
  return /^\d{1,5}$/.test(v) && Number(v) <= 65535 ? Number(v) : undefined;
}

// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;

function ip(v: string, direction?: 'src' | 'dst', port?: number): Mapped | string {
  const net = parseIpNetwork(v);
  if (!net) return `${preview(v)} is not an IP address or CIDR block`;
  const type = net.family === 4 ? 'ipv4-addr' : 'ipv6-addr';
  // A CIDR block means "any address in it": ISSUBSET (§9.6.1), not string equality.
  const op = v.includes('/') ? 'ISSUBSET' : '=';
  const comparisons = direction === undefined
    ? [`${type}:value ${op} ${lit(v)}`]
    : [`network-traffic:${direction}_ref.value ${op} ${lit(v)}`, ...(port === undefined ? [] : [`network-traffic:${direction}_port = ${port}`])];
  return { scos: [sco({ type, value: v })], comparisons };
}

function domain(v: string): Mapped | string {
  if (!normalizeDomain(v)) return `${preview(v)} is not a domain name`;
  return { scos: [sco({ type: 'domain-name', value: v })], comparisons: [`domain-name:value = ${lit(v)}`] };
}

function fileWith(name: string | undefined, h: { algorithm: string; value: string } | undefined): Mapped {
  const props: Obj = { type: 'file' };
  if (h) props.hashes = { [h.algorithm]: h.value };
  if (name !== undefined) props.name = name;
  const comparisons = [...(name !== undefined ? [`file:name = ${lit(name)}`] : []), ...(h ? [hashComparison('file', h)] : [])];
  return { scos: [sco(props)], comparisons };
}

function filename(v: string): string | undefined {
  return v === '' || HAS_CONTROL.test(v) ? undefined : v;
}

const RULE_TYPES: ReadonlySet<string> = new Set(['yara', 'snort', 'suricata', 'sigma']);

/** Descriptive attribute types with no STIX observable; skipped without a problem. */
const IGNORED: ReadonlySet<string> = new Set([
  'comment', 'text', 'other', 'hex', 'datetime', 'counter', 'float', 'integer', 'port', 'size-in-bytes', 'boolean', 'attachment', 'anonymised',
  'http-method', 'mime-type', 'email-subject', 'email-body', 'target-user', 'target-email', 'target-machine', 'target-org', 'target-location',
  'target-external', 'threat-actor', 'campaign-name', 'campaign-id', 'malware-type', 'uuid',
]);

/** Converts one attribute value of a type; a string is a problem message; `undefined` means the type is ignored. */
function mapAttribute(type: string, value: string): Mapped | string | undefined {
  if (type in HASHES) {
    const h = hashOf(type, value);
    return typeof h === 'string' ? h : fileWith(undefined, h);
  }
  if (type.startsWith('filename|') || type === 'malware-sample') {
    const parts = splitLast(value);
    const hashType = type === 'malware-sample' ? 'md5' : type.slice('filename|'.length);
    if (!(hashType in HASHES)) return `MISP attribute type ${preview(type)} is not converted`;
    if (!parts) return `${preview(value)} is not "filename|hash"`;
    const name = filename(parts[0]);
    if (name === undefined) return `${preview(parts[0])} is not a file name`;
    const h = hashOf(hashType, parts[1]);
    return typeof h === 'string' ? h : fileWith(name, h);
  }
  if (RULE_TYPES.has(type)) return { scos: [], comparisons: [], rule: { pattern: value, patternType: type } };
  switch (type) {
    case 'ip-src':
    case 'ip-dst':
      return ip(value);
    case 'ip-src|port':
    case 'ip-dst|port': {
      const parts = splitLast(value);
      const port = parts ? portOf(parts[1]) : undefined;
      if (!parts || port === undefined) return `${preview(value)} is not "address|port"`;
      return ip(parts[0], type.startsWith('ip-src') ? 'src' : 'dst', port);
    }
    case 'domain':
    case 'hostname':
      return domain(value);
    case 'hostname|port': {
      const parts = splitLast(value);
      const port = parts ? portOf(parts[1]) : undefined;
      if (!parts || port === undefined || !normalizeDomain(parts[0])) return `${preview(value)} is not "hostname|port"`;
      return {
        scos: [sco({ type: 'domain-name', value: parts[0] })],
        comparisons: [`network-traffic:dst_ref.value = ${lit(parts[0])}`, `network-traffic:dst_port = ${port}`],
      };
    }
    case 'domain|ip': {
      const i = value.indexOf('|');
      const d = value.slice(0, i).trim();
      const a = value.slice(i + 1).trim();
      const net = i > 0 ? parseIpNetwork(a) : undefined;
      if (!net || a.includes('/') || !normalizeDomain(d)) return `${preview(value)} is not "domain|ip"`;
      const address = sco({ type: net.family === 4 ? 'ipv4-addr' : 'ipv6-addr', value: a });
      return {
        scos: [address, sco({ type: 'domain-name', value: d, resolves_to_refs: [address.id] })],
        comparisons: [`domain-name:value = ${lit(d)}`, `domain-name:resolves_to_refs[*].value = ${lit(a)}`],
      };
    }
    case 'url':
      if (/\s/.test(value)) return `${preview(value)} is not a URL`;
      return { scos: [sco({ type: 'url', value })], comparisons: [`url:value = ${lit(value)}`] };
    case 'email':
    case 'email-src':
    case 'email-dst':
      if (!/^[^\s@]+@[^\s@]+$/.test(value)) return `${preview(value)} is not an e-mail address`;
      return { scos: [sco({ type: 'email-addr', value })], comparisons: [`email-addr:value = ${lit(value)}`] };
    case 'filename': {
      const name = filename(value);
      return name === undefined ? `${preview(value)} is not a file name` : fileWith(name, undefined);
    }
    case 'mac-address': {
      const mac = value.toLowerCase().replace(/-/g, ':');
      if (!/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/.test(mac)) return `${preview(value)} is not a MAC-48 address`;
      return { scos: [sco({ type: 'mac-addr', value: mac })], comparisons: [`mac-addr:value = ${lit(mac)}`] };
    }
    case 'mutex':
      return { scos: [sco({ type: 'mutex', name: value })], comparisons: [`mutex:name = ${lit(value)}`] };
    case 'AS': {
      const m = /^(?:AS)?\s*(\d{1,10})$/i.exec(value);
      const n = m ? Number(m[1]) : NaN;
      if (!(n >= 0 && n <= 0xffff_ffff)) return `${preview(value)} is not an AS number`;
      return { scos: [sco({ type: 'autonomous-system', number: n })], comparisons: [`autonomous-system:number = ${n}`] };
    }
    case 'regkey':
      return { scos: [sco({ type: 'windows-registry-key', key: value })], comparisons: [`windows-registry-key:key = ${lit(value)}`] };
    case 'user-agent':
      return { scos: [], comparisons: [`network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = ${lit(value)}`] };
    case 'x509-fingerprint-md5':
    case 'x509-fingerprint-sha1':
    case 'x509-fingerprint-sha256': {
      const h = hashOf(type.slice('x509-fingerprint-'.length), value);
      if (typeof h === 'string') return h;
      return { scos: [sco({ type: 'x509-certificate', hashes: { [h.algorithm]: h.value } })], comparisons: [hashComparison('x509-certificate', h)] };
    }
    case 'stix2-pattern':
      return { scos: [], comparisons: [], rule: { pattern: value, patternType: 'stix' } };
    case 'vulnerability':
      return { scos: [], comparisons: [], sdo: 'vulnerability' };
    case 'link':
      return /^https?:\/\/\S+$/i.test(value) ? { scos: [], comparisons: [], link: value } : `${preview(value)} is not an http(s) link`;
    default:
      return IGNORED.has(type) ? undefined : `MISP attribute type ${preview(type)} is not converted`;
  }
}

/** Object relations of a MISP `file` object that describe the file itself. */
const FILE_RELATIONS: ReadonlySet<string> = new Set(['filename', 'size-in-bytes', ...Object.keys(HASHES)]);

// ---------------------------------------------------------------------------
// Conversion

class Converter {
  readonly problems: FieldProblem[] = [];
  /** Produced objects in order, by id. */
  private readonly out = new Map<string, Obj>();
  /** Where each produced object came from (for problems found when it is validated). */
  private readonly from = new Map<string, string>();
  private readonly scoTlp = new Map<string, TlpLevel | undefined>();
  private readonly reports: { report: Obj; path: string }[] = [];
  private attributesLeft: number;
  private readonly maxProblems: number;
  private readonly now: string;

  constructor(private readonly opts: MispImportOptions) {
    this.attributesLeft = opts.maxAttributes ?? 100_000;
    this.maxProblems = opts.maxProblems ?? 1_000;
    this.now = new Date(Math.floor(opts.now.getTime())).toISOString();
  }

  problem(path: string, message: string): void {
    if (this.problems.length < this.maxProblems) this.problems.push({ path, message });
    else if (this.problems.length === this.maxProblems) this.problems.push({ path: '', message: 'more problems were found and are not listed' });
  }

  private time(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null || v === '' || v === '0' || v === 0) return undefined;
    const t = mispTime(v);
    if (t === undefined) this.problem(path, `${preview(v)} is not a MISP timestamp or date; using another time instead`);
    return t;
  }

  private tags(v: unknown, path: string): Tags {
    const out: Tags = { tlp: undefined, labels: [] };
    if (v === undefined || v === null) return out;
    if (!Array.isArray(v)) {
      this.problem(path, `Tag must be a list, not ${preview(v)}`);
      return out;
    }
    for (let i = 0; i < v.length && i < MAX_TAGS_READ; i++) {
      const t: unknown = v[i];
      const name = isRecord(t) ? t.name : t;
      if (typeof name !== 'string') {
        this.problem(pointer(path, i), 'a tag needs a name string');
        continue;
      }
      const n = name.trim();
      if (n === '') continue;
      const tlp = /^tlp\s*:\s*(.+)$/i.exec(n);
      if (tlp) {
        try {
          const level = parseTlpLevel(tlp[1] as string);
          out.tlp = out.tlp ? mostRestrictive(out.tlp, level) : level;
          continue;
        } catch (e) {
          if (!(e instanceof IntelError)) throw e;
          // tlp:ex:chr and other extensions of the taxonomy are not levels; kept as labels.
        }
      }
      if (n.length > MAX_LABEL) {
        this.problem(pointer(path, i, 'name'), `tag longer than ${MAX_LABEL} characters; dropped`);
        continue;
      }
      if (out.labels.length < MAX_LABELS && !out.labels.includes(n)) out.labels.push(n);
    }
    return out;
  }

  private common(tlp: TlpLevel | undefined, labels: string[]): Obj {
    const o: Obj = {};
    if (labels.length > 0) o.labels = labels;
    if (tlp) o.object_marking_refs = [tlpMarkingId(tlp)];
    return o;
  }

  private add(obj: Obj, path: string): boolean {
    const id = obj.id as string;
    if (this.out.has(id)) {
      this.problem(path, `duplicate of an earlier ${String(obj.type)} (${id}); the first is kept`);
      return false;
    }
    this.out.set(id, obj);
    this.from.set(id, path);
    return true;
  }

  /** An SCO seen twice keeps one copy, with the more restrictive TLP of the two. */
  private addSco(o: Obj, path: string, tlp: TlpLevel | undefined, ctx: EventCtx): void {
    const id = o.id as string;
    ctx.refs.add(id);
    if (!this.out.has(id)) {
      this.out.set(id, tlp ? { ...o, object_marking_refs: [tlpMarkingId(tlp)] } : o);
      this.from.set(id, path);
      this.scoTlp.set(id, tlp);
      return;
    }
    const existing = this.out.get(id) as Obj;
    const before = this.scoTlp.get(id);
    const level = before && tlp ? mostRestrictive(before, tlp) : (before ?? tlp);
    if (level !== before && level) {
      existing.object_marking_refs = [tlpMarkingId(level)];
      this.scoTlp.set(id, level);
    }
    if (Array.isArray(o.resolves_to_refs)) {
      const refs = new Set([...(Array.isArray(existing.resolves_to_refs) ? (existing.resolves_to_refs as string[]) : []), ...(o.resolves_to_refs as string[])]);
      existing.resolves_to_refs = [...refs];
    }
  }

  private takeAttribute(path: string): boolean {
    this.attributesLeft--;
    if (this.attributesLeft === -1) this.problem(path, `more than ${this.opts.maxAttributes ?? 100_000} attributes; this and later ones are not converted`);
    return this.attributesLeft >= 0;
  }

  private indicator(key: string, fields: { name: string; description?: string; pattern: string; patternType: string; time: string; validFrom?: string; validUntil?: string; tlp?: TlpLevel; labels: string[] }, path: string, ctx: EventCtx): void {
    const validFrom = fields.validFrom ?? fields.time;
    const o: Obj = {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${uuidV5(MISP_IMPORT_NAMESPACE, `indicator|${key}`)}`,
      created_by_ref: this.opts.identityId,
      created: fields.time,
      modified: fields.time,
      name: fields.name,
      ...(fields.description ? { description: fields.description } : {}),
      indicator_types: ['malicious-activity'],
      pattern: fields.pattern,
      pattern_type: fields.patternType,
      ...(fields.patternType === 'stix' ? { pattern_version: '2.1' } : {}),
      valid_from: validFrom,
      ...(fields.validUntil && fields.validUntil > validFrom ? { valid_until: fields.validUntil } : {}),
      ...this.common(fields.tlp, fields.labels),
    };
    if (this.add(o, path)) ctx.refs.add(o.id as string);
  }

  /** Reads the parts every attribute has; `undefined` when it is to be skipped (a problem has been reported if it is broken). */
  private attributeBase(a: unknown, path: string, ctx: EventCtx): { type: string; value: string; toIds: boolean; key: string; time: string; tags: Tags; tlp: TlpLevel | undefined; comment: string; firstSeen?: string; lastSeen?: string; relation?: string } | undefined {
    if (!this.takeAttribute(path)) return undefined;
    if (!isRecord(a)) {
      this.problem(path, `an attribute must be an object, not ${preview(a)}`);
      return undefined;
    }
    if (truthy(a.deleted)) return undefined;
    if (typeof a.type !== 'string' || a.type === '') {
      this.problem(pointer(path, 'type'), `type must be a MISP attribute type, not ${preview(a.type)}`);
      return undefined;
    }
    const raw = typeof a.value === 'number' && Number.isFinite(a.value) ? String(a.value) : a.value;
    if (typeof raw !== 'string') {
      this.problem(pointer(path, 'value'), `value must be a string, not ${preview(raw)}`);
      return undefined;
    }
    if (raw.length > MAX_VALUE) {
      this.problem(pointer(path, 'value'), `value of ${raw.length} characters; the limit is ${MAX_VALUE}`);
      return undefined;
    }
    const value = raw.trim();
    if (value === '') {
      this.problem(pointer(path, 'value'), 'value is empty');
      return undefined;
    }
    const tags = this.tags(a.Tag, pointer(path, 'Tag'));
    const own = tags.tlp ?? (intOf(a.distribution) === 0 ? 'AMBER+STRICT' : undefined);
    const tlp = ctx.tlp && own ? mostRestrictive(ctx.tlp, own) : (ctx.tlp ?? own);
    const comment = typeof a.comment === 'string' ? clip(a.comment.trim(), MAX_COMMENT) : '';
    return {
      type: a.type,
      value,
      toIds: truthy(a.to_ids),
      // Without a uuid the id comes from the event and the value: stable, but a changed value is a new object.
      key: uuidOf(a.uuid) ?? `${ctx.key}|${a.type}|${value}`,
      time: this.time(a.timestamp, pointer(path, 'timestamp')) ?? ctx.time,
      tags,
      tlp,
      comment,
      firstSeen: this.time(a.first_seen, pointer(path, 'first_seen')),
      lastSeen: this.time(a.last_seen, pointer(path, 'last_seen')),
      relation: typeof a.object_relation === 'string' ? a.object_relation : undefined,
    };
  }

  attribute(a: unknown, path: string, ctx: EventCtx): void {
    const base = this.attributeBase(a, path, ctx);
    if (base) this.convert(base, path, ctx);
  }

  private convert(base: NonNullable<ReturnType<Converter['attributeBase']>>, path: string, ctx: EventCtx): void {
    const mapped = mapAttribute(base.type, base.value);
    if (mapped === undefined) return;
    if (typeof mapped === 'string') {
      this.problem(pointer(path, 'value'), mapped);
      return;
    }
    if (mapped.link !== undefined) {
      if (ctx.links.length < MAX_LINKS && !ctx.links.includes(mapped.link)) ctx.links.push(mapped.link);
      return;
    }
    if (mapped.sdo === 'vulnerability') {
      const o: Obj = {
        type: 'vulnerability',
        spec_version: '2.1',
        id: `vulnerability--${uuidV5(MISP_IMPORT_NAMESPACE, `vulnerability|${base.key}`)}`,
        created_by_ref: this.opts.identityId,
        created: base.time,
        modified: base.time,
        name: clip(base.value, 256),
        ...(base.comment ? { description: base.comment } : {}),
        ...(/^CVE-\d{4}-(?:0\d{3}|[1-9]\d{3,})$/.test(base.value) ? { external_references: [{ source_name: 'cve', external_id: base.value }] } : {}),
        ...this.common(base.tlp, base.tags.labels),
      };
      if (this.add(o, path)) ctx.refs.add(o.id as string);
      return;
    }
    for (const s of mapped.scos) this.addSco(s, path, base.tlp, ctx);
    if (mapped.rule) {
      if (mapped.rule.patternType === 'stix') {
        try {
          parsePattern(mapped.rule.pattern);
        } catch (e) {
          if (!(e instanceof IntelError)) throw e;
          this.problem(pointer(path, 'value'), `not a STIX pattern: ${e.message}`);
          return;
        }
      }
      const name = base.comment ? clip(base.comment, 256) : `${base.type} rule`;
      this.indicator(base.key, { name, description: base.comment || undefined, pattern: mapped.rule.pattern, patternType: mapped.rule.patternType, time: base.time, validFrom: base.firstSeen, validUntil: base.lastSeen, tlp: base.tlp, labels: base.tags.labels }, path, ctx);
      return;
    }
    if (base.toIds && mapped.comparisons.length > 0) {
      this.indicator(base.key, {
        name: clip(`${base.type}: ${base.value}`, 256),
        description: base.comment || undefined,
        pattern: `[${mapped.comparisons.join(` ${mapped.join ?? 'AND'} `)}]`,
        patternType: 'stix',
        time: base.time,
        validFrom: base.firstSeen,
        validUntil: base.lastSeen,
        tlp: base.tlp,
        labels: base.tags.labels,
      }, path, ctx);
    } else if (mapped.scos.length === 0) {
      this.problem(path, `a ${base.type} attribute without to_ids has no STIX observable form; not converted`);
    }
  }

  /** A MISP object: `file` becomes one file; any other name is converted attribute by attribute. */
  mispObject(o: unknown, path: string, ctx: EventCtx): void {
    if (!isRecord(o)) {
      this.problem(path, `an object must be a JSON object, not ${preview(o)}`);
      return;
    }
    if (truthy(o.deleted)) return;
    if (o.Attribute === undefined) return;
    if (!Array.isArray(o.Attribute)) {
      this.problem(pointer(path, 'Attribute'), `Attribute must be a list, not ${preview(o.Attribute)}`);
      return;
    }
    const attrs = o.Attribute as unknown[];
    if (o.name !== 'file') {
      attrs.forEach((a, k) => this.attribute(a, pointer(path, 'Attribute', k), ctx));
      return;
    }
    const file: Obj = { type: 'file' };
    const hashes: Record<string, string> = {};
    const idsHashes: { algorithm: string; value: string }[] = [];
    let idsName = false;
    let tlp: TlpLevel | undefined;
    let time: string | undefined;
    const labels: string[] = [];
    let parts = 0;
    attrs.forEach((a, k) => {
      const ap = pointer(path, 'Attribute', k);
      const base = this.attributeBase(a, ap, ctx);
      if (!base) return;
      const relation = base.relation ?? base.type;
      if (!FILE_RELATIONS.has(relation)) {
        this.convert(base, ap, ctx);
        return;
      }
      if (relation === 'filename') {
        if (filename(base.value) === undefined) return this.problem(pointer(ap, 'value'), `${preview(base.value)} is not a file name`);
        file.name = base.value;
        idsName ||= base.toIds;
      } else if (relation === 'size-in-bytes') {
        const n = intOf(base.value);
        if (n === undefined) return this.problem(pointer(ap, 'value'), `${preview(base.value)} is not a size in bytes`);
        file.size = n;
      } else {
        const h = hashOf(relation, base.value);
        if (typeof h === 'string') return this.problem(pointer(ap, 'value'), h);
        hashes[h.algorithm] = h.value;
        if (base.toIds) idsHashes.push(h);
      }
      parts++;
      if (base.tlp) tlp = tlp ? mostRestrictive(tlp, base.tlp) : base.tlp;
      if (!time || base.time > time) time = base.time;
      for (const l of base.tags.labels) if (labels.length < MAX_LABELS && !labels.includes(l)) labels.push(l);
    });
    if (parts === 0 || (file.name === undefined && Object.keys(hashes).length === 0)) return;
    if (Object.keys(hashes).length > 0) file.hashes = hashes;
    tlp = tlp ?? ctx.tlp;
    this.addSco(sco(file), path, tlp, ctx);
    // Any one hash identifies the file, so the indicator matches any of them; the name alone only when there is no hash to go by.
    const comparisons = idsHashes.length > 0 ? idsHashes.map((h) => hashComparison('file', h)) : idsName ? [`file:name = ${lit(file.name as string)}`] : [];
    if (comparisons.length === 0) return;
    const key = uuidOf(o.uuid) ?? `${ctx.key}|object|${comparisons.join('|')}`;
    const comment = typeof o.comment === 'string' ? clip(o.comment.trim(), MAX_COMMENT) : '';
    const objectTime = this.time(o.timestamp, pointer(path, 'timestamp')) ?? time ?? ctx.time;
    this.indicator(key, {
      name: clip(`file: ${typeof file.name === 'string' ? file.name : Object.values(hashes)[0]}`, 256),
      description: comment || undefined,
      pattern: `[${comparisons.join(' OR ')}]`,
      patternType: 'stix',
      time: objectTime,
      tlp,
      labels,
    }, path, ctx);
  }

  event(ev: Obj, path: string): void {
    const evUuid = uuidOf(ev.uuid);
    const info = typeof ev.info === 'string' ? ev.info.trim() : '';
    const orgc = isRecord(ev.Orgc) && typeof ev.Orgc.name === 'string' ? clip(ev.Orgc.name, 256) : '';
    if (!evUuid) this.problem(pointer(path, 'uuid'), 'missing or not a UUID; ids derive from the event info, date and organisation instead, so a changed event will not replace its earlier import');
    const key = evUuid ?? `event|${clip(info, 1024)}|${typeof ev.date === 'string' ? ev.date.slice(0, 32) : ''}|${orgc}`;
    const time = this.time(ev.timestamp, pointer(path, 'timestamp')) ?? this.time(ev.date, pointer(path, 'date')) ?? this.now;
    const tags = this.tags(ev.Tag, pointer(path, 'Tag'));
    const tlp = tags.tlp ?? (intOf(ev.distribution) === 0 ? 'AMBER+STRICT' : undefined);
    const ctx: EventCtx = { key, time, tlp, refs: new Set(), links: [] };
    for (const [name, convert] of [['Attribute', (a: unknown, p: string) => this.attribute(a, p, ctx)], ['Object', (o: unknown, p: string) => this.mispObject(o, p, ctx)]] as const) {
      const list = ev[name];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        this.problem(pointer(path, name), `${name} must be a list, not ${preview(list)}`);
        continue;
      }
      for (let i = 0; i < list.length && this.attributesLeft >= 0; i++) convert(list[i], pointer(path, name, i));
    }
    if (ctx.refs.size === 0) {
      this.problem(path, 'the event produced no STIX objects, so no report was made for it');
      return;
    }
    const date = mispTime(ev.date);
    const published = truthy(ev.published) ? (mispTime(ev.publish_timestamp) ?? time) : time;
    const refs = [
      ...(evUuid ? [{ source_name: 'misp', external_id: evUuid, ...(orgc ? { description: `MISP event of ${orgc}` } : {}) }] : []),
      ...ctx.links.map((url) => ({ source_name: 'misp-link', url })),
    ];
    if (!info) this.problem(pointer(path, 'info'), 'missing; the report is named after the event uuid');
    const report: Obj = {
      type: 'report',
      spec_version: '2.1',
      id: `report--${uuidV5(MISP_IMPORT_NAMESPACE, `report|${key}`)}`,
      created_by_ref: this.opts.identityId,
      created: date && date <= time ? date : time,
      modified: time,
      name: info ? clip(info, 1024) : `MISP event ${evUuid ?? ''}`.trim(),
      report_types: ['threat-report'],
      published,
      object_refs: [...ctx.refs],
      ...(refs.length > 0 ? { external_references: refs } : {}),
      ...this.common(tlp, tags.labels),
    };
    this.reports.push({ report, path });
  }

  /** Validates every object (dropping and reporting any that is not valid STIX), then the reports. */
  finish(): MispImportResult {
    const objects: Obj[] = [];
    const dropped = new Set<string>();
    const check = (o: Obj, path: string): boolean => {
      const r = validateStixObject(o);
      if (r.valid) return true;
      const first = r.problems[0];
      this.problem(path, `the ${String(o.type)} made from this is not valid STIX and was dropped (${first ? `${first.path}: ${first.message}` : 'invalid'})`);
      return false;
    };
    for (const [id, o] of this.out) {
      if (check(o, this.from.get(id) ?? '')) objects.push(o);
      else dropped.add(id);
    }
    for (const { report, path } of this.reports) {
      const refs = (report.object_refs as string[]).filter((r) => !dropped.has(r));
      if (refs.length === 0) {
        this.problem(path, 'none of the event\'s objects survived validation, so no report was made for it');
        continue;
      }
      report.object_refs = refs;
      if (!this.out.has(report.id as string) && check(report, path)) {
        this.out.set(report.id as string, report);
        objects.push(report);
      }
    }
    return { objects, problems: this.problems };
  }
}

function looksLikeEvent(v: Obj): boolean {
  return 'info' in v || 'uuid' in v || 'Attribute' in v || 'Object' in v;
}

/**
 * Converts MISP JSON — one event (`{"Event": {…}}` or the bare event), a list
 * of them, or a restSearch/feed answer `{"response": [{"Event": …}, …]}` — to
 * STIX 2.1 objects. Throws IntelError STIX_INVALID only when `input` is not a
 * JSON object or list, or `opts.identityId` is not an identity id; everything
 * else that cannot be converted is listed in `problems`.
 */
export function mispEventToStix(input: unknown, opts: MispImportOptions): MispImportResult {
  if (typeof input !== 'object' || input === null) {
    throw new IntelError('STIX_INVALID', `MISP input must be a JSON object or list of events, not ${preview(input)}`);
  }
  const identity = typeof opts.identityId === 'string' ? parseIdentifier(opts.identityId) : undefined;
  if (!identity || identity.type !== 'identity') throw new IntelError('STIX_INVALID', 'identityId must be an identity--<UUID> identifier');
  if (!(opts.now instanceof Date) || Number.isNaN(opts.now.getTime())) throw new TypeError('now must be a valid Date');
  const conv = new Converter(opts);
  const maxEvents = opts.maxEvents ?? 1_000;
  let events = 0;
  const one = (v: unknown, path: string): void => {
    if (events >= maxEvents) {
      if (events++ === maxEvents) conv.problem(path, `more than ${maxEvents} events; this and later ones are not converted`);
      return;
    }
    if (isRecord(v) && isRecord(v.Event)) {
      events++;
      conv.event(v.Event, pointer(path, 'Event'));
    } else if (isRecord(v) && looksLikeEvent(v)) {
      events++;
      conv.event(v, path);
    } else {
      conv.problem(path, 'not a MISP event: expected {"Event": {…}} or an event with info, uuid, Attribute or Object');
    }
  };
  const list = (items: unknown[], path: string): void => {
    for (let i = 0; i < items.length && events <= maxEvents; i++) one(items[i], pointer(path, i));
  };
  if (Array.isArray(input)) list(input, '');
  else {
    const o = input as Obj;
    if (Array.isArray(o.response)) list(o.response, '/response');
    else if (Array.isArray(o.Event)) list(o.Event, '/Event');
    else one(o, '');
  }
  return conv.finish();
}
