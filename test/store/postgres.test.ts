import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import { postgresMigrations } from '../../src/store/postgres/migrations/index.js';
import type { Store } from '../../src/store/store.js';
import { runStoreContract } from './contract.js';
import { runDisclosureStoreContract } from './disclosure-contract.js';
import { makeApiRoot, makeCollection, makeVersion, runIntelStoreContract } from './intel-contract.js';
import { at, makeOrg, makeUser } from './fixtures.js';
import { createTestDatabase, createTestSchema, pgAvailability, withSettings, type TestDatabase } from './pg-harness.js';

const skip = await pgAvailability();

/** Names of the migrations recorded in `schema` of the database at `url`. */
async function recordedMigrations(url: string, schema = 'public'): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM "${schema}".accord_migrations ORDER BY name`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('postgres', () => {
  // The contract gets a fresh schema (as search_path) per case in one database of this file:
  // as isolated as a database per case, at a fraction of the cost.
  let shared: TestDatabase | undefined;
  before(async () => {
    if (skip === false) shared = await createTestDatabase();
  });
  after(async () => {
    await shared?.drop();
  });

  /** A store on a schema of its own; closing it drops the schema. */
  async function newStore(options: { intelClock?: () => number } = {}): Promise<Store> {
    assert.ok(shared, 'the shared test database was not created');
    const schema = await createTestSchema(shared);
    let store: Store;
    try {
      store = await openPostgresStore(schema.url, { poolSize: 2, ...options });
    } catch (err) {
      await schema.drop();
      throw err;
    }
    return {
      capabilities: store.capabilities,
      registry: store.registry,
      log: store.log,
      releases: store.releases,
      intel: store.intel,
      disclosure: store.disclosure,
      notify: store.notify,
      vulndb: store.vulndb,
      ping: () => store.ping(),
      async close() {
        try {
          await store.close();
        } finally {
          await schema.drop();
        }
      },
    };
  }

  runStoreContract({ name: 'postgres', newStore, skip });
  runIntelStoreContract({ name: 'postgres', newStore, skip });
  runDisclosureStoreContract({ name: 'postgres', newStore: () => newStore(), skip });

  test('intel seqs from two stores on one database follow commit order: a polling reader misses none', { skip }, async () => {
    assert.ok(shared, 'the shared test database was not created');
    const schema = await createTestSchema(shared);
    try {
      // Clocks ten seconds apart: the store that runs behind must still hand out seqs after the other's.
      const a = await openPostgresStore(schema.url, { poolSize: 4, intelClock: () => Date.now() * 1000 + 10_000_000 });
      const b = await openPostgresStore(schema.url, { poolSize: 4, intelClock: () => Date.now() * 1000 - 10_000_000 });
      try {
        await a.intel.putApiRoot(makeApiRoot(1));
        const collection = makeCollection(1);
        await a.intel.putCollection(collection);
        const written: number[] = [];
        let writing = true;
        const writer = async (store: Store, name: string) => {
          for (let batch = 0; batch < 40; batch++) {
            const rows = Array.from({ length: 1 + (batch % 7) }, (_, i) => makeVersion(`${name}-${batch}-${i}`));
            const out = await store.intel.insertVersions(collection.id, rows);
            for (const o of out) {
              assert.equal(o.kind, 'added');
              if (o.kind === 'added') written.push(o.seq);
            }
          }
        };
        const seen: number[] = [];
        const reader = async () => {
          let after = 0;
          const viewer = { kind: 'user', userId: 'user-r', orgId: 'org-r', groupIds: [] } as const;
          for (;;) {
            const done = !writing;
            const page = await b.intel.listObjects({ collection_id: collection.id, viewer, limit: 5, after, version: { kind: 'all' } });
            for (const r of page.rows) {
              assert.ok(r.seq > after);
              seen.push(r.seq);
              after = r.seq;
            }
            // after the writers finish, one more full pass that ends without `more`
            if (done && !page.more) return;
          }
        };
        const reading = reader();
        // settle every writer before judging, so one failure is reported as itself, not as a closed pool
        const writers = await Promise.allSettled([writer(a, 'a'), writer(b, 'b'), writer(a, 'c'), writer(b, 'd')]);
        writing = false;
        await reading;
        for (const w of writers) if (w.status === 'rejected') throw w.reason;
        assert.equal(new Set(written).size, written.length, 'seqs are unique');
        assert.deepEqual(seen, [...written].sort((x, y) => x - y), 'the reader saw every row once, in seq order');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    } finally {
      await schema.drop();
    }
  });

  test('two stores opened at once on a new database both migrate and share data', { skip }, async () => {
    // a few rounds: the race is between the migrator's CREATE TABLE / lock-row steps
    for (let round = 0; round < 3; round++) {
      const db = await createTestDatabase();
      try {
        const [a, b] = await Promise.all([openPostgresStore(db.url, { poolSize: 2 }), openPostgresStore(db.url, { poolSize: 2 })]);
        try {
          await a.registry.insertOrg(makeOrg('a'));
          assert.deepEqual(await b.registry.getOrg('org-a'), makeOrg('a'));
          await b.registry.insertUser(makeUser('b', 'org-a'));
          assert.deepEqual(await a.registry.getUser('user-b'), makeUser('b', 'org-a'));
          assert.equal(await a.registry.countOrgs({}), 1);
        } finally {
          await Promise.all([a.close(), b.close()]);
        }
        assert.deepEqual(await recordedMigrations(db.url), postgresMigrations.map((m) => m.name));
      } finally {
        await db.drop();
      }
    }
  });

  test('timestamps come back as UTC ISO strings whatever the session time zone', { skip }, async () => {
    const db = await createTestDatabase();
    try {
      const store = await openPostgresStore(withSettings(db.url, { TimeZone: 'Asia/Kolkata' }), { poolSize: 1 });
      try {
        const org = makeOrg(1, { created_at: '2024-12-31T23:59:59.999Z', joined_at: at(0) });
        await store.registry.insertOrg(org);
        assert.deepEqual(await store.registry.getOrg(org.id), org);
        // comparisons are on instants, not on the text
        assert.equal(await store.registry.countOrgs({ joinedBefore: at(1) }), 1);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  test('reopening a migrated database keeps the data and runs no migration again', { skip }, async () => {
    const db = await createTestDatabase();
    try {
      const first = await openPostgresStore(db.url, { poolSize: 1 });
      await first.registry.insertOrg(makeOrg(1));
      await first.close();
      const recorded = await recordedMigrations(db.url);
      const again = await openPostgresStore(db.url, { poolSize: 1 });
      try {
        assert.deepEqual(await again.registry.getOrg('org-1'), makeOrg(1));
      } finally {
        await again.close();
      }
      assert.deepEqual(await recordedMigrations(db.url), recorded);
    } finally {
      await db.drop();
    }
  });

  test('each schema of one database gets its own registry (search_path deployments)', { skip }, async () => {
    const db = await createTestDatabase();
    try {
      // the default schema first, so its bookkeeping tables exist when the second store migrates
      const main = await openPostgresStore(db.url, { poolSize: 1 });
      try {
        await main.registry.insertOrg(makeOrg('main'));
        const schema = await createTestSchema(db);
        const other = await openPostgresStore(schema.url, { poolSize: 1 });
        try {
          assert.equal(await other.registry.countOrgs({}), 0);
          await other.registry.insertOrg(makeOrg('other'));
          assert.equal(await main.registry.getOrg('org-other'), undefined);
          assert.deepEqual(await other.registry.getOrg('org-other'), makeOrg('other'));
        } finally {
          await other.close();
        }
        assert.deepEqual(await recordedMigrations(db.url, schema.schema), postgresMigrations.map((m) => m.name));
      } finally {
        await main.close();
      }
    } finally {
      await db.drop();
    }
  });
});
