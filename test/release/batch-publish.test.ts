/** Batch publishing (POST /api/v1/releases/batch) and the verification worker pool behind every publish. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { demoToken, startHarness, type Harness } from '../http/harness.js';
import { IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from '../../src/release/dsse.js';
import { MAX_BATCH_ENVELOPES } from '../../src/release/release-service.js';
import { SLSA_PROVENANCE_PREDICATE_TYPE, STATEMENT_TYPE } from '../../src/release/statement.js';
import { verifyRelease } from '../../src/release/verify.js';
import { defaultVerifyThreads, VerifyPool } from '../../src/release/verify-pool.js';
import { ByteBudget, ndjsonSpans } from '../../src/http/routes/releases.js';
import { releaseRecord } from '../../src/release/release-record.js';
import { releaseIndexRow, type LoggedRelease } from '../../src/release/index-feed.js';
import { parseEnvelope } from '../../src/release/dsse.js';
import { statementFromEnvelope } from '../../src/release/statement.js';
import { newKey, releaseEnvelope, sha256, type TestKey } from './support.js';

const ORG = 'demo-northwind';

function slsaEnvelope(purl: string, file: string, key: TestKey): string {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: 'agent', uri: purl, digest: { sha256: sha256(file) } }],
    predicateType: SLSA_PROVENANCE_PREDICATE_TYPE,
    predicate: { buildDefinition: { buildType: 'https://example.com/build/v1', externalParameters: {} }, runDetails: { builder: { id: 'https://ci.example.com' } } },
  };
  return serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), [key.key]));
}

describe('batch publish', () => {
  let h: Harness;
  let token: string;
  let key: TestKey;
  let keyRecordId: string;
  const env = (version: string, k: TestKey = key, slug = ORG) => serializeEnvelope(releaseEnvelope(`pkg:generic/${slug}/agent@${version}`, { [`agent-${version}.tgz`]: `agent ${version}` }, [k]));
  const ndjson = (lines: string[], t: string | null = token) =>
    h.call('POST', '/api/v1/releases/batch', { token: t, headers: { 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') + '\n' });

  before(async () => {
    h = await startHarness();
    await h.ctx.ledger.integrate();
    token = demoToken(h.init, ORG);
    key = newKey();
    const r = await h.call('POST', `/api/v1/orgs/${ORG}/keys`, { token: h.init.admin_token, body: { name: 'batch', public_key: key.pem } });
    assert.equal(r.statusCode, 201, r.body);
    keyRecordId = r.json().id;
  });
  after(() => h.close());

  it('publishes many envelopes; each answer is its own, every proof is against one checkpoint and verifies offline', async () => {
    const stranger = newKey();
    const lines = [
      env('1.0.0'),
      env('1.0.1'),
      `  ${env('1.0.2')}  \r`, // surrounding blanks and a CRLF line end are fine
      '',
      env('1.0.3', stranger), // not a key of the organisation
      '{"payloadType": 1}', // malformed
      env('1.0.4').replace(/"sig":"(.)/, (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`), // signature altered
      serializeEnvelope(releaseEnvelope('pkg:generic/demo-contoso-cloud/agent@1.0.0', { 'x.tgz': 'x' }, [key])), // another signatory's namespace
      '{"payloadType":"a","payload":"","signatures":[{"sig":"AA=="}],"payloadType":"b"}', // duplicate member
      '\u00ff\u00fe',
      slsaEnvelope(`pkg:generic/${ORG}/agent@2.0.0`, 'agent 2.0.0', key),
    ];
    const r = await ndjson(lines);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.results.length, 10, 'blank lines are not envelopes');
    assert.equal(body.published, 4);
    assert.equal(body.refused, 6);
    const codes = body.results.map((x: any) => x.problem?.code ?? 'ok');
    assert.deepEqual(codes, [
      'ok',
      'ok',
      'ok',
      'RELEASE_KEY_UNKNOWN',
      'RELEASE_ENVELOPE_MALFORMED',
      'RELEASE_SIGNATURE_INVALID',
      'RELEASE_PURL_NOT_ALLOWED',
      'RELEASE_ENVELOPE_MALFORMED',
      'RELEASE_ENVELOPE_MALFORMED',
      'ok',
    ]);
    for (const x of body.results.filter((y: any) => y.problem)) {
      assert.equal(typeof x.problem.status, 'number');
      assert.match(x.problem.type, /^urn:accord:error:/);
      assert.ok(x.problem.detail.length > 0);
    }
    const trust = (await h.call('GET', '/api/v1/trust')).body;
    const files = ['agent 1.0.0', 'agent 1.0.1', 'agent 1.0.2'];
    const ok = body.results.filter((x: any) => !x.problem);
    const indexes = new Set<number>();
    ok.slice(0, 3).forEach((x: any, i: number) => {
      assert.ok(x.tlog_proof.endsWith(body.checkpoint), 'one checkpoint for the batch');
      indexes.add(x.index);
      const canonical = serializeEnvelope(releaseEnvelope(`pkg:generic/${ORG}/agent@1.0.${i}`, { [`agent-1.0.${i}.tgz`]: files[i]! }, [key]));
      const v = verifyRelease({ file: Buffer.from(files[i]!), envelope: canonical, proof: x.tlog_proof, trust });
      assert.ok(v.ok, JSON.stringify(v.checks));
      assert.deepEqual(x.signer, { org: ORG, key_ids: [key.keyId] });
      assert.deepEqual(x.purls, [`pkg:generic/${ORG}/agent@1.0.${i}`]);
    });
    assert.equal(indexes.size, 3);
    // The log holds exactly the canonical envelope bytes.
    const entry = await h.ctx.ledger.entry(ok[2].index);
    assert.equal(entry.kind, 'release');
    assert.equal(Buffer.from(entry.data).toString(), lines[2]!.trim());
    assert.equal(ok[2].leaf_hash, sha256(Buffer.concat([Buffer.of(0), Buffer.from(entry.data)])));
    // SLSA provenance is accepted the same way.
    const slsa = verifyRelease({ file: Buffer.from('agent 2.0.0'), envelope: lines[10]!, proof: ok[3].tlog_proof, trust });
    assert.ok(slsa.ok, JSON.stringify(slsa.checks));
  });

  it('accepts JSON {"envelopes": [...]} too; an envelope published twice keeps its index', async () => {
    const e = env('3.0.0');
    const r = await h.call('POST', '/api/v1/releases/batch', { token, body: { envelopes: [JSON.parse(e), JSON.parse(e)] } });
    assert.equal(r.statusCode, 200, r.body);
    const [a, b] = r.json().results;
    assert.equal(a.index, b.index);
    const again = await ndjson([e]);
    assert.equal(again.json().results[0].index, a.index);
    // The single endpoint agrees.
    const single = await h.call('POST', '/api/v1/releases', { token, headers: { 'content-type': 'application/json' }, payload: e });
    assert.equal(single.statusCode, 201, single.body);
    assert.equal(single.json().index, a.index);
  });

  it('tells the release index what it logged, the same rows parsing the log gives, and search finds them', async () => {
    const feed = h.ctx.indexReleases;
    const told: LoggedRelease[] = [];
    const remember = feed.remember;
    feed.remember = (logged) => {
      told.push(...logged);
      remember(logged);
    };
    try {
      const r = await ndjson([env('4.0.0'), slsaEnvelope(`pkg:generic/${ORG}/agent@4.0.1`, 'agent 4.0.1', key)]);
      assert.equal(r.statusCode, 200, r.body);
      const ok = r.json().results;
      assert.deepEqual(told.map((t) => t.index), [ok[0].index, ok[1].index]);
      for (const t of told) {
        const entry = await h.ctx.ledger.entry(t.index);
        assert.equal(t.bytes, entry.data.length);
        const parsed = releaseRecord(entry)!;
        assert.deepEqual(releaseIndexRow(t.index, t.sha256s, t.purls), releaseIndexRow(t.index, parsed.subjects.map((s) => s.sha256), parsed.purls));
      }
      const found = await h.call('GET', `/api/v1/releases?digest=${sha256('agent 4.0.1')}`);
      assert.deepEqual(found.json().items.map((i: { index: number }) => i.index), [ok[1].index]);
    } finally {
      feed.remember = remember;
    }
  });

  it('a revoked key stops verifying at once', async () => {
    const k = newKey();
    const reg = await h.call('POST', `/api/v1/orgs/${ORG}/keys`, { token: h.init.admin_token, body: { name: 'soon revoked', public_key: k.pem } });
    assert.equal((await ndjson([env('4.0.0', k)])).json().published, 1);
    assert.equal((await h.call('DELETE', `/api/v1/orgs/${ORG}/keys/${reg.json().id}`, { token: h.init.admin_token })).statusCode, 200);
    const r = await ndjson([env('4.0.1', k), env('4.0.2')]);
    assert.deepEqual(
      r.json().results.map((x: any) => x.problem?.code ?? 'ok'),
      ['RELEASE_KEY_REVOKED', 'ok'],
    );
    const single = await h.call('POST', '/api/v1/releases', { token, headers: { 'content-type': 'application/json' }, payload: env('4.0.3', k) });
    assert.equal(single.json().code, 'RELEASE_KEY_REVOKED');
    assert.ok(keyRecordId);
  });

  it("each key signs only its own namespaces (the registry's grant), and the trust file says the same", async () => {
    const narrow = newKey();
    const reg = await h.call('POST', `/api/v1/orgs/${ORG}/keys`, { token, body: { name: 'tools only', public_key: narrow.pem, purl_namespaces: [`pkg:*/${ORG}/tools`] } });
    assert.equal(reg.statusCode, 201, reg.body);
    const tools = serializeEnvelope(releaseEnvelope(`pkg:generic/${ORG}/tools/cli@1.0.0`, { 'tools.tgz': 'tools' }, [narrow]));
    const r = await ndjson([tools, env('7.0.0', narrow), serializeEnvelope(releaseEnvelope(`pkg:generic/${ORG}/tools/cli@1.0.1`, { 'tools.tgz': 'tools 1' }, [narrow, key]))]);
    assert.deepEqual(
      r.json().results.map((x: any) => x.problem?.code ?? 'ok'),
      ['ok', 'RELEASE_PURL_NOT_ALLOWED', 'ok'],
    );
    assert.match(r.json().results[1].problem.detail, /may sign releases of pkg:\*\/demo-northwind\/tools only/);
    const trust = await h.call('GET', '/api/v1/trust');
    const listed = trust.json().signatories.find((s: any) => s.slug === ORG).keys.find((k: any) => k.key_id === narrow.keyId);
    assert.deepEqual(listed.purl_namespaces, [`pkg:*/${ORG}/tools`]);
    const v = verifyRelease({ file: Buffer.from('tools'), envelope: tools, proof: r.json().results[0].tlog_proof, trust: trust.body });
    assert.ok(v.ok, JSON.stringify(v.checks));
  });

  it('refuses whole requests with problem+json: no envelope, too many, too large, wrong shape, wrong caller', async () => {
    const problem = (r: { statusCode: number; headers: Record<string, unknown>; json(): any; body: string }, status: number, code: string) => {
      assert.equal(r.statusCode, status, r.body);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      assert.equal(r.json().code, code, r.body);
    };
    problem(await ndjson(['', '  ']), 400, 'VALIDATION_FAILED');
    problem(await ndjson(Array.from({ length: MAX_BATCH_ENVELOPES + 1 }, () => '{}')), 413, 'RELEASE_BATCH_TOO_LARGE');
    problem(await h.call('POST', '/api/v1/releases/batch', { token, body: { envelopes: Array.from({ length: MAX_BATCH_ENVELOPES + 1 }, () => ({})) } }), 413, 'RELEASE_BATCH_TOO_LARGE');
    problem(await h.call('POST', '/api/v1/releases/batch', { token, headers: { 'content-type': 'application/x-ndjson' }, payload: 'x'.repeat(9 * 1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
    problem(await h.call('POST', '/api/v1/releases/batch', { token, body: [] }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/releases/batch', { token, body: { envelopes: [], more: 1 } }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/releases/batch', { token, body: { envelopes: [] } }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/releases/batch', { token, headers: { 'content-type': 'application/json' }, payload: '{"envelopes":[],"envelopes":[]}' }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/releases/batch', { token, headers: { 'content-type': 'text/plain' }, payload: env('5.0.0') }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    problem(await ndjson([env('5.0.1')], null), 401, 'AUTH_REQUIRED');
    problem(await ndjson([env('5.0.2')], demoToken(h.init, ORG, 'analyst')), 403, 'FORBIDDEN');
  });

  it('bounds the batch bytes in flight: past the budget, 503 with Retry-After', () => {
    const b = new ByteBudget(100);
    b.take(60);
    b.take(40);
    assert.throws(() => b.take(1), (e: any) => e.code === 'BACK_PRESSURE' && e.retryAfterSeconds === 1);
    b.give(60);
    b.take(50);
    assert.equal(b.inUse, 90);
    // One request larger than the whole budget still goes through when nothing else is in flight.
    const alone = new ByteBudget(10);
    alone.take(20);
    assert.equal(alone.inUse, 20);
  });

  it('gives the budget back after each batch', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await ndjson([env(`6.0.${i}`)])).statusCode, 200);
    const big = await h.call('POST', '/api/v1/releases/batch', { token, headers: { 'content-type': 'application/x-ndjson' }, payload: 'x'.repeat(9 * 1024 * 1024) });
    assert.equal(big.statusCode, 413);
    assert.equal((await ndjson([env('6.1.0')])).statusCode, 200);
  });

  it('anonymous bodies never hold the budget: nine unfinished 8 MiB uploads do not keep a publisher out', async () => {
    const url = new URL(await h.app.listen({ host: '127.0.0.1', port: 0 }));
    const sockets: Socket[] = [];
    try {
      const refused: string[] = [];
      for (let i = 0; i < 9; i++) {
        const s = connect(Number(url.port), '127.0.0.1');
        sockets.push(s);
        let got = '';
        s.on('data', (d) => (got += d.toString()));
        s.on('close', () => refused.push(got.split('\r\n')[0]!));
        s.on('error', () => {});
        // Headers of an 8 MiB body, and a first few bytes of it: the rest never comes.
        s.write(`POST /api/v1/releases/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${8 * 2 ** 20}\r\n\r\n{"payloadType"`);
      }
      await new Promise((r) => setTimeout(r, 300));
      const r = await ndjson([env('9.9.9')]);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().results[0].index >= 0, true);
      assert.ok(refused.every((l) => /^HTTP\/1\.1 401/.test(l)), `anonymous uploads answered 401 at once: ${JSON.stringify(refused)}`);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('takes media type parameters (charset) on both forms', async () => {
    const e = env('8.0.0');
    const a = await h.call('POST', '/api/v1/releases/batch', { token, headers: { 'content-type': 'application/x-ndjson; charset=utf-8' }, payload: e });
    assert.equal(a.statusCode, 200, a.body);
    const b = await h.call('POST', '/api/v1/releases/batch', { token, headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify({ envelopes: [JSON.parse(e)] }) });
    assert.equal(b.statusCode, 200, b.body);
    assert.equal(a.json().results[0].index, b.json().results[0].index);
  });

  it('splits NDJSON into line spans', () => {
    const text = Buffer.from('a\n\n b \r\n\t\nc');
    const spans = ndjsonSpans(text);
    const parts: string[] = [];
    for (let i = 0; i < spans.length; i += 2) parts.push(text.subarray(spans[i], spans[i + 1]).toString());
    assert.deepEqual(parts, ['a', ' b ', 'c']);
  });
});

describe('verification pool', () => {
  const key = newKey();
  const publisher = { slug: ORG, keys: [{ key_id: key.keyId, public_key: key.pem, revoked_at: null, namespaces: [`pkg:*/${ORG}`] }] };
  const lines = Array.from({ length: 150 }, (_, i) =>
    i % 7 === 3 ? '{"nope": true}' : serializeEnvelope(releaseEnvelope(`pkg:generic/${ORG}/lib@1.${i}`, { 'lib.tgz': String(i) }, [key])),
  );
  const body = Buffer.from(lines.join('\n'));
  const spans = ndjsonSpans(body);

  it('workers give the same results as the calling thread, in order', async () => {
    const pool = new VerifyPool({ threads: 2, chunk: 16 });
    const inline = new VerifyPool({ threads: 0 });
    try {
      const [a, b, c] = await Promise.all([pool.check(publisher, { bytes: body, spans }), inline.check(publisher, { bytes: body, spans }), pool.check(publisher, { values: lines.map((l) => JSON.parse(l)) })]);
      const show = (rs: typeof a) => rs.map((r) => ('ok' in r ? `${r.ok.digest} ${r.ok.leafHash} ${Buffer.from(r.ok.entry).toString()}` : `${r.error.name} ${(r.error as any).code}`));
      assert.deepEqual(show(a), show(b));
      assert.deepEqual(show(c), show(b));
      assert.equal(a.filter((r) => 'error' in r).length, 21);
      assert.equal(pool.inFlight, 0);
    } finally {
      await pool.close();
    }
  });

  it('starts its workers on demand, or all at once when told to', async () => {
    const pool = new VerifyPool({ threads: 2 });
    try {
      assert.equal(pool.workers, 0);
      pool.start();
      pool.start();
      assert.equal(pool.workers, 2);
      const [r] = await pool.check(publisher, { values: [JSON.parse(lines[0]!)] });
      assert.ok(r && 'ok' in r);
      assert.equal(pool.workers, 2);
    } finally {
      await pool.close();
    }
    assert.equal(pool.workers, 0);
    pool.start();
    assert.equal(pool.workers, 0, 'a closed pool starts nothing');
  });

  it('leaves a core to the calling thread by default: one worker on two cores, at most eight', () => {
    assert.deepEqual([1, 2, 3, 4, 9, 64].map(defaultVerifyThreads), [1, 1, 2, 3, 8, 8]);
  });

  it('single checks made together go out together, each with its own publisher', async () => {
    const pool = new VerifyPool({ threads: 2, chunk: 8 });
    const other = { slug: 'demo-contoso-cloud', keys: [] };
    try {
      const results = await Promise.all(lines.slice(0, 40).map((l, i) => pool.checkOne(i % 2 === 0 ? publisher : other, JSON.parse(l))));
      const codes = results.map((r, i) => ('ok' in r ? 'ok' : `${(r.error as any).code}${i % 2}`));
      const expected = lines.slice(0, 40).map((l, i) => (i % 7 === 3 ? `RELEASE_ENVELOPE_MALFORMED${i % 2}` : i % 2 === 0 ? 'ok' : 'RELEASE_KEY_UNKNOWN1'));
      assert.deepEqual(codes, expected);
      assert.equal(pool.inFlight, 0);
    } finally {
      await pool.close();
    }
  });

  it('refuses with BACK_PRESSURE past its bound instead of queueing', async () => {
    const pool = new VerifyPool({ threads: 1, maxPending: 100 });
    try {
      const first = pool.check(publisher, { bytes: body, spans: spans.slice(0, 2 * 80) });
      await assert.rejects(pool.check(publisher, { bytes: body, spans: spans.slice(0, 2 * 40) }), (e: any) => e.code === 'BACK_PRESSURE' && e.retryAfterSeconds >= 1);
      assert.equal((await first).length, 80);
      assert.equal((await pool.check(publisher, { bytes: body, spans: spans.slice(0, 2 * 40) })).length, 40);
    } finally {
      await pool.close();
    }
  });
});

describe('release records of logged entries', () => {
  it('read the same as the strict parsers read them, and garbage gives none', () => {
    const key = newKey();
    const entries = [
      serializeEnvelope(releaseEnvelope(`pkg:generic/${ORG}/a@1.0.0`, { 'a.tgz': 'a', 'a.sbom': 'sbom' }, [key])),
      slsaEnvelope(`pkg:generic/${ORG}/b@2.0.0`, 'b', key),
    ];
    for (const text of entries) {
      const r = releaseRecord({ index: 7, data: Buffer.from(text), added_at: 'now' })!;
      const strict = statementFromEnvelope(parseEnvelope(text));
      assert.equal(r.predicate_type, strict.predicateType);
      assert.deepEqual(r.subjects.map((x) => x.sha256), strict.subjects.map((x) => x.sha256));
      assert.equal(r.purls.length, strict.purls.length);
      assert.deepEqual(r.key_ids, [key.keyId]);
    }
    for (const bad of ['', 'not json', '{"payloadType":"x"}', '\u00ff', '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AA=="}]}']) {
      assert.equal(releaseRecord({ index: 1, data: Buffer.from(bad, bad === '\u00ff' ? 'latin1' : 'utf8'), added_at: 'now' }), undefined, bad);
    }
  });
});
