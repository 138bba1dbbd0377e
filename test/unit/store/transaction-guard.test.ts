import { it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../../src/store/sqlite/open.js';

it('refuses the root store inside its own transaction instead of deadlocking', async () => {
  const store = await openSqliteStore(':memory:');
  try {
    await assert.rejects(
      store.registry.transaction(async () => {
        await store.registry.listPledges();
      }),
      /inside its own transaction/,
    );
    // Outside a transaction, and through the transaction's own store, it works.
    assert.deepEqual(await store.registry.listPledges(), []);
    assert.deepEqual(await store.registry.transaction((tx) => tx.listPledges()), []);
    // Concurrent calls from other async chains wait rather than throw.
    const [a] = await Promise.all([store.registry.transaction(async (tx) => tx.listPledges()), store.registry.listPledges()]);
    assert.deepEqual(a, []);
  } finally {
    await store.close();
  }
});
