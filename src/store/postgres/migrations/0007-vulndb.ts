import { sql, type Kysely } from 'kysely';

export const name = '0007-vulndb';

/**
 * The vulnerability database for SBOM checks: OSV records (imported, and the
 * coalition's published advisories) stored whole, with the package keys the
 * matcher looks them up by.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE vuln_records (
      id TEXT NOT NULL PRIMARY KEY,
      source TEXT NOT NULL CHECK (source IN ('osv','accord')),
      modified TEXT COLLATE "C" NOT NULL,
      json TEXT NOT NULL
    )`,
    sql`CREATE TABLE vuln_keys (
      key TEXT NOT NULL,
      record_id TEXT NOT NULL REFERENCES vuln_records(id) ON DELETE CASCADE,
      PRIMARY KEY (key, record_id)
    )`,
    sql`CREATE INDEX vuln_keys_record ON vuln_keys(record_id)`,
    // Bumped by every write, so a process holding a loaded index knows when it is stale.
    sql`CREATE TABLE vuln_meta (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL)`,
    sql`INSERT INTO vuln_meta (id, generation) VALUES (1, 0)`,
  ]) {
    await statement.execute(db);
  }
}
