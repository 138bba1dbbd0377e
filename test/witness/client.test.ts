/**
 * `requestCosignature` against a witness listening on 127.0.0.1 (a random
 * port) with the platform's fetch: a log's lifecycle (first checkpoint, growth,
 * the 409 resynchronisation), refusals, and the timeout against a server that
 * accepts the connection and never answers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parseCosignerVerifierKey, verifyCosignatures } from '../../src/ledger/cosignature.js';
import { addNoteSignatures } from '../../src/ledger/note.js';
import { requestCosignature } from '../../src/ledger/witness-client.js';
import { WitnessError, WitnessOldSizeError } from '../../src/ledger/witness.js';
import { buildWitnessApp } from '../../src/witness/app.js';
import { initWitnessDir, openWitnessDir, type OpenedWitnessDir } from '../../src/witness/witness-dir.js';
import { tempDir, TestLog } from './support.js';

describe('requestCosignature against a real witness', () => {
  const tmp = tempDir('accord-witness-client-');
  const log = new TestLog('example.com/client-e2e');
  let opened: OpenedWitnessDir;
  let app: FastifyInstance;
  let url: string;
  let vkey: string;

  before(async () => {
    const dir = join(tmp.path, 'w');
    vkey = initWitnessDir(dir, { name: 'witness.test/e2e' }).witness_vkey;
    opened = openWitnessDir(dir);
    app = buildWitnessApp({ logs: log.logs(), cosigners: [opened.cosigner], store: opened.store, prefix: '/w', logger: false });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address}/w`;
  });
  after(async () => {
    await app.close();
    opened.store.close();
    tmp.cleanup();
  });

  const ask = (oldSize: number, size: number, extra: { timeoutMs?: number } = {}) =>
    requestCosignature({
      url,
      checkpointNote: log.note(size),
      oldSize,
      consistencyProof: oldSize === 0 ? [] : log.tree.consistencyProof(oldSize, size),
      fetch: globalThis.fetch,
      timeoutMs: extra.timeoutMs ?? 5000,
      verifiers: [parseCosignerVerifierKey(vkey)],
    });

  it('cosigns a first checkpoint, then a grown one; the lines make a cosigned note', async () => {
    log.grow(10);
    const first = await ask(0, 10);
    assert.equal(first.cosignatures!.length, 1);
    log.grow(7);
    const second = await ask(10, 17);
    const cosigned = addNoteSignatures(log.note(17), second.signatures);
    assert.equal(verifyCosignatures(cosigned, [parseCosignerVerifierKey(vkey)])[0]!.name, 'witness.test/e2e');
  });

  it('a log that lost track learns the size from the 409 and retries', async () => {
    log.grow(5);
    let oldSize = 0;
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        await ask(oldSize, 22);
        break;
      } catch (err) {
        assert.ok(err instanceof WitnessOldSizeError, String(err));
        assert.equal(err.recordedSize, 17);
        oldSize = err.recordedSize;
      }
    }
    assert.equal(attempts, 2);
  });

  it('reports refusals with their codes', async () => {
    const other = new TestLog('example.com/not-configured');
    other.grow(1);
    await assert.rejects(
      requestCosignature({ url, checkpointNote: other.note(1), oldSize: 0, consistencyProof: [], fetch: globalThis.fetch, timeoutMs: 5000 }),
      (e: unknown) => e instanceof WitnessError && e.code === 'WITNESS_LOG_UNKNOWN',
    );
    await assert.rejects(
      requestCosignature({ url, checkpointNote: log.note(22), oldSize: 22, consistencyProof: [new Uint8Array(32)], fetch: globalThis.fetch, timeoutMs: 5000 }),
      (e: unknown) => e instanceof WitnessError && e.code === 'WITNESS_PROOF_INVALID',
    );
    await assert.rejects(
      requestCosignature({ url: `${url}/nope`, checkpointNote: log.note(22), oldSize: 22, consistencyProof: [], fetch: globalThis.fetch, timeoutMs: 5000 }),
      (e: unknown) => e instanceof WitnessError && e.code === 'WITNESS_LOG_UNKNOWN', // a 404 is a 404
    );
  });

  it('a closed port is WITNESS_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(
      requestCosignature({ url: `http://127.0.0.1:${port}`, checkpointNote: log.note(22), oldSize: 22, consistencyProof: [], fetch: globalThis.fetch, timeoutMs: 5000 }),
      (e: unknown) => e instanceof WitnessError && e.code === 'WITNESS_UNAVAILABLE',
    );
  });

  describe('against a server that never answers', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    before(async () => {
      silent = createServer((s) => {
        sockets.add(s);
        s.on('data', () => undefined); // read the request, say nothing
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });

    it('gives up after timeoutMs with WITNESS_TIMEOUT', async () => {
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      await assert.rejects(
        requestCosignature({ url: `http://127.0.0.1:${port}/w`, checkpointNote: log.note(22), oldSize: 22, consistencyProof: [], fetch: globalThis.fetch, timeoutMs: 300 }),
        (e: unknown) => e instanceof WitnessError && e.code === 'WITNESS_TIMEOUT',
      );
      const took = Date.now() - started;
      assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
    });
  });
});
