import { createHash } from 'node:crypto';
import type { DisclosureStore } from './ports.js';

/** Entries larger than this log a digest statement instead of the bytes (the log takes at most 64 KiB). */
const MAX_INLINE = 60 * 1024;
const BATCH = 100;

/** Entry kind of published advisories in the transparency log. */
export const ADVISORY_ENTRY_KIND = 'advisory';

/**
 * The log entry of a published CSAF document: its exact bytes, or for a very
 * large one a JSON statement of its SHA-256 (the bytes stay available at the
 * CSAF provider, and anyone can hash them and find the entry).
 */
export function advisoryEntry(v: { tracking_id: string; version: number; csaf: string }): Uint8Array {
  const bytes = Buffer.from(v.csaf);
  if (bytes.length <= MAX_INLINE) return bytes;
  return Buffer.from(JSON.stringify({ type: 'csaf-digest', tracking_id: v.tracking_id, version: v.version, sha256: createHash('sha256').update(bytes).digest('hex') }));
}

/**
 * Logs every published advisory version not yet in the log. Idempotent (the
 * key makes a repeated append a no-op), so a crash between append and
 * recording the index only repeats harmlessly.
 */
export function advisoryLedgerFeed(store: DisclosureStore, append: (kind: string, data: Uint8Array, key: string) => Promise<number>) {
  return async (): Promise<void> => {
    for (;;) {
      const versions = await store.listUnloggedAdvisoryVersions(BATCH);
      for (const v of versions) {
        const index = await append(ADVISORY_ENTRY_KIND, advisoryEntry(v), `advisory:${v.advisory_id}:${v.version}`);
        await store.setAdvisoryLogIndex(v.advisory_id, v.version, index);
      }
      if (versions.length < BATCH) return;
    }
  };
}
