/**
 * The ledger over the real stores (SQLite and PostgreSQL): the reference log
 * of ../shared/vectors reproduced byte for byte through the sequencer and the
 * SQL tile storage, compare-and-swap between two sequencers, idempotent keys,
 * back-pressure and proofs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../../src/ledger/ledger.js';
import { signerFromSeed } from '../../src/ledger/note-key.js';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { parseVerifierKey } from '../../src/ledger/note-verifier.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.js';
import { parseTilePath, tilePath } from '../../src/ledger/tile-path.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, pgAvailability } from '../store/pg-harness.js';

const REF = new URL('../../../shared/vectors/tlog-reference/', import.meta.url).pathname;
const ORIGIN = 'vectors.accord.example/reference';
const VKEY = 'vectors.accord.example/reference+306190a4+AbICEbt/Vsf/Hl6Cccod6FQQ89kOUt0hLe9pEyJabeag';
const signer = signerFromSeed(ORIGIN, createHash('sha256').update('refgen key seed\naccord-vectors').digest());
const entry = (i: number) => new TextEncoder().encode(`harness reference log entry ${i}\n${'#'.repeat(i % 300)}`);

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`]));
}

async function backends(): Promise<{ name: string; open: () => Promise<Store>; cleanup: () => Promise<void>; skip: string | false }[]> {
  const pgSkip = await pgAvailability();
  let dropPg: (() => Promise<void>) | undefined;
  return [
    { name: 'sqlite', open: () => openSqliteStore(':memory:'), cleanup: async () => {}, skip: false },
    {
      name: 'postgres',
      skip: pgSkip,
      open: async () => {
        const db = await createTestDatabase();
        dropPg = () => db.drop();
        return openPostgresStore(db.url, { poolSize: 4 });
      },
      cleanup: async () => dropPg?.(),
    },
  ];
}

for (const b of await backends()) {
  describe(`ledger on ${b.name}`, { skip: b.skip === false ? undefined : b.skip }, () => {
    let store: Store;
    before(async () => {
      assert.ok(existsSync(REF), `the reference vectors must be at ${REF}`);
      store = await b.open();
    });
    after(async () => {
      await store?.close();
      await b.cleanup();
    });

    it('reproduces the 70,000-entry reference log byte for byte', async () => {
      const ledger = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date(), maxIntegrationBatch: 70_000 });
      await ledger.currentState();
      // Sequence 1000, integrate (checkpoint.1000), then up to 65536, then to 70000, as the reference did.
      const add = async (from: number, to: number) => {
        const idx: Promise<number>[] = [];
        for (let i = from; i < to; i++) idx.push(ledger.append('test', entry(i)));
        const got = await Promise.all(idx);
        assert.deepEqual([got[0], got.at(-1)], [from, to - 1]);
      };
      for (const [from, to, file] of [[0, 1000, 'checkpoint.1000'], [1000, 65536, 'checkpoint.65536'], [65536, 70000, 'checkpoint']] as const) {
        await add(from, to);
        assert.equal(await ledger.integrateOnce(), true);
        const state = await ledger.currentState();
        assert.equal(state.size, to);
        assert.equal(state.checkpoint, readFileSync(join(REF, file), 'utf8'), `${file} is byte-identical`);
      }
      // Every tile and bundle of the reference tree, served from the SQL store.
      let compared = 0;
      for (const rel of files(join(REF, 'tile'))) {
        const path = `tile/${rel}`;
        const parsed = parseTilePath(path);
        const want = readFileSync(join(REF, path));
        let got: Uint8Array;
        if (parsed.kind === 'tile') {
          const t = parsed.tile;
          got = (await store.log.readTiles([t]))[0]!.subarray(0, t.width * 32);
          assert.equal(tilePath(t), path);
        } else {
          got = (await store.log.readEntryBundles([parsed.bundle]))[0]!;
          if (parsed.bundle.width < 256 && got.length !== want.length) {
            // A stored bundle may be wider than an old partial one: compare the prefix the reference has.
            got = got.subarray(0, want.length);
          }
        }
        assert.ok(Buffer.from(got).equals(want), `${path} matches`);
        compared++;
      }
      assert.ok(compared > 500, `compared ${compared} files`);
      // Proofs from the SQL tiles verify against the signed checkpoints.
      const v = parseVerifierKey(VKEY);
      const cp = openCheckpoint(readFileSync(join(REF, 'checkpoint'), 'utf8'), ORIGIN, [v]).checkpoint;
      const cp1000 = openCheckpoint(readFileSync(join(REF, 'checkpoint.1000'), 'utf8'), ORIGIN, [v]).checkpoint;
      for (const i of [0, 1, 255, 256, 999, 65535, 65536, 69999]) {
        const { proof } = await ledger.inclusionProof(i, 70_000);
        verifyInclusion(hashLeaf(entry(i)), i, 70_000, proof, cp.rootHash);
      }
      const { proof } = await ledger.consistencyProof(1000, 70_000);
      verifyConsistency(1000, 70_000, cp1000.rootHash, cp.rootHash, proof);
      // An entry is read back with its kind.
      const e = await ledger.entry(12345);
      assert.equal(e.kind, 'test');
      assert.deepEqual(Buffer.from(e.data), Buffer.from(entry(12345)));
    });

    it('never forks: of two sequencers racing, one advances the log, and keys are logged once', async () => {
      // (The previous test's sequencer holds a 10 s lease: this one's clock is past it.)
      const a = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date(Date.now() + 30_000), leaseMs: 60_000 });
      const before = await a.currentState();
      const idx = await Promise.all([a.append('test', entry(1), 'k1'), a.append('test', entry(2), 'k2'), a.append('test', entry(1), 'k1')]);
      assert.equal(idx[0], idx[2], 'the same key gives the same index');
      assert.equal(idx[1], idx[0]! + 1);
      assert.equal(await a.append('test', entry(3), 'k1'), idx[0], 'a replay after a crash logs nothing new');
      // A second node cannot integrate while the first holds the lease…
      const b2 = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date(), leaseMs: 60_000 });
      assert.equal(await a.integrateOnce(), true);
      await b2.append('test', entry(4));
      assert.equal(await b2.integrateOnce(), false, 'b2 has no lease');
      // …and when it does, compare-and-swap on the size decides: no fork.
      const s1 = await a.currentState();
      assert.equal(s1.size, before.size + 2);
      const later = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date(Date.now() + 200_000) });
      assert.equal(await later.integrateOnce(), true, 'the lease expired, so another node takes over');
      assert.equal((await later.currentState()).size, s1.size + 1);
    });

    it('integrates exactly the stored bytes: entries kept in memory are copies, and others are read back', async () => {
      const l = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date(Date.now() + 400_000), leaseMs: 60_000 });
      const from = (await l.currentState()).size;
      await l.integrateOnce(); // whatever earlier tests left sequenced
      const base = (await l.currentState()).size;
      // A caller that reuses its buffer once its entry is stored: integration uses the stored bytes.
      const buf = new TextEncoder().encode('reused buffer, first content');
      const i0 = await l.append('test', buf);
      buf.fill(0x41);
      const keyed = await l.append('test', entry(7), 'cache-k'); // keyed: not kept in memory
      const other = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date() });
      const foreign = await other.append('test', entry(8)); // sequenced by another node
      const last = await l.append('test', entry(9));
      assert.deepEqual([i0, keyed, foreign, last], [base, base + 1, base + 2, base + 3]);
      await l.integrate(); // rounds: the kept entry, then the rest read back from the store
      const st = await l.currentState();
      assert.equal(st.size, base + 4);
      assert.ok(st.size > from);
      for (let i = base; i < st.size; i++) {
        const e = await l.entry(i);
        const { proof } = await l.inclusionProof(i);
        verifyInclusion(hashLeaf(e.data), i, st.size, proof, st.rootHash);
      }
      assert.equal(new TextDecoder().decode((await l.entry(i0)).data), 'reused buffer, first content');
      await other.stop();
      await l.stop();
    });

    it('reads entry kinds and lengths without their data, as readEntries has them', async () => {
      const next = await store.log.sequencedSize();
      await store.log.sequence(
        [
          { kind: 'sizes', data: new Uint8Array(0) },
          { kind: 'sizes', data: new Uint8Array(65_535).fill(7) },
          { kind: 'other', data: new TextEncoder().encode('é') },
        ],
        new Date().toISOString(),
      );
      const sizes = await store.log.readEntrySizes(next, 10);
      assert.deepEqual(sizes, [
        { index: next, kind: 'sizes', bytes: 0 },
        { index: next + 1, kind: 'sizes', bytes: 65_535 },
        { index: next + 2, kind: 'other', bytes: 2 },
      ]);
      const entries = await store.log.readEntries(next - 2, 4);
      assert.deepEqual(await store.log.readEntrySizes(next - 2, 4), entries.map((e) => ({ index: e.index, kind: e.kind, bytes: e.data.length })));
      assert.deepEqual(await store.log.readEntrySizes(next + 3, 10), []);
    });

    it('appendMany logs a batch as appends would, with one answer for all', async () => {
      const l = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date(), maxQueued: 5 });
      const base = await store.log.sequencedSize();
      const indexes = await l.appendMany('many', [{ data: entry(1), key: 'many-a' }, { data: entry(2) }, { data: entry(3), key: 'many-a' }, { data: entry(4), key: 'many-b' }]);
      assert.deepEqual(indexes, [base, base + 1, base, base + 2], 'a key repeated in the batch gets the first index');
      // Together with single appends in the same turn, and a retry of the keys: the same indexes.
      const [again, single] = await Promise.all([l.appendMany('many', [{ data: entry(4), key: 'many-b' }, { data: entry(1), key: 'many-a' }]), l.append('many', entry(5))]);
      assert.deepEqual(again, [base + 2, base]);
      assert.equal(single, base + 3);
      const stored = await store.log.readEntries(base, 10);
      assert.deepEqual(stored.map((e) => [e.kind, new TextDecoder().decode(e.data)]), [entry(1), entry(2), entry(4), entry(5)].map((d) => ['many', new TextDecoder().decode(d)]));
      assert.deepEqual(await l.appendMany('many', []), []);
      // Refusals refuse the whole call and log none of it.
      await assert.rejects(l.appendMany('Bad Kind', [{ data: entry(1) }]), /kind/);
      await assert.rejects(l.appendMany('many', [{ data: entry(6) }, { data: new Uint8Array(65_536) }]), /ENTRY_TOO_LARGE|too large|65535/i);
      await assert.rejects(l.appendMany('many', Array.from({ length: 6 }, (_, i) => ({ data: entry(10 + i) }))), { code: 'BACK_PRESSURE' });
      assert.equal(await store.log.sequencedSize(), base + 4);
    });

    it('refuses oversized entries and bad kinds, and pushes back when the queue is full', async () => {
      const l = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date(), maxQueued: 2 });
      await assert.rejects(l.append('test', new Uint8Array(65_536)), /ENTRY_TOO_LARGE|too large|65535/i);
      await assert.rejects(l.append('Bad Kind', entry(1)), /kind/);
      const results = await Promise.allSettled([l.append('test', entry(1)), l.append('test', entry(2)), l.append('test', entry(3))]);
      const refused = results.filter((r) => r.status === 'rejected');
      assert.equal(refused.length, 1);
      assert.equal((refused[0] as PromiseRejectedResult).reason.code, 'BACK_PRESSURE');
    });
  });
}

describe('waiting for a checkpoint', () => {
  it('times out with a retryable BACK_PRESSURE when no sequencer integrates', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const l = new Ledger(store.log, { origin: ORIGIN, signer, now: () => new Date() });
      // Another node holds the lease and never integrates.
      await l.currentState();
      assert.equal(await store.log.acquireLease('someone-else', new Date().toISOString(), new Date(Date.now() + 60_000).toISOString()), true);
      const index = await l.append('test', entry(1));
      await assert.rejects(l.waitForIndex(index, 300), (e: unknown) => (e as { code?: string }).code === 'BACK_PRESSURE');
    } finally {
      await store.close();
    }
  });
});
