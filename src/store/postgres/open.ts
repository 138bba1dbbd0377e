import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Store } from '../store.js';
import type { DB } from '../sql/schema.js';
import type { StoreCapabilities } from '../sql/capabilities.js';
import { SqlRegistryStore } from '../sql/registry-store.js';
import { SqlReleaseIndexStore } from '../sql/release-index-store.js';
import { SqlDisclosureStore } from '../sql/disclosure-store.js';
import { SqlNotifyStore } from '../sql/notify-store.js';
import { SqlVulnDbStore } from '../sql/vulndb-store.js';
import { SqlLogStore } from '../sql/log-store.js';
import { SqlIntelStore } from '../sql/intel-store.js';
import { migrateToLatest } from '../sql/migrate.js';
import { StoreError } from '../errors.js';
import { postgresMigrations } from './migrations/index.js';

export const postgresCapabilities: StoreCapabilities = {
  name: 'postgres',
  multipleWriters: true,
  returning: true,
  uniqueViolation(err) {
    const e = err as { code?: unknown; constraint?: unknown };
    return e && e.code === '23505' ? String(e.constraint ?? 'unique') : null;
  },
};

const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;

/** Per-pool type parsing, so the domain sees the same values as on SQLite (ISO strings, numbers). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMPTZ_OID) return (v: string) => new Date(v).toISOString();
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/** Connects to PostgreSQL at `url`, migrating the schema (safe with several nodes starting at once). */
export async function openPostgresStore(
  url: string,
  options: {
    poolSize?: number;
    /** The clock intel seqs start from, µs since the epoch (tests pass their own). */
    intelClock?: () => number;
  } = {},
): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let schema: string | null;
  try {
    // the schema new tables go to (the first of search_path): the migrator's bookkeeping lives there too
    const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(db);
    schema = rows[0]?.schema ?? null;
  } catch (err) {
    await db.destroy();
    throw new StoreError('STORE_UNAVAILABLE', `Cannot reach PostgreSQL: ${(err as Error).message}`, { cause: err });
  }
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, postgresMigrations, schema === null ? {} : { schema });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    capabilities: postgresCapabilities,
    registry: SqlRegistryStore.root(db, postgresCapabilities),
    releases: new SqlReleaseIndexStore(db),
    log: new SqlLogStore(db, postgresCapabilities),
    intel: new SqlIntelStore(db, postgresCapabilities, options.intelClock),
    disclosure: new SqlDisclosureStore(db as unknown as Kysely<unknown>),
    notify: new SqlNotifyStore(db as unknown as Kysely<never>, 'postgres'),
    vulndb: new SqlVulnDbStore(db as unknown as Kysely<unknown>),
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
