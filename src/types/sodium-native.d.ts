/**
 * The part of sodium-native (libsodium bindings; the package ships no types)
 * Accord uses. Loaded with `createRequire` where it is used, so a platform
 * without the prebuilt addon falls back to node:crypto instead of failing to start.
 */
declare module 'sodium-native' {
  /** Ed25519 (RFC 8032) verification of a detached 64-byte signature with a raw 32-byte public key; never throws on a bad signature. */
  export function crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}
