/**
 * Base of every coded error in Accord. Each area declares its own family
 * (`RegistryError<RegistryErrorCode>`, `StoreError<…>`); only
 * `src/http/error-handler.ts` maps codes to HTTP statuses.
 */
export class AccordError<C extends string = string> extends Error {
  readonly code: C;
  /** Extra, client-safe detail (for example a list of field problems). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: C, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** A field-level problem, reported with its JSON path (RFC 6901 pointer). */
export interface FieldProblem {
  path: string;
  message: string;
}

export type ValidationErrorCode = 'VALIDATION_FAILED';

/** Input that breaks a business rule the schema cannot express. */
export class ValidationError extends AccordError<ValidationErrorCode> {
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[], message = 'The request is not valid.') {
    super('VALIDATION_FAILED', message, { details: { errors: problems } });
    this.problems = problems;
  }
}

export type BackPressureCode = 'BACK_PRESSURE';

/** The server is saturated; the caller should retry after `retryAfterSeconds` (tessera's ErrPushback). */
export class BackPressureError extends AccordError<BackPressureCode> {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super('BACK_PRESSURE', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
