import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEntrySize, decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_SIZE } from '../../../src/ledger/entry-bundle.js';
import { emptyTreeHash, hashLeaf, MemoryMerkleTree, proveConsistency, proveInclusion, readTreeHash } from '../../../src/ledger/merkle.js';
import { MemoryTileStore } from '../../../src/ledger/memory-tile-store.js';
import { encodeTileIndex, entryBundlePath, parseTilePath, tilePath } from '../../../src/ledger/tile-path.js';
import type { EntryBundleId, TileId } from '../../../src/ledger/tile-path.js';
import { TileVerifier } from '../../../src/ledger/tile-verifier.js';
import { appendEntries } from '../../../src/ledger/tile-writer.js';
import type { TileSource } from '../../../src/ledger/tile-writer.js';
import {
  encodeTile,
  entryBundlesForTreeSize,
  entryBundleWidthAt,
  fullTileRoot,
  hashCountAtLevel,
  locateNode,
  partialEntryBundle,
  partialTiles,
  tileHashes,
  tileHashReader,
  tilesForTreeSize,
  tileWidthAt,
  treeHashFromPartialTiles,
} from '../../../src/ledger/tiles.js';
import type { TileReader } from '../../../src/ledger/tiles.js';
import { assertLedgerError, loadVector, prng, rejectsLedgerError } from './support.js';

interface TilesVector {
  source: string;
  index_encoding: { index: number; path_element: string }[];
  tree_shapes: { size: number; full: Record<string, number>; partial: { level: number; width: number }[] }[];
}

const V = loadVector<TilesVector>('tlog-tiles.json');

function entry(i: number): Uint8Array {
  return Uint8Array.of(i & 0xff, (i >> 8) & 0xff, i >> 16);
}

describe('tile paths (c2sp.org/tlog-tiles)', () => {
  it('encodes indexes as the spec example shows', () => {
    for (const v of V.index_encoding) assert.equal(encodeTileIndex(v.index), v.path_element);
    assert.equal(encodeTileIndex(0), '000');
    assert.equal(encodeTileIndex(999), '999');
    assert.equal(encodeTileIndex(1000), 'x001/000');
    assert.equal(encodeTileIndex(Number.MAX_SAFE_INTEGER), 'x009/x007/x199/x254/x740/991');
  });

  it('formats and parses tile and bundle paths', () => {
    const cases: [string, ReturnType<typeof parseTilePath>][] = [
      ['tile/0/000', { kind: 'tile', tile: { level: 0, index: 0, width: 256 } }],
      ['tile/0/273.p/112', { kind: 'tile', tile: { level: 0, index: 273, width: 112 } }],
      ['tile/2/000.p/1', { kind: 'tile', tile: { level: 2, index: 0, width: 1 } }],
      ['tile/63/x001/x234/067.p/255', { kind: 'tile', tile: { level: 63, index: 1234067, width: 255 } }],
      ['tile/entries/x001/000', { kind: 'entries', bundle: { index: 1000, width: 256 } }],
      ['tile/entries/003.p/232', { kind: 'entries', bundle: { index: 3, width: 232 } }],
      ['tile/10/x009/x007/x199/x254/x740/991', { kind: 'tile', tile: { level: 10, index: Number.MAX_SAFE_INTEGER, width: 256 } }],
    ];
    for (const [path, parsed] of cases) {
      assert.deepEqual(parseTilePath(path), parsed, path);
      assert.equal(parsed.kind === 'tile' ? tilePath(parsed.tile) : entryBundlePath(parsed.bundle), path);
    }
  });

  it('refuses every non-canonical or malformed path with TILE_PATH_INVALID', () => {
    const bad = [
      '',
      'tile',
      'tile/0',
      '/tile/0/000',
      'tiles/0/000',
      'tile/0/000/',
      'tile/00/000',
      'tile/64/000',
      'tile/-1/000',
      'tile/1e1/000',
      'tile/entry/000',
      'tile/0/0',
      'tile/0/0000',
      'tile/0/00a',
      'tile/0/x000/001',
      'tile/0/001/x002',
      'tile/0/x001',
      'tile/0/X001/000',
      'tile/0/x1000/000',
      'tile/0/000.p',
      'tile/0/000.p/',
      'tile/0/000.p/0',
      'tile/0/000.p/007',
      'tile/0/000.p/256',
      'tile/0/000.p/1000',
      'tile/0/000.p/5.p/3',
      'tile/0/.p/5',
      'tile/0/000.q/5',
      'tile/entries/000.p/1a',
      'tile/0/x009/x007/x199/x254/x740/992',
      'tile/0/x999/x999/x999/x999/x999/x999/999',
      `tile/0/${'x001/'.repeat(20)}000`,
      'tile/0/000\n',
      'tile/0/ 000',
    ];
    for (const path of bad) assertLedgerError(() => parseTilePath(path), ['TILE_PATH_INVALID']);
    assertLedgerError(() => parseTilePath(42 as unknown as string), ['TILE_PATH_INVALID']);
  });

  it('refuses to format impossible tiles', () => {
    const bad: (() => unknown)[] = [
      () => tilePath({ level: 64, index: 0, width: 256 }),
      () => tilePath({ level: -1, index: 0, width: 256 }),
      () => tilePath({ level: 0.5, index: 0, width: 256 }),
      () => tilePath({ level: 0, index: -1, width: 256 }),
      () => tilePath({ level: 0, index: 0, width: 0 }),
      () => tilePath({ level: 0, index: 0, width: 257 }),
      () => tilePath({ level: 0, index: 0, width: 1.5 }),
      () => entryBundlePath({ index: 2 ** 53, width: 1 }),
      () => encodeTileIndex(-3),
    ];
    for (const fn of bad) assertLedgerError(fn, ['TILE_PATH_INVALID']);
  });
});

describe('tile geometry', () => {
  it('has the tiles of the spec examples', () => {
    for (const shape of V.tree_shapes) {
      const tiles = [...tilesForTreeSize(shape.size)];
      const full: Record<string, number> = {};
      for (const t of tiles.filter((x) => x.width === 256)) full[String(t.level)] = (full[String(t.level)] ?? 0) + 1;
      assert.deepEqual(full, shape.full);
      assert.deepEqual(
        partialTiles(shape.size).map((t) => ({ level: t.level, width: t.width })),
        shape.partial,
      );
    }
  });

  it('computes counts, widths and bundles for edge sizes', () => {
    assert.deepEqual([...tilesForTreeSize(0)], []);
    assert.deepEqual(partialTiles(0), []);
    assert.equal(partialEntryBundle(0), undefined);
    assert.equal(partialEntryBundle(512), undefined);
    assert.deepEqual(partialEntryBundle(513), { index: 2, width: 1 });
    assert.deepEqual([...entryBundlesForTreeSize(513)], [
      { index: 0, width: 256 },
      { index: 1, width: 256 },
      { index: 2, width: 1 },
    ]);
    assert.deepEqual([...entryBundlesForTreeSize(256)], [{ index: 0, width: 256 }]);
    assert.deepEqual([...entryBundlesForTreeSize(0)], []);
    assert.equal(hashCountAtLevel(70000, 1), 273);
    assert.equal(tileWidthAt(0, 273, 70000), 112);
    assert.equal(tileWidthAt(0, 274, 70000), 0);
    assert.equal(tileWidthAt(1, 0, 70000), 256);
    assert.equal(entryBundleWidthAt(3, 1000), 232);
    // 2^53 - 1 leaves still have exact tile arithmetic.
    const big = partialTiles(Number.MAX_SAFE_INTEGER);
    assert.deepEqual(
      big.map((t) => t.width),
      [255, 255, 255, 255, 255, 255, 31],
    );
    assertLedgerError(() => hashCountAtLevel(-1, 0), ['LOG_RANGE_INVALID']);
    assertLedgerError(() => partialTiles(1.5), ['LOG_RANGE_INVALID']);
  });

  it('locates complete subtrees in their tiles', () => {
    assert.deepEqual(locateNode({ level: 0, index: 300 }, 1000), { tile: { level: 0, index: 1, width: 256 }, start: 44, count: 1 });
    assert.deepEqual(locateNode({ level: 3, index: 100 }, 1000), { tile: { level: 0, index: 3, width: 232 }, start: 32, count: 8 });
    assert.deepEqual(locateNode({ level: 8, index: 272 }, 70000), { tile: { level: 1, index: 1, width: 17 }, start: 16, count: 1 });
    assert.deepEqual(locateNode({ level: 12, index: 16 }, 70000), { tile: { level: 1, index: 1, width: 17 }, start: 0, count: 16 });
    assert.deepEqual(locateNode({ level: 16, index: 0 }, 70000), { tile: { level: 2, index: 0, width: 1 }, start: 0, count: 1 });
    const bad: NodeArg[] = [
      [{ level: 1, index: 500 }, 1000],
      [{ level: 64, index: 0 }, 1000],
      [{ level: -1, index: 0 }, 1000],
      [{ level: 0, index: -1 }, 1000],
      [{ level: 0, index: 0 }, -1],
    ];
    for (const [node, size] of bad) assertLedgerError(() => locateNode(node, size), ['LOG_RANGE_INVALID']);
  });

  it('splits and joins tile bytes defensively', () => {
    const hashes = Array.from({ length: 256 }, (_, i) => hashLeaf(entry(i)));
    const full = encodeTile(hashes);
    assert.equal(full.length, 8192);
    assert.deepEqual(tileHashes(full, 256), hashes);
    assert.deepEqual(tileHashes(full, 3), hashes.slice(0, 3));
    assert.deepEqual(fullTileRoot(full), rootOf(hashes));
    assertLedgerError(() => tileHashes(full.subarray(1), 3), ['TILE_INVALID']);
    assertLedgerError(() => tileHashes(full.subarray(0, 64), 3), ['TILE_INVALID']);
    assertLedgerError(() => tileHashes(new Uint8Array(8224), 3), ['TILE_INVALID']);
    assertLedgerError(() => tileHashes('x' as unknown as Uint8Array, 1), ['TILE_INVALID']);
    assertLedgerError(() => encodeTile([]), ['TILE_INVALID']);
    assertLedgerError(() => encodeTile([...hashes, hashes[0] as Uint8Array]), ['TILE_INVALID']);
    assertLedgerError(() => encodeTile([new Uint8Array(31)]), ['TILE_INVALID']);
    assertLedgerError(() => fullTileRoot(full.subarray(32)), ['TILE_INVALID']);
    assertLedgerError(() => treeHashFromPartialTiles(1000, new Map()), ['LOG_HASH_UNAVAILABLE']);
  });
});

type NodeArg = [{ level: number; index: number }, number];

function rootOf(hashes: Uint8Array[]): Uint8Array {
  const t = new MemoryMerkleTree();
  for (const h of hashes) t.append(h);
  return t.treeHash();
}

describe('entry bundles', () => {
  it('round-trips entries with big-endian 16-bit length prefixes', () => {
    const entries = [new Uint8Array(0), Uint8Array.of(7), new Uint8Array(MAX_ENTRY_SIZE).fill(9)];
    const bundle = encodeEntryBundle(entries);
    assert.deepEqual([...bundle.subarray(0, 5)], [0, 0, 0, 1, 7]);
    assert.deepEqual([...bundle.subarray(5, 7)], [0xff, 0xff]);
    assert.deepEqual(decodeEntryBundle(bundle, 3), entries);
    assert.deepEqual(decodeEntryBundle(bundle), entries);
  });

  it('refuses oversized entries and malformed bundles', () => {
    assertLedgerError(() => checkEntrySize(new Uint8Array(MAX_ENTRY_SIZE + 1)), ['ENTRY_TOO_LARGE']);
    assertLedgerError(() => checkEntrySize('x' as unknown as Uint8Array), ['ENTRY_TOO_LARGE']);
    assertLedgerError(() => encodeEntryBundle([new Uint8Array(MAX_ENTRY_SIZE + 1)]), ['ENTRY_TOO_LARGE']);
    assertLedgerError(() => encodeEntryBundle([]), ['ENTRY_BUNDLE_INVALID']);
    assertLedgerError(() => encodeEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(1))), ['ENTRY_BUNDLE_INVALID']);
    const good = encodeEntryBundle([Uint8Array.of(1, 2), Uint8Array.of(3)]);
    const bad: [Uint8Array, number | undefined][] = [
      [new Uint8Array(0), undefined],
      [Uint8Array.of(0), undefined],
      [good.subarray(0, good.length - 1), undefined],
      [Uint8Array.of(...good, 0), undefined],
      [good, 3],
      [good, 1],
      [new Uint8Array(2 * 257), undefined],
    ];
    for (const [data, width] of bad) assertLedgerError(() => decodeEntryBundle(data, width), ['ENTRY_BUNDLE_INVALID']);
    assertLedgerError(() => decodeEntryBundle('x' as unknown as Uint8Array), ['ENTRY_BUNDLE_INVALID']);
  });
});

interface BigLog {
  store: MemoryTileStore;
  tree: MemoryMerkleTree;
  sizes: number[];
}

let bigLogPromise: Promise<BigLog> | undefined;

/** A log past tile level 2 (more than 65,536 entries) built in random batches; built once, shared read-only. */
function bigLog(): Promise<BigLog> {
  bigLogPromise ??= (async () => {
    const rng = prng(21);
    const store = new MemoryTileStore();
    const tree = new MemoryMerkleTree();
    const sizes: number[] = [0];
    assert.deepEqual(store.rootHash, emptyTreeHash());
    while (store.treeSize < 66000) {
      const n = rng.next() < 0.2 ? 256 * (1 + rng.int(40)) : 1 + rng.int(600);
      const batch = Array.from({ length: n }, (_, k) => entry(store.treeSize + k));
      for (const e of batch) tree.append(hashLeaf(e));
      const update = await store.append(batch);
      assert.equal(update.treeSize, tree.size);
      assert.deepEqual(update.rootHash, tree.treeHash());
      // Only tiles that are new or grew are written: none of them existed at the old size.
      for (const t of update.tiles) assert.ok(tileWidthAt(t.tile.level, t.tile.index, update.oldSize) < t.tile.width);
      sizes.push(store.treeSize);
    }
    return { store, tree, sizes };
  })();
  return bigLogPromise;
}

describe('incremental tile writing', () => {
  it('matches an in-memory tree for random batch sizes, past tile level 2', async () => {
    const rng = prng(22);
    const { store, tree, sizes: checkpoints } = await bigLog();
    // Every tile of the final size, and every partial tile of every intermediate size, is stored.
    for (const t of tilesForTreeSize(store.treeSize)) assert.ok(store.files.has(tilePath(t)), tilePath(t));
    for (const size of checkpoints) for (const t of partialTiles(size)) assert.ok(store.files.has(tilePath(t)), `${tilePath(t)} at ${size}`);
    // Proofs at intermediate sizes come out of the stored tiles.
    for (let i = 0; i < 60; i++) {
      const size = rng.pick(checkpoints.slice(1));
      const reader = tileHashReader(size, store);
      assert.deepEqual(await readTreeHash(reader, size), tree.treeHash(size));
      const index = rng.int(size);
      assert.deepEqual(await proveInclusion(reader, index, size), tree.inclusionProof(index, size));
      const older = rng.int(size + 1);
      assert.deepEqual(await proveConsistency(reader, older, size), tree.consistencyProof(older, size));
    }
    // An empty batch changes nothing.
    const same = await appendEntries(store, store.treeSize, []);
    assert.deepEqual(same.rootHash, tree.treeHash());
    assert.equal(same.tiles.length + same.bundles.length, 0);
  });

  it('takes a batch whole or not at all, and checks its inputs', async () => {
    const store = new MemoryTileStore();
    await store.append([entry(1)]);
    await rejectsLedgerError(store.append([entry(2), new Uint8Array(MAX_ENTRY_SIZE + 1)]), ['ENTRY_TOO_LARGE']);
    assert.equal(store.treeSize, 1);
    await rejectsLedgerError(appendEntries(store, -1, []), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(appendEntries(store, 1, 'x' as unknown as Uint8Array[]), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(appendEntries(store, Number.MAX_SAFE_INTEGER, [entry(1)]), ['LOG_RANGE_INVALID']);
  });

  it('reports a source that cannot supply the old right edge', async () => {
    const store = new MemoryTileStore();
    await store.append(Array.from({ length: 300 }, (_, i) => entry(i)));
    const noTiles: TileSource = { readTiles: () => Promise.resolve([]), readEntryBundles: (b) => store.readEntryBundles(b) };
    const noBundles: TileSource = { readTiles: (t) => store.readTiles(t), readEntryBundles: () => Promise.resolve([]) };
    const shortBundle: TileSource = {
      readTiles: (t) => store.readTiles(t),
      readEntryBundles: () => Promise.resolve([encodeEntryBundle([entry(0)])]),
    };
    await rejectsLedgerError(appendEntries(noTiles, 300, [entry(300)]), ['LOG_HASH_UNAVAILABLE']);
    await rejectsLedgerError(appendEntries(noBundles, 300, [entry(300)]), ['LOG_HASH_UNAVAILABLE']);
    await rejectsLedgerError(appendEntries(shortBundle, 300, [entry(300)]), ['ENTRY_BUNDLE_INVALID']);
    // A wider (later or full) tile and bundle may stand in for the partial ones.
    const later = new MemoryTileStore();
    await later.append(Array.from({ length: 400 }, (_, i) => entry(i)));
    const wider: TileSource = {
      readTiles: (tiles) => later.readTiles(tiles.map((t) => ({ ...t, width: t.level === 0 ? 144 : t.width }))),
      readEntryBundles: (bundles) => later.readEntryBundles(bundles.map((b) => ({ ...b, width: 144 }))),
    };
    const ref = await appendEntries(store, 300, [entry(300)]);
    const viaWider = await appendEntries(wider, 300, [entry(300)]);
    assert.deepEqual(viaWider, ref);
    // After the partial tiles are gone, the in-memory store falls back to the full ones.
    store.files.delete('tile/0/001.p/44');
    assert.deepEqual(await store.readTiles([{ level: 0, index: 0, width: 10 }]), [store.files.get('tile/0/000')]);
    await rejectsLedgerError(store.readTiles([{ level: 0, index: 1, width: 44 }]), ['LOG_HASH_UNAVAILABLE']);
  });
});

describe('tile-backed hash reading and verification', () => {
  async function smallLog(n: number): Promise<{ store: MemoryTileStore; tree: MemoryMerkleTree }> {
    const store = new MemoryTileStore();
    const tree = new MemoryMerkleTree();
    const batch = Array.from({ length: n }, (_, i) => entry(i));
    for (const e of batch) tree.append(hashLeaf(e));
    await store.append(batch);
    return { store, tree };
  }

  it('answers many nodes of the same tiles in one call as it answers each alone', async () => {
    // Appended in batches ending at the sizes proved below, so each size's partial tiles are stored.
    const store = new MemoryTileStore();
    const tree = new MemoryMerkleTree();
    const sizes = [257, 1000, 65_536 + 300, 70_000];
    for (const size of sizes) {
      const batch = Array.from({ length: size - store.treeSize }, (_, i) => entry(store.treeSize + i));
      for (const e of batch) tree.append(hashLeaf(e));
      await store.append(batch);
    }
    const rng = prng(7);
    for (const size of sizes) {
      const reader = tileHashReader(size, store);
      // Every complete node of levels 0–9 over a window of leaves, plus random ones, in a scrambled order.
      const nodes: { level: number; index: number }[] = [];
      for (let level = 0; level < 10; level++) {
        const width = 2 ** level;
        for (let index = Math.floor((size - 900) / width); (index + 1) * width <= size; index++) if (index >= 0) nodes.push({ level, index });
      }
      for (let i = 0; i < 200; i++) {
        const level = rng.int(Math.floor(Math.log2(size)) + 1);
        const count = Math.floor(size / 2 ** level);
        if (count > 0) nodes.push({ level, index: rng.int(count) });
      }
      for (let i = nodes.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
      }
      const together = await reader.readHashes(nodes);
      const alone = await Promise.all(nodes.map(async (n) => (await reader.readHashes([n]))[0]!));
      assert.deepEqual(together, alone);
      for (const [i, n] of nodes.entries()) assert.deepEqual(together[i], tree.node(n.level, n.index), `${n.level}/${n.index}`);
    }
  });

  it('reports readers that answer wrongly', async () => {
    const { store } = await smallLog(600);
    const short: TileReader = { readTiles: () => Promise.resolve([]) };
    const truncated: TileReader = { readTiles: (t) => Promise.resolve(t.map(() => new Uint8Array(40))) };
    await rejectsLedgerError(proveInclusion(tileHashReader(600, short), 5, 600), ['LOG_HASH_UNAVAILABLE']);
    await rejectsLedgerError(proveInclusion(tileHashReader(600, truncated), 5, 600), ['TILE_INVALID']);
    assert.deepEqual(await tileHashReader(600, store).readHashes([]), []);
    assertLedgerError(() => tileHashReader(-5, store), ['LOG_RANGE_INVALID']);
  });

  it('verifies tiles and bundles against the tree head and refuses lies', async () => {
    const { store, tree } = await bigLog();
    const size = store.treeSize;
    const root = tree.treeHash();
    let fetches = 0;
    const counting: TileReader = {
      readTiles: (t) => {
        fetches += t.length;
        return store.readTiles(t);
      },
    };
    const verifier = new TileVerifier(size, root, counting);
    const all = [...tilesForTreeSize(size)];
    assert.equal((await verifier.readTiles(all)).length, all.length);
    const before = fetches;
    await verifier.readTiles([{ level: 0, index: 5, width: 256 }]);
    assert.equal(fetches, before, 'verified tiles are cached');
    const bundle = partialEntryBundle(size) as EntryBundleId;
    const entries = await verifier.verifyEntryBundle(bundle, store.files.get(entryBundlePath(bundle)) as Uint8Array);
    assert.deepEqual(entries[0], entry(bundle.index * 256));

    // Wrong root, wrong shapes, wrong answers.
    await rejectsLedgerError(new TileVerifier(size, tree.treeHash(size - 1), store).readTiles([{ level: 0, index: 0, width: 256 }]), ['TILE_INVALID']);
    await rejectsLedgerError(verifier.readTiles([{ ...bundle, level: 0, width: bundle.width - 1 }]), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(verifier.readTiles([{ level: 0, index: bundle.index + 1, width: 1 }]), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(verifier.readTiles([{ level: 0, index: 0, width: 0 }]), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(verifier.readTiles([{ level: 64, index: 0, width: 1 }]), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(verifier.readTiles([{ level: 0, index: -1, width: 256 }]), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(verifier.verifyEntryBundle({ index: bundle.index, width: bundle.width - 1 }, new Uint8Array(0)), ['LOG_RANGE_INVALID']);
    await rejectsLedgerError(verifier.verifyEntryBundle({ index: -1, width: 100 }, new Uint8Array(0)), ['LOG_RANGE_INVALID']);
    const swapped = encodeEntryBundle([entry(1), entry(0), ...Array.from({ length: 254 }, (_, i) => entry(i + 2))]);
    await rejectsLedgerError(verifier.verifyEntryBundle({ index: 0, width: 256 }, swapped), ['ENTRY_BUNDLE_INVALID']);

    const liar = (mutate: (t: TileId, d: Uint8Array) => Uint8Array): TileReader => ({
      readTiles: async (tiles) => (await store.readTiles(tiles)).map((d, i) => mutate(tiles[i] as TileId, d)),
    });
    const fresh = (r: TileReader): TileVerifier => new TileVerifier(size, root, r);
    await rejectsLedgerError(fresh({ readTiles: () => Promise.resolve([]) }).readTiles([{ level: 0, index: 0, width: 256 }]), ['LOG_HASH_UNAVAILABLE']);
    await rejectsLedgerError(fresh(liar((_, d) => d.subarray(1))).readTiles([{ level: 0, index: 0, width: 256 }]), ['TILE_INVALID']);
    // A lie in a full tile deep in the tree is caught by its parent.
    const flipLevel0 = liar((t, d) => (t.level === 0 && t.index === 7 ? Uint8Array.from(d, (b, i) => (i === 100 ? b ^ 1 : b)) : d));
    await rejectsLedgerError(fresh(flipLevel0).readTiles([{ level: 0, index: 7, width: 256 }]), ['TILE_INVALID']);
    // The empty tree has no tiles at all.
    await rejectsLedgerError(new TileVerifier(0, emptyTreeHash(), store).readTiles([{ level: 0, index: 0, width: 1 }]), ['LOG_RANGE_INVALID']);
    assert.throws(() => new TileVerifier(-1, root, store), { code: 'LOG_RANGE_INVALID' });
    assert.throws(() => new TileVerifier(5, root.subarray(1), store), { code: 'LOG_RANGE_INVALID' });
  });
});
