import { parsePattern } from '../intel/pattern/parser.js';
import { parseStixTimestamp } from '../intel/timestamp.js';
import { TLP_LEVELS, tlpOf, type TlpLevel } from '../intel/tlp.js';
import { patternAnchors } from './general.js';
import { parseNetwork } from './ip.js';
import { normalizeDomainValue, normalizeEmail, normalizeHash, normalizeUrl, parseNormalUrl } from './normalize.js';
import { RangeBuilder, rangeBytes, type RangeData } from './ranges.js';
import { allocator, KeyKind, KeyTableBuilder, keyTableBytes, type KeyTableData } from './table.js';
import { patternTerms, type IndexKind, type MatchTerm } from './terms.js';

/**
 * Compiles indicators into lookup structures (see table.ts and ranges.ts) and
 * a list of general patterns (general.ts). Indicator metadata stays here, in
 * the thread that reports hits; the tables are plain typed arrays that worker
 * threads share.
 */

/** An indicator as the matcher needs it (the caller has already applied TLP visibility). */
export interface IndicatorInput {
  id: string;
  pattern: string;
  pattern_type: string;
  tlp: TlpLevel;
  name?: string;
  valid_until?: string;
  revoked?: boolean;
  /** For incremental exports: when this version was made (STIX timestamp). */
  modified?: string;
  created?: string;
  /** STIX confidence 0–100 (IP reputation scores). */
  confidence?: number;
}

/** The indicator a hit names. */
export interface HitIndicator {
  id: string;
  pattern: string;
  tlp: TlpLevel;
  name?: string;
}

export interface CompileOptions {
  /** Indicators whose valid_until is at or before this are skipped (default: now). */
  now?: Date;
  /** Build the tables on SharedArrayBuffers, for matchStreamParallel (default false). */
  shared?: boolean;
}

export interface CompileStats {
  /** Indicators read. */
  total: number;
  /** Held entirely in the lookup tables. */
  compiled: number;
  /** Evaluated with the pattern matcher (`anchored` of them only where an anchor value is seen). */
  general: number;
  anchored: number;
  skipped: { revoked: number; expired: number; patternType: number; invalid: number };
  /** Lookup entries by kind. */
  terms: Record<IndexKind, number>;
}

/** The structures the hot path reads: structured-clonable, shared between threads when built with `shared`. */
export interface CompiledTables {
  keys: KeyTableData;
  ranges: RangeData;
  /** 1 for indicators evaluated as general patterns (their table entries are anchors, not hits). */
  general: Uint8Array;
}

/** A general pattern, as handed to whoever evaluates it. */
export interface GeneralSpec {
  ref: number;
  pattern: string;
  anchored: boolean;
}

/** Compiled indicators: the shared tables, the general patterns and the metadata hits report. */
export class CompiledIndicators {
  constructor(
    readonly tables: CompiledTables,
    readonly general: readonly GeneralSpec[],
    readonly stats: CompileStats,
    private readonly ids: string[],
    private readonly patterns: string[],
    private readonly names: (string | undefined)[],
    private readonly tlps: Uint8Array,
  ) {}

  /** Indicators held (compiled + general). */
  get size(): number {
    return this.ids.length;
  }

  /** The indicator behind a ref of the tables. */
  indicator(ref: number): HitIndicator {
    const name = this.names[ref];
    const out: HitIndicator = { id: this.ids[ref] as string, pattern: this.patterns[ref] as string, tlp: TLP_LEVELS[this.tlps[ref] as number] as TlpLevel };
    if (name !== undefined) out.name = name;
    return out;
  }

  /** Bytes of the lookup tables (metadata strings not included). */
  byteLength(): number {
    return keyTableBytes(this.tables.keys) + rangeBytes(this.tables.ranges) + this.tables.general.byteLength;
  }
}

function emptyTerms(): Record<IndexKind, number> {
  return { md5: 0, sha1: 0, sha256: 0, sha512: 0, ipv4: 0, ipv6: 0, 'ipv4-net': 0, 'ipv6-net': 0, domain: 0, url: 0, email: 0 };
}

const HASH_KEYS: Readonly<Record<string, [number, (typeof KeyKind)[keyof typeof KeyKind]]>> = {
  md5: [32, KeyKind.MD5], sha1: [40, KeyKind.SHA1], sha256: [64, KeyKind.SHA256], sha512: [128, KeyKind.SHA512],
};

/** Incremental compiler: `add` each indicator, then `finish`. */
export class IndicatorCompiler {
  private readonly keys = new KeyTableBuilder();
  private readonly ranges = new RangeBuilder();
  private readonly ids: string[] = [];
  private readonly patterns: string[] = [];
  private readonly names: (string | undefined)[] = [];
  private tlps = new Uint8Array(1024);
  private generalFlags = new Uint8Array(1024);
  private readonly general: GeneralSpec[] = [];
  private readonly nowMs: number;
  readonly stats: CompileStats = {
    total: 0, compiled: 0, general: 0, anchored: 0, skipped: { revoked: 0, expired: 0, patternType: 0, invalid: 0 }, terms: emptyTerms(),
  };

  constructor(private readonly options: CompileOptions = {}) {
    this.nowMs = (options.now ?? new Date()).getTime();
  }

  add(ind: IndicatorInput): void {
    this.stats.total++;
    if (ind.revoked === true) {
      this.stats.skipped.revoked++;
      return;
    }
    if (typeof ind.valid_until === 'string') {
      const until = parseStixTimestamp(ind.valid_until);
      if (until && until.epochMs <= this.nowMs) {
        this.stats.skipped.expired++;
        return;
      }
    }
    if (ind.pattern_type !== 'stix' || typeof ind.pattern !== 'string') {
      this.stats.skipped.patternType++;
      return;
    }
    const result = patternTerms(ind.pattern);
    if ('unsupported' in result && result.unsupported === 'invalid') {
      this.stats.skipped.invalid++;
      return;
    }
    const ref = this.ids.length;
    if ('terms' in result) {
      // All terms must normalise, or the indicator is evaluated whole (a half-indexed OR would miss).
      const normal = result.terms.map(normalTerm);
      if (normal.every((x) => x !== undefined)) {
        this.keep(ind, ref, false);
        for (const x of normal) this.index(x as NormalTerm, ref);
        this.stats.compiled++;
        return;
      }
    }
    let anchors: MatchTerm[] | null;
    try {
      anchors = patternAnchors(parsePattern(ind.pattern).root);
    } catch {
      this.stats.skipped.invalid++;
      return;
    }
    this.keep(ind, ref, true);
    if (anchors) {
      // An anchor that does not normalise can never equal a (normalised) observed value: that branch cannot match.
      for (const a of anchors) {
        const n = normalTerm(a);
        if (n) this.index(n, ref);
      }
      this.stats.anchored++;
    }
    this.general.push({ ref, pattern: ind.pattern, anchored: anchors !== null });
    this.stats.general++;
  }

  private keep(ind: IndicatorInput, ref: number, general: boolean): void {
    this.ids.push(ind.id);
    this.patterns.push(ind.pattern);
    this.names.push(typeof ind.name === 'string' ? ind.name : undefined);
    if (ref >= this.tlps.length) {
      const grow = (a: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
        const b = new Uint8Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.tlps = grow(this.tlps);
      this.generalFlags = grow(this.generalFlags);
    }
    const level = TLP_LEVELS.indexOf(ind.tlp);
    // An unknown level is treated as the most restrictive, never as CLEAR.
    this.tlps[ref] = level < 0 ? TLP_LEVELS.length - 1 : level;
    this.generalFlags[ref] = general ? 1 : 0;
  }

  private index(t: NormalTerm, ref: number): void {
    this.stats.terms[t.kind]++;
    if (t.net) this.ranges.add(t.net, ref);
    else if (t.key !== undefined && t.keyKind !== undefined) {
      this.keys.add(t.keyKind, t.key, ref);
      if (t.schemeless !== undefined) this.keys.add(KeyKind.URL_SCHEMELESS, t.schemeless, ref);
    }
  }

  finish(): CompiledIndicators {
    const alloc = allocator(this.options.shared === true);
    const n = this.ids.length;
    const general = alloc(Uint8Array, n, 1);
    general.set(this.generalFlags.subarray(0, n));
    const tables: CompiledTables = { keys: this.keys.freeze(alloc), ranges: this.ranges.freeze(alloc), general };
    return new CompiledIndicators(tables, this.general, this.stats, this.ids, this.patterns, this.names, this.tlps.slice(0, n));
  }
}

interface NormalTerm {
  kind: IndexKind;
  net?: ReturnType<typeof parseNetwork>;
  keyKind?: (typeof KeyKind)[keyof typeof KeyKind];
  key?: string;
  schemeless?: string;
}

/** A term in its normal form, with where it goes; undefined when the value does not normalise. */
function normalTerm(t: MatchTerm): NormalTerm | undefined {
  switch (t.kind) {
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512': {
      const [len, keyKind] = HASH_KEYS[t.kind] as [number, (typeof KeyKind)[keyof typeof KeyKind]];
      const key = normalizeHash(t.value, len);
      return key === undefined ? undefined : { kind: t.kind, keyKind, key };
    }
    case 'ipv4':
    case 'ipv6':
    case 'ipv4-net':
    case 'ipv6-net': {
      const net = parseNetwork(t.value);
      return net ? { kind: t.kind, net } : undefined;
    }
    case 'domain': {
      const key = normalizeDomainValue(t.value);
      return key === undefined ? undefined : { kind: t.kind, keyKind: KeyKind.DOMAIN, key };
    }
    case 'url': {
      const key = normalizeUrl(t.value);
      if (key === undefined) return undefined;
      const u = parseNormalUrl(key);
      const schemeless = u && (u.scheme === 'http' || u.scheme === 'https') ? `${u.authority}${u.rest}` : undefined;
      return { kind: t.kind, keyKind: KeyKind.URL, key, ...(schemeless === undefined ? {} : { schemeless }) };
    }
    case 'email': {
      const key = normalizeEmail(t.value);
      return key === undefined ? undefined : { kind: t.kind, keyKind: KeyKind.EMAIL, key };
    }
  }
}

/** Compiles a stream of indicators (see IndicatorCompiler). */
export async function compileIndicators(input: AsyncIterable<IndicatorInput> | Iterable<IndicatorInput>, options: CompileOptions = {}): Promise<CompiledIndicators> {
  const c = new IndicatorCompiler(options);
  for await (const ind of input) c.add(ind);
  return c.finish();
}

/** Compiles indicators held in memory (tests, small lists). */
export function compileIndicatorsSync(input: Iterable<IndicatorInput>, options: CompileOptions = {}): CompiledIndicators {
  const c = new IndicatorCompiler(options);
  for (const ind of input) c.add(ind);
  return c.finish();
}

/**
 * The matcher's input shape of a STIX `indicator` object (as `accord intel
 * pull` writes them): its TLP level is the most restrictive TLP marking it
 * carries, or `defaultTlp`. Undefined for any other object.
 */
export function indicatorInputFromStix(obj: Record<string, unknown>, defaultTlp: TlpLevel): IndicatorInput | undefined {
  if (obj.type !== 'indicator' || typeof obj.id !== 'string' || typeof obj.pattern !== 'string') return undefined;
  const out: IndicatorInput = { id: obj.id, pattern: obj.pattern, pattern_type: typeof obj.pattern_type === 'string' ? obj.pattern_type : '', tlp: tlpOf(obj, defaultTlp) };
  if (typeof obj.name === 'string') out.name = obj.name;
  if (typeof obj.valid_until === 'string') out.valid_until = obj.valid_until;
  if (obj.revoked === true) out.revoked = true;
  if (typeof obj.modified === 'string') out.modified = obj.modified;
  if (typeof obj.created === 'string') out.created = obj.created;
  if (typeof obj.confidence === 'number') out.confidence = obj.confidence;
  return out;
}
