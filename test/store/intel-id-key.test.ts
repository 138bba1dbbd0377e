import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src/store/sql/migrate.js';
import { idKey } from '../../src/intel/id-key.js';
import { prepareObject } from '../../src/intel/prepare.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations/index.js';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import { postgresMigrations } from '../../src/store/postgres/migrations/index.js';
import type { Store } from '../../src/store/store.js';
import type { Viewer } from '../../src/intel/ports.js';
import { makeCollection, makeVersion } from './intel-contract.js';
import { createTestDatabase, pgAvailability } from './pg-harness.js';

/**
 * Migration 0010: versions are found by a 48-bit key of their STIX id
 * (`idKey`) rather than a unique index over (collection, id, author,
 * version). Checks that the migration keys rows stored before it (and drops
 * the unique constraint), and that a key shared by two ids — a collision —
 * never mixes their versions up.
 */

const skipPg = await pgAvailability();
const C = makeCollection(1);
const READER: Viewer = { kind: 'user', userId: 'user-z', orgId: 'org-z', groupIds: [] };

/** A backend: a database left at migration 0009, raw SQL on it, and the store over it (which migrates to the latest). */
interface Backend {
  exec(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  open(): Promise<Store>;
  done(): Promise<void>;
}

async function sqliteAt0009(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'accord-idkey-'));
  const file = join(dir, 'accord.db');
  const k = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  await migrateToLatest(k, sqliteMigrations.slice(0, 9));
  await k.destroy();
  const raw = new Database(file);
  return {
    exec: async (text, params = []) => {
      const s = raw.prepare(text.replace(/\$\d+/g, '?'));
      return s.reader ? (s.all(...params) as Record<string, unknown>[]) : (s.run(...params), []);
    },
    open: () => openSqliteStore(file),
    done: async () => {
      raw.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresAt0009(): Promise<Backend> {
  const db = await createTestDatabase();
  const k = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url, max: 1 }) }) });
  await migrateToLatest(k, postgresMigrations.slice(0, 9), { schema: 'public' });
  await k.destroy();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    exec: async (text, params = []) => (await client.query(text, params)).rows as Record<string, unknown>[],
    open: () => openPostgresStore(db.url, { poolSize: 2 }),
    done: async () => {
      await client.end();
      await db.drop();
    },
  };
}

/** Stores rows the way migration 0009's schema holds them (what a database written before 0010 has). */
async function seedOldRows(b: Backend, n: number): Promise<void> {
  await b.exec(`INSERT INTO intel_api_roots (id, title, description, max_content_length, created_at) VALUES ('root-1', 'r', NULL, 1000, '2024-01-01T00:00:00Z')`);
  await b.exec(
    `INSERT INTO intel_collections (id, api_root, title, description, alias, default_tlp, public_read, grants, created_at) VALUES ($1, 'root-1', 't', NULL, NULL, 'GREEN', 0, '[]', '2024-01-01T00:00:00Z')`,
    [C.id],
  );
  for (let i = 1; i <= n; i++) {
    const v = makeVersion(i);
    await b.exec(
      `INSERT INTO intel_objects (seq, collection_id, stix_id, type, version, version_key, spec_version, tlp, author_org_id, author_user_id, recipients, revoked, json, salt, log_index, created, is_latest, is_first)
       VALUES ($1, $2, $3, $4, $5, $6, '2.1', 1, 'org-a', 'user-a1', '[]', 0, $7, NULL, NULL, $8, 1, 1)`,
      [i, C.id, v.stix_id, v.type, v.version, '2024-01-01T00:00:00.000000000', v.json, v.created],
    );
  }
  await b.exec('UPDATE intel_sequence SET last_seq = $1, logged_seq = $2', [n, n]);
}

function cases(name: string, at0009: () => Promise<Backend>, skip: string | false) {
  describe(`intel id key (${name})`, { skip }, () => {
    test('migration 0010 keys the versions stored before it and drops the unique constraint', async () => {
      const b = await at0009();
      try {
        // More rows than the migration fills per statement.
        await seedOldRows(b, 1203);
        const store = await b.open();
        try {
          const rows = await b.exec('SELECT stix_id, id_key FROM intel_objects ORDER BY seq');
          assert.equal(rows.length, 1203);
          for (const r of rows) assert.equal(Number(r.id_key), idKey(r.stix_id as string), `${String(r.stix_id)} keyed`);
          const unique =
            name === 'sqlite'
              ? await b.exec(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'intel_objects' AND name LIKE 'sqlite_autoindex%'`)
              : await b.exec(`SELECT conname FROM pg_constraint WHERE conrelid = 'intel_objects'::regclass AND contype = 'u'`);
          assert.deepEqual(unique, []);
          // The old rows are found by id: a re-post is a duplicate of the stored seq, a changed object a conflict.
          const [dup, conflict, added] = await store.intel.insertVersions(C.id, [makeVersion(7), { ...makeVersion(8), json: '{"changed":true}' }, makeVersion(2000)]);
          assert.deepEqual(dup, { kind: 'duplicate', seq: 7 });
          assert.deepEqual(conflict, { kind: 'conflict' });
          assert.equal(added?.kind, 'added');
          assert.equal((await store.intel.getLatest([C.id], makeVersion(1203).stix_id, READER))?.seq, 1203);
        } finally {
          await store.close();
        }
      } finally {
        await b.done();
      }
    });

    test('two ids under one key (a collision) keep their own versions', async () => {
      const b = await at0009();
      try {
        await seedOldRows(b, 0);
        const store = await b.open();
        try {
          const a = makeVersion(1);
          const other = makeVersion(2);
          await store.intel.insertVersions(C.id, [a]);
          // Make a's stored key the key of the other id: as if SHA-256's first 48 bits of both were equal.
          await b.exec('UPDATE intel_objects SET id_key = $1 WHERE stix_id = $2', [idKey(other.stix_id), a.stix_id]);
          // Same version instant and author as a, other content: not a conflict with a, a new object.
          const [out] = await store.intel.insertVersions(C.id, [{ ...other, version: a.version }]);
          assert.equal(out?.kind, 'added');
          const versions = await store.intel.versionsOf([C.id], other.stix_id, READER, 10);
          assert.deepEqual(
            versions.map((v) => v.stix_id),
            [other.stix_id],
          );
          assert.equal((await store.intel.getLatest([C.id], other.stix_id, READER))?.stix_id, other.stix_id);
          const page = await store.intel.listObjects({ collection_id: C.id, viewer: READER, ids: [other.stix_id], version: { kind: 'all' }, limit: 10 });
          assert.deepEqual(
            page.rows.map((v) => v.stix_id),
            [other.stix_id],
          );
          assert.equal(await store.intel.deleteObject(C.id, other.stix_id, 'org-a'), 1);
          assert.equal((await b.exec('SELECT stix_id FROM intel_objects')).length, 1, "a's version is not deleted with the other id");
        } finally {
          await store.close();
        }
      } finally {
        await b.done();
      }
    });
  });
}

cases('sqlite', sqliteAt0009, false);
cases('postgres', postgresAt0009, skipPg);

test('the preparation worker gives each row the id key the store looks it up by', () => {
  const obj = { type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4', value: '198.51.100.3' };
  const p = prepareObject(obj, 'GREEN');
  assert.ok('row' in p, JSON.stringify(p));
  assert.equal(p.row.id_key, idKey(obj.id));
});
