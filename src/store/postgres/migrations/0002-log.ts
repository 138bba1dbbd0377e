import { sql, type Kysely } from 'kysely';

export const name = '0002-log';

/** The transparency log: sequenced entries, the integrated state (CAS), tiles and full entry bundles. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE log_entries (idx BIGINT PRIMARY KEY, kind TEXT NOT NULL, data BYTEA NOT NULL, added_at TIMESTAMPTZ NOT NULL, dedupe_key TEXT UNIQUE)`,
    // One row whose lock serialises index assignment across nodes: no gaps, no duplicates.
    sql`CREATE TABLE log_sequence (id SMALLINT PRIMARY KEY CHECK (id = 1), next_idx BIGINT NOT NULL)`,
    sql`INSERT INTO log_sequence (id, next_idx) VALUES (1, 0)`,
    sql`CREATE TABLE log_state (
      id SMALLINT PRIMARY KEY CHECK (id = 1),
      size BIGINT NOT NULL,
      root BYTEA NOT NULL,
      checkpoint TEXT NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      lease_owner TEXT,
      lease_until TIMESTAMPTZ
    )`,
    sql`CREATE TABLE log_tiles (level SMALLINT NOT NULL, idx BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (level, idx))`,
    sql`CREATE TABLE log_bundles (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL)`,
  ]) {
    await statement.execute(db);
  }
}
