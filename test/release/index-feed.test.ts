/** The release index feed over a backlog: every entry indexed once, and the event loop keeps turning meanwhile. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { LogStore, StoredEntry } from '../../src/ledger/log-store.js';
import { releaseIndexFeed } from '../../src/release/index-feed.js';
import type { ReleaseIndexRow, ReleaseIndexStore } from '../../src/release/index-store.js';

it('works through a backlog in batches, yielding to the event loop between them', async () => {
  const size = 20_000;
  // A synchronous store, like better-sqlite3 behind promises: each call resolves at once.
  const log = {
    readState: async () => ({ size, rootHash: new Uint8Array(32), checkpoint: '', updated_at: '' }),
    readEntries: async (from: number, limit: number): Promise<StoredEntry[]> =>
      Array.from({ length: Math.min(limit, size - from) }, (_, i) => ({ index: from + i, kind: 'registry', data: new Uint8Array(1), added_at: '' })),
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
