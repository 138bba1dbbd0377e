import type { Alloc } from './table.js';
import type { Network } from './ip.js';

/**
 * Addresses and CIDR blocks, IPv4 and IPv6, in one structure per family:
 * the address space cut into elementary intervals at every block boundary,
 * each interval pointing at the innermost block that covers it (or none), and
 * each block at its parent block. A lookup is a binary search for the last
 * interval starting at or below the address, then a walk up the parents
 * collects every block containing it — exact addresses are /32 and /128
 * blocks. CIDR blocks nest or are disjoint, never overlap partially, which is
 * what makes the innermost-block-plus-parents form exact. IPv4 adds a
 * directory of the first interval of every /16, so a lookup searches a few
 * entries, not all of them. Memory is O(blocks) whatever the nesting.
 */

export interface RangeData {
  /** IPv4: interval start addresses, ascending. */
  v4Starts: Uint32Array;
  /** IPv4: innermost block of each interval, or -1. */
  v4Block: Int32Array;
  /** IPv4: index of the first interval starting at or after each /16 (65,537 entries). */
  v4Dir: Uint32Array;
  /** IPv4: one bit per /24, set when some block meets it (2 MiB): most addresses are in no block and stop here. */
  v4Filter: Uint32Array;
  /** IPv6: interval starts as four words each, ascending. */
  v6Starts: Uint32Array;
  v6Block: Int32Array;
  /** Per block: parent block or -1, prefix length, family (4 or 6). */
  parent: Int32Array;
  prefix: Uint8Array;
  family: Uint8Array;
  /** Block b's indicator refs are refs[refOffsets[b], refOffsets[b + 1]). */
  refOffsets: Uint32Array;
  refs: Int32Array;
}

/** A block: IPv4 bounds are numbers (exact below 2^53), IPv6 bounds BigInts. */
interface Block {
  family: 4 | 6;
  start: number | bigint;
  end: number | bigint;
  prefix: number;
  refs: number[];
  id: number;
}

function toBig(words: readonly number[]): bigint {
  let v = 0n;
  for (const w of words) v = (v << 32n) | BigInt(w >>> 0);
  return v;
}

/** Collects blocks; `freeze` builds the intervals. */
export class RangeBuilder {
  /** IPv4 blocks keyed by address × 64 + prefix (exact in a double), IPv6 by text. */
  private readonly blocks = new Map<number | string, Block>();

  get size(): number {
    return this.blocks.size;
  }

  add(net: Network, ref: number): void {
    const key = net.family === 4 ? (net.words[0] as number) * 64 + net.prefix : `${net.words.join('.')}/${net.prefix}`;
    const b = this.blocks.get(key);
    if (b) {
      if (!b.refs.includes(ref)) b.refs.push(ref);
      return;
    }
    if (net.family === 4) {
      const start = net.words[0] as number;
      this.blocks.set(key, { family: 4, start, end: start + 2 ** (32 - net.prefix) - 1, prefix: net.prefix, refs: [ref], id: -1 });
      return;
    }
    const start = toBig(net.words);
    const end = start + (1n << BigInt(128 - net.prefix)) - 1n;
    this.blocks.set(key, { family: 6, start, end, prefix: net.prefix, refs: [ref], id: -1 });
  }

  freeze(alloc: Alloc): RangeData {
    const all = [...this.blocks.values()];
    this.blocks.clear();
    let refCount = 0;
    all.forEach((b, i) => {
      b.id = i;
      refCount += b.refs.length;
    });
    const parent = alloc(Int32Array, all.length, 4);
    const prefix = alloc(Uint8Array, all.length, 1);
    const family = alloc(Uint8Array, all.length, 1);
    const refOffsets = alloc(Uint32Array, all.length + 1, 4);
    const refs = alloc(Int32Array, refCount, 4);
    let rp = 0;
    for (const b of all) {
      prefix[b.id] = b.prefix;
      family[b.id] = b.family;
      refOffsets[b.id] = rp;
      for (const r of b.refs) refs[rp++] = r;
    }
    refOffsets[all.length] = rp;

    const v4 = sweep(all.filter((b) => b.family === 4), 2 ** 32 - 1, parent);
    const v6 = sweep(all.filter((b) => b.family === 6), (1n << 128n) - 1n, parent);

    const v4Starts = alloc(Uint32Array, v4.starts.length, 4);
    const v4Block = alloc(Int32Array, v4.starts.length, 4);
    v4.starts.forEach((s, i) => {
      v4Starts[i] = Number(s);
      v4Block[i] = v4.block[i] as number;
    });
    const v4Dir = alloc(Uint32Array, 65537, 4);
    let k = 0;
    for (let b = 0; b <= 65536; b++) {
      const at = b * 65536;
      while (k < v4Starts.length && (v4Starts[k] as number) < at) k++;
      v4Dir[b] = k;
    }
    const v4Filter = alloc(Uint32Array, v4.starts.length > 0 ? 1 << 19 : 0, 4);
    for (const b of all) {
      if (b.family !== 4) continue;
      const first = Math.floor((b.start as number) / 256);
      const last = Math.floor((b.end as number) / 256);
      for (let x = first; x <= last; x++) v4Filter[x >>> 5] = (v4Filter[x >>> 5] as number) | (1 << (x & 31));
    }
    const v6Starts = alloc(Uint32Array, v6.starts.length * 4, 4);
    const v6Block = alloc(Int32Array, v6.starts.length, 4);
    v6.starts.forEach((s, i) => {
      for (let w = 0; w < 4; w++) v6Starts[i * 4 + w] = Number(((s as bigint) >> BigInt(96 - 32 * w)) & 0xffffffffn);
      v6Block[i] = v6.block[i] as number;
    });
    return { v4Starts, v4Block, v4Dir, v4Filter, v6Starts, v6Block, parent, prefix, family, refOffsets, refs };
  }
}

/**
 * The elementary intervals of one family's blocks. Blocks are visited by
 * start, wider first; a stack holds the blocks open at the current point.
 * At each start the interval's innermost block is the new one; after each
 * end it is the block below on the stack. Several boundaries at one address
 * keep the last (innermost) answer.
 */
function sweep(blocks: Block[], max: number | bigint, parent: Int32Array): { starts: (number | bigint)[]; block: number[] } {
  blocks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix - b.prefix));
  const starts: (number | bigint)[] = [];
  const block: number[] = [];
  const next = (x: number | bigint): number | bigint => (typeof x === 'bigint' ? x + 1n : x + 1);
  const emit = (at: number | bigint, b: number): void => {
    if (starts.length > 0 && starts[starts.length - 1] === at) block[block.length - 1] = b;
    else {
      starts.push(at);
      block.push(b);
    }
  };
  const stack: Block[] = [];
  const top = (): number => (stack.length > 0 ? (stack[stack.length - 1] as Block).id : -1);
  const close = (): void => {
    const t = stack.pop() as Block;
    if (t.end < max) emit(next(t.end), top());
  };
  for (const b of blocks) {
    while (stack.length > 0 && (stack[stack.length - 1] as Block).end < b.start) close();
    parent[b.id] = top();
    emit(b.start, b.id);
    stack.push(b);
  }
  while (stack.length > 0) close();
  return { starts, block };
}

/** The innermost block containing an IPv4 address (unsigned 32-bit), or -1. */
export function lookupV4(r: RangeData, ip: number): number {
  const starts = r.v4Starts;
  if (starts.length === 0) return -1;
  const slash24 = ip >>> 8;
  if (((r.v4Filter[slash24 >>> 5] as number) & (1 << (slash24 & 31))) === 0) return -1;
  const b = ip >>> 16;
  // The answer is the last interval starting at or below ip: its index + 1 lies in [dir[b], dir[b + 1]].
  let lo = r.v4Dir[b] as number;
  let hi = r.v4Dir[b + 1] as number;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as number) <= ip) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : (r.v4Block[lo - 1] as number);
}

/** The innermost block containing an IPv6 address (four words), or -1. */
export function lookupV6(r: RangeData, w: Uint32Array | number[]): number {
  const starts = r.v6Starts;
  const n = starts.length / 4;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let cmp = 0;
    for (let k = 0; k < 4 && cmp === 0; k++) {
      const a = starts[mid * 4 + k] as number;
      const b = w[k] as number;
      cmp = a < b ? -1 : a > b ? 1 : 0;
    }
    if (cmp <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : (r.v6Block[lo - 1] as number);
}

/** Bytes held by the structure's arrays. */
export function rangeBytes(r: RangeData): number {
  return r.v4Starts.byteLength + r.v4Block.byteLength + r.v4Dir.byteLength + r.v4Filter.byteLength + r.v6Starts.byteLength + r.v6Block.byteLength
    + r.parent.byteLength + r.prefix.byteLength + r.family.byteLength + r.refOffsets.byteLength + r.refs.byteLength;
}
