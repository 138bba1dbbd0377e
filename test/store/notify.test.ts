import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import * as sqliteNotify from '../../src/store/sqlite/migrations/0006-notify.js';
import * as postgresNotify from '../../src/store/postgres/migrations/0006-notify.js';
import { runNotifyStoreContract, type NotifyTestDb } from './notify-contract.js';
import { createTestDatabase, createTestSchema, pgAvailability, type TestDatabase } from './pg-harness.js';

/**
 * The notify store on both backends. Migration 0006 is applied on its own to
 * an empty database (the migration index is wired elsewhere); PostgreSQL gets
 * a fresh schema per case in one database of this file, through a plain pg
 * pool (timestamps come back as Dates, int8 as text: the store must cope).
 */

const skip = await pgAvailability();

async function newSqliteDb(): Promise<NotifyTestDb> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await sqliteNotify.up(db);
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

runNotifyStoreContract({ name: 'sqlite', newDb: newSqliteDb });

describe('notify on postgres', () => {
  let shared: TestDatabase | undefined;
  before(async () => {
    if (skip === false) shared = await createTestDatabase();
  });
  after(async () => {
    await shared?.drop();
  });

  async function newPostgresDb(): Promise<NotifyTestDb> {
    assert.ok(shared, 'the shared test database was not created');
    const schema = await createTestSchema(shared);
    const pool = new pg.Pool({ connectionString: schema.url, max: 4 });
    pool.on('error', () => {});
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    try {
      await postgresNotify.up(db);
    } catch (err) {
      await db.destroy();
      await schema.drop();
      throw err;
    }
    return {
      db,
      dialect: 'postgres',
      async close() {
        try {
          await db.destroy();
        } finally {
          await schema.drop();
        }
      },
    };
  }

  runNotifyStoreContract({ name: 'postgres', newDb: newPostgresDb, skip });

  test('both backends reach the same notify schema (columns, nullability, primary keys)', { skip }, async () => {
    const lite = await newSqliteDb();
    const pgDb = await newPostgresDb();
    try {
      const tables = ['notify_subscriptions', 'notify_outbox', 'notify_deliveries'];
      const fromSqlite: Record<string, string[]> = {};
      const fromPostgres: Record<string, string[]> = {};
      for (const table of tables) {
        const cols = await sql<{ name: string; type: string; notnull: number; pk: number }>`SELECT name, type, "notnull", pk FROM pragma_table_info(${table})`.execute(lite.db);
        fromSqlite[table] = cols.rows
          .map((c) => `${c.name}:${c.notnull === 1 || (c.pk > 0 && c.type.toUpperCase() === 'INTEGER') ? 'not null' : 'null'}${c.pk > 0 ? ':pk' : ''}`)
          .sort();
        const pgCols = await sql<{ name: string; is_nullable: string; pk: boolean }>`
          SELECT c.column_name AS name, c.is_nullable,
                 EXISTS (SELECT 1 FROM information_schema.key_column_usage k
                         JOIN information_schema.table_constraints tc ON tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema
                         WHERE tc.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = c.column_name) AS pk
          FROM information_schema.columns c
          WHERE c.table_schema = current_schema() AND c.table_name = ${table}`.execute(pgDb.db);
        fromPostgres[table] = pgCols.rows.map((c) => `${c.name}:${c.is_nullable === 'NO' ? 'not null' : 'null'}${c.pk ? ':pk' : ''}`).sort();
      }
      assert.deepEqual(fromPostgres, fromSqlite);
      assert.ok(fromSqlite.notify_outbox!.includes('dedupe_key:not null'));
    } finally {
      await lite.close();
      await pgDb.close();
    }
  });
});
