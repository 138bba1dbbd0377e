import { AccordError } from '../errors.js';

export type StoreErrorCode = 'STORE_UNAVAILABLE' | 'STORE_SCHEMA_TOO_NEW';

/** Failures of the storage layer itself (not of the caller's input). */
export class StoreError extends AccordError<StoreErrorCode> {}
