import { createRequire } from 'node:module';
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type * as SodiumNative from 'sodium-native';

/**
 * Ed25519 signature verification for the publish check. libsodium (the
 * sodium-native addon) verifies in about 40 µs here against node:crypto's
 * ~100 µs (OpenSSL sets up an EVP context per call), and verification is the
 * largest cost of a publish. Where the addon does not load (no prebuilt
 * binary for the platform), node:crypto verifies instead.
 *
 * The two are not identical at the edges, in one direction only: libsodium
 * also refuses small-order public keys and R points and non-canonical
 * encodings, all of which only a key holder or forger could produce, and
 * never accepts a signature OpenSSL refuses. So whatever the server logs,
 * offline and browser verifiers (node:crypto, WebCrypto) accept.
 */

/** Verifies an Ed25519 signature with a key; never throws. */
export interface Ed25519Verifier {
  readonly name: 'libsodium' | 'node:crypto';
  /** `key` is the public key as a KeyObject, `raw` the same key's 32 bytes (when known). */
  verify(key: { readonly key: KeyObject; readonly raw?: Uint8Array }, message: Uint8Array, signature: Uint8Array): boolean;
}

/** OpenSSL through node:crypto: available everywhere. */
export const nodeEd25519: Ed25519Verifier = {
  name: 'node:crypto',
  verify(key, message, signature) {
    try {
      return signature.length === 64 && cryptoVerify(null, message, key.key, signature);
    } catch {
      return false;
    }
  },
};

type Sodium = typeof SodiumNative;

let sodium: Ed25519Verifier | null | undefined;

/** libsodium's verifier, or undefined when the addon cannot be loaded here. Loaded on first use, not on import. */
export function sodiumEd25519(): Ed25519Verifier | undefined {
  if (sodium === undefined) {
    try {
      const lib = createRequire(import.meta.url)('sodium-native') as Sodium;
      if (typeof lib.crypto_sign_verify_detached !== 'function') throw new Error('sodium-native lacks crypto_sign_verify_detached');
      sodium = {
        name: 'libsodium',
        verify(key, message, signature) {
          // A key built without its raw bytes is still verified, the slower way.
          if (key.raw === undefined) return nodeEd25519.verify(key, message, signature);
          // The addon throws on wrong lengths instead of answering false.
          if (signature.length !== 64 || key.raw.length !== 32) return false;
          try {
            return lib.crypto_sign_verify_detached(signature, message, key.raw);
          } catch {
            return false;
          }
        },
      };
    } catch {
      sodium = null;
    }
  }
  return sodium ?? undefined;
}

/** The verifier the publish check uses: libsodium where it loads, node:crypto otherwise. */
export function ed25519Verifier(): Ed25519Verifier {
  return sodiumEd25519() ?? nodeEd25519;
}
