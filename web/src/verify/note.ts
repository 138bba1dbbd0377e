import { concat, decodeBase64, sha256, subtle, toHex, utf8 } from './bytes.js';
import { VerifyError } from './errors.js';

/**
 * Signed notes (c2sp.org/signed-note v1.0.0), verifier keys and Ed25519
 * signatures through WebCrypto, for checking the log's checkpoints in the
 * browser. Notes come from the server being checked: parse them strictly.
 */

/** Signature type of plain Ed25519 note signatures (c2sp.org/signed-note §Signature types). */
export const ED25519_TYPE = 0x01;
/** Signature type of timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
export const COSIGNATURE_TYPE = 0x04;

const MAX_NOTE_SIZE = 1 << 20;
const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';
// ASCII controls other than newline are forbidden anywhere in a note (§Format).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000B-\u001F]/;

/** One signature line: the key name, the key ID (8 hex digits) and the bytes after the key ID. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: string;
  readonly bytes: Uint8Array;
  /** The line as it appears in the note, without its newline. */
  readonly line: string;
}

export interface SignedNote {
  /** The signed text: everything up to and including the newline before the blank line. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

function malformed(message: string): VerifyError {
  return new VerifyError('NOTE_MALFORMED', message);
}

/** Key names are non-empty, with no Unicode spaces and no plus signs (§Verifier keys). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** Parses a signed note without verifying anything; throws `NOTE_MALFORMED`. */
export function parseNote(note: string): SignedNote {
  if (typeof note !== 'string') throw malformed('a note is text');
  if (note.length > MAX_NOTE_SIZE) throw malformed('the note is too large');
  if (FORBIDDEN_CONTROL.test(note)) throw malformed('the note contains a control character');
  if (!note.endsWith('\n')) throw malformed('the note does not end with a newline');
  // The text ends at the LAST blank line: the text itself may contain blank lines.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('the note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0) throw malformed('the note has no signatures');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`the note has more than ${MAX_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line does not start with "— "');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed('a signature line has no signature');
  const name = rest.slice(0, space);
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  const raw = decodeBase64(rest.slice(space + 1));
  if (raw === undefined) throw malformed(`the signature of ${name} is not canonical base64`);
  if (raw.length < 5) throw malformed(`the signature of ${name} is too short`);
  return { name, keyId: toHex(raw.subarray(0, 4)), bytes: raw.subarray(4), line };
}

/** A parsed verifier key `name+hash+base64(type || public key)`. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: string;
  readonly type: number;
  readonly publicKey: Uint8Array;
  readonly text: string;
}

/** key ID = SHA-256(name || 0x0A || type || public key)[:4], as 8 hex digits (§Verifier keys). */
export async function noteKeyId(name: string, type: number, publicKey: Uint8Array): Promise<string> {
  const digest = await sha256(utf8(name), Uint8Array.of(0x0a, type), publicKey);
  return toHex(digest.subarray(0, 4));
}

/**
 * Parses a verifier key and checks that its key ID is the hash of its name
 * and key (a mistyped or spliced key fails here, not later). Only Ed25519
 * (type 0x01) keys are accepted: the log signs its checkpoints with one.
 */
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  return parseTypedVerifierKey(text.trim(), ED25519_TYPE);
}

/** Parses a witness's cosigner verifier key (type 0x04, c2sp.org/tlog-cosignature), checking its key ID. */
export async function parseCosignerVerifierKey(text: string): Promise<VerifierKey> {
  return parseTypedVerifierKey(text, COSIGNATURE_TYPE);
}

const TYPE_NAMES: Record<number, string> = { [ED25519_TYPE]: 'a log key is Ed25519 (0x01)', [COSIGNATURE_TYPE]: 'a witness key is a cosigner key (0x04)' };

/** A verifier key of exactly this signature type, as written (no trimming: policy files are parsed strictly). */
async function parseTypedVerifierKey(vkey: string, type: number): Promise<VerifierKey> {
  // The base64 part may contain '+', so match the fixed-shape prefix instead of splitting on it.
  const m = typeof vkey === 'string' && vkey.length <= 8192 ? /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/u.exec(vkey) : null;
  if (!m) {
    const example = type === COSIGNATURE_TYPE ? 'witness_vkey as printed by `accord witness init`' : 'log_vkey as printed by `accord init`';
    throw new VerifyError('VKEY_INVALID', `a verifier key looks like name+1234abcd+base64, e.g. ${example}`);
  }
  const [, name = '', keyId = '', b64 = ''] = m;
  const raw = decodeBase64(b64);
  if (raw === undefined) throw new VerifyError('VKEY_INVALID', 'the key part of the verifier key is not valid base64');
  if (raw[0] !== type) throw new VerifyError('VKEY_INVALID', `the verifier key has type 0x${(raw[0] ?? 0).toString(16).padStart(2, '0')}; ${TYPE_NAMES[type]}`);
  if (raw.length !== 33) throw new VerifyError('VKEY_INVALID', 'an Ed25519 verifier key holds 32 bytes of public key');
  const publicKey = raw.subarray(1);
  const expected = await noteKeyId(name, type, publicKey);
  if (expected !== keyId) throw new VerifyError('VKEY_INVALID', `the verifier key's ID ${keyId} does not match its name and key (expected ${expected}): it was altered or mistyped`);
  return { name, keyId, type, publicKey, text: vkey };
}

/** Ed25519 signature check through WebCrypto; false (never a throw) for a bad signature or key. */
export async function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const s = subtle();
  try {
    const key = await s.importKey('raw', concat(publicKey), { name: 'Ed25519' }, false, ['verify']);
    return await s.verify({ name: 'Ed25519' }, key, concat(signature), concat(message));
  } catch {
    return false;
  }
}

/** Whether WebCrypto here can verify Ed25519 (Chromium 137+, Firefox 129+, Safari 17+, Node 20). */
export async function ed25519Supported(): Promise<boolean> {
  const s = subtle();
  try {
    await s.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the note's signature by `key` (c2sp.org/signed-note §Signatures): the
 * line with the key's name and ID must verify over the note text. Throws
 * `SIGNATURE_MISSING` when the key did not sign, `SIGNATURE_INVALID` when it did
 * and the signature is wrong. Signatures by other keys are ignored, as the spec requires.
 */
export async function verifyNoteSignature(note: SignedNote, key: VerifierKey): Promise<NoteSignature> {
  const mine = note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (mine.length === 0) {
    const sameName = note.signatures.find((s) => s.name === key.name);
    throw new VerifyError(
      'SIGNATURE_MISSING',
      sameName
        ? `the note is signed by a key named ${key.name} with ID ${sameName.keyId}, not by this key (ID ${key.keyId})`
        : `the note has no signature by ${key.name}`,
    );
  }
  if (!(await ed25519Available())) {
    throw new VerifyError('SIGNATURE_INVALID', 'this browser cannot verify Ed25519 signatures with WebCrypto; use a current Chromium, Firefox or Safari, or `accord verify`');
  }
  const message = utf8(note.text);
  for (const sig of mine) {
    if (!(await ed25519Verify(key.publicKey, sig.bytes, message))) {
      throw new VerifyError('SIGNATURE_INVALID', `the signature of ${key.name} does not verify: the checkpoint was altered or signed by another key`);
    }
  }
  return mine[0]!;
}

let ed25519: Promise<boolean> | null = null;
/** `ed25519Supported`, asked once per page. */
export function ed25519Available(): Promise<boolean> {
  ed25519 ??= ed25519Supported();
  return ed25519;
}

/** A cosignature line's parts (c2sp.org/tlog-cosignature: big-endian u64 timestamp, then 64 bytes of Ed25519). */
export interface CosignatureInfo {
  /** POSIX seconds. */
  readonly timestamp: number;
  readonly signature: Uint8Array;
}

/** The timestamp and signature of a line shaped like a v1 cosignature (72 bytes after the key ID); undefined otherwise. */
export function decodeCosignature(sig: NoteSignature): CosignatureInfo | undefined {
  if (sig.bytes.length !== 72) return undefined;
  const view = new DataView(sig.bytes.buffer, sig.bytes.byteOffset, 8);
  const ts = view.getBigUint64(0);
  if (ts > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { timestamp: Number(ts), signature: sig.bytes.subarray(8) };
}

/** True when two signature lines are the same key's (name and key ID). */
export function sameKey(a: { name: string; keyId: string }, b: { name: string; keyId: string }): boolean {
  return a.name === b.name && a.keyId === b.keyId;
}
