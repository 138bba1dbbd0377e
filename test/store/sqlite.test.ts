import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { openSqliteStore, sqliteDialect } from '../../src/store/sqlite/open.js';
import { migrateToLatest } from '../../src/store/sql/migrate.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations/index.js';
import { StoreError } from '../../src/store/errors.js';
import type { NewIntelObjectVersion } from '../../src/intel/ports.js';
import { runStoreContract } from './contract.js';
import { runDisclosureStoreContract } from './disclosure-contract.js';
import { makeApiRoot, makeCollection, makeVersion, runIntelStoreContract } from './intel-contract.js';
import { objectPageSql, type PageShape } from '../../src/store/sqlite/intel-store.js';
import { makeOrg, makeUser } from './fixtures.js';

runStoreContract({ name: 'sqlite', newStore: () => openSqliteStore(':memory:') });
runIntelStoreContract({ name: 'sqlite', newStore: (options) => openSqliteStore(':memory:', options) });
runDisclosureStoreContract({ name: 'sqlite', newStore: () => openSqliteStore(':memory:') });

/** A temporary directory, removed after `fn`. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'accord-sqlite-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('sqlite file database', () => {
  test('is in WAL mode with foreign keys enforced', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'accord.db');
      const store = await openSqliteStore(file);
      try {
        // journal_mode=WAL is persistent: a second, plain connection sees it in the file
        const raw = new Database(file, { readonly: true });
        try {
          assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
        } finally {
          raw.close();
        }
        await assert.rejects(store.registry.insertUser(makeUser(1, 'org-missing')), /FOREIGN KEY/);
      } finally {
        await store.close();
      }
    });
  });

  test('reopening keeps the data and re-running the migrations is a no-op', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'accord.db');
      const first = await openSqliteStore(file);
      await first.registry.insertOrg(makeOrg(1));
      await first.registry.putSetting('k', { v: 1 });
      await first.close();

      const migrationsBefore = readMigrations(file);
      assert.deepEqual(
        migrationsBefore.map((m) => m.name),
        sqliteMigrations.map((m) => m.name),
      );

      for (let i = 0; i < 2; i++) {
        const again = await openSqliteStore(file);
        try {
          assert.deepEqual(await again.registry.getOrg('org-1'), makeOrg(1));
          assert.deepEqual(await again.registry.getSetting('k'), { v: 1 });
          assert.equal(await again.registry.countOrgs({}), 1);
        } finally {
          await again.close();
        }
      }
      // same rows, same timestamps: nothing ran again
      assert.deepEqual(readMigrations(file), migrationsBefore);
    });
  });

  test('object listings walk the (collection_id, seq) index, in order, without a sort', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'accord.db');
      await (await openSqliteStore(file)).close();
      const raw = new Database(file, { readonly: true });
      try {
        const shapes: PageShape[] = [];
        for (const version of ['last', 'first', 'all'] as const) {
          for (const principals of [null, 2, 5]) shapes.push({ version, versions: 0, added: 0, ids: 0, types: 0, specVersions: 0, principals });
        }
        shapes.push({ version: 'exact', versions: 2, added: 2, ids: 0, types: 3, specVersions: 1, principals: 3 });
        shapes.push({ version: 'union:fl', versions: 1, added: 1, ids: 0, types: 0, specVersions: 0, principals: 3 });
        for (const shape of shapes) {
          const sql = objectPageSql(shape);
          const params = (sql.match(/\?/g) ?? []).map(() => 'x');
          const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
          assert.match(plan[0]!, /SEARCH o USING INDEX intel_objects_collection_seq \(collection_id=\? AND seq>\?\)/, `${JSON.stringify(shape)}: ${plan.join(' | ')}`);
          assert.ok(!plan.some((d) => /TEMP B-TREE/.test(d)), `no sort: ${plan.join(' | ')}`);
          if (shape.principals !== null) assert.ok(plan.some((d) => /SEARCH r USING PRIMARY KEY \(seq=\? AND principal=\?\)/.test(d)), plan.join(' | '));
        }
      } finally {
        raw.close();
      }
    });
  });

  test('object listings by id (match[id]) look the ids up by their key rather than walking the collection', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'accord.db');
      await (await openSqliteStore(file)).close();
      const raw = new Database(file, { readonly: true });
      try {
        for (const shape of [
          { version: 'last', versions: 0, added: 0, ids: 1, types: 0, specVersions: 0, principals: 2 },
          { version: 'all', versions: 0, added: 0, ids: 3, types: 1, specVersions: 0, principals: null },
          { version: 'exact', versions: 1, added: 1, ids: 1, types: 0, specVersions: 0, principals: 2 },
        ] satisfies PageShape[]) {
          const sql = objectPageSql(shape);
          const params = (sql.match(/\?/g) ?? []).map(() => 'x');
          const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
          assert.match(plan[0]!, /SEARCH o USING INDEX intel_objects_id_key \(id_key=\?\)/, `${JSON.stringify(shape)}: ${plan.join(' | ')}`);
        }
      } finally {
        raw.close();
      }
    });
  });

  test('deleting intel objects and collections leaves no recipient or term rows behind', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'accord.db');
      const store = await openSqliteStore(file);
      const count = (table: string) => {
        const raw = new Database(file, { readonly: true });
        try {
          return Number(raw.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
        } finally {
          raw.close();
        }
      };
      try {
        const s = store.intel;
        await s.putApiRoot(makeApiRoot(1));
        for (const n of [1, 2]) await s.putCollection(makeCollection(n));
        const amber: Partial<NewIntelObjectVersion> = { tlp: 'AMBER', recipients: ['org:org-c', 'group:group-1'] };
        await s.insertVersions(makeCollection(1).id, [makeVersion(1, amber), makeVersion(1, { ...amber, version: '2024-02-01T00:00:00Z' }), makeVersion(2, amber)]);
        await s.insertVersions(makeCollection(2).id, [makeVersion(3, amber), makeVersion(4, { tlp: 'GREEN', recipients: ['org:org-c'] })]);
        assert.equal(count('intel_recipients'), 8, 'AMBER rows name their recipients; GREEN ones need none');
        assert.equal(count('intel_terms'), 10);
        assert.equal(await s.deleteObject(makeCollection(1).id, makeVersion(1).stix_id, 'org-a'), 2);
        assert.equal(count('intel_recipients'), 4);
        assert.equal(count('intel_terms'), 6);
        assert.equal(await s.deleteCollection('root-1', makeCollection(2).id), true);
        assert.equal(count('intel_recipients'), 2);
        assert.equal(count('intel_terms'), 2);
        assert.equal(count('intel_objects'), 1);
      } finally {
        await store.close();
      }
    });
  });

  test('a migration that fails part-way leaves nothing behind and is run again whole on the next start', async () => {
    const database = new Database(':memory:');
    const db = new Kysely<unknown>({ dialect: sqliteDialect(database) });
    try {
      let fail = true;
      const migrations = [
        { name: '0001-rebuild', up: async (d: Kysely<unknown>) => {
          await sql`CREATE TABLE t_new (x INTEGER)`.execute(d);
          await sql`INSERT INTO t_new VALUES (1)`.execute(d);
          // A crash (here, an error) between the steps of a table rebuild.
          if (fail) throw new Error('crash in the middle of the migration');
          await sql`ALTER TABLE t_new RENAME TO t`.execute(d);
        } },
      ];
      await assert.rejects(migrateToLatest(db, migrations), /crash in the middle/);
      const tables = () => (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't%'").all() as { name: string }[]).map((r) => r.name);
      assert.deepEqual(tables(), [], 'the half-done rebuild was rolled back');
      assert.deepEqual(database.prepare('SELECT name FROM accord_migrations').all(), [], 'and not recorded');
      fail = false;
      await migrateToLatest(db, migrations);
      assert.deepEqual(tables(), ['t']);
      assert.deepEqual(database.prepare('SELECT x FROM t').all(), [{ x: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  test('refuses a database migrated by a newer version', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'accord.db');
      await (await openSqliteStore(file)).close();
      const raw = new Database(file);
      raw.prepare('INSERT INTO accord_migrations (name, timestamp) VALUES (?, ?)').run('9999-from-the-future', new Date().toISOString());
      raw.close();
      await assert.rejects(openSqliteStore(file), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.code, 'STORE_SCHEMA_TOO_NEW');
        return true;
      });
    });
  });
});

function readMigrations(file: string): { name: string; timestamp: string }[] {
  const raw = new Database(file, { readonly: true });
  try {
    return raw.prepare('SELECT name, timestamp FROM accord_migrations ORDER BY name').all() as { name: string; timestamp: string }[];
  } finally {
    raw.close();
  }
}
