import { decodeBase64 } from './bytes.js';
import { VerifyError } from './errors.js';
import { HASH_SIZE } from './merkle.js';
import { parseNote, type SignedNote } from './note.js';

/** A log's tree head (c2sp.org/tlog-checkpoint v1.0.0): origin, size, root hash and any extension lines. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
}

/** A checkpoint with the signed note it came from. */
export interface SignedCheckpoint extends Checkpoint {
  readonly note: SignedNote;
  /** The whole note as served, kept verbatim: its signatures cover those exact bytes. */
  readonly raw: string;
}

function malformed(message: string): VerifyError {
  return new VerifyError('CHECKPOINT_MALFORMED', message);
}

/**
 * Parses a checkpoint's note text strictly: at least three lines, a decimal
 * size without leading zeros below 2^53, a base64 SHA-256 root hash, non-empty
 * extension lines.
 */
export function parseCheckpointText(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('the checkpoint text does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('a checkpoint has at least three lines: origin, size, root hash');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw malformed('the origin line is empty');
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw malformed(`the tree size ${JSON.stringify(sizeText.slice(0, 40))} is not a decimal number below 2^53`);
  }
  const rootHash = decodeBase64(rootText);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) throw malformed('the root hash is not base64 of 32 bytes');
  if (extensions.some((l) => l.length === 0)) throw malformed('extension lines must be non-empty');
  return { origin, size: Number(sizeText), rootHash, extensions };
}

/** Parses a signed checkpoint (note + checkpoint text) without verifying any signature. */
export function parseSignedCheckpoint(raw: string): SignedCheckpoint {
  const note = parseNote(raw);
  return { ...parseCheckpointText(note.text), note, raw };
}
