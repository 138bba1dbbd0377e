import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, sql, type DialectAdapter } from 'kysely';
import type { Store } from '../store.js';
import type { DB } from '../sql/schema.js';
import { SqlRegistryStore } from '../sql/registry-store.js';
import { SqlReleaseIndexStore } from '../sql/release-index-store.js';
import { SqlDisclosureStore } from '../sql/disclosure-store.js';
import { SqlNotifyStore } from '../sql/notify-store.js';
import { SqliteVulnDbStore } from './vulndb-store.js';
import { SqliteLogStore } from './log-store.js';
import { SqliteIntelStore } from './intel-store.js';
import { sqliteCapabilities } from './capabilities.js';

import { migrateToLatest } from '../sql/migrate.js';
import { sqliteMigrations } from './migrations/index.js';

export { sqliteCapabilities };

/** Kysely's SQLite adapter, but telling the truth: SQLite runs DDL inside transactions. */
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * The SQLite dialect Accord opens databases with. Kysely's own adapter says
 * SQLite has no transactional DDL, so its migrator would run each migration
 * and record it outside any transaction: a crash inside a migration that
 * rebuilds a table (0010) would leave half of it done and unrecorded, and the
 * next start would fail on it. With this one, each migration and its record
 * commit together or not at all.
 */
export function sqliteDialect(database: Database.Database): SqliteDialect {
  return new (class extends SqliteDialect {
    override createAdapter(): DialectAdapter {
      return new TransactionalDdlAdapter();
    }
  })({ database });
}

export interface SqliteStoreOptions {
  /** The clock intel seqs start from, µs since the epoch (tests pass their own). */
  intelClock?: () => number;
}

/** Opens (creating if needed) the embedded database at `file` and migrates it. `:memory:` works for tests. */
export async function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const database = new Database(file);
  // It holds token hashes and embargoed content: owner-only, like the key next to it.
  if (file !== ':memory:' && file !== '') chmodSync(file, 0o600);
  // WAL for concurrent readers; FULL sync because the ledger's durability promises rest on this.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Intel objects carry two random-key indexes (STIX ids, search terms): each row dirties a page of each.
  // A 64 MiB page cache keeps their upper levels in memory; checkpointing every ~40 MiB of WAL rather than
  // 4 MiB writes a page rewritten by several commits back to the database file once.
  database.pragma('cache_size = -65536');
  database.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<DB>({ dialect: sqliteDialect(database) });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, sqliteMigrations);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    capabilities: sqliteCapabilities,
    registry: SqlRegistryStore.root(db, sqliteCapabilities),
    releases: new SqlReleaseIndexStore(db),
    log: new SqliteLogStore(db, database),
    intel: new SqliteIntelStore(db, database, options.intelClock),
    disclosure: new SqlDisclosureStore(db as unknown as Kysely<unknown>),
    notify: new SqlNotifyStore(db as unknown as Kysely<never>, 'sqlite'),
    vulndb: new SqliteVulnDbStore(db as unknown as Kysely<unknown>, database),
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
