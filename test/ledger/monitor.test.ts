import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { monitorOnce, LogInconsistencyError, type MonitorFinding, type MonitorIO, type MonitorState } from '../../src/ledger/monitor.js';
import { parseVerifierKey } from '../../src/ledger/note-verifier.js';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { demoToken, startHarness, type Harness } from '../http/harness.js';

describe('log monitor', () => {
  let h: Harness;
  let config: Parameters<typeof monitorOnce>[0];
  before(async () => {
    h = await startHarness();
    await h.ctx.ledger.integrate();
    const log = parseVerifierKey(h.init.log_vkey);
    config = { origin: h.init.log_origin, log };
  });
  after(() => h.close());

  /** IO through app.inject, with hooks to tamper with what the "server" says. */
  function io(found: MonitorFinding[], saved: MonitorState[], tamper: { checkpoint?: string; failBundleOnce?: boolean } = {}): MonitorIO {
    let failed = false;
    return {
      text: async (p) => {
        if (p === 'log/checkpoint' && tamper.checkpoint) return tamper.checkpoint;
        const r = await h.call('GET', `/${p}`);
        if (r.statusCode !== 200) throw new Error(`GET ${p}: ${r.statusCode}`);
        return r.body;
      },
      bytes: async (p) => {
        if (tamper.failBundleOnce && p.includes('entries') && !failed) {
          failed = true;
          throw new Error('network down');
        }
        const r = await h.call('GET', `/${p}`);
        if (r.statusCode !== 200) throw new Error(`GET ${p}: ${r.statusCode}`);
        return new Uint8Array(r.rawPayload);
      },
      save: async (s) => void saved.push(s),
      report: (f) => void found.push(f),
    };
  }

  it('verifies the log, reads every entry once, and reports watched keys', async () => {
    const found: MonitorFinding[] = [];
    const saved: MonitorState[] = [];
    let state = await monitorOnce(config, null, io(found, saved));
    assert.equal(state.size, (await h.ctx.ledger.currentState()).size);
    assert.equal(found.length, 0);
    // Northwind registers a release key; a monitor watching that key id hears of it.
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const key = (await h.call('POST', '/api/v1/orgs/demo-northwind/keys', { token: demoToken(h.init, 'demo-northwind'), body: { name: 'r', public_key: pem } })).json();
    await h.ctx.ledger.integrate();
    await h.ctx.ledger.integrate();
    const watching = { ...config, watchKeys: [key.key_id] };
    // The bundle fetch fails once mid-run: the next run resumes, and nothing is skipped or repeated.
    await assert.rejects(monitorOnce(watching, state, io(found, saved, { failBundleOnce: true })), /network down/);
    state = saved.at(-1) ?? state;
    state = await monitorOnce(watching, state, io(found, saved));
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.entry, 'registry');
    assert.equal(found[0]!.watched, key.key_id);
    await monitorOnce(watching, state, io(found, saved));
    assert.equal(found.length, 1, 'a quiet log reports nothing new');
  });

  it('exits on a shrunk log, a split view and a rewritten history', async () => {
    const state = await monitorOnce(config, null, io([], []));
    const signer = h.ctx.log.signer;
    const forged = (size: number, root: Uint8Array) => signCheckpoint({ origin: h.init.log_origin, size, rootHash: root, extensions: [] }, [signer]);
    const other = new Uint8Array(32).fill(7);
    await assert.rejects(monitorOnce(config, state, io([], [], { checkpoint: forged(state.size - 1, other) })), (e: unknown) => e instanceof LogInconsistencyError && /shrank/.test(e.message));
    await assert.rejects(monitorOnce(config, state, io([], [], { checkpoint: forged(state.size, other) })), (e: unknown) => e instanceof LogInconsistencyError && /split view/.test(e.message));
    // A bigger tree that does not extend the old one: the server's consistency proof cannot bridge them.
    await h.ctx.ledger.append('test', new TextEncoder().encode('more'));
    await h.ctx.ledger.integrate();
    const real = await h.ctx.ledger.currentState();
    await assert.rejects(monitorOnce(config, state, io([], [], { checkpoint: forged(real.size, other) })), (e: unknown) => e instanceof LogInconsistencyError && /rewritten/.test(e.message));
    // A checkpoint signed by another key is refused outright.
    const wrongKey = { ...config, log: parseVerifierKey('vectors.accord.example/reference+306190a4+AbICEbt/Vsf/Hl6Cccod6FQQ89kOUt0hLe9pEyJabeag') };
    await assert.rejects(monitorOnce(wrongKey, null, io([], [])));
  });
});
