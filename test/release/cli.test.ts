/**
 * `accord release keygen|sign|publish`, `accord trust export` and `accord verify`
 * as a user runs them: the real CLI in child processes (from source, through
 * tsx) against a server listening on a fresh data directory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cosignerFromSeed, cosignerVerifierKey } from '../../src/ledger/cosignature.js';
import { generateSeed, signerFromSeed } from '../../src/ledger/note-key.js';
import { parseNote, signNote } from '../../src/ledger/note.js';
import { formatTlogProof, parseTlogProof } from '../../src/ledger/proof.js';
import { demoToken, startHarness, type Harness } from '../http/harness.js';
import { serializeEnvelope } from '../../src/release/dsse.js';
import { generateReleaseKeyPair } from '../../src/release/keys.js';
import { accord, newKey, releaseEnvelope } from './support.js';



describe('accord release / trust / verify (CLI)', () => {
  let h: Harness;
  let url: string;
  let dir: string;
  const p = (name: string) => join(dir, name);
  let token: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-release-cli-'));
    h = await startHarness();
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    token = demoToken(h.init, 'demo-northwind');
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keygen → keys add → sign → publish → trust export → verify, and each kind of failure', async () => {
    const server = ['--server', url, '--token', token];
    let r = await accord(['release', 'keygen', '--out', p('northwind')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^key_id [0-9a-f]{64}\n/);
    assert.equal(statSync(p('northwind.key')).mode & 0o777, 0o600);
    assert.match(readFileSync(p('northwind.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(readFileSync(p('northwind.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
    r = await accord(['release', 'keygen', '--out', p('northwind')]);
    assert.equal(r.code, 1, 'refuses to overwrite a key');
    assert.match(r.stderr, /--force/);

    r = await accord([...server, 'keys', 'add', 'demo-northwind', p('northwind.pub'), '--name', 'release 2025']);
    assert.equal(r.code, 0, r.stderr);

    writeFileSync(p('agent-1.2.0.tgz'), 'the genuine agent');
    writeFileSync(p('agent-1.2.0.sbom.json'), '{"bomFormat":"CycloneDX"}');
    r = await accord(['release', 'sign', '--key', p('northwind.key'), '--purl', 'pkg:generic/demo-northwind/agent@1.2.0', '--out', p('agent.intoto.json'), p('agent-1.2.0.tgz'), p('agent-1.2.0.sbom.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /signed 2 file\(s\)/);

    r = await accord([...server, 'release', 'publish', p('agent.intoto.json'), '--proof-out', p('agent.tlog-proof')]);
    assert.equal(r.code, 0, r.stderr);
    const index = Number(/^index (\d+)$/m.exec(r.stdout)?.[1]);
    assert.ok(Number.isInteger(index), r.stdout);
    assert.match(readFileSync(p('agent.tlog-proof'), 'utf8'), new RegExp(`^c2sp\\.org/tlog-proof@v1\\nindex ${index}\\n`));

    r = await accord(['--server', url, 'trust', 'export', '--out', p('trust.json')]);
    assert.equal(r.code, 0, r.stderr);
    const trust = JSON.parse(readFileSync(p('trust.json'), 'utf8'));
    assert.equal(trust.type, 'accord-trust');
    // On the machine holding the log, the data directory gives the same file without a server.
    r = await accord(['trust', 'export', '--data', h.ctx.config.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual({ ...JSON.parse(r.stdout), generated_at: trust.generated_at }, trust);

    // Variants of the inputs for the failure cases.
    writeFileSync(p('tampered.tgz'), 'the genuine agent, with a backdoor');
    const other = newKey();
    const wrongKey = JSON.parse(JSON.stringify(trust));
    const nw = wrongKey.signatories.find((s: { slug: string }) => s.slug === 'demo-northwind');
    nw.keys = [{ key_id: other.keyId, algorithm: 'ed25519', public_key: other.pem, created_at: '2025-01-01T00:00:00.000Z', revoked_at: null, purl_namespaces: ['pkg:*/demo-northwind'] }];
    writeFileSync(p('trust-wrong-key.json'), JSON.stringify(wrongKey));
    const proof = parseTlogProof(readFileSync(p('agent.tlog-proof'), 'utf8'));
    const flipped = proof.inclusionProof.map((hash, i) => (i === 0 ? Uint8Array.from(hash, (b, j) => (j === 5 ? b ^ 0x80 : b)) : hash));
    writeFileSync(p('forged.tlog-proof'), formatTlogProof({ ...proof, inclusionProof: flipped }));
    const impostor = signerFromSeed(h.ctx.log.origin, generateSeed());
    writeFileSync(p('other-log.tlog-proof'), formatTlogProof({ ...proof, checkpoint: signNote(parseNote(proof.checkpoint).text, [impostor]) }));
    const witness = cosignerFromSeed('witness.example/w1', generateSeed());
    const withWitness = `${trust.policy.replace(/\nquorum none\n$/, '\n')}witness w1 ${cosignerVerifierKey(witness.name, witness.publicKey)}\nquorum w1\n`;
    writeFileSync(p('trust-quorum.json'), JSON.stringify({ ...trust, policy: withWitness }));
    writeFileSync(p('trust-broken.json'), '{"type":"accord-trust"');

    const offline = (file: string, proofFile = 'agent.tlog-proof', trustFile = 'trust.json', extra: string[] = []) =>
      accord(['verify', p(file), '--statement', p('agent.intoto.json'), '--proof', p(proofFile), '--trust', p(trustFile), ...extra]);
    const [ok, json, tampered, wrong, forged, otherLog, quorum, noTrust, unreadable, broken, online, onlineTampered, onlinePinned] = await Promise.all([
      offline('agent-1.2.0.tgz'),
      offline('agent-1.2.0.sbom.json', 'agent.tlog-proof', 'trust.json', ['--json']),
      offline('tampered.tgz'),
      offline('agent-1.2.0.tgz', 'agent.tlog-proof', 'trust-wrong-key.json'),
      offline('agent-1.2.0.tgz', 'forged.tlog-proof'),
      offline('agent-1.2.0.tgz', 'other-log.tlog-proof'),
      offline('agent-1.2.0.tgz', 'agent.tlog-proof', 'trust-quorum.json'),
      accord(['verify', p('agent-1.2.0.tgz'), '--statement', p('agent.intoto.json'), '--proof', p('agent.tlog-proof')]),
      offline('missing.tgz'),
      offline('agent-1.2.0.tgz', 'agent.tlog-proof', 'trust-broken.json'),
      accord(['verify', p('agent-1.2.0.tgz'), '--server', url]),
      accord(['verify', p('tampered.tgz'), '--server', url]),
      accord(['verify', p('agent-1.2.0.tgz'), '--server', url, '--trust', p('trust-wrong-key.json')]),
    ]);

    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const lines = ok.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(':')[0]), ['ok   envelope', 'ok   statement', 'ok   subject', 'ok   signature', 'ok   log-inclusion', 'ok   log-signature', 'ok   witnesses']);
    assert.match(ok.stdout, /ok {3}signature: signed by demo-northwind/);

    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.ok, true);
    assert.equal(parsed.index, index);
    assert.equal(parsed.signer.signatory, 'demo-northwind');

    const failing = (res: typeof ok, check: string, message: RegExp) => {
      assert.equal(res.code, 1, res.stdout + res.stderr);
      const failed = res.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
      assert.equal(failed.length, 1, res.stdout);
      assert.match(failed[0]!, new RegExp(`^FAIL ${check}: `));
      assert.match(failed[0]!, message);
    };
    failing(tampered, 'subject', /is not among the statement's 2 subject\(s\)/);
    failing(wrong, 'signature', /no signature verifies with a key in the trust file/);
    failing(forged, 'log-inclusion', /inclusion proof does not lead to the root hash/);
    failing(otherLog, 'log-signature', /not signed by the trusted log key/);
    failing(quorum, 'witnesses', /0 of 1 witnesses cosigned, which does not satisfy the policy's quorum "w1"/);

    assert.equal(noTrust.code, 2);
    assert.match(noTrust.stderr, /needs --statement, --proof and --trust/);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /cannot read .*missing\.tgz/);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /trust file/);

    assert.equal(online.code, 0, online.stdout + online.stderr);
    assert.match(online.stdout, new RegExp(`ok {3}log-inclusion: the envelope is entry ${index} `));
    assert.equal(onlineTampered.code, 1);
    assert.match(onlineTampered.stdout, /^FAIL subject: the server knows no release/);
    // A pinned trust file overrides what the server says.
    failing(onlinePinned, 'signature', /no signature verifies/);
  });

  it('usage: verify with no inputs, sign with a purl without version, publish without a token', async () => {
    const pair = generateReleaseKeyPair();
    writeFileSync(p('usage.key'), pair.privatePem);
    writeFileSync(p('usage.bin'), 'usage');
    writeFileSync(p('usage.intoto.json'), serializeEnvelope(releaseEnvelope('pkg:generic/demo-northwind/usage@1', { 'usage.bin': 'usage' }, [newKey()])));
    const [none, badPurl, anon] = await Promise.all([
      accord(['verify', p('usage.bin')]),
      accord(['release', 'sign', '--key', p('usage.key'), '--purl', 'pkg:generic/demo-northwind/usage', '--out', p('x.json'), p('usage.bin')]),
      accord(['--server', url, 'release', 'publish', p('usage.intoto.json')]),
    ]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--server URL \(online\)/);
    assert.equal(badPurl.code, 1);
    assert.match(badPurl.stderr, /must include a version/);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /401 AUTH_REQUIRED/);
  });
});
