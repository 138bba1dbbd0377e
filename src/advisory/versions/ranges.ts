import { VersionError } from './errors.js';
import { ecosystemOf, type Ecosystem } from './registry.js';
import { VersionCache, type VersionScheme } from './scheme.js';
import { SEMVER } from './semver.js';

/**
 * OSV range semantics (ossf/osv-schema docs/schema.md, "affected fields" and
 * "Evaluation"): a version is affected when it is listed in `versions` or lies
 * in one of the `ranges`. A range's events, sorted by version, are a timeline:
 * `introduced` (inclusive; "0" sorts before every version) turns vulnerable
 * on, `fixed` (exclusive) and `last_affected` (inclusive) turn it off; the
 * range only counts for versions below one of its `limit` events ("*" is
 * infinity; no limit means no bound). `SEMVER` ranges order by SemVer 2.0,
 * `ECOSYSTEM` ranges by the package ecosystem's rules; `GIT` ranges name
 * commits and cannot be evaluated against a version, so only the `versions`
 * list speaks for them.
 */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: string;
  repo?: string;
  events: readonly OsvEvent[];
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: readonly OsvRange[];
  versions?: readonly string[];
}

/** What evaluation says of one version against one `affected[]` entry. */
export type Verdict =
  | {
      readonly status: 'affected';
      readonly via: 'range' | 'versions';
      /** Human form of the interval that holds the version (">=1.0.0 <1.2.5", "<=2.1.214", "=1.0.3"). */
      readonly range: string;
      /** The smallest `fixed` version above this one that no range or listed version of the entry affects, or null. */
      readonly fixed: string | null;
    }
  | { readonly status: 'not-affected' }
  | {
      readonly status: 'unknown';
      /** Why the version could not be placed (unparsable version, no evaluable range, bad events). */
      readonly reason: string;
      /** Human form of the ranges, for a "possibly affected" report. */
      readonly range: string;
    };

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
const KINDS: readonly Kind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

interface Event<V> {
  readonly kind: Kind;
  readonly text: string;
  /** undefined: "0" as introduced (before every version) or "*" as limit (infinity). */
  readonly v: V | undefined;
}

/** A range with its events parsed and sorted, ready to evaluate. */
export interface CompiledRange<V> {
  readonly type: 'SEMVER' | 'ECOSYSTEM';
  readonly scheme: VersionScheme<V>;
  readonly events: readonly Event<V>[];
  readonly limits: readonly Event<V>[];
}

function rangeError(message: string): VersionError<'VERSION_RANGE_INVALID'> {
  return new VersionError('VERSION_RANGE_INVALID', message);
}

/** Checks one range against the schema's requirements; returns its events as (kind, text) pairs. */
function readEvents(range: OsvRange): { kind: Kind; text: string }[] {
  if (range === null || typeof range !== 'object' || !Array.isArray(range.events)) throw rangeError('A range must have an "events" array.');
  const out: { kind: Kind; text: string }[] = [];
  for (const e of range.events as unknown[]) {
    if (e === null || typeof e !== 'object') throw rangeError('A range event must be an object.');
    const keys = KINDS.filter((k) => Object.prototype.hasOwnProperty.call(e, k));
    if (keys.length !== 1) throw rangeError(`A range event must have exactly one of introduced, fixed, last_affected, limit (got ${keys.length}).`);
    const kind = keys[0]!;
    const text = (e as Record<string, unknown>)[kind];
    if (typeof text !== 'string' || text === '') throw rangeError(`The "${kind}" of a range event must be a non-empty string.`);
    out.push({ kind, text });
  }
  if (!out.some((e) => e.kind === 'introduced')) throw rangeError('A range must have at least one "introduced" event.');
  if (out.some((e) => e.kind === 'fixed') && out.some((e) => e.kind === 'last_affected')) {
    throw rangeError('A range may have "fixed" or "last_affected" events, not both.');
  }
  return out;
}

/**
 * Parses and sorts a SEMVER or ECOSYSTEM range with `scheme`.
 * `VERSION_RANGE_INVALID` if it breaks the schema; `VERSION_INVALID` if an event's version does not parse.
 */
export function compileRange<V>(range: OsvRange, scheme: VersionScheme<V>, cache?: VersionCache): CompiledRange<V> {
  if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') throw rangeError(`Range type ${JSON.stringify(range.type)} cannot be evaluated against a version.`);
  const raw = readEvents(range);
  const events: Event<V>[] = [];
  const limits: Event<V>[] = [];
  for (const { kind, text } of raw) {
    const special = (kind === 'introduced' && text === '0') || (kind === 'limit' && text === '*');
    const ev: Event<V> = { kind, text, v: special ? undefined : cache === undefined ? scheme.parse(text) : cache.parse(scheme, text) };
    (kind === 'limit' ? limits : events).push(ev);
  }
  // introduced "0" sorts before everything. The schema does not order events of equal versions; the sort is
  // stable, so they keep the order the record gives (introduced x, fixed x: empty; fixed x, introduced x: x onwards).
  events.sort((a, b) => {
    if (a.v === undefined || b.v === undefined) return a.v === b.v ? 0 : a.v === undefined ? -1 : 1;
    return scheme.compare(a.v, b.v);
  });
  return { type: range.type, scheme, events, limits };
}

function beforeLimits<V>(r: CompiledRange<V>, v: V): boolean {
  if (r.limits.length === 0) return true;
  return r.limits.some((l) => l.v === undefined || r.scheme.compare(v, l.v) < 0);
}

/** The OSV IncludedInRanges step for one range; returns the index of the introduced event that holds `v`, or -1. */
function holdingEvent<V>(r: CompiledRange<V>, v: V): number {
  if (!beforeLimits(r, v)) return -1;
  let vulnerable = false;
  let since = -1;
  for (let i = 0; i < r.events.length; i++) {
    const e = r.events[i]!;
    const cmp = e.v === undefined ? 1 : r.scheme.compare(v, e.v);
    if (e.kind === 'introduced') {
      if (cmp >= 0) {
        if (!vulnerable) since = i;
        vulnerable = true;
      }
    } else if (e.kind === 'fixed') {
      if (cmp >= 0) vulnerable = false;
    } else if (cmp > 0) {
      vulnerable = false; // last_affected
    }
  }
  return vulnerable ? since : -1;
}

/** Human form of the interval opened by event `from` (">=1.0 <1.2", "<=2.1", ">=3.0", "*"). */
function intervalText<V>(r: CompiledRange<V>, from: number, v: V | undefined): string {
  const start = r.events[from]!;
  const parts: string[] = [];
  if (start.v !== undefined) parts.push(`>=${start.text}`);
  const end = r.events.slice(from + 1).find((e) => e.kind !== 'introduced');
  if (end !== undefined) parts.push(end.kind === 'fixed' ? `<${end.text}` : `<=${end.text}`);
  else if (v !== undefined) {
    const limit = r.limits.filter((l) => l.v !== undefined && r.scheme.compare(v, l.v) < 0).sort((a, b) => r.scheme.compare(a.v!, b.v!))[0];
    if (limit !== undefined) parts.push(`<${limit.text}`);
  }
  return parts.length === 0 ? '*' : parts.join(' ');
}

/** Every interval of a range, for "possibly affected" reports. */
function allIntervals<V>(r: CompiledRange<V>): string[] {
  const out: string[] = [];
  let open = false;
  for (let i = 0; i < r.events.length; i++) {
    const e = r.events[i]!;
    if (e.kind === 'introduced' && !open) {
      out.push(intervalText(r, i, undefined));
      open = true;
    } else if (e.kind !== 'introduced') open = false;
  }
  return out;
}

/** Human form of raw events (when they could not be compiled). */
function rawText(range: OsvRange): string {
  if (!Array.isArray(range?.events)) return '?';
  return range.events
    .map((e) => {
      if (e?.introduced !== undefined) return e.introduced === '0' ? '' : `>=${e.introduced}`;
      if (e?.fixed !== undefined) return `<${e.fixed}`;
      if (e?.last_affected !== undefined) return `<=${e.last_affected}`;
      return '';
    })
    .filter((s) => s !== '')
    .join(' ');
}

/**
 * An `affected[]` entry compiled for one ecosystem: ranges parsed once, then
 * `evaluate` any number of versions. Never throws on bad feed data: a range
 * that does not compile makes versions it cannot rule out "unknown".
 */
export class CompiledAffected {
  readonly #scheme: VersionScheme<unknown> | undefined;
  readonly #ranges: CompiledRange<unknown>[] = [];
  /** Ranges that are neither GIT nor compilable (bad events, unknown ecosystem, unparsable version). */
  readonly #broken: { text: string; reason: string }[] = [];
  readonly #versions: readonly string[];
  readonly #versionSet: ReadonlySet<string>;
  #parsedVersions: unknown[] | undefined;
  readonly #onlyGit: boolean;
  readonly #cache: VersionCache;

  /**
   * `ecosystem` overrides `affected.package.ecosystem` (a name or an already looked-up Ecosystem);
   * `cache` shares parsed versions between entries (a matcher passes one for all its entries).
   */
  constructor(affected: OsvAffected, ecosystem?: string | Ecosystem, cache?: VersionCache) {
    const eco = typeof ecosystem === 'object' ? ecosystem : ecosystemOf(ecosystem ?? affected?.package?.ecosystem ?? '');
    this.#scheme = eco?.versions;
    this.#cache = cache ?? new VersionCache(10_000);
    this.#versions = Array.isArray(affected?.versions) ? affected.versions.filter((v): v is string => typeof v === 'string') : [];
    this.#versionSet = new Set(this.#versions);
    const ranges = Array.isArray(affected?.ranges) ? affected.ranges : [];
    let git = 0;
    for (const r of ranges) {
      if (r?.type === 'GIT') {
        git++;
        continue;
      }
      const scheme = r?.type === 'SEMVER' ? (SEMVER as VersionScheme<unknown>) : this.#scheme;
      try {
        if (scheme === undefined) throw rangeError(`No version ordering is known for ecosystem ${JSON.stringify(affected?.package?.ecosystem ?? ecosystem)}.`);
        this.#ranges.push(compileRange(r, scheme, this.#cache));
      } catch (e) {
        if (!(e instanceof VersionError)) throw e;
        this.#broken.push({ text: rawText(r), reason: e.message });
      }
    }
    this.#onlyGit = git > 0 && git === ranges.length && this.#versions.length === 0;
  }

  /** Whether a version of this entry's ecosystem is affected (see `Verdict`). */
  evaluate(version: string): Verdict {
    // IncludedInVersions: exact text first, then equality under the ecosystem's order (PyPI 1.0 == 1.0.0).
    if (this.#versionSet.has(version)) return { status: 'affected', via: 'versions', range: `=${version}`, fixed: null };
    const parse = (s: VersionScheme<unknown>): unknown => this.#cache.tryParse(s, version);
    const own = this.#scheme === undefined ? undefined : parse(this.#scheme);
    if (own !== undefined && this.#listed(own)) return { status: 'affected', via: 'versions', range: `=${version}`, fixed: null };
    let unparsable = false;
    for (const r of this.#ranges) {
      const v = parse(r.scheme);
      if (v === undefined) {
        unparsable = true;
        continue;
      }
      const at = holdingEvent(r, v);
      if (at >= 0) return { status: 'affected', via: 'range', range: intervalText(r, at, v), fixed: this.#fixedAbove(r.scheme, v) };
    }
    if (unparsable) return this.#unknown(`version ${JSON.stringify(version)} does not parse under the ${this.#ranges.map((r) => r.scheme.name).join('/')} rules`);
    if (this.#broken.length > 0) return this.#unknown(this.#broken.map((b) => b.reason).join(' '));
    if (this.#onlyGit) return this.#unknown('only GIT ranges, which name commits, not versions');
    return { status: 'not-affected' };
  }

  /** Human form of every range of the entry. */
  describe(): string {
    const parts = [...this.#ranges.flatMap(allIntervals), ...this.#broken.map((b) => b.text), ...this.#versions.map((v) => `=${v}`)];
    return parts.length === 0 ? '*' : parts.join(' || ');
  }

  #unknown(reason: string): Verdict {
    return { status: 'unknown', reason, range: this.describe() };
  }

  #listed(v: unknown): boolean {
    const s = this.#scheme!;
    this.#parsedVersions ??= this.#versions.map((x) => this.#cache.tryParse(s, x));
    return this.#parsedVersions.some((p) => p !== undefined && s.compare(p, v) === 0);
  }

  /** The smallest fixed version above `v` (same scheme) that no range or listed version affects. */
  #fixedAbove(scheme: VersionScheme<unknown>, v: unknown): string | null {
    const candidates = this.#ranges
      .filter((r) => r.scheme === scheme)
      .flatMap((r) => r.events.filter((e) => e.kind === 'fixed' && e.v !== undefined && scheme.compare(e.v, v) > 0))
      .sort((a, b) => scheme.compare(a.v, b.v));
    for (const c of candidates) {
      const stillAffected =
        this.#ranges.some((r) => r.scheme === scheme && holdingEvent(r, c.v) >= 0) ||
        this.#versionSet.has(c.text) ||
        (scheme === this.#scheme && this.#listed(c.v));
      if (!stillAffected) return c.text;
    }
    return null;
  }
}

/** Compiles an `affected[]` entry (ecosystem from `affected.package.ecosystem` unless given). */
export function compileAffected(affected: OsvAffected, ecosystem?: string | Ecosystem, cache?: VersionCache): CompiledAffected {
  return new CompiledAffected(affected, ecosystem, cache);
}

/** Whether `version` is affected by the entry (true only when evaluation is certain). */
export function isAffected(affected: OsvAffected, version: string, ecosystem?: string): boolean {
  return compileAffected(affected, ecosystem).evaluate(version).status === 'affected';
}

/** The version to move to: the smallest `fixed` above `version` that is not affected, or null. */
export function fixedVersionFor(affected: OsvAffected, version: string, ecosystem?: string): string | null {
  const v = compileAffected(affected, ecosystem).evaluate(version);
  return v.status === 'affected' ? v.fixed : null;
}
