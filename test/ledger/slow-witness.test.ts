/**
 * Witnesses slower than the batching delay, under a steady stream of adds:
 * the next checkpoint waits (bounded) for the last one's cosigning, so the
 * published checkpoint carries the quorum most of the time instead of being
 * superseded before any cosignature arrives; and a dead witness among three
 * (quorum 2) neither stalls the log nor holds back the live ones' cosignatures.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseCosignerVerifierKey, verifyCosignatures } from '../../src/ledger/cosignature.js';
import { startHarness, type Harness } from '../http/harness.js';
import { startLocalWitness } from '../witness/support.js';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', new URL('../../src/cli.ts', import.meta.url).pathname, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ACCORD_LOG_LEVEL: 'silent' },
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('slow witnesses under steady adds', () => {
  let h: Harness;
  const witnesses: Awaited<ReturnType<typeof startLocalWitness>>[] = [];
  before(async () => {
    h = await startHarness();
    // Two live witnesses answering after 150 ms (three times the 50 ms batching delay), and one that never answers in time.
    for (const [name, delay] of [['w1.accord.test', 150], ['w2.accord.test', 150], ['dead.accord.test', 5_000]] as const) {
      const w = await startLocalWitness(name, h.init.log_vkey, delay);
      witnesses.push(w);
      const r = cli(['log', 'witness', 'add', '--data', h.ctx.config.dataDir, '--url', w.url, '--vkey', w.vkey, '--name', name.split('.')[0]!]);
      assert.equal(r.status, 0, r.stderr);
    }
    assert.equal(cli(['log', 'quorum', '2', '--data', h.ctx.config.dataDir]).status, 0);
  });
  after(async () => {
    for (const w of witnesses) await w.close();
    await h.close();
  });

  it('the published checkpoint carries the quorum most of the time, and the log keeps growing', async () => {
    const cosigners = witnesses.slice(0, 2).map((w) => parseCosignerVerifierKey(w.vkey));
    let adding = true;
    let added = 0;
    const adder = (async () => {
      while (adding) {
        await h.ctx.ledger.append('test', new TextEncoder().encode(`steady ${added++}`));
        await sleep(10);
      }
    })();
    await sleep(1000); // first contact with each witness
    let samples = 0;
    let quorate = 0;
    const sizes: number[] = [];
    const until = performance.now() + 4000;
    while (performance.now() < until) {
      const served = (await h.call('GET', '/log/checkpoint')).body;
      samples++;
      const n = verifyCosignatures(served, cosigners).length;
      if (n === 2) quorate++;
      sizes.push(Number(served.split('\n')[1]));
      await sleep(25);
    }
    adding = false;
    await adder;
    const grew = sizes[sizes.length - 1]! - sizes[0]!;
    assert.ok(grew > 100, `the log kept growing while a witness was dead (${grew} entries in 4 s)`);
    assert.ok(quorate / samples > 0.5, `the served checkpoint carried both live witnesses' cosignatures in ${quorate} of ${samples} samples`);
  });
});
