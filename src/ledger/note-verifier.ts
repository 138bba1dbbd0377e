import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LedgerError } from './errors.js';
import { ED25519_TYPE, isValidKeyName, noteKeyId } from './note-key.js';
import { attempt, decodeBase64 } from './text-codec.js';

/** Ed25519 public keys and signatures are 32 and 64 bytes (RFC 8032). */
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

/**
 * Checks signatures of one key, identified in notes by name and key ID
 * (c2sp.org/signed-note §Signatures).
 */
export interface NoteVerifier {
  readonly name: string;
  /** The 32-bit key ID, as a number. */
  readonly keyId: number;
  /** True if `signature` (the signature bytes after the key ID) is valid for the note text; never throws. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** The parts of a verifier key `<name>+<hex key ID>+<base64(type || public key)>`. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
}

function keyError(message: string): LedgerError<'NOTE_KEY_INVALID'> {
  return new LedgerError('NOTE_KEY_INVALID', message);
}

/** The 4-byte key ID as the uint32 the note signature starts with (big-endian). */
export function keyIdToNumber(keyId: Uint8Array): number {
  if (keyId.length !== 4) throw keyError('a key ID is 4 bytes');
  return new DataView(keyId.buffer, keyId.byteOffset, 4).getUint32(0);
}

/**
 * Splits a verifier key into its parts (c2sp.org/signed-note §Verifier keys),
 * without checking the key ID against the key: that depends on the type.
 */
export function decodeVerifierKey(vkey: string): VerifierKey {
  if (typeof vkey !== 'string' || vkey.length > 8192) throw keyError('not a verifier key');
  // The name and hex ID cannot contain '+', the base64 part can: split on the first two only.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw keyError('a verifier key has three parts separated by "+"');
  const name = vkey.slice(0, first);
  const hex = vkey.slice(first + 1, second);
  if (!isValidKeyName(name)) throw keyError(`invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(hex)) throw keyError('a key ID is 8 lowercase hex digits');
  const raw = decodeBase64(vkey.slice(second + 1));
  if (raw === undefined || raw.length < 2) throw keyError('the key material is not base64 of a type byte and a key');
  return { name, keyId: Number.parseInt(hex, 16), type: raw[0] as number, publicKey: raw.subarray(1) };
}

/** Imports a raw Ed25519 public key; throws `NOTE_KEY_INVALID` if it is not one. */
export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_SIZE) throw keyError('an Ed25519 public key is 32 bytes');
  // SubjectPublicKeyInfo prefix for a raw Ed25519 key (RFC 8410). OpenSSL accepts
  // any 32 bytes today; should it ever refuse some, that must stay a typed error.
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  const key = attempt(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
  if (key === undefined) throw keyError('not a valid Ed25519 public key');
  return key;
}

/** Ed25519 verification that reports failure, never throws. */
export function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_SIZE) return false;
  return attempt(() => cryptoVerify(null, message, key, signature)) === true;
}

/** A verifier for Ed25519 note signatures (type 0x01) by `name`. */
export function ed25519NoteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  if (!isValidKeyName(name)) throw keyError(`invalid key name ${JSON.stringify(name)}`);
  const key = ed25519PublicKey(publicKey);
  const keyId = keyIdToNumber(noteKeyId(name, ED25519_TYPE, publicKey));
  return { name, keyId, verify: (text, signature) => ed25519Verify(key, text, signature) };
}

/**
 * Parses an Ed25519 (type 0x01) verifier key, checking that its key ID is the
 * one the key and name determine (c2sp.org/signed-note §Ed25519 signatures).
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const parts = decodeVerifierKey(vkey);
  if (parts.type !== ED25519_TYPE) throw keyError(`unsupported signature type 0x${parts.type.toString(16).padStart(2, '0')}`);
  const verifier = ed25519NoteVerifier(parts.name, parts.publicKey);
  if (verifier.keyId !== parts.keyId) throw keyError('the key ID does not match the key');
  return verifier;
}

