import type { VulnerabilityRecord } from './sbom/matcher.js';
import { vulnRecordKeys, type StoredVulnRecord, type VulnDbStore } from './vulndb.js';

/** Largest single OSV record file accepted. */
export const MAX_OSV_RECORD_BYTES = 4 * 1024 * 1024;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface ImportStats {
  files: number;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Files skipped, by reason (not JSON, too large, no id, withdrawn, no package the matcher can use). */
  skipped: Record<string, number>;
  /** A few examples of skipped files, for the operator. */
  examples: { file: string; reason: string }[];
}

/** What the matcher needs of an OSV record (the rest — details, references — stays at osv.dev). */
export function toVulnerabilityRecord(o: Record<string, unknown>, source: 'osv' | 'accord', cpes: string[] = []): VulnerabilityRecord {
  return {
    id: String(o.id),
    ...(Array.isArray(o.aliases) ? { aliases: (o.aliases as unknown[]).filter((a): a is string => typeof a === 'string') } : {}),
    ...(typeof o.summary === 'string' ? { summary: o.summary } : {}),
    ...(o.severity !== undefined ? { severity: o.severity } : {}),
    affected: Array.isArray(o.affected) ? (o.affected as VulnerabilityRecord['affected']) : [],
    source,
    ...(typeof o.published === 'string' ? { published: o.published } : {}),
    ...(typeof o.modified === 'string' ? { modified: o.modified } : {}),
    ...(cpes.length > 0 ? { cpes } : {}),
  };
}

/** Checks one file's bytes; a record to store, or why not. */
export function readOsvRecord(bytes: Uint8Array): StoredVulnRecord | { skip: string } {
  if (bytes.length > MAX_OSV_RECORD_BYTES) return { skip: 'too large' };
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { skip: 'not JSON' };
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return { skip: 'not an OSV record' };
  const r = o as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '' || r.id.length > 200) return { skip: 'no id' };
  if (typeof r.modified !== 'string' || !RFC3339.test(r.modified)) return { skip: 'no valid modified time' };
  if (typeof r.withdrawn === 'string') return { skip: 'withdrawn' };
  const record = toVulnerabilityRecord(r, 'osv');
  const keys = vulnRecordKeys(record);
  if (keys.length === 0) return { skip: 'no package the matcher can use' };
  return { id: record.id, source: 'osv', modified: r.modified, keys, json: JSON.stringify(record) };
}

/**
 * Imports OSV records (one JSON file each, as in osv.dev's `all.zip` exports)
 * in batches, streaming: memory holds one batch. Incremental: a record that
 * is not newer than the stored one is left alone.
 */
export async function importOsv(
  files: AsyncIterable<{ name: string; bytes: Uint8Array }>,
  store: VulnDbStore,
  options: { batch?: number; onProgress?: (s: ImportStats) => void } = {},
): Promise<ImportStats> {
  const stats: ImportStats = { files: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, skipped: {}, examples: [] };
  const size = options.batch ?? 1000;
  let batch: StoredVulnRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const r = await store.upsertVulnRecords(batch);
    stats.inserted += r.inserted;
    stats.updated += r.updated;
    stats.unchanged += r.unchanged;
    batch = [];
    options.onProgress?.(stats);
  };
  for await (const f of files) {
    stats.files++;
    const r = readOsvRecord(f.bytes);
    if ('skip' in r) {
      stats.skipped[r.skip] = (stats.skipped[r.skip] ?? 0) + 1;
      if (stats.examples.length < 20) stats.examples.push({ file: f.name, reason: r.skip });
      continue;
    }
    stats.records++;
    batch.push(r);
    if (batch.length >= size) await flush();
  }
  await flush();
  if (stats.inserted + stats.updated > 0) await store.analyzeVulnRecords();
  return stats;
}
