/**
 * Ed25519 in the publish check: libsodium (sodium-native) where its addon
 * loads, node:crypto otherwise. Both must answer the same on ordinary valid
 * and invalid signatures; at the edges libsodium is stricter (RFC 8032 §5.1.7
 * requires S < L; libsodium also refuses small-order keys and R), and never
 * accepts what node:crypto (and so offline verification) refuses.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, sign as cryptoSign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { checkSignatures, IN_TOTO_PAYLOAD_TYPE, pae, serializeEnvelope, signEnvelope, type DsseEnvelope } from '../../src/release/dsse.js';
import { ed25519Verifier, nodeEd25519, sodiumEd25519, type Ed25519Verifier } from '../../src/release/ed25519.js';
import { importPublicKey, isSmallOrderEd25519, verifyMessage } from '../../src/release/keys.js';
import { SMALL_ORDER_ED25519 } from '../../src/release/small-order.js';
import { checkRelease, type Publisher } from '../../src/release/publish-check.js';
import { buildReleaseStatement } from '../../src/release/statement.js';
import { newKey, sha256, throwsRelease } from './support.js';

/** The order of the Ed25519 base point (RFC 8032 §5.1). */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function fromLittleEndian(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]!);
  return x;
}

function toLittleEndian(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, x >>= 8n) out[i] = Number(x & 255n);
  return out;
}

/** The same signature with S replaced by S + L: the same point equation, a non-canonical encoding (still < 2^256). */
function nonCanonicalS(sig: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  out.set(sig.subarray(0, 32));
  out.set(toLittleEndian(fromLittleEndian(sig.subarray(32)) + L), 32);
  return out;
}

function statement(i: number): Uint8Array {
  return buildReleaseStatement({ purl: `pkg:generic/acme/tool@1.0.${i}`, subjects: [{ name: `tool-${i}.tgz`, sha256: sha256(`tool ${i}`) }] });
}

function publisherOf(pem: string): Publisher {
  return { slug: 'acme', keys: [{ key_id: importPublicKey(pem).keyId, public_key: pem, revoked_at: null, namespaces: ['pkg:*/acme'] }] };
}

/** The sodium-native prebuilds directory holds a binary for this platform: then the addon must load. */
function prebuiltHere(): boolean {
  const pkg = createRequire(import.meta.url).resolve('sodium-native/package.json');
  return existsSync(join(dirname(pkg), 'prebuilds', `${process.platform}-${process.arch}`));
}

describe('Ed25519 backends', () => {
  it('the publish check verifies with libsodium where a prebuilt addon exists', (t) => {
    if (!prebuiltHere()) {
      t.skip(`no sodium-native prebuild for ${process.platform}-${process.arch}: node:crypto verifies`);
      return;
    }
    assert.equal(sodiumEd25519()?.name, 'libsodium');
    assert.equal(ed25519Verifier().name, 'libsodium');
  });

  it('libsodium and the node:crypto fallback agree on valid and invalid signatures', () => {
    const sodium = sodiumEd25519();
    const backends: Ed25519Verifier[] = [nodeEd25519, ...(sodium ? [sodium] : [])];
    const a = newKey();
    const b = newKey();
    const pubA = importPublicKey(a.pem);
    const pubB = importPublicKey(b.pem);
    assert.equal(pubA.raw?.length, 32);
    let cases = 0;
    for (let i = 0; i < 20; i++) {
      const message = pae(IN_TOTO_PAYLOAD_TYPE, statement(i));
      const sig = new Uint8Array(cryptoSign(null, message, a.key.key));
      const flip = (bytes: Uint8Array, at: number) => {
        const out = bytes.slice();
        out[at] = out[at]! ^ (1 << i % 8);
        return out;
      };
      const variants: [string, typeof pubA, Uint8Array, Uint8Array, boolean][] = [
        ['valid', pubA, message, sig, true],
        ['other key', pubB, message, sig, false],
        ['message altered', pubA, flip(message, i * 7 % message.length), sig, false],
        ['R altered', pubA, message, flip(sig, i % 32), false],
        ['S altered', pubA, message, flip(sig, 32 + (i % 31)), false],
        ['short', pubA, message, sig.subarray(0, 63), false],
        ['long', pubA, message, new Uint8Array([...sig, 0]), false],
        ['empty', pubA, message, new Uint8Array(0), false],
        ['zeros', pubA, message, new Uint8Array(64), false],
      ];
      for (const [what, key, msg, s, expected] of variants) {
        for (const v of backends) {
          assert.equal(v.verify(key, msg, s), expected, `${v.name}: ${what} (${i})`);
          assert.equal(verifyMessage(key, msg, s, v), expected, `verifyMessage with ${v.name}: ${what} (${i})`);
          cases++;
        }
      }
    }
    assert.ok(cases >= 20 * 9);
  });

  it('a key without its raw bytes is still verified (by node:crypto)', () => {
    const sodium = sodiumEd25519();
    const a = newKey();
    const { raw: _raw, ...pub } = importPublicKey(a.pem);
    const message = pae(IN_TOTO_PAYLOAD_TYPE, statement(1));
    const sig = new Uint8Array(cryptoSign(null, message, a.key.key));
    for (const v of [nodeEd25519, ...(sodium ? [sodium] : [])]) {
      assert.equal(verifyMessage(pub, message, sig, v), true, v.name);
      assert.equal(verifyMessage(pub, message, nonCanonicalS(sig), v), false, v.name);
    }
  });

  it('a signature with a non-canonical S (S + L) is refused by both backends and by the publish check', () => {
    const k = newKey();
    const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement(7), [k.key]);
    const sig = envelope.signatures[0]!.sig;
    const bad: DsseEnvelope = { ...envelope, signatures: [{ keyid: k.keyId, sig: nonCanonicalS(sig) }] };
    // The same point equation holds: only the encoding of S differs.
    assert.equal((fromLittleEndian(bad.signatures[0]!.sig.subarray(32)) - fromLittleEndian(sig.subarray(32))) % L, 0n);
    const pub = importPublicKey(k.pem);
    const message = pae(envelope.payloadType, envelope.payload);
    assert.equal(nodeEd25519.verify(pub, message, bad.signatures[0]!.sig), false);
    const sodium = sodiumEd25519();
    if (sodium) assert.equal(sodium.verify(pub, message, bad.signatures[0]!.sig), false);
    // Offline verification (node:crypto) and the server path agree.
    assert.equal(checkSignatures(bad, [pub])[0]!.key, undefined);
    const publisher = publisherOf(k.pem);
    assert.equal(checkRelease(utf8(serializeEnvelope(envelope)), publisher).keyIds[0], k.keyId);
    throwsRelease(() => checkRelease(utf8(serializeEnvelope(bad)), publisher), 'RELEASE_SIGNATURE_INVALID');
  });

  it('libsodium refuses a small-order key that node:crypto accepts: the server is stricter, never looser', (t) => {
    const sodium = sodiumEd25519();
    if (!sodium) {
      t.skip('sodium-native does not load here');
      return;
    }
    // The identity point as public key, R = identity, S = 0: [S]B = R + [k]A holds for every message,
    // so OpenSSL's cofactorless check accepts it; libsodium refuses small-order keys (and R).
    const { pem, raw: identity } = identityKey();
    // importPublicKey refuses the key outright; build the verifier's view of it by hand.
    throwsRelease(() => importPublicKey(pem), 'RELEASE_KEY_INVALID');
    const pub = { key: createPublicKey(pem), raw: identity };
    const forged = new Uint8Array(64);
    forged.set(identity);
    const payload = statement(9);
    const message = pae(IN_TOTO_PAYLOAD_TYPE, payload);
    assert.equal(nodeEd25519.verify(pub, message, forged), true, 'OpenSSL accepts the small-order forgery');
    assert.equal(sodium.verify(pub, message, forged), false);
    const keyId = createHash('sha256').update(createPublicKey(pem).export({ format: 'der', type: 'spki' })).digest('hex');
    const envelope: DsseEnvelope = { payloadType: IN_TOTO_PAYLOAD_TYPE, payload, signatures: [{ keyid: keyId, sig: forged }] };
    // Registered before keys were checked for it, such a key signs nothing: the forgery names a key the publisher does not have.
    const publisher: Publisher = { slug: 'acme', keys: [{ key_id: keyId, public_key: pem, revoked_at: null, namespaces: ['pkg:*/acme'] }] };
    throwsRelease(() => checkRelease(utf8(serializeEnvelope(envelope)), publisher), 'RELEASE_KEY_UNKNOWN');
  });

  it('isSmallOrderEd25519 names exactly the eight small-order points, canonical or not, either sign', (t) => {
    const lib = loadSodium();
    const identity = Buffer.from('01'.padEnd(64, '0'), 'hex');
    let crossChecked = 0;
    // The module's own list, each point cross-checked below where libsodium loads.
    const list = SMALL_ORDER_ED25519;
    assert.equal(list.length, 7, 'seven encodings (sign bit masked) name the eight points and their non-canonical spellings');
    for (const hex of list) {
      for (const sign of [0, 0x80]) {
        const p = Buffer.from(hex, 'hex');
        p[31]! |= sign;
        assert.equal(isSmallOrderEd25519(p), true, p.toString('hex'));
        // Independent check where libsodium loads: 8·P is the identity (three doublings). libsodium
        // refuses to decode some encodings (non-canonical y); those are checked by the list alone.
        if (lib) {
          let q: Buffer | undefined = Buffer.from(p);
          for (let i = 0; i < 3 && q; i++) {
            const r = Buffer.alloc(32);
            try {
              lib.crypto_core_ed25519_add(r, q, q);
              q = r;
            } catch {
              q = undefined;
            }
          }
          if (q) {
            assert.deepEqual(q, identity, `8·${p.toString('hex')} is the identity`);
            crossChecked++;
          }
        }
      }
    }
    // At least both signs of the four order-8 points and of y = 0 decode and were checked.
    if (lib) assert.ok(crossChecked >= 8, `only ${crossChecked} points cross-checked`);
    if (!lib) t.diagnostic('sodium-native does not load here: the list was not cross-checked');
    // Real keys are never flagged.
    for (let i = 0; i < 200; i++) {
      const k = importPublicKey(newKey('ed25519').pem);
      assert.equal(isSmallOrderEd25519(k.raw!), false);
    }
    assert.equal(isSmallOrderEd25519(new Uint8Array(31)), false);
  });

  it('every small-order key is refused on import (trust files, the publish check)', () => {
    for (const hex of ['0000000000000000000000000000000000000000000000000000000000000000', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa']) {
      const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(hex, 'hex')]);
      const pem = createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString();
      throwsRelease(() => importPublicKey(pem), 'RELEASE_KEY_INVALID');
    }
  });
});

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The identity point as an Ed25519 public key (PEM and raw). */
function identityKey(): { pem: string; raw: Uint8Array } {
  const raw = new Uint8Array(32);
  raw[0] = 1;
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return { pem: createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString(), raw };
}

/** libsodium's point addition, where the addon loads (to cross-check the small-order list). */
function loadSodium(): { crypto_core_ed25519_add(r: Buffer, p: Buffer, q: Buffer): void } | undefined {
  try {
    return createRequire(import.meta.url)('sodium-native') as { crypto_core_ed25519_add(r: Buffer, p: Buffer, q: Buffer): void };
  } catch {
    return undefined;
  }
}
