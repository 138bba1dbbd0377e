/**
 * Hostile add-checkpoint bodies through the whole HTTP stack: thousands of
 * deterministic mutations of a valid request. A witness must answer each with a
 * 4xx (or, for a mutation that is still a valid request, 200) and never a 5xx.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { buildWitnessApp } from '../../src/witness/app.js';
import { initWitnessDir, openWitnessDir } from '../../src/witness/witness-dir.js';
import { textMutator } from '../unit/ledger/support.js';
import { cosigner, MemoryWitnessStore, tempDir, TestLog } from './support.js';

const PIECES = ['\n', '\n\n', ' ', 'old ', 'old 0\n', '0', '9', '\u2014', '\u2014 ', '=', '+', '/', 'A', '\r', '\t', '\u0000', '\ud800', 'é', '\ufeff'];

const mutator = (seed: number) =>
  textMutator(seed, PIECES, [
    // Swap two lines (out-of-order proof lines, signature before the text).
    (t, _at, rng) => {
      const lines = t.split('\n');
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    },
    // Repeat a run (duplicate lines, doubled signatures).
    (t, at, rng) => {
      const end = Math.min(t.length, at + rng.int(60));
      return t.slice(0, end) + t.slice(at, end) + t.slice(end);
    },
    // Change a digit (sizes, key ids).
    (t, _at, rng) => t.replace(/[0-9]/, () => String(rng.int(10))),
  ]);

describe('hostile add-checkpoint bodies', () => {
  const tmp = tempDir('accord-witness-fuzz-');
  after(() => tmp.cleanup());

  it('3000 mutations from one fixed witness state: only 4xx, or 200 for still-valid requests', async () => {
    const log = new TestLog('example.com/fuzz');
    log.grow(21);
    const store = new MemoryWitnessStore();
    const app = buildWitnessApp({ logs: log.logs(), cosigners: [cosigner], store, now: () => 1000, logger: false });
    assert.equal((await app.inject({ method: 'POST', url: '/add-checkpoint', payload: log.body(0, 13) })).statusCode, 200);
    store.persist = false; // every mutation meets the same recorded checkpoint (size 13)
    const seeds = [log.body(13, 21), log.body(13, 13)];
    const mutate = mutator(0xf022);
    const counts = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const payload = mutate(seeds[i % seeds.length]!);
      const res = await app.inject({ method: 'POST', url: '/add-checkpoint', payload, headers: { 'content-type': 'text/plain' } });
      counts.set(res.statusCode, (counts.get(res.statusCode) ?? 0) + 1);
      assert.ok(res.statusCode < 500, `mutation ${i} got ${res.statusCode}: ${JSON.stringify(payload.toString())}`);
      assert.ok(res.statusCode === 200 || (res.statusCode >= 400 && res.statusCode < 500));
    }
    await app.close();
    // The mutations reach every refusal, not just the parser's.
    for (const status of [400, 403, 404, 409, 422]) assert.ok((counts.get(status) ?? 0) > 0, `some ${status}s: ${JSON.stringify([...counts])}`);
  });

  it('1000 mutations against the real SQLite state never produce a 5xx', async () => {
    const dir = join(tmp.path, 'sqlite');
    initWitnessDir(dir, { name: 'witness.test/fuzz' });
    const opened = openWitnessDir(dir);
    const log = new TestLog('example.com/fuzz-sqlite');
    log.grow(40);
    const app = buildWitnessApp({ logs: log.logs(), cosigners: [opened.cosigner], store: opened.store, now: () => 1000, logger: false });
    assert.equal((await app.inject({ method: 'POST', url: '/add-checkpoint', payload: log.body(0, 9) })).statusCode, 200);
    const mutate = mutator(0x5a1);
    for (let i = 0; i < 1000; i++) {
      const res = await app.inject({ method: 'POST', url: '/add-checkpoint', payload: mutate(log.body(9, 40)) });
      assert.ok(res.statusCode < 500, `mutation ${i} got ${res.statusCode}`);
    }
    await app.close();
    opened.store.close();
  });
});
