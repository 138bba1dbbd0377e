import { AccordError } from '../errors.js';

/**
 * Codes of the release pillar. Envelopes, statements, purls and trust files come
 * from outside (a publisher, a download mirror, a verifier's disk), so every
 * refusal has its own code and a message that says what was wrong.
 */
export type ReleaseErrorCode =
  /** Not a DSSE JSON envelope: bad JSON, duplicate, missing or unknown fields, wrong types, bad base64, too large. */
  | 'RELEASE_ENVELOPE_MALFORMED'
  /** The payload is not an in-toto Statement v1 with a predicate Accord accepts, or breaks that predicate's rules. */
  | 'RELEASE_STATEMENT_INVALID'
  /** A package URL is malformed, lacks the version a release needs, or a namespace pattern is malformed. */
  | 'RELEASE_PURL_INVALID'
  /** A signature does not verify with the key it names (or with any candidate key). */
  | 'RELEASE_SIGNATURE_INVALID'
  /** No key the verifier trusts (the caller's organisation, or the trust file) matches the envelope's signatures. */
  | 'RELEASE_KEY_UNKNOWN'
  /** The signing key is revoked. */
  | 'RELEASE_KEY_REVOKED'
  /** A private or public key is unreadable or of an unsupported type (Ed25519 and ECDSA P-256 only). */
  | 'RELEASE_KEY_INVALID'
  /** The signer may not sign releases of this package (its purl is outside the signer's namespaces). */
  | 'RELEASE_PURL_NOT_ALLOWED'
  /** The artifact's digest is not a subject of the statement. */
  | 'RELEASE_SUBJECT_MISMATCH'
  /** A trust file is malformed or inconsistent. */
  | 'RELEASE_TRUST_INVALID'
  /** A batch publish carries more envelopes than the server accepts in one request. */
  | 'RELEASE_BATCH_TOO_LARGE'
  /** A signature-verification worker thread failed (a server fault, not the caller's). */
  | 'RELEASE_WORKER_FAILED';

/** Errors of release statements, DSSE envelopes, purls, trust files and release verification. */
export class ReleaseError<C extends ReleaseErrorCode = ReleaseErrorCode> extends AccordError<C> {}

/** Every release error code (the HTTP test checks the error handler maps each one). */
export const RELEASE_ERROR_CODES: readonly ReleaseErrorCode[] = [
  'RELEASE_ENVELOPE_MALFORMED',
  'RELEASE_STATEMENT_INVALID',
  'RELEASE_PURL_INVALID',
  'RELEASE_SIGNATURE_INVALID',
  'RELEASE_KEY_UNKNOWN',
  'RELEASE_KEY_REVOKED',
  'RELEASE_KEY_INVALID',
  'RELEASE_PURL_NOT_ALLOWED',
  'RELEASE_SUBJECT_MISMATCH',
  'RELEASE_TRUST_INVALID',
  'RELEASE_BATCH_TOO_LARGE',
  'RELEASE_WORKER_FAILED',
];
