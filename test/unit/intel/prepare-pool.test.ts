import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectGarbage } from '../../../src/intel/heap.js';
import { MIN_WORKER_BATCH, PreparePool } from '../../../src/intel/prepare-pool.js';
import { intelEntry, type IntelEntrySource } from '../../../src/intel/ledger-feed.js';
import { prepareObject } from '../../../src/intel/prepare.js';
import { tlpMarkingId } from '../../../src/intel/tlp.js';

const at = '2026-01-02T03:04:05.678Z';

function batch(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 0
      ? { type: 'indicator', spec_version: '2.1', id: `indicator--${String(i).padStart(8, '0')}-1111-4111-8111-111111111111`, created: at, modified: at, pattern: `[ipv4-addr:value = '10.0.0.${i % 256}']`, pattern_type: 'stix', valid_from: at, labels: ['x'], object_marking_refs: [tlpMarkingId('RED')] }
      : i % 3 === 1
        ? { type: 'indicator', spec_version: '2.1', id: 'not an id', pattern: '[broken' }
        : { type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--not-deterministic', value: '10.0.0.1' },
  );
}

async function until(p: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !p(); i++) await new Promise((r) => setTimeout(r, 50));
}

test('the worker prepares exactly what the calling thread would, in order', async () => {
  const pool = new PreparePool(true);
  try {
    const objects = batch(3 * MIN_WORKER_BATCH);
    const expected = objects.map((o) => prepareObject(o, 'AMBER'));
    // The first batch is prepared here while the worker loads.
    assert.deepEqual(await pool.prepare(objects, 'AMBER'), expected);
    await until(() => pool.workerReady);
    assert.ok(pool.workerReady, 'the worker loaded');
    const [a, b] = await Promise.all([pool.prepare(objects, 'AMBER'), pool.prepare(objects.slice(0, MIN_WORKER_BATCH), 'GREEN')]);
    assert.deepEqual(a, expected);
    assert.deepEqual(
      b,
      objects.slice(0, MIN_WORKER_BATCH).map((o) => prepareObject(o, 'GREEN')),
    );
  } finally {
    await pool.close();
  }
});

test('the worker computes the ledger feed entries exactly as the calling thread would', async () => {
  const pool = new PreparePool(true);
  try {
    const rows: IntelEntrySource[] = Array.from({ length: 2 * MIN_WORKER_BATCH }, (_, i) => ({
      json: JSON.stringify({ z: i, type: 'indicator', id: `indicator--${i}`, a: [1.0, 'é', { y: 2, x: 1 }] }),
      salt: i % 2 ? null : 'ab'.repeat(32),
      collection_id: 'c-1',
      stix_id: `indicator--${i}`,
      version: at,
    }));
    const expected = rows.map(intelEntry).map((e) => Buffer.from(e).toString('hex'));
    await pool.entries(rows);
    await until(() => pool.workerReady);
    assert.ok(pool.workerReady);
    assert.deepEqual(
      (await pool.entries(rows)).map((e) => Buffer.from(e).toString('hex')),
      expected,
    );
  } finally {
    await pool.close();
  }
});

test('input the worker cannot be sent, and anything after the worker is gone, is prepared here', async () => {
  const pool = new PreparePool(true);
  const objects = batch(MIN_WORKER_BATCH);
  await pool.prepare(objects, 'AMBER');
  await until(() => pool.workerReady);
  const odd = [...objects, { type: 'indicator', f: () => 1 }];
  const got = await pool.prepare(odd, 'AMBER');
  assert.equal(got.length, odd.length);
  assert.ok('failure' in got.at(-1)!);
  await pool.close();
  assert.equal(pool.workerReady, false);
  assert.deepEqual(await pool.prepare(objects, 'CLEAR'), objects.map((o) => prepareObject(o, 'CLEAR')));
});

test('a batch the worker held when it stopped is prepared here, from the serialised copy the pool kept', async () => {
  const pool = new PreparePool(true);
  const objects = batch(2 * MIN_WORKER_BATCH);
  await pool.prepare(objects, 'AMBER');
  await until(() => pool.workerReady);
  const pending = pool.prepare(objects, 'GREEN');
  // The caller's objects may change once handed over: the pool prepares what it was given.
  const given = structuredClone(objects);
  for (const o of objects) (o as Record<string, unknown>).name = 'changed after prepare()';
  await pool.close();
  assert.deepEqual(await pending, given.map((o) => prepareObject(o, 'GREEN')));
});

test('without the worker everything is prepared on the calling thread', async () => {
  const pool = new PreparePool(false);
  const objects = batch(2 * MIN_WORKER_BATCH);
  assert.deepEqual(await pool.prepare(objects, 'RED'), objects.map((o) => prepareObject(o, 'RED')));
  assert.equal(pool.workerReady, false);
});

test('an idle worker is stopped and the pool says so (the moment to give memory back)', async () => {
  const pool = new PreparePool(true);
  let idle = 0;
  pool.onIdle(() => idle++);
  try {
    const objects = batch(MIN_WORKER_BATCH);
    await pool.prepare(objects, 'AMBER');
    await until(() => pool.workerReady);
    await pool.prepare(objects, 'AMBER');
    assert.equal(idle, 0, 'not idle while working');
    await until(() => idle > 0);
    assert.equal(idle, 1);
    assert.equal(pool.workerReady, false, 'the worker was stopped');
  } finally {
    await pool.close();
  }
});

test('collectGarbage collects the whole heap', async () => {
  // Made in a function, so nothing here holds the object.
  const w = ((): WeakRef<object> => new WeakRef({ big: new Array(1000).fill(1) }))();
  // A WeakRef's target lives at least to the end of the job that made it.
  await new Promise((r) => setImmediate(r));
  assert.equal(collectGarbage(), true);
  assert.equal(w.deref(), undefined);
});
