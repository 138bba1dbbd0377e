/** `accord release publish` with several envelopes: one batch request, each envelope answered on its own. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoToken, startHarness, type Harness } from '../http/harness.js';
import { publishBatches } from '../../src/cli/commands/release.js';
import { serializeEnvelope } from '../../src/release/dsse.js';
import { parseTlogProof } from '../../src/ledger/proof.js';
import { accord, newKey, releaseEnvelope } from './support.js';



describe('accord release publish A B C (batch)', () => {
  let h: Harness;
  let url: string;
  let dir: string;
  const p = (name: string) => join(dir, name);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-release-cli-batch-'));
    h = await startHarness();
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes each envelope, writes each proof, reports each refusal, exits 1 if any was refused', async () => {
    const key = newKey();
    const reg = await h.call('POST', '/api/v1/orgs/demo-northwind/keys', { token: h.init.admin_token, body: { name: 'cli batch', public_key: key.pem } });
    assert.equal(reg.statusCode, 201, reg.body);
    const names = ['a', 'b', 'c'];
    for (const n of names) {
      // Pretty-printed on disk: the CLI sends the canonical form.
      const e = JSON.parse(serializeEnvelope(releaseEnvelope(`pkg:generic/demo-northwind/${n}@1.0.0`, { [`${n}.tgz`]: n }, [key])));
      writeFileSync(p(`${n}.intoto.json`), JSON.stringify(e, null, 2));
    }
    writeFileSync(p('stranger.intoto.json'), serializeEnvelope(releaseEnvelope('pkg:generic/demo-northwind/x@1.0.0', { 'x.tgz': 'x' }, [newKey()])));
    const server = ['--server', url, '--token', demoToken(h.init, 'demo-northwind')];
    const files = [...names.map((n) => p(`${n}.intoto.json`)), p('stranger.intoto.json')];
    const r = await accord([...server, 'release', 'publish', ...files]);
    assert.equal(r.code, 1, r.stderr);
    for (const n of names) {
      assert.match(r.stdout, new RegExp(`${n}\\.intoto\\.json: index \\d+, proof `));
      const proof = parseTlogProof(readFileSync(p(`${n}.intoto.json.proof`), 'utf8'));
      assert.equal(typeof proof.index, 'number');
    }
    assert.match(r.stderr, /FAIL .*stranger\.intoto\.json: RELEASE_KEY_UNKNOWN/);
    assert.ok(!existsSync(p('stranger.intoto.json.proof')));

    const again = await accord([...server, '--json', 'release', 'publish', ...files.slice(0, 2)]);
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.equal(out.results.length, 2);
    assert.equal(out.results[0].index, parseTlogProof(readFileSync(p('a.intoto.json.proof'), 'utf8')).index, 'publishing again gives the same index');

    const usage = await accord([...server, 'release', 'publish', ...files.slice(0, 2), '--proof-out', p('x.proof')]);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /--proof-out names one file/);
  });

  it('splits into batches of at most 1,000 envelopes and 6 MiB', () => {
    assert.deepEqual(publishBatches([]), []);
    assert.deepEqual(publishBatches(['x']), [[0, 1]]);
    assert.deepEqual(publishBatches(Array.from({ length: 2500 }, () => 'e')), [[0, 1000], [1000, 2000], [2000, 2500]]);
    const big = 'x'.repeat(2 * 1024 * 1024);
    assert.deepEqual(publishBatches([big, big, big, big]), [[0, 2], [2, 4]]);
  });
});
