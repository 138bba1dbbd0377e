import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generateSeed, signerFromSeed, verifierKey } from '../../../src/ledger/note-key.js';
import {
  addNoteSignatures,
  checkNoteText,
  formatNote,
  formatSignatureLine,
  MAX_NOTE_SIGNATURES,
  MAX_NOTE_SIZE,
  openNote,
  parseNote,
  signNote,
  signNoteText,
} from '../../../src/ledger/note.js';
import type { NoteSignature } from '../../../src/ledger/note.js';
import {
  decodeVerifierKey,
  ed25519NoteVerifier,
  ed25519PublicKey,
  ed25519Verify,
  keyIdToNumber,
  parseVerifierKey,
} from '../../../src/ledger/note-verifier.js';
import type { NoteVerifier } from '../../../src/ledger/note-verifier.js';
import { assertLedgerError, loadVector, utf8 } from './support.js';

interface SharedExample {
  source: string;
  vkey: string;
  text: string;
  signature_line: string;
  note: string;
}

interface SpecExamples {
  source: string;
  examples: { description: string; vkey?: string; text: string; note: string; signatures?: { name: string; key_id_hex: string }[]; verifies: boolean | null }[];
}

const shared = JSON.parse(
  readFileSync(new URL('../../../../shared/vectors/c2sp-signed-note-example.json', import.meta.url), 'utf8'),
) as SharedExample;

const alice = signerFromSeed('alice.example/log', new Uint8Array(32).fill(1));
const bob = signerFromSeed('bob.example/log', new Uint8Array(32).fill(2));
const aliceV = ed25519NoteVerifier(alice.name, alice.publicKey);
const bobV = ed25519NoteVerifier(bob.name, bob.publicKey);

describe('signed-note spec examples', () => {
  it('verifies the example of /work/shared/vectors/c2sp-signed-note-example.json', () => {
    const verifier = parseVerifierKey(shared.vkey);
    const opened = openNote(shared.note, [verifier]);
    assert.equal(opened.text, shared.text);
    assert.equal(opened.verified.length, 1);
    assert.equal(`${formatSignatureLine(opened.verified[0] as NoteSignature)}`, shared.signature_line);
    assert.equal(formatNote(opened), shared.note);
    assert.equal(openNote(utf8(shared.note), [verifier]).text, shared.text);
  });

  it('parses the examples stored in test/vectors/c2sp/signed-note.json', () => {
    const v = loadVector<SpecExamples>('signed-note.json');
    for (const ex of v.examples) {
      const note = parseNote(ex.note);
      assert.equal(note.text, ex.text, ex.description);
      assert.equal(formatNote(note), ex.note);
      if (ex.signatures !== undefined) {
        assert.deepEqual(
          note.signatures.map((s) => ({ name: s.name, key_id_hex: s.keyId.toString(16).padStart(8, '0') })),
          ex.signatures,
        );
      }
      if (ex.vkey !== undefined) assert.equal(openNote(ex.note, [parseVerifierKey(ex.vkey)]).verified.length, 1);
    }
  });
});

describe('signing and opening notes', () => {
  it('round-trips notes signed by several keys', () => {
    const text = 'hello\n\nworld\n';
    const note = signNote(text, [alice, bob]);
    const parsed = parseNote(note);
    assert.equal(parsed.text, text);
    assert.deepEqual(
      parsed.signatures.map((s) => s.name),
      [alice.name, bob.name],
    );
    const opened = openNote(note, [bobV]);
    assert.deepEqual(
      opened.verified.map((s) => s.name),
      [bob.name],
    );
    assert.deepEqual(
      opened.unknown.map((s) => s.name),
      [alice.name],
    );
    assert.equal(openNote(note, [aliceV, bobV]).verified.length, 2);
  });

  it('ignores signatures that share only a name or only a key ID with a known key', () => {
    const note = signNote('x\n', [alice]);
    const sameName = ed25519NoteVerifier(alice.name, bob.publicKey);
    assertLedgerError(() => openNote(note, [sameName]), ['NOTE_UNVERIFIED']);
    const sameId: NoteVerifier = { name: 'other.example', keyId: aliceV.keyId, verify: () => true };
    assertLedgerError(() => openNote(note, [sameId]), ['NOTE_UNVERIFIED']);
  });

  it('rejects the whole note when a known key signature fails', () => {
    const note = signNote('x\n', [alice, bob]);
    const forged = addNoteSignatures(note, [{ name: alice.name, keyId: aliceV.keyId, signature: new Uint8Array(64) }]);
    assertLedgerError(() => openNote(forged, [aliceV]), ['NOTE_SIGNATURE_INVALID']);
    const throwing: NoteVerifier = {
      name: bob.name,
      keyId: bobV.keyId,
      verify: () => {
        throw new Error('boom');
      },
    };
    assertLedgerError(() => openNote(note, [throwing]), ['NOTE_SIGNATURE_INVALID']);
    assertLedgerError(() => openNote(note, []), ['NOTE_UNVERIFIED']);
    assertLedgerError(() => openNote(note, [aliceV, aliceV]), ['NOTE_KEY_INVALID']);
  });

  it('counts a repeated valid signature once', () => {
    const sig = signNoteText('x\n', alice);
    const note = formatNote({ text: 'x\n', signatures: [sig, sig] });
    assert.equal(openNote(note, [aliceV]).verified.length, 1);
  });

  it('refuses to sign or format what could not be parsed back', () => {
    assertLedgerError(() => signNote('no newline', [alice]), ['NOTE_MALFORMED']);
    assertLedgerError(() => signNote('tab\there\n', [alice]), ['NOTE_MALFORMED']);
    assertLedgerError(() => signNote('x\n', []), ['NOTE_MALFORMED']);
    assertLedgerError(() => signNoteText('x\n', { ...alice, name: 'bad name' }), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => signNoteText('x\n', { ...alice, keyId: new Uint8Array(3) }), ['NOTE_KEY_INVALID']);
    const sig = signNoteText('x\n', alice);
    const bad: NoteSignature[] = [
      { ...sig, name: '' },
      { ...sig, name: 'a+b' },
      { ...sig, keyId: -1 },
      { ...sig, keyId: 2 ** 32 },
      { ...sig, keyId: 1.5 },
      { ...sig, signature: new Uint8Array(0) },
      { ...sig, signature: new Uint8Array(8192) },
    ];
    for (const s of bad) assertLedgerError(() => formatNote({ text: 'x\n', signatures: [s] }), ['NOTE_MALFORMED']);
    assertLedgerError(() => formatNote({ text: 'x\n', signatures: Array.from({ length: MAX_NOTE_SIGNATURES + 1 }, () => sig) }), ['NOTE_MALFORMED']);
    const bigText = `${'a'.repeat(MAX_NOTE_SIZE - 10)}\n`;
    assertLedgerError(() => formatNote({ text: bigText, signatures: [sig] }), ['NOTE_MALFORMED']);
    assertLedgerError(() => checkNoteText(5 as unknown as string), ['NOTE_MALFORMED']);
  });
});

describe('strict note parsing', () => {
  const good = signNote('line one\nline two\n', [alice]);
  const sigLine = good.slice(good.indexOf('\u2014'));
  const b64 = sigLine.slice(sigLine.lastIndexOf(' ') + 1, -1);

  it('accepts up to 100 signatures and no more', () => {
    const sig = parseNote(good).signatures[0] as NoteSignature;
    assert.equal(parseNote(formatNote({ text: 'x\n', signatures: Array.from({ length: 100 }, () => sig) })).signatures.length, 100);
    const tooMany = `x\n\n${`${formatSignatureLine(sig)}\n`.repeat(101)}`;
    assertLedgerError(() => parseNote(tooMany), ['NOTE_MALFORMED']);
  });

  it('refuses malformed notes with NOTE_MALFORMED', () => {
    const bad: (string | Uint8Array)[] = [
      '',
      '\n',
      'text\n',
      'text\n\n',
      good.slice(0, -1),
      good.replace('\u2014 ', '-- '),
      good.replace('\u2014 ', '\u2014'),
      good.replace('\u2014 ', '\u2013 '),
      good.replace(`${alice.name} `, `${alice.name}`),
      good.replace(`${alice.name} `, `${alice.name}  `),
      good.replace(alice.name, 'alice+example'),
      good.replace(alice.name, 'alice\u00a0example'),
      good.replace(`\u2014 ${alice.name}`, '\u2014 '),
      good.replace(b64, `${b64.slice(0, -2)}!=`),
      good.replace(b64, b64.slice(0, -3)),
      good.replace(b64, b64.replace(/=*$/, '')),
      good.replace(b64, `${b64} `),
      good.replace(b64, 'AAAA'),
      good.replace(b64, 'AAAAAA=='),
      good.replace(b64, Buffer.alloc(8193).toString('base64')),
      good.replace('line one', 'line\tone'),
      good.replace('line one', 'line\rone'),
      good.replace('line one', 'line\u0000one'),
      good.replace(/\n/g, '\r\n'),
      good.replace('line one', 'line \ud800 one'),
      `${good}\n`,
      `${good}extra\n`,
      `${good.slice(0, -1)}\n\n`,
      Uint8Array.of(...utf8(good).subarray(0, 3), 0xff, ...utf8(good).subarray(3)),
      new Uint8Array(MAX_NOTE_SIZE + 1),
      `${'a'.repeat(MAX_NOTE_SIZE)}\n\n${sigLine}`,
      5 as unknown as string,
    ];
    bad.forEach((note, i) => {
      const err = assertLedgerError(() => parseNote(note));
      assert.equal(err.code, 'NOTE_MALFORMED', `case ${i}`);
    });
    // Non-canonical base64: the same bytes with unused low bits set.
    const raw = Buffer.from(b64, 'base64');
    const lastChar = b64[b64.length - 2] as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const tweaked = `${b64.slice(0, -2)}${alphabet[alphabet.indexOf(lastChar) ^ 1]}=`;
    assert.deepEqual(Buffer.from(tweaked, 'base64'), raw);
    assertLedgerError(() => parseNote(good.replace(b64, tweaked)), ['NOTE_MALFORMED']);
  });
});

describe('verifier keys', () => {
  it('round-trips verifier keys made by note-key.ts', () => {
    const seed = generateSeed();
    const signer = signerFromSeed('example.org/k', seed);
    const vkey = verifierKey(signer.name, signer.publicKey);
    const v = parseVerifierKey(vkey);
    assert.equal(v.name, 'example.org/k');
    assert.equal(v.keyId, keyIdToNumber(signer.keyId));
    assert.ok(openNote(signNote('ok\n', [signer]), [v]));
    const parts = decodeVerifierKey(vkey);
    assert.equal(parts.type, 1);
    assert.deepEqual(parts.publicKey, signer.publicKey);
  });

  it('refuses malformed, inconsistent or unsupported verifier keys with NOTE_KEY_INVALID', () => {
    const good = shared.vkey;
    const [name, id, key] = good.split('+') as [string, string, string];
    const bad = [
      '',
      name,
      `${name}+${id}`,
      `+${id}+${key}`,
      `a b+${id}+${key}`,
      `${name}+${id.toUpperCase()}+${key}`,
      `${name}+${id.slice(1)}+${key}`,
      `${name}+0${id}+${key}`,
      `${name}+${id}+${key}!`,
      `${name}+${id}+`,
      `${name}+${id}+AQ==`,
      `${name}+00000000+${key}`,
      `other.example+${id}+${key}`,
      `${name}+${id}+${Buffer.concat([Buffer.of(4), Buffer.from(key, 'base64').subarray(1)]).toString('base64')}`,
      `${name}+${id}+${Buffer.concat([Buffer.from(key, 'base64'), Buffer.of(0)]).toString('base64')}`,
      `${name}+${id}+${'A'.repeat(9000)}`,
    ];
    for (const vkey of bad) assertLedgerError(() => parseVerifierKey(vkey), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => decodeVerifierKey(7 as unknown as string), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => ed25519NoteVerifier('bad name', alice.publicKey), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => ed25519PublicKey(new Uint8Array(31)), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => keyIdToNumber(new Uint8Array(5)), ['NOTE_KEY_INVALID']);
  });

  it('reports bad Ed25519 signatures as false, never as an exception', () => {
    const key = ed25519PublicKey(alice.publicKey);
    assert.equal(ed25519Verify(key, utf8('x'), new Uint8Array(63)), false);
    assert.equal(ed25519Verify(key, utf8('x'), 'nope' as unknown as Uint8Array), false);
    assert.equal(ed25519Verify(key, utf8('x'), new Uint8Array(64)), false);
  });
});
