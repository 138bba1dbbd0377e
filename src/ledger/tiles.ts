import { LedgerError } from './errors.js';
import { foldSubtrees, HASH_SIZE } from './merkle.js';
import { nodeHash, perfectSubtreeRoot } from './sha256.js';
import type { HashReader, NodeId } from './merkle.js';
import { TILE_HEIGHT, TILE_WIDTH } from './tile-path.js';
import type { EntryBundleId, TileId } from './tile-path.js';
import { isSafeSize } from './text-codec.js';

/**
 * Tile geometry of c2sp.org/tlog-tiles: which tiles a tree of a given size has,
 * where each stored hash lives, and a `HashReader` backed by tiles.
 *
 * Tile level L holds the hashes of Merkle level 8·L; the other seven levels of
 * each tile are recomputed from them (tlog-tiles §Merkle Tree).
 */

/** Bytes of a full tile: 256 hashes. */
export const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;

/** Reads tiles from storage; the port a log store implements for tile-backed proofs. */
export interface TileReader {
  /**
   * Returns each tile's bytes, in order. A store may answer with a wider version
   * of a tile (a later partial or the full tile): tlog-tiles partial tiles are
   * prefixes of the wider ones, so only the first `width` hashes are used.
   */
  readTiles(tiles: readonly TileId[]): Promise<readonly Uint8Array[]>;
}

function rangeError(message: string): LedgerError<'LOG_RANGE_INVALID'> {
  return new LedgerError('LOG_RANGE_INVALID', message);
}

function checkSize(size: number): void {
  if (!isSafeSize(size)) throw rangeError(`invalid tree size ${String(size)}`);
}

/** 256^level; exact for every level that matters below 2^53. */
function tileSpan(level: number): number {
  return TILE_WIDTH ** level;
}

/** Number of hashes stored at tile `level` for a tree of `size` leaves: floor(size / 256^level). */
export function hashCountAtLevel(size: number, level: number): number {
  checkSize(size);
  return Math.floor(size / tileSpan(level));
}

/** Width of tile `index` at `level` in a tree of `size` leaves: 256 if full, 0 if it does not exist yet. */
export function tileWidthAt(level: number, index: number, size: number): number {
  const count = hashCountAtLevel(size, level) - index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, count));
}

/** Width of entry bundle `index` in a tree of `size` leaves (0 if it does not exist yet). */
export function entryBundleWidthAt(index: number, size: number): number {
  return tileWidthAt(0, index, size);
}

/**
 * The partial tiles of a tree of `size` leaves, lowest level first: the
 * right-edge tiles a log must serve for a checkpoint of that size (tlog-tiles
 * §Partial Tiles: width floor(s / 256^l) mod 256, and no empty tiles).
 */
export function partialTiles(size: number): TileId[] {
  checkSize(size);
  const out: TileId[] = [];
  for (let level = 0; hashCountAtLevel(size, level) > 0; level++) {
    const count = hashCountAtLevel(size, level);
    const width = count % TILE_WIDTH;
    if (width > 0) out.push({ level, index: Math.floor(count / TILE_WIDTH), width });
  }
  return out;
}

/** The partial entry bundle of a tree of `size` leaves, if it has one. */
export function partialEntryBundle(size: number): EntryBundleId | undefined {
  checkSize(size);
  const width = size % TILE_WIDTH;
  return width === 0 ? undefined : { index: Math.floor(size / TILE_WIDTH), width };
}

/**
 * Every tile of a tree of `size` leaves, level by level, full tiles then the
 * partial one. A generator, since a large log has millions of tiles.
 */
export function* tilesForTreeSize(size: number): Generator<TileId> {
  checkSize(size);
  for (let level = 0; hashCountAtLevel(size, level) > 0; level++) {
    const count = hashCountAtLevel(size, level);
    const full = Math.floor(count / TILE_WIDTH);
    for (let index = 0; index < full; index++) yield { level, index, width: TILE_WIDTH };
    if (count % TILE_WIDTH > 0) yield { level, index: full, width: count % TILE_WIDTH };
  }
}

/** Every entry bundle of a tree of `size` leaves, in order. */
export function* entryBundlesForTreeSize(size: number): Generator<EntryBundleId> {
  for (const tile of tilesForTreeSize(size)) {
    if (tile.level > 0) return;
    yield { index: tile.index, width: tile.width };
  }
}

/** Where a complete subtree's hash comes from: `count` consecutive hashes of `tile` starting at `start`. */
export interface NodeLocation {
  readonly tile: TileId;
  readonly start: number;
  readonly count: number;
}

/**
 * Locates the tile hashes that complete subtree `node` is computed from in a
 * tree of `size` leaves: the node at Merkle level l lives in tile level
 * floor(l / 8), as the root of 2^(l mod 8) consecutive hashes.
 */
export function locateNode(node: NodeId, size: number): NodeLocation {
  checkSize(size);
  const { level, index } = node;
  if (!Number.isInteger(level) || level < 0 || level > 63 || !isSafeSize(index)) {
    throw rangeError(`invalid node ${String(level)}/${String(index)}`);
  }
  if ((index + 1) * 2 ** level > size) throw rangeError(`node ${level}/${index} is not complete in a tree of size ${size}`);
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level - tileLevel * TILE_HEIGHT);
  const first = index * count;
  const tileIndex = Math.floor(first / TILE_WIDTH);
  const width = tileWidthAt(tileLevel, tileIndex, size);
  return { tile: { level: tileLevel, index: tileIndex, width }, start: first - tileIndex * TILE_WIDTH, count };
}

/**
 * Splits tile bytes into hashes, keeping the first `width`. Accepts exactly
 * `width` hashes or a wider version of the same tile (see `TileReader`).
 */
export function tileHashes(data: Uint8Array, width: number): Uint8Array[] {
  if (!(data instanceof Uint8Array) || data.length % HASH_SIZE !== 0 || data.length < width * HASH_SIZE || data.length > FULL_TILE_BYTES) {
    throw new LedgerError('TILE_INVALID', `tile of ${String(data?.length)} bytes cannot hold ${width} hashes`);
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < width; i++) out.push(data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return out;
}

/** Concatenates hashes into tile bytes. */
export function encodeTile(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length < 1 || hashes.length > TILE_WIDTH) throw new LedgerError('TILE_INVALID', `a tile holds 1 to 256 hashes, not ${hashes.length}`);
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new LedgerError('TILE_INVALID', `tile hash ${i} is not ${HASH_SIZE} bytes`);
    out.set(h, i * HASH_SIZE);
  });
  return out;
}

/** Hash of the subtree a full tile spans: the hash one tile level up (tlog-tiles §Merkle Tree). */
export function fullTileRoot(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array) || data.length !== FULL_TILE_BYTES) throw new LedgerError('TILE_INVALID', 'only a full tile has a root in the tree');
  return perfectSubtreeRoot(data, 0, TILE_WIDTH);
}

/** Checks, as `tileHashes` does, that `data` holds at least `width` hashes of a tile. */
function checkTileData(data: Uint8Array, width: number): void {
  if (!(data instanceof Uint8Array) || data.length % HASH_SIZE !== 0 || data.length < width * HASH_SIZE || data.length > FULL_TILE_BYTES) {
    throw new LedgerError('TILE_INVALID', `tile of ${String(data?.length)} bytes cannot hold ${width} hashes`);
  }
}

function tileKey(tile: TileId): string {
  return `${tile.level}/${tile.index}`;
}

/**
 * The inner nodes of one tile (Merkle levels 1–7 above its stored hashes),
 * each computed at most once, on demand: the nodes of many proofs in one tile
 * (a batch of consecutive entries) share most of their subtrees, which
 * `perfectSubtreeRoot` per node would hash again for each.
 */
class TileSubtrees {
  /** Level k (1–7): 256 >> k hashes, and which of them are computed. */
  private readonly levels: Uint8Array[] = [];
  private readonly done: Uint8Array[] = [];

  constructor(private readonly data: Uint8Array) {}

  /** Makes sure node `i` of in-tile level `k` is computed; returns the buffer holding it (at `i * 32`). */
  private ensure(k: number, i: number): Uint8Array {
    if (k === 0) return this.data;
    let level = this.levels[k];
    let done = this.done[k];
    if (level === undefined || done === undefined) {
      level = this.levels[k] = new Uint8Array((TILE_WIDTH >> k) * HASH_SIZE);
      done = this.done[k] = new Uint8Array(TILE_WIDTH >> k);
    }
    if (done[i] === 0) {
      // The two children are adjacent in the level below: one 64-byte run.
      const below = this.ensure(k - 1, 2 * i);
      this.ensure(k - 1, 2 * i + 1);
      nodeHash(below, 2 * i * HASH_SIZE, level, i * HASH_SIZE);
      done[i] = 1;
    }
    return level;
  }

  /** The root of `count` (a power of two, at most 128) hashes from `start` (a multiple of `count`), as a new array. */
  root(start: number, count: number): Uint8Array {
    const k = Math.log2(count);
    const i = start / count;
    const buf = this.ensure(k, i);
    return buf.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/**
 * A `HashReader` for a tree of `size` leaves that reads tiles: each requested
 * node is computed from its tile (one batched `readTiles` per call), the
 * subtrees several requested nodes share hashed once.
 */
export function tileHashReader(size: number, reader: TileReader): HashReader {
  checkSize(size);
  return {
    async readHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]> {
      const locations = nodes.map((n) => locateNode(n, size));
      const wanted = new Map<string, TileId>();
      for (const loc of locations) wanted.set(tileKey(loc.tile), loc.tile);
      const tiles = [...wanted.values()];
      const data = tiles.length === 0 ? [] : await reader.readTiles(tiles);
      if (data.length !== tiles.length) {
        throw new LedgerError('LOG_HASH_UNAVAILABLE', `asked for ${tiles.length} tiles, got ${data.length}`);
      }
      const dataByTile = new Map<string, Uint8Array>();
      tiles.forEach((t, i) => {
        checkTileData(data[i] as Uint8Array, t.width);
        dataByTile.set(tileKey(t), data[i] as Uint8Array);
      });
      // A power-of-two aligned run of hashes is a perfect subtree: its MTH is the node.
      // One proof asks a tile for at most one node per level (TILE_HEIGHT), disjoint subtrees that share
      // nothing: those are hashed directly, with no level buffers to allocate. Many proofs in one tile share.
      const asked = new Map<Uint8Array, number>();
      const datas = locations.map((loc) => {
        const data = dataByTile.get(tileKey(loc.tile)) as Uint8Array;
        if (loc.count > 1) asked.set(data, (asked.get(data) ?? 0) + 1);
        return data;
      });
      const subtrees = new Map<Uint8Array, TileSubtrees>();
      return locations.map((loc, n) => {
        const data = datas[n]!;
        if (loc.count === 1) return data.slice(loc.start * HASH_SIZE, (loc.start + 1) * HASH_SIZE);
        if (asked.get(data)! <= TILE_HEIGHT) return perfectSubtreeRoot(data, loc.start, loc.count);
        let tile = subtrees.get(data);
        if (tile === undefined) subtrees.set(data, (tile = new TileSubtrees(data)));
        return tile.root(loc.start, loc.count);
      });
    },
  };
}

/**
 * Root hash of a tree of `size` leaves from its partial (right-edge) tiles only:
 * the bits of `size` at Merkle levels 8L…8L+7 select exactly the hashes of the
 * partial tile at level L, so these tiles alone determine the root.
 */
export function treeHashFromPartialTiles(size: number, partials: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const subtrees: Uint8Array[] = [];
  // Highest tile level first: the fold goes from the largest subtree to the smallest.
  for (const tile of partialTiles(size).reverse()) {
    const data = partials.get(tile.level);
    if (data === undefined) throw new LedgerError('LOG_HASH_UNAVAILABLE', `missing partial tile at level ${tile.level}`);
    checkTileData(data, tile.width);
    let offset = 0;
    for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
      const count = 2 ** bit;
      if ((tile.width & count) === 0) continue;
      subtrees.push(perfectSubtreeRoot(data, offset, count));
      offset += count;
    }
  }
  return foldSubtrees(subtrees);
}
