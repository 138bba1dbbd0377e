import { ecosystemOf } from './versions/registry.js';
import { recordKey } from './sbom/package-key.js';
import { parseCpe } from './sbom/cpe.js';
import type { VulnerabilityRecord } from './sbom/matcher.js';

/**
 * The vulnerability database "am I affected?" checks against: OSV records
 * imported from osv.dev exports and the coalition's own published advisories.
 * Records are stored whole (JSON) with the package keys the matcher looks
 * them up by, so a check loads only the records of the packages it names.
 */
export interface StoredVulnRecord {
  id: string;
  source: 'osv' | 'accord';
  modified: string;
  /** Matcher keys: `npm:lodash`, `pypi:requests`, `debian:openssl`, `cpe:vendor:product`. */
  keys: string[];
  json: string;
}

export interface VulnDbStore {
  /**
   * Inserts or replaces records in one transaction; a record whose stored
   * `modified` is the same or newer is left alone (imports are incremental).
   */
  upsertVulnRecords(records: StoredVulnRecord[]): Promise<{ inserted: number; updated: number; unchanged: number }>;
  /** Every record indexed under any of `keys` (JSON), each once. */
  vulnRecordsForKeys(keys: readonly string[]): Promise<string[]>;
  countVulnRecords(): Promise<{ osv: number; accord: number }>;
  /** A number that changes whenever records are written (by any process or node). */
  vulnGeneration(): Promise<number>;
  /** After a bulk import: refresh the planner's statistics (PostgreSQL plans key lookups badly without them). */
  analyzeVulnRecords(): Promise<void>;
}

/** The matcher keys of a record: one per affected package the matcher can look up, and CPE vendor:product pairs. */
export function vulnRecordKeys(r: Pick<VulnerabilityRecord, 'affected' | 'cpes'>): string[] {
  const keys = new Set<string>();
  for (const a of r.affected ?? []) {
    const pkg = a?.package;
    if (!pkg || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') continue;
    const e = ecosystemOf(pkg.ecosystem);
    const key = e ? recordKey(e, pkg.name) : undefined;
    if (key) keys.add(key);
  }
  for (const text of r.cpes ?? []) {
    const cpe = parseCpe(text);
    if (cpe) keys.add(`cpe:${cpe.vendor}:${cpe.product}`);
  }
  return [...keys];
}

/**
 * The vulnerability records of one published coalition advisory: its OSV
 * records, plus the CPEs of its CSAF product tree (components known only by
 * CPE can then be matched, as "possible").
 */
export function accordVulnRecords(osvJson: string, csafJson: string, modified: string): StoredVulnRecord[] {
  const records = JSON.parse(osvJson) as Record<string, unknown>[];
  const cpes = new Set<string>();
  const walk = (b: unknown): void => {
    if (!b || typeof b !== 'object') return;
    const node = b as { product?: { product_identification_helper?: { cpe?: string } }; branches?: unknown[] };
    const cpe = node.product?.product_identification_helper?.cpe;
    if (typeof cpe === 'string') cpes.add(cpe);
    for (const x of node.branches ?? []) walk(x);
  };
  const tree = (JSON.parse(csafJson) as { product_tree?: { branches?: unknown[] } }).product_tree;
  for (const b of tree?.branches ?? []) walk(b);
  return records.map((o) => {
    const r: VulnerabilityRecord = {
      id: String(o.id),
      ...(Array.isArray(o.aliases) ? { aliases: o.aliases as string[] } : {}),
      ...(typeof o.summary === 'string' ? { summary: o.summary } : {}),
      ...(o.severity !== undefined ? { severity: o.severity } : {}),
      affected: (o.affected as VulnerabilityRecord['affected']) ?? [],
      source: 'accord',
      ...(typeof o.published === 'string' ? { published: o.published } : {}),
      modified,
      ...(cpes.size > 0 ? { cpes: [...cpes] } : {}),
    };
    return { id: r.id, source: 'accord' as const, modified, keys: vulnRecordKeys(r), json: JSON.stringify(r) };
  });
}
