import { checkEntrySize, decodeEntryBundle, encodeEntryBundle } from './entry-bundle.js';
import { LedgerError } from './errors.js';
import { hashLeaf } from './merkle.js';
import { perfectSubtreeRoot } from './sha256.js';
import { entryBundlePath, TILE_WIDTH, tilePath } from './tile-path.js';
import type { EntryBundleId, TileId } from './tile-path.js';
import { encodeTile, hashCountAtLevel, partialEntryBundle, partialTiles, tileHashes, treeHashFromPartialTiles } from './tiles.js';
import type { TileReader } from './tiles.js';
import { isSafeSize } from './text-codec.js';

/**
 * Incremental tile building: appending a batch of entries to a tiled log
 * changes only the right edge, so only the previous partial tiles are read and
 * only new or grown tiles are written (c2sp.org/tlog-tiles).
 */

/** What the writer reads from storage: the previous partial tiles and entry bundle. */
export interface TileSource extends TileReader {
  /** Returns each bundle's bytes, in order. */
  readEntryBundles(bundles: readonly EntryBundleId[]): Promise<readonly Uint8Array[]>;
}

/** A tile to store, with its tlog-tiles path. */
export interface WrittenTile {
  readonly tile: TileId;
  readonly path: string;
  readonly data: Uint8Array;
}

/** An entry bundle to store, with its tlog-tiles path. */
export interface WrittenBundle {
  readonly bundle: EntryBundleId;
  readonly path: string;
  readonly data: Uint8Array;
}

/** The result of appending a batch: the new tree head and every tile and bundle that is new or grew. */
export interface TileUpdate {
  readonly oldSize: number;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  /** Full tiles completed by this batch and the partial tiles of the new size, lowest level first. */
  readonly tiles: readonly WrittenTile[];
  /** Full bundles completed by this batch and the partial bundle of the new size, in index order. */
  readonly bundles: readonly WrittenBundle[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Appends `entries` to a log of `oldSize` entries whose tiles `source` holds,
 * and returns what to store. Storing the result must be atomic with advancing
 * the tree size; full tiles and bundles are immutable, so rewriting them is harmless.
 */
export async function appendEntries(source: TileSource, oldSize: number, entries: readonly Uint8Array[]): Promise<TileUpdate> {
  if (!isSafeSize(oldSize)) throw new LedgerError('LOG_RANGE_INVALID', `invalid tree size ${String(oldSize)}`);
  if (!Array.isArray(entries)) throw new LedgerError('LOG_RANGE_INVALID', 'entries must be a list');
  // Check every entry before doing anything, so a batch is taken whole or not at all.
  for (const e of entries) checkEntrySize(e);
  const treeSize = oldSize + entries.length;
  if (!isSafeSize(treeSize)) throw new LedgerError('LOG_RANGE_INVALID', 'the log would grow beyond 2^53 - 1 entries');

  // The previous right edge: every partial tile (needed to extend it, and for
  // the root at levels this batch does not reach) and the partial bundle.
  const oldPartials = partialTiles(oldSize);
  const oldPartialData = oldPartials.length === 0 ? [] : await source.readTiles(oldPartials);
  if (oldPartialData.length !== oldPartials.length) {
    throw new LedgerError('LOG_HASH_UNAVAILABLE', 'the tile source did not return every partial tile');
  }
  const edge = new Map<number, Uint8Array>();
  oldPartials.forEach((t, i) => edge.set(t.level, encodeTile(tileHashes(oldPartialData[i] as Uint8Array, t.width))));

  const tiles: WrittenTile[] = [];
  let newHashes = entries.map((e) => hashLeaf(e));
  for (let level = 0; ; level++) {
    const oldCount = hashCountAtLevel(oldSize, level);
    const newCount = hashCountAtLevel(treeSize, level);
    // Nothing changes at this level, hence at none above.
    if (newCount === oldCount) break;
    const firstIndex = Math.floor(oldCount / TILE_WIDTH);
    const carried = edge.get(level);
    const hashes = carried === undefined ? newHashes : [...tileHashes(carried, oldCount % TILE_WIDTH), ...newHashes];
    const completed: Uint8Array[] = [];
    chunks(hashes, TILE_WIDTH).forEach((chunk, i) => {
      const tile: TileId = { level, index: firstIndex + i, width: chunk.length };
      const data = encodeTile(chunk);
      tiles.push({ tile, path: tilePath(tile), data });
      // A full tile contributes one hash to the level above; a partial one never does (tlog-tiles §Partial Tiles).
      if (chunk.length === TILE_WIDTH) completed.push(perfectSubtreeRoot(data, 0, TILE_WIDTH));
      else edge.set(level, data);
    });
    if (newCount % TILE_WIDTH === 0) edge.delete(level);
    newHashes = completed;
  }

  const bundles: WrittenBundle[] = [];
  if (entries.length > 0) {
    let pending: readonly Uint8Array[] = entries;
    const oldBundle = partialEntryBundle(oldSize);
    if (oldBundle !== undefined) {
      const [data] = await source.readEntryBundles([oldBundle]);
      if (data === undefined) throw new LedgerError('LOG_HASH_UNAVAILABLE', 'the tile source did not return the partial entry bundle');
      // A store may answer with a wider version of the bundle; its first entries are the same.
      const stored = decodeEntryBundle(data);
      if (stored.length < oldBundle.width) {
        throw new LedgerError('ENTRY_BUNDLE_INVALID', `stored bundle has ${stored.length} entries, expected ${oldBundle.width}`);
      }
      pending = [...stored.slice(0, oldBundle.width), ...entries];
    }
    const firstIndex = Math.floor(oldSize / TILE_WIDTH);
    chunks(pending, TILE_WIDTH).forEach((chunk, i) => {
      const bundle: EntryBundleId = { index: firstIndex + i, width: chunk.length };
      bundles.push({ bundle, path: entryBundlePath(bundle), data: encodeEntryBundle(chunk) });
    });
  }

  return { oldSize, treeSize, rootHash: treeHashFromPartialTiles(treeSize, edge), tiles, bundles };
}
