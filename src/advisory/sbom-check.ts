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
  /** Records of the named packages that were evaluated. */
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
  const t0 = now();
  const sbom = parseSbom(input);
  const keys = new Set<string>();
  for (const c of sbom.components) {
    if (c.purl_parsed) for (const k of purlLookup(c.purl_parsed, c.version)?.keys ?? []) keys.add(k);
    if (c.cpe_parsed) keys.add(`cpe:${c.cpe_parsed.vendor}:${c.cpe_parsed.product}`);
  }
  const matcher = new AdvisoryMatcher();
  const records = await store.vulnRecordsForKeys([...keys]);
  for (const json of records) matcher.add(JSON.parse(json) as VulnerabilityRecord);
  const result = matcher.check(sbom.components);
  return {
    format: sbom.format,
    spec_version: sbom.spec_version,
    components: sbom.components.length,
    records_considered: records.length,
    findings: result.findings,
    warnings: sbom.warnings,
    warnings_dropped: sbom.warnings_dropped,
    stats: result.stats,
    database: await store.countVulnRecords(),
    elapsed_ms: Math.round((now() - t0) * 10) / 10,
  };
}
