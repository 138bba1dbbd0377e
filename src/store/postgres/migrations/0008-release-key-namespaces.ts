import { sql, type Kysely } from 'kysely';

export const name = '0008-release-key-namespaces';

/**
 * The purl namespaces each release key may sign (docs/releases.md): a JSON
 * array of patterns set when the key is registered, or NULL for the default
 * derived from the organisation's slug (`pkg:*\/<slug>`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE signing_keys ADD COLUMN purl_namespaces TEXT`.execute(db);
}
