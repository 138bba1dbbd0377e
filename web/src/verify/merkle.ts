import { bytesEqual, sha256 } from './bytes.js';
import { VerifyError } from './errors.js';

/**
 * RFC 6962 / RFC 9162 Merkle tree verification with WebCrypto SHA-256. The
 * same algorithms as src/ledger/merkle.ts, which uses node:crypto and so cannot
 * run here; test/e2e/verify.test.ts checks both agree on the RFC vectors and on
 * random trees.
 */

export const HASH_SIZE = 32;
/** A tree below 2^53 leaves has inclusion proofs of at most 53 hashes; consistency proofs about twice that. */
export const MAX_PROOF_HASHES = 128;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** Leaf hash `SHA-256(0x00 || entry)` (RFC 6962 §2.1). */
export function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(LEAF_PREFIX, entry);
}

/** Interior node hash `SHA-256(0x01 || left || right)` (RFC 6962 §2.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(NODE_PREFIX, left, right);
}

/** Root of the empty tree, SHA-256 of nothing. */
export function emptyRoot(): Promise<Uint8Array> {
  return sha256();
}

function invalid(message: string): VerifyError {
  return new VerifyError('PROOF_INVALID', message);
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

// Halving without `>>`, which would truncate sizes above 2^31.
const half = (n: number) => Math.floor(n / 2);
const isOdd = (n: number) => n % 2 === 1;

// Proofs arrive from the server, which is exactly whom we are checking: check shapes before hashing.
function checkHashes(hashes: readonly unknown[], what: string): asserts hashes is readonly Uint8Array[] {
  if (!Array.isArray(hashes)) throw new VerifyError('PROOF_MALFORMED', `${what} is not a list of hashes`);
  if (hashes.length > MAX_PROOF_HASHES) throw new VerifyError('PROOF_MALFORMED', `${what} has ${hashes.length} hashes, more than ${MAX_PROOF_HASHES}`);
  hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new VerifyError('PROOF_MALFORMED', `${what}[${i}] is not a 32-byte hash`);
  });
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2). Throws
 * `PROOF_INVALID` when the proof cannot belong to a tree of `size` (too long,
 * too short, index outside the tree).
 */
export async function rootFromInclusionProof(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Promise<Uint8Array> {
  checkHashes([leaf], 'leaf hash');
  checkHashes(proof, 'inclusion proof');
  if (!isSize(index) || !isSize(size)) throw invalid('leaf index and tree size must be integers in [0, 2^53)');
  // Step 1: the leaf must be inside the tree.
  if (index >= size) throw invalid(`leaf index ${index} is not below tree size ${size}`);
  // Step 2.
  let fn = index;
  let sn = size - 1;
  // Step 3.
  let r = leaf;
  // Step 4.
  for (const p of proof) {
    // 4a: a proof longer than the path to the root is refused, not truncated.
    if (sn === 0) throw invalid('inclusion proof is too long');
    if (isOdd(fn) || fn === sn) {
      // 4b: p is a left sibling.
      r = await nodeHash(p, r);
      // Skip the levels where this node has no right sibling (the ragged right edge).
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      // 4c: p is a right sibling.
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  if (sn !== 0) throw invalid('inclusion proof is too short');
  return r;
}

/** Verifies an inclusion proof against a root hash; throws `PROOF_INVALID` unless the leaf is in that tree. */
export async function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<void> {
  checkHashes([root], 'root hash');
  const computed = await rootFromInclusionProof(leaf, index, size, proof);
  if (!bytesEqual(computed, root)) throw invalid('the inclusion proof does not lead to the checkpoint’s root hash');
}

/**
 * Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2):
 * the tree of `size2` extends the tree of `size1` without changing it. Throws
 * `PROOF_INVALID` unless it holds.
 */
export async function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): Promise<void> {
  checkHashes([root1, root2], 'root hash');
  checkHashes(proof, 'consistency proof');
  if (!isSize(size1) || !isSize(size2)) throw invalid('tree sizes must be integers in [0, 2^53)');
  if (size1 > size2) throw invalid(`tree size ${size1} is larger than ${size2}: the log shrank`);
  if (size1 === size2) {
    if (proof.length !== 0) throw invalid('a consistency proof between equal sizes is empty');
    if (!bytesEqual(root1, root2)) throw invalid('two different root hashes for the same tree size: the log forked');
    return;
  }
  if (size1 === 0) {
    if (proof.length !== 0) throw invalid('a consistency proof from the empty tree is empty');
    if (!bytesEqual(root1, await emptyRoot())) throw invalid('the root hash of the empty tree is not SHA-256("")');
    return;
  }
  // Step 1.
  if (proof.length === 0) throw invalid('the consistency proof is empty');
  // Step 2: when size1 is a power of two its root is a node of the new tree and is not sent.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // Step 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // Step 4.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = fr;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) throw invalid('the consistency proof is too long');
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) throw invalid('the consistency proof is too short');
  if (!bytesEqual(fr, root1)) throw invalid('the consistency proof does not lead to the earlier root hash');
  if (!bytesEqual(sr, root2)) throw invalid('the consistency proof does not lead to the later root hash');
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}
