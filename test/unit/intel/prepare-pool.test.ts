import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectGarbage } from '../../../src/intel/heap.js';
import { chunksOf } from '../../../src/intel/envelope.js';
import { MIN_WORKER_BATCH, MIN_WORKER_TEXT, PreparePool, type PreparedEnvelope } from '../../../src/intel/prepare-pool.js';
import { intelEntry, type IntelEntrySource } from '../../../src/intel/ledger-feed.js';
import { detailOf, prepareObject } from '../../../src/intel/prepare.js';
import { termsOf } from '../../../src/intel/terms.js';
import { tlpMarkingId } from '../../../src/intel/tlp.js';
import { VALID_INDICATOR } from './support.js';

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
    assert.deepEqual(await pool.prepare(objects, { defaultTlp: 'AMBER' }), expected);
    await until(() => pool.workerReady);
    assert.ok(pool.workerReady, 'the worker loaded');
    const [a, b] = await Promise.all([pool.prepare(objects, { defaultTlp: 'AMBER' }), pool.prepare(objects.slice(0, MIN_WORKER_BATCH), { defaultTlp: 'GREEN' })]);
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
  await pool.prepare(objects, { defaultTlp: 'AMBER' });
  await until(() => pool.workerReady);
  const odd = [...objects, { type: 'indicator', f: () => 1 }];
  const got = await pool.prepare(odd, { defaultTlp: 'AMBER' });
  assert.equal(got.length, odd.length);
  assert.ok('failure' in got.at(-1)!);
  await pool.close();
  assert.equal(pool.workerReady, false);
  assert.deepEqual(await pool.prepare(objects, { defaultTlp: 'CLEAR' }), objects.map((o) => prepareObject(o, 'CLEAR')));
});

test('a batch the worker held when it stopped is prepared here, from the serialised copy the pool kept', async () => {
  const pool = new PreparePool(true);
  const objects = batch(2 * MIN_WORKER_BATCH);
  await pool.prepare(objects, { defaultTlp: 'AMBER' });
  await until(() => pool.workerReady);
  const pending = pool.prepare(objects, { defaultTlp: 'GREEN' });
  // The caller's objects may change once handed over: the pool prepares what it was given.
  const given = structuredClone(objects);
  for (const o of objects) (o as Record<string, unknown>).name = 'changed after prepare()';
  await pool.close();
  assert.deepEqual(await pending, given.map((o) => prepareObject(o, 'GREEN')));
});

test('without the worker everything is prepared on the calling thread', async () => {
  const pool = new PreparePool(false);
  const objects = batch(2 * MIN_WORKER_BATCH);
  assert.deepEqual(await pool.prepare(objects, { defaultTlp: 'RED' }), objects.map((o) => prepareObject(o, 'RED')));
  assert.equal(pool.workerReady, false);
});

test('an idle worker is stopped and the pool says so (the moment to give memory back)', async () => {
  const pool = new PreparePool(true);
  let idle = 0;
  pool.onIdle(() => idle++);
  try {
    const objects = batch(MIN_WORKER_BATCH);
    await pool.prepare(objects, { defaultTlp: 'AMBER' });
    await until(() => pool.workerReady);
    await pool.prepare(objects, { defaultTlp: 'AMBER' });
    assert.equal(idle, 0, 'not idle while working');
    await until(() => idle > 0);
    assert.equal(idle, 1);
    assert.equal(pool.workerReady, false, 'the worker was stopped');
  } finally {
    await pool.close();
  }
});

/** An envelope's text, padded with JSON whitespace to `bytes` at least (so it goes to the worker). */
function envelopeText(objects: unknown[], bytes = 0, extra: Record<string, unknown> = {}): string {
  const text = JSON.stringify({ ...extra, objects });
  return text + ' '.repeat(Math.max(0, bytes - text.length));
}

/** What the calling thread makes of an envelope's objects: their details and each chunk prepared. */
function expectedEnvelope(objects: unknown[], chunkSize: number, defaultTlp: 'AMBER' | 'GREEN') {
  return { details: objects.map(detailOf), chunks: chunksOf(objects, chunkSize).map((c) => c.map((o) => prepareObject(o, defaultTlp))) };
}

async function settled(e: PreparedEnvelope | { refused: unknown }) {
  assert.ok('details' in e, `an envelope, not ${JSON.stringify(e)}`);
  return { details: e.details, chunks: await Promise.all(e.chunks) };
}

test('an envelope goes to the worker as text and comes back as the calling thread would make it: details, then each chunk in order', async () => {
  const pool = new PreparePool(true);
  try {
    const objects = batch(5 * MIN_WORKER_BATCH);
    const text = envelopeText(objects, MIN_WORKER_TEXT, { more: false });
    await pool.prepare(objects, { defaultTlp: 'AMBER' });
    await until(() => pool.workerReady);
    const before = pool.preparedHere;
    assert.deepEqual(await settled(await pool.envelope(text, 100, { defaultTlp: 'AMBER' })), expectedEnvelope(objects, 100, 'AMBER'));
    assert.equal(pool.preparedHere, before, 'nothing was prepared on the calling thread');
    // An empty envelope has details and no chunks.
    assert.deepEqual(await settled(await pool.envelope(envelopeText([], MIN_WORKER_TEXT), 100, { defaultTlp: 'AMBER' })), { details: [], chunks: [] });
    // Small texts stay here.
    const small = batch(3);
    assert.deepEqual(await settled(await pool.envelope(envelopeText(small), 100, { defaultTlp: 'GREEN' })), expectedEnvelope(small, 100, 'GREEN'));
    assert.equal(pool.preparedHere, before + 3);
  } finally {
    await pool.close();
  }
});

test('a body that is not an envelope is refused the same way by the worker and by the calling thread', async () => {
  const bodies: [string, string][] = [
    ['{"objects": [', 'the body is not valid JSON'],
    ['[1, 2]', 'the body must be a TAXII envelope: {"objects": [ … ]}'],
    ['{"objects": {}}', 'must be a list of STIX objects'],
    ['{"objects": [], "extra": 1}', 'is not a property of an envelope'],
    [String.raw`{"objects": [{"type": "x", "name": "a\u0000b"}]}`, 'must not contain NUL characters'],
  ];
  const worker = new PreparePool(true);
  const here = new PreparePool(false);
  try {
    await worker.prepare(batch(MIN_WORKER_BATCH), { defaultTlp: 'AMBER' });
    await until(() => worker.workerReady);
    for (const [body, message] of bodies) {
      for (const [pool, text] of [
        [here, body],
        [worker, body + ' '.repeat(MIN_WORKER_TEXT)],
      ] as const) {
        const got = await pool.envelope(text, 100, { defaultTlp: 'AMBER' });
        assert.ok('refused' in got, `${body} is refused`);
        assert.equal(got.refused.problems[0]!.message, message, body);
      }
    }
  } finally {
    await worker.close();
  }
});

test('an envelope the worker was still preparing when it stopped is finished here from the text', async () => {
  const pool = new PreparePool(true);
  const objects = batch(40 * MIN_WORKER_BATCH);
  await pool.prepare(batch(MIN_WORKER_BATCH), { defaultTlp: 'AMBER' });
  await until(() => pool.workerReady);
  const before = pool.preparedHere;
  const envelope = await pool.envelope(envelopeText(objects), 10, { defaultTlp: 'GREEN' });
  // The worker has told the details and goes on with 256 chunks; stop it now.
  await pool.close();
  assert.deepEqual(await settled(envelope), expectedEnvelope(objects, 10, 'GREEN'));
  assert.ok(pool.preparedHere > before, 'the chunks the worker had not answered were prepared here');
});

test('collectGarbage collects the whole heap', async () => {
  // Made in a function, so nothing here holds the object.
  const w = ((): WeakRef<object> => new WeakRef({ big: new Array(1000).fill(1) }))();
  // A WeakRef's target lives at least to the end of the job that made it.
  await new Promise((r) => setImmediate(r));
  assert.equal(collectGarbage(), true);
  assert.equal(w.deref(), undefined);
});

test('a stix indicator is indexed by the values of the pattern validation parsed, as termsOf finds them', () => {
  const indicator = {
    ...VALID_INDICATOR,
    pattern: "[ipv4-addr:value = '198.51.100.1'] OR [domain-name:value = 'Evil.Example']",
    labels: ['Malicious-Activity'],
  };

  const p = prepareObject(indicator, 'GREEN');
  assert.ok('row' in p);
  assert.deepEqual(p.row.terms, ['v:198.51.100.1', 'v:evil.example', 'l:malicious-activity']);
  assert.deepEqual(p.row.terms, termsOf(indicator));
  // Not stix: nothing parsed, no pattern values.
  const sigma = prepareObject({ ...indicator, pattern_type: 'sigma', pattern: 'title: x' }, 'GREEN');
  assert.ok('row' in sigma);
  assert.deepEqual(sigma.row.terms, ['l:malicious-activity']);
});
