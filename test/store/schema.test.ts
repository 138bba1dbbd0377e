import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import { createTestDatabase, pgAvailability } from './pg-harness.js';

/**
 * Both backends have their own numbered migrations (CONVENTIONS.md 3); this
 * checks they reach the same logical schema: the same tables, the same
 * columns, the same nullability and primary keys. Types differ on purpose
 * (TEXT vs TIMESTAMPTZ, TEXT vs JSONB) and are not compared.
 */

/** The migrator's own bookkeeping, not part of the logical schema. */
const BOOKKEEPING = new Set(['accord_migrations', 'accord_migrations_lock']);

interface Column {
  nullable: boolean;
  primaryKey: boolean;
}
/** table → column → shape */
type Schema = Record<string, Record<string, Column>>;

const skip = await pgAvailability();

async function sqliteSchema(): Promise<Schema> {
  const dir = await mkdtemp(join(tmpdir(), 'accord-schema-'));
  try {
    const file = join(dir, 'accord.db');
    await (await openSqliteStore(file)).close();
    const db = new Database(file, { readonly: true });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        .all() as { name: string }[];
      const schema: Schema = {};
      for (const { name } of tables) {
        if (BOOKKEEPING.has(name)) continue;
        const cols = db.prepare('SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?)').all(name) as { name: string; type: string; nn: number; pk: number }[];
        schema[name] = Object.fromEntries(
          // an INTEGER PRIMARY KEY is the rowid, never NULL, though pragma_table_info reports notnull=0
          cols.map((c) => [c.name, { nullable: c.nn === 0 && !(c.pk > 0 && c.type.toUpperCase() === 'INTEGER'), primaryKey: c.pk > 0 }]),
        );
      }
      return schema;
    } finally {
      db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function postgresSchema(): Promise<Schema> {
  const testDb = await createTestDatabase();
  try {
    await (await openPostgresStore(testDb.url, { poolSize: 1 })).close();
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string; is_nullable: string; pk: boolean }>(`
        SELECT c.table_name, c.column_name, c.is_nullable,
               EXISTS (
                 SELECT 1
                 FROM information_schema.table_constraints tc
                 JOIN information_schema.key_column_usage k
                   ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
                 WHERE tc.constraint_type = 'PRIMARY KEY'
                   AND tc.table_schema = c.table_schema AND tc.table_name = c.table_name
                   AND k.column_name = c.column_name
               ) AS pk
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name, c.ordinal_position`);
      const schema: Schema = {};
      for (const r of rows) {
        if (BOOKKEEPING.has(r.table_name)) continue;
        (schema[r.table_name] ??= {})[r.column_name] = { nullable: r.is_nullable === 'YES', primaryKey: r.pk };
      }
      return schema;
    } finally {
      await client.end();
    }
  } finally {
    await testDb.drop();
  }
}

test('SQLite and PostgreSQL migrations reach the same logical schema', { skip }, async () => {
  const [lite, post] = await Promise.all([sqliteSchema(), postgresSchema()]);
  assert.ok(Object.keys(lite).length > 0, 'SQLite has no tables');
  assert.deepEqual(Object.keys(post).sort(), Object.keys(lite).sort(), 'the same tables');
  for (const table of Object.keys(lite)) {
    assert.deepEqual(Object.keys(post[table]!).sort(), Object.keys(lite[table]!).sort(), `the same columns in ${table}`);
    assert.deepEqual(post[table], lite[table], `the same nullability and primary key in ${table}`);
  }
});

test('the SQLite schema has the tables the registry needs', async () => {
  // runs without PostgreSQL, so a broken SQLite migration is caught everywhere
  const lite = await sqliteSchema();
  for (const table of ['orgs', 'users', 'api_tokens', 'invitations', 'signing_keys', 'pledges', 'endorsements', 'applications', 'sponsorships', 'votes', 'settings', 'audit_events']) {
    assert.ok(lite[table], `missing table ${table}`);
  }
});

test('the SQLite schema has the tables the intel store needs', async () => {
  const lite = await sqliteSchema();
  for (const table of ['intel_api_roots', 'intel_collections', 'intel_groups', 'intel_group_members', 'intel_sequence', 'intel_objects', 'intel_recipients', 'intel_terms', 'intel_statuses']) {
    assert.ok(lite[table], `missing table ${table}`);
  }
  assert.equal(lite.intel_objects?.seq?.primaryKey, true);
  assert.equal(lite.intel_objects?.log_index?.nullable, true);
});
