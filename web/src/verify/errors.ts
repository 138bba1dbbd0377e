/** Why a verification step failed; pages show `message` and tests match `code`. */
export type VerifyErrorCode =
  | 'BASE64_INVALID'
  | 'NOTE_MALFORMED'
  | 'CHECKPOINT_MALFORMED'
  | 'VKEY_INVALID'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'PROOF_MALFORMED'
  | 'PROOF_INVALID'
  | 'SIZE_MISMATCH'
  | 'FILE_TOO_LARGE'
  | 'STATEMENT_INVALID'
  | 'ENVELOPE_MALFORMED'
  | 'TRUST_INVALID'
  | 'KEY_UNKNOWN'
  | 'KEY_REVOKED'
  | 'PURL_NOT_ALLOWED'
  | 'CRYPTO_UNAVAILABLE'
  | 'POLICY_INVALID'
  | 'CHECKPOINT_ORIGIN_MISMATCH'
  | 'COSIGNATURE_INVALID'
  | 'COSIGNATURE_QUORUM_NOT_MET';

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  constructor(code: VerifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VerifyError';
    this.code = code;
  }
}
