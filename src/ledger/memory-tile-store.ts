import { LedgerError } from './errors.js';
import { emptyTreeHash } from './merkle.js';
import { entryBundlePath, tilePath, TILE_WIDTH } from './tile-path.js';
import type { EntryBundleId, TileId } from './tile-path.js';
import { appendEntries } from './tile-writer.js';
import type { TileSource, TileUpdate } from './tile-writer.js';

/**
 * A tiled log held in a map from tlog-tiles path to bytes: for tests, tools
 * and the offline verifier. Real deployments implement `TileSource` in `store/`.
 */
export class MemoryTileStore implements TileSource {
  /** Every tile and bundle ever written, by path; old partial tiles stay, as tlog-tiles allows. */
  readonly files = new Map<string, Uint8Array>();
  #treeSize = 0;
  #rootHash = emptyTreeHash();

  get treeSize(): number {
    return this.#treeSize;
  }

  get rootHash(): Uint8Array {
    return this.#rootHash;
  }

  /** Appends a batch of entries and stores the resulting tiles and bundles. */
  async append(entries: readonly Uint8Array[]): Promise<TileUpdate> {
    const update = await appendEntries(this, this.#treeSize, entries);
    for (const t of update.tiles) this.files.set(t.path, t.data);
    for (const b of update.bundles) this.files.set(b.path, b.data);
    this.#treeSize = update.treeSize;
    this.#rootHash = update.rootHash;
    return update;
  }

  /** Reads tiles by id, falling back to the full tile when a partial one is gone (tlog-tiles §Partial Tiles). */
  readTiles(tiles: readonly TileId[]): Promise<readonly Uint8Array[]> {
    return this.#read(tiles.map((t) => [tilePath(t), tilePath({ ...t, width: TILE_WIDTH })]));
  }

  /** Reads entry bundles by id, with the same fallback. */
  readEntryBundles(bundles: readonly EntryBundleId[]): Promise<readonly Uint8Array[]> {
    return this.#read(bundles.map((b) => [entryBundlePath(b), entryBundlePath({ ...b, width: TILE_WIDTH })]));
  }

  #read(candidates: readonly (readonly string[])[]): Promise<readonly Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const paths of candidates) {
      const found = paths.map((p) => this.files.get(p)).find((d) => d !== undefined);
      if (found === undefined) return Promise.reject(new LedgerError('LOG_HASH_UNAVAILABLE', `no ${paths[0] as string} in the store`));
      out.push(found);
    }
    return Promise.resolve(out);
  }
}
