import { AccordError } from '../errors.js';

/** Problems with a witness's data directory or its state database (never a client's fault). */
export type WitnessDirErrorCode =
  /** The directory has no witness key; run `accord witness init` first. */
  | 'WITNESS_DIR_NOT_INITIALISED'
  /** `accord witness init` on a directory that already has a witness key or state. */
  | 'WITNESS_DIR_ALREADY_INITIALISED'
  /** The key, `witness.json` or the state database is unreadable, inconsistent or corrupt. */
  | 'WITNESS_DIR_INVALID';

export class WitnessDirError<C extends WitnessDirErrorCode = WitnessDirErrorCode> extends AccordError<C> {}
