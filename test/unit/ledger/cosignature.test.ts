import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openCheckpoint, signCheckpoint } from '../../../src/ledger/checkpoint.js';
import {
  addCosignature,
  COSIGNATURE_TYPE,
  cosign,
  cosignatureVerifier,
  cosignedMessage,
  cosignerFromSeed,
  cosignerVerifierKey,
  decodeCosignature,
  parseCosignerVerifierKey,
  verifyCosignatures,
} from '../../../src/ledger/cosignature.js';
import { noteKeyId, signerFromSeed, verifierKey } from '../../../src/ledger/note-key.js';
import { addNoteSignatures, formatSignatureLine, parseNote } from '../../../src/ledger/note.js';
import type { NoteSignature } from '../../../src/ledger/note.js';
import { ed25519NoteVerifier, keyIdToNumber } from '../../../src/ledger/note-verifier.js';
import type { NoteVerifier } from '../../../src/ledger/note-verifier.js';
import { assertLedgerError, loadVector } from './support.js';

interface CosignatureVector {
  source: string;
  note: string;
  cosigner: string;
  timestamp: number;
  signed_message: string;
}

const log = signerFromSeed('example.com/log', new Uint8Array(32).fill(4));
const logV = ed25519NoteVerifier(log.name, log.publicKey);
const w1 = cosignerFromSeed('witness.example/one', new Uint8Array(32).fill(5));
const w2 = cosignerFromSeed('witness.example/two', new Uint8Array(32).fill(6));
const w1V = cosignatureVerifier(w1.name, w1.publicKey);
const w2V = cosignatureVerifier(w2.name, w2.publicKey);
const checkpoint = signCheckpoint({ origin: 'example.com/log', size: 10, rootHash: new Uint8Array(32).fill(1), extensions: [] }, [log]);

describe('cosignatures (c2sp.org/tlog-cosignature)', () => {
  it('decodes the spec example and builds its signed message', () => {
    const v = loadVector<CosignatureVector>('tlog-cosignature.json');
    const note = parseNote(v.note);
    const sig = note.signatures.find((s) => s.name === v.cosigner);
    assert.ok(sig);
    assert.equal(decodeCosignature(sig.signature).timestamp, BigInt(v.timestamp));
    assert.equal(Buffer.from(cosignedMessage(note.text, v.timestamp)).toString('utf8'), v.signed_message);
  });

  it('cosigns a checkpoint and verifies the cosignatures with their timestamps', () => {
    let note = addCosignature(checkpoint, w1, 1679315147);
    note = addCosignature(note, w2, 1700000000);
    // The log's own verification ignores the cosignatures, as unknown keys.
    assert.equal(openCheckpoint(note, 'example.com/log', [logV]).note.unknown.length, 2);
    assert.deepEqual(verifyCosignatures(note, [w1V, w2V]), [
      { name: w1.name, keyId: w1V.keyId, timestamp: 1679315147 },
      { name: w2.name, keyId: w2V.keyId, timestamp: 1700000000 },
    ]);
    assert.deepEqual(verifyCosignatures(note, [w2V]).length, 1);
    assert.deepEqual(verifyCosignatures(checkpoint, [w1V]), []);
    // A repeated cosignature counts once.
    const twice = addNoteSignatures(note, [parseNote(note).signatures[1] as NoteSignature]);
    assert.equal(verifyCosignatures(twice, [w1V, w2V]).length, 2);
  });

  it('uses type 0x04 key IDs and vkeys distinct from the log key type', () => {
    assert.deepEqual(w1.keyId, noteKeyId(w1.name, COSIGNATURE_TYPE, w1.publicKey));
    const vkey = cosignerVerifierKey(w1.name, w1.publicKey);
    assert.equal(Buffer.from(vkey.split('+').slice(2).join('+'), 'base64')[0], COSIGNATURE_TYPE);
    const parsed = parseCosignerVerifierKey(vkey);
    assert.equal(parsed.keyId, w1V.keyId);
    assert.equal(verifyCosignatures(addCosignature(checkpoint, w1, 5), [parsed]).length, 1);
    // A type 0x01 key is not a cosigner key, and a wrong key ID is refused.
    assertLedgerError(() => parseCosignerVerifierKey(verifierKey(w1.name, w1.publicKey)), ['NOTE_KEY_INVALID']);
    const [n, , k] = vkey.split('+') as [string, string, string];
    assertLedgerError(() => parseCosignerVerifierKey(`${n}+00000000+${k}`), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => cosignerVerifierKey('bad name', w1.publicKey), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => cosignerVerifierKey(w1.name, w1.publicKey.subarray(1)), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => cosignatureVerifier('bad name', w1.publicKey), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => cosignerFromSeed('w', new Uint8Array(3)), ['NOTE_KEY_INVALID']);
  });

  it('refuses bad cosignatures by known cosigners', () => {
    const good = parseNote(addCosignature(checkpoint, w1, 100)).signatures[1] as NoteSignature;
    const tampered = (mutate: (b: Uint8Array) => void): string => {
      const signature = new Uint8Array(good.signature);
      mutate(signature);
      return addNoteSignatures(checkpoint, [{ ...good, signature }]);
    };
    // Changing the timestamp breaks the signature: it is part of the signed message.
    assertLedgerError(() => verifyCosignatures(tampered((b) => (b[7] = 101)), [w1V]), ['NOTE_SIGNATURE_INVALID']);
    assertLedgerError(() => verifyCosignatures(tampered((b) => (b[0] = 0x80)), [w1V]), ['NOTE_SIGNATURE_INVALID']);
    assertLedgerError(() => verifyCosignatures(tampered((b) => (b[70] = (b[70] as number) ^ 1)), [w1V]), ['NOTE_SIGNATURE_INVALID']);
    const short = addNoteSignatures(checkpoint, [{ ...good, signature: good.signature.subarray(1) }]);
    assertLedgerError(() => verifyCosignatures(short, [w1V]), ['NOTE_SIGNATURE_INVALID']);
    const throwing: NoteVerifier = {
      name: w1.name,
      keyId: w1V.keyId,
      verify: () => {
        throw new Error('boom');
      },
    };
    assertLedgerError(() => verifyCosignatures(addCosignature(checkpoint, w1, 1), [throwing]), ['NOTE_SIGNATURE_INVALID']);
  });

  it('decodes timestamped signatures defensively', () => {
    assertLedgerError(() => decodeCosignature(new Uint8Array(71)), ['COSIGNATURE_MALFORMED']);
    assertLedgerError(() => decodeCosignature('x' as unknown as Uint8Array), ['COSIGNATURE_MALFORMED']);
    const over = new Uint8Array(72);
    over[0] = 0x80;
    assertLedgerError(() => decodeCosignature(over), ['COSIGNATURE_MALFORMED']);
    // 2^63 - 1 is allowed by the format but far beyond what this ledger represents.
    const far = cosign(parseNote(checkpoint).text, w1, 0);
    const farSig = new Uint8Array(far.signature);
    new DataView(farSig.buffer).setBigUint64(0, 2n ** 62n);
    assert.equal(decodeCosignature(farSig).timestamp, 2n ** 62n);
    const trusting: NoteVerifier = { name: w1.name, keyId: w1V.keyId, verify: () => true };
    assertLedgerError(() => verifyCosignatures(addNoteSignatures(checkpoint, [{ ...far, signature: farSig }]), [trusting]), ['COSIGNATURE_MALFORMED']);
  });

  it('cosigns only checkpoints, at valid times', () => {
    const text = parseNote(checkpoint).text;
    assertLedgerError(() => cosign('not a checkpoint\n', w1, 1), ['CHECKPOINT_MALFORMED']);
    assertLedgerError(() => cosign(text, w1, -1), ['COSIGNATURE_MALFORMED']);
    assertLedgerError(() => cosign(text, w1, 1.5), ['COSIGNATURE_MALFORMED']);
    const sig = cosign(text, w1, 0);
    assert.equal(sig.keyId, keyIdToNumber(w1.keyId));
    assert.ok(formatSignatureLine(sig).startsWith(`\u2014 ${w1.name} `));
  });
});
