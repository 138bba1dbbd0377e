import { hash } from 'node:crypto';
import { LedgerError } from './errors.js';
import { bytesEqual, isSafeSize } from './text-codec.js';

/** SHA-256 output size; every Merkle tree hash in the log has it (RFC 6962 §2.1). */
export const HASH_SIZE = 32;

/**
 * Bound on proof lengths accepted for verification: a tree of at most 2^53 - 1
 * leaves has inclusion proofs of at most 53 hashes and consistency proofs of at
 * most about twice that. Anything longer is refused before any hashing.
 */
export const MAX_PROOF_HASHES = 128;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

function sha256(...parts: Uint8Array[]): Uint8Array {
  // One-shot hashing (no Hash object per call) is about a third faster for these small inputs.
  return wrap(hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer'));
}

function wrap(d: Buffer): Uint8Array {
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

// Leaves and nodes are hashed from one reused buffer (prefix and parts copied in): no concatenation per hash.
// Hashing is synchronous, so nothing else can write to it between the copy and the digest.
const scratch = Buffer.allocUnsafe(1 + 2 * 0xffff);
const pair = scratch.subarray(0, 1 + 2 * HASH_SIZE);

/** Leaf hash `SHA-256(0x00 || entry)` (RFC 6962 §2.1; the prefix separates leaves from nodes). */
export function hashLeaf(entry: Uint8Array): Uint8Array {
  if (entry.length >= scratch.length) return sha256(LEAF_PREFIX, entry);
  scratch[0] = 0x00;
  scratch.set(entry, 1);
  return wrap(hash('sha256', scratch.subarray(0, 1 + entry.length), 'buffer'));
}

/** Interior node hash `SHA-256(0x01 || left || right)` (RFC 6962 §2.1). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return sha256(NODE_PREFIX, left, right);
  pair[0] = 0x01;
  pair.set(left, 1);
  pair.set(right, 1 + HASH_SIZE);
  return wrap(hash('sha256', pair, 'buffer'));
}

/** Root of the empty tree, `SHA-256("")` (RFC 6962 §2.1). */
export function emptyTreeHash(): Uint8Array {
  return sha256();
}

/**
 * A complete (perfect) subtree: the `2^level` leaves starting at `index * 2^level`.
 * Level 0 nodes are leaf hashes. Only complete subtrees are ever stored; every
 * other hash of the tree is computed from them.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Source of stored complete-subtree hashes, the port a log store implements
 * (directly, or through tiles with `tileHashReader` in tiles.ts).
 */
export interface HashReader {
  /** Returns the hash of each node, in order; must throw rather than return a short or wrong-sized answer. */
  readHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]>;
}

/**
 * How to compute each hash of a proof: element `i` is the right fold (see
 * `foldSubtrees`) of the hashes of `plan[i]`, a list of complete subtrees in
 * left-to-right order.
 */
export type ProofPlan = readonly (readonly NodeId[])[];

function rangeError(message: string): LedgerError<'LOG_RANGE_INVALID'> {
  return new LedgerError('LOG_RANGE_INVALID', message);
}

function proofError(message: string): LedgerError<'LOG_PROOF_INVALID'> {
  return new LedgerError('LOG_PROOF_INVALID', message);
}

/** Largest power of two strictly less than `n` (n >= 2): RFC 6962 §2.1's split point `k`. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && splitPoint(n + 1) === n;
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

// Integer halving without 32-bit bitwise operators, which would truncate sizes above 2^31.
function half(n: number): number {
  return Math.floor(n / 2);
}

/**
 * Complete subtrees covering leaves `[start, end)`, largest first. For the ranges
 * RFC 6962 hashes (a power-of-two-aligned start) the right fold of their hashes is MTH(D[start:end]).
 */
export function subtreeNodes(start: number, end: number): NodeId[] {
  if (!isSafeSize(start) || !isSafeSize(end) || start > end) throw rangeError(`invalid leaf range [${start}, ${end})`);
  const out: NodeId[] = [];
  while (start < end) {
    let level = 0;
    let width = 1;
    while (start % (width * 2) === 0 && start + width * 2 <= end) {
      level++;
      width *= 2;
    }
    out.push({ level, index: start / width });
    start += width;
  }
  return out;
}

/** Folds subtree hashes right to left, giving the hash of their union (RFC 6962 §2.1 MTH). */
export function foldSubtrees(hashes: readonly Uint8Array[]): Uint8Array {
  const last = hashes[hashes.length - 1];
  if (last === undefined) return emptyTreeHash();
  let acc = last;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i] as Uint8Array, acc);
  return acc;
}

/** Root hash MTH(D[0:n]) of a tree given all its leaf hashes, with O(log n) extra memory. */
export function rootFromLeafHashes(leafHashes: Iterable<Uint8Array>): Uint8Array {
  // Stack of complete subtrees (level, hash); equal levels merge as leaves arrive.
  const levels: number[] = [];
  const hashes: Uint8Array[] = [];
  for (const leaf of leafHashes) {
    let level = 0;
    let hash = leaf;
    while (levels.length > 0 && levels[levels.length - 1] === level) {
      levels.pop();
      hash = hashChildren(hashes.pop() as Uint8Array, hash);
      level++;
    }
    levels.push(level);
    hashes.push(hash);
  }
  return foldSubtrees(hashes);
}

/** Nodes whose fold is the root of a tree of `size` leaves. */
export function treeHashPlan(size: number): NodeId[] {
  if (!isSafeSize(size)) throw rangeError(`invalid tree size ${String(size)}`);
  return subtreeNodes(0, size);
}

/** The audit path PATH(index, D[0:size]) of RFC 6962 §2.1.1, as a plan, leaf's sibling first. */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  if (!isSafeSize(index) || !isSafeSize(size) || index >= size) {
    throw rangeError(`leaf ${String(index)} is not in a tree of size ${String(size)}`);
  }
  const fromTop: NodeId[][] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      fromTop.push(subtreeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      fromTop.push(subtreeNodes(lo, lo + k));
      lo += k;
    }
  }
  return fromTop.reverse();
}

/** The consistency proof PROOF(size1, D[0:size2]) of RFC 6962 §2.1.2, as a plan; empty when size1 is 0 or equals size2. */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  if (!isSafeSize(size1) || !isSafeSize(size2) || size1 > size2) {
    throw rangeError(`no consistency proof from size ${String(size1)} to size ${String(size2)}`);
  }
  const out: NodeId[][] = [];
  if (size1 === 0 || size1 === size2) return out;
  // SUBPROOF(m, D[lo:hi], b); the recursion depth is at most 53.
  const subproof = (m: number, lo: number, hi: number, complete: boolean): void => {
    if (m === hi - lo) {
      if (!complete) out.push(subtreeNodes(lo, hi));
      return;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      subproof(m, lo, lo + k, complete);
      out.push(subtreeNodes(lo + k, hi));
    } else {
      subproof(m - k, lo + k, hi, false);
      out.push(subtreeNodes(lo, lo + k));
    }
  };
  subproof(size1, 0, size2, true);
  return out;
}

function uniqueNodes(plan: ProofPlan): NodeId[] {
  const seen = new Set<string>();
  const out: NodeId[] = [];
  for (const element of plan) {
    for (const n of element) {
      const key = `${n.level}/${n.index}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(n);
      }
    }
  }
  return out;
}

/** The hashes of `nodes` from `reader`, in order; LOG_HASH_UNAVAILABLE if any is missing or malformed. */
export async function readNodeHashes(reader: HashReader, nodes: readonly NodeId[]): Promise<readonly Uint8Array[]> {
  const hashes = nodes.length === 0 ? [] : await reader.readHashes(nodes);
  if (hashes.length !== nodes.length) {
    throw new LedgerError('LOG_HASH_UNAVAILABLE', `asked for ${nodes.length} hashes, got ${hashes.length}`);
  }
  nodes.forEach((n, i) => {
    const h = hashes[i];
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new LedgerError('LOG_HASH_UNAVAILABLE', `hash of node ${n.level}/${n.index} is missing or malformed`);
    }
  });
  return hashes;
}

/** Reads every node a plan needs in one batch and folds each element. */
export async function resolvePlan(reader: HashReader, plan: ProofPlan): Promise<Uint8Array[]> {
  const nodes = uniqueNodes(plan);
  const hashes = await readNodeHashes(reader, nodes);
  const byKey = new Map<string, Uint8Array>();
  nodes.forEach((n, i) => byKey.set(`${n.level}/${n.index}`, hashes[i]!));
  return plan.map((element) => foldSubtrees(element.map((n) => byKey.get(`${n.level}/${n.index}`) as Uint8Array)));
}

/** Root hash of the tree of `size` leaves, from stored hashes. */
export async function readTreeHash(reader: HashReader, size: number): Promise<Uint8Array> {
  const [root] = await resolvePlan(reader, [treeHashPlan(size)]);
  return root as Uint8Array;
}

/** Inclusion proof of leaf `index` in the tree of `size` leaves (RFC 6962 §2.1.1), from stored hashes. */
export async function proveInclusion(reader: HashReader, index: number, size: number): Promise<Uint8Array[]> {
  return resolvePlan(reader, inclusionProofPlan(index, size));
}

/** Consistency proof from tree size `size1` to `size2` (RFC 6962 §2.1.2), from stored hashes. */
export async function proveConsistency(reader: HashReader, size1: number, size2: number): Promise<Uint8Array[]> {
  return resolvePlan(reader, consistencyProofPlan(size1, size2));
}

// Proof inputs are attacker-controlled (they arrive in tlog-proof files and HTTP
// bodies): check every type and length before touching them.
function checkHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== HASH_SIZE) throw proofError(`${what} is not a ${HASH_SIZE}-byte hash`);
}

function checkProof(proof: unknown): asserts proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) throw proofError('proof is not a list of hashes');
  if (proof.length > MAX_PROOF_HASHES) throw proofError(`proof has ${proof.length} hashes, more than ${MAX_PROOF_HASHES}`);
  proof.forEach((p, i) => checkHash(p, `proof[${i}]`));
}

/**
 * Recomputes the root from a leaf hash and its inclusion proof, following
 * RFC 9162 §2.1.3.2; throws `LOG_PROOF_INVALID` if the proof's shape cannot fit the tree.
 */
export function rootFromInclusionProof(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Uint8Array {
  checkHash(leafHash, 'leaf hash');
  checkProof(proof);
  if (!isSafeSize(index) || !isSafeSize(size)) throw proofError('leaf index and tree size must be integers in [0, 2^53)');
  // Step 1: the leaf must be inside the tree.
  if (index >= size) throw proofError(`leaf index ${index} is not below tree size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    // A proof longer than the path to the root is refused, not truncated.
    if (sn === 0) throw proofError('inclusion proof is too long');
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      // Skip the levels where this node has no right sibling (the tree's ragged right edge).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw proofError('inclusion proof is too short');
  return r;
}

/** Verifies an inclusion proof (RFC 9162 §2.1.3.2); throws `LedgerError('LOG_PROOF_INVALID')` unless it holds. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash(root, 'root hash');
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!bytesEqual(computed, root)) throw proofError('inclusion proof does not lead to the root hash');
}

/** Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2); throws `LedgerError('LOG_PROOF_INVALID')` unless it holds. */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkHash(root1, 'first root hash');
  checkHash(root2, 'second root hash');
  checkProof(proof);
  if (!isSafeSize(size1) || !isSafeSize(size2)) throw proofError('tree sizes must be integers in [0, 2^53)');
  if (size1 > size2) throw proofError(`tree size ${size1} is larger than ${size2}`);
  if (size1 === size2) {
    // Equal sizes: the proof is empty and the heads must be identical.
    if (proof.length !== 0) throw proofError('consistency proof between equal sizes must be empty');
    if (!bytesEqual(root1, root2)) throw proofError('different root hashes for the same tree size');
    return;
  }
  if (size1 === 0) {
    // Every tree extends the empty tree, whose only possible root is SHA-256("").
    if (proof.length !== 0) throw proofError('consistency proof from the empty tree must be empty');
    if (!bytesEqual(root1, emptyTreeHash())) throw proofError('root hash of the empty tree is not SHA-256("")');
    return;
  }
  // Step 1.
  if (proof.length === 0) throw proofError('consistency proof is empty');
  // Step 2: when size1 is a power of two its root is a node of the new tree and is not sent.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Step 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // Step 4.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) throw proofError('consistency proof is too long');
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) throw proofError('consistency proof is too short');
  if (!bytesEqual(fr, root1)) throw proofError('consistency proof does not lead to the first root hash');
  if (!bytesEqual(sr, root2)) throw proofError('consistency proof does not lead to the second root hash');
}

/**
 * A whole Merkle tree in memory (every complete subtree hash): for tests, tools
 * and small logs. It implements `HashReader`, so the async proof functions work on it too.
 */
export class MemoryMerkleTree implements HashReader {
  readonly #levels: Uint8Array[][] = [[]];

  /** Number of leaves. */
  get size(): number {
    return (this.#levels[0] as Uint8Array[]).length;
  }

  /** Appends a leaf hash and returns its index. */
  append(leafHash: Uint8Array): number {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) {
      throw rangeError(`a leaf hash is ${HASH_SIZE} bytes`);
    }
    const leaves = this.#levels[0] as Uint8Array[];
    leaves.push(leafHash);
    let index = leaves.length - 1;
    let level = 0;
    // Each odd index completes a subtree one level up.
    while (isOdd(index)) {
      const row = this.#levels[level] as Uint8Array[];
      const parent = hashChildren(row[index - 1] as Uint8Array, row[index] as Uint8Array);
      level++;
      if (this.#levels.length === level) this.#levels.push([]);
      (this.#levels[level] as Uint8Array[]).push(parent);
      index = half(index);
    }
    return leaves.length - 1;
  }

  /** Hash of a complete subtree; throws `LOG_HASH_UNAVAILABLE` if the tree does not have it yet. */
  node(level: number, index: number): Uint8Array {
    const h = this.#levels[level]?.[index];
    if (h === undefined) throw new LedgerError('LOG_HASH_UNAVAILABLE', `no complete subtree ${String(level)}/${String(index)}`);
    return h;
  }

  /** Root hash at `size` (default: the current size). */
  treeHash(size: number = this.size): Uint8Array {
    if (!isSafeSize(size) || size > this.size) throw rangeError(`tree size ${String(size)} is beyond ${this.size}`);
    return this.#fold([treeHashPlan(size)])[0] as Uint8Array;
  }

  /** Inclusion proof of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    if (!isSafeSize(size) || size > this.size) throw rangeError(`tree size ${String(size)} is beyond ${this.size}`);
    return this.#fold(inclusionProofPlan(index, size));
  }

  /** Consistency proof from `size1` to `size2`. */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    if (!isSafeSize(size2) || size2 > this.size) throw rangeError(`tree size ${String(size2)} is beyond ${this.size}`);
    return this.#fold(consistencyProofPlan(size1, size2));
  }

  /** `HashReader` over this tree. */
  readHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]> {
    try {
      return Promise.resolve(nodes.map((n) => this.node(n.level, n.index)));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #fold(plan: ProofPlan): Uint8Array[] {
    return plan.map((element) => foldSubtrees(element.map((n) => this.node(n.level, n.index))));
  }
}
