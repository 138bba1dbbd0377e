import { AccordError } from '../errors.js';

/**
 * Codes of the transparency-log core. Most describe attacker-controlled input
 * that was refused (a proof, a note, a tile path); `LOG_HASH_UNAVAILABLE` and
 * `LOG_RANGE_INVALID` describe a caller asking for something the log cannot have.
 */
export type LedgerErrorCode =
  /** An inclusion or consistency proof does not verify, or its shape is impossible. */
  | 'LOG_PROOF_INVALID'
  /** An index or tree size is out of range (negative, past the tree, above 2^53 - 1). */
  | 'LOG_RANGE_INVALID'
  /** A `HashReader` or tile source could not supply a hash the computation needs. */
  | 'LOG_HASH_UNAVAILABLE'
  /** A signed note breaks c2sp.org/signed-note syntax or size limits. */
  | 'NOTE_MALFORMED'
  /** A signature by a known key does not verify (c2sp.org/signed-note §Signatures). */
  | 'NOTE_SIGNATURE_INVALID'
  /** No signature by a known key is present, so the note must be rejected. */
  | 'NOTE_UNVERIFIED'
  /** A verifier key (vkey) or signer is malformed, inconsistent or of an unsupported type. */
  | 'NOTE_KEY_INVALID'
  /** A checkpoint body breaks c2sp.org/tlog-checkpoint. */
  | 'CHECKPOINT_MALFORMED'
  /** A checkpoint is well-formed but for another log than the caller expects. */
  | 'CHECKPOINT_ORIGIN_MISMATCH'
  /** A cosignature line is not a valid c2sp.org/tlog-cosignature timestamped signature. */
  | 'COSIGNATURE_MALFORMED'
  /** Fewer cosigners than the caller's policy requires vouched for a checkpoint. */
  | 'COSIGNATURE_QUORUM_NOT_MET'
  /** A tile or entry-bundle path breaks c2sp.org/tlog-tiles. */
  | 'TILE_PATH_INVALID'
  /** Tile bytes have the wrong length or do not hash to the signed tree. */
  | 'TILE_INVALID'
  /** An entry bundle is truncated, has the wrong number of entries, or disagrees with its tile. */
  | 'ENTRY_BUNDLE_INVALID'
  /** An entry does not fit the 16-bit length prefix of entry bundles (c2sp.org/tlog-tiles). */
  | 'ENTRY_TOO_LARGE'
  /** A c2sp.org/tlog-proof file is malformed. */
  | 'TLOG_PROOF_MALFORMED';

/** Errors of the transparency log: Merkle proofs, tiles, signed notes, checkpoints, cosignatures, proofs. */
export class LedgerError<C extends LedgerErrorCode = LedgerErrorCode> extends AccordError<C> {}
