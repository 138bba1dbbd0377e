import { sql, type Kysely } from 'kysely';
import { idKey } from '../../sql/intel-store.js';

export const name = '0010-intel-id-key';

const FILL_BATCH = 500;

/**
 * Object versions are found by a 48-bit key of their STIX id (`idKey`,
 * store/sql/intel-store.ts) instead of the unique index over (collection,
 * id, author, version key), ~165 bytes of random text per row that every
 * insert had to place; the key's index is a fraction of that. Uniqueness is
 * kept by the insert planner under the sequence row's lock (it already
 * decided duplicate, conflict and foreign versions there).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE intel_objects ADD COLUMN id_key BIGINT`.execute(db);
  for (let after: number | string = -1; ; ) {
    const rows: { seq: string; stix_id: string }[] = (await sql<{ seq: string; stix_id: string }>`SELECT seq, stix_id FROM intel_objects WHERE seq > ${after} ORDER BY seq LIMIT ${FILL_BATCH}`.execute(db)).rows;
    if (rows.length === 0) break;
    const cases = sql.join(
      rows.map((r) => sql`WHEN ${r.seq}::bigint THEN ${idKey(r.stix_id)}::bigint`),
      sql` `,
    );
    await sql`UPDATE intel_objects SET id_key = CASE seq ${cases} END WHERE seq IN (${sql.join(rows.map((r) => sql`${r.seq}::bigint`))})`.execute(db);
    after = rows[rows.length - 1]!.seq;
  }
  await sql`ALTER TABLE intel_objects ALTER COLUMN id_key SET NOT NULL`.execute(db);
  // The constraint's name was generated from its columns (and cut to 63 bytes): look it up.
  const unique = (await sql<{ conname: string }>`SELECT conname FROM pg_constraint WHERE conrelid = 'intel_objects'::regclass AND contype = 'u'`.execute(db)).rows;
  for (const { conname } of unique) await sql`ALTER TABLE intel_objects DROP CONSTRAINT ${sql.id(conname)}`.execute(db);
  // With the collection: a lookup by id names both, and without statistics (a table being bulk-loaded) the
  // planner only prefers this index to (collection_id, seq) when it matches more of the query.
  await sql`CREATE INDEX intel_objects_id_key ON intel_objects(id_key, collection_id)`.execute(db);
}
