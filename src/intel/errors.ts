import { AccordError } from '../errors.js';

/**
 * Codes of the intel pillar's pure core. STIX content and patterns arrive from
 * other signatories and from TAXII clients, so every refusal names what was
 * wrong (and where: a JSON pointer, or a character offset in a pattern).
 */
export type IntelErrorCode =
  /** A STIX 2.1 object or bundle breaks the specification; `details.errors` lists every problem with its JSON path. */
  | 'STIX_INVALID'
  /** STIX input exceeds a size or depth limit (objects per bundle, nesting, string length); refused before full validation. */
  | 'STIX_TOO_LARGE'
  /** A STIX pattern breaks the STIX 2.1 patterning grammar or its rules; `details` has `offset`. */
  | 'PATTERN_INVALID'
  /** A pattern exceeds the parser's length or nesting limit. */
  | 'PATTERN_TOO_COMPLEX'
  /** A TLP level name or marking-definition id that Accord does not know. */
  | 'TLP_UNKNOWN'
  /** No such API root or collection (or the caller may not see it). */
  | 'COLLECTION_NOT_FOUND'
  /** No such object, or none of its versions is visible to the caller. */
  | 'OBJECT_NOT_FOUND'
  /** No such status resource (or it belongs to someone else, or expired after 24 hours and more). */
  | 'STATUS_NOT_FOUND'
  /** The caller's grants do not allow this on the collection, or the object is not theirs to change. */
  | 'INTEL_FORBIDDEN'
  /** No such sharing group. */
  | 'GROUP_NOT_FOUND'
  /** A sharing group slug already in use. */
  | 'GROUP_SLUG_TAKEN'
  /** A recipient named on an object (org, group or user) that does not exist. */
  | 'RECIPIENT_UNKNOWN'
  /** A collection whose id or alias is already in use, or a request that contradicts its state. */
  | 'COLLECTION_CONFLICT';

/** Errors of STIX validation, pattern parsing and TLP mapping. */
export class IntelError<C extends IntelErrorCode = IntelErrorCode> extends AccordError<C> {}

/** Every intel error code (for the error handler's mapping test and the docs table). */
export const INTEL_ERROR_CODES: readonly IntelErrorCode[] = [
  'STIX_INVALID',
  'STIX_TOO_LARGE',
  'PATTERN_INVALID',
  'PATTERN_TOO_COMPLEX',
  'TLP_UNKNOWN',
  'COLLECTION_NOT_FOUND',
  'OBJECT_NOT_FOUND',
  'STATUS_NOT_FOUND',
  'INTEL_FORBIDDEN',
  'GROUP_NOT_FOUND',
  'GROUP_SLUG_TAKEN',
  'RECIPIENT_UNKNOWN',
  'COLLECTION_CONFLICT',
];
