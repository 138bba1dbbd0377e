import type { LogStore } from '../ledger/log-store.js';
import type { ReleaseIndexStore, ReleaseIndexRow } from './index-store.js';
import { releaseRecord } from './release-record.js';
import { RELEASE_ENTRY_KIND } from './release-service.js';

const BATCH = 2000;
/** Rows remembered from publishes at most (about two integration rounds of a busy log); past it the feed parses. */
const MAX_REMEMBERED = 262_144;

/** What a publish derived from an entry it logged: enough to index it without reading the statement again. */
export interface LoggedRelease {
  /** The entry's log index. */
  readonly index: number;
  /** The entry's length in bytes (the feed checks it against the entry it reads). */
  readonly bytes: number;
  /** Subject SHA-256 digests, lowercase hex. */
  readonly sha256s: readonly string[];
  /** Canonical purls with versions. */
  readonly purls: readonly string[];
}

/** The index row of a release: distinct digests and purls, each purl with its package (without version, qualifiers, subpath). */
export function releaseIndexRow(index: number, sha256s: readonly string[], purls: readonly string[]): ReleaseIndexRow {
  return {
    index,
    sha256s: [...new Set(sha256s)],
    purls: [...new Set(purls)].map((purl) => ({ purl, pkg: purl.replace(/[@?#].*$/, '') })),
  };
}

/** The index row of a logged release entry, parsed from its bytes; undefined if they are not a release envelope. */
function parsedRow(entry: { index: number; data: Uint8Array; added_at: string }): ReleaseIndexRow | undefined {
  const r = releaseRecord(entry);
  return r && releaseIndexRow(r.index, r.subjects.map((s) => s.sha256), r.purls);
}

/** The release index feed: run it to catch the index up with the published log. */
export interface ReleaseIndexFeed {
  (): Promise<void>;
  /**
   * Remembers what publishes derived from entries they logged, so the feed
   * indexes those without parsing them again. Only a cache in memory: the feed
   * still reads every entry and moves its position in the same transaction as
   * the rows, and an entry with nothing remembered (after a restart, another
   * node's publish, a full cache) is parsed from the log as before.
   */
  remember(logged: readonly LoggedRelease[]): void;
}

/**
 * Feeds the release index from the log's integrated entries: reads past the
 * index's position (never beyond the published tree), indexes release entries,
 * and moves the position in the same transaction, so a crash repeats work
 * (idempotently) and never skips an entry.
 */
export function releaseIndexFeed(log: LogStore, index: ReleaseIndexStore): ReleaseIndexFeed {
  const remembered = new Map<number, LoggedRelease>();
  /** The position the feed last reached: entries below it are indexed, so there is nothing to remember for them. */
  let reached = 0;
  const feed = async (): Promise<void> => {
    const size = (await log.readState())?.size ?? 0;
    let from = await index.position();
    reached = Math.max(reached, from);
    // Publishes answered with an earlier entry's index (retries) remember entries already indexed.
    if (remembered.size > 0) for (const i of remembered.keys()) if (i < reached) remembered.delete(i);
    while (from < size) {
      const limit = Math.min(BATCH, size - from);
      // Kinds and lengths first: when every release among them is remembered, no entry's data is read.
      const heads = await log.readEntrySizes(from, limit);
      if (heads.length === 0) return;
      // A remembered row counts only for a release entry of the remembered length.
      const rememberedRow = (index: number, kind: string, bytes: number): ReleaseIndexRow | undefined => {
        const r = kind === RELEASE_ENTRY_KIND ? remembered.get(index) : undefined;
        return r !== undefined && r.bytes === bytes ? releaseIndexRow(index, r.sha256s, r.purls) : undefined;
      };
      let rows: ReleaseIndexRow[] = [];
      let entries: readonly { index: number }[] = heads;
      let missing = false;
      for (const h of heads) {
        if (h.kind !== RELEASE_ENTRY_KIND) continue;
        const row = rememberedRow(h.index, h.kind, h.bytes);
        if (row === undefined) {
          missing = true;
          break;
        }
        rows.push(row);
      }
      if (missing) {
        // Some release here was not remembered: read the entries and parse those.
        const read = await log.readEntries(from, limit);
        if (read.length === 0) return;
        rows = [];
        for (const e of read) {
          if (e.kind !== RELEASE_ENTRY_KIND) continue;
          const row = rememberedRow(e.index, e.kind, e.data.length) ?? parsedRow(e);
          if (row !== undefined) rows.push(row);
        }
        entries = read;
      }
      from = entries[entries.length - 1]!.index + 1;
      await index.index(rows, from);
      reached = Math.max(reached, from);
      for (const e of entries) remembered.delete(e.index);
      // The embedded store answers synchronously, so without this a backlog of millions of entries
      // (a restored or long-idle log) would hold the event loop until done: no request, timer or
      // start-up step would run in between.
      if (from < size) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  return Object.assign(feed, {
    remember(logged: readonly LoggedRelease[]): void {
      for (const l of logged) {
        if (l.index < reached) continue;
        if (remembered.size >= MAX_REMEMBERED) return;
        remembered.set(l.index, l);
      }
    },
  });
}
