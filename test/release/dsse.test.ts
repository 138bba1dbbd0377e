/**
 * DSSE: PAE, the JSON envelope, signing and verification, against the DSSE
 * repository's test vectors (test/release/vectors/, sources cited there).
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeDsseBase64 } from '../../src/release/base64.js';
import {
  acceptedKeys,
  canonicalEnvelopeBytes,
  checkSignatures,
  envelopeFromJson,
  IN_TOTO_PAYLOAD_TYPE,
  pae,
  parseEnvelope,
  serializeEnvelope,
  signEnvelope,
} from '../../src/release/dsse.js';
import { importPrivateKey, importPublicKey, verifyMessage, type ReleasePublicKey } from '../../src/release/keys.js';
import { loadVector, newKey, throwsRelease } from './support.js';

interface Vectors {
  upstream: {
    keys: Record<string, { seed: string; public: string }>;
    vectors: { id: string; envelope: unknown; trustedKeys: string[]; threshold: number; supportedPayloadTypes: string[]; pae: string; expect: 'accept' | 'reject' }[];
  };
}

const vectors = loadVector<Vectors>('dsse-testvectors.json').upstream;

/** The vector's Ed25519 key with the vector's key ID ("A", "B"). */
function vectorKey(id: string): ReleasePublicKey {
  const seed = Buffer.from(vectors.keys[id]!.seed, 'hex');
  const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const pub = importPublicKey(createPublicKey(priv).export({ format: 'pem', type: 'spki' }).toString());
  assert.equal(Buffer.from(createPublicKey(priv).export({ format: 'der', type: 'spki' })).subarray(12).toString('hex'), vectors.keys[id]!.public);
  return { ...pub, keyId: id };
}

describe('PAE (protocol.md)', () => {
  it('encodes the spec example', () => {
    assert.equal(Buffer.from(pae('http://example.com/HelloWorld', Buffer.from('hello world'))).toString(), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });
  it('counts bytes, not characters, and keeps the trailing space of an empty body', () => {
    assert.equal(Buffer.from(pae('application/vnd.exämple+json', new Uint8Array())).toString(), 'DSSEv1 29 application/vnd.exämple+json 0 ');
  });
  for (const v of vectors.vectors) {
    it(`matches the vector ${v.id}`, () => {
      const env = envelopeFromJson(v.envelope);
      // A swapped payloadType is exactly a PAE over a different type: the vector gives the PAE that was signed.
      if (v.id === 'payload-type-swapped') assert.notEqual(Buffer.from(pae(env.payloadType, env.payload)).toString('hex'), v.pae);
      else assert.equal(Buffer.from(pae(env.payloadType, env.payload)).toString('hex'), v.pae);
    });
  }
});

describe('DSSE test vectors (secure-systems-lab/dsse testvectors/vectors.json)', () => {
  for (const v of vectors.vectors) {
    it(`${v.id}: ${v.expect}`, () => {
      const env = envelopeFromJson(v.envelope);
      const accepted = acceptedKeys(env, v.trustedKeys.map(vectorKey));
      const ok = accepted.length >= v.threshold && v.supportedPayloadTypes.includes(env.payloadType) && env.payloadType !== '';
      const supported = ok && (v.id !== 'empty-payload-type');
      assert.equal(supported ? 'accept' : 'reject', v.expect);
    });
  }
  it('a canonical re-serialisation verifies the same (URL-safe base64 becomes standard)', () => {
    const v = vectors.vectors.find((x) => x.id === 'url-safe-base64')!;
    const text = serializeEnvelope(envelopeFromJson(v.envelope));
    assert.match(text, /"payload":"\+\/\+\/Pj8="/);
    assert.equal(acceptedKeys(parseEnvelope(text), [vectorKey('A')]).length, 1);
  });
});

describe('the ECDSA P-256 example of protocol.md (raw r||s)', () => {
  const v = loadVector<{ public_key_pem: string; envelope: unknown; pae_utf8: string }>('dsse-protocol-ecdsa.json');
  it('verifies with the raw (IEEE P1363) signature encoding', () => {
    const env = envelopeFromJson(v.envelope);
    assert.equal(Buffer.from(pae(env.payloadType, env.payload)).toString(), v.pae_utf8);
    const key = importPublicKey(v.public_key_pem);
    assert.equal(key.algorithm, 'ecdsa-p256');
    const [outcome] = checkSignatures(env, [key]);
    assert.equal(outcome!.key?.keyId, key.keyId);
  });
  it('fails when one bit of the signature changes', () => {
    const env = envelopeFromJson(v.envelope);
    const sig = new Uint8Array(env.signatures[0]!.sig);
    sig[10]! ^= 1;
    assert.equal(checkSignatures({ ...env, signatures: [{ sig }] }, [importPublicKey(v.public_key_pem)])[0]!.key, undefined);
  });
});

describe('signing and verifying', () => {
  for (const alg of ['ed25519', 'ecdsa-p256'] as const) {
    it(`${alg}: signs with keyid = SHA-256 of the SPKI, verifies, refuses tampering and other keys`, () => {
      const k = newKey(alg);
      const other = newKey(alg);
      const env = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from('{"x":1}'), [k.key]);
      assert.equal(env.signatures[0]!.keyid, k.keyId);
      const pub = importPublicKey(k.pem);
      assert.equal(acceptedKeys(env, [pub]).length, 1);
      assert.equal(acceptedKeys(env, [importPublicKey(other.pem)]).length, 0);
      // A different payload, or the same payload under another type, does not verify.
      assert.equal(acceptedKeys({ ...env, payload: Buffer.from('{"x":2}') }, [pub]).length, 0);
      assert.equal(acceptedKeys({ ...env, payloadType: 'application/json' }, [pub]).length, 0);
      // The keyid narrows the keys tried: a wrong keyid finds no candidate.
      const [o] = checkSignatures({ ...env, signatures: [{ keyid: other.keyId, sig: env.signatures[0]!.sig }] }, [pub]);
      assert.equal(o!.candidates, 0);
      // No keyid: every key is tried.
      assert.equal(acceptedKeys({ ...env, signatures: [{ sig: env.signatures[0]!.sig }] }, [importPublicKey(other.pem), pub]).length, 1);
    });
  }
  it('ECDSA signatures are DER (Sigstore); a raw r||s of the same signature is accepted too', () => {
    const k = newKey('ecdsa-p256');
    const env = signEnvelope('t', Buffer.from('m'), [k.key]);
    const der = env.signatures[0]!.sig;
    assert.equal(der[0], 0x30);
    // Convert DER → r||s.
    const rLen = der[3]!;
    const r = Buffer.from(der.subarray(4, 4 + rLen)).subarray(-32);
    const s = Buffer.from(der.subarray(6 + rLen)).subarray(-32);
    const raw = Buffer.concat([Buffer.alloc(32 - r.length), r, Buffer.alloc(32 - s.length), s]);
    assert.equal(verifyMessage(importPublicKey(k.pem), pae('t', Buffer.from('m')), raw), true);
    assert.equal(verifyMessage(importPublicKey(k.pem), pae('t', Buffer.from('m')), Buffer.concat([der, Buffer.from([0])])), false);
  });
  it('verification never throws on garbage signatures', () => {
    for (const alg of ['ed25519', 'ecdsa-p256'] as const) {
      const pub = importPublicKey(newKey(alg).pem);
      for (const len of [0, 1, 63, 64, 65, 72, 73, 200]) assert.equal(verifyMessage(pub, Buffer.from('m'), new Uint8Array(len).fill(0x30)), false);
    }
  });
  it('refuses keys of other types, encrypted keys and non-PEM text', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    throwsRelease(() => importPublicKey(rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString()), 'RELEASE_KEY_INVALID', /Ed25519 and ECDSA P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    throwsRelease(() => importPrivateKey(p384.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), 'RELEASE_KEY_INVALID', /Ed25519 and ECDSA P-256/);
    throwsRelease(() => importPublicKey('not a key'), 'RELEASE_KEY_INVALID');
    throwsRelease(() => importPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), 'RELEASE_KEY_INVALID');
    throwsRelease(() => importPrivateKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n'), 'RELEASE_KEY_INVALID', /encrypted/);
    throwsRelease(() => importPublicKey('x'.repeat(20_000)), 'RELEASE_KEY_INVALID');
  });
});

describe('envelope parsing is strict', () => {
  const good = () => JSON.parse(serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from('{}'), [newKey().key]))) as Record<string, unknown>;
  it('round-trips its canonical form', () => {
    const text = JSON.stringify(good());
    assert.equal(serializeEnvelope(parseEnvelope(text)), text);
    assert.deepEqual(canonicalEnvelopeBytes(parseEnvelope(` \n${JSON.stringify(good(), null, 2)}\n`)).length > 0, true);
  });
  const cases: [string, string, RegExp][] = [
    ['duplicate member', '{"payloadType":"a","payloadType":"b","payload":"","signatures":[{"sig":"AA=="}]}', /duplicate member "payloadType"/],
    ['missing payload', '{"payloadType":"a","signatures":[{"sig":"AA=="}]}', /missing field "payload"/],
    ['missing signatures', '{"payloadType":"a","payload":""}', /missing field "signatures"/],
    ['unknown field', '{"payloadType":"a","payload":"","signatures":[{"sig":"AA=="}],"x":1}', /unknown envelope field "x"/],
    ['unknown signature field', '{"payloadType":"a","payload":"","signatures":[{"sig":"AA==","cert":"x"}]}', /unknown field "cert"/],
    ['no signatures', '{"payloadType":"a","payload":"","signatures":[]}', /empty/],
    ['payload not base64', '{"payloadType":"a","payload":"@@","signatures":[{"sig":"AA=="}]}', /base64/],
    ['base64 with junk bits', '{"payloadType":"a","payload":"AB==","signatures":[{"sig":"AA=="}]}', /base64/],
    ['mixed alphabets', '{"payloadType":"a","payload":"+_==","signatures":[{"sig":"AA=="}]}', /base64/],
    ['base64 with whitespace', '{"payloadType":"a","payload":"AA ==","signatures":[{"sig":"AA=="}]}', /base64/],
    ['wrong types', '{"payloadType":1,"payload":"","signatures":[{"sig":"AA=="}]}', /must be a string/],
    ['array', '[]', /must be a JSON object/],
    ['trailing garbage', '{"payloadType":"a","payload":"","signatures":[{"sig":"AA=="}]} x', /trailing/],
    ['BOM', '\ufeff{"payloadType":"a","payload":"","signatures":[{"sig":"AA=="}]}', /not valid JSON/],
    ['a lone surrogate in a keyid', '{"payloadType":"a","payload":"","signatures":[{"keyid":"\\udc00x","sig":"AA=="}]}', /surrogate/],
    ['lone surrogate escape', '{"payloadType":"\\ud800","payload":"","signatures":[{"sig":"AA=="}]}', /surrogate/],
    ['deep nesting', `${'['.repeat(100)}${']'.repeat(100)}`, /nested too deeply/],
    ['number out of range', '{"payloadType":1e999,"payload":"","signatures":[{"sig":"AA=="}]}', /out of range/],
  ];
  for (const [name, text, message] of cases) {
    it(`refuses ${name}`, () => throwsRelease(() => parseEnvelope(text), 'RELEASE_ENVELOPE_MALFORMED', message));
  }
  it('refuses invalid UTF-8, oversize input and too many signatures', () => {
    throwsRelease(() => parseEnvelope(Uint8Array.of(0x7b, 0xff, 0x7d)), 'RELEASE_ENVELOPE_MALFORMED', /UTF-8/);
    throwsRelease(() => parseEnvelope(' '.repeat((1 << 20) + 1)), 'RELEASE_ENVELOPE_MALFORMED', /1 MiB/);
    const e = good();
    e.signatures = Array.from({ length: 17 }, () => ({ sig: 'AA==' }));
    throwsRelease(() => envelopeFromJson(e), 'RELEASE_ENVELOPE_MALFORMED', /more than 16/);
    throwsRelease(() => envelopeFromJson({ payloadType: 'a\ud800', payload: '', signatures: [{ sig: 'AA==' }] }), 'RELEASE_ENVELOPE_MALFORMED', /not valid Unicode/);
    throwsRelease(() => envelopeFromJson({ payloadType: 'a', payload: '', signatures: [{ keyid: '\udc00', sig: 'AA==' }] }), 'RELEASE_ENVELOPE_MALFORMED', /keyid/);
  });
  it('a "__proto__" member stays data', () => {
    throwsRelease(() => parseEnvelope('{"__proto__":{"payloadType":"x"},"payload":"","signatures":[{"sig":"AA=="}]}'), 'RELEASE_ENVELOPE_MALFORMED', /unknown envelope field "__proto__"/);
  });
  it('base64: standard padded, URL-safe padded or bare, nothing else', () => {
    assert.deepEqual(Buffer.from(decodeDsseBase64('+/8=')!), Buffer.from([0xfb, 0xff]));
    assert.deepEqual(Buffer.from(decodeDsseBase64('-_8=')!), Buffer.from([0xfb, 0xff]));
    assert.deepEqual(Buffer.from(decodeDsseBase64('-_8')!), Buffer.from([0xfb, 0xff]));
    for (const bad of ['+/8', '-_9=', 'A', 'A===', '====', 'AA=A', ' AA==']) assert.equal(decodeDsseBase64(bad), undefined, bad);
    assert.deepEqual(decodeDsseBase64(''), new Uint8Array());
  });
});
