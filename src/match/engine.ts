import { forEachToken, Shape, shapeOf, type ShapeCode } from './classify.js';
import type { CompiledTables, GeneralSpec } from './compile.js';
import { Sem, type SemCode } from './fields.js';
import { buildObservation, evaluateOn, matchesValue, matchValues, observationOf, preparePattern, Role, ValueLog, type BuiltObservation, type PreparedPattern, type RecordExtras, type RoleCode } from './general.js';
import { formatIpv4, formatIpv6, isV4Mapped, parseIpv4, parseIpv6 } from './ip.js';
import { hostOfNormalUrl, normalizeDomainValue, normalizeEmail, normalizeHash, normalizeUrl, schemelessUrl } from './normalize.js';
import { lookupV4, lookupV6, type RangeData } from './ranges.js';
import { KeyKind, lookupDomainSuffixes, lookupKey, type KeyTableData } from './table.js';

/**
 * The per-record matcher: receives a record's fields (name, value exactly as
 * in the log, meaning), looks each value up in the compiled tables, and at the
 * end of the record combines host and path fields into a URL and evaluates
 * the general patterns that apply. Hits name the indicator by its ref; the
 * thread that owns the metadata turns refs into indicators.
 */

export type HitKind = 'hash' | 'ip' | 'cidr' | 'domain' | 'url' | 'email' | 'pattern';

/** A hit before the indicator's metadata is attached. */
export interface RawHit {
  line: number;
  field: string;
  value: string;
  ref: number;
  kind: HitKind;
}

/** Receives the fields of one record at a time (what readers produce). */
export interface RecordSink {
  begin(line: number): void;
  field(name: string, value: string, sem: SemCode): void;
  end(): void;
}

/** The semantic a shape stands for when a field's name says nothing. */
export function semOfShape(s: ShapeCode): SemCode {
  switch (s) {
    case Shape.IP:
      return Sem.IP;
    case Shape.HASH:
      return Sem.HASH;
    case Shape.URL:
      return Sem.URL;
    case Shape.EMAIL:
      return Sem.EMAIL;
    case Shape.DOMAIN:
      return Sem.DOMAIN;
    default:
      return Sem.NONE;
  }
}

const HASH_BY_SEM: Readonly<Record<number, [number, number, string]>> = {
  [Sem.MD5]: [32, KeyKind.MD5, 'MD5'],
  [Sem.SHA1]: [40, KeyKind.SHA1, 'SHA-1'],
  [Sem.SHA256]: [64, KeyKind.SHA256, 'SHA-256'],
  [Sem.SHA512]: [128, KeyKind.SHA512, 'SHA-512'],
};
const HASH_BY_LENGTH: Readonly<Record<number, [number, number, string]>> = {
  32: HASH_BY_SEM[Sem.MD5] as [number, number, string],
  40: HASH_BY_SEM[Sem.SHA1] as [number, number, string],
  64: HASH_BY_SEM[Sem.SHA256] as [number, number, string],
  128: HASH_BY_SEM[Sem.SHA512] as [number, number, string],
};

export class RecordMatcher implements RecordSink {
  private readonly keys: KeyTableData;
  private readonly ranges: RangeData;
  private readonly generalFlag: Uint8Array;
  private readonly prepared: PreparedPattern[];
  private readonly byRef = new Map<number, PreparedPattern>();
  private readonly unanchored: PreparedPattern[];
  /**
   * Unanchored patterns that read only values (`[domain-name:value MATCHES …]`):
   * their results depend on the value alone, and log values repeat a lot
   * (the same domains all day), so results are remembered per value as a bit
   * mask over these patterns, in a bounded map per type.
   */
  private readonly perValue: PreparedPattern[];
  private readonly perValueMask: number;
  private readonly memo: Map<string, number>[] = [];
  /** Memo use is sampled: a window of lookups with few repeats (random names) turns it off for a while. */
  private memoOn = true;
  private memoLookups = 0;
  private memoHits = 0;
  private readonly collect: boolean;

  private line = 0;
  private readonly recordHits: RawHit[] = [];
  private host: string | undefined;
  private hostField = '';
  private path: string | undefined;
  private pathField = '';
  private readonly values = new ValueLog();
  private extras: RecordExtras = {};
  /** Anchored general patterns seen in this record: ref → the field and value that named them. */
  private readonly candidates = new Map<number, { field: string; value: string }>();
  private readonly scratch: number[] = [];
  private readonly words = new Uint32Array(4);
  /** Evaluations of general patterns so far. */
  evaluations = 0;

  constructor(tables: CompiledTables, general: readonly GeneralSpec[], private readonly out: RawHit[]) {
    this.keys = tables.keys;
    this.ranges = tables.ranges;
    this.generalFlag = tables.general;
    this.prepared = general.map((g) => preparePattern(g.ref, g.pattern, g.anchored));
    for (const p of this.prepared) this.byRef.set(p.ref, p);
    const unanchored = this.prepared.filter((p) => !p.anchored);
    this.perValue = unanchored.filter((p) => p.valueOnly).slice(0, 31);
    this.unanchored = unanchored.filter((p) => !this.perValue.includes(p));
    let mask = 0;
    for (const p of this.perValue) mask |= p.typeMask;
    this.perValueMask = mask;
    for (let i = 0; i < 32; i++) this.memo.push(new Map());
    this.collect = this.prepared.length > 0;
  }

  begin(line: number): void {
    this.line = line;
    this.host = undefined;
    this.path = undefined;
    if (this.collect) {
      this.values.reset();
      this.extras = {};
      this.candidates.clear();
    }
  }

  field(name: string, value: string, sem: SemCode): void {
    switch (sem) {
      case Sem.SKIP:
        return;
      case Sem.NONE:
        this.byShape(name, value, value, shapeOf(value), Role.NONE);
        return;
      case Sem.IP:
      case Sem.SRC_IP:
      case Sem.DST_IP: {
        const role = sem === Sem.SRC_IP ? Role.SRC : sem === Sem.DST_IP ? Role.DST : Role.NONE;
        if (!this.ip(name, value, value, role)) this.byShape(name, value, value, shapeOf(value), role);
        return;
      }
      case Sem.DOMAIN:
        if (!this.domain(name, value, value)) this.byShape(name, value, value, shapeOf(value), Role.NONE);
        return;
      case Sem.URL:
        if (!this.url(name, value)) {
          // `url.original` may be a path only; with a host field it is a URL.
          if (value.charCodeAt(0) === 47) this.setPath(name, value);
          else this.byShape(name, value, value, shapeOf(value), Role.NONE);
        }
        return;
      case Sem.URL_HOST: {
        this.host ??= value;
        if (this.host === value) this.hostField = name;
        // The host alone is also a domain or an address (without its port).
        const colon = value.lastIndexOf(':');
        const bare = colon > 0 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
        if (!this.ip(name, bare, value, Role.NONE)) this.domain(name, bare, value);
        return;
      }
      case Sem.URL_PATH:
        if (value.indexOf('://') > 0) this.url(name, value);
        else this.setPath(name, value);
        return;
      case Sem.MD5:
      case Sem.SHA1:
      case Sem.SHA256:
      case Sem.SHA512:
        if (!this.hash(name, value, HASH_BY_SEM[sem] as [number, number, string])) this.byShape(name, value, value, shapeOf(value), Role.NONE);
        return;
      case Sem.HASH: {
        const h = HASH_BY_LENGTH[value.length];
        if (!h || !this.hash(name, value, h)) this.byShape(name, value, value, shapeOf(value), Role.NONE);
        return;
      }
      case Sem.EMAIL:
      case Sem.EMAIL_FROM:
      case Sem.EMAIL_TO: {
        const role = sem === Sem.EMAIL_FROM ? Role.FROM : sem === Sem.EMAIL_TO ? Role.TO : Role.NONE;
        this.emails(name, value, role);
        return;
      }
      case Sem.TEXT:
        forEachToken(value, (s, e, shape) => {
          const token = value.slice(s, e);
          this.byShape(name, token, token, shape, Role.NONE);
        });
        return;
      case Sem.DN:
        this.commonNames(name, value);
        return;
      case Sem.SRC_PORT:
      case Sem.DST_PORT:
        if (this.collect) {
          const port = Number(value);
          if (Number.isInteger(port) && port >= 0 && port <= 65535) {
            if (sem === Sem.SRC_PORT) this.extras.srcPort ??= port;
            else this.extras.dstPort ??= port;
          }
        }
        return;
      case Sem.PROTO:
        if (this.collect && value.length <= 16) this.extras.protocol ??= value.toLowerCase();
        return;
    }
  }

  end(): void {
    if (this.host !== undefined && this.path !== undefined) this.composite();
    if (this.collect) this.evaluateGeneral();
    if (this.recordHits.length > 0) {
      for (const h of this.recordHits) this.out.push(h);
      this.recordHits.length = 0;
    }
  }

  // -------------------------------------------------------------------------

  /** The `CN=` values of a distinguished name (RFC 4514 string form; an escaped comma ends nothing). */
  private commonNames(name: string, dn: string): void {
    for (let i = dn.indexOf('CN='); i >= 0; i = dn.indexOf('CN=', i + 3)) {
      if (i > 0 && dn.charCodeAt(i - 1) !== 44 && dn.charCodeAt(i - 1) !== 32 && dn.charCodeAt(i - 1) !== 47) continue;
      let end = i + 3;
      while (end < dn.length && !(dn.charCodeAt(end) === 44 && dn.charCodeAt(end - 1) !== 92) && dn.charCodeAt(end) !== 47) end++;
      const cn = dn.slice(i + 3, end).trim();
      // A wildcard certificate names its parent domain.
      const v = cn.startsWith('*.') ? cn.slice(2) : cn;
      this.byShape(name, v, cn, shapeOf(v), Role.NONE);
    }
  }

  private setPath(name: string, value: string): void {
    if (this.path === undefined) {
      this.path = value;
      this.pathField = name;
    }
  }

  private byShape(name: string, value: string, observed: string, shape: ShapeCode, role: RoleCode): void {
    switch (shape) {
      case Shape.IP:
        this.ip(name, value, observed, role);
        return;
      case Shape.HASH: {
        const h = HASH_BY_LENGTH[value.length];
        if (h) this.hash(name, value, h);
        return;
      }
      case Shape.URL:
        this.url(name, value);
        return;
      case Shape.EMAIL:
        this.email(name, value, observed, role);
        return;
      case Shape.DOMAIN:
        this.domain(name, value, observed);
        return;
    }
  }

  private hit(name: string, observed: string, ref: number, kind: HitKind): void {
    if (this.generalFlag[ref] === 1) {
      if (!this.candidates.has(ref)) this.candidates.set(ref, { field: name, value: observed });
      return;
    }
    for (const h of this.recordHits) if (h.ref === ref && h.field === name) return;
    this.recordHits.push({ line: this.line, field: name, value: observed, ref, kind });
  }

  private keyHits(name: string, observed: string, e: number, kind: HitKind): void {
    const t = this.keys;
    const end = t.refOffsets[e + 1] as number;
    for (let i = t.refOffsets[e] as number; i < end; i++) this.hit(name, observed, t.refs[i] as number, kind);
  }

  private blockHits(name: string, observed: string, block: number): void {
    const r = this.ranges;
    for (let b = block; b >= 0; b = r.parent[b] as number) {
      const kind: HitKind = (r.prefix[b] as number) === (r.family[b] === 4 ? 32 : 128) ? 'ip' : 'cidr';
      const end = r.refOffsets[b + 1] as number;
      for (let i = r.refOffsets[b] as number; i < end; i++) this.hit(name, observed, r.refs[i] as number, kind);
    }
  }

  /** Looks up `value` as an address; false when it is not one. */
  private ip(name: string, value: string, observed: string, role: RoleCode): boolean {
    let s = 0;
    let e = value.length;
    let v4 = parseIpv4(value, s, e);
    let v6 = false;
    if (v4 < 0) {
      if (value.indexOf(':') < 0) return false;
      if (value.charCodeAt(0) === 91 && value.charCodeAt(e - 1) === 93) {
        s = 1;
        e--;
      }
      const pct = value.indexOf('%', s);
      if (pct >= 0 && pct < e) e = pct;
      if (!parseIpv6(value, this.words, s, e)) return false;
      if (isV4Mapped(this.words)) v4 = this.words[3] as number;
      v6 = true;
    }
    if (v4 >= 0) {
      const b = lookupV4(this.ranges, v4);
      if (b >= 0) this.blockHits(name, observed, b);
    }
    if (v6) {
      // A mapped address also meets IPv6 blocks that contain it (::/0, ::ffff:0:0/96).
      const b = lookupV6(this.ranges, this.words);
      if (b >= 0) this.blockHits(name, observed, b);
    }
    if (this.collect) {
      const canonical = v4 >= 0 ? (s === 0 && e === value.length && !v6 ? value : formatIpv4(v4)) : formatIpv6(this.words);
      this.values.push(v4 >= 0 ? 'ipv4-addr' : 'ipv6-addr', canonical, role, name, observed);
    }
    return true;
  }

  /** Looks up `value` and its parent domains; false when it is not a domain. */
  private domain(name: string, value: string, observed: string): boolean {
    if (parseIpv4(value) >= 0) return this.ip(name, value, observed, Role.NONE);
    const d = normalizeDomainValue(value);
    if (d === undefined) return false;
    const n = lookupDomainSuffixes(this.keys, d, this.scratch);
    for (let i = 0; i < n; i++) this.keyHits(name, observed, this.scratch[i] as number, 'domain');
    if (this.collect) this.values.push('domain-name', d, Role.NONE, name, observed);
    return true;
  }

  /** Looks up a URL, and its host as a domain or address; false when it is not a URL. */
  private url(name: string, value: string): boolean {
    const n = normalizeUrl(value);
    if (n === undefined) return false;
    const e = lookupKey(this.keys, KeyKind.URL, n);
    if (e >= 0) this.keyHits(name, value, e, 'url');
    const host = hostOfNormalUrl(n);
    if (host.indexOf(':') >= 0 || parseIpv4(host) >= 0) this.ip(name, host, value, Role.NONE);
    else this.domain(name, host, value);
    if (this.collect) this.values.push('url', n, Role.NONE, name, value);
    return true;
  }

  private composite(): void {
    const host = this.host as string;
    const path = this.path as string;
    const key = schemelessUrl(host, path);
    if (key === undefined) return;
    const field = `${this.hostField}+${this.pathField}`;
    const observed = `${host}${path}`;
    const e = lookupKey(this.keys, KeyKind.URL_SCHEMELESS, key);
    if (e >= 0) this.keyHits(field, observed, e, 'url');
    if (this.collect) this.values.push('url', `http://${key}`, Role.NONE, field, observed);
  }

  private hash(name: string, value: string, h: [number, number, string]): boolean {
    const n = normalizeHash(value, h[0]);
    if (n === undefined) return false;
    const e = lookupKey(this.keys, h[1], n);
    if (e >= 0) this.keyHits(name, value, e, 'hash');
    if (this.collect) this.values.push('file', n, Role.NONE, name, value, h[2]);
    return true;
  }

  /** One address, or a comma-separated list of them (e-mail headers). */
  private emails(name: string, value: string, role: RoleCode): void {
    if (value.indexOf(',') < 0 || value.indexOf('@') === value.lastIndexOf('@')) {
      this.email(name, value, value, role);
      return;
    }
    for (const part of value.split(',')) {
      const p = part.trim();
      if (p !== '') this.email(name, p, p, role);
    }
  }

  private email(name: string, value: string, observed: string, role: RoleCode): boolean {
    const n = normalizeEmail(value);
    if (n === undefined) return false;
    const e = lookupKey(this.keys, KeyKind.EMAIL, n);
    if (e >= 0) this.keyHits(name, observed, e, 'email');
    if (this.collect) this.values.push('email-addr', n, role, name, observed);
    return true;
  }

  private evaluateGeneral(): void {
    if (this.perValue.length > 0 && (this.perValueMask & this.values.mask) !== 0) this.evaluatePerValue();
    if (this.candidates.size === 0 && this.unanchored.length === 0) return;
    const log = this.values;
    let obs: BuiltObservation | undefined;
    const run = (p: PreparedPattern, at: { field: string; value: string } | undefined): void => {
      if ((p.typeMask & log.mask) === 0) return;
      this.evaluations++;
      let where = at;
      if (p.valueOnly) {
        const i = matchValues(p, log);
        if (i < 0) return;
        where ??= { field: log.field[i] as string, value: log.observed[i] as string };
      } else {
        obs ??= observationOf(buildObservation(log.list(), this.extras));
        if (!evaluateOn(p, obs)) return;
        const i = log.firstOf(p.typeMask);
        where ??= i < 0 ? undefined : { field: log.field[i] as string, value: log.observed[i] as string };
      }
      if (where) this.recordHits.push({ line: this.line, field: where.field, value: where.value, ref: p.ref, kind: 'pattern' });
    };
    for (const [ref, at] of this.candidates) {
      const p = this.byRef.get(ref);
      if (p) run(p, at);
    }
    for (const p of this.unanchored) run(p, undefined);
  }
  /** Every 65,536 values: memo on while at least one in eight repeats; off, it is tried again after 2^20 values. */
  private sampleMemo(): void {
    const n = ++this.memoLookups;
    if (this.memoOn && n === 65536) {
      if (this.memoHits * 8 < n) {
        this.memoOn = false;
        for (const m of this.memo) m.clear();
      }
      this.memoLookups = 0;
      this.memoHits = 0;
    } else if (!this.memoOn && n === 1 << 20) {
      this.memoOn = true;
      this.memoLookups = 0;
      this.memoHits = 0;
    }
  }

  /** Evaluates the per-value patterns on the record's values (see `perValue`). */
  private evaluatePerValue(): void {
    const log = this.values;
    let reported = 0;
    for (let i = 0; i < log.n; i++) {
      const bit = log.type[i] as number;
      if ((bit & this.perValueMask) === 0) continue;
      const value = log.value[i] as string;
      const memo = this.memo[31 - Math.clz32(bit)] as Map<string, number>;
      let result = this.memoOn ? memo.get(value) : undefined;
      if (result === undefined) {
        result = 0;
        for (let j = 0; j < this.perValue.length; j++) {
          const p = this.perValue[j] as PreparedPattern;
          if ((p.typeMask & bit) === 0) continue;
          this.evaluations++;
          if (matchesValue(p, bit, value)) result |= 1 << j;
        }
        if (this.memoOn) {
          if (memo.size >= 65536) memo.clear();
          memo.set(value, result);
        }
      } else {
        this.memoHits++;
      }
      this.sampleMemo();
      // A pattern is reported once per record, at the first value it matches.
      result &= ~reported;
      if (result === 0) continue;
      reported |= result;
      for (let j = 0; j < this.perValue.length; j++) {
        if (result & (1 << j)) this.recordHits.push({ line: this.line, field: log.field[i] as string, value: log.observed[i] as string, ref: (this.perValue[j] as PreparedPattern).ref, kind: 'pattern' });
      }
    }
  }
}
