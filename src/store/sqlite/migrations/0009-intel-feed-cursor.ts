import { sql, type Kysely } from 'kysely';

export const name = '0009-intel-feed-cursor';

/**
 * The intel ledger feed keeps one cursor, the seq up to which every stored
 * version is in the log, instead of writing each version's log index back
 * (an UPDATE of every row plus a partial index that each insert and each
 * update touched). A version's entry is found in the log by its key
 * `intel:<seq>`. Existing databases start from the first version not yet
 * logged; the log_index column keeps the indexes already written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`ALTER TABLE intel_sequence ADD COLUMN logged_seq INTEGER NOT NULL DEFAULT 0`,
    sql`UPDATE intel_sequence SET logged_seq = COALESCE(
      (SELECT MIN(seq) - 1 FROM intel_objects WHERE log_index IS NULL),
      (SELECT MAX(seq) FROM intel_objects),
      0)`,
    sql`DROP INDEX intel_objects_unlogged`,
  ]) {
    await statement.execute(db);
  }
}
