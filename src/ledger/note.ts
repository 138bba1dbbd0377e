import { sign as cryptoSign } from 'node:crypto';
import { LedgerError } from './errors.js';
import { isValidKeyName } from './note-key.js';
import type { NoteSigner } from './note-key.js';
import { keyIdToNumber } from './note-verifier.js';
import type { NoteVerifier } from './note-verifier.js';
import { attempt, decodeBase64, decodeUtf8, encodeBase64, isWellFormedUnicode, utf8 } from './text-codec.js';

/**
 * Signed notes (c2sp.org/signed-note v1.0.0): a text ending in a newline, a
 * blank line, and one or more lines `— <key name> base64(key ID || signature)`.
 */

/**
 * Largest note accepted, in UTF-8 bytes. The spec asks verifiers to bound notes
 * (§Format); 1 MiB leaves room for 100 post-quantum signatures of ~5 kB.
 */
export const MAX_NOTE_SIZE = 1 << 20;
/** Most signature lines accepted (the spec's floor is 16; Go's x/mod/sumdb/note also stops at 100). */
export const MAX_NOTE_SIGNATURES = 100;
/** Largest decoded signature (key ID included): fits ML-DSA-87 and the timestamped cosignatures. */
export const MAX_SIGNATURE_SIZE = 8192;

const SIGNATURE_PREFIX = '\u2014 ';
// ASCII controls other than newline are forbidden anywhere in a note (§Format).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000B-\u001F]/;

/** One signature line: key name, key ID and the signature bytes after the ID. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
}

/** A parsed, not yet verified, signed note. */
export interface Note {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A note whose signatures by known keys all verified. */
export interface VerifiedNote extends Note {
  /** Signatures by the given verifiers, all valid, one per key. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by keys the caller does not know; ignored as the spec requires. */
  readonly unknown: readonly NoteSignature[];
}

function malformed(message: string): LedgerError<'NOTE_MALFORMED'> {
  return new LedgerError('NOTE_MALFORMED', message);
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Throws `NOTE_MALFORMED` unless `text` can be the text of a signed note: UTF-8, no controls but newline, ending in newline. */
export function checkNoteText(text: string): void {
  if (typeof text !== 'string') throw malformed('note text must be a string');
  if (text.length > MAX_NOTE_SIZE || byteLength(text) > MAX_NOTE_SIZE) throw malformed('note text is too large');
  if (!isWellFormedUnicode(text)) throw malformed('note text is not valid Unicode');
  if (FORBIDDEN_CONTROL.test(text)) throw malformed('note text contains a control character');
  if (!text.endsWith('\n')) throw malformed('note text must end with a newline');
}

/**
 * Parses a signed note strictly (c2sp.org/signed-note §Format) without
 * verifying anything; every violation is `NOTE_MALFORMED`.
 */
export function parseNote(input: string | Uint8Array): Note {
  let note: string;
  if (input instanceof Uint8Array) {
    if (input.length > MAX_NOTE_SIZE) throw malformed('note is too large');
    const decoded = decodeUtf8(input);
    if (decoded === undefined) throw malformed('note is not valid UTF-8');
    note = decoded;
  } else {
    note = input;
  }
  checkNoteText(note);
  // The text ends at the last blank line; what follows is the signature block.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0) throw malformed('note has no signatures');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map(parseSignatureLine);
  return { text, signatures };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('signature line does not start with "\u2014 "');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed('signature line has no signature');
  const name = rest.slice(0, space);
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  const raw = decodeBase64(rest.slice(space + 1));
  if (raw === undefined) throw malformed(`signature of ${name} is not canonical base64`);
  // At least a key ID and one signature byte.
  if (raw.length < 5 || raw.length > MAX_SIGNATURE_SIZE) throw malformed(`signature of ${name} has an impossible length`);
  return { name, keyId: keyIdToNumber(raw.subarray(0, 4)), signature: raw.subarray(4) };
}

/** The line `— <name> base64(key ID || signature)`, without its newline. */
export function formatSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) throw malformed(`invalid key name ${JSON.stringify(sig.name)}`);
  if (!Number.isInteger(sig.keyId) || sig.keyId < 0 || sig.keyId > 0xffffffff) throw malformed('a key ID is a uint32');
  if (sig.signature.length < 1 || sig.signature.length + 4 > MAX_SIGNATURE_SIZE) throw malformed('signature has an impossible length');
  const raw = new Uint8Array(4 + sig.signature.length);
  new DataView(raw.buffer).setUint32(0, sig.keyId);
  raw.set(sig.signature, 4);
  return `${SIGNATURE_PREFIX}${sig.name} ${encodeBase64(raw)}`;
}

/** Serialises a note; the result always parses back to the same note. */
export function formatNote(note: Note): string {
  checkNoteText(note.text);
  if (note.signatures.length < 1 || note.signatures.length > MAX_NOTE_SIGNATURES) {
    throw malformed(`a note has 1 to ${MAX_NOTE_SIGNATURES} signatures`);
  }
  const out = `${note.text}\n${note.signatures.map((s) => `${formatSignatureLine(s)}\n`).join('')}`;
  if (byteLength(out) > MAX_NOTE_SIZE) throw malformed('signed note would be too large');
  return out;
}

/** Signs a note text with an Ed25519 key (signature type 0x01). */
export function signNoteText(text: string, signer: NoteSigner): NoteSignature {
  checkNoteText(text);
  if (!isValidKeyName(signer.name)) throw new LedgerError('NOTE_KEY_INVALID', `invalid key name ${JSON.stringify(signer.name)}`);
  const signature = new Uint8Array(cryptoSign(null, utf8(text), signer.privateKey));
  return { name: signer.name, keyId: keyIdToNumber(signer.keyId), signature };
}

/** Signs `text` with each Ed25519 signer and returns the signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  return formatNote({ text, signatures: signers.map((s) => signNoteText(text, s)) });
}

/** Adds signature lines to a signed note (for example a witness cosignature), keeping the existing ones. */
export function addNoteSignatures(note: string | Uint8Array, signatures: readonly NoteSignature[]): string {
  const parsed = parseNote(note);
  return formatNote({ text: parsed.text, signatures: [...parsed.signatures, ...signatures] });
}

function sameKey(a: { name: string; keyId: number }, b: { name: string; keyId: number }): boolean {
  return a.name === b.name && a.keyId === b.keyId;
}

/**
 * Parses a note and verifies it (c2sp.org/signed-note §Signatures): signatures
 * by unknown keys are ignored, a bad signature by a known key rejects the whole
 * note (`NOTE_SIGNATURE_INVALID`), and without a valid known signature the note
 * is rejected (`NOTE_UNVERIFIED`).
 */
export function openNote(input: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  verifiers.forEach((v, i) => {
    // Name and key ID must identify one key, or a signature could be checked against the wrong one.
    if (verifiers.findIndex((w) => sameKey(v, w)) !== i) {
      throw new LedgerError('NOTE_KEY_INVALID', `two verifiers share the name ${v.name} and key ID`);
    }
  });
  const note = parseNote(input);
  const text = utf8(note.text);
  const verified: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  for (const sig of note.signatures) {
    const verifier = verifiers.find((v) => sameKey(v, sig));
    if (verifier === undefined) {
      unknown.push(sig);
      continue;
    }
    // A verifier that throws is treated as one that refuses.
    const ok = attempt(() => verifier.verify(text, sig.signature)) === true;
    if (!ok) throw new LedgerError('NOTE_SIGNATURE_INVALID', `the signature of ${sig.name} does not verify`);
    if (!verified.some((v) => sameKey(v, sig))) verified.push(sig);
  }
  if (verified.length === 0) throw new LedgerError('NOTE_UNVERIFIED', 'the note has no signature by a known key');
  return { ...note, verified, unknown };
}
