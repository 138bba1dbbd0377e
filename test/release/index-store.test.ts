import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, pgAvailability } from '../store/pg-harness.js';

const pgSkip = await pgAvailability();
const backends = [
  { name: 'sqlite', skip: false as string | false, open: async () => ({ store: await openSqliteStore(':memory:'), drop: async () => {} }) },
  {
    name: 'postgres',
    skip: pgSkip,
    open: async () => {
      const db = await createTestDatabase();
      return { store: await openPostgresStore(db.url, { poolSize: 2 }), drop: () => db.drop() };
    },
  },
];

for (const b of backends) {
  describe(`release index on ${b.name}`, { skip: b.skip === false ? undefined : b.skip }, () => {
    let store: Store;
    let drop: () => Promise<void>;
    before(async () => ({ store, drop } = await b.open()));
    after(async () => {
      await store?.close();
      await drop?.();
    });

    it('finds releases by digest, purl and package, newest first, idempotently', async () => {
      const r = store.releases;
      assert.equal(await r.position(), 0);
      const row = (index: number, sha: string, version: string) => ({
        index,
        sha256s: [sha.repeat(64).slice(0, 64)],
        purls: [{ purl: `pkg:npm/acme/tool@${version}`, pkg: 'pkg:npm/acme/tool' }],
      });
      await r.index([row(3, 'a', '1.0.0'), row(7, 'b', '1.1.0')], 8);
      await r.index([row(7, 'b', '1.1.0'), row(12, 'a', '1.2.0')], 13); // a replay after a crash: no duplicates
      assert.equal(await r.position(), 13);
      assert.deepEqual(await r.search({ pkg: 'pkg:npm/acme/tool', limit: 10 }), [12, 7, 3]);
      assert.deepEqual(await r.search({ pkg: 'pkg:npm/acme/tool', before: 12, limit: 1 }), [7]);
      assert.deepEqual(await r.search({ sha256: 'a'.repeat(64), limit: 10 }), [12, 3]);
      assert.deepEqual(await r.search({ sha256: 'a'.repeat(64), purl: 'pkg:npm/acme/tool@1.0.0', limit: 10 }), [3]);
      assert.deepEqual(await r.search({ sha256: 'b'.repeat(64), pkg: 'pkg:npm/other', limit: 10 }), []);
      assert.deepEqual(await r.search({ purl: 'pkg:npm/acme/tool@9', limit: 10 }), []);
    });
  });
}
