/**
 * The log with two real witnesses on loopback and a 2-of-2 quorum: each new
 * checkpoint carries both cosignatures, the published policy names them, a
 * tlog-proof verifies under that policy, and the CLI configures it all.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildWitnessApp } from '../../src/witness/app.js';
import { initWitnessDir, openWitnessDir } from '../../src/witness/witness-dir.js';
import { witnessLogsFromVkeys } from '../../src/ledger/witness.js';
import { verifyCosignatures } from '../../src/ledger/cosignature.js';
import { hashLeaf } from '../../src/ledger/merkle.js';
import { verifyTlogProof } from '../../src/ledger/proof.js';
import { parseVerifierKey } from '../../src/ledger/note-verifier.js';
import { parseCosignerVerifierKey } from '../../src/ledger/cosignature.js';
import { startHarness, type Harness } from '../http/harness.js';
import { parsePolicy, quorumSatisfied } from '../../src/ledger/policy.js';

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', new URL('../../src/cli.ts', import.meta.url).pathname, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ACCORD_LOG_LEVEL: 'silent', ...env },
  });

describe('a witnessed log', () => {
  let h: Harness;
  const witnesses: { app: FastifyInstance; url: string; vkey: string; close: () => void }[] = [];
  const dirs: string[] = [];
  before(async () => {
    h = await startHarness();
    for (const name of ['w1.accord.test', 'w2.accord.test']) {
      const dir = mkdtempSync(join(tmpdir(), 'accord-witness-'));
      dirs.push(dir);
      const init = initWitnessDir(dir, { name });
      const opened = openWitnessDir(dir);
      const app = buildWitnessApp({ logs: witnessLogsFromVkeys([h.init.log_vkey]), cosigners: [opened.cosigner], store: opened.store, logger: false });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      witnesses.push({ app, url, vkey: init.witness_vkey, close: () => opened.store.close() });
    }
    // Configure them through the CLI on the server's data directory (the database is shared with the running context).
    const dataDir = h.ctx.config.dataDir;
    for (const [i, w] of witnesses.entries()) {
      const r = cli(['log', 'witness', 'add', '--data', dataDir, '--url', w.url, '--vkey', w.vkey, '--name', `w${i + 1}`]);
      assert.equal(r.status, 0, r.stderr);
    }
    const q = cli(['log', 'quorum', '2', '--data', dataDir]);
    assert.equal(q.status, 0, q.stderr);
    assert.equal(cli(['log', 'quorum', '3', '--data', dataDir]).status, 1, 'a quorum above the witnesses is refused');
  });
  after(async () => {
    for (const w of witnesses) {
      await w.app.close();
      w.close();
    }
    await h.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('publishes the policy with both witnesses and the quorum', async () => {
    const policy = (await h.call('GET', '/api/v1/log/policy')).body;
    assert.match(policy, new RegExp(`^log ${h.init.log_vkey.replace(/[+/]/g, (c) => `\\${c}`)}\n`));
    assert.match(policy, /\nwitness w1 w1\.accord\.test\+/);
    assert.match(policy, /\nwitness w2 w2\.accord\.test\+/);
    assert.match(policy, /\ngroup witnesses all w1 w2\nquorum witnesses\n$/);
    const local = cli(['log', 'policy', '--data', h.ctx.config.dataDir]);
    assert.equal(local.stdout, policy, 'the local and the served policy agree');
    // A client reading the served policy gets both witnesses and a 2-of-2 quorum.
    const parsed = parsePolicy(policy);
    assert.deepEqual(parsed.witnesses.map((w) => w.name), ['w1', 'w2']);
    assert.equal(quorumSatisfied(parsed, new Set(['w1'])), false);
    assert.equal(quorumSatisfied(parsed, new Set(['w1', 'w2'])), true);
  });

  it('gathers both cosignatures on each new checkpoint, quickly', async () => {
    const cosigners = witnesses.map((w) => parseCosignerVerifierKey(w.vkey));
    const latencies: number[] = [];
    for (let round = 0; round < 5; round++) {
      const t0 = performance.now();
      const index = await h.ctx.ledger.append('test', new TextEncoder().encode(`witnessed entry ${round}`));
      for (;;) {
        const state = await h.ctx.ledger.currentState();
        if (state.size > index && verifyCosignatures(state.checkpoint, cosigners).length === 2) break;
        await h.ctx.ledger.integrate();
        await new Promise((r) => setTimeout(r, 5));
      }
      latencies.push(performance.now() - t0);
      const served = (await h.call('GET', '/log/checkpoint')).body;
      assert.equal(verifyCosignatures(served, cosigners).length, 2, '/log/checkpoint carries the cosignatures');
      const proof = (await h.call('GET', `/api/v1/log/entries/${index}/proof`)).body;
      const verified = verifyTlogProof(proof, hashLeaf(new TextEncoder().encode(`witnessed entry ${round}`)), {
        origin: h.init.log_origin,
        logVerifiers: [parseVerifierKey(h.init.log_vkey)],
        cosigners,
        quorum: 2,
      });
      assert.ok(verified.checkpoint.size > index);
    }
    assert.ok(Math.max(...latencies) < 2000, `add → cosigned checkpoint took ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
  });
});
