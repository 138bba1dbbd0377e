/**
 * The release endpoints through the whole HTTP stack (app.inject): publishing
 * by each role, every refusal as problem+json (never 500), search, and the
 * trust file an offline verifier uses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STATUS_BY_CODE } from '../../src/http/error-handler.js';
import { IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope, type DsseEnvelope } from '../../src/release/dsse.js';
import { RELEASE_ERROR_CODES } from '../../src/release/errors.js';
import { verifyRelease } from '../../src/release/verify.js';
import type { Principal } from '../../src/registry/types.js';
import { prng } from '../unit/ledger/support.js';
import { demoToken, startHarness, type Harness } from '../http/harness.js';
import { newKey, releaseEnvelope, sha256, type TestKey } from './support.js';

/** The statuses this pillar's codes must map to in src/http/error-handler.ts (and docs/errors.md). */
const PROPOSED_STATUS: Record<string, number> = {
  RELEASE_ENVELOPE_MALFORMED: 400,
  RELEASE_KEY_INVALID: 400,
  RELEASE_PURL_NOT_ALLOWED: 403,
  RELEASE_STATEMENT_INVALID: 422,
  RELEASE_PURL_INVALID: 422,
  RELEASE_SIGNATURE_INVALID: 422,
  RELEASE_KEY_UNKNOWN: 422,
  RELEASE_KEY_REVOKED: 422,
  RELEASE_SUBJECT_MISMATCH: 422,
  RELEASE_TRUST_INVALID: 422,
  RELEASE_BATCH_TOO_LARGE: 413,
  RELEASE_WORKER_FAILED: 500,
};

const ORG = 'demo-northwind';
const FILE = Buffer.from('northwind agent 3.1.4');

describe('release HTTP API', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  let k1: TestKey; // Ed25519, northwind
  let k2: TestKey; // ECDSA P-256, northwind
  let revoked: TestKey;
  let contoso: TestKey;

  const post = (body: unknown, token: string | null = tokens['org-admin']!, headers: Record<string, string> = {}) =>
    h.call('POST', '/api/v1/releases', {
      token,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body),
    });
  const envelopeJson = (e: DsseEnvelope) => JSON.parse(serializeEnvelope(e)) as Record<string, unknown>;
  const register = async (slug: string, key: TestKey) => {
    const r = await h.call('POST', `/api/v1/orgs/${slug}/keys`, { token: h.init.admin_token, body: { name: 'release', public_key: key.pem } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as string;
  };
  const problem = (r: { statusCode: number; headers: Record<string, unknown>; json(): any; body: string }, status: number, code: string, detail?: RegExp) => {
    assert.equal(r.statusCode, status, r.body);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    assert.equal(r.json().code, code, r.body);
    if (detail) assert.match(r.json().detail, detail);
  };

  before(async () => {
    h = await startHarness();
    await h.ctx.ledger.integrate();
    tokens['org-admin'] = demoToken(h.init, ORG);
    tokens.analyst = demoToken(h.init, ORG, 'analyst');
    tokens['other-org-admin'] = demoToken(h.init, 'demo-contoso-cloud');
    const store = h.ctx.store.registry;
    const org = (await store.getOrgBySlug(ORG))!;
    const admin = (await store.getUserByEmail('admin@secretariat.invalid'))!;
    const adminP: Principal = { kind: 'user', user: admin, org: (await store.getOrgBySlug('secretariat'))!, token_id: 'x' };
    for (const role of ['psirt', 'viewer'] as const) {
      const r = await store.transaction((tx) => h.ctx.members.createUserWithToken(tx, adminP, { org_id: org.id, email: `${role}@${ORG}.example`, name: role, role }, 'test'));
      tokens[role] = r.token;
    }
    k1 = newKey('ed25519');
    k2 = newKey('ecdsa-p256');
    revoked = newKey();
    contoso = newKey();
    await register(ORG, k1);
    await register(ORG, k2);
    const id = await register(ORG, revoked);
    assert.equal((await h.call('DELETE', `/api/v1/orgs/${ORG}/keys/${id}`, { token: h.init.admin_token })).statusCode, 200);
    await register('demo-contoso-cloud', contoso);
  });
  after(() => h.close());

  it('an org-admin publishes; the proof verifies offline against /api/v1/trust', async () => {
    const env = releaseEnvelope(`pkg:generic/${ORG}/agent@3.1.4`, { 'agent-3.1.4.tgz': FILE }, [k1]);
    const r = await post(envelopeJson(env));
    assert.equal(r.statusCode, 201, r.body);
    const body = r.json();
    assert.equal(typeof body.index, 'number');
    assert.match(body.tlog_proof, /^c2sp\.org\/tlog-proof@v1\nindex /);
    assert.ok(body.tlog_proof.endsWith(body.checkpoint));
    assert.deepEqual(body.purls, [`pkg:generic/${ORG}/agent@3.1.4`]);
    assert.deepEqual(body.signer, { org: ORG, key_ids: [k1.keyId] });
    // The log holds exactly the canonical envelope, as a `release` entry.
    const entry = await h.ctx.ledger.entry(body.index);
    assert.equal(entry.kind, 'release');
    assert.equal(Buffer.from(entry.data).toString(), serializeEnvelope(env));
    assert.equal(body.envelope, serializeEnvelope(env));
    assert.equal(body.leaf_hash, sha256(Buffer.concat([Buffer.of(0), Buffer.from(entry.data)])));

    const trust = await h.call('GET', '/api/v1/trust');
    assert.equal(trust.statusCode, 200);
    assert.equal(trust.headers['cache-control'], 'no-cache');
    const t = trust.json();
    assert.equal(t.version, 2);
    // The log's tlog-policy, exactly what /api/v1/log/policy serves.
    assert.equal(t.policy, (await h.call('GET', '/api/v1/log/policy')).body);
    assert.match(t.policy, new RegExp(`^log ${h.ctx.log.vkey.replace(/[+/.]/g, '\\$&')}\\b`));
    const nw = t.signatories.find((s: any) => s.slug === ORG);
    assert.equal(nw.keys.length, 4, 'three registered here and the demo release key');
    assert.ok(nw.keys.some((k: any) => k.key_id === revoked.keyId && k.revoked_at !== null));
    assert.deepEqual(nw.keys[0].purl_namespaces, [`pkg:*/${ORG}`]);
    assert.ok(!t.signatories.some((s: any) => s.slug === 'secretariat'));

    const result = verifyRelease({ file: FILE, envelope: serializeEnvelope(env), proof: body.tlog_proof, trust: trust.body });
    assert.equal(result.ok, true, JSON.stringify(result.checks, null, 2));
    // The proof the log API serves later verifies too.
    const later = await h.call('GET', `/api/v1/log/entries/${body.index}/proof`);
    assert.equal(verifyRelease({ file: FILE, envelope: body.envelope, proof: later.body, trust: trust.body }).ok, true);
  });

  it('a PSIRT member publishes with an ECDSA P-256 key; any JSON spelling logs the canonical form once', async () => {
    const env = releaseEnvelope(`pkg:npm/${ORG}/cli@1.0.0`, { 'cli-1.0.0.tgz': 'cli' }, [k2]);
    const json = envelopeJson(env);
    // Pretty-printed, keys reordered, URL-safe base64 without padding.
    const spelled = JSON.stringify(
      { signatures: [{ sig: Buffer.from(env.signatures[0]!.sig).toString('base64url'), keyid: k2.keyId }], payload: Buffer.from(env.payload).toString('base64url'), payloadType: json.payloadType },
      null,
      2,
    );
    const r = await post(spelled, tokens.psirt);
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().envelope, serializeEnvelope(env));
    const again = await post(json, tokens['org-admin']);
    assert.equal(again.statusCode, 201);
    assert.equal(again.json().index, r.json().index, 'the same envelope is logged once');
  });

  it('search by digest and by purl (public)', async () => {
    const env = releaseEnvelope(`pkg:generic/${ORG}/search@2.0.0`, { 'search-2.0.0.zip': 'zip', 'search-2.0.0.sig': 'sig' }, [k1]);
    const index = (await post(envelopeJson(env))).json().index;
    const d = sha256('zip');
    let r = await h.call('GET', `/api/v1/releases?digest=${d}`);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().items.length, 1);
    const item = r.json().items[0];
    assert.equal(item.index, index);
    assert.deepEqual(item.purls, [`pkg:generic/${ORG}/search@2.0.0`]);
    assert.equal(item.entry_url, `/api/v1/log/entries/${index}`);
    assert.deepEqual(item.key_ids, [k1.keyId]);
    r = await h.call('GET', `/api/v1/releases?digest=sha256:${d.toUpperCase()}`);
    assert.equal(r.json().items[0].index, index);
    r = await h.call('GET', `/api/v1/releases?purl=${encodeURIComponent(`pkg:generic/${ORG}/search@2.0.0`)}`);
    assert.deepEqual(r.json().items.map((i: any) => i.index), [index]);
    r = await h.call('GET', `/api/v1/releases?purl=${encodeURIComponent(`pkg:generic/${ORG}/search`)}`);
    assert.deepEqual(r.json().items.map((i: any) => i.index), [index], 'without a version: every version');
    r = await h.call('GET', `/api/v1/releases?purl=${encodeURIComponent(`pkg:generic/${ORG}/search@9`)}`);
    assert.deepEqual(r.json().items, []);
    r = await h.call('GET', `/api/v1/releases?digest=${sha256('nothing')}&limit=1`);
    assert.deepEqual(r.json(), { items: [], next: null });
    // Paging: newest first, `next` continues below.
    r = await h.call('GET', `/api/v1/releases?purl=${encodeURIComponent(`pkg:generic/${ORG}/agent`)}&limit=1`);
    assert.equal(r.json().items.length, 1);
    problem(await h.call('GET', '/api/v1/releases'), 400, 'VALIDATION_FAILED');
    problem(await h.call('GET', '/api/v1/releases?digest=abc'), 400, 'VALIDATION_FAILED');
    problem(await h.call('GET', '/api/v1/releases?purl=npm/x'), 400, 'VALIDATION_FAILED');
    problem(await h.call('GET', `/api/v1/releases?digest=${d}&x=1`), 400, 'VALIDATION_FAILED');
  });

  describe('refusals', () => {
    const statementFor = (purl = `pkg:generic/${ORG}/agent@9.9.9`) => releaseEnvelope(purl, { 'a.tgz': 'a' }, [k1]);

    it('a key not registered for any organisation', async () => {
      problem(await post(envelopeJson(releaseEnvelope(`pkg:generic/${ORG}/x@1`, { a: 'a' }, [newKey()]))), 422, 'RELEASE_KEY_UNKNOWN', /not a release key of demo-northwind/);
    });
    it('a revoked key', async () => {
      problem(await post(envelopeJson(releaseEnvelope(`pkg:generic/${ORG}/x@1`, { a: 'a' }, [revoked]))), 422, 'RELEASE_KEY_REVOKED', /revoked/);
    });
    it("another organisation's key", async () => {
      problem(await post(envelopeJson(releaseEnvelope(`pkg:generic/${ORG}/x@1`, { a: 'a' }, [contoso]))), 422, 'RELEASE_KEY_UNKNOWN');
      // Not even without a keyid: it verifies with none of the caller's keys.
      const e = envelopeJson(releaseEnvelope(`pkg:generic/${ORG}/x@1`, { a: 'a' }, [contoso]));
      delete (e.signatures as any[])[0].keyid;
      problem(await post(e), 422, 'RELEASE_KEY_UNKNOWN', /verifies with no release key registered for demo-northwind/);
    });
    it('a bad signature', async () => {
      const e = statementFor();
      const forged = { ...e, payload: Buffer.from(Buffer.from(e.payload).toString().replace('9.9.9', '9.9.8')) };
      problem(await post(envelopeJson(forged)), 422, 'RELEASE_SIGNATURE_INVALID', /does not verify/);
      // One good and one bad signature: every signature must verify.
      const two = signEnvelope(IN_TOTO_PAYLOAD_TYPE, e.payload, [k1.key, k2.key]);
      const sig = new Uint8Array(two.signatures[1]!.sig);
      sig[sig.length - 1]! ^= 1;
      problem(await post(envelopeJson({ ...two, signatures: [two.signatures[0]!, { keyid: k2.keyId, sig }] })), 422, 'RELEASE_SIGNATURE_INVALID');
    });
    it("a purl outside the organisation's namespaces", async () => {
      problem(await post(envelopeJson(statementFor('pkg:generic/demo-contoso-cloud/agent@1'))), 403, 'RELEASE_PURL_NOT_ALLOWED', /pkg:\*\/demo-northwind only/);
    });
    it('a payload that is not an accepted in-toto statement', async () => {
      problem(await post(envelopeJson(signEnvelope('application/json', Buffer.from('{}'), [k1.key]))), 422, 'RELEASE_STATEMENT_INVALID', /payloadType/);
      problem(await post(envelopeJson(signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}'), [k1.key]))), 422, 'RELEASE_STATEMENT_INVALID');
    });
    it('roles: viewer and analyst 403, the secretariat 403 (not a signatory), anonymous 401', async () => {
      const body = envelopeJson(statementFor());
      problem(await post(body, tokens.viewer), 403, 'FORBIDDEN');
      problem(await post(body, tokens.analyst), 403, 'FORBIDDEN');
      problem(await post(body, h.init.admin_token), 403, 'NOT_A_MEMBER');
      const anon = await post(body, null);
      problem(anon, 401, 'AUTH_REQUIRED');
      assert.ok(anon.headers['www-authenticate']);
      // Another member's org-admin publishes for its own organisation only.
      problem(await post(body, tokens['other-org-admin']), 422, 'RELEASE_KEY_UNKNOWN');
    });
    it('oversized bodies: over 1 MiB (413 PAYLOAD_TOO_LARGE), over a log entry (413 ENTRY_TOO_LARGE)', async () => {
      const e = envelopeJson(statementFor());
      problem(await post(JSON.stringify(e) + ' '.repeat(1 << 20)), 413, 'PAYLOAD_TOO_LARGE');
      const big = releaseEnvelope(`pkg:generic/${ORG}/big@1`, Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`file-${i}.bin`, String(i)])), [k1]);
      problem(await post(envelopeJson(big)), 413, 'ENTRY_TOO_LARGE');
    });
    it('malformed bodies are 400 problem+json', async () => {
      const text = serializeEnvelope(statementFor());
      problem(await post('{"payloadType":'), 400, 'VALIDATION_FAILED');
      problem(await post(''), 400, 'VALIDATION_FAILED');
      problem(await post(text.replace('{', '{"payload":"","')), 400, 'VALIDATION_FAILED');
      const dup = await post(text.replace('"payload":', '"payloadType":"x","payload":'));
      problem(dup, 400, 'VALIDATION_FAILED');
      assert.match(JSON.stringify(dup.json().errors), /duplicate member/);
      problem(await post(Buffer.concat([Buffer.from('{"payloadType":"\xff'), Buffer.from([0xff]), Buffer.from('"}')])), 400, 'VALIDATION_FAILED');
      problem(await post(JSON.stringify({ ...JSON.parse(text), extra: 1 })), 400, 'VALIDATION_FAILED');
      problem(await post(text.replace(/"payload":"[^"]*"/, '"payload":"!!"')), 400, 'RELEASE_ENVELOPE_MALFORMED', /base64/);
      problem(await post('[]'), 400, 'VALIDATION_FAILED');
      problem(await post(text, tokens['org-admin'], { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
    it('300 hostile mutations: never a 5xx', async () => {
      const rng = prng(7);
      const text = serializeEnvelope(statementFor());
      const pieces = ['"', '\\', '{', '}', '[', ']', ',', ':', '=', '-', '_', 'null', '1e999', '\u0000', '\ud800'];
      for (let i = 0; i < 300; i++) {
        let m = text;
        for (let k = 0, n = 1 + rng.int(3); k < n; k++) {
          const at = rng.int(m.length);
          m = rng.int(2) === 0 ? m.slice(0, at) + rng.pick(pieces) + m.slice(at) : m.slice(0, at) + m.slice(at + 1 + rng.int(5));
        }
        const r = await post(m);
        assert.ok(r.statusCode < 500, `${r.statusCode} ${r.body} for ${JSON.stringify(m)}`);
      }
    });
  });

  it('the error handler maps every release code', () => {
    assert.deepEqual(Object.fromEntries(RELEASE_ERROR_CODES.map((c) => [c, STATUS_BY_CODE[c]])), PROPOSED_STATUS);
  });
});
