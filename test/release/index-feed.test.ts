/** The release index feed over a backlog: every entry indexed once, and the event loop keeps turning meanwhile. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntrySize, LogStore, StoredEntry } from '../../src/ledger/log-store.js';
import { canonicalEnvelopeBytes } from '../../src/release/dsse.js';
import { releaseIndexFeed, releaseIndexRow } from '../../src/release/index-feed.js';
import type { ReleaseIndexRow, ReleaseIndexStore } from '../../src/release/index-store.js';
import { RELEASE_ENTRY_KIND } from '../../src/release/release-service.js';
import { newKey, releaseEnvelope, sha256 } from './support.js';

it('works through a backlog in batches, yielding to the event loop between them', async () => {
  const size = 20_000;
  // A synchronous store, like better-sqlite3 behind promises: each call resolves at once.
  const log = {
    readState: async () => ({ size, rootHash: new Uint8Array(32), checkpoint: '', updated_at: '' }),
    readEntries: async (from: number, limit: number): Promise<StoredEntry[]> =>
      Array.from({ length: Math.min(limit, size - from) }, (_, i) => ({ index: from + i, kind: 'registry', data: new Uint8Array(1), added_at: '' })),
    readEntrySizes: async (from: number, limit: number): Promise<EntrySize[]> =>
      Array.from({ length: Math.min(limit, size - from) }, (_, i) => ({ index: from + i, kind: 'registry', bytes: 1 })),
  } as unknown as LogStore;
  let position = 0;
  const positions: number[] = [];
  const index = {
    position: async () => position,
    index: async (_rows: readonly ReleaseIndexRow[], p: number) => {
      positions.push(p);
      position = p;
    },
  } as unknown as ReleaseIndexStore;
  let timerRanAt: number | undefined;
  setTimeout(() => (timerRanAt = position), 0);
  await releaseIndexFeed(log, index)();
  assert.equal(position, size, 'caught up');
  assert.deepEqual(positions, Array.from({ length: size / 2000 }, (_, i) => (i + 1) * 2000), 'in order, each entry once');
  assert.ok(timerRanAt !== undefined && timerRanAt < size, `a timer ran while the backlog was worked through (at ${timerRanAt})`);
});

/** A log of release entries held in memory, and an index that records what it was given. */
function memoryFeedRig(entries: { kind: string; data: Uint8Array }[]) {
  const state = { position: 0, rows: [] as ReleaseIndexRow[], dataReads: 0 };
  const log = {
    readState: async () => ({ size: entries.length, rootHash: new Uint8Array(32), checkpoint: '', updated_at: '' }),
    readEntries: async (from: number, limit: number): Promise<StoredEntry[]> => {
      state.dataReads++;
      return entries.slice(from, from + limit).map((e, i) => ({ index: from + i, kind: e.kind, data: e.data, added_at: '2025-01-01T00:00:00.000Z' }));
    },
    readEntrySizes: async (from: number, limit: number): Promise<EntrySize[]> => entries.slice(from, from + limit).map((e, i) => ({ index: from + i, kind: e.kind, bytes: e.data.length })),
  } as unknown as LogStore;
  const index = {
    position: async () => state.position,
    index: async (rows: readonly ReleaseIndexRow[], p: number) => {
      state.rows.push(...rows);
      state.position = p;
    },
  } as unknown as ReleaseIndexStore;
  return { log, index, state };
}

function releaseEntry(version: string): { kind: string; data: Uint8Array; sha256: string; purl: string } {
  const k = newKey();
  const purl = `pkg:generic/acme/tool@${version}`;
  const env = releaseEnvelope(purl, { [`tool-${version}.tgz`]: version }, [k]);
  return { kind: RELEASE_ENTRY_KIND, data: canonicalEnvelopeBytes(env), sha256: sha256(version), purl };
}

it('indexes what publishes remembered without parsing those entries, and parses the rest', async () => {
  const a = releaseEntry('1.0.0');
  const b = releaseEntry('2.0.0');
  // Entry 1 is not valid JSON: only a remembered row can index it, so a row for it proves the feed did not parse it.
  const opaque = new Uint8Array(b.data.length).fill(0x7b);
  const rig = memoryFeedRig([{ kind: 'registry', data: new Uint8Array(3) }, { kind: RELEASE_ENTRY_KIND, data: opaque }, a, { kind: RELEASE_ENTRY_KIND, data: b.data }]);
  const feed = releaseIndexFeed(rig.log, rig.index);
  feed.remember([
    { index: 1, bytes: opaque.length, sha256s: [b.sha256, b.sha256], purls: [b.purl] },
    // A remembered length that does not match the entry read back: not trusted, the entry is parsed.
    { index: 3, bytes: b.data.length + 1, sha256s: ['f'.repeat(64)], purls: ['pkg:generic/acme/wrong@1'] },
  ]);
  await feed();
  assert.equal(rig.state.position, 4);
  assert.deepEqual(rig.state.rows, [
    releaseIndexRow(1, [b.sha256], [b.purl]),
    releaseIndexRow(2, [a.sha256], [a.purl]),
    releaseIndexRow(3, [b.sha256], [b.purl]),
  ]);
  assert.deepEqual(rig.state.rows[0]!.purls, [{ purl: b.purl, pkg: 'pkg:generic/acme/tool' }]);
});

it('after a restart nothing is remembered: every logged release is parsed and indexed from the log', async () => {
  const a = releaseEntry('1.0.0');
  const b = releaseEntry('2.0.0');
  const rig = memoryFeedRig([a, b]);
  // The publishing process remembered both, then crashed before its feed ran; a new one starts with nothing.
  releaseIndexFeed(rig.log, rig.index).remember([{ index: 0, bytes: a.data.length, sha256s: ['0'.repeat(64)], purls: [a.purl] }]);
  await releaseIndexFeed(rig.log, rig.index)();
  assert.deepEqual(rig.state.rows, [releaseIndexRow(0, [a.sha256], [a.purl]), releaseIndexRow(1, [b.sha256], [b.purl])]);
});

it('forgets remembered rows of entries already indexed (a retry answered with an old index)', async () => {
  const a = releaseEntry('1.0.0');
  const entries: { kind: string; data: Uint8Array }[] = [a];
  const rig = memoryFeedRig(entries);
  const feed = releaseIndexFeed(rig.log, rig.index);
  await feed();
  assert.equal(rig.state.position, 1);
  // Remembered after the feed passed index 0: must not be used for anything, nor kept.
  feed.remember([{ index: 0, bytes: a.data.length, sha256s: ['0'.repeat(64)], purls: [a.purl] }]);
  const b = releaseEntry('2.0.0');
  entries.push(b);
  rig.state.position = 0; // the index is rebuilt from scratch: entry 0 must be parsed, not taken from memory
  await feed();
  assert.deepEqual(rig.state.rows.slice(1), [releaseIndexRow(0, [a.sha256], [a.purl]), releaseIndexRow(1, [b.sha256], [b.purl])]);
});

it('reads no entry data when every release in a stretch of the log was remembered', async () => {
  const a = releaseEntry('1.0.0');
  const b = releaseEntry('2.0.0');
  const rig = memoryFeedRig([a, { kind: 'registry', data: new Uint8Array(5) }, b]);
  const feed = releaseIndexFeed(rig.log, rig.index);
  feed.remember([
    { index: 0, bytes: a.data.length, sha256s: [a.sha256], purls: [a.purl] },
    { index: 2, bytes: b.data.length, sha256s: [b.sha256], purls: [b.purl] },
  ]);
  await feed();
  assert.equal(rig.state.dataReads, 0);
  assert.equal(rig.state.position, 3);
  assert.deepEqual(rig.state.rows, [releaseIndexRow(0, [a.sha256], [a.purl]), releaseIndexRow(2, [b.sha256], [b.purl])]);
});
