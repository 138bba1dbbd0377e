import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intelEntry, intelLedgerFeed } from '../../../src/intel/ledger-feed.js';
import { PreparePool } from '../../../src/intel/prepare-pool.js';
import { openSqliteStore } from '../../../src/store/sqlite/open.js';
import { makeApiRoot, makeCollection, makeVersion } from '../../store/intel-contract.js';

test("the ledger feed logs a batch through the ledger's appendMany: each version once, under intel:<seq>, then moves its cursor", async () => {
  const store = await openSqliteStore(':memory:');
  try {
    const s = store.intel;
    await s.putApiRoot(makeApiRoot(1));
    const c = makeCollection(1);
    await s.putCollection(c);
    const versions = Array.from({ length: 5 }, (_, i) => makeVersion(i + 1, { salt: i % 2 ? null : 'ab'.repeat(32) }));
    const seqs = (await s.insertVersions(c.id, versions)).map((o) => (o.kind === 'added' ? o.seq : -1));
    const calls: { kind: string; keys: string[]; data: string[] }[] = [];
    const feed = intelLedgerFeed(
      s,
      {
        appendMany: async (kind, entries) => {
          calls.push({ kind, keys: entries.map((e) => e.key), data: entries.map((e) => Buffer.from(e.data).toString('hex')) });
          return entries.map((_, i) => i);
        },
      },
      new PreparePool(false),
    );
    await feed();
    assert.equal(calls.length, 1, 'one call for the batch');
    assert.equal(calls[0]!.kind, 'intel');
    assert.deepEqual(
      calls[0]!.keys,
      seqs.map((q) => `intel:${q}`),
    );
    assert.deepEqual(
      calls[0]!.data,
      versions.map((v) => Buffer.from(intelEntry({ ...v, collection_id: c.id })).toString('hex')),
    );
    assert.deepEqual(await s.unlogged(0, 10), [], 'the cursor moved past them');
    await feed();
    assert.equal(calls.length, 1, 'nothing logged twice');
  } finally {
    await store.close();
  }
});
