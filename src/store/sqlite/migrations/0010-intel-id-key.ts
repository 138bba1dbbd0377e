import { sql, type Kysely } from 'kysely';
import { idKey } from '../../sql/intel-store.js';

export const name = '0010-intel-id-key';

const FILL_BATCH = 500;

/**
 * Object versions are found by a 48-bit key of their STIX id (`idKey`,
 * store/sql/intel-store.ts) instead of the unique index over (collection,
 * id, author, version key): that index held ~165 bytes of random text per
 * row, so at a million rows it outgrew the page cache and every insert
 * dirtied a page of it; the key's index is ~20 bytes per row. Uniqueness is
 * kept by the insert planner under the write lock (it already decided
 * duplicate, conflict and foreign versions there). SQLite cannot drop a
 * table's inline UNIQUE constraint, so the table is rebuilt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE intel_objects_0010 (
      seq INTEGER PRIMARY KEY,
      collection_id TEXT NOT NULL REFERENCES intel_collections(id),
      stix_id TEXT NOT NULL,
      type TEXT NOT NULL,
      version TEXT NOT NULL,
      version_key TEXT NOT NULL,
      spec_version TEXT NOT NULL,
      tlp INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),
      author_org_id TEXT NOT NULL,
      author_user_id TEXT NOT NULL,
      recipients TEXT NOT NULL,
      revoked INTEGER NOT NULL,
      json TEXT NOT NULL,
      salt TEXT,
      log_index INTEGER,
      created TEXT NOT NULL,
      is_latest INTEGER NOT NULL,
      is_first INTEGER NOT NULL,
      id_key INTEGER NOT NULL
    ) STRICT`,
    sql`INSERT INTO intel_objects_0010
      SELECT seq, collection_id, stix_id, type, version, version_key, spec_version, tlp, author_org_id, author_user_id,
             recipients, revoked, json, salt, log_index, created, is_latest, is_first, 0
      FROM intel_objects`,
  ]) {
    await statement.execute(db);
  }
  await fillIdKeys(db, 'intel_objects_0010');
  for (const statement of [
    sql`DROP TABLE intel_objects`,
    sql`ALTER TABLE intel_objects_0010 RENAME TO intel_objects`,
    // TAXII paging: one collection in seq order.
    sql`CREATE INDEX intel_objects_collection_seq ON intel_objects(collection_id, seq)`,
    sql`CREATE INDEX intel_objects_id_key ON intel_objects(id_key)`,
  ]) {
    await statement.execute(db);
  }
}

/** Sets every row's id_key, FILL_BATCH rows per UPDATE. */
async function fillIdKeys(db: Kysely<unknown>, table: string): Promise<void> {
  for (let after = -1; ; ) {
    const rows = (await sql<{ seq: number; stix_id: string }>`SELECT seq, stix_id FROM ${sql.table(table)} WHERE seq > ${after} ORDER BY seq LIMIT ${FILL_BATCH}`.execute(db)).rows;
    if (rows.length === 0) return;
    const cases = sql.join(
      rows.map((r) => sql`WHEN ${r.seq} THEN ${idKey(r.stix_id)}`),
      sql` `,
    );
    await sql`UPDATE ${sql.table(table)} SET id_key = CASE seq ${cases} END WHERE seq IN (${sql.join(rows.map((r) => r.seq))})`.execute(db);
    after = rows[rows.length - 1]!.seq;
  }
}
