/** Inclusion proofs of a batch in one pass (release/batch-proofs.ts) against the reference tree, and their proof files. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hashLeaf, MemoryMerkleTree } from '../../src/ledger/merkle.js';
import { MemoryTileStore } from '../../src/ledger/memory-tile-store.js';
import { formatTlogProof, formatTlogProofs } from '../../src/ledger/proof.js';
import { tileHashReader } from '../../src/ledger/tiles.js';
import { proveInclusions } from '../../src/release/batch-proofs.js';
import { MemoryLog } from './support.js';

it('proves a batch as the reference tree proves each entry, at many tree sizes', async () => {
  const store = new MemoryTileStore();
  const tree = new MemoryMerkleTree();
  let next = 0;
  for (const batch of [1, 1, 3, 250, 6, 1000, 4000, 1, 777]) {
    const entries = Array.from({ length: batch }, () => new TextEncoder().encode(`entry ${next++}`));
    for (const e of entries) tree.append(hashLeaf(e));
    await store.append(entries);
    const size = store.treeSize;
    // The batch just appended (what a publish proves), some older entries, and a repeat.
    const indexes = [...Array.from({ length: batch }, (_, i) => size - batch + i), 0, Math.floor(size / 3), size - 1];
    const proofs = await proveInclusions(tileHashReader(size, store), indexes, size);
    assert.equal(proofs.length, indexes.length);
    indexes.forEach((index, i) => assert.deepEqual(proofs[i], tree.inclusionProof(index, size), `${index} in ${size}`));
  }
  assert.deepEqual(await proveInclusions(tileHashReader(1, store), [], 1), []);
});

it('formats many proofs against one checkpoint exactly as one by one', () => {
  const log = new MemoryLog();
  for (let i = 0; i < 300; i++) log.append(new TextEncoder().encode(`e${i}`));
  const checkpoint = log.checkpoint();
  const proofs = [0, 1, 150, 299, 150].map((index) => ({ index, inclusionProof: log.tree.inclusionProof(index) }));
  const withExtra = { index: 7, extra: Uint8Array.of(1, 2, 3), inclusionProof: log.tree.inclusionProof(7) };
  const texts = formatTlogProofs(checkpoint, [...proofs, withExtra]);
  assert.deepEqual(texts, [...proofs, withExtra].map((p) => formatTlogProof({ ...p, checkpoint })));
  assert.deepEqual(formatTlogProofs(checkpoint, []), []);
  assert.throws(() => formatTlogProofs('not a checkpoint\n', proofs), { code: 'TLOG_PROOF_MALFORMED' });
  assert.throws(() => formatTlogProofs(checkpoint, [{ index: -1, inclusionProof: [] }]), { code: 'TLOG_PROOF_MALFORMED' });
  assert.throws(() => formatTlogProofs(checkpoint, [{ index: 1, inclusionProof: [new Uint8Array(31)] }]), { code: 'TLOG_PROOF_MALFORMED' });
});
