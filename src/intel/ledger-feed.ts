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

/** The bytes a reader hashes with the salt to open an intel commitment: the object's canonical JSON. */
export function intelCommitmentContent(json: string): Uint8Array {
  return new TextEncoder().encode(canonicalJson(JSON.parse(json)));
}

/** What a version's log entry is made of. */
export type IntelEntrySource = Pick<IntelObjectVersion, 'json' | 'salt' | 'collection_id' | 'stix_id' | 'version'>;

/** The log entry of one version. */
export function intelEntry(v: IntelEntrySource): Uint8Array {
  if (v.salt === null) {
    const content = canonicalJson(JSON.parse(v.json));
    // A log entry is at most 64 KiB: a bigger CLEAR object is logged by its digest.
    const body =
      content.length <= MAX_INLINE
        ? `{"collection":${JSON.stringify(v.collection_id)},"object":${content},"type":"${INTEL_ENTRY_TYPE}"}`
        : canonicalJson({ type: INTEL_ENTRY_TYPE, collection: v.collection_id, id: v.stix_id, version: v.version, sha256: createHash('sha256').update(content).digest('hex') });
    return new TextEncoder().encode(body);
  }
  return commit(INTEL_COMMITMENT_KIND, intelCommitmentContent(v.json), Buffer.from(v.salt, 'hex')).entry;
}

/** How the feed logs its entries: a batch of one kind with one promise for all (the ledger's appendMany). */
export interface IntelAppend {
  appendMany(kind: string, entries: readonly { data: Uint8Array; key: string }[]): Promise<number[]>;
}

/** `pool` computes the entries (canonical JSON, commitments) off the server's thread; by default the process's shared one. */
export function intelLedgerFeed(store: IntelStore, append: IntelAppend, pool?: Pick<PreparePool, 'entries'>) {
  let after = 0;
  let entries = pool;
  return async (): Promise<void> => {
    for (;;) {
      const rows = await store.unlogged(after, BATCH);
      if (rows.length === 0) return;
      entries ??= (await import('./prepare-pool.js')).sharedPreparePool();
      const data = await entries.entries(rows);
      await append.appendMany('intel', rows.map((r, i) => ({ data: data[i]!, key: `intel:${r.seq}` })));
      after = rows[rows.length - 1]!.seq;
      await store.markLogged(after);
      if (rows.length < BATCH) return;
    }
  };
}
