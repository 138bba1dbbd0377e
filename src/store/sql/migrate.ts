import { Migrator, type Kysely, type Migration as KyselyMigration } from 'kysely';
import type { Migration } from '../store.js';
import { StoreError } from '../errors.js';

/**
 * Brings a database up to the latest of `migrations`, in order; refuses a schema newer than this code.
 * `schema` names where the bookkeeping tables live; without it Kysely looks for them in every
 * schema of the database, so a second Accord in another PostgreSQL schema would think it is migrated.
 */
export async function migrateToLatest(db: Kysely<unknown>, migrations: readonly Migration[], options: { schema?: string } = {}): Promise<void> {
  const byName: Record<string, KyselyMigration> = {};
  for (const m of migrations) byName[m.name] = { up: m.up };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => byName },
    migrationTableName: 'accord_migrations',
    migrationLockTableName: 'accord_migrations_lock',
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const text = error instanceof Error ? error.message : String(error);
    if (/corrupted migrations/i.test(text)) {
      throw new StoreError('STORE_SCHEMA_TOO_NEW', 'The database was migrated by a newer Accord; upgrade this one.', { cause: error });
    }
    throw new StoreError('STORE_UNAVAILABLE', `Migrating the database failed: ${text}`, { cause: error });
  }
}
