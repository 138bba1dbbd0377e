/**
 * Small-order Ed25519 public keys, in one place for the server, `accord
 * verify` and the console's in-browser verifier (plain TypeScript: no Node
 * APIs, so the console bundles it as is).
 *
 * Such a key is no one's: a signature with R = identity and S = 0 verifies
 * under the identity key for every message with OpenSSL's and WebCrypto's
 * (cofactorless) check, and the other small-order keys have forgeries of their
 * own. Accord refuses them wherever a key comes in.
 */

/**
 * Encodings of the eight small-order points of edwards25519 (the sign bit,
 * bit 255, masked off), canonical and not: the identity (y = 1, and p + 1), the
 * point of order 2 (y = -1), those of order 4 (y = 0, and p) and of order 8.
 * The list libsodium refuses keys and R points by.
 */
export const SMALL_ORDER_ED25519: readonly string[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];

/** Whether a 32-byte Ed25519 public key is a point of small order (false for any other length). */
export function isSmallOrderEd25519(raw: Uint8Array): boolean {
  if (raw.length !== 32) return false;
  let hex = '';
  for (let i = 0; i < 32; i++) hex += (i === 31 ? raw[i]! & 0x7f : raw[i]!).toString(16).padStart(2, '0');
  return SMALL_ORDER_ED25519.includes(hex);
}
