import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../src/store/sql/migrate.js';
import type { DB } from '../../src/store/sql/schema.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations/index.js';
import { SqliteIntelStore } from '../../src/store/sqlite/intel-store.js';
import { makeApiRoot, makeCollection, makeVersion } from './intel-contract.js';

/**
 * The intel store gives SQLite's page cache back once its writes stop: an
 * ingest fills all of it, and a server that ingested a million objects kept
 * those 64 MiB for good (bench intel-taxii: the pull after an ingest).
 */
test('the page cache is released once intel writes stop, not while they go on', async () => {
  const raw = new Database(':memory:');
  const shrinks: number[] = [];
  // Counts the releases; everything else goes to the real connection.
  const spied = new Proxy(raw, {
    get(target, key) {
      const v = Reflect.get(target, key, target) as unknown;
      if (key === 'pragma') {
        return (text: string, ...rest: unknown[]) => {
          if (text === 'shrink_memory') shrinks.push(Date.now());
          return (v as (...a: unknown[]) => unknown).call(target, text, ...rest);
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const kdb = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  await migrateToLatest(kdb as unknown as Kysely<unknown>, sqliteMigrations);
  const store = new SqliteIntelStore(kdb, spied, undefined, 200);
  try {
    await store.putApiRoot(makeApiRoot(1));
    const c = makeCollection(1);
    await store.putCollection(c);
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      await store.insertVersions(c.id, [makeVersion(i + 1)]);
      await new Promise((r) => setTimeout(r, 100));
    }
    await store.markLogged(1);
    assert.deepEqual(shrinks, [], 'kept while writes go on');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(shrinks.length, 1, 'released once, after the last write');
    assert.ok(shrinks[0]! - started >= 500 + 200);
  } finally {
    await kdb.destroy();
  }
});
