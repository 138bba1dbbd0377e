import { RELEASE_ENTRY_KIND } from './release-service.js';
import { recordMatches, releaseRecord, type ReleaseQuery, type ReleaseRecord } from './release-record.js';

/**
 * TEMPORARY — for test-sized logs only; to be replaced by a store index.
 *
 * Release search by scanning log entries newest first, one entry read at a
 * time, at most `maxScan` per request. It is correct but O(log size): a real
 * deployment needs the store to index releases by subject digest and package
 * (see docs/releases.md, "Search"), fed from the log so it can be rebuilt.
 */

/** Reads integrated log entries (the ledger's `entry(i)` and current size). */
export interface LogEntryReader {
  size(): Promise<number>;
  entry(index: number): Promise<{ index: number; kind: string; data: Uint8Array; added_at: string }>;
}

/** Most entries one scan reads before it stops and returns a cursor. */
export const MAX_SCAN = 5000;

/** Newest-first search; `next` is the `before` of the following page, or null when the scan reached the start of the log. */
export async function scanReleases(
  reader: LogEntryReader,
  q: ReleaseQuery & { before?: number; limit: number },
  maxScan = MAX_SCAN,
): Promise<{ items: ReleaseRecord[]; next: number | null }> {
  const size = await reader.size();
  let i = Math.min(q.before ?? size, size) - 1;
  const items: ReleaseRecord[] = [];
  for (let scanned = 0; i >= 0 && items.length < q.limit && scanned < maxScan; i--, scanned++) {
    const e = await reader.entry(i);
    if (e.kind !== RELEASE_ENTRY_KIND) continue;
    const r = releaseRecord(e);
    if (r && recordMatches(r, q)) items.push(r);
  }
  return { items, next: i >= 0 ? i + 1 : null };
}
