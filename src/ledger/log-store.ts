import type { TileSource } from './tile-writer.js';

/** An entry waiting in, or read back from, the log, with the kind its appender gave it. */
export interface StoredEntry {
  index: number;
  kind: string;
  data: Uint8Array;
  added_at: string;
}

/** A sequenced entry's kind and length, without its data. */
export interface EntrySize {
  index: number;
  kind: string;
  bytes: number;
}

export interface NewEntry {
  kind: string;
  data: Uint8Array;
  /** Optional idempotency key, unique across the log. */
  key?: string;
}

/** The integrated state: the signed tree head every reader sees. */
export interface LogState {
  size: number;
  rootHash: Uint8Array;
  /** The signed checkpoint note for `size` (with any cosignatures gathered since). */
  checkpoint: string;
  updated_at: string;
}

/** What one integration writes, atomically with advancing the state. */
export interface Integration {
  state: LogState;
  /** Tiles that are new or grew (the latest width of each tile is kept). */
  tiles: { level: number; index: number; data: Uint8Array }[];
  /** Entry bundles that became full (partial bundles are built from the entries). */
  fullBundles: { index: number; data: Uint8Array }[];
}

/**
 * What the ledger needs from storage. Shaped by the sequencer and the read
 * API; `store/sqlite` and `store/postgres` implement it.
 */
export interface LogStore extends TileSource {
  /**
   * Gives the entries the next consecutive indexes and stores them durably, in
   * one transaction; returns each entry's index. Safe with several writers: no
   * two entries share an index and no index is skipped. An entry whose `key`
   * is already in the log is not added again: its existing index is returned
   * (so a relay that replays after a crash logs each item once).
   */
  sequence(entries: readonly NewEntry[], addedAt: string): Promise<number[]>;
  /** How many entries have been sequenced (the next index). */
  sequencedSize(): Promise<number>;
  /** Sequenced entries from `from`, in order, at most `limit`. */
  readEntries(from: number, limit: number): Promise<StoredEntry[]>;
  /** As `readEntries`, each entry's kind and length in bytes without its data (for readers that need the data of few). */
  readEntrySizes(from: number, limit: number): Promise<EntrySize[]>;

  readState(): Promise<LogState | undefined>;
  /** Creates the state for an empty log unless one exists; returns the state that holds. */
  initState(state: LogState): Promise<LogState>;
  /**
   * Stores an integration and advances the state, only if the state's size is
   * still `expectedSize` (compare-and-swap): the log can never fork or shrink.
   * Returns false, writing nothing, when another sequencer got there first.
   */
  integrate(expectedSize: number, integration: Integration): Promise<boolean>;
  /** Replaces the checkpoint note of the current state (to add cosignatures) if the size is still `size`. */
  updateCheckpoint(size: number, checkpoint: string): Promise<boolean>;

  /** The stored (latest-width) tile, or undefined. */
  readTile(level: number, index: number): Promise<Uint8Array | undefined>;
  /** A full entry bundle, or undefined when the bundle is not full yet. */
  readFullBundle(index: number): Promise<Uint8Array | undefined>;

  /**
   * Takes or renews the sequencer lease for `owner` until `until`, if it is free,
   * expired (`now` past it) or already `owner`'s. Only the holder integrates.
   */
  acquireLease(owner: string, now: string, until: string): Promise<boolean>;
  /** Gives the lease up if `owner` holds it (a clean shutdown lets another node take over at once). */
  releaseLease(owner: string): Promise<void>;
}
