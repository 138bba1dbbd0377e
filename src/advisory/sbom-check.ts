import { AdvisoryMatcher, type Finding } from './sbom/matcher.js';
import { parseSbom } from './sbom/parse.js';
import { purlLookup } from './sbom/package-key.js';
import type { SbomWarning } from './sbom/model.js';
import type { VulnerabilityRecord } from './sbom/matcher.js';
import type { VulnDbStore } from './vulndb.js';

export interface SbomCheckResult {
  format: string;
  spec_version: string | null;
  components: number;
  /** Records in the checker's index (those of every package it has been asked about since the database last changed). */
  records_considered: number;
  findings: Finding[];
  warnings: SbomWarning[];
  warnings_dropped: number;
  stats: { components: number; with_purl: number; looked_up: number; unknown_type: number };
  database: { osv: number; accord: number };
  elapsed_ms: number;
}

/**
 * "Am I affected?": parses the SBOM (CycloneDX, SPDX or a purl list), loads
 * only the records of the packages it names, and matches each component by
 * its ecosystem's version rules. Findings keep the component's purl exactly
 * as the SBOM gives it.
 */
export async function checkSbom(store: VulnDbStore, input: string | Uint8Array, now: () => number = () => performance.now()): Promise<SbomCheckResult> {
  return new SbomChecker(store).check(input, now);
}

/** Package keys held in one checker's index before it starts afresh (bounds its memory). */
const MAX_LOADED_KEYS = 250_000;

/**
 * A checker that keeps what it loaded: each check adds only the records of
 * packages it has not seen yet (their version ranges compiled once), and
 * starts afresh when the database changed (any process's import or
 * publication bumps its generation). Checks run one at a time.
 */
export class SbomChecker {
  private matcher = new AdvisoryMatcher();
  private loaded = new Set<string>();
  private generation = -1;
  private counts: { osv: number; accord: number } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: VulnDbStore) {}

  check(input: string | Uint8Array, now: () => number = () => performance.now()): Promise<SbomCheckResult> {
    const run = this.queue.then(() => this.run(input, now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(input: string | Uint8Array, now: () => number): Promise<SbomCheckResult> {
    const t0 = now();
    const sbom = parseSbom(input);
    const keys = new Set<string>();
    for (const c of sbom.components) {
      if (c.purl_parsed) for (const k of purlLookup(c.purl_parsed, c.version)?.keys ?? []) keys.add(k);
      if (c.cpe_parsed) keys.add(`cpe:${c.cpe_parsed.vendor}:${c.cpe_parsed.product}`);
    }
    const generation = await this.store.vulnGeneration();
    if (generation !== this.generation || this.loaded.size + keys.size > MAX_LOADED_KEYS) {
      this.matcher = new AdvisoryMatcher();
      this.loaded = new Set();
      this.counts = undefined;
      this.generation = generation;
    }
    const missing = [...keys].filter((k) => !this.loaded.has(k));
    if (missing.length > 0) {
      for (const json of await this.store.vulnRecordsForKeys(missing)) {
        const r = JSON.parse(json) as VulnerabilityRecord;
        this.matcher.add(r);
      }
      for (const k of missing) this.loaded.add(k);
    }
    const result = this.matcher.check(sbom.components);
    this.counts ??= await this.store.countVulnRecords();
    return {
      format: sbom.format,
      spec_version: sbom.spec_version,
      components: sbom.components.length,
      records_considered: this.matcher.size,
      findings: result.findings,
      warnings: sbom.warnings,
      warnings_dropped: sbom.warnings_dropped,
      stats: result.stats,
      database: this.counts,
      elapsed_ms: Math.round((now() - t0) * 10) / 10,
    };
  }
}
