import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intelEntry, intelLedgerFeed } from '../../../src/intel/ledger-feed.js';
import { PreparePool } from '../../../src/intel/prepare-pool.js';
import { prepareObject } from '../../../src/intel/prepare.js';
import { deterministicScoId } from '../../../src/intel/stix/deterministic-id.js';
import { tlpMarkingId } from '../../../src/intel/tlp.js';
import { openSqliteStore } from '../../../src/store/sqlite/open.js';
import type { IntelStore, NewIntelObjectVersion } from '../../../src/intel/ports.js';
import { makeApiRoot, makeCollection, makeVersion } from '../../store/intel-contract.js';

/** A fresh in-memory store with one collection holding `versions`, and the seqs they were stored under; closed after `run`. */
async function withStored(
  versions: NewIntelObjectVersion[],
  run: (s: IntelStore, collectionId: string, seqs: number[]) => Promise<void>,
): Promise<void> {
  const store = await openSqliteStore(':memory:');
  try {
    const s = store.intel;
    await s.putApiRoot(makeApiRoot(1));
    const c = makeCollection(1);
    await s.putCollection(c);
    const seqs = (await s.insertVersions(c.id, versions)).map((o) => (o.kind === 'added' ? o.seq : -1));
    await run(s, c.id, seqs);
  } finally {
    await store.close();
  }
}

test("the ledger feed logs a batch through the ledger's appendMany: each version once, under intel:<seq>, then moves its cursor", async () => {
  const versions = Array.from({ length: 5 }, (_, i) => makeVersion(i + 1, { salt: i % 2 ? null : 'ab'.repeat(32) }));
  await withStored(versions, async (s, collectionId, seqs) => {
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
      versions.map((v) => Buffer.from(intelEntry({ ...v, collection_id: collectionId })).toString('hex')),
    );
    assert.deepEqual(await s.unlogged(0, 10), [], 'the cursor moved past them');
    await feed();
    assert.equal(calls.length, 1, 'nothing logged twice');
  });
});

test('entries prepared with the object are the bytes the feed would compute from the stored row', () => {
  const at = '2024-05-01T00:00:00.000Z';
  const objects: Record<string, unknown>[] = [
    { type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: at, modified: at, name: 'Ünïcödé \u2028 "q" \ud83d\ude00', pattern: "[ipv4-addr:value = '10.0.0.1']", pattern_type: 'stix', valid_from: at, confidence: 85, labels: ['b', 'a'] },
    { type: 'ipv4-addr', spec_version: '2.1', id: deterministicScoId({ type: 'ipv4-addr', value: '198.51.100.7' }), value: '198.51.100.7' },
    { type: 'note', spec_version: '2.1', id: 'note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061', created: at, modified: at, content: 'x'.repeat(70_000), object_refs: ['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'] },
  ];
  for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const) {
    for (const o of objects) {
      const p = prepareObject({ ...o, object_marking_refs: [tlpMarkingId(tlp)] }, 'AMBER', undefined, 'collection-1');
      assert.ok('row' in p, JSON.stringify(p).slice(0, 300));
      assert.equal(p.row.salt === null, tlp === 'CLEAR');
      assert.ok(p.entry);
      const fromRow = intelEntry({ json: p.row.json, salt: p.row.salt, collection_id: 'collection-1', stix_id: p.row.stix_id, version: p.row.version });
      assert.equal(Buffer.from(p.entry).toString('hex'), Buffer.from(fromRow).toString('hex'), `${tlp} ${String(o.type)}`);
    }
  }
  // Prepared without a collection: no salt and no entry (the caller draws the salt).
  const bare = prepareObject(objects[0], 'AMBER');
  assert.ok('row' in bare && bare.row.salt === null && bare.entry === undefined);
});

test('the feed logs remembered entries as they are and computes only the others', async () => {
  const versions = Array.from({ length: 6 }, (_, i) => makeVersion(i + 1));
  await withStored(versions, async (s, collectionId, seqs) => {
    const computedFor: number[] = [];
    const logged: { key: string; data: string }[] = [];
    const feed = intelLedgerFeed(
      s,
      {
        appendMany: async (_kind, entries) => {
          logged.push(...entries.map((e) => ({ key: e.key, data: Buffer.from(e.data).toString('hex') })));
          return entries.map((_, i) => i);
        },
      },
      {
        entries: async (rows) => {
          computedFor.push(...rows.map((r) => (r as unknown as { seq: number }).seq));
          return rows.map(intelEntry);
        },
      },
    );
    // Remembered: the even ones (bytes that only a remembered entry could produce), and one already gone.
    feed.remember([...seqs.filter((_, i) => i % 2 === 0).map((q) => [q, Buffer.from(`remembered ${q}`)] as const), [seqs[5]! + 1000, Buffer.from('deleted before logging')]]);
    await feed();
    assert.deepEqual(computedFor, seqs.filter((_, i) => i % 2 === 1));
    assert.deepEqual(
      logged.map((l) => l.key),
      seqs.map((q) => `intel:${q}`),
    );
    for (const [i, q] of seqs.entries()) {
      const want = i % 2 === 0 ? Buffer.from(`remembered ${q}`) : Buffer.from(intelEntry({ ...versions[i]!, collection_id: collectionId }));
      assert.equal(logged[i]!.data, want.toString('hex'));
    }
    // Entries for seqs the feed has passed are not kept, and nothing is logged twice.
    feed.remember([[seqs[0]!, Buffer.from('late')]]);
    await feed();
    assert.equal(logged.length, seqs.length);
  });
});
