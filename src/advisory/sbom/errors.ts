import { AccordError } from '../../errors.js';

/**
 * Codes of SBOM parsing and "am I affected?" matching. SBOMs are uploaded by
 * anyone who wants a check, so parsing is defensive: a whole document that
 * cannot be read is refused with a code; a bad part of a readable document
 * (one component's purl, a duplicate bom-ref) becomes a warning instead.
 */
export type SbomErrorCode =
  /** Not a CycloneDX 1.4–1.6 JSON, SPDX 2.3 JSON or purl-list document, or broken beyond reading (`details.path` when known). */
  | 'SBOM_INVALID'
  /** Larger than the byte limit or with more components than the limit; refused before parsing everything. */
  | 'SBOM_TOO_LARGE'
  /** A package URL breaks the purl specification (reported per component as a warning inside SBOMs). */
  | 'SBOM_PURL_INVALID'
  /** A vulnerability record handed to the matcher lacks an id or a well-formed `affected` list. */
  | 'SBOM_MATCH_RECORD_INVALID';

/** Errors of SBOM parsing, purl normalisation and SBOM matching. */
export class SbomError<C extends SbomErrorCode = SbomErrorCode> extends AccordError<C> {}

/** Every SBOM error code (for the error handler's mapping test and the docs table). */
export const SBOM_ERROR_CODES: readonly SbomErrorCode[] = ['SBOM_INVALID', 'SBOM_TOO_LARGE', 'SBOM_PURL_INVALID', 'SBOM_MATCH_RECORD_INVALID'];
