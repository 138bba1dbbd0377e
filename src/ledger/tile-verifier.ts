import { decodeEntryBundle } from './entry-bundle.js';
import { LedgerError } from './errors.js';
import { hashLeaf, HASH_SIZE } from './merkle.js';
import { TILE_WIDTH } from './tile-path.js';
import type { EntryBundleId, TileId } from './tile-path.js';
import { encodeTile, entryBundleWidthAt, fullTileRoot, partialTiles, tileHashes, tileWidthAt, treeHashFromPartialTiles } from './tiles.js';
import type { TileReader } from './tiles.js';
import { bytesEqual, isSafeSize } from './text-codec.js';

/**
 * Checks tiles from an untrusted source against a signed tree head before any
 * hash in them is used (a mirror, CDN or the log itself may lie).
 *
 * The binding is inductive: the partial tiles of the tree determine its root
 * (see `treeHashFromPartialTiles`), and each full tile hashes to one entry of
 * its parent tile; following parents always ends at a partial tile, because
 * the top level of any tree has fewer than 256 hashes.
 */
export class TileVerifier implements TileReader {
  readonly #size: number;
  readonly #root: Uint8Array;
  readonly #source: TileReader;
  /** Verified tiles by `level/index`, trimmed to their width at this tree size. */
  readonly #verified = new Map<string, Uint8Array>();

  constructor(treeSize: number, rootHash: Uint8Array, source: TileReader) {
    if (!isSafeSize(treeSize)) throw new LedgerError('LOG_RANGE_INVALID', `invalid tree size ${String(treeSize)}`);
    if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) throw new LedgerError('LOG_RANGE_INVALID', 'root hash must be 32 bytes');
    this.#size = treeSize;
    this.#root = rootHash;
    this.#source = source;
  }

  /** Returns the tiles, each checked against the tree head; `TILE_INVALID` if any disagrees. */
  async readTiles(tiles: readonly TileId[]): Promise<Uint8Array[]> {
    for (const t of tiles) {
      if (!isSafeSize(t.index) || !Number.isInteger(t.level) || t.level < 0 || t.level > 63 || t.width < 1 || tileWidthAt(t.level, t.index, this.#size) !== t.width) {
        throw new LedgerError('LOG_RANGE_INVALID', `tile ${String(t.level)}/${String(t.index)} of width ${String(t.width)} is not in a tree of size ${this.#size}`);
      }
    }
    await this.#verify(tiles);
    return tiles.map((t) => this.#verified.get(key(t)) as Uint8Array);
  }

  /** Decodes an entry bundle and checks every entry against the verified level-0 tile; `ENTRY_BUNDLE_INVALID` otherwise. */
  async verifyEntryBundle(bundle: EntryBundleId, data: Uint8Array): Promise<Uint8Array[]> {
    const width = isSafeSize(bundle.index) ? entryBundleWidthAt(bundle.index, this.#size) : 0;
    if (width === 0 || width !== bundle.width) {
      throw new LedgerError('LOG_RANGE_INVALID', `entry bundle ${String(bundle.index)} of width ${String(bundle.width)} is not in a tree of size ${this.#size}`);
    }
    const entries = decodeEntryBundle(data, width);
    const [tile] = await this.readTiles([{ level: 0, index: bundle.index, width }]);
    const leaves = tileHashes(tile as Uint8Array, width);
    entries.forEach((e, i) => {
      if (!bytesEqual(hashLeaf(e), leaves[i] as Uint8Array)) {
        throw new LedgerError('ENTRY_BUNDLE_INVALID', `entry ${bundle.index * TILE_WIDTH + i} does not match the tree`);
      }
    });
    return entries;
  }

  async #verify(requested: readonly TileId[]): Promise<void> {
    // Everything needed: the requested tiles, their parent chains, and (once) the partial tiles.
    const needed = new Map<string, TileId>();
    const add = (t: TileId): void => {
      if (!this.#verified.has(key(t))) needed.set(key(t), t);
    };
    const partials = partialTiles(this.#size);
    for (const t of partials) add(t);
    for (let t of requested) {
      while (t.width === TILE_WIDTH) {
        add(t);
        const index = Math.floor(t.index / TILE_WIDTH);
        t = { level: t.level + 1, index, width: tileWidthAt(t.level + 1, index, this.#size) };
      }
      add(t);
    }
    if (needed.size === 0) return;
    const ids = [...needed.values()];
    const data = await this.#source.readTiles(ids);
    if (data.length !== ids.length) throw new LedgerError('LOG_HASH_UNAVAILABLE', `asked for ${ids.length} tiles, got ${data.length}`);
    const fetched = new Map<string, Uint8Array>();
    ids.forEach((t, i) => {
      try {
        fetched.set(key(t), encodeTile(tileHashes(data[i] as Uint8Array, t.width)));
      } catch (cause) {
        throw new LedgerError('TILE_INVALID', `tile ${t.level}/${t.index} has the wrong size`, { cause });
      }
    });
    const get = (t: TileId): Uint8Array => (this.#verified.get(key(t)) ?? fetched.get(key(t))) as Uint8Array;
    if (partials.some((t) => needed.has(key(t)))) {
      const byLevel = new Map(partials.map((t) => [t.level, get(t)] as const));
      if (!bytesEqual(treeHashFromPartialTiles(this.#size, byLevel), this.#root)) {
        throw new LedgerError('TILE_INVALID', 'the partial tiles do not hash to the signed root');
      }
      for (const t of partials) this.#verified.set(key(t), get(t));
    }
    // Full tiles from the top down, so each parent is verified before its children.
    const full = ids.filter((t) => t.width === TILE_WIDTH).sort((a, b) => b.level - a.level);
    for (const t of full) {
      const parentIndex = Math.floor(t.index / TILE_WIDTH);
      const parentId = { level: t.level + 1, index: parentIndex, width: tileWidthAt(t.level + 1, parentIndex, this.#size) };
      const parent = this.#verified.get(key(parentId)) as Uint8Array;
      const expected = tileHashes(parent, parentId.width)[t.index % TILE_WIDTH] as Uint8Array;
      const data = fetched.get(key(t)) as Uint8Array;
      if (!bytesEqual(fullTileRoot(data), expected)) throw new LedgerError('TILE_INVALID', `tile ${t.level}/${t.index} does not match its parent tile`);
      this.#verified.set(key(t), data);
    }
  }
}

function key(t: TileId): string {
  return `${t.level}/${t.index}`;
}
