import { ecosystemOf, type Ecosystem } from '../versions/registry.js';
import { CompiledAffected, type OsvAffected } from '../versions/ranges.js';
import { VersionCache } from '../versions/scheme.js';
import { cpeVersionIsSpecific, parseCpe, type Cpe } from './cpe.js';
import { SbomError } from './errors.js';
import type { ParsedSbom, SbomComponent, SbomWarning } from './model.js';
import { purlLookup, recordKey, releasesMatch } from './package-key.js';
import { readPurls } from './purl-list.js';

/**
 * "Am I affected?": an in-memory index of vulnerability records by package
 * key, and the check of SBOM components against it.
 *
 * Records are added one by one (`add`); each `affected[]` entry is indexed
 * under its package key and compiled (ranges parsed and sorted) only the
 * first time a component looks it up. A check costs one map lookup per
 * component key plus the evaluation of the few entries found.
 *
 * Confidence of a finding:
 * - `exact`: the purl's type, namespace and name match the advisory's package
 *   and its version lies in an affected range (or is listed);
 * - `name-only`: the package matches but there is no version, the version
 *   does not parse under the ecosystem's rules, or the ranges cannot be
 *   evaluated — a *possible* finding;
 * - `cpe-only`: matched only through a CPE's vendor and product — possible.
 */
export interface VulnerabilityRecord {
  readonly id: string;
  readonly aliases?: readonly string[];
  readonly summary?: string;
  readonly severity?: unknown;
  readonly affected: readonly OsvAffected[];
  readonly source: 'accord' | 'osv';
  readonly published?: string;
  readonly modified?: string;
  /** CPE names of affected products (an Accord advisory's product identification helpers), for components known only by CPE. */
  readonly cpes?: readonly string[];
}

export type Confidence = 'exact' | 'name-only' | 'cpe-only';

export interface Finding {
  readonly component: { readonly ref: string; readonly purl: string | null; readonly name: string | null; readonly version: string | null };
  readonly advisory_id: string;
  readonly aliases: readonly string[];
  readonly summary: string | null;
  readonly severity: unknown;
  readonly source: 'accord' | 'osv';
  /** The OSV ecosystem and package of the matching `affected[]` entry (null for CPE matches). */
  readonly ecosystem: string | null;
  readonly package: string | null;
  /** The affected interval holding the version (">=1.0.0 <1.2.5"), or all ranges when the match is only possible. */
  readonly affected_range: string;
  /** The version to move to, or null when none is known. */
  readonly fixed_version: string | null;
  readonly confidence: Confidence;
  /** True unless the confidence is exact. */
  readonly possible: boolean;
  /** Why a match is less than exact, or what was assumed (a distro release). */
  readonly notes: readonly string[];
}

export interface CheckResult {
  readonly findings: Finding[];
  readonly stats: { components: number; with_purl: number; looked_up: number; unknown_type: number };
}

interface Entry {
  readonly record: VulnerabilityRecord;
  readonly affected: OsvAffected;
  readonly ecosystem: Ecosystem;
  readonly ecosystemName: string;
  compiled: CompiledAffected | undefined;
}

interface CpeEntry {
  readonly record: VulnerabilityRecord;
  readonly cpe: Cpe;
}

const RANK: Record<Confidence, number> = { exact: 0, 'name-only': 1, 'cpe-only': 2 };

function recordError(message: string): SbomError<'SBOM_MATCH_RECORD_INVALID'> {
  return new SbomError('SBOM_MATCH_RECORD_INVALID', message);
}

/** The index. Not thread-shared state: build one per feed snapshot. */
export class AdvisoryMatcher {
  readonly #byKey = new Map<string, Entry[]>();
  readonly #byCpe = new Map<string, CpeEntry[]>();
  readonly #keysOf = new Map<string, string[]>();
  #entries = 0;
  #unindexed = 0;
  /** Parsed version texts shared by all entries: advisories of one package repeat the same versions. */
  readonly #versions = new VersionCache();

  /** Records indexed. */
  get size(): number {
    return this.#keysOf.size;
  }

  /** Index statistics: records, affected entries, distinct package keys, entries skipped (ecosystem without a version order). */
  stats(): { records: number; entries: number; keys: number; unindexed: number } {
    return { records: this.#keysOf.size, entries: this.#entries, keys: this.#byKey.size, unindexed: this.#unindexed };
  }

  /** Adds (or replaces, by id) a record; `SBOM_MATCH_RECORD_INVALID` if it lacks an id or an affected list. */
  add(record: VulnerabilityRecord): void {
    if (record === null || typeof record !== 'object' || typeof record.id !== 'string' || record.id === '') throw recordError('A vulnerability record needs a non-empty "id".');
    if (!Array.isArray(record.affected)) throw recordError(`Record ${record.id} needs an "affected" array.`);
    if (record.source !== 'accord' && record.source !== 'osv') throw recordError(`Record ${record.id} has source ${JSON.stringify(record.source)}; expected "accord" or "osv".`);
    if (this.#keysOf.has(record.id)) this.remove(record.id);
    const keys: string[] = [];
    for (const affected of record.affected) {
      const pkg = affected?.package;
      if (pkg === undefined || pkg === null || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') {
        this.#unindexed++;
        continue;
      }
      const ecosystem = ecosystemOf(pkg.ecosystem);
      const key = ecosystem === undefined ? undefined : recordKey(ecosystem, pkg.name);
      if (ecosystem === undefined || key === undefined) {
        this.#unindexed++;
        continue;
      }
      const entry: Entry = { record, affected, ecosystem, ecosystemName: pkg.ecosystem, compiled: undefined };
      const list = this.#byKey.get(key);
      if (list === undefined) this.#byKey.set(key, [entry]);
      else list.push(entry);
      keys.push(key);
      this.#entries++;
    }
    for (const text of Array.isArray(record.cpes) ? record.cpes : []) {
      const cpe = parseCpe(text);
      if (cpe === undefined) continue;
      const key = `cpe:${cpe.vendor}:${cpe.product}`;
      const list = this.#byCpe.get(key);
      if (list === undefined) this.#byCpe.set(key, [{ record, cpe }]);
      else list.push({ record, cpe });
      keys.push(key);
    }
    this.#keysOf.set(record.id, keys);
  }

  /** Removes a record by id; false if it was not indexed. */
  remove(id: string): boolean {
    const keys = this.#keysOf.get(id);
    if (keys === undefined) return false;
    for (const key of new Set(keys)) {
      if (key.startsWith('cpe:')) {
        const kept = (this.#byCpe.get(key) ?? []).filter((e) => e.record.id !== id);
        if (kept.length === 0) this.#byCpe.delete(key);
        else this.#byCpe.set(key, kept);
      } else {
        const list = this.#byKey.get(key) ?? [];
        const kept = list.filter((e) => e.record.id !== id);
        this.#entries -= list.length - kept.length;
        if (kept.length === 0) this.#byKey.delete(key);
        else this.#byKey.set(key, kept);
      }
    }
    this.#keysOf.delete(id);
    return true;
  }

  /** Checks components (from `parseSbom`) against the index. */
  check(components: readonly SbomComponent[]): CheckResult {
    const findings: Finding[] = [];
    let withPurl = 0;
    let lookedUp = 0;
    let unknownType = 0;
    for (const c of components) {
      const best = new Map<string, Finding>();
      const keep = (f: Finding) => {
        const prev = best.get(f.advisory_id);
        if (prev === undefined || RANK[f.confidence] < RANK[prev.confidence]) best.set(f.advisory_id, f);
      };
      if (c.purl_parsed !== null) {
        withPurl++;
        const lookup = purlLookup(c.purl_parsed, c.version);
        if (lookup === undefined) unknownType++;
        else {
          lookedUp++;
          for (const key of lookup.keys) {
            for (const entry of this.#byKey.get(key) ?? []) {
              const f = this.#evaluate(c, entry, lookup.version, lookup.release);
              if (f !== undefined) keep(f);
            }
          }
        }
      }
      if (c.cpe_parsed !== null) {
        for (const e of this.#byCpe.get(`cpe:${c.cpe_parsed.vendor}:${c.cpe_parsed.product}`) ?? []) {
          if (cpeVersionIsSpecific(e.cpe.version) && cpeVersionIsSpecific(c.cpe_parsed.version) && e.cpe.version !== c.cpe_parsed.version) continue;
          keep(
            this.#finding(c, e.record, {
              ecosystem: null,
              pkg: null,
              range: cpeVersionIsSpecific(e.cpe.version) ? `=${e.cpe.version}` : '*',
              fixed: null,
              confidence: 'cpe-only',
              notes: [`matched only by CPE vendor and product (${e.cpe.vendor}:${e.cpe.product})`],
            }),
          );
        }
      }
      findings.push(...best.values());
    }
    return { findings, stats: { components: components.length, with_purl: withPurl, looked_up: lookedUp, unknown_type: unknownType } };
  }

  /** Checks a list of purls (each must carry a version for an exact match); invalid purls are warnings. */
  checkPurls(purls: readonly string[]): CheckResult & { warnings: SbomWarning[] } {
    const sbom = readPurls(purls);
    return { ...this.check(sbom.components), warnings: sbom.warnings };
  }

  /** Checks a parsed SBOM. */
  checkSbom(sbom: ParsedSbom): CheckResult {
    return this.check(sbom.components);
  }

  #evaluate(c: SbomComponent, entry: Entry, version: string | null, componentRelease: string | null): Finding | undefined {
    const notes: string[] = [];
    const advisoryRelease = entry.ecosystem.release;
    const distro = entry.ecosystem.purlType === 'deb' || entry.ecosystem.purlType === 'apk' || entry.ecosystem.purlType === 'rpm';
    if (distro) {
      if (advisoryRelease !== undefined && componentRelease !== null) {
        if (!releasesMatch(advisoryRelease, componentRelease)) return undefined;
      } else if (advisoryRelease !== undefined) {
        notes.push(`the SBOM names no ${entry.ecosystem.osv} release; matched the advisory for ${entry.ecosystemName}`);
      } else if (componentRelease !== null) {
        notes.push(`the advisory names no ${entry.ecosystem.osv} release; it applies to every release`);
      }
    }
    entry.compiled ??= new CompiledAffected(entry.affected, entry.ecosystem, this.#versions);
    const base = { ecosystem: entry.ecosystemName, pkg: entry.affected.package?.name ?? null };
    if (version === null) {
      return this.#finding(c, entry.record, { ...base, range: entry.compiled.describe(), fixed: null, confidence: 'name-only', notes: [...notes, 'the component has no version'] });
    }
    const v = entry.compiled.evaluate(version);
    if (v.status === 'not-affected') return undefined;
    if (v.status === 'unknown') return this.#finding(c, entry.record, { ...base, range: v.range, fixed: null, confidence: 'name-only', notes: [...notes, v.reason] });
    if (!entry.ecosystem.ownRules) notes.push(`${entry.ecosystem.osv} versions ordered by the SemVer-like fallback`);
    return this.#finding(c, entry.record, { ...base, range: v.range, fixed: v.fixed, confidence: 'exact', notes });
  }

  #finding(
    c: SbomComponent,
    r: VulnerabilityRecord,
    m: { ecosystem: string | null; pkg: string | null; range: string; fixed: string | null; confidence: Confidence; notes: string[] },
  ): Finding {
    return {
      component: { ref: c.ref, purl: c.purl_raw, name: c.name, version: c.version },
      advisory_id: r.id,
      aliases: Array.isArray(r.aliases) ? r.aliases : [],
      summary: typeof r.summary === 'string' ? r.summary : null,
      severity: r.severity ?? null,
      source: r.source,
      ecosystem: m.ecosystem,
      package: m.pkg,
      affected_range: m.range,
      fixed_version: m.fixed,
      confidence: m.confidence,
      possible: m.confidence !== 'exact',
      notes: m.notes,
    };
  }
}
