// The independent reference log of /work/shared/vectors/tlog-reference (70,000
// entries): our tiles, bundles and checkpoints must be byte-identical, our
// verifier must accept every file and refuse any flipped byte.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { openCheckpoint, signCheckpoint } from '../../../src/ledger/checkpoint.js';
import type { Checkpoint } from '../../../src/ledger/checkpoint.js';
import { decodeEntryBundle } from '../../../src/ledger/entry-bundle.js';
import { hashLeaf, MemoryMerkleTree, proveConsistency, proveInclusion, readTreeHash, verifyConsistency, verifyInclusion } from '../../../src/ledger/merkle.js';
import { MemoryTileStore } from '../../../src/ledger/memory-tile-store.js';
import { signerFromSeed, verifierKey } from '../../../src/ledger/note-key.js';
import { parseVerifierKey } from '../../../src/ledger/note-verifier.js';
import { entryBundlePath, parseTilePath, tilePath } from '../../../src/ledger/tile-path.js';
import type { TileId } from '../../../src/ledger/tile-path.js';
import { TileVerifier } from '../../../src/ledger/tile-verifier.js';
import { entryBundlesForTreeSize, partialTiles, tileHashReader, tilesForTreeSize } from '../../../src/ledger/tiles.js';
import type { TileReader } from '../../../src/ledger/tiles.js';
import {
  assertLedgerError,
  prng,
  readReferenceTiles,
  REFERENCE_DIR,
  REFERENCE_ORIGIN,
  REFERENCE_SIZES,
  REFERENCE_VKEY,
  referenceCheckpointName,
  referenceEntry,
  referenceSeed,
  rejectsLedgerError,
} from './support.js';

const TOTAL = 70000;

/** A TileReader over the reference files (optionally with one file replaced). */
function fileReader(files: ReadonlyMap<string, Uint8Array>, override?: { path: string; data: Uint8Array }): TileReader {
  return {
    readTiles(tiles: readonly TileId[]) {
      return Promise.resolve(
        tiles.map((t) => {
          const path = tilePath(t);
          if (override !== undefined && override.path === path) return override.data;
          const data = files.get(path);
          assert.ok(data, `reference file ${path} is missing`);
          return data;
        }),
      );
    },
  };
}

function flip(data: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = new Uint8Array(data);
  copy[at] = (copy[at] as number) ^ mask;
  return copy;
}

it('finds the reference log next to the repository (a missing directory fails, never skips)', () => {
  assert.ok(existsSync(REFERENCE_DIR), `no reference log at ${REFERENCE_DIR.pathname}`);
  for (const size of REFERENCE_SIZES) assert.ok(existsSync(new URL(referenceCheckpointName(size), REFERENCE_DIR)));
});

describe('reference log (/work/shared/vectors/tlog-reference)', () => {
  let files: Map<string, Uint8Array>;
  const checkpointNotes = new Map<number, string>();
  const checkpoints = new Map<number, Checkpoint>();
  let store: MemoryTileStore;
  let tree: MemoryMerkleTree;
  const ourNotes = new Map<number, string>();

  before(async () => {
    assert.ok(existsSync(REFERENCE_DIR), `the reference log is missing at ${REFERENCE_DIR.pathname}; it must be present, not skipped`);
    files = readReferenceTiles();
    const verifier = parseVerifierKey(REFERENCE_VKEY);
    for (const size of REFERENCE_SIZES) {
      const note = readFileSync(new URL(referenceCheckpointName(size), REFERENCE_DIR), 'utf8');
      checkpointNotes.set(size, note);
      checkpoints.set(size, openCheckpoint(note, REFERENCE_ORIGIN, [verifier]).checkpoint);
    }
    const signer = signerFromSeed(REFERENCE_ORIGIN, referenceSeed());
    store = new MemoryTileStore();
    tree = new MemoryMerkleTree();
    for (const size of REFERENCE_SIZES) {
      const batch: Uint8Array[] = [];
      for (let i = store.treeSize; i < size; i++) {
        const entry = referenceEntry(i);
        batch.push(entry);
        tree.append(hashLeaf(entry));
      }
      await store.append(batch);
      ourNotes.set(size, signCheckpoint({ origin: REFERENCE_ORIGIN, size, rootHash: store.rootHash, extensions: [] }, [signer]));
    }
  });

  it('has the key of the README', () => {
    const signer = signerFromSeed(REFERENCE_ORIGIN, referenceSeed());
    assert.equal(verifierKey(REFERENCE_ORIGIN, signer.publicKey), REFERENCE_VKEY);
  });

  it('produces byte-identical checkpoints at 1000, 65536 and 70000', () => {
    for (const size of REFERENCE_SIZES) {
      assert.equal(ourNotes.get(size), checkpointNotes.get(size), `checkpoint at ${size}`);
      assert.equal(checkpoints.get(size)?.size, size);
    }
  });

  it('produces exactly the reference tiles and entry bundles, byte for byte', () => {
    assert.equal(files.size, 554);
    assert.deepEqual([...store.files.keys()].sort(), [...files.keys()].sort());
    for (const [path, data] of files) assert.ok(Buffer.from(data).equals(store.files.get(path) as Uint8Array), `${path} differs`);
  });

  it('gives the same files whatever the batch sizes', async () => {
    const rng = prng(7);
    const other = new MemoryTileStore();
    for (const size of REFERENCE_SIZES) {
      while (other.treeSize < size) {
        const n = Math.min(size - other.treeSize, 1 + rng.int(rng.next() < 0.5 ? 40 : 3000));
        const batch = Array.from({ length: n }, (_, k) => referenceEntry(other.treeSize + k));
        const update = await other.append(batch);
        assert.deepEqual(update.rootHash, tree.treeHash(other.treeSize));
      }
      assert.deepEqual(other.rootHash, checkpoints.get(size)?.rootHash);
    }
    // Intermediate sizes leave extra partial tiles; every reference file must be among the output.
    for (const [path, data] of files) assert.ok(Buffer.from(data).equals(other.files.get(path) as Uint8Array), `${path} differs`);
  });

  it('names every reference file with a path that parses back to itself', () => {
    for (const path of files.keys()) {
      const parsed = parseTilePath(path);
      assert.equal(parsed.kind === 'tile' ? tilePath(parsed.tile) : entryBundlePath(parsed.bundle), path);
    }
  });

  it('lists the tiles of each size exactly as the reference has them', () => {
    for (const size of REFERENCE_SIZES) {
      for (const t of tilesForTreeSize(size)) assert.ok(files.has(tilePath(t)), `${tilePath(t)} for size ${size}`);
      for (const b of entryBundlesForTreeSize(size)) assert.ok(files.has(entryBundlePath(b)), `${entryBundlePath(b)} for size ${size}`);
    }
    assert.deepEqual(partialTiles(70000).map(tilePath), ['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1']);
  });

  it('verifies every reference tile and bundle against the checkpoint of its size', async () => {
    // Every file belongs to size 70000, except the partial tiles and bundles of the two smaller checkpoints.
    for (const size of REFERENCE_SIZES) {
      const cp = checkpoints.get(size) as Checkpoint;
      const verifier = new TileVerifier(size, cp.rootHash, fileReader(files));
      const tiles = size === TOTAL ? [...tilesForTreeSize(size)] : partialTiles(size);
      const verified = await verifier.readTiles(tiles);
      tiles.forEach((t, i) => assert.ok(Buffer.from(verified[i] as Uint8Array).equals(files.get(tilePath(t)) as Uint8Array)));
      const bundles = [...entryBundlesForTreeSize(size)].filter((b) => size === TOTAL || b.width < 256);
      for (const b of bundles) {
        const entries = await verifier.verifyEntryBundle(b, files.get(entryBundlePath(b)) as Uint8Array);
        entries.forEach((e, i) => assert.ok(Buffer.from(referenceEntry(b.index * 256 + i)).equals(e)));
      }
      assert.deepEqual(await readTreeHash(tileHashReader(size, verifier), size), cp.rootHash);
    }
  });

  it('refuses every tile and bundle with a flipped byte', async () => {
    const rng = prng(11);
    for (const [path, data] of files) {
      const at = rng.int(data.length);
      const parsed = parseTilePath(path);
      if (parsed.kind === 'tile') {
        const t = parsed.tile;
        // Verify against a size that has this exact tile: the partial tiles belong to the smaller checkpoints.
        const size = t.width === 256 ? TOTAL : (REFERENCE_SIZES.find((s) => partialTiles(s).some((p) => tilePath(p) === path)) as number);
        const cp = checkpoints.get(size) as Checkpoint;
        const verifier = new TileVerifier(size, cp.rootHash, fileReader(files, { path, data: flip(data, at) }));
        await rejectsLedgerError(verifier.readTiles([t]), ['TILE_INVALID']);
      } else {
        const b = parsed.bundle;
        const size = b.width === 256 ? TOTAL : (REFERENCE_SIZES.find((s) => s % 256 === b.width) as number);
        const cp = checkpoints.get(size) as Checkpoint;
        const verifier = new TileVerifier(size, cp.rootHash, fileReader(files));
        await rejectsLedgerError(verifier.verifyEntryBundle(b, flip(data, at)), ['ENTRY_BUNDLE_INVALID']);
        // A flipped length prefix breaks the framing itself.
        assert.throws(() => decodeEntryBundle(flip(data, 0, 0x80), b.width));
      }
    }
  });

  it('refuses every checkpoint with any flipped byte', () => {
    const verifier = parseVerifierKey(REFERENCE_VKEY);
    for (const size of REFERENCE_SIZES) {
      const note = Buffer.from(checkpointNotes.get(size) as string, 'utf8');
      for (let at = 0; at < note.length; at++) {
        for (const mask of [0x01, 0x80]) {
          assertLedgerError(() => openCheckpoint(flip(note, at, mask), REFERENCE_ORIGIN, [verifier]));
        }
      }
    }
  });

  it('proves and verifies inclusion of sampled entries at each size', async () => {
    const rng = prng(3);
    for (const size of REFERENCE_SIZES) {
      const cp = checkpoints.get(size) as Checkpoint;
      const reader = tileHashReader(size, new TileVerifier(size, cp.rootHash, fileReader(files)));
      const sample = [0, 1, 255, 256, 999, size - 1, size - 2, ...Array.from({ length: 150 }, () => rng.int(size))].filter((i) => i < size);
      for (const index of sample) {
        const leaf = hashLeaf(referenceEntry(index));
        const proof = await proveInclusion(reader, index, size);
        assert.deepEqual(proof, tree.inclusionProof(index, size));
        verifyInclusion(leaf, index, size, proof, cp.rootHash);
        // Any flipped bit, a wrong index or a wrong size is refused.
        const bad = [...proof];
        const k = rng.int(bad.length);
        bad[k] = flip(bad[k] as Uint8Array, rng.int(32), 1 << rng.int(8));
        assertLedgerError(() => verifyInclusion(leaf, index, size, bad, cp.rootHash), ['LOG_PROOF_INVALID']);
        assertLedgerError(() => verifyInclusion(leaf, index ^ 1, size, proof, cp.rootHash), ['LOG_PROOF_INVALID']);
        assertLedgerError(() => verifyInclusion(leaf, index, size * 2, proof, cp.rootHash), ['LOG_PROOF_INVALID']);
      }
    }
  });

  it('proves and verifies consistency between the three sizes and sampled ones', async () => {
    const rng = prng(5);
    const reader = tileHashReader(TOTAL, new TileVerifier(TOTAL, (checkpoints.get(TOTAL) as Checkpoint).rootHash, fileReader(files)));
    const pairs: [number, number][] = [
      [1000, 65536],
      [1000, 70000],
      [65536, 70000],
    ];
    for (let i = 0; i < 150; i++) {
      const a = 1 + rng.int(TOTAL);
      pairs.push([a, REFERENCE_SIZES[rng.int(3)] as number].sort((x, y) => x - y) as [number, number]);
    }
    for (const [size1, size2] of pairs) {
      const root1 = checkpoints.get(size1)?.rootHash ?? tree.treeHash(size1);
      const root2 = checkpoints.get(size2)?.rootHash ?? tree.treeHash(size2);
      const proof = await proveConsistency(reader, size1, size2);
      assert.deepEqual(proof, tree.consistencyProof(size1, size2));
      verifyConsistency(size1, size2, root1, root2, proof);
      if (proof.length > 0) {
        const bad = [...proof];
        const k = rng.int(bad.length);
        bad[k] = flip(bad[k] as Uint8Array, rng.int(32), 0x10);
        assertLedgerError(() => verifyConsistency(size1, size2, root1, root2, bad), ['LOG_PROOF_INVALID']);
        assertLedgerError(() => verifyConsistency(size1, size2, root2, root1, proof), ['LOG_PROOF_INVALID']);
      }
    }
  });
});
