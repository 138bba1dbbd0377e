import { sql, type Kysely } from 'kysely';

export const name = '0002-log';

/** The transparency log: sequenced entries, the integrated state (CAS), tiles and full entry bundles. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, data BLOB NOT NULL, added_at TEXT NOT NULL, dedupe_key TEXT UNIQUE) STRICT`,
    sql`CREATE TABLE log_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), next_idx INTEGER NOT NULL) STRICT`,
    sql`INSERT INTO log_sequence (id, next_idx) VALUES (1, 0)`,
    sql`CREATE TABLE log_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      size INTEGER NOT NULL,
      root BLOB NOT NULL,
      checkpoint TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      lease_owner TEXT,
      lease_until TEXT
    ) STRICT`,
    sql`CREATE TABLE log_tiles (level INTEGER NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (level, idx)) STRICT`,
    sql`CREATE TABLE log_bundles (idx INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT`,
  ]) {
    await statement.execute(db);
  }
}
