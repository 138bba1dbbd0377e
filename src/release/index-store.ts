/** What search needs to find releases without reading the log: subject digests and packages by log index. */
export interface ReleaseIndexRow {
  index: number;
  sha256s: string[];
  /** Canonical purls with versions, and their package (purl without version, qualifiers, subpath). */
  purls: { purl: string; pkg: string }[];
}

/**
 * The release search index. It is derived from the log (a feed fills it, and
 * could rebuild it from scratch), never the source of truth.
 */
export interface ReleaseIndexStore {
  /** Adds rows (idempotent) and moves the feed's position to `position`, in one transaction. */
  index(rows: readonly ReleaseIndexRow[], position: number): Promise<void>;
  /** The first log index the feed has not looked at yet. */
  position(): Promise<number>;
  /** Log indexes of releases matching every given criterion, newest first, below `before`. */
  search(q: { sha256?: string; purl?: string; pkg?: string; before?: number; limit: number }): Promise<number[]>;
}
