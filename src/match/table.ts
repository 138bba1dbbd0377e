/**
 * The exact-value lookup table: one open-addressing hash table for every
 * string kind (hashes, domains, URLs, e-mail addresses), held in typed arrays
 * so that a million keys cost ~50 bytes each plus the key bytes, nothing is
 * left for the garbage collector to trace, and worker threads can share one
 * copy through SharedArrayBuffers.
 *
 * Keys are ASCII (every normal form is, see normalize.ts) and stored one byte
 * per character. The hash runs from the last character to the first, so one
 * right-to-left pass over a domain yields the hash of every parent domain at
 * its label boundary: `a.b.evil.example` costs one pass for four lookups.
 */

/** Kinds of keys (part of the hash, so equal text of two kinds never meet). */
export const KeyKind = {
  MD5: 1,
  SHA1: 2,
  SHA256: 3,
  SHA512: 4,
  DOMAIN: 5,
  URL: 6,
  /** `host[:port]/path?query` of http(s) URLs, for hosts and paths seen in separate fields. */
  URL_SCHEMELESS: 7,
  EMAIL: 8,
} as const;
export type KeyKindCode = (typeof KeyKind)[keyof typeof KeyKind];
export const KEY_KIND_COUNT = 9;

/** The frozen table: plain typed arrays (structured-clonable; shared when built on SharedArrayBuffers). */
export interface KeyTableData {
  /** Power-of-two slots holding entry + 1 (0 = empty). */
  slots: Int32Array;
  hashes: Uint32Array;
  kinds: Uint8Array;
  /** Entry e's key is keyBytes[keyOffsets[e], keyOffsets[e + 1]). */
  keyOffsets: Uint32Array;
  keyBytes: Uint8Array;
  /** Entry e's indicator refs are refs[refOffsets[e], refOffsets[e + 1]). */
  refOffsets: Uint32Array;
  refs: Int32Array;
  /** Entries per kind (a kind with none is not even hashed). */
  kindCounts: Uint32Array;
  /**
   * One bit per (second hash of a) key, 16 bits per key: most lookups are of
   * absent values, and this ~2 MB bitset answers nearly all of them from
   * cache, where a probe of the slots costs two or three memory misses.
   */
  filter: Uint32Array;
}

/** The filter bit of a key hash. */
function filterBit(h: number): number {
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function finish(h: number, kind: number): number {
  h ^= Math.imul(kind, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of `s[start, end)` for `kind` (right to left, see the module comment). */
export function keyHash(kind: number, s: string, start = 0, end = s.length): number {
  let h = FNV_OFFSET;
  for (let i = end - 1; i >= start; i--) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return finish(h, kind);
}

/** Allocates typed arrays on SharedArrayBuffer (for worker threads) or ordinary memory. */
export type Alloc = <T extends Int32Array | Uint32Array | Uint8Array>(ctor: new (buffer: ArrayBufferLike) => T, length: number, bytesPer: number) => T;

export function allocator(shared: boolean): Alloc {
  return (ctor, length, bytesPer) => new ctor(shared ? new SharedArrayBuffer(length * bytesPer) : new ArrayBuffer(length * bytesPer));
}

/**
 * Collects keys and their indicator refs; `freeze` packs them. Duplicates
 * (the same value in several indicators, or twice in one) are merged while
 * packing, in the open-addressing table itself: no Map of a million strings.
 */
export class KeyTableBuilder {
  private readonly keys: string[] = [];
  private readonly kinds: number[] = [];
  private readonly refs: number[] = [];

  /** Keys added (duplicates included). */
  get size(): number {
    return this.keys.length;
  }

  /** Adds `ref` under `(kind, key)`; `key` must be ASCII (a normal form). */
  add(kind: KeyKindCode, key: string, ref: number): void {
    this.keys.push(key);
    this.kinds.push(kind);
    this.refs.push(ref);
  }

  freeze(alloc: Alloc): KeyTableData {
    const added = this.keys.length;
    let cap = 16;
    while (cap < added * 2) cap *= 2;
    const mask = cap - 1;
    // Pass 1: unique entries (first occurrence of each key), refs chained per entry.
    const slots = alloc(Int32Array, cap, 4);
    const firstKey: number[] = [];
    const hashes: number[] = [];
    const refHead: number[] = [];
    const refNext = new Int32Array(added).fill(-1);
    const refTail: number[] = [];
    for (let a = 0; a < added; a++) {
      const key = this.keys[a] as string;
      const kind = this.kinds[a] as number;
      const h = keyHash(kind, key);
      let slot = h & mask;
      let e = -1;
      for (;;) {
        const x = (slots[slot] as number) - 1;
        if (x < 0) break;
        if (hashes[x] === h && this.kinds[firstKey[x] as number] === kind && this.keys[firstKey[x] as number] === key) {
          e = x;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (e < 0) {
        e = firstKey.length;
        firstKey.push(a);
        hashes.push(h);
        refHead.push(a);
        refTail.push(a);
        slots[slot] = e + 1;
      } else {
        // The same ref twice under one key (a value repeated in one pattern) is kept once.
        let dup = false;
        for (let r = refHead[e] as number; r >= 0; r = refNext[r] as number) if (this.refs[r] === this.refs[a]) dup = true;
        if (!dup) {
          refNext[refTail[e] as number] = a;
          refTail[e] = a;
        }
      }
    }
    const n = firstKey.length;
    let keyTotal = 0;
    let refTotal = 0;
    for (let e = 0; e < n; e++) {
      keyTotal += (this.keys[firstKey[e] as number] as string).length;
      for (let r = refHead[e] as number; r >= 0; r = refNext[r] as number) refTotal++;
    }
    const t: KeyTableData = {
      slots,
      hashes: alloc(Uint32Array, n, 4),
      kinds: alloc(Uint8Array, n, 1),
      keyOffsets: alloc(Uint32Array, n + 1, 4),
      keyBytes: alloc(Uint8Array, keyTotal, 1),
      refOffsets: alloc(Uint32Array, n + 1, 4),
      refs: alloc(Int32Array, refTotal, 4),
      kindCounts: alloc(Uint32Array, KEY_KIND_COUNT, 4),
      filter: alloc(Uint32Array, 0, 4),
    };
    let bits = 1024;
    while (bits < n * 16) bits *= 2;
    t.filter = alloc(Uint32Array, bits / 32, 4);
    const fmask = bits - 1;
    let kp = 0;
    let rp = 0;
    for (let e = 0; e < n; e++) {
      const a = firstKey[e] as number;
      const key = this.keys[a] as string;
      const kind = this.kinds[a] as number;
      const h = hashes[e] as number;
      t.keyOffsets[e] = kp;
      for (let i = 0; i < key.length; i++) t.keyBytes[kp++] = key.charCodeAt(i);
      t.refOffsets[e] = rp;
      for (let r = refHead[e] as number; r >= 0; r = refNext[r] as number) t.refs[rp++] = this.refs[r] as number;
      t.hashes[e] = h;
      t.kinds[e] = kind;
      t.kindCounts[kind] = (t.kindCounts[kind] as number) + 1;
      const f = filterBit(h) & fmask;
      t.filter[f >>> 5] = (t.filter[f >>> 5] as number) | (1 << (f & 31));
    }
    t.keyOffsets[n] = kp;
    t.refOffsets[n] = rp;
    this.keys.length = 0;
    this.kinds.length = 0;
    this.refs.length = 0;
    return t;
  }
}

/** The entry for `(kind, s[start, end))` with hash `h`, or -1. */
export function probe(t: KeyTableData, kind: number, h: number, s: string, start: number, end: number): number {
  const filter = t.filter;
  const f = filterBit(h) & (filter.length * 32 - 1);
  if (((filter[f >>> 5] as number) & (1 << (f & 31))) === 0) return -1;
  const slots = t.slots;
  const mask = slots.length - 1;
  const len = end - start;
  let slot = h & mask;
  for (;;) {
    const e = (slots[slot] as number) - 1;
    if (e < 0) return -1;
    if (t.hashes[e] === h && t.kinds[e] === kind) {
      const off = t.keyOffsets[e] as number;
      if ((t.keyOffsets[e + 1] as number) - off === len) {
        const bytes = t.keyBytes;
        let i = 0;
        while (i < len && bytes[off + i] === s.charCodeAt(start + i)) i++;
        if (i === len) return e;
      }
    }
    slot = (slot + 1) & mask;
  }
}

/** The entry for `(kind, key)`, or -1. */
export function lookupKey(t: KeyTableData, kind: number, key: string): number {
  if (t.kindCounts[kind] === 0) return -1;
  return probe(t, kind, keyHash(kind, key), key, 0, key.length);
}

/**
 * Entries for a normal domain and each of its parent domains (label
 * boundaries only: `michigan.org` looks up `michigan.org` and `org`, never
 * `higan.org`). Writes entry indexes to `out`; returns how many.
 */
export function lookupDomainSuffixes(t: KeyTableData, domain: string, out: number[]): number {
  if (t.kindCounts[KeyKind.DOMAIN] === 0) return 0;
  let found = 0;
  let h = FNV_OFFSET;
  const end = domain.length;
  for (let i = end - 1; i >= 0; i--) {
    h = Math.imul(h ^ domain.charCodeAt(i), FNV_PRIME);
    if (i === 0 || domain.charCodeAt(i - 1) === 46) {
      const e = probe(t, KeyKind.DOMAIN, finish(h, KeyKind.DOMAIN), domain, i, end);
      if (e >= 0) out[found++] = e;
    }
  }
  return found;
}

/** The key text of entry e (for exports and diagnostics). */
export function entryKey(t: KeyTableData, e: number): string {
  return Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + (t.keyOffsets[e] as number), (t.keyOffsets[e + 1] as number) - (t.keyOffsets[e] as number)).toString('latin1');
}

/** Bytes held by the table's arrays. */
export function keyTableBytes(t: KeyTableData): number {
  return t.slots.byteLength + t.hashes.byteLength + t.kinds.byteLength + t.keyOffsets.byteLength + t.keyBytes.byteLength + t.refOffsets.byteLength + t.refs.byteLength + t.kindCounts.byteLength + t.filter.byteLength;
}
