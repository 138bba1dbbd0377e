import { AccordError } from '../errors.js';

/**
 * Codes of the advisory pillar's pure core. Advisories are written by one
 * signatory's PSIRT and read by every customer, so a refusal names each field
 * that is wrong (a JSON pointer into the advisory input) rather than the first.
 */
export type AdvisoryErrorCode =
  /** An advisory breaks the model's rules (or a CSAF profile's); `details.errors` lists every problem as `{ path, message }`. */
  | 'ADVISORY_INVALID'
  /** A CVSS vector string is not a valid CVSS v3.1 (or v4.0) vector; `details.errors` says why. */
  | 'CVSS_INVALID'
  /** A file is neither a CSAF 2.0 document nor an OSV record (or is not JSON at all). */
  | 'ADVISORY_FORMAT_UNKNOWN'
  /** An advisory file or input is larger than the limit. */
  | 'ADVISORY_TOO_LARGE'
  /** An OpenPGP key or signature is unreadable, or of a kind Accord does not use. */
  | 'ADVISORY_KEY_INVALID'
  /** No such advisory (or the caller may not see it). */
  | 'ADVISORY_NOT_FOUND'
  /** An advisory id already in use, or a change that contradicts the stored advisory (a stale version, a final advisory edited in place). */
  | 'ADVISORY_CONFLICT';

/** Errors of the advisory model, its renderers (CSAF, OSV, CVE), validators and the CSAF provider files. */
export class AdvisoryError<C extends AdvisoryErrorCode = AdvisoryErrorCode> extends AccordError<C> {}

/** Every advisory error code (for the error handler's mapping test and the docs table). */
export const ADVISORY_ERROR_CODES: readonly AdvisoryErrorCode[] = [
  'ADVISORY_INVALID',
  'CVSS_INVALID',
  'ADVISORY_FORMAT_UNKNOWN',
  'ADVISORY_TOO_LARGE',
  'ADVISORY_KEY_INVALID',
  'ADVISORY_NOT_FOUND',
  'ADVISORY_CONFLICT',
];
