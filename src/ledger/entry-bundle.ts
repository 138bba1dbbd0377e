import { LedgerError } from './errors.js';
import { TILE_WIDTH } from './tile-path.js';

/**
 * Entry bundles of c2sp.org/tlog-tiles §Log entries: up to 256 entries, each
 * prefixed with its length as a big-endian uint16.
 */

/** Largest entry a bundle can carry: the 16-bit length prefix caps it. */
export const MAX_ENTRY_SIZE = 0xffff;

/** Throws `ENTRY_TOO_LARGE` unless `entry` fits an entry bundle; call before sequencing an entry. */
export function checkEntrySize(entry: Uint8Array): void {
  if (!(entry instanceof Uint8Array)) throw new LedgerError('ENTRY_TOO_LARGE', 'a log entry must be bytes');
  if (entry.length > MAX_ENTRY_SIZE) {
    throw new LedgerError('ENTRY_TOO_LARGE', `a log entry is at most ${MAX_ENTRY_SIZE} bytes, this one has ${entry.length}`);
  }
}

/** Encodes 1 to 256 entries as a bundle. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) {
    throw new LedgerError('ENTRY_BUNDLE_INVALID', `a bundle holds 1 to ${TILE_WIDTH} entries, not ${entries.length}`);
  }
  let total = 0;
  for (const e of entries) {
    checkEntrySize(e);
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >>> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Decodes a bundle; bundles come from untrusted servers, so truncation, trailing
 * bytes, more than 256 entries or a count other than `width` (when given) are `ENTRY_BUNDLE_INVALID`.
 */
export function decodeEntryBundle(data: Uint8Array, width?: number): Uint8Array[] {
  if (!(data instanceof Uint8Array)) throw new LedgerError('ENTRY_BUNDLE_INVALID', 'an entry bundle must be bytes');
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    if (out.length === TILE_WIDTH) throw new LedgerError('ENTRY_BUNDLE_INVALID', `entry bundle has more than ${TILE_WIDTH} entries`);
    if (at + 2 > data.length) throw new LedgerError('ENTRY_BUNDLE_INVALID', 'entry bundle ends inside a length prefix');
    const length = ((data[at] as number) << 8) | (data[at + 1] as number);
    at += 2;
    if (at + length > data.length) throw new LedgerError('ENTRY_BUNDLE_INVALID', 'entry bundle ends inside an entry');
    out.push(data.subarray(at, at + length));
    at += length;
  }
  // tlog-tiles: empty tiles and bundles are never served.
  if (out.length === 0) throw new LedgerError('ENTRY_BUNDLE_INVALID', 'entry bundle is empty');
  if (width !== undefined && out.length !== width) {
    throw new LedgerError('ENTRY_BUNDLE_INVALID', `entry bundle has ${out.length} entries, expected ${width}`);
  }
  return out;
}
