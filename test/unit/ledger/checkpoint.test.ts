import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from '../../../src/ledger/checkpoint.js';
import type { Checkpoint } from '../../../src/ledger/checkpoint.js';
import { emptyTreeHash } from '../../../src/ledger/merkle.js';
import { signerFromSeed } from '../../../src/ledger/note-key.js';
import { parseNote, signNote } from '../../../src/ledger/note.js';
import { ed25519NoteVerifier } from '../../../src/ledger/note-verifier.js';
import { assertLedgerError, b64, loadVector } from './support.js';

interface CheckpointVector {
  source: string;
  note: string;
  origin: string;
  size: number;
  root_hash_b64: string;
}

const log = signerFromSeed('example.com/log', new Uint8Array(32).fill(3));
const logV = ed25519NoteVerifier(log.name, log.publicKey);
const root = new Uint8Array(32).fill(0xab);

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  it('parses the spec example', () => {
    const v = loadVector<CheckpointVector>('tlog-checkpoint.json');
    const cp = parseCheckpoint(parseNote(v.note).text);
    assert.deepEqual(cp, { origin: v.origin, size: v.size, rootHash: b64(v.root_hash_b64), extensions: [] });
    assert.equal(formatCheckpoint(cp), parseNote(v.note).text);
  });

  it('signs, opens and round-trips checkpoints with extension lines', () => {
    const cp: Checkpoint = { origin: 'example.com/log', size: 12345, rootHash: root, extensions: ['ext one', 'x'] };
    const note = signCheckpoint(cp, [log]);
    assert.ok(note.startsWith(`example.com/log\n12345\n${Buffer.from(root).toString('base64')}\next one\nx\n\n\u2014 example.com/log `));
    const opened = openCheckpoint(note, 'example.com/log', [logV]);
    assert.deepEqual(opened.checkpoint, cp);
    assert.equal(opened.note.verified.length, 1);
    const empty: Checkpoint = { origin: 'o', size: 0, rootHash: emptyTreeHash(), extensions: [] };
    assert.deepEqual(parseCheckpoint(formatCheckpoint(empty)), empty);
  });

  it('refuses a checkpoint from another origin', () => {
    const note = signCheckpoint({ origin: 'example.com/log', size: 1, rootHash: root, extensions: [] }, [log]);
    assertLedgerError(() => openCheckpoint(note, 'example.com/other', [logV]), ['CHECKPOINT_ORIGIN_MISMATCH']);
    assertLedgerError(() => openCheckpoint(note, 'example.com/log', []), ['NOTE_UNVERIFIED']);
  });

  it('refuses malformed checkpoint text with CHECKPOINT_MALFORMED', () => {
    const r = Buffer.from(root).toString('base64');
    const bad = [
      '',
      'origin\n',
      'origin\n5\n',
      `origin\n5\n${r}`,
      `\n5\n${r}\n`,
      `origin\n05\n${r}\n`,
      `origin\n-5\n${r}\n`,
      `origin\n+5\n${r}\n`,
      `origin\n5.0\n${r}\n`,
      `origin\n 5\n${r}\n`,
      `origin\n\n${r}\n`,
      `origin\n9007199254740992\n${r}\n`,
      `origin\n18446744073709551615\n${r}\n`,
      `origin\n5\n${r.slice(0, -1)}\n`,
      `origin\n5\n${Buffer.alloc(31).toString('base64')}\n`,
      `origin\n5\n${Buffer.alloc(33).toString('base64')}\n`,
      `origin\n5\n${r}\n\n`,
      `origin\n5\n${r}\next\n\nmore\n`,
      `origin\n5\n${r}\r\n`,
      `orig\tin\n5\n${r}\n`,
      5 as unknown as string,
    ];
    bad.forEach((text, i) => {
      const err = assertLedgerError(() => parseCheckpoint(text));
      assert.equal(err.code, 'CHECKPOINT_MALFORMED', `case ${i}: ${err.message}`);
    });
    // A well-signed note whose text is not a checkpoint.
    assertLedgerError(() => openCheckpoint(signNote('just text\n', [log]), 'just text', [logV]), ['CHECKPOINT_MALFORMED']);
    assert.equal(parseCheckpoint(`o\n9007199254740991\n${r}\n`).size, Number.MAX_SAFE_INTEGER);
  });

  it('refuses to format impossible checkpoints', () => {
    const good: Checkpoint = { origin: 'o', size: 1, rootHash: root, extensions: [] };
    const bad: Checkpoint[] = [
      { ...good, origin: '' },
      { ...good, origin: 'a\nb' },
      { ...good, origin: 5 as unknown as string },
      { ...good, origin: 'tab\there' },
      { ...good, size: -1 },
      { ...good, size: 2 ** 53 },
      { ...good, size: 1.5 },
      { ...good, rootHash: root.subarray(1) },
      { ...good, rootHash: 'x' as unknown as Uint8Array },
      { ...good, extensions: [''] },
      { ...good, extensions: ['a\nb'] },
      { ...good, extensions: [5 as unknown as string] },
    ];
    bad.forEach((cp, i) => {
      const err = assertLedgerError(() => formatCheckpoint(cp));
      assert.equal(err.code, 'CHECKPOINT_MALFORMED', `case ${i}`);
    });
  });
});
