import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { decodeEntryBundle } from '../../src/ledger/entry-bundle.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.js';
import { parseVerifierKey } from '../../src/ledger/note-verifier.js';
import { verifyTlogProof } from '../../src/ledger/proof.js';
import { encodeTileIndex } from '../../src/ledger/tile-path.js';
import { tileHashes } from '../../src/ledger/tiles.js';
import { applicationBody, demoToken, startHarness, type Harness } from './harness.js';

describe('transparency log read API', () => {
  let h: Harness;
  let verifier: ReturnType<typeof parseVerifierKey>;
  before(async () => {
    h = await startHarness();
    verifier = parseVerifierKey(h.init.log_vkey);
    await h.ctx.ledger.integrate();
  });
  after(() => h.close());

  async function checkpoint() {
    const r = await h.call('GET', '/log/checkpoint');
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    return openCheckpoint(r.body, h.init.log_origin, [verifier]).checkpoint;
  }

  it('logs registry decisions and serves a checkpoint signed with the init vkey', async () => {
    const cp = await checkpoint();
    assert.ok(cp.size > 10, `demo decisions are logged (size ${cp.size})`);
    // Private registry events (tokens, users, invitations) never reach the public log.
    const kinds = new Map<string, number>();
    const types: string[] = [];
    for (let i = 0; i < cp.size; i++) {
      const e = (await h.call('GET', `/api/v1/log/entries/${i}`)).json();
      kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      if (e.kind !== 'registry') continue;
      const x = JSON.parse(Buffer.from(e.data, 'base64').toString('utf8'));
      assert.equal(x.type, 'accord.registry/v1');
      types.push(x.event.type);
      assert.ok(!/^(token|user|invitation)\./.test(x.event.type), x.event.type);
      assert.ok(!JSON.stringify(x).includes('@'), 'no e-mail addresses in the log');
    }
    assert.ok(types.includes('org.created') && types.includes('application.rejected') === false);
    assert.equal(kinds.get('release'), 1, "the demo's release");
  });

  it('a new decision reaches the log once, with proofs that verify', async () => {
    const before = await checkpoint();
    const id = (await h.call('POST', '/api/v1/applications', { body: applicationBody() })).json().id;
    const rej = await h.call('POST', `/api/v1/applications/${id}/reject`, { token: h.init.admin_token, body: { reason: 'Logged rejection' } });
    assert.equal(rej.statusCode, 200);
    await h.ctx.ledger.integrate();
    await h.ctx.ledger.integrate();
    const cp = await checkpoint();
    assert.equal(cp.size, before.size + 1, 'exactly one new entry: the rejection (the submission is not a decision)');
    const idx = cp.size - 1;
    const e = (await h.call('GET', `/api/v1/log/entries/${idx}`)).json();
    const body = JSON.parse(Buffer.from(e.data, 'base64').toString('utf8'));
    assert.equal(body.event.type, 'application.rejected');
    assert.equal(body.event.reason, 'Logged rejection');
    const leaf = hashLeaf(Buffer.from(e.data, 'base64'));
    const inc = (await h.call('GET', `/api/v1/log/proof/inclusion?index=${idx}&size=${cp.size}`)).json();
    verifyInclusion(leaf, idx, cp.size, inc.proof.map((p: string) => Buffer.from(p, 'base64')), cp.rootHash);
    const con = (await h.call('GET', `/api/v1/log/proof/consistency?from=${before.size}&to=${cp.size}`)).json();
    verifyConsistency(before.size, cp.size, before.rootHash, cp.rootHash, con.proof.map((p: string) => Buffer.from(p, 'base64')));
    const proofFile = await h.call('GET', `/api/v1/log/entries/${idx}/proof`);
    assert.match(proofFile.body, /^c2sp\.org\/tlog-proof@v1\n/);
    const verified = verifyTlogProof(proofFile.body, leaf, { origin: h.init.log_origin, logVerifiers: [verifier] });
    assert.equal(verified.checkpoint.size, cp.size);
  });

  it('serves tiles and gzip entry bundles that match the entries', async () => {
    const cp = await checkpoint();
    const w = cp.size % 256;
    const tile = await h.call('GET', `/log/tile/0/${encodeTileIndex(0)}.p/${w}`);
    assert.equal(tile.statusCode, 200);
    assert.equal(tile.headers['cache-control'], 'public, max-age=31536000, immutable');
    const hashes = tileHashes(tile.rawPayload, w);
    const bundle = await h.call('GET', `/log/tile/entries/000.p/${w}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(bundle.headers['content-encoding'], 'gzip');
    const entries = decodeEntryBundle(gunzipSync(bundle.rawPayload), w);
    entries.forEach((e, i) => assert.deepEqual(Buffer.from(hashLeaf(e)), Buffer.from(hashes[i]!)));
    // An older, narrower partial tile is the prefix of the current one.
    const narrow = await h.call('GET', '/log/tile/0/000.p/3');
    assert.deepEqual(narrow.rawPayload, tile.rawPayload.subarray(0, 96));
    const plain = await h.call('GET', '/log/tile/entries/000.p/3');
    assert.equal(decodeEntryBundle(plain.rawPayload, 3).length, 3);
  });

  it('answers tiles and bundles kept in memory with the same bytes and headers as the route, and 304 on a matching ETag', async () => {
    const cp = await checkpoint();
    const w = cp.size % 256;
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        httpGet(address + path, { headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const comparable = (x: IncomingHttpHeaders) => Object.fromEntries(Object.entries(x).filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k)));
    for (const [path, headers] of [
      [`/log/tile/0/${encodeTileIndex(0)}.p/${w}`, {}],
      [`/log/tile/entries/000.p/${w}`, { 'accept-encoding': 'gzip' }],
      [`/log/tile/entries/000.p/${w}`, {}],
    ] as const) {
      const first = await get(path, headers); // through Fastify: fills the cache
      const second = await get(path, headers); // from memory
      assert.equal(first.status, 200, path);
      assert.equal(second.status, 200, path);
      assert.deepEqual(second.body, first.body, path);
      assert.deepEqual(comparable(second.headers), comparable(first.headers), path);
      assert.equal(second.headers['x-content-type-options'], 'nosniff');
      assert.equal(second.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(second.headers.etag), /^"[\w-]+"$/);
      const fromInject = await h.call('GET', path, { headers: { ...headers } });
      assert.deepEqual(fromInject.rawPayload, first.body, path);
      const notModified = await get(path, { ...headers, 'if-none-match': String(second.headers.etag) });
      assert.equal(notModified.status, 304, path);
      assert.equal(notModified.body.length, 0);
      assert.equal(notModified.headers.etag, second.headers.etag);
    }
    // The gzip and plain forms of a bundle are different representations: different ETags.
    const gz = await get(`/log/tile/entries/000.p/${w}`, { 'accept-encoding': 'gzip' });
    const plain = await get(`/log/tile/entries/000.p/${w}`);
    assert.notEqual(gz.headers.etag, plain.headers.etag);
    assert.deepEqual(gunzipSync(gz.body), plain.body);
    // Credentials go through the app's authentication as before, cached or not.
    assert.equal((await get(`/log/tile/entries/000.p/${w}`, { authorization: 'Bearer nope' })).status, 401);
    // Paths that do not exist are still problems.
    assert.equal((await get('/log/tile/0/001')).status, 404);
  });

  it('answers bad paths and ranges with problems, not 500s', async () => {
    const cp = await checkpoint();
    for (const path of ['/log/tile/0/001', '/log/tile/0/000.p/255', '/log/tile/0/0', '/log/tile/9/x001/000', '/log/tile/entries/000.p/0', '/log/tile/0/..%2F..%2Fetc%2Fpasswd', '/log/tile/0/000.p/', '/log/tile/64/000']) {
      const r = await h.call('GET', path);
      assert.equal(r.statusCode, 404, path);
      assert.match(String(r.headers['content-type']), /problem\+json/);
    }
    for (const q of [`index=${cp.size}`, 'index=-1', 'index=abc', `index=0&size=${cp.size + 1}`, 'index=5&size=3']) {
      const r = await h.call('GET', `/api/v1/log/proof/inclusion?${q}`);
      assert.equal(r.statusCode, 400, q);
    }
    assert.equal((await h.call('GET', `/api/v1/log/proof/consistency?from=${cp.size + 1}`)).statusCode, 400);
    assert.equal((await h.call('GET', `/api/v1/log/entries/${cp.size}`)).statusCode, 400);
    assert.equal((await h.call('GET', '/api/v1/log/entries/99999999999999999999')).statusCode, 400);
  });

  it('keeps the log and decisions consistent with a member vote through the API', async () => {
    const id = h.init.demo!.voting_application_id;
    await h.call('POST', `/api/v1/applications/${id}/votes`, { token: demoToken(h.init, 'demo-fabrikam'), body: { choice: 'yes' } });
    await h.ctx.ledger.integrate();
    const cp = await checkpoint();
    assert.ok(cp.size > 0);
  });
});
