/**
 * The witness server through `app.inject()`, on a real data directory (SQLite
 * state): every status of c2sp.org/tlog-witness §add-checkpoint, chains with
 * real consistency proofs, rollback and split-view refusal, concurrent adds,
 * restarts, the monitoring endpoint, and failures that must stay 5xx-silent.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { openCheckpoint, signCheckpoint } from '../../src/ledger/checkpoint.js';
import { parseCosignerVerifierKey, verifyCosignatures } from '../../src/ledger/cosignature.js';
import { parseVerifierKey } from '../../src/ledger/note-verifier.js';
import { formatAddCheckpointRequest, originHash, witnessLogsFromVkeys, type WitnessStore } from '../../src/ledger/witness.js';
import { buildWitnessApp, type WitnessAppOptions } from '../../src/witness/app.js';
import { WitnessDirError } from '../../src/witness/errors.js';
import { initWitnessDir, openWitnessDir, witnessPaths, type OpenedWitnessDir } from '../../src/witness/witness-dir.js';
import { tempDir, TestLog } from './support.js';

const tmp = tempDir('accord-witness-app-');
after(() => tmp.cleanup());
let dirs = 0;

interface Harness {
  dir: string;
  vkey: string;
  opened: OpenedWitnessDir;
  app: FastifyInstance;
  close(): Promise<void>;
}

function start(logs: TestLog[], o: { dir?: string; now?: () => number; app?: Partial<WitnessAppOptions>; store?: WitnessStore } = {}): Harness {
  let dir = o.dir;
  if (dir === undefined) {
    dir = join(tmp.path, `w${++dirs}`);
    initWitnessDir(dir, { name: 'witness.test/app' });
  }
  const opened = openWitnessDir(dir);
  const app = buildWitnessApp({
    logs: witnessLogsFromVkeys(logs.map((l) => l.vkey)),
    cosigners: [opened.cosigner],
    store: o.store ?? opened.store,
    now: o.now ?? (() => 1_750_000_000),
    logger: false,
    ...o.app,
  });
  return {
    dir,
    vkey: opened.vkey,
    opened,
    app,
    close: async () => {
      await app.close();
      opened.store.close();
    },
  };
}

function post(h: Harness, body: string | Buffer, url = '/add-checkpoint', headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'text/plain', ...headers } });
}

describe('witness HTTP: status codes', () => {
  const log = new TestLog('example.com/status');
  log.grow(12);
  const h = start([log]);
  after(() => h.close());

  it('200: cosigns the first checkpoint (old 0); the lines verify with the vkey init printed', async () => {
    const res = await post(h, log.body(0, 5));
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.match(res.body, /^(— witness\.test\/app [A-Za-z0-9+/]+=*\n)+$/);
    const cos = verifyCosignatures(`${log.note(5)}${res.body}`, [parseCosignerVerifierKey(h.vkey)]);
    assert.deepEqual(cos.map((c) => [c.name, c.timestamp]), [['witness.test/app', 1_750_000_000]]);
  });

  it('409: a stale old size gets text/x.tlog.size and the recorded size', async () => {
    const res = await post(h, log.body(0, 8));
    assert.equal(res.statusCode, 409);
    assert.equal(res.headers['content-type'], 'text/x.tlog.size');
    assert.equal(res.body, '5\n');
  });

  it('200: the next checkpoint with a real consistency proof', async () => {
    const res = await post(h, log.body(5, 12));
    assert.equal(res.statusCode, 200, res.body);
  });

  it('400: malformed bodies and an old size above the checkpoint size', async () => {
    for (const body of ['', 'old 12\n', 'hello', `old 012\n\n${log.note(12)}`, formatAddCheckpointRequest({ oldSize: 13, proof: [], checkpoint: log.note(12) })]) {
      const res = await post(h, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body.slice(0, 40))}: ${res.body}`);
    }
  });

  it('403: not signed by the log key', async () => {
    const impostor = new TestLog('example.com/status', 66);
    impostor.grow(13);
    const res = await post(h, impostor.body(12, 13));
    assert.equal(res.statusCode, 403);
  });

  it('404: unknown origin, and unknown paths', async () => {
    const other = new TestLog('example.com/unknown');
    other.grow(1);
    assert.equal((await post(h, other.body(0))).statusCode, 404);
    assert.equal((await post(h, log.body(12, 12), '/witness/add-checkpoint')).statusCode, 404);
  });

  it('405: add-checkpoint takes POST only', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/add-checkpoint' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'POST');
  });

  it('413: bodies above the limit', async () => {
    const res = await post(h, `old 0\n\n${'x'.repeat(200 * 1024)}`);
    assert.equal(res.statusCode, 413);
  });

  it('422: a consistency proof that does not verify', async () => {
    log.grow(4);
    const proof = log.tree.consistencyProof(12, 16).reverse();
    const res = await post(h, formatAddCheckpointRequest({ oldSize: 12, proof, checkpoint: log.note(16) }));
    assert.equal(res.statusCode, 422);
  });

  it('422: a split view (same size, other root)', async () => {
    const fork = new TestLog('example.com/status');
    fork.grow(11);
    fork.tree.append(new Uint8Array(32).fill(1));
    assert.equal(fork.tree.size, 12);
    const res = await post(h, fork.body(12, 12));
    assert.equal(res.statusCode, 422);
  });

  it('any content type, or none, is read as the body', async () => {
    for (const ct of ['application/octet-stream', 'application/json', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded']) {
      const res = await post(h, log.body(12, 12), '/add-checkpoint', { 'content-type': ct });
      assert.equal(res.statusCode, 200, `${ct}: ${res.body}`);
    }
    const res = await h.app.inject({ method: 'POST', url: '/add-checkpoint', payload: log.body(12, 12), headers: { 'content-type': undefined as unknown as string } });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('the monitoring endpoint serves the latest cosigned checkpoint with the log signature and the cosignature', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/${originHash('example.com/status')}/checkpoint` });
    assert.equal(res.statusCode, 200);
    const { checkpoint } = openCheckpoint(res.body, 'example.com/status', [parseVerifierKey(log.vkey)]);
    assert.equal(checkpoint.size, 12);
    assert.equal(verifyCosignatures(res.body, [parseCosignerVerifierKey(h.vkey)]).length, 1);
    for (const url of [`/${originHash('example.com/unknown')}/checkpoint`, `/${'A'.repeat(64)}/checkpoint`, '/x/checkpoint']) {
      assert.equal((await h.app.inject({ method: 'GET', url })).statusCode, 404, url);
    }
  });
});

describe('witness HTTP: history', () => {
  it('follows a long chain, refuses rollbacks, and keeps its state across a restart', async () => {
    const log = new TestLog('example.com/chain');
    let h = start([log]);
    let old = 0;
    for (const step of [1, 2, 5, 8, 16, 1, 31, 64, 3]) {
      log.grow(step);
      const res = await post(h, log.body(old));
      assert.equal(res.statusCode, 200, res.body);
      old = log.tree.size;
    }
    // Rollback attempts: an older checkpoint presented either way.
    assert.equal((await post(h, log.body(0, 50))).statusCode, 409);
    assert.equal((await post(h, formatAddCheckpointRequest({ oldSize: old, proof: [], checkpoint: log.note(50) }))).statusCode, 400);
    await h.close();

    h = start([log], { dir: h.dir });
    const stale = await post(h, log.body(0));
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.body, `${old}\n`, 'the recorded size survived the restart');
    log.grow(10);
    assert.equal((await post(h, log.body(old))).statusCode, 200);
    await h.close();
  });

  it('serialises concurrent adds for one log: one of many competing old-0 checkpoints wins', async () => {
    const log = new TestLog('example.com/race');
    log.grow(40);
    const h = start([log]);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => post(h, log.body(0, i + 1))));
    assert.equal(results.filter((r) => r.statusCode === 200).length, 1);
    const won = results.findIndex((r) => r.statusCode === 200) + 1;
    for (const r of results) if (r.statusCode !== 200) assert.deepEqual([r.statusCode, r.body], [409, `${won}\n`]);
    await h.close();
  });

  it('two witness processes on one directory never both accept against the same old size', async () => {
    const log = new TestLog('example.com/two-procs');
    log.grow(20);
    const a = start([log]);
    const b = start([log], { dir: a.dir });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 === 0 ? a : b, log.body(0, i + 1))));
    assert.equal(results.filter((r) => r.statusCode === 200).length, 1);
    await a.close();
    await b.close();
  });

  it('logs are independent of each other', async () => {
    const one = new TestLog('example.com/one', 1);
    const two = new TestLog('example.com/two', 2);
    one.grow(3);
    two.grow(9);
    const h = start([one, two]);
    assert.equal((await post(h, one.body(0))).statusCode, 200);
    assert.equal((await post(h, two.body(0))).statusCode, 200);
    const res = await post(h, two.body(3, 9));
    assert.deepEqual([res.statusCode, res.body], [409, '9\n']);
    await h.close();
  });

  it('honours a submission prefix and a separate monitoring prefix', async () => {
    const log = new TestLog('example.com/prefix');
    log.grow(2);
    const h = start([log], { app: { prefix: '/w/one', monitoringPrefix: '/mon' } });
    assert.equal((await post(h, log.body(0))).statusCode, 404);
    assert.equal((await post(h, log.body(0), '/w/one/add-checkpoint')).statusCode, 200);
    assert.equal((await h.app.inject({ method: 'GET', url: `/mon/${originHash(log.origin)}/checkpoint` })).statusCode, 200);
    assert.equal((await h.app.inject({ method: 'GET', url: `/w/one/${originHash(log.origin)}/checkpoint` })).statusCode, 404);
    await h.close();
    assert.throws(() => buildWitnessApp({ logs: new Map(), cosigners: [h.opened.cosigner], store: h.opened.store, prefix: '/trailing/' }), /prefix/);
  });
});

describe('witness HTTP: failures', () => {
  it('a failing store is a bare 500, and nothing is cosigned', async () => {
    const log = new TestLog('example.com/broken');
    log.grow(3);
    const broken: WitnessStore = {
      latest: () => Promise.reject(new Error('disk on fire at /secret/path')),
      update: () => Promise.reject(new Error('disk on fire at /secret/path')),
    };
    const h = start([log], { store: broken });
    const res = await post(h, log.body(0));
    assert.equal(res.statusCode, 500);
    assert.equal(res.body, 'internal error\n');
    assert.equal((await h.app.inject({ method: 'GET', url: `/${originHash(log.origin)}/checkpoint` })).statusCode, 500);
    await h.close();
  });

  it('a tampered state row is refused (500), not cosigned from', async () => {
    const log = new TestLog('example.com/tamper');
    log.grow(4);
    const h = start([log]);
    assert.equal((await post(h, log.body(0))).statusCode, 200);
    const db = new Database(witnessPaths(h.dir).state);
    db.prepare('UPDATE checkpoints SET size = 2').run();
    db.close();
    log.grow(1);
    assert.equal((await post(h, log.body(2))).statusCode, 500);
    await h.close();
  });

  it('a size-0 checkpoint with a non-empty root is 422', async () => {
    const log = new TestLog('example.com/zero');
    const h = start([log]);
    const bad = signCheckpoint({ origin: log.origin, size: 0, rootHash: new Uint8Array(32).fill(7), extensions: [] }, [log.signer]);
    assert.equal((await post(h, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: bad }))).statusCode, 422);
    await h.close();
  });
});

describe('witness data directory', () => {
  it('init writes a 0600 key, a public manifest, and refuses to run twice', () => {
    const dir = join(tmp.path, 'init-once');
    const out = initWitnessDir(dir, { name: 'witness.example/once' });
    assert.equal(out.witness_name, 'witness.example/once');
    const p = witnessPaths(dir);
    assert.equal(statSync(p.key).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(JSON.parse(readFileSync(p.manifest, 'utf8')).vkey, out.witness_vkey);
    const before = readFileSync(p.key, 'utf8');
    assert.throws(() => initWitnessDir(dir), (e: unknown) => e instanceof WitnessDirError && e.code === 'WITNESS_DIR_ALREADY_INITIALISED');
    assert.equal(readFileSync(p.key, 'utf8'), before, 'the key was not replaced');
    assert.throws(() => initWitnessDir(join(tmp.path, 'bad-name'), { name: 'has space' }), WitnessDirError);
  });

  it('open refuses a missing, world-readable or mismatched key', () => {
    assert.throws(() => openWitnessDir(join(tmp.path, 'nothing-here')), (e: unknown) => e instanceof WitnessDirError && e.code === 'WITNESS_DIR_NOT_INITIALISED');
    const dir = join(tmp.path, 'open-checks');
    initWitnessDir(dir, { name: 'witness.example/checks' });
    const p = witnessPaths(dir);
    chmodSync(p.key, 0o644);
    assert.throws(() => openWitnessDir(dir), /readable by other users/);
    chmodSync(p.key, 0o600);
    const other = join(tmp.path, 'open-checks-other');
    initWitnessDir(other, { name: 'witness.example/checks' });
    writeFileSync(p.manifest, readFileSync(witnessPaths(other).manifest));
    assert.throws(() => openWitnessDir(dir), (e: unknown) => e instanceof WitnessDirError && e.code === 'WITNESS_DIR_INVALID');
  });
});
