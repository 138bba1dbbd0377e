import { AccordError } from '../errors.js';

/**
 * Codes of the matcher. Log content is attacker-influenced, but a bad line is
 * never an error (it is skipped and counted); these codes are for callers'
 * mistakes and for failures of the machinery itself.
 */
export type MatchErrorCode =
  /** An option is out of range or a forced input format is unknown. */
  | 'MATCH_OPTIONS_INVALID'
  /** A worker thread failed or exited while matching; `cause` has the worker's error. */
  | 'MATCH_WORKER_FAILED';

/** Errors of the indicator matcher and the sensor exports. */
export class MatchError<C extends MatchErrorCode = MatchErrorCode> extends AccordError<C> {}

/** Every match error code (for the error handler's mapping and the docs table). */
export const MATCH_ERROR_CODES: readonly MatchErrorCode[] = ['MATCH_OPTIONS_INVALID', 'MATCH_WORKER_FAILED'];
