import { AccordError } from '../../errors.js';

/**
 * Codes of version parsing and OSV range evaluation. Versions arrive from SBOMs
 * and from advisory feeds written by others, so a refusal names the ecosystem's
 * rules that were applied and the offending text.
 */
export type VersionErrorCode =
  /** The text is not a version under the ecosystem's own rules (`details`: `scheme`, `version`). */
  | 'VERSION_INVALID'
  /** No ecosystem (OSV name or purl type) is known by that name. */
  | 'VERSION_ECOSYSTEM_UNKNOWN'
  /** An OSV `affected[].ranges[]` entry breaks the schema (no events, several keys in one event, unknown type). */
  | 'VERSION_RANGE_INVALID';

/** Errors of version parsing, ordering and OSV range evaluation. */
export class VersionError<C extends VersionErrorCode = VersionErrorCode> extends AccordError<C> {}

/** Every version error code (for the error handler's mapping test and the docs table). */
export const VERSION_ERROR_CODES: readonly VersionErrorCode[] = ['VERSION_INVALID', 'VERSION_ECOSYSTEM_UNKNOWN', 'VERSION_RANGE_INVALID'];
