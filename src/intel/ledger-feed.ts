import { createHash } from 'node:crypto';
import { commit } from '../ledger/commitment.js';
import { canonicalJson } from './stix/deterministic-id.js';
import type { PreparePool } from './prepare-pool.js';
import type { IntelObjectVersion, IntelStore } from './ports.js';

/**
 * Logs every new object version (DESIGN.md: every shared item is committed to
 * the ledger). TLP:CLEAR versions go in the clear; every other level as a
 * salted commitment to the object's canonical (RFC 8785) JSON, whose salt is
 * kept with the version and handed only to those who may read it. Each entry
 * is appended under the key `intel:<seq>`, so a replay after a crash logs it
 * once, and a version's entry is found by that key. The store keeps one
 * cursor (every version up to it is logged), moved after each batch is
 * durably sequenced; nothing is written back per version.
 */

export const INTEL_ENTRY_TYPE = 'accord.intel/v1';
export const INTEL_COMMITMENT_KIND = 'intel';
const BATCH = 2000;
const MAX_INLINE = 60_000;
const utf8 = new TextEncoder();

/** The bytes a reader hashes with the salt to open an intel commitment: the object's canonical JSON. */
export function intelCommitmentContent(json: string): Uint8Array {
  return utf8.encode(canonicalJson(JSON.parse(json)));
}

/** What a version's log entry is made of. */
export type IntelEntrySource = Pick<IntelObjectVersion, 'json' | 'salt' | 'collection_id' | 'stix_id' | 'version'>;

/** The log entry of one version. */
export function intelEntry(v: IntelEntrySource): Uint8Array {
  return intelEntryOf(canonicalJson(JSON.parse(v.json)), v);
}

/** The log entry of one version whose object's canonical JSON is `content` (the preparation worker has the object parsed). */
export function intelEntryOf(content: string, v: Omit<IntelEntrySource, 'json'>): Uint8Array {
  if (v.salt === null) {
    // A log entry is at most 64 KiB: a bigger CLEAR object is logged by its digest.
    const body =
      content.length <= MAX_INLINE
        ? `{"collection":${JSON.stringify(v.collection_id)},"object":${content},"type":"${INTEL_ENTRY_TYPE}"}`
        : canonicalJson({ type: INTEL_ENTRY_TYPE, collection: v.collection_id, id: v.stix_id, version: v.version, sha256: createHash('sha256').update(content).digest('hex') });
    return utf8.encode(body);
  }
  return commit(INTEL_COMMITMENT_KIND, utf8.encode(content), Buffer.from(v.salt, 'hex')).entry;
}

/** How the feed logs its entries: a batch of one kind with one promise for all (the ledger's appendMany). */
export interface IntelAppend {
  appendMany(kind: string, entries: readonly { data: Uint8Array; key: string }[]): Promise<number[]>;
}

/** Entries remembered from ingestion at most (~10 MB); past it, the feed computes them from the stored rows. */
export const REMEMBERED_ENTRIES = 65_536;

/** The feed: call it to log what is not logged yet; `remember` hands it entries computed while ingesting. */
export type IntelLedgerFeed = (() => Promise<void>) & {
  /**
   * The entries of versions just stored, by seq, computed by the preparation
   * worker from the object it had parsed: the feed then logs them without
   * reading each object back and sending it to the worker again. Only a
   * shortcut: whatever is not remembered (after a restart, past
   * REMEMBERED_ENTRIES) is computed from the stored row, to the same bytes.
   */
  remember(entries: Iterable<readonly [seq: number, entry: Uint8Array]>): void;
};

/** `pool` computes the entries (canonical JSON, commitments) off the server's thread; by default the process's shared one. */
export function intelLedgerFeed(store: IntelStore, append: IntelAppend, pool?: Pick<PreparePool, 'entries'>): IntelLedgerFeed {
  let after = 0;
  let entries = pool;
  const remembered = new Map<number, Uint8Array>();
  const feed = async (): Promise<void> => {
    for (;;) {
      const rows = await store.unlogged(after, BATCH);
      if (rows.length === 0) break;
      const missing = rows.filter((r) => !remembered.has(r.seq));
      let computed: Uint8Array[] = [];
      if (missing.length > 0) {
        entries ??= (await import('./prepare-pool.js')).sharedPreparePool();
        computed = await entries.entries(missing);
      }
      let k = 0;
      await append.appendMany(
        'intel',
        rows.map((r) => ({ data: remembered.get(r.seq) ?? computed[k++]!, key: `intel:${r.seq}` })),
      );
      after = rows[rows.length - 1]!.seq;
      await store.markLogged(after);
      for (const r of rows) remembered.delete(r.seq);
      if (rows.length < BATCH) break;
    }
    // Versions deleted before they were logged leave their entries behind.
    for (const seq of remembered.keys()) if (seq <= after) remembered.delete(seq);
  };
  return Object.assign(feed, {
    remember(list: Iterable<readonly [number, Uint8Array]>): void {
      for (const [seq, entry] of list) {
        if (remembered.size >= REMEMBERED_ENTRIES) return;
        if (seq > after) remembered.set(seq, entry);
      }
    },
  });
}
