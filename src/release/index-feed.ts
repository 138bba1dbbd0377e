import type { LogStore } from '../ledger/log-store.js';
import type { ReleaseIndexStore, ReleaseIndexRow } from './index-store.js';
import { releaseRecord } from './release-record.js';
import { RELEASE_ENTRY_KIND } from './release-service.js';

const BATCH = 2000;

/**
 * Feeds the release index from the log's integrated entries: reads past the
 * index's position (never beyond the published tree), indexes release entries,
 * and moves the position in the same transaction, so a crash repeats work
 * (idempotently) and never skips an entry.
 */
export function releaseIndexFeed(log: LogStore, index: ReleaseIndexStore) {
  return async (): Promise<void> => {
    const size = (await log.readState())?.size ?? 0;
    for (let from = await index.position(); from < size; ) {
      const entries = await log.readEntries(from, Math.min(BATCH, size - from));
      if (entries.length === 0) return;
      const rows: ReleaseIndexRow[] = [];
      for (const e of entries) {
        if (e.kind !== RELEASE_ENTRY_KIND) continue;
        const r = releaseRecord(e);
        if (!r) continue;
        rows.push({
          index: r.index,
          sha256s: [...new Set(r.subjects.map((s) => s.sha256))],
          purls: [...new Set(r.purls)].map((purl) => ({ purl, pkg: purl.replace(/[@?#].*$/, '') })),
        });
      }
      from = entries[entries.length - 1]!.index + 1;
      await index.index(rows, from);
      // The embedded store answers synchronously, so without this a backlog of millions of entries
      // (a restored or long-idle log) would hold the event loop until done: no request, timer or
      // start-up step would run in between.
      if (from < size) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
}
