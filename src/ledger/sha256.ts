/**
 * SHA-256 of RFC 6962 interior nodes, `SHA-256(0x01 || left || right)`, in plain
 * JavaScript over preallocated memory. Node's hashing allocates a buffer per
 * digest; computing a subtree of a tile (up to 255 node hashes per proof or per
 * integrated tile) that way makes enough garbage for the collector's pauses to
 * dominate the tail latency of proofs. This computes whole subtrees in place and
 * allocates only the result. Checked against node:crypto in the tests.
 */

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
  0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INIT = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);
const H = new Int32Array(8);
/** The two blocks of a node message: 0x01, 64 bytes of children, 0x80 padding, length 520 bits. */
const block = new Uint8Array(128);

function compress(at: number): void {
  const b = block;
  for (let i = 0; i < 16; i++) {
    const j = at + 4 * i;
    W[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!;
    const y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!, c1 = H[1]!, c2 = H[2]!, d = H[3]!, e = H[4]!, f = H[5]!, g = H[6]!, h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & c1) ^ (a & c2) ^ (c1 & c2))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c2;
    c2 = c1;
    c1 = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + c1) | 0;
  H[2] = (H[2]! + c2) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/** Writes `SHA-256(0x01 || src[from, from + 64))` to `dst[to, to + 32)` (they may overlap: the input is copied first). */
export function nodeHash(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  block[0] = 0x01;
  block.set(src.subarray(from, from + 64), 1);
  block[65] = 0x80;
  block.fill(0, 66, 126);
  block[126] = 0x02; // 65 bytes = 520 bits = 0x0208
  block[127] = 0x08;
  H.set(INIT);
  compress(0);
  compress(64);
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    dst[to + 4 * i] = v >>> 24;
    dst[to + 4 * i + 1] = (v >>> 16) & 0xff;
    dst[to + 4 * i + 2] = (v >>> 8) & 0xff;
    dst[to + 4 * i + 3] = v & 0xff;
  }
}

const work = new Uint8Array(256 * 32);

/**
 * Root of the perfect subtree over `count` (a power of two, at most 256)
 * consecutive 32-byte hashes of `hashes` starting at hash `start`.
 */
export function perfectSubtreeRoot(hashes: Uint8Array, start: number, count: number): Uint8Array {
  if (!(count >= 1 && count <= 256 && (count & (count - 1)) === 0) || start < 0 || (start + count) * 32 > hashes.length) {
    throw new RangeError(`no perfect subtree of ${count} hashes at ${start} in ${hashes.length} bytes`);
  }
  if (count === 1) return hashes.slice(start * 32, start * 32 + 32);
  // First level from the input, the others in place: pair i of the level is written to slot i.
  for (let i = 0; i < count / 2; i++) nodeHash(hashes, (start + 2 * i) * 32, work, i * 32);
  for (let n = count / 2; n > 1; n /= 2) for (let i = 0; i < n / 2; i++) nodeHash(work, 2 * i * 32, work, i * 32);
  return work.slice(0, 32);
}
