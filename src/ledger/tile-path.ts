import { LedgerError } from './errors.js';
import { isSafeSize } from './text-codec.js';

/** Levels of the Merkle tree one tile spans (c2sp.org/tlog-tiles: tiles are subtrees of height 8). */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile, 2^TILE_HEIGHT; also entries in a full entry bundle. */
export const TILE_WIDTH = 256;
/** Highest tile level a path may name (c2sp.org/tlog-tiles §Merkle Tree: `<L>` is 0 to 63). */
export const MAX_TILE_LEVEL = 63;

/**
 * A tile of Merkle tree hashes: the `index`-th tile at tile `level`, holding
 * `width` hashes (256 for a full tile, 1 to 255 for a partial one).
 */
export interface TileId {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** An entry bundle: the entries of the level-0 tile with the same index and width. */
export interface EntryBundleId {
  readonly index: number;
  readonly width: number;
}

/** What a tile-tree path names. */
export type ParsedTilePath = { readonly kind: 'tile'; readonly tile: TileId } | { readonly kind: 'entries'; readonly bundle: EntryBundleId };

// Six 3-digit groups already exceed 2^53; longer paths are refused before any work.
const MAX_PATH_LENGTH = 64;
const LEVEL = /^(?:0|[1-9][0-9]?)$/;
const WIDTH = /^[1-9][0-9]{0,2}$/;
const INNER_GROUP = /^x[0-9]{3}$/;
const LAST_GROUP = /^[0-9]{3}$/;

function invalid(message: string): LedgerError<'TILE_PATH_INVALID'> {
  return new LedgerError('TILE_PATH_INVALID', message);
}

function checkIndexAndWidth(index: number, width: number): void {
  if (!isSafeSize(index)) throw invalid(`tile index ${String(index)} is not an integer in [0, 2^53)`);
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw invalid(`tile width ${String(width)} is not in [1, 256]`);
}

/** Encodes a tile index as zero-padded 3-digit path elements, all but the last prefixed `x` (1234067 → `x001/x234/067`). */
export function encodeTileIndex(index: number): string {
  if (!isSafeSize(index)) throw invalid(`tile index ${String(index)} is not an integer in [0, 2^53)`);
  let digits = String(index);
  digits = '0'.repeat((3 - (digits.length % 3)) % 3) + digits;
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function suffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** The path `tile/<L>/<N>[.p/<W>]` of a Merkle tree tile, relative to the log prefix. */
export function tilePath(tile: TileId): string {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL) {
    throw invalid(`tile level ${String(tile.level)} is not in [0, 63]`);
  }
  checkIndexAndWidth(tile.index, tile.width);
  return `tile/${tile.level}/${encodeTileIndex(tile.index)}${suffix(tile.width)}`;
}

/** The path `tile/entries/<N>[.p/<W>]` of an entry bundle, relative to the log prefix. */
export function entryBundlePath(bundle: EntryBundleId): string {
  checkIndexAndWidth(bundle.index, bundle.width);
  return `tile/entries/${encodeTileIndex(bundle.index)}${suffix(bundle.width)}`;
}

/**
 * Parses a tile or entry-bundle path (relative to the log prefix, no leading
 * slash). Paths come straight from HTTP requests, so only the one canonical
 * spelling of each resource is accepted: no leading zeros, no `x000/` groups,
 * no `.p/256`; anything else is `TILE_PATH_INVALID`.
 */
export function parseTilePath(path: string): ParsedTilePath {
  if (typeof path !== 'string' || path.length > MAX_PATH_LENGTH) throw invalid('tile path is too long');
  const parts = path.split('/');
  if (parts.length < 3 || parts[0] !== 'tile') throw invalid(`not a tile path: ${JSON.stringify(path)}`);
  const levelText = parts[1] as string;
  let level = -1;
  if (levelText !== 'entries') {
    if (!LEVEL.test(levelText) || Number(levelText) > MAX_TILE_LEVEL) throw invalid(`bad tile level in ${JSON.stringify(path)}`);
    level = Number(levelText);
  }
  const groups = parts.slice(2);
  let width = TILE_WIDTH;
  const beforeLast = groups[groups.length - 2];
  if (beforeLast !== undefined && beforeLast.endsWith('.p')) {
    const widthText = groups.pop() as string;
    if (!WIDTH.test(widthText) || Number(widthText) >= TILE_WIDTH) throw invalid(`bad partial tile width in ${JSON.stringify(path)}`);
    width = Number(widthText);
    groups[groups.length - 1] = beforeLast.slice(0, -2);
  }
  const last = groups.length - 1;
  let digits = '';
  for (const [i, g] of groups.entries()) {
    if (!(i < last ? INNER_GROUP : LAST_GROUP).test(g)) throw invalid(`bad tile index element ${JSON.stringify(g)}`);
    digits += i < last ? g.slice(1) : g;
  }
  // The canonical encoding has no all-zero leading group.
  if (groups.length > 1 && groups[0] === 'x000') throw invalid(`non-canonical tile index in ${JSON.stringify(path)}`);
  const index = Number(digits);
  if (!isSafeSize(index)) throw invalid(`tile index in ${JSON.stringify(path)} is beyond 2^53`);
  return level < 0 ? { kind: 'entries', bundle: { index, width } } : { kind: 'tile', tile: { level, index, width } };
}
