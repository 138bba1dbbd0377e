import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DEFAULT_API_ROOT, DEFAULT_COLLECTION_ID, ensureIntelDefaults } from '../../../src/context.js';
import type { InsertBatch, IntelStore } from '../../../src/intel/ports.js';
import { IntelService, type IntelCaller } from '../../../src/intel/service.js';
import { openSqliteStore } from '../../../src/store/sqlite/open.js';
import type { Store } from '../../../src/store/store.js';

/**
 * The ingestion queue: queued POSTs share transactions (insertMany) once
 * their chunks are prepared, each keeps its own status, and a chunk that
 * cannot be stored fails only its own submission.
 */

const CHUNK = 10;
const clock = { now: () => new Date() };

function indicator(): Record<string, unknown> {
  const now = new Date().toISOString();
  return { type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: now, modified: now, pattern: "[ipv4-addr:value = '10.0.0.1']", pattern_type: 'stix', valid_from: now };
}

/** The SQLite intel store, recording each insertMany call's batch sizes, refusing any transaction that holds a poisoned id. */
function recording(inner: IntelStore, poisoned: Set<string>): { store: IntelStore; calls: number[][] } {
  const calls: number[][] = [];
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'insertMany') {
        return async (batches: readonly InsertBatch[]) => {
          calls.push(batches.map((b) => b.rows.length));
          if (batches.some((b) => b.rows.some((r) => poisoned.has(r.stix_id)))) throw new Error('disk I/O error (test)');
          return target.insertMany(batches);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store, calls };
}

async function setup(poisoned = new Set<string>()): Promise<{ db: Store; intel: IntelService; calls: number[][]; errors: unknown[]; caller: IntelCaller }> {
  const db = await openSqliteStore(':memory:');
  await ensureIntelDefaults(db.intel, clock as never);
  const { store, calls } = recording(db.intel, poisoned);
  const errors: unknown[] = [];
  const intel = new IntelService({ store, clock: clock as never, resolveRecipient: async () => null, chunkSize: CHUNK, workerThread: false, onError: (e) => errors.push(e) });
  return { db, intel, calls, errors, caller: { kind: 'user', userId: 'user-1', orgId: 'org-1', role: 'analyst' } };
}

test('queued submissions share transactions, each with its own exact status and its objects in order', async () => {
  const { db, intel, calls, caller } = await setup();
  try {
    const c = (await db.intel.getCollection(DEFAULT_API_ROOT, DEFAULT_COLLECTION_ID))!;
    const posts = [25, 7, 31].map((n) => Array.from({ length: n }, indicator));
    const statuses = await Promise.all(posts.map((objects) => intel.submit(c, caller, objects)));
    await intel.drain();
    const chunks = posts.reduce((sum, p) => sum + Math.ceil(p.length / CHUNK), 0);
    assert.equal(calls.flat().length, chunks, 'every chunk stored once');
    assert.ok(calls.length < chunks, `fewer transactions (${calls.length}) than chunks (${chunks})`);
    assert.ok(
      calls.some((sizes) => sizes.length > 1),
      'some transaction held several chunks',
    );
    for (const [i, s] of statuses.entries()) {
      const stored = (await db.intel.getStatus(s.id))!;
      assert.equal(stored.status, 'complete');
      assert.deepEqual([stored.total_count, stored.success_count, stored.failure_count, stored.pending_count], [posts[i]!.length, posts[i]!.length, 0, 0]);
      // A submission's objects are stored in the order it listed them.
      const seqs: number[] = [];
      for (const o of posts[i]!) seqs.push((await db.intel.getLatest([c.id], o.id as string, { kind: 'user', userId: 'user-1', orgId: 'org-1', groupIds: [] }))!.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
    }
  } finally {
    await db.close();
  }
});

test('a chunk that cannot be stored fails its own submission only, even inside a shared transaction', async () => {
  const bad = Array.from({ length: 25 }, indicator);
  const { db, intel, calls, errors, caller } = await setup(new Set([bad[14]!.id as string]));
  try {
    const c = (await db.intel.getCollection(DEFAULT_API_ROOT, DEFAULT_COLLECTION_ID))!;
    const good = [Array.from({ length: 25 }, indicator), Array.from({ length: 12 }, indicator)];
    const [g1, b, g2] = await Promise.all([intel.submit(c, caller, good[0]!), intel.submit(c, caller, bad), intel.submit(c, caller, good[1]!)]);
    await intel.drain();
    assert.ok(
      calls.some((sizes) => sizes.length > 1),
      'the failing chunk was in a shared transaction first',
    );
    assert.ok(errors.length >= 1);
    for (const [s, n] of [
      [g1!, 25],
      [g2!, 12],
    ] as const) {
      const stored = (await db.intel.getStatus(s.id))!;
      assert.deepEqual([stored.status, stored.success_count, stored.failure_count], ['complete', n, 0]);
    }
    const failed = (await db.intel.getStatus(b!.id))!;
    // Its first chunk (objects 0–9) was stored; the chunk holding object 14 and everything after it failed.
    assert.deepEqual([failed.status, failed.success_count, failed.failure_count, failed.pending_count], ['complete', 10, 15, 0]);
    assert.match(failed.failures[0]!.message ?? '', /post it again/);
    const viewer = { kind: 'user', userId: 'user-1', orgId: 'org-1', groupIds: [] } as const;
    assert.ok(await db.intel.getLatest([c.id], bad[9]!.id as string, viewer));
    assert.equal(await db.intel.getLatest([c.id], bad[10]!.id as string, viewer), null, 'nothing of the failed chunk is stored');
    for (const o of good.flat()) assert.ok(await db.intel.getLatest([c.id], o.id as string, viewer), 'every object of the other submissions is stored');
  } finally {
    await db.close();
  }
});
