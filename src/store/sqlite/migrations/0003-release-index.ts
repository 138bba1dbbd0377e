import { sql, type Kysely } from 'kysely';

export const name = '0003-release-index';

/** The release search index, derived from the log: subject digests and packages by log index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE release_subjects (sha256 TEXT NOT NULL, log_index INTEGER NOT NULL, PRIMARY KEY (sha256, log_index)) STRICT`,
    sql`CREATE TABLE release_purls (purl TEXT NOT NULL, package TEXT NOT NULL, log_index INTEGER NOT NULL, PRIMARY KEY (purl, log_index)) STRICT`,
    sql`CREATE INDEX release_purls_package ON release_purls (package, log_index)`,
    sql`CREATE TABLE index_positions (name TEXT PRIMARY KEY, position INTEGER NOT NULL) STRICT`,
  ]) {
    await statement.execute(db);
  }
}
