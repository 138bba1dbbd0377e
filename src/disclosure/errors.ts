import { AccordError } from '../errors.js';

/**
 * Codes of the disclosure pillar. A case is secret to its participants, so
 * "no such case" and "not yours to see" are the same answer (`CASE_NOT_FOUND`).
 */
export type DisclosureErrorCode =
  /** No such case, or the caller is not one of its participants. */
  | 'CASE_NOT_FOUND'
  /** No such participant, vulnerability, attachment or advisory in this case. */
  | 'CASE_ITEM_NOT_FOUND'
  /** The caller takes part in the case but their role may not do this (e.g. a vendor adding vendors). */
  | 'CASE_FORBIDDEN'
  /** The case changed underneath (concurrent edit) or the request contradicts its state (closed case, duplicate vendor). */
  | 'CASE_CONFLICT'
  /** An embargo transition the state machine does not allow from the current state; `details` has `state` and `allowed`. */
  | 'EMBARGO_TRANSITION_INVALID'
  /** An embargo end date in the past, or beyond the configured maximum. */
  | 'EMBARGO_END_INVALID'
  /** A report-state transition not allowed by the report-management model; `details` has `from`, `to`, `allowed`. */
  | 'REPORT_STATE_INVALID'
  /** Publication refused: the embargo has not ended, vendors have not approved, or the advisory fails CSAF/OSV validation. */
  | 'PUBLICATION_REFUSED'
  /** An attachment over the size limit, or a case over its attachment budget. */
  | 'ATTACHMENT_TOO_LARGE';

export class DisclosureError<C extends DisclosureErrorCode = DisclosureErrorCode> extends AccordError<C> {}

/** Every disclosure error code (for the error handler's mapping test and the docs table). */
export const DISCLOSURE_ERROR_CODES: readonly DisclosureErrorCode[] = [
  'CASE_NOT_FOUND',
  'CASE_ITEM_NOT_FOUND',
  'CASE_FORBIDDEN',
  'CASE_CONFLICT',
  'EMBARGO_TRANSITION_INVALID',
  'EMBARGO_END_INVALID',
  'REPORT_STATE_INVALID',
  'PUBLICATION_REFUSED',
  'ATTACHMENT_TOO_LARGE',
];
