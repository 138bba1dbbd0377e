// note-key.ts (signer keys) and the Go interoperability vectors for keys,
// notes and cosignatures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCosignature, parseCosignerVerifierKey } from '../../../src/ledger/cosignature.js';
import {
  decodeSignerKey,
  ED25519_TYPE,
  encodeSignerKey,
  generateSeed,
  isValidKeyName,
  noteKeyId,
  signerFromSeed,
  verifierKey,
} from '../../../src/ledger/note-key.js';
import { openNote, parseNote, signNote } from '../../../src/ledger/note.js';
import { parseVerifierKey } from '../../../src/ledger/note-verifier.js';
import { assertLedgerError, b64, loadVector } from './support.js';

interface Interop {
  source: string;
  sumdb_note_example: { source: string; skey: string; vkey: string; text: string; note: string };
  cosignature_v1: {
    source: string;
    ed25519_vkey_type_01: string;
    cosigner_vkey_type_04: string;
    timestamped_signature_b64: string;
    timestamp: number;
    not_a_cosignature_b64: string;
  };
}

const V = loadVector<Interop>('go-note-interop.json');

describe('Go interoperability vectors', () => {
  it('reproduces the golang.org/x/mod/sumdb/note example byte for byte', () => {
    const ex = V.sumdb_note_example;
    const signer = decodeSignerKey(ex.skey);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(verifierKey(signer.name, signer.publicKey), ex.vkey);
    assert.equal(signNote(ex.text, [signer]), ex.note);
    assert.equal(openNote(ex.note, [parseVerifierKey(ex.vkey)]).text, ex.text);
    assert.equal(encodeSignerKey(signer.name, b64(ex.skey.split('+').slice(4).join('+')).subarray(1)), ex.skey);
  });

  it('accepts the transparency-dev/formats keys and reads the cosignature timestamp', () => {
    const c = V.cosignature_v1;
    assert.equal(parseVerifierKey(c.ed25519_vkey_type_01).name, 'TEST');
    const cosigner = parseCosignerVerifierKey(c.cosigner_vkey_type_04);
    assert.equal(cosigner.keyId, 0xda77ade7);
    assertLedgerError(() => parseVerifierKey(c.cosigner_vkey_type_04), ['NOTE_KEY_INVALID']);
    const sig = b64(c.timestamped_signature_b64);
    assert.equal(decodeCosignature(sig.subarray(4)).timestamp, BigInt(c.timestamp));
    assertLedgerError(() => decodeCosignature(b64(c.not_a_cosignature_b64).subarray(4)), ['COSIGNATURE_MALFORMED']);
  });
});

describe('note-key.ts', () => {
  it('checks key names as the spec defines them', () => {
    assert.equal(isValidKeyName('example.com/log'), true);
    for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\u2003b']) assert.equal(isValidKeyName(bad), false, bad);
  });

  it('round-trips signer keys and derives key IDs per signed-note §Signatures', () => {
    const seed = generateSeed();
    assert.equal(seed.length, 32);
    const signer = signerFromSeed('example.com/k', seed);
    assert.deepEqual(signer.keyId, noteKeyId('example.com/k', ED25519_TYPE, signer.publicKey));
    const text = encodeSignerKey(signer.name, seed);
    const again = decodeSignerKey(text);
    assert.deepEqual(again.publicKey, signer.publicKey);
    assert.equal(parseNote(signNote('x\n', [again])).signatures[0]?.name, 'example.com/k');
  });

  it('refuses malformed signer keys and seeds', () => {
    const good = encodeSignerKey('example.com/k', new Uint8Array(32).fill(1));
    const [, , name, hash, key] = good.split('+') as [string, string, string, string, string];
    const bad = [
      'nonsense',
      `PUBLIC+KEY+${name}+${hash}+${key}`,
      `PRIVATE+KEY+a b+${hash}+${key}`,
      `PRIVATE+KEY+${name}+XYZ+${key}`,
      `PRIVATE+KEY+${name}+${hash}+${Buffer.alloc(33, 2).toString('base64')}`,
      `PRIVATE+KEY+${name}+${hash}+${Buffer.alloc(20, 1).toString('base64')}`,
      `PRIVATE+KEY+${name}+00000000+${key}`,
    ];
    for (const k of bad) assert.throws(() => decodeSignerKey(k), k);
    assert.throws(() => signerFromSeed('bad name', new Uint8Array(32)));
    assert.throws(() => signerFromSeed('ok', new Uint8Array(31)));
  });
});
