/**
 * What differs between the backends, declared rather than sniffed from the
 * dialect (kysely's adapter does the same).
 */
export interface StoreCapabilities {
  /** More than one process may write to the database at once. */
  multipleWriters: boolean;
  /** INSERT … RETURNING is available. */
  returning: boolean;
  /** Which backend this is, for messages and `/healthz`; never for branching. */
  name: 'sqlite' | 'postgres';
  /** Recognises the driver's unique-constraint error and names the violated constraint (or index). */
  uniqueViolation(err: unknown): string | null;
}
