import { createHash } from 'node:crypto';
import { AccordError } from '../errors.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { cosign } from './cosignature.js';
import type { Cosigner } from './cosignature.js';
import { LedgerError } from './errors.js';
import { emptyTreeHash, HASH_SIZE, verifyConsistency } from './merkle.js';
import { formatNote, formatSignatureLine, openNote, parseNote, MAX_NOTE_SIZE } from './note.js';
import type { NoteSignature } from './note.js';
import { parseVerifierKey } from './note-verifier.js';
import type { NoteVerifier } from './note-verifier.js';
import { bytesEqual, decodeBase64, decodeUtf8, encodeBase64, isSafeSize, parseDecimal } from './text-codec.js';

/**
 * The witness of c2sp.org/tlog-witness (`add-checkpoint`), as pure decisions:
 * parse the request, check it against the log's keys and the witness's record
 * of the log, and produce a `cosignature/v1` (c2sp.org/tlog-cosignature) plus
 * the record to persist. Storage is a port (`WitnessStore`); HTTP lives in src/witness/.
 *
 * Statuses follow the editor's draft of tlog-witness (after v1.0.0), which only
 * tightens what v1.0.0 left open: a same-size root mismatch is 422 (v1.0.0 said
 * 409), a size-0 checkpoint must carry the empty tree's root, and a non-empty
 * proof from old size 0 is refused.
 */

/**
 * Codes of the witness protocol. The first six are the request refusals the
 * spec defines (400, 404, 403, 409, 422, 422); the client reports what a remote
 * witness answered with the same codes, plus transport failures.
 */
export type WitnessErrorCode =
  /** The body breaks the add-checkpoint syntax, or the old size is above the checkpoint size (400). */
  | 'WITNESS_REQUEST_MALFORMED'
  /** The checkpoint's origin is not a log this witness is configured for (404). */
  | 'WITNESS_LOG_UNKNOWN'
  /** No valid signature by the log's keys, or a signature by one of them fails (403). */
  | 'WITNESS_SIGNATURE_INVALID'
  /** The old size is not the size the witness last cosigned (409, `text/x.tlog.size`); see `WitnessOldSizeError`. */
  | 'WITNESS_OLD_SIZE_MISMATCH'
  /** The consistency proof does not verify, or is not empty from size 0, or a size-0 checkpoint has a non-empty root (422). */
  | 'WITNESS_PROOF_INVALID'
  /** Same size as the recorded checkpoint but another root hash: a split view (422; 409 in v1.0.0). */
  | 'WITNESS_SPLIT_VIEW'
  /** A witness or client was configured with something impossible (bad vkey, URL, timeout, …). */
  | 'WITNESS_CONFIG_INVALID'
  /** The witness answered 200 with something that is not cosignature lines, or cosignatures that do not verify. */
  | 'WITNESS_RESPONSE_INVALID'
  /** The witness could not be reached, failed (5xx), or answered with a status the protocol does not define. */
  | 'WITNESS_UNAVAILABLE'
  /** The witness did not answer within the time allowed. */
  | 'WITNESS_TIMEOUT';

/** Errors of the witness protocol, on both the witness's and the client's side. */
export class WitnessError<C extends WitnessErrorCode = WitnessErrorCode> extends AccordError<C> {}

/** The old size was stale: the witness's latest cosigned size is `recordedSize`, so the log can retry with it. */
export class WitnessOldSizeError extends WitnessError<'WITNESS_OLD_SIZE_MISMATCH'> {
  readonly recordedSize: number;
  constructor(recordedSize: number, message = `the witness's latest cosigned size for this log is ${recordedSize}`) {
    super('WITNESS_OLD_SIZE_MISMATCH', message, { details: { recorded_size: recordedSize } });
    this.recordedSize = recordedSize;
  }
}

/** The client MUST NOT send more than 63 consistency proof lines (c2sp.org/tlog-witness §add-checkpoint). */
export const MAX_WITNESS_PROOF_LINES = 63;
/** Largest add-checkpoint body parsed: a note at its limit plus the old-size and proof lines. */
export const MAX_ADD_CHECKPOINT_BODY = MAX_NOTE_SIZE + 64 * (MAX_WITNESS_PROOF_LINES + 1);
/** Media type of the 409 answer's body, the recorded size in decimal and a newline. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** A log the witness vouches for: its origin and the keys its checkpoints must be signed with. */
export interface WitnessLog {
  readonly origin: string;
  readonly verifiers: readonly NoteVerifier[];
}

/** An add-checkpoint request body, parsed (the checkpoint note is not verified yet). */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

/** What the witness keeps per log: the latest checkpoint it cosigned (c2sp.org/tlog-witness §Introduction). */
export interface WitnessRecord {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The checkpoint note with the log signatures that verified and the witness's own cosignature(s). */
  readonly note: string;
  /** POSIX seconds of the cosignature; later cosignatures for the log never go below it. */
  readonly timestamp: number;
}

/**
 * The witness's storage port. `update` is where the spec's race (check the old
 * size, then persist) is closed: it must read the record, call `decide`, and
 * store what `decide` returns as one atomic, durable step, serialised with every
 * other `update` of the same origin; if `decide` throws, nothing is stored.
 */
export interface WitnessStore {
  latest(origin: string): Promise<WitnessRecord | undefined>;
  update<T extends { readonly record: WitnessRecord }>(origin: string, decide: (recorded: WitnessRecord | undefined) => T): Promise<T>;
}

/** A checkpoint that passed every check that does not depend on the witness's record. */
export interface VerifiedSubmission {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  readonly checkpoint: Checkpoint;
  /** The checkpoint's note text (what is signed). */
  readonly text: string;
  /** The log's signatures that verified; signatures by unknown keys are dropped. */
  readonly logSignatures: readonly NoteSignature[];
}

/** The outcome of an accepted add-checkpoint. */
export interface CosignDecision {
  /** The cosignature line(s), each ending in a newline: the 200 response body. */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
  /** The new record to persist before answering. */
  readonly record: WitnessRecord;
}

/** Everything the witness's decision depends on. */
export interface WitnessConfig {
  readonly logs: ReadonlyMap<string, WitnessLog>;
  readonly cosigners: readonly Cosigner[];
  readonly store: WitnessStore;
  /** Current time in POSIX seconds. */
  readonly now: () => number;
}

/** A request that was refused by a log the witness knows, with a valid log signature: possible evidence of misbehaviour. */
export interface RefusedSubmission {
  readonly origin: string;
  readonly error: WitnessError;
  readonly body: string;
}

function malformed(message: string, cause?: unknown): WitnessError<'WITNESS_REQUEST_MALFORMED'> {
  return new WitnessError('WITNESS_REQUEST_MALFORMED', message, cause === undefined ? {} : { cause });
}

function configError(message: string, cause?: unknown): WitnessError<'WITNESS_CONFIG_INVALID'> {
  return new WitnessError('WITNESS_CONFIG_INVALID', message, cause === undefined ? {} : { cause });
}

const OLD_LINE = /^old (0|[1-9][0-9]*)$/;

/**
 * Parses an add-checkpoint body strictly (c2sp.org/tlog-witness §add-checkpoint):
 * `old <size>\n`, at most 63 lines of canonical base64 32-byte hashes, an empty
 * line, then a signed note whose text is a checkpoint. The body is
 * attacker-controlled; everything wrong is `WITNESS_REQUEST_MALFORMED` (400).
 */
export function parseAddCheckpointRequest(body: string | Uint8Array): AddCheckpointRequest {
  let text: string;
  if (body instanceof Uint8Array) {
    if (body.length > MAX_ADD_CHECKPOINT_BODY) throw malformed('the request body is too large');
    const decoded = decodeUtf8(body);
    if (decoded === undefined) throw malformed('the request body is not valid UTF-8');
    text = decoded;
  } else if (typeof body === 'string') {
    if (body.length > MAX_ADD_CHECKPOINT_BODY) throw malformed('the request body is too large');
    text = body;
  } else {
    throw malformed('the request body is missing');
  }
  // Header lines are never empty, so the first blank line ends them.
  const split = text.indexOf('\n\n');
  if (split < 0) throw malformed('the request has no empty line before the checkpoint');
  const header = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  const oldMatch = OLD_LINE.exec(header[0] as string);
  const oldSize = oldMatch === null ? undefined : parseDecimal(oldMatch[1] as string);
  if (oldSize === undefined) throw malformed('the first line must be "old <size>" in decimal without leading zeros');
  const proofLines = header.slice(1);
  if (proofLines.length > MAX_WITNESS_PROOF_LINES) throw malformed(`more than ${MAX_WITNESS_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((line, i) => {
    const hash = decodeBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) throw malformed(`consistency proof line ${i + 1} is not base64 of a ${HASH_SIZE}-byte hash`);
    return hash;
  });
  try {
    // Syntax only here: whether the note is signed by the log is checked against the log's keys later.
    parseCheckpoint(parseNote(checkpoint).text);
  } catch (cause) {
    if (cause instanceof LedgerError) throw malformed(`the checkpoint is malformed: ${cause.message}`, cause);
    throw cause;
  }
  return { oldSize, proof, checkpoint };
}

/** Serialises an add-checkpoint body; refuses what `parseAddCheckpointRequest` would refuse. */
export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  if (!isSafeSize(request.oldSize)) throw malformed('the old size must be an integer in [0, 2^53)');
  if (!Array.isArray(request.proof) || request.proof.length > MAX_WITNESS_PROOF_LINES) throw malformed(`a proof has at most ${MAX_WITNESS_PROOF_LINES} hashes`);
  const lines = request.proof.map((h) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw malformed(`proof hashes are ${HASH_SIZE} bytes`);
    return `${encodeBase64(h)}\n`;
  });
  const body = `old ${request.oldSize}\n${lines.join('')}\n${request.checkpoint}`;
  parseAddCheckpointRequest(body);
  return body;
}

/**
 * Checks a request against the configured logs, without the witness's record:
 * known origin (else 404), a valid log signature and no failing one (else 403),
 * old size not above the checkpoint size (else 400).
 */
export function verifySubmission(request: AddCheckpointRequest, logs: ReadonlyMap<string, WitnessLog>): VerifiedSubmission {
  let note;
  let checkpoint;
  try {
    note = parseNote(request.checkpoint);
    checkpoint = parseCheckpoint(note.text);
  } catch (cause) {
    throw malformed('the checkpoint is malformed', cause);
  }
  const log = logs.get(checkpoint.origin);
  if (log === undefined) throw new WitnessError('WITNESS_LOG_UNKNOWN', `this witness does not know the log ${JSON.stringify(checkpoint.origin)}`);
  let verified;
  try {
    verified = openNote(request.checkpoint, log.verifiers);
  } catch (cause) {
    if (cause instanceof LedgerError && (cause.code === 'NOTE_UNVERIFIED' || cause.code === 'NOTE_SIGNATURE_INVALID')) {
      throw new WitnessError('WITNESS_SIGNATURE_INVALID', `the checkpoint is not validly signed by the log ${JSON.stringify(checkpoint.origin)}`, { cause });
    }
    throw cause;
  }
  // Sign only a re-encoding of what was understood; the strict parser makes it the same bytes,
  // and should the two ever differ, refusing is the safe side (the parser-alignment threat).
  if (formatCheckpoint(checkpoint) !== note.text) throw malformed('the checkpoint is not in canonical form');
  if (request.oldSize > checkpoint.size) throw malformed(`the old size ${request.oldSize} is larger than the checkpoint size ${checkpoint.size}`);
  return { oldSize: request.oldSize, proof: request.proof, checkpoint, text: note.text, logSignatures: verified.verified };
}

/**
 * The decision against the witness's record of the log (`undefined`: never cosigned):
 * 409 unless the old size is the recorded size, 422 for an inconsistent
 * checkpoint or a split view; otherwise the cosignature(s) at `now` and the record to store.
 */
export function decideCosignature(
  submission: VerifiedSubmission,
  recorded: WitnessRecord | undefined,
  cosigners: readonly Cosigner[],
  now: number,
): CosignDecision {
  const { oldSize, proof, checkpoint } = submission;
  if (recorded !== undefined && recorded.origin !== checkpoint.origin) throw new Error('witness record of another log');
  const recordedSize = recorded?.size ?? 0;
  if (oldSize !== recordedSize) throw new WitnessOldSizeError(recordedSize);
  if (checkpoint.size === 0 && !bytesEqual(checkpoint.rootHash, emptyTreeHash())) {
    throw new WitnessError('WITNESS_PROOF_INVALID', 'a checkpoint of size 0 must have the root hash of the empty tree');
  }
  if (oldSize === 0) {
    // The empty tree is consistent with every tree, so there is nothing to prove.
    if (proof.length !== 0) throw new WitnessError('WITNESS_PROOF_INVALID', 'the consistency proof from size 0 must be empty');
  } else {
    const old = recorded as WitnessRecord;
    if (checkpoint.size === old.size) {
      if (proof.length !== 0) throw new WitnessError('WITNESS_PROOF_INVALID', 'the consistency proof between equal sizes must be empty');
      if (!bytesEqual(checkpoint.rootHash, old.rootHash)) {
        throw new WitnessError('WITNESS_SPLIT_VIEW', `the log ${JSON.stringify(checkpoint.origin)} signed two different root hashes for size ${old.size}`);
      }
    } else {
      try {
        verifyConsistency(old.size, checkpoint.size, old.rootHash, checkpoint.rootHash, proof);
      } catch (cause) {
        if (cause instanceof LedgerError) {
          throw new WitnessError('WITNESS_PROOF_INVALID', `the consistency proof from size ${old.size} to ${checkpoint.size} does not verify`, { cause });
        }
        throw cause;
      }
    }
  }
  if (cosigners.length === 0) throw configError('a witness needs at least one cosigner key');
  // A cosignature says "as of this time, this is the largest tree I saw"; a clock that
  // steps back must not make an older statement look newer, so times never decrease per log.
  const timestamp = Math.max(1, Math.floor(now), recorded?.timestamp ?? 0);
  const signatures = cosigners.map((c) => cosign(submission.text, c, timestamp));
  const note = formatNote({ text: submission.text, signatures: [...submission.logSignatures, ...signatures] });
  return {
    body: signatures.map((s) => `${formatSignatureLine(s)}\n`).join(''),
    signatures,
    record: { origin: checkpoint.origin, size: checkpoint.size, rootHash: checkpoint.rootHash, note, timestamp },
  };
}

/**
 * Handles one add-checkpoint body end to end: parse, verify against the log,
 * then decide and persist through `store.update` (atomic per log). `onRefused`
 * hears about refusals of validly signed checkpoints (bad proofs, split views),
 * which the spec suggests keeping as evidence.
 */
export async function addCheckpoint(
  witness: WitnessConfig,
  body: string | Uint8Array,
  onRefused?: (refusal: RefusedSubmission) => void,
): Promise<CosignDecision> {
  const submission = verifySubmission(parseAddCheckpointRequest(body), witness.logs);
  const origin = submission.checkpoint.origin;
  try {
    return await witness.store.update(origin, (recorded) => decideCosignature(submission, recorded, witness.cosigners, witness.now()));
  } catch (err) {
    if (onRefused !== undefined && err instanceof WitnessError && (err.code === 'WITNESS_PROOF_INVALID' || err.code === 'WITNESS_SPLIT_VIEW')) {
      onRefused({ origin, error: err, body: typeof body === 'string' ? body : Buffer.from(body).toString('utf8') });
    }
    throw err;
  }
}

/**
 * Builds the witness's log table from configuration entries, each a log verifier
 * key, optionally followed by one space and the log's origin when it is not the
 * key name (the C2SP convention, and the default). Several keys for one origin
 * are one log with several keys.
 */
export function witnessLogsFromVkeys(entries: readonly string[]): Map<string, WitnessLog> {
  const byOrigin = new Map<string, NoteVerifier[]>();
  for (const entry of entries) {
    const space = entry.indexOf(' ');
    const vkey = space < 0 ? entry : entry.slice(0, space);
    let verifier;
    try {
      verifier = parseVerifierKey(vkey);
    } catch (cause) {
      throw configError(`not an Ed25519 log verifier key: ${JSON.stringify(vkey.slice(0, 200))}`, cause);
    }
    const origin = space < 0 ? verifier.name : entry.slice(space + 1);
    if (origin.length === 0 || origin.includes('\n')) throw configError(`invalid log origin in ${JSON.stringify(entry.slice(0, 200))}`);
    const list = byOrigin.get(origin) ?? [];
    if (list.some((v) => v.name === verifier.name && v.keyId === verifier.keyId)) throw configError(`the key ${JSON.stringify(vkey.slice(0, 200))} is given twice for ${JSON.stringify(origin)}`);
    list.push(verifier);
    byOrigin.set(origin, list);
  }
  return new Map([...byOrigin].map(([origin, verifiers]) => [origin, { origin, verifiers }]));
}

/** Lowercase hex SHA-256 of an origin: the path segment of the monitoring endpoint (`GET <prefix>/<origin hash>/checkpoint`). */
export function originHash(origin: string): string {
  return createHash('sha256').update(origin, 'utf8').digest('hex');
}
