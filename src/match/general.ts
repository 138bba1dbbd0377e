import type { Comparison, ComparisonExpression, Literal, ObservationExpression, Pattern } from '../intel/pattern/ast.js';
import { evaluatePattern, matchComparisonExpression } from '../intel/pattern/evaluate.js';
import { parsePattern } from '../intel/pattern/parser.js';
import { canonicalIp, normalizeDomainValue, normalizeEmail, normalizeHash, normalizeUrl } from './normalize.js';
import type { IndexKind, MatchTerm } from './terms.js';

/**
 * Indicators the lookup tables cannot hold on their own — AND, NOT, LIKE,
 * MATCHES, ordering operators, observation operators, properties the tables
 * do not index — are evaluated whole by the intel pattern matcher
 * (`evaluatePattern`) against an observation built from each log record.
 *
 * Two things keep that off most records:
 * - anchors: when every way for a pattern to match needs some equality on an
 *   indexed value (`[network-traffic:dst_ref.value = '198.51.100.7' AND
 *   network-traffic:dst_port = 443]` needs that address), those values go
 *   into the lookup tables pointing at the pattern, and it is evaluated only
 *   on records where one of them is seen;
 * - object types: an unanchored pattern is evaluated only on records holding
 *   an object type it mentions.
 *
 * One record is one observation. Observation operators that need several
 * observations (`[a] AND [b]`, FOLLOWEDBY, REPEATS) therefore never match
 * within one record; correlating records over time is not done here.
 *
 * Values in the observation are in the matcher's normal forms (lowercase
 * domains, canonical addresses, normalised URLs, lowercase hashes), and the
 * pattern's equality constants on those properties are normalised the same
 * way, so `[domain-name:value = 'Evil.Example' AND …]` meets `evil.example`.
 */

/** Which normaliser applies to a property path, and the index kind of its anchors. */
type PathClass = 'ip' | 'domain' | 'url' | 'email' | 'hash';

const HASH_NAMES: Readonly<Record<string, IndexKind>> = {
  MD5: 'md5', 'SHA-1': 'sha1', SHA1: 'sha1', 'SHA-256': 'sha256', SHA256: 'sha256', 'SHA-512': 'sha512', SHA512: 'sha512',
};
const HASH_LENGTHS: Readonly<Record<string, number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** Property path (object type and keys, list indexes as `*`) → class, for the paths observations built here carry. */
function classOfPath(c: Comparison | { path: Comparison['path'] }): { cls: PathClass; hash?: IndexKind } | undefined {
  const type = c.path.objectType;
  const keys = c.path.steps.map((s) => (s.kind === 'key' ? s.name : '*'));
  const p = keys.join('.');
  if ((type === 'ipv4-addr' || type === 'ipv6-addr') && p === 'value') return { cls: 'ip' };
  if (type === 'network-traffic' && (p === 'src_ref.value' || p === 'dst_ref.value')) return { cls: 'ip' };
  if (type === 'domain-name' && p === 'value') return { cls: 'domain' };
  if (type === 'url' && p === 'value') return { cls: 'url' };
  if (type === 'email-addr' && p === 'value') return { cls: 'email' };
  if (type === 'email-message' && /^(from_ref|sender_ref)\.value$|^(to_refs|cc_refs|bcc_refs)\.\*\.value$/.test(p)) return { cls: 'email' };
  if ((type === 'file' || type === 'artifact') && keys.length === 2 && keys[0] === 'hashes') {
    const kind = HASH_NAMES[keys[1] as string];
    return kind ? { cls: 'hash', hash: kind } : undefined;
  }
  return undefined;
}

function normalizeFor(cls: PathClass, v: string, hash?: IndexKind): string | undefined {
  switch (cls) {
    case 'ip':
      return v.includes('/') ? undefined : canonicalIp(v);
    case 'domain':
      return normalizeDomainValue(v);
    case 'url':
      return normalizeUrl(v);
    case 'email':
      return normalizeEmail(v);
    case 'hash':
      return normalizeHash(v, HASH_LENGTHS[hash as string] as number);
  }
}

function anchorTerm(cls: PathClass, v: string, hash?: IndexKind): MatchTerm | undefined {
  if (cls === 'ip') return { kind: v.includes(':') ? (v.includes('/') ? 'ipv6-net' : 'ipv6') : v.includes('/') ? 'ipv4-net' : 'ipv4', value: v };
  if (cls === 'hash') return { kind: hash as IndexKind, value: v };
  return { kind: cls, value: v };
}

/** Terms one of which every match of the comparison expression needs, or null when there are none. */
function comparisonAnchors(e: ComparisonExpression): MatchTerm[] | null {
  switch (e.kind) {
    case 'or': {
      const all: MatchTerm[] = [];
      for (const o of e.operands) {
        const a = comparisonAnchors(o);
        if (!a) return null;
        all.push(...a);
      }
      return all;
    }
    case 'and': {
      let best: MatchTerm[] | null = null;
      for (const o of e.operands) {
        const a = comparisonAnchors(o);
        if (a && (!best || a.length < best.length)) best = a;
      }
      return best;
    }
    case 'exists':
      return null;
    case 'comparison': {
      if (e.negated) return null;
      const c = classOfPath(e);
      if (!c) return null;
      const lits = Array.isArray(e.value) ? e.value : [e.value];
      if (lits.some((l) => l.kind !== 'string')) return null;
      if (e.operator === 'ISSUBSET' && c.cls === 'ip') return lits.map((l) => anchorTerm('ip', (l as Literal & { kind: 'string' }).value) as MatchTerm);
      if (e.operator !== '=' && e.operator !== 'IN') return null;
      const out: MatchTerm[] = [];
      for (const l of lits) {
        const t = anchorTerm(c.cls, (l as Literal & { kind: 'string' }).value, c.hash);
        if (!t) return null;
        out.push(t);
      }
      return out;
    }
  }
}

/** Anchor terms of a pattern (see the module comment), or null when some way to match needs none. */
export function patternAnchors(root: ObservationExpression): MatchTerm[] | null {
  switch (root.kind) {
    case 'observation':
      return comparisonAnchors(root.expression);
    case 'obs-or': {
      const all: MatchTerm[] = [];
      for (const o of root.operands) {
        const a = patternAnchors(o);
        if (!a) return null;
        all.push(...a);
      }
      return all;
    }
    case 'obs-and':
    case 'followedby': {
      let best: MatchTerm[] | null = null;
      for (const o of root.operands) {
        const a = patternAnchors(o);
        if (a && (!best || a.length < best.length)) best = a;
      }
      return best;
    }
    case 'qualified':
      return patternAnchors(root.expression);
  }
}

/** Normalises equality constants on indexed properties (see the module comment) and collects the object types mentioned. */
function prepareTree(root: ObservationExpression, types: Set<string>): ObservationExpression {
  const cmp = (e: ComparisonExpression): ComparisonExpression => {
    if ('operands' in e) return { ...e, operands: e.operands.map(cmp) };
    types.add(e.path.objectType);
    if (e.kind === 'exists' || (e.operator !== '=' && e.operator !== '!=' && e.operator !== 'IN')) return e;
    const c = classOfPath(e);
    if (!c) return e;
    const norm = (l: Literal): Literal => {
      if (l.kind !== 'string') return l;
      const v = normalizeFor(c.cls, l.value, c.hash);
      return v === undefined ? l : { ...l, value: v };
    };
    return { ...e, value: Array.isArray(e.value) ? e.value.map(norm) : norm(e.value) };
  };
  const obs = (n: ObservationExpression): ObservationExpression => {
    if (n.kind === 'observation') return { ...n, expression: cmp(n.expression) };
    if (n.kind === 'qualified') return { ...n, expression: obs(n.expression) };
    return { ...n, operands: n.operands.map(obs) };
  };
  return obs(root);
}

/** A general pattern ready for evaluation. */
export interface PreparedPattern {
  ref: number;
  pattern: Pattern;
  /** Object types the pattern mentions. */
  types: ReadonlySet<string>;
  /** The same as bits of TYPE_BITS (a type no record has sets OTHER). */
  typeMask: number;
  /** True when the lookup tables hold anchors for it (then it is evaluated only when one is seen). */
  anchored: boolean;
  /**
   * For a pattern of one observation expression or an OR of them (no
   * qualifiers): its comparison expressions. On one observation such a
   * pattern matches exactly when some object satisfies one of them, which
   * matchComparisonExpression decides without evaluatePattern's bindings.
   */
  flat: ComparisonExpression[] | undefined;
  /**
   * True when `flat` only reads `value` of address, domain, URL and e-mail
   * objects: then it is decided value by value, on a reused two-property
   * object, without building the record's observation.
   */
  valueOnly: boolean;
}

const VALUE_TYPES: ReadonlySet<string> = new Set(['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr']);

function readsValueOnly(e: ComparisonExpression): boolean {
  if ('operands' in e) return e.operands.every(readsValueOnly);
  const steps = e.path.steps;
  return VALUE_TYPES.has(e.path.objectType) && steps.length === 1 && steps[0]?.kind === 'key' && steps[0].name === 'value';
}

function flatten(root: ObservationExpression): ComparisonExpression[] | undefined {
  if (root.kind === 'observation') return [root.expression];
  if (root.kind !== 'obs-or') return undefined;
  const out: ComparisonExpression[] = [];
  for (const o of root.operands) {
    const f = flatten(o);
    if (!f) return undefined;
    out.push(...f);
  }
  return out;
}

/** Parses and prepares a general pattern (its text was accepted by the parser at compile time). */
export function preparePattern(ref: number, text: string, anchored: boolean): PreparedPattern {
  const parsed = parsePattern(text);
  const types = new Set<string>();
  const root = prepareTree(parsed.root, types);
  const flat = flatten(root);
  let typeMask = 0;
  for (const t of types) typeMask |= TYPE_BITS[t] ?? OTHER;
  return { ref, pattern: { text: parsed.text, root }, types, typeMask, anchored, flat, valueOnly: flat !== undefined && flat.every(readsValueOnly) };
}

// ---------------------------------------------------------------------------
// Observations built from a record

/** The object types a record's observation can hold, as bits (patterns mentioning none of a record's are not evaluated). */
export const TYPE_BITS: Readonly<Record<string, number>> = {
  'ipv4-addr': 1, 'ipv6-addr': 2, 'domain-name': 4, url: 8, 'email-addr': 16, file: 32, 'network-traffic': 64, 'email-message': 128,
};
const OTHER = 256;
const TYPE_NAMES: readonly string[] = Object.keys(TYPE_BITS);

/** Roles a value plays in the record, for the network-traffic and email-message objects. */
export const Role = { NONE: 0, SRC: 1, DST: 2, FROM: 3, TO: 4 } as const;
export type RoleCode = (typeof Role)[keyof typeof Role];

/** One value of a record, as the observation sees it. */
export interface ObservedValue {
  /** The SCO type: ipv4-addr, ipv6-addr, domain-name, url, email-addr, or `file` for a hash. */
  type: string;
  /** The normal form. */
  value: string;
  role: RoleCode;
  /** For hashes: the hashes dictionary key (MD5, SHA-1, SHA-256, SHA-512). */
  hashKey?: string;
  field: string;
  observed: string;
}

/**
 * A record's values for the observation, in reused parallel arrays (no
 * object per field on the hot path); objects are built only when a pattern
 * is evaluated.
 */
export class ValueLog {
  n = 0;
  /** TYPE_BITS of the types present, network-traffic and email-message included. */
  mask = 0;
  readonly type: number[] = [];
  readonly value: string[] = [];
  readonly role: RoleCode[] = [];
  readonly field: string[] = [];
  readonly observed: string[] = [];
  readonly hashKey: string[] = [];

  reset(): void {
    this.n = 0;
    this.mask = 0;
  }

  push(type: string, value: string, role: RoleCode, field: string, observed: string, hashKey = ''): void {
    const i = this.n++;
    const bit = TYPE_BITS[type] as number;
    this.type[i] = bit;
    this.value[i] = value;
    this.role[i] = role;
    this.field[i] = field;
    this.observed[i] = observed;
    this.hashKey[i] = hashKey;
    this.mask |= bit;
    if (role === Role.SRC || role === Role.DST) this.mask |= TYPE_BITS['network-traffic'] as number;
    else if (role === Role.FROM || role === Role.TO) this.mask |= TYPE_BITS['email-message'] as number;
  }

  /** The values as ObservedValue objects. */
  list(): ObservedValue[] {
    const out: ObservedValue[] = [];
    for (let i = 0; i < this.n; i++) {
      const v: ObservedValue = { type: typeName(this.type[i] as number), value: this.value[i] as string, role: this.role[i] as RoleCode, field: this.field[i] as string, observed: this.observed[i] as string };
      if (this.hashKey[i] !== '') v.hashKey = this.hashKey[i] as string;
      out.push(v);
    }
    return out;
  }

  /** Index of the first value a pattern of `mask` is about (its own type, or the address/mailbox behind a connection or message), or -1. */
  firstOf(mask: number): number {
    for (let i = 0; i < this.n; i++) {
      const r = this.role[i] as RoleCode;
      if ((this.type[i] as number) & mask) return i;
      if ((r === Role.SRC || r === Role.DST) && mask & (TYPE_BITS['network-traffic'] as number)) return i;
      if ((r === Role.FROM || r === Role.TO) && mask & (TYPE_BITS['email-message'] as number)) return i;
    }
    return this.n > 0 ? 0 : -1;
  }
}

function typeName(bit: number): string {
  return TYPE_NAMES[31 - Math.clz32(bit)] as string;
}

/** What a record contributes beyond its values. */
export interface RecordExtras {
  srcPort?: number;
  dstPort?: number;
  protocol?: string;
}

/** The STIX cyber-observable objects of one record (ids are local: `<type>--<n>`). */
export function buildObservation(values: readonly ObservedValue[], extras: RecordExtras): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  const ids = new Map<string, string>();
  let file: Record<string, string> | undefined;
  let src: string | undefined;
  let dst: string | undefined;
  let from: string | undefined;
  const to: string[] = [];
  for (const v of values) {
    if (v.type === 'file') {
      file ??= {};
      file[v.hashKey as string] ??= v.value;
      continue;
    }
    const key = `${v.type}\u0000${v.value}`;
    let id = ids.get(key);
    if (!id) {
      id = `${v.type}--${objects.length}`;
      ids.set(key, id);
      objects.push({ type: v.type, id, value: v.value });
    }
    if (v.role === Role.SRC) src ??= id;
    else if (v.role === Role.DST) dst ??= id;
    else if (v.role === Role.FROM) from ??= id;
    else if (v.role === Role.TO && !to.includes(id)) to.push(id);
  }
  if (file) objects.push({ type: 'file', id: `file--${objects.length}`, hashes: file });
  if (src || dst) {
    const nt: Record<string, unknown> = { type: 'network-traffic', id: `network-traffic--${objects.length}` };
    if (src) nt.src_ref = src;
    if (dst) nt.dst_ref = dst;
    if (extras.srcPort !== undefined) nt.src_port = extras.srcPort;
    if (extras.dstPort !== undefined) nt.dst_port = extras.dstPort;
    if (extras.protocol) nt.protocols = [extras.protocol];
    objects.push(nt);
  }
  if (from || to.length > 0) {
    const em: Record<string, unknown> = { type: 'email-message', id: `email-message--${objects.length}`, is_multipart: false };
    if (from) em.from_ref = from;
    if (to.length > 0) em.to_refs = to;
    objects.push(em);
  }
  return objects;
}

/** A record's observation: its objects, and their ids for references. */
export interface BuiltObservation {
  objects: Record<string, unknown>[];
  resolve: (ref: string) => Record<string, unknown> | undefined;
}

export function observationOf(objects: Record<string, unknown>[]): BuiltObservation {
  const byId = new Map<string, Record<string, unknown>>();
  for (const o of objects) byId.set(o.id as string, o);
  return { objects, resolve: (ref) => byId.get(ref) };
}

/** True when the prepared pattern matches the record's observation (one record = one observation). */
export function evaluateOn(p: PreparedPattern, obs: BuiltObservation): boolean {
  if (p.flat) {
    for (const o of obs.objects) {
      if (!p.types.has(o.type as string)) continue;
      for (const e of p.flat) if (matchComparisonExpression(e, o, obs.resolve)) return true;
    }
    return false;
  }
  return evaluatePattern(p.pattern, [{ objects: obs.objects }], { maxBindings: 1000 }).matched;
}

const scratch: { type: string; value: string } = { type: '', value: '' };

/** For a valueOnly pattern: whether it matches one value of type `bit` (a TYPE_BITS bit). */
export function matchesValue(p: PreparedPattern, bit: number, value: string): boolean {
  if ((p.typeMask & bit) === 0) return false;
  scratch.type = typeName(bit);
  scratch.value = value;
  for (const e of p.flat as ComparisonExpression[]) if (matchComparisonExpression(e, scratch)) return true;
  return false;
}

/** For a valueOnly pattern: the index of the first value of the record it matches, or -1. */
export function matchValues(p: PreparedPattern, log: ValueLog): number {
  const flat = p.flat as ComparisonExpression[];
  for (let i = 0; i < log.n; i++) {
    const bit = log.type[i] as number;
    if ((p.typeMask & bit) === 0) continue;
    scratch.type = typeName(bit);
    scratch.value = log.value[i] as string;
    for (const e of flat) if (matchComparisonExpression(e, scratch)) return i;
  }
  return -1;
}
