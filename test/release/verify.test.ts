/** `verifyRelease`, the offline verification shared by server, CLI and web: each check, passing and failing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addCosignature, cosignerFromSeed, cosignerVerifierKey } from '../../src/ledger/cosignature.js';
import { generateSeed, signerFromSeed } from '../../src/ledger/note-key.js';
import { formatTlogProof, parseTlogProof } from '../../src/ledger/proof.js';
import { IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from '../../src/release/dsse.js';
import { SLSA_PROVENANCE_PREDICATE_TYPE } from '../../src/release/statement.js';
import { parseTrustFile, type TrustFile } from '../../src/release/trust.js';
import { formatChecks, RELEASE_CHECKS, verifyRelease, type VerifyReleaseResult } from '../../src/release/verify.js';
import { MemoryLog, newKey, releaseEnvelope, sha256, throwsRelease, trustFor } from './support.js';

const ARTIFACT = Buffer.from('agent 1.2.0 tarball bytes');
const PURL = 'pkg:generic/demo-northwind/agent@1.2.0';

function check(r: VerifyReleaseResult, name: string) {
  const c = r.checks.find((x) => x.name === name);
  assert.ok(c, `no check ${name}`);
  return c;
}

function onlyFailures(r: VerifyReleaseResult): string[] {
  return r.checks.filter((c) => !c.ok).map((c) => c.name);
}

/** A log with some other entries, one genuine release, and a trust file. */
function scenario() {
  const log = new MemoryLog();
  const northwind = newKey();
  const fabrikam = newKey('ecdsa-p256');
  for (let i = 0; i < 5; i++) log.append(Buffer.from(`registry entry ${i}`));
  const envelope = releaseEnvelope(PURL, { 'agent-1.2.0.tgz': ARTIFACT, 'agent-1.2.0.sbom.json': '{}' }, [northwind]);
  const index = log.appendEnvelope(envelope);
  for (let i = 0; i < 3; i++) log.append(Buffer.from(`later entry ${i}`));
  const trust = trustFor(log, [
    { slug: 'demo-northwind', keys: [{ key: northwind }] },
    { slug: 'demo-fabrikam', keys: [{ key: fabrikam }] },
  ]);
  return { log, northwind, fabrikam, envelope, index, trust, proof: log.proof(index), text: serializeEnvelope(envelope) };
}

describe('verifyRelease', () => {
  it('passes a genuine release, every check named in order', () => {
    const s = scenario();
    const r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust: s.trust });
    assert.deepEqual(r.checks.map((c) => c.name), [...RELEASE_CHECKS]);
    assert.equal(r.ok, true, formatChecks(r.checks));
    assert.equal(r.index, s.index);
    assert.equal(r.treeSize, 9);
    assert.equal(r.signer?.signatory, 'demo-northwind');
    assert.match(formatChecks(r.checks), /^ok {3}envelope: /);
    // The sha256 may stand in for the file; the trust file may be text or already parsed.
    assert.equal(verifyRelease({ sha256: sha256(ARTIFACT).toUpperCase(), envelope: Buffer.from(s.text), proof: Buffer.from(s.proof), trust: JSON.stringify(s.trust) }).ok, true);
    assert.equal(verifyRelease({ sha256: sha256('{}'), envelope: s.text, proof: s.proof, trust: parseTrustFile(s.trust) }).ok, true, 'every subject verifies');
  });

  it('accepts any JSON spelling of the envelope: the log holds its canonical form', () => {
    const s = scenario();
    const pretty = JSON.stringify(JSON.parse(s.text), null, 2).replace(/"\+/g, '"+');
    assert.equal(verifyRelease({ file: ARTIFACT, envelope: pretty, proof: s.proof, trust: s.trust }).ok, true);
  });

  it('FAILS subject on a tampered file', () => {
    const s = scenario();
    const r = verifyRelease({ file: Buffer.from('agent 1.2.0 tarball bytes + backdoor'), envelope: s.text, proof: s.proof, trust: s.trust });
    assert.deepEqual(onlyFailures(r), ['subject']);
    assert.equal(check(r, 'subject').code, 'RELEASE_SUBJECT_MISMATCH');
    assert.match(check(r, 'subject').message, /is not among the statement's 2 subject\(s\).*not the one released/);
  });

  it('FAILS signature when the trust file does not know the key', () => {
    const s = scenario();
    const trust = trustFor(s.log, [{ slug: 'demo-northwind', keys: [{ key: newKey() }] }]);
    const r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust });
    assert.deepEqual(onlyFailures(r), ['signature']);
    assert.equal(check(r, 'signature').code, 'RELEASE_KEY_UNKNOWN');
    assert.match(check(r, 'signature').message, /no signature verifies with a key in the trust file/);
  });

  it('FAILS signature (and inclusion) when the statement was altered after signing', () => {
    const s = scenario();
    const forged = { ...s.envelope, payload: Buffer.from(Buffer.from(s.envelope.payload).toString().replace(sha256(ARTIFACT), sha256('evil'))) };
    const r = verifyRelease({ sha256: sha256('evil'), envelope: serializeEnvelope(forged), proof: s.proof, trust: s.trust });
    assert.deepEqual(onlyFailures(r), ['signature', 'log-inclusion']);
    assert.equal(check(r, 'signature').code, 'RELEASE_SIGNATURE_INVALID');
    assert.match(check(r, 'signature').message, /demo-northwind's key .* does not verify/);
  });

  it('FAILS signature for a revoked key', () => {
    const s = scenario();
    const trust = trustFor(s.log, [{ slug: 'demo-northwind', keys: [{ key: s.northwind, revoked_at: '2025-02-01T00:00:00.000Z' }] }]);
    const r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust });
    assert.deepEqual(onlyFailures(r), ['signature']);
    assert.equal(check(r, 'signature').code, 'RELEASE_KEY_REVOKED');
    assert.match(check(r, 'signature').message, /revoked at 2025-02-01/);
  });

  it("FAILS signature when a signatory signs another's package", () => {
    const s = scenario();
    const envelope = releaseEnvelope(PURL, { 'agent-1.2.0.tgz': ARTIFACT }, [s.fabrikam]);
    const index = s.log.appendEnvelope(envelope);
    const r = verifyRelease({ file: ARTIFACT, envelope: serializeEnvelope(envelope), proof: s.log.proof(index), trust: trustFor(s.log, [{ slug: 'demo-fabrikam', keys: [{ key: s.fabrikam }] }]) });
    assert.deepEqual(onlyFailures(r), ['signature']);
    assert.equal(check(r, 'signature').code, 'RELEASE_PURL_NOT_ALLOWED');
    assert.match(check(r, 'signature').message, /may sign only pkg:\*\/demo-fabrikam, not pkg:generic\/demo-northwind\/agent@1\.2\.0/);
  });

  it('passes when one of several signatures is by a trusted key', () => {
    const s = scenario();
    const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, s.envelope.payload, [newKey().key, s.northwind.key]);
    const index = s.log.appendEnvelope(envelope);
    assert.equal(verifyRelease({ file: ARTIFACT, envelope: serializeEnvelope(envelope), proof: s.log.proof(index), trust: s.trust }).ok, true);
  });

  it('FAILS log-inclusion on a forged proof (one hash flipped) or another entry\'s proof', () => {
    const s = scenario();
    const p = parseTlogProof(s.proof);
    const flipped = p.inclusionProof.map((h, i) => (i === 1 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
    const forged = formatTlogProof({ ...p, inclusionProof: flipped });
    let r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: forged, trust: s.trust });
    assert.deepEqual(onlyFailures(r), ['log-inclusion']);
    assert.equal(check(r, 'log-inclusion').code, 'LOG_PROOF_INVALID');
    assert.match(check(r, 'log-inclusion').message, /does not lead to the root hash/);
    r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.log.proof(s.index - 1), trust: s.trust });
    assert.deepEqual(onlyFailures(r), ['log-inclusion']);
  });

  it('FAILS log-signature for a checkpoint signed by another log key', () => {
    const s = scenario();
    const impostor = signerFromSeed(s.log.origin, generateSeed());
    const r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.log.proof(s.index, s.log.checkpoint(impostor)), trust: s.trust });
    assert.deepEqual(onlyFailures(r), ['log-signature']);
    assert.equal(check(r, 'log-signature').code, 'NOTE_UNVERIFIED');
    assert.match(check(r, 'log-signature').message, /not signed by the trusted log key example\.test\/log/);
  });

  it('FAILS log-signature for a checkpoint of another log', () => {
    const s = scenario();
    const other = new MemoryLog('other.test/log');
    const index = other.appendEnvelope(s.envelope);
    // A trust file whose policy names only the other log: the genuine proof is for a log it does not name.
    const trust: TrustFile = { ...s.trust, policy: `log ${other.vkey}\n\nquorum none\n` };
    assert.equal(verifyRelease({ file: ARTIFACT, envelope: s.text, proof: other.proof(index), trust }).ok, true);
    const r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust });
    assert.deepEqual(onlyFailures(r), ['log-signature']);
    assert.equal(check(r, 'log-signature').code, 'CHECKPOINT_ORIGIN_MISMATCH');
    assert.match(check(r, 'log-signature').message, /"example\.test\/log", a log the trust file's policy does not name \(it names "other\.test\/log"\)/);
    // A policy naming both logs accepts both.
    const both: TrustFile = { ...s.trust, policy: `log ${other.vkey}\nlog ${s.log.vkey}\n\nquorum none\n` };
    assert.equal(verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust: both }).ok, true);
  });

  it('witnesses: quorum not met, met, and a bad cosignature', () => {
    const s = scenario();
    const w1 = cosignerFromSeed('witness.test/w1', generateSeed());
    const w2 = cosignerFromSeed('witness.test/w2', generateSeed());
    const witnesses = [cosignerVerifierKey(w1.name, w1.publicKey), cosignerVerifierKey(w2.name, w2.publicKey)];
    const trust1 = trustFor(s.log, [{ slug: 'demo-northwind', keys: [{ key: s.northwind }] }], { witnesses, quorum: 1 });
    let r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust: trust1 });
    assert.deepEqual(onlyFailures(r), ['witnesses']);
    assert.equal(check(r, 'witnesses').code, 'COSIGNATURE_QUORUM_NOT_MET');
    assert.match(check(r, 'witnesses').message, /0 of 2 witnesses cosigned, which does not satisfy the policy's quorum "witnesses"/);

    const cosigned = addCosignature(s.log.checkpoint(), w1, 1_700_000_000);
    r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.log.proof(s.index, cosigned), trust: trust1 });
    assert.equal(r.ok, true, formatChecks(r.checks));
    assert.match(check(r, 'witnesses').message, /1 of 2 witnesses cosigned \(witness\.test\/w1\), which satisfies the policy's quorum "witnesses"/);
    const trust2 = trustFor(s.log, [{ slug: 'demo-northwind', keys: [{ key: s.northwind }] }], { witnesses, quorum: 2 });
    assert.deepEqual(onlyFailures(verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.log.proof(s.index, cosigned), trust: trust2 })), ['witnesses']);

    // A cosignature line by w2's name and key ID whose signature is wrong.
    const lines = addCosignature(s.log.checkpoint(), w2, 1_700_000_000).split('\n');
    const last = lines.length - 2;
    const sig = Buffer.from(lines[last]!.split(' ').pop()!, 'base64');
    sig[20]! ^= 1;
    lines[last] = `${lines[last]!.split(' ').slice(0, -1).join(' ')} ${sig.toString('base64')}`;
    r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.log.proof(s.index, lines.join('\n')), trust: trust1 });
    assert.equal(check(r, 'witnesses').ok, false);
    assert.equal(check(r, 'witnesses').code, 'NOTE_SIGNATURE_INVALID');
  });

  it('a malformed envelope or proof fails its checks and what depends on them, without throwing', () => {
    const s = scenario();
    let r = verifyRelease({ file: ARTIFACT, envelope: '{"payloadType":', proof: s.proof, trust: s.trust });
    assert.deepEqual(onlyFailures(r), ['envelope', 'statement', 'subject', 'signature', 'log-inclusion']);
    assert.match(check(r, 'statement').message, /not checked/);
    r = verifyRelease({ file: ARTIFACT, envelope: s.text, proof: 'c2sp.org/tlog-proof@v1\nindex x\n', trust: s.trust });
    assert.deepEqual(onlyFailures(r), ['log-inclusion', 'log-signature', 'witnesses']);
    assert.match(check(r, 'log-signature').message, /^the proof is malformed: /);
    // A payload that is not an in-toto statement.
    const notStatement = signEnvelope('application/json', Buffer.from('{}'), [s.northwind.key]);
    r = verifyRelease({ file: ARTIFACT, envelope: serializeEnvelope(notStatement), proof: s.proof, trust: s.trust });
    assert.equal(check(r, 'statement').code, 'RELEASE_STATEMENT_INVALID');
  });

  it('verifies SLSA provenance statements by their subjects\' purls', () => {
    const s = scenario();
    const statement = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'agent', uri: PURL, digest: { sha256: sha256(ARTIFACT) } }],
        predicateType: SLSA_PROVENANCE_PREDICATE_TYPE,
        predicate: { buildDefinition: { buildType: 'https://example.com/b/v1', externalParameters: {} }, runDetails: { builder: { id: 'https://ci.example' } } },
      }),
    );
    const env = signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [s.northwind.key]);
    const index = s.log.appendEnvelope(env);
    assert.equal(verifyRelease({ file: ARTIFACT, envelope: serializeEnvelope(env), proof: s.log.proof(index), trust: s.trust }).ok, true);
  });

  it('prints attacker-controlled text without terminal control or bidi characters', () => {
    const s = scenario();
    const env = releaseEnvelope(PURL, { 'evil\u001b[2J\u202enoisrev': ARTIFACT }, [s.northwind]);
    const index = s.log.appendEnvelope(env);
    const r = verifyRelease({ file: ARTIFACT, envelope: serializeEnvelope(env), proof: s.log.proof(index), trust: s.trust });
    const out = formatChecks(r.checks);
    // eslint-disable-next-line no-control-regex
    assert.equal(/[\u0000-\u0009\u000b-\u001f\u202e]/.test(out), false, out);
    assert.match(out, /evil\\u001b\[2J\\u202enoisrev/);
    const keyid = signEnvelope(IN_TOTO_PAYLOAD_TYPE, env.payload, [newKey().key]);
    const bad = { ...keyid, signatures: [{ keyid: '\u001b]0;pwned\u0007', sig: keyid.signatures[0]!.sig }] };
    const r2 = verifyRelease({ file: ARTIFACT, envelope: serializeEnvelope(bad), proof: s.proof, trust: s.trust });
    assert.equal(formatChecks(r2.checks).includes('\u001b'), false);
  });

  it('witnesses: a nested tlog-policy (one of each of two operators\' witnesses) is enforced as written', () => {
    const s = scenario();
    const ws = ['a1', 'a2', 'b1'].map((n) => cosignerFromSeed(`witness.test/${n}`, generateSeed()));
    const vk = (w: (typeof ws)[number]) => cosignerVerifierKey(w.name, w.publicKey);
    const policy = [
      `log ${s.log.vkey}`,
      '',
      `witness a1 ${vk(ws[0]!)}`,
      `witness a2 ${vk(ws[1]!)}`,
      `witness b1 ${vk(ws[2]!)}`,
      'group operator-a any a1 a2',
      'group operator-b any b1',
      'group both all operator-a operator-b',
      'quorum both',
      '',
    ].join('\n');
    const trust: TrustFile = { ...s.trust, policy };
    assert.deepEqual(parseTrustFile(JSON.stringify(trust)).file, trust);
    const run = (...signers: (typeof ws)[number][]) => {
      let note = s.log.checkpoint();
      for (const w of signers) note = addCosignature(note, w, 1_700_000_000);
      return verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.log.proof(s.index, note), trust });
    };
    // Two witnesses of one operator are not enough; one of each is.
    let r = run(ws[0]!, ws[1]!);
    assert.deepEqual(onlyFailures(r), ['witnesses']);
    assert.equal(check(r, 'witnesses').code, 'COSIGNATURE_QUORUM_NOT_MET');
    assert.match(check(r, 'witnesses').message, /2 of 3 witnesses cosigned \(a1, a2\), which does not satisfy the policy's quorum "both"/);
    r = run(ws[1]!, ws[2]!);
    assert.equal(r.ok, true, formatChecks(r.checks));
    assert.match(check(r, 'witnesses').message, /\(a2, b1\), which satisfies the policy's quorum "both"/);
  });

  it('reads version 1 trust files (the policy as fields) as the equivalent policy', () => {
    const s = scenario();
    const w1 = cosignerFromSeed('witness.test/w1', generateSeed());
    const v2 = trustFor(s.log, [{ slug: 'demo-northwind', keys: [{ key: s.northwind }] }], { witnesses: [cosignerVerifierKey(w1.name, w1.publicKey)], quorum: 1 });
    const v1 = { type: 'accord-trust', version: 1, generated_at: v2.generated_at, log: { origin: s.log.origin, vkey: s.log.vkey, witnesses: [cosignerVerifierKey(w1.name, w1.publicKey)], quorum: 1 }, signatories: v2.signatories };
    const parsed = parseTrustFile(JSON.stringify(v1));
    assert.deepEqual(parsed.file, v2, 'converted to version 2');
    assert.deepEqual(onlyFailures(verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust: JSON.stringify(v1) })), ['witnesses']);
    const cosigned = addCosignature(s.log.checkpoint(), w1, 1_700_000_000);
    assert.equal(verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.log.proof(s.index, cosigned), trust: JSON.stringify(v1) }).ok, true);
    throwsRelease(() => parseTrustFile(JSON.stringify({ ...v1, log: { ...v1.log, origin: 'other.test/log' } })), 'RELEASE_TRUST_INVALID', /not the name of log\.vkey/);
    throwsRelease(() => parseTrustFile(JSON.stringify({ ...v1, log: { ...v1.log, quorum: 2 } })), 'RELEASE_TRUST_INVALID', /quorum must be/);
    throwsRelease(() => parseTrustFile(JSON.stringify({ ...v1, log: { ...v1.log, witnesses: [s.log.vkey] } })), 'RELEASE_TRUST_INVALID', /cosigner verifier key/);
    throwsRelease(() => parseTrustFile(JSON.stringify({ ...v1, policy: 'x' })), 'RELEASE_TRUST_INVALID', /unknown field "policy"/);
  });

  it('throws only for its own bad input: the trust file and the digest', () => {
    const s = scenario();
    throwsRelease(() => verifyRelease({ envelope: s.text, proof: s.proof, trust: s.trust }), 'RELEASE_SUBJECT_MISMATCH');
    throwsRelease(() => verifyRelease({ sha256: 'xyz', envelope: s.text, proof: s.proof, trust: s.trust }), 'RELEASE_SUBJECT_MISMATCH');
    throwsRelease(() => verifyRelease({ file: ARTIFACT, envelope: s.text, proof: s.proof, trust: '{' }), 'RELEASE_TRUST_INVALID');
  });
});

describe('trust files', () => {
  const base = () => JSON.parse(JSON.stringify(scenario().trust)) as Record<string, any>;
  it('round-trip through text', () => {
    const t = base();
    const p = parseTrustFile(JSON.stringify(t));
    assert.deepEqual(p.file, t);
    assert.equal(p.keys.length, 2);
    assert.deepEqual(p.keys[0]!.namespaces, ['pkg:*/demo-northwind']);
  });
  const bad: [string, (t: Record<string, any>) => void, RegExp][] = [
    ['another type', (t) => (t.type = 'x'), /type must be/],
    ['version 3', (t) => (t.version = 3), /version 3 is not supported/],
    ['an unknown field', (t) => (t.extra = 1), /unknown field "extra"/],
    ['version 1\'s log field in version 2', (t) => (t.log = {}), /unknown field "log"/],
    ['a missing policy', (t) => delete t.policy, /missing field "policy"/],
    ['a policy that is not text', (t) => (t.policy = 1), /policy must be a non-empty string/],
    ['a policy with a bad log key', (t) => (t.policy = 'log x+00000000+AA==\nquorum none\n'), /policy: /],
    ['a policy without a quorum', (t) => (t.policy = t.policy.replace('quorum none\n', '')), /policy: /],
    ['a policy whose quorum names nobody', (t) => (t.policy = t.policy.replace('quorum none', 'quorum w9')), /policy: /],
    ['a policy naming no log', (t) => (t.policy = 'quorum none\n'), /policy/],
    ['a key_id that is not the key\'s', (t) => (t.signatories[0].keys[0].key_id = '0'.repeat(64)), /not the SHA-256 of its public key/],
    ['a wrong algorithm', (t) => (t.signatories[0].keys[0].algorithm = 'ecdsa-p256'), /algorithm must be ed25519/],
    ['a key listed twice', (t) => t.signatories[1].keys.push(t.signatories[0].keys[0]), /listed twice/],
    ['a signatory listed twice', (t) => t.signatories.push(t.signatories[0]), /listed twice/],
    ['a bad namespace', (t) => (t.signatories[0].keys[0].purl_namespaces = ['npm/x']), /purl_namespaces\[0\]/],
    ['no namespaces', (t) => (t.signatories[0].keys[0].purl_namespaces = []), /non-empty/],
    ['a bad date', (t) => (t.signatories[0].keys[0].revoked_at = 'yesterday'), /RFC 3339/],
    ['a bad slug', (t) => (t.signatories[0].slug = 'Demo'), /slug/],
    ['a PEM that is not a key', (t) => (t.signatories[0].keys[0].public_key = 'x'), /public_key/],
  ];
  for (const [name, mutate, message] of bad) {
    it(`refuses ${name}`, () => {
      const t = base();
      mutate(t);
      throwsRelease(() => parseTrustFile(JSON.stringify(t)), 'RELEASE_TRUST_INVALID', message);
    });
  }
});
