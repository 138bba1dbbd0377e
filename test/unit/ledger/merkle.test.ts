import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  consistencyProofPlan,
  emptyTreeHash,
  foldSubtrees,
  hashChildren,
  hashLeaf,
  inclusionProofPlan,
  MAX_PROOF_HASHES,
  MemoryMerkleTree,
  proveConsistency,
  proveInclusion,
  readTreeHash,
  resolvePlan,
  rootFromInclusionProof,
  rootFromLeafHashes,
  subtreeNodes,
  treeHashPlan,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/merkle.js';
import type { HashReader, NodeId } from '../../../src/ledger/merkle.js';
import { perfectSubtreeRoot } from '../../../src/ledger/sha256.js';
import { assertLedgerError, hex, loadVector, prng, rejectsLedgerError } from './support.js';

interface Rfc6962Vectors {
  source: string;
  leaves_hex: string[];
  roots_hex: string[];
  leaf_hashes_hex: string[];
  inclusion_proofs: { index: number; size: number; proof_hex: string[] }[];
  consistency_proofs: { size1: number; size2: number; proof_hex: string[] }[];
}

const V = loadVector<Rfc6962Vectors>('rfc6962-merkle.json');
const leaves = V.leaves_hex.map(hex);

// The RFC 6962 §2.1 definitions, written recursively as in the RFC: the oracle.
function k(n: number): number {
  let x = 1;
  while (x * 2 < n) x *= 2;
  return x;
}
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return emptyTreeHash();
  if (d.length === 1) return d[0] as Uint8Array;
  const s = k(d.length);
  return hashChildren(mth(d.slice(0, s)), mth(d.slice(s)));
}
function pathOf(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...pathOf(m, d.slice(0, s)), mth(d.slice(s))] : [...pathOf(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

function leafHashes(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => hashLeaf(Uint8Array.of(i & 0xff, i >> 8)));
}

/**
 * A HashReader over a virtual tree of any size: every leaf is the same except
 * the `special` ones, so a subtree without special leaves has a hash that
 * depends only on its level, and only the paths to special leaves are hashed.
 */
function syntheticReader(special: readonly number[]): HashReader {
  const plain = [hashLeaf(new TextEncoder().encode('plain'))];
  for (let l = 1; l <= 53; l++) plain.push(hashChildren(plain[l - 1] as Uint8Array, plain[l - 1] as Uint8Array));
  const cache = new Map<string, Uint8Array>();
  const node = (level: number, index: number): Uint8Array => {
    const start = index * 2 ** level;
    const end = start + 2 ** level;
    if (!special.some((s) => s >= start && s < end)) return plain[level] as Uint8Array;
    if (level === 0) return hashLeaf(new TextEncoder().encode(`special ${index}`));
    const key = `${level}/${index}`;
    let h = cache.get(key);
    if (h === undefined) {
      h = hashChildren(node(level - 1, index * 2), node(level - 1, index * 2 + 1));
      cache.set(key, h);
    }
    return h;
  };
  return { readHashes: (nodes: readonly NodeId[]) => Promise.resolve(nodes.map((n) => node(n.level, n.index))) };
}

describe('RFC 6962 hashing', () => {
  it('hashes leaves with 0x00 and nodes with 0x01', () => {
    assert.deepEqual(hashLeaf(new Uint8Array()), new Uint8Array(createHash('sha256').update(Uint8Array.of(0)).digest()));
    const l = hex('00'.repeat(32));
    const r = hex('11'.repeat(32));
    assert.deepEqual(hashChildren(l, r), new Uint8Array(createHash('sha256').update(Uint8Array.of(1)).update(l).update(r).digest()));
    assert.deepEqual(emptyTreeHash(), hex(V.roots_hex[0] as string));
  });

  it('matches the reference leaf hashes and roots for sizes 0 to 8', () => {
    leaves.forEach((leaf, i) => assert.deepEqual(hashLeaf(leaf), hex(V.leaf_hashes_hex[i] as string)));
    const tree = new MemoryMerkleTree();
    V.roots_hex.forEach((root, size) => {
      const hashes = leaves.slice(0, size).map(hashLeaf);
      assert.deepEqual(rootFromLeafHashes(hashes), hex(root), `root of ${size}`);
      if (size > 0) tree.append(hashes[size - 1] as Uint8Array);
      assert.deepEqual(tree.treeHash(size), hex(root));
    });
  });

  it('generates and verifies the reference inclusion proofs', () => {
    const tree = new MemoryMerkleTree();
    for (const leaf of leaves) tree.append(hashLeaf(leaf));
    for (const v of V.inclusion_proofs) {
      const proof = tree.inclusionProof(v.index, v.size);
      assert.deepEqual(proof, v.proof_hex.map(hex), `proof of ${v.index} in ${v.size}`);
      const root = hex(V.roots_hex[v.size] as string);
      const leaf = hashLeaf(leaves[v.index] as Uint8Array);
      verifyInclusion(leaf, v.index, v.size, proof, root);
      assert.deepEqual(rootFromInclusionProof(leaf, v.index, v.size, proof), root);
      // The corruptions of transparency-dev/merkle's verifier tests.
      const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        [v.index + 1, v.size, leaf, proof, root],
        [v.index ^ 2, v.size, leaf, proof, root],
        [v.index, v.size * 2, leaf, proof, root],
        [v.index, Math.floor(v.size / 2), leaf, proof, root],
        [v.index, v.size, hashLeaf(Uint8Array.of(1, 2, 3)), proof, root],
        [v.index, v.size, leaf, proof, emptyTreeHash()],
        [v.index, v.size, leaf, [...proof, root], root],
        [v.index, v.size, leaf, [root, ...proof], root],
        ...proof.map((_, i): [number, number, Uint8Array, Uint8Array[], Uint8Array] => {
          const bad = proof.map((h) => new Uint8Array(h));
          (bad[i] as Uint8Array)[0] = ((bad[i] as Uint8Array)[0] as number) ^ 8;
          return [v.index, v.size, leaf, bad, root];
        }),
      ];
      if (v.index > 0) probes.push([v.index - 1, v.size, leaf, proof, root]);
      if (proof.length > 0) probes.push([v.index, v.size, leaf, proof.slice(0, -1), root]);
      for (const [index, size, l, p, r] of probes) {
        assertLedgerError(() => verifyInclusion(l, index, size, p, r), ['LOG_PROOF_INVALID']);
      }
    }
  });

  it('generates and verifies the reference consistency proofs', () => {
    const tree = new MemoryMerkleTree();
    for (const leaf of leaves) tree.append(hashLeaf(leaf));
    for (const v of V.consistency_proofs) {
      const proof = tree.consistencyProof(v.size1, v.size2);
      assert.deepEqual(proof, v.proof_hex.map(hex), `proof ${v.size1} → ${v.size2}`);
      const root1 = hex(V.roots_hex[v.size1] as string);
      const root2 = hex(V.roots_hex[v.size2] as string);
      verifyConsistency(v.size1, v.size2, root1, root2, proof);
      if (proof.length === 0) continue;
      const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [v.size1 - 1, v.size2, root1, root2, proof],
        [v.size1 + 1, v.size2, root1, root2, proof],
        [v.size1 ^ 2, v.size2, root1, root2, proof],
        [v.size1, v.size2 * 2, root1, root2, proof],
        [v.size1, Math.floor(v.size2 / 2), root1, root2, proof],
        [v.size1, v.size2, root2, root2, proof],
        [v.size1, v.size2, root1, root1, proof],
        [v.size1, v.size2, root2, root1, proof],
        [v.size1, v.size2, root1, root2, []],
        [v.size1, v.size2, root1, root2, [...proof, root1]],
        [v.size1, v.size2, root1, root2, [...proof, root2]],
        [v.size1, v.size2, root1, root2, [root1, ...proof]],
        [v.size1, v.size2, root1, root2, [root2, ...proof]],
        [v.size1, v.size2, root1, root2, [proof[0] as Uint8Array, ...proof]],
        [v.size1, v.size2, root1, root2, proof.slice(0, -1)],
        ...proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => {
          const bad = proof.map((h) => new Uint8Array(h));
          (bad[i] as Uint8Array)[0] = ((bad[i] as Uint8Array)[0] as number) ^ 16;
          return [v.size1, v.size2, root1, root2, bad];
        }),
      ];
      for (const [s1, s2, r1, r2, p] of probes) {
        assertLedgerError(() => verifyConsistency(s1, s2, r1, r2, p), ['LOG_PROOF_INVALID']);
      }
    }
  });

  it('agrees with the recursive RFC definitions for every index and size pair up to 70', () => {
    const hashes = leafHashes(70);
    const tree = new MemoryMerkleTree();
    for (const h of hashes) tree.append(h);
    for (let n = 1; n <= 70; n++) {
      const d = hashes.slice(0, n);
      const root = mth(d);
      assert.deepEqual(tree.treeHash(n), root);
      assert.deepEqual(rootFromLeafHashes(d), root);
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n);
        assert.deepEqual(proof, pathOf(m, d));
        verifyInclusion(d[m] as Uint8Array, m, n, proof, root);
      }
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        assert.deepEqual(proof, m === n ? [] : subproof(m, d, true));
        verifyConsistency(m, n, mth(d.slice(0, m)), root, proof);
      }
    }
  });

  it('serves the same proofs through a HashReader as in memory', async () => {
    const hashes = leafHashes(300);
    const tree = new MemoryMerkleTree();
    for (const h of hashes) tree.append(h);
    for (const [i, n] of [
      [0, 1],
      [5, 300],
      [299, 300],
      [128, 129],
    ] as const) {
      assert.deepEqual(await proveInclusion(tree, i, n), tree.inclusionProof(i, n));
    }
    assert.deepEqual(await proveConsistency(tree, 17, 300), tree.consistencyProof(17, 300));
    assert.deepEqual(await proveConsistency(tree, 0, 300), []);
    assert.deepEqual(await readTreeHash(tree, 300), tree.treeHash());
    assert.deepEqual(await readTreeHash(tree, 0), emptyTreeHash());
  });

  it('handles sizes far beyond 2^32 without truncation', async () => {
    const sizes = [2 ** 32 + 3, 2 ** 40 + 12345, 2 ** 52 + 2 ** 31 + 7, Number.MAX_SAFE_INTEGER];
    const indexes = [0, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + 1, 2 ** 32 + 2, ...sizes.map((s) => s - 1)];
    const reader = syntheticReader(indexes);
    for (const size of sizes) {
      const root = await readTreeHash(reader, size);
      for (const index of indexes) {
        if (index >= size) continue;
        const proof = await proveInclusion(reader, index, size);
        const [leaf] = await reader.readHashes([{ level: 0, index }]);
        verifyInclusion(leaf as Uint8Array, index, size, proof, root);
        assertLedgerError(() => verifyInclusion(leaf as Uint8Array, index % 2 === 0 ? index + 1 : index - 1, size, proof, root), ['LOG_PROOF_INVALID']);
      }
    }
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [a, b] = [sizes[i] as number, sizes[i + 1] as number];
      const proof = await proveConsistency(reader, a, b);
      verifyConsistency(a, b, await readTreeHash(reader, a), await readTreeHash(reader, b), proof);
    }
    // A power-of-two first size takes RFC 9162 §2.1.4.2 step 2.
    const p = await proveConsistency(reader, 2 ** 33, 2 ** 33 + 5);
    verifyConsistency(2 ** 33, 2 ** 33 + 5, await readTreeHash(reader, 2 ** 33), await readTreeHash(reader, 2 ** 33 + 5), p);
  });
});

describe('proof plans', () => {
  it('decomposes ranges into complete subtrees, largest first', () => {
    assert.deepEqual(subtreeNodes(0, 7), [
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    assert.deepEqual(subtreeNodes(4, 7), [
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    assert.deepEqual(subtreeNodes(3, 3), []);
    assert.deepEqual(treeHashPlan(0), []);
    assert.deepEqual(foldSubtrees([]), emptyTreeHash());
  });

  it('refuses impossible ranges with LOG_RANGE_INVALID', () => {
    const bad: (() => unknown)[] = [
      () => subtreeNodes(5, 4),
      () => subtreeNodes(-1, 4),
      () => subtreeNodes(0, Number.MAX_SAFE_INTEGER + 1),
      () => treeHashPlan(1.5),
      () => treeHashPlan(-1),
      () => inclusionProofPlan(3, 3),
      () => inclusionProofPlan(0, 0),
      () => inclusionProofPlan(-1, 3),
      () => inclusionProofPlan(Number.NaN, 3),
      () => inclusionProofPlan(0, Infinity),
      () => consistencyProofPlan(4, 3),
      () => consistencyProofPlan(-1, 3),
      () => consistencyProofPlan(1, 2 ** 60),
    ];
    for (const fn of bad) assertLedgerError(fn, ['LOG_RANGE_INVALID']);
    assert.deepEqual(consistencyProofPlan(0, 5), []);
    assert.deepEqual(consistencyProofPlan(5, 5), []);
  });
});

describe('defensive verification', () => {
  const tree = new MemoryMerkleTree();
  for (const h of leafHashes(10)) tree.append(h);
  const root = tree.treeHash();
  const leaf = tree.node(0, 3);
  const proof = tree.inclusionProof(3);

  it('refuses malformed inclusion inputs with LOG_PROOF_INVALID, never another error', () => {
    const inputs: [unknown, unknown, unknown, unknown, unknown][] = [
      [leaf, 3, 10, proof, root.subarray(1)],
      [leaf.subarray(0, 31), 3, 10, proof, root],
      ['not bytes', 3, 10, proof, root],
      [leaf, 3, 10, 'not a list', root],
      [leaf, 3, 10, [...proof.slice(1), new Uint8Array(31)], root],
      [leaf, 3, 10, [...proof.slice(1), 'x'], root],
      [leaf, 3, 10, Array.from({ length: MAX_PROOF_HASHES + 1 }, () => leaf), root],
      [leaf, -1, 10, proof, root],
      [leaf, 3.5, 10, proof, root],
      [leaf, 3, Number.NaN, proof, root],
      [leaf, 3, 2 ** 53, proof, root],
      [leaf, '3', 10, proof, root],
      [leaf, 10, 10, proof, root],
      [leaf, 0, 0, [], emptyTreeHash()],
      [leaf, 3, 10, [...proof, leaf], root],
      [leaf, 3, 10, proof.slice(0, -1), root],
      [leaf, 3, 10, proof, emptyTreeHash()],
    ];
    for (const [l, i, n, p, r] of inputs) {
      assertLedgerError(() => verifyInclusion(l as Uint8Array, i as number, n as number, p as Uint8Array[], r as Uint8Array), ['LOG_PROOF_INVALID']);
    }
    // A single-leaf tree: the proof is empty and the root is the leaf hash.
    verifyInclusion(leaf, 0, 1, [], leaf);
  });

  it('refuses malformed consistency inputs with LOG_PROOF_INVALID', () => {
    const r4 = tree.treeHash(4);
    const r7 = tree.treeHash(7);
    const p = tree.consistencyProof(4, 7);
    const inputs: [unknown, unknown, unknown, unknown, unknown][] = [
      [4, 7, r4.subarray(1), r7, p],
      [4, 7, r4, 'x', p],
      [4, 7, r4, r7, { length: 1 }],
      [4, 7, r4, r7, Array.from({ length: MAX_PROOF_HASHES + 1 }, () => r4)],
      [-4, 7, r4, r7, p],
      [4, 7.5, r4, r7, p],
      [7, 4, r4, r7, p],
      [7, 7, r7, r7, p],
      [7, 7, r4, r7, []],
      [0, 7, r4, r7, []],
      [0, 7, emptyTreeHash(), r7, p],
      [4, 7, r4, r7, []],
      [4, 7, r4, r7, [...p, r4]],
      [4, 7, r4, r7, p.slice(0, -1)],
      [1, 2 ** 52, r4, r7, p],
    ];
    for (const [s1, s2, a, b, q] of inputs) {
      assertLedgerError(() => verifyConsistency(s1 as number, s2 as number, a as Uint8Array, b as Uint8Array, q as Uint8Array[]), ['LOG_PROOF_INVALID']);
    }
    verifyConsistency(0, 7, emptyTreeHash(), r7, []);
    verifyConsistency(7, 7, r7, r7, []);
  });

  it('reports a HashReader that cannot answer as LOG_HASH_UNAVAILABLE', async () => {
    const short: HashReader = { readHashes: () => Promise.resolve([]) };
    const wrong: HashReader = { readHashes: (nodes) => Promise.resolve(nodes.map(() => new Uint8Array(31))) };
    await rejectsLedgerError(proveInclusion(short, 3, 10), ['LOG_HASH_UNAVAILABLE']);
    await rejectsLedgerError(proveInclusion(wrong, 3, 10), ['LOG_HASH_UNAVAILABLE']);
    await rejectsLedgerError(resolvePlan(tree, [[{ level: 5, index: 0 }]]), ['LOG_HASH_UNAVAILABLE']);
    await rejectsLedgerError(proveInclusion(tree, 3, 11), ['LOG_HASH_UNAVAILABLE']);
  });

  it('keeps the in-memory tree consistent and refuses out-of-range requests', () => {
    const t = new MemoryMerkleTree();
    assert.equal(t.size, 0);
    assert.deepEqual(t.treeHash(), emptyTreeHash());
    assertLedgerError(() => t.append(new Uint8Array(3)), ['LOG_RANGE_INVALID']);
    assertLedgerError(() => t.append('x' as unknown as Uint8Array), ['LOG_RANGE_INVALID']);
    assert.equal(t.append(leaf), 0);
    assertLedgerError(() => t.node(1, 0), ['LOG_HASH_UNAVAILABLE']);
    assertLedgerError(() => t.treeHash(2), ['LOG_RANGE_INVALID']);
    assertLedgerError(() => t.inclusionProof(0, 2), ['LOG_RANGE_INVALID']);
    assertLedgerError(() => t.consistencyProof(0, 2), ['LOG_RANGE_INVALID']);
    assertLedgerError(() => t.treeHash(-1), ['LOG_RANGE_INVALID']);
  });

  it('never throws anything but a LedgerError on random proofs', () => {
    const rng = prng(99);
    const sizes = [1, 2, 3, 7, 8, 9, 10];
    for (let i = 0; i < 3000; i++) {
      const n = rng.pick(sizes);
      const m = rng.int(n + 2) - 1;
      const len = rng.int(6);
      const p = Array.from({ length: len }, () => rng.pick([leaf, root, proof[0] as Uint8Array, tree.node(1, 0)]));
      try {
        verifyInclusion(rng.pick([leaf, root]), m, n, p, rng.pick([leaf, root]));
      } catch (err) {
        assert.equal((err as { code?: string }).code, 'LOG_PROOF_INVALID');
      }
      try {
        verifyConsistency(m, n, rng.pick([leaf, root]), rng.pick([leaf, root]), p);
      } catch (err) {
        assert.equal((err as { code?: string }).code, 'LOG_PROOF_INVALID');
      }
    }
  });
});

describe('perfect subtree roots hashed in place (plain-JavaScript SHA-256)', () => {
  it('equal the node:crypto Merkle hashing for every power-of-two run of a tile', () => {
    const tile = new Uint8Array(randomBytes(256 * 32));
    const hashAt = (i: number) => tile.slice(i * 32, (i + 1) * 32);
    for (let count = 1; count <= 256; count *= 2) {
      for (let start = 0; start + count <= 256; start += count * 3 + count) {
        const expected = rootFromLeafHashes(Array.from({ length: count }, (_, i) => hashAt(start + i)));
        assert.deepEqual(Buffer.from(perfectSubtreeRoot(tile, start, count)), Buffer.from(expected), `${count} at ${start}`);
      }
    }
    // Fixed inputs: all-zero and all-0xff children, against a direct SHA-256.
    for (const fill of [0x00, 0xff, 0x80]) {
      const two = new Uint8Array(64).fill(fill);
      const direct = createHash('sha256').update(Uint8Array.of(1)).update(two).digest();
      assert.deepEqual(Buffer.from(perfectSubtreeRoot(two, 0, 2)), direct);
    }
    assert.throws(() => perfectSubtreeRoot(tile, 0, 3), RangeError);
    assert.throws(() => perfectSubtreeRoot(tile, 255, 2), RangeError);
    assert.throws(() => perfectSubtreeRoot(tile, 0, 512), RangeError);
  });
});
