import { openCheckpoint, parseCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { verifyCosignatures } from './cosignature.js';
import type { Cosignature } from './cosignature.js';
import { LedgerError } from './errors.js';
import { HASH_SIZE, verifyInclusion } from './merkle.js';
import { parseNote } from './note.js';
import type { NoteVerifier } from './note-verifier.js';
import { decodeBase64, decodeUtf8, encodeBase64, isSafeSize, parseDecimal } from './text-codec.js';

/**
 * Transparency log proofs (c2sp.org/tlog-proof@v1): an offline-verifiable
 * bundle of an entry's index, its inclusion proof and the (cosigned) checkpoint.
 */

/** First line of every proof file. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** Inclusion proofs of trees below 2^64 leaves have at most 64 hashes. */
export const MAX_TLOG_PROOF_HASHES = 64;
/** Largest proof file accepted: a checkpoint note plus 64 hashes and some extra data. */
export const MAX_TLOG_PROOF_SIZE = (1 << 20) + 64 * 1024;

/** A parsed proof file. The checkpoint is kept verbatim: its signatures cover those exact bytes. */
export interface TlogProof {
  readonly index: number;
  /** Opaque, unauthenticated extra data; never trust it without checking it some other way. */
  readonly extra?: Uint8Array;
  readonly inclusionProof: readonly Uint8Array[];
  /** The signed checkpoint note. */
  readonly checkpoint: string;
}

/** Who must have signed a proof's checkpoint for it to be accepted. */
export interface TlogProofPolicy {
  /** The log's origin line. */
  readonly origin: string;
  /** The log's keys; at least one must have signed the checkpoint. */
  readonly logVerifiers: readonly NoteVerifier[];
  /** Witness keys (type 0x04 cosigners); optional. */
  readonly cosigners?: readonly NoteVerifier[];
  /** How many distinct cosigners must have cosigned (default 0). */
  readonly quorum?: number;
}

/** What a verified proof establishes. */
export interface VerifiedTlogProof {
  readonly index: number;
  readonly extra?: Uint8Array;
  readonly checkpoint: Checkpoint;
  readonly cosignatures: readonly Cosignature[];
}

function malformed(message: string, cause?: unknown): LedgerError<'TLOG_PROOF_MALFORMED'> {
  return new LedgerError('TLOG_PROOF_MALFORMED', message, cause === undefined ? {} : { cause });
}

function checkProofCheckpoint(checkpoint: string): void {
  try {
    parseCheckpoint(parseNote(checkpoint).text);
  } catch (cause) {
    throw malformed('the checkpoint is not a signed checkpoint note', cause);
  }
}

/** The proof file's text without its checkpoint (which follows it verbatim); `b64` encodes each hash. */
function proofHead(proof: Omit<TlogProof, 'checkpoint'>, b64: (h: Uint8Array) => string): string {
  if (!isSafeSize(proof.index)) throw malformed('index must be an integer in [0, 2^53)');
  if (proof.inclusionProof.length > MAX_TLOG_PROOF_HASHES) throw malformed(`at most ${MAX_TLOG_PROOF_HASHES} proof hashes`);
  if (proof.extra !== undefined && proof.extra.length === 0) throw malformed('extra data, when present, is not empty');
  let text = `${TLOG_PROOF_HEADER}\n`;
  if (proof.extra !== undefined) text += `extra ${encodeBase64(proof.extra)}\n`;
  text += `index ${proof.index}\n`;
  for (const h of proof.inclusionProof) {
    if (h.length !== HASH_SIZE) throw malformed(`proof hashes are ${HASH_SIZE} bytes`);
    text += `${b64(h)}\n`;
  }
  return `${text}\n`;
}

/** Serialises a proof file (c2sp.org/tlog-proof §Format). */
export function formatTlogProof(proof: TlogProof): string {
  const head = proofHead(proof, encodeBase64);
  checkProofCheckpoint(proof.checkpoint);
  return head + proof.checkpoint;
}

/**
 * Serialises the proof files of many entries against one checkpoint, as
 * `formatTlogProof` would each: the checkpoint is checked once, and a hash
 * object shared by several proofs (the nodes near the right edge of the tree
 * every proof of a batch ends with) is encoded once.
 */
export function formatTlogProofs(checkpoint: string, proofs: readonly Omit<TlogProof, 'checkpoint'>[]): string[] {
  checkProofCheckpoint(checkpoint);
  const encoded = new Map<Uint8Array, string>();
  const b64 = (h: Uint8Array): string => {
    let text = encoded.get(h);
    if (text === undefined) {
      text = encodeBase64(h);
      encoded.set(h, text);
    }
    return text;
  };
  return proofs.map((p) => proofHead(p, b64) + checkpoint);
}

/**
 * Parses a proof file strictly. The whole file is attacker-controlled: every
 * line is checked, including that the trailing checkpoint is a well-formed
 * signed checkpoint note; signatures are not checked here (see `verifyTlogProof`).
 */
export function parseTlogProof(input: string | Uint8Array): TlogProof {
  let text: string;
  if (input instanceof Uint8Array) {
    if (input.length > MAX_TLOG_PROOF_SIZE) throw malformed('proof is too large');
    const decoded = decodeUtf8(input);
    if (decoded === undefined) throw malformed('proof is not valid UTF-8');
    text = decoded;
  } else if (typeof input === 'string') {
    if (input.length > MAX_TLOG_PROOF_SIZE) throw malformed('proof is too large');
    text = input;
  } else {
    throw malformed('proof must be text');
  }
  let at = 0;
  const nextLine = (): string => {
    const end = text.indexOf('\n', at);
    if (end < 0) throw malformed('proof ends before its checkpoint');
    const line = text.slice(at, end);
    at = end + 1;
    return line;
  };
  if (nextLine() !== TLOG_PROOF_HEADER) throw malformed(`proof does not start with ${TLOG_PROOF_HEADER}`);
  let line = nextLine();
  let extra: Uint8Array | undefined;
  if (line.startsWith('extra ')) {
    extra = decodeBase64(line.slice('extra '.length));
    if (extra === undefined || extra.length === 0) throw malformed('extra data is not non-empty canonical base64');
    line = nextLine();
  }
  if (!line.startsWith('index ')) throw malformed('missing index line');
  const index = parseDecimal(line.slice('index '.length));
  if (index === undefined) throw malformed('index is not a decimal number below 2^53 without leading zeros');
  const inclusionProof: Uint8Array[] = [];
  for (line = nextLine(); line !== ''; line = nextLine()) {
    if (inclusionProof.length === MAX_TLOG_PROOF_HASHES) throw malformed(`more than ${MAX_TLOG_PROOF_HASHES} proof hashes`);
    const hash = decodeBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) throw malformed('proof line is not base64 of a 32-byte hash');
    inclusionProof.push(hash);
  }
  const checkpoint = text.slice(at);
  try {
    parseCheckpoint(parseNote(checkpoint).text);
  } catch (cause) {
    throw malformed('the checkpoint is not a signed checkpoint note', cause);
  }
  return extra === undefined ? { index, inclusionProof, checkpoint } : { index, extra, inclusionProof, checkpoint };
}

/**
 * Verifies a proof for an entry with leaf hash `leafHash` (c2sp.org/tlog-proof
 * §Verifying): the checkpoint is signed by the log for `policy.origin`, enough
 * cosigners vouch for it, and the inclusion proof binds the leaf to its root.
 */
export function verifyTlogProof(input: string | Uint8Array | TlogProof, leafHash: Uint8Array, policy: TlogProofPolicy): VerifiedTlogProof {
  const proof = typeof input === 'string' || input instanceof Uint8Array ? parseTlogProof(input) : input;
  const { checkpoint } = openCheckpoint(proof.checkpoint, policy.origin, policy.logVerifiers);
  const cosignatures = verifyCosignatures(proof.checkpoint, policy.cosigners ?? []);
  const quorum = policy.quorum ?? 0;
  if (cosignatures.length < quorum) {
    throw new LedgerError('COSIGNATURE_QUORUM_NOT_MET', `${cosignatures.length} of the required ${quorum} cosignatures`);
  }
  verifyInclusion(leafHash, proof.index, checkpoint.size, proof.inclusionProof, checkpoint.rootHash);
  const result = { index: proof.index, checkpoint, cosignatures };
  return proof.extra === undefined ? result : { ...result, extra: proof.extra };
}
