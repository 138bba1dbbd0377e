import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations/index.js';
import { StoreError } from '../../src/store/errors.js';
import { runStoreContract } from './contract.js';
import { makeOrg, makeUser } from './fixtures.js';

runStoreContract({ name: 'sqlite', newStore: () => openSqliteStore(':memory:') });

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
