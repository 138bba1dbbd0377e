import { sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { parseCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { isValidKeyName, noteKeyId, signerFromSeed } from './note-key.js';
import { addNoteSignatures, parseNote } from './note.js';
import type { NoteSignature } from './note.js';
import { decodeVerifierKey, ED25519_PUBLIC_KEY_SIZE, ed25519PublicKey, ed25519Verify, keyIdToNumber } from './note-verifier.js';
import type { NoteVerifier } from './note-verifier.js';
import { attempt, encodeBase64, isSafeSize, utf8 } from './text-codec.js';

/**
 * Ed25519 checkpoint cosignatures (c2sp.org/tlog-cosignature v1.0.1,
 * `cosignature/v1`): a note signature of type 0x04 whose bytes are a big-endian
 * u64 timestamp followed by an Ed25519 signature over
 * `cosignature/v1\ntime <timestamp>\n<checkpoint text>`.
 */

/** Signature type of timestamped Ed25519 cosignatures (c2sp.org/signed-note §Signature types). */
export const COSIGNATURE_TYPE = 0x04;
/** Domain-separating header line of the signed message. */
export const COSIGNATURE_HEADER = 'cosignature/v1';
/** Bytes of a `timestamped_signature`: u64 timestamp and a 64-byte Ed25519 signature. */
export const COSIGNATURE_SIZE = 72;

// The spec caps timestamps at 2^63 - 1.
const MAX_TIMESTAMP = (1n << 63n) - 1n;

/** A cosigner's key: its name, its type-0x04 key ID and the Ed25519 key pair. */
export interface Cosigner {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly privateKey: KeyObject;
  readonly publicKey: Uint8Array;
}

/** A verified cosignature: who vouched for the checkpoint, and when. */
export interface Cosignature {
  readonly name: string;
  readonly keyId: number;
  /** POSIX seconds. */
  readonly timestamp: number;
}

function keyError(message: string): LedgerError<'NOTE_KEY_INVALID'> {
  return new LedgerError('NOTE_KEY_INVALID', message);
}

/** Builds a cosigner from a 32-byte Ed25519 seed; the key ID uses type 0x04, so it differs from a log key's. */
export function cosignerFromSeed(name: string, seed: Uint8Array): Cosigner {
  let base;
  try {
    base = signerFromSeed(name, seed);
  } catch (cause) {
    throw new LedgerError('NOTE_KEY_INVALID', 'invalid cosigner name or seed', { cause });
  }
  return { ...base, keyId: noteKeyId(name, COSIGNATURE_TYPE, base.publicKey) };
}

/** The cosigner's verifier key `name+hash+base64(0x04 || key)` (c2sp.org/tlog-cosignature §Format). */
export function cosignerVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw keyError(`invalid key name ${JSON.stringify(name)}`);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_SIZE) throw keyError('an Ed25519 public key is 32 bytes');
  const id = Buffer.from(noteKeyId(name, COSIGNATURE_TYPE, publicKey)).toString('hex');
  return `${name}+${id}+${encodeBase64(Uint8Array.of(COSIGNATURE_TYPE, ...publicKey))}`;
}

/** The exact bytes a v1 cosignature signs (c2sp.org/tlog-cosignature §Ed25519 signed message). */
export function cosignedMessage(checkpointText: string, timestamp: number | bigint): Uint8Array {
  return utf8(`${COSIGNATURE_HEADER}\ntime ${BigInt(timestamp).toString()}\n${checkpointText}`);
}

/** Splits the signature bytes of a cosignature line into timestamp and Ed25519 signature; `COSIGNATURE_MALFORMED` if impossible. */
export function decodeCosignature(signature: Uint8Array): { timestamp: bigint; signature: Uint8Array } {
  if (!(signature instanceof Uint8Array) || signature.length !== COSIGNATURE_SIZE) {
    throw new LedgerError('COSIGNATURE_MALFORMED', `a cosignature is ${COSIGNATURE_SIZE} bytes after the key ID`);
  }
  const timestamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  if (timestamp > MAX_TIMESTAMP) throw new LedgerError('COSIGNATURE_MALFORMED', 'a cosignature timestamp is at most 2^63 - 1');
  return { timestamp, signature: signature.subarray(8) };
}

/** A `NoteVerifier` for `cosignature/v1` signatures by `name` with this Ed25519 key. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  if (!isValidKeyName(name)) throw keyError(`invalid key name ${JSON.stringify(name)}`);
  const key = ed25519PublicKey(publicKey);
  return {
    name,
    keyId: keyIdToNumber(noteKeyId(name, COSIGNATURE_TYPE, publicKey)),
    verify(text, signature) {
      const parts = attempt(() => decodeCosignature(signature));
      if (parts === undefined) return false;
      const header = utf8(`${COSIGNATURE_HEADER}\ntime ${parts.timestamp.toString()}\n`);
      const message = new Uint8Array(header.length + text.length);
      message.set(header);
      message.set(text, header.length);
      return ed25519Verify(key, message, parts.signature);
    },
  };
}

/** Parses a cosigner verifier key (type 0x04), checking its key ID. */
export function parseCosignerVerifierKey(vkey: string): NoteVerifier {
  const parts = decodeVerifierKey(vkey);
  if (parts.type !== COSIGNATURE_TYPE) throw keyError(`not a cosignature key: type 0x${parts.type.toString(16).padStart(2, '0')}`);
  const verifier = cosignatureVerifier(parts.name, parts.publicKey);
  if (verifier.keyId !== parts.keyId) throw keyError('the key ID does not match the key');
  return verifier;
}

/**
 * Cosigns a checkpoint text at `timestamp` (POSIX seconds). Only the signature
 * is made here: checking consistency with what the cosigner saw before is the witness's job.
 */
export function cosign(checkpointText: string, cosigner: Cosigner, timestamp: number): NoteSignature {
  parseCheckpoint(checkpointText);
  if (!isSafeSize(timestamp)) throw new LedgerError('COSIGNATURE_MALFORMED', 'timestamp must be a non-negative integer');
  const ed = cryptoSign(null, cosignedMessage(checkpointText, timestamp), cosigner.privateKey);
  const signature = new Uint8Array(COSIGNATURE_SIZE);
  new DataView(signature.buffer).setBigUint64(0, BigInt(timestamp));
  signature.set(ed, 8);
  return { name: cosigner.name, keyId: keyIdToNumber(cosigner.keyId), signature };
}

/** Adds a cosignature line to a signed checkpoint note. */
export function addCosignature(signedCheckpoint: string | Uint8Array, cosigner: Cosigner, timestamp: number): string {
  const { text } = parseNote(signedCheckpoint);
  return addNoteSignatures(signedCheckpoint, [cosign(text, cosigner, timestamp)]);
}

/**
 * Verifies the cosignatures in a checkpoint note by the given cosigners and
 * returns them with their timestamps. Lines by other keys are ignored; a line
 * by a given cosigner that fails is `NOTE_SIGNATURE_INVALID`. How many are
 * enough is the caller's policy.
 */
export function verifyCosignatures(note: string | Uint8Array, cosigners: readonly NoteVerifier[]): Cosignature[] {
  const parsed = parseNote(note);
  const text = utf8(parsed.text);
  const out: Cosignature[] = [];
  for (const sig of parsed.signatures) {
    const verifier = cosigners.find((c) => c.name === sig.name && c.keyId === sig.keyId);
    if (verifier === undefined) continue;
    const ok = attempt(() => verifier.verify(text, sig.signature)) === true;
    if (!ok) {
      throw new LedgerError('NOTE_SIGNATURE_INVALID', `the cosignature of ${sig.name} does not verify`);
    }
    if (out.some((c) => c.name === sig.name && c.keyId === sig.keyId)) continue;
    const { timestamp } = decodeCosignature(sig.signature);
    // Beyond 2^53 seconds is hundreds of millions of years ahead; the spec lets verifiers refuse future times.
    if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new LedgerError('COSIGNATURE_MALFORMED', 'cosignature timestamp is too far in the future');
    out.push({ name: sig.name, keyId: sig.keyId, timestamp: Number(timestamp) });
  }
  return out;
}
