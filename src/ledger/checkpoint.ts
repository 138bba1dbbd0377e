import { LedgerError } from './errors.js';
import { HASH_SIZE } from './merkle.js';
import type { NoteSigner } from './note-key.js';
import { checkNoteText, openNote, signNote } from './note.js';
import type { VerifiedNote } from './note.js';
import type { NoteVerifier } from './note-verifier.js';
import { decodeBase64, encodeBase64, isSafeSize, parseDecimal } from './text-codec.js';

/**
 * Checkpoints (c2sp.org/tlog-checkpoint v1.0.0): the note text
 * `<origin>\n<size>\n<base64 root>\n[<extension>\n…]` a log signs as its tree head.
 */

/** A log's tree head at one size. */
export interface Checkpoint {
  /** Unique identity of the log, conventionally its schema-less URL prefix. */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty extension lines (NOT RECOMMENDED by the spec; kept verbatim). */
  readonly extensions: readonly string[];
}

/** A checkpoint together with the verified note it came from. */
export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: VerifiedNote;
}

function malformed(message: string, cause?: unknown): LedgerError<'CHECKPOINT_MALFORMED'> {
  return new LedgerError('CHECKPOINT_MALFORMED', message, cause === undefined ? {} : { cause });
}

/** Serialises a checkpoint to its note text; refuses anything `parseCheckpoint` would refuse. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (typeof origin !== 'string' || origin.length === 0 || origin.includes('\n')) throw malformed('origin must be one non-empty line');
  if (!isSafeSize(size)) throw malformed(`tree size ${String(size)} is not an integer in [0, 2^53)`);
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) throw malformed(`root hash must be ${HASH_SIZE} bytes`);
  for (const line of extensions) {
    if (typeof line !== 'string' || line.length === 0 || line.includes('\n')) throw malformed('extension lines must be single non-empty lines');
  }
  const text = [origin, String(size), encodeBase64(rootHash), ...extensions].map((l) => `${l}\n`).join('');
  try {
    checkNoteText(text);
  } catch (cause) {
    throw malformed('checkpoint is not valid note text', cause);
  }
  return text;
}

/**
 * Parses a checkpoint note text strictly: at least three non-empty lines, a
 * decimal size without leading zeros, a base64 SHA-256 root, non-empty
 * extension lines, a final newline. Sizes above 2^53 - 1 are refused as unsupported.
 */
export function parseCheckpoint(text: string): Checkpoint {
  try {
    checkNoteText(text);
  } catch (cause) {
    throw malformed('checkpoint is not valid note text', cause);
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('a checkpoint has at least three lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw malformed('the origin line is empty');
  const size = parseDecimal(sizeText);
  if (size === undefined) throw malformed(`tree size ${JSON.stringify(sizeText)} is not a decimal number below 2^53 without leading zeros`);
  const rootHash = decodeBase64(rootText);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) throw malformed('root hash is not base64 of 32 bytes');
  if (extensions.some((l) => l.length === 0)) throw malformed('extension lines must be non-empty');
  return { origin, size, rootHash, extensions };
}

/** Formats and signs a checkpoint with the log's Ed25519 key(s); returns the signed note. */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

/**
 * Verifies a signed checkpoint from `origin` with the log's verifiers
 * (other signatures, such as cosignatures, are ignored here) and parses it.
 */
export function openCheckpoint(note: string | Uint8Array, origin: string, verifiers: readonly NoteVerifier[]): OpenedCheckpoint {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== origin) {
    throw new LedgerError('CHECKPOINT_ORIGIN_MISMATCH', `checkpoint is from ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(origin)}`);
  }
  return { checkpoint, note: opened };
}
