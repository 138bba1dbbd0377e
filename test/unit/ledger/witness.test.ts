// The witness's decisions (c2sp.org/tlog-witness §add-checkpoint), without HTTP:
// request syntax, the order of the checks, the record it keeps, and its cosignatures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signCheckpoint } from '../../../src/ledger/checkpoint.js';
import { cosignatureVerifier, cosignerFromSeed, cosignerVerifierKey, verifyCosignatures } from '../../../src/ledger/cosignature.js';
import { emptyTreeHash } from '../../../src/ledger/merkle.js';
import { signerFromSeed, verifierKey } from '../../../src/ledger/note-key.js';
import { addNoteSignatures, parseNote } from '../../../src/ledger/note.js';
import { encodeBase64 } from '../../../src/ledger/text-codec.js';
import {
  addCheckpoint,
  decideCosignature,
  formatAddCheckpointRequest,
  MAX_WITNESS_PROOF_LINES,
  originHash,
  parseAddCheckpointRequest,
  verifySubmission,
  WitnessError,
  WitnessOldSizeError,
  witnessLogsFromVkeys,
  type RefusedSubmission,
  type WitnessConfig,
  type WitnessErrorCode,
} from '../../../src/ledger/witness.js';
import { cosigner, MemoryWitnessStore, TestLog, WITNESS_NAME } from '../../witness/support.js';
import { prng } from './support.js';

const witnessV = cosignatureVerifier(cosigner.name, cosigner.publicKey);

function assertWitnessError(fn: () => unknown, code: WitnessErrorCode): WitnessError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof WitnessError, `expected a WitnessError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

async function rejectsWitness(p: Promise<unknown>, code: WitnessErrorCode): Promise<WitnessError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WitnessError, `expected a WitnessError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

function newWitness(log: TestLog, now = () => 1_700_000_000): WitnessConfig & { store: MemoryWitnessStore } {
  return { logs: log.logs(), cosigners: [cosigner], store: new MemoryWitnessStore(), now };
}

describe('add-checkpoint request syntax', () => {
  const log = new TestLog('example.com/log');
  log.grow(20);

  it('parses the old size, the proof lines and the checkpoint, and formats them back', () => {
    const body = log.body(7, 20);
    const req = parseAddCheckpointRequest(body);
    assert.equal(req.oldSize, 7);
    assert.equal(req.proof.length, log.tree.consistencyProof(7, 20).length);
    assert.equal(req.checkpoint, log.note(20));
    assert.equal(formatAddCheckpointRequest(req), body);
    assert.deepEqual(parseAddCheckpointRequest(new TextEncoder().encode(body)), req);
  });

  it('accepts the spec example layout (old size, four proof lines, blank line, checkpoint)', () => {
    const proof = Array.from({ length: 4 }, (_, i) => new Uint8Array(32).fill(i));
    const body = `old 20852014\n${proof.map((p) => `${encodeBase64(p)}\n`).join('')}\n${log.note(20)}`;
    assert.equal(parseAddCheckpointRequest(body).proof.length, 4);
  });

  const note = log.note(20);
  const hash = `${encodeBase64(new Uint8Array(32))}\n`;
  const bad: [string, string | Uint8Array][] = [
    ['no blank line', `old 0\n${note.replace('\n\n', '\n')}`],
    ['no old line', `\n${note}`],
    ['leading zero', `old 01\n\n${note}`],
    ['negative', `old -1\n\n${note}`],
    ['plus sign', `old +1\n\n${note}`],
    ['two spaces', `old  1\n\n${note}`],
    ['upper case', `OLD 1\n\n${note}`],
    ['trailing space', `old 1 \n\n${note}`],
    ['CRLF', `old 1\r\n\r\n${note}`],
    ['above 2^53', `old 9007199254740993\n\n${note}`],
    ['hash of 31 bytes', `old 1\n${encodeBase64(new Uint8Array(31))}\n\n${note}`],
    ['non-canonical base64', `old 1\n${encodeBase64(new Uint8Array(32)).replace(/=$/, '')}\n\n${note}`],
    ['hex, not base64', `old 1\n${'00'.repeat(32)}\n\n${note}`],
    [`${MAX_WITNESS_PROOF_LINES + 1} proof lines`, `old 1\n${hash.repeat(MAX_WITNESS_PROOF_LINES + 1)}\n${note}`],
    ['no checkpoint', 'old 0\n\n'],
    ['unsigned checkpoint', `old 0\n\n${log.checkpointAt(20).origin}\n20\n${encodeBase64(log.tree.treeHash(20))}\n`],
    ['checkpoint without a size', `old 0\n\n${note.replace('\n20\n', '\n')}`],
    ['invalid UTF-8', new Uint8Array([...new TextEncoder().encode('old 0\n\n'), 0xff, 0xfe, 0x0a])],
    ['empty', ''],
  ];
  for (const [name, body] of bad) {
    it(`refuses a body with ${name} (400)`, () => {
      assertWitnessError(() => parseAddCheckpointRequest(body), 'WITNESS_REQUEST_MALFORMED');
    });
  }

  it(`accepts exactly ${MAX_WITNESS_PROOF_LINES} proof lines`, () => {
    assert.equal(parseAddCheckpointRequest(`old 1\n${hash.repeat(MAX_WITNESS_PROOF_LINES)}\n${note}`).proof.length, MAX_WITNESS_PROOF_LINES);
  });

  it('refuses to format what it would not parse', () => {
    assertWitnessError(() => formatAddCheckpointRequest({ oldSize: -1, proof: [], checkpoint: note }), 'WITNESS_REQUEST_MALFORMED');
    assertWitnessError(() => formatAddCheckpointRequest({ oldSize: 1, proof: [new Uint8Array(3)], checkpoint: note }), 'WITNESS_REQUEST_MALFORMED');
    assertWitnessError(() => formatAddCheckpointRequest({ oldSize: 1, proof: [], checkpoint: 'not a note' }), 'WITNESS_REQUEST_MALFORMED');
  });
});

describe('checks against the configured logs', () => {
  const log = new TestLog('example.com/log');
  log.grow(10);
  const logs = log.logs();

  it('an unknown origin is WITNESS_LOG_UNKNOWN (404)', () => {
    const other = new TestLog('example.com/other', 8);
    other.grow(3);
    assertWitnessError(() => verifySubmission(parseAddCheckpointRequest(other.body(0)), logs), 'WITNESS_LOG_UNKNOWN');
  });

  it('a checkpoint signed only by unknown keys is WITNESS_SIGNATURE_INVALID (403)', () => {
    const impostor = signerFromSeed('example.com/log', new Uint8Array(32).fill(99));
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: log.note(10, [impostor]) });
    assertWitnessError(() => verifySubmission(parseAddCheckpointRequest(body), logs), 'WITNESS_SIGNATURE_INVALID');
  });

  it('a failing signature by the log key is WITNESS_SIGNATURE_INVALID (403), even next to a valid one', () => {
    const good = parseNote(log.note(10)).signatures[0]!;
    const broken = { ...good, signature: new Uint8Array(good.signature).map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const note = addNoteSignatures(log.note(10), [broken]);
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: note });
    assertWitnessError(() => verifySubmission(parseAddCheckpointRequest(body), logs), 'WITNESS_SIGNATURE_INVALID');
  });

  it('a signature for another text is WITNESS_SIGNATURE_INVALID (403)', () => {
    const other = log.note(9).split('\n\n')[1]!;
    const forged = `${log.note(10).split('\n\n')[0]}\n\n${other}`;
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: forged });
    assertWitnessError(() => verifySubmission(parseAddCheckpointRequest(body), logs), 'WITNESS_SIGNATURE_INVALID');
  });

  it('signatures by unknown keys are ignored and dropped from the record', () => {
    const stranger = signerFromSeed('stranger.example', new Uint8Array(32).fill(3));
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: log.note(10, [stranger, log.signer]) });
    const sub = verifySubmission(parseAddCheckpointRequest(body), logs);
    assert.deepEqual(sub.logSignatures.map((s) => s.name), ['example.com/log']);
    const decision = decideCosignature(sub, undefined, [cosigner], 1000);
    assert.ok(!decision.record.note.includes('stranger.example'));
  });

  it('an old size above the checkpoint size is WITNESS_REQUEST_MALFORMED (400), before the 409 check', () => {
    const body = formatAddCheckpointRequest({ oldSize: 11, proof: [], checkpoint: log.note(10) });
    assertWitnessError(() => verifySubmission(parseAddCheckpointRequest(body), logs), 'WITNESS_REQUEST_MALFORMED');
  });

  it('a log with several keys accepts a checkpoint signed by any of them', () => {
    const second = signerFromSeed('example.com/log', new Uint8Array(32).fill(42));
    const both = witnessLogsFromVkeys([log.vkey, verifierKey('example.com/log', second.publicKey)]);
    assert.equal(both.size, 1);
    assert.equal(both.get('example.com/log')!.verifiers.length, 2);
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: log.note(10, [second]) });
    assert.equal(verifySubmission(parseAddCheckpointRequest(body), both).checkpoint.size, 10);
  });

  it('accepts an origin that differs from the key name, given after the vkey', async () => {
    const signer = signerFromSeed('sum.example', new Uint8Array(32).fill(12));
    const entry = `${verifierKey('sum.example', signer.publicKey)} example sum tree`;
    const table = witnessLogsFromVkeys([entry]);
    assert.deepEqual([...table.keys()], ['example sum tree']);
    const note = signCheckpoint({ origin: 'example sum tree', size: 0, rootHash: emptyTreeHash(), extensions: [] }, [signer]);
    const w: WitnessConfig = { logs: table, cosigners: [cosigner], store: new MemoryWitnessStore(), now: () => 9 };
    const d = await addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: note }));
    assert.equal(d.record.origin, 'example sum tree');
    // By default the origin is the key name, so the same key does not vouch for that origin.
    await rejectsWitness(
      addCheckpoint({ ...w, logs: witnessLogsFromVkeys([verifierKey('sum.example', signer.publicKey)]) }, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: note })),
      'WITNESS_LOG_UNKNOWN',
    );
  });

  it('refuses bad or repeated log keys', () => {
    assertWitnessError(() => witnessLogsFromVkeys(['not a vkey']), 'WITNESS_CONFIG_INVALID');
    assertWitnessError(() => witnessLogsFromVkeys([log.vkey, log.vkey]), 'WITNESS_CONFIG_INVALID');
    // A cosigner key (type 0x04) is not a log key.
    assertWitnessError(() => witnessLogsFromVkeys([cosignerVerifierKey(WITNESS_NAME, cosigner.publicKey)]), 'WITNESS_CONFIG_INVALID');
  });
});

describe('decisions against the record', () => {
  it("cosigns a log's first checkpoint (old 0) and records it; the cosignature verifies", async () => {
    const log = new TestLog('example.com/first');
    log.grow(5);
    const w = newWitness(log);
    const d = await addCheckpoint(w, log.body(0));
    assert.match(d.body, /^— witness\.test\/w1 [A-Za-z0-9+/=]+\n$/);
    const cosigned = `${log.note(5)}${d.body}`;
    const [c] = verifyCosignatures(cosigned, [witnessV]);
    assert.deepEqual(c, { name: WITNESS_NAME, keyId: witnessV.keyId, timestamp: 1_700_000_000 });
    const rec = w.store.records.get('example.com/first')!;
    assert.equal(rec.size, 5);
    assert.deepEqual(rec.rootHash, log.tree.treeHash(5));
    assert.equal(verifyCosignatures(rec.note, [witnessV]).length, 1, 'the stored note carries the cosignature');
  });

  it('follows a chain of checkpoints with real consistency proofs, across power-of-two sizes', async () => {
    const log = new TestLog('example.com/chain');
    const w = newWitness(log);
    let old = 0;
    for (const step of [1, 1, 2, 4, 1, 7, 16, 3, 33, 64, 1]) {
      log.grow(step);
      await addCheckpoint(w, log.body(old));
      old = log.tree.size;
      assert.equal(w.store.records.get('example.com/chain')!.size, old);
    }
    // Resubmitting the same checkpoint is fine (same size, same root, empty proof).
    await addCheckpoint(w, log.body(old, old));
  });

  it('a stale old size is 409 with the recorded size, also when nothing was recorded', async () => {
    const log = new TestLog('example.com/stale');
    log.grow(8);
    const w = newWitness(log);
    const never = await rejectsWitness(addCheckpoint(w, log.body(3)), 'WITNESS_OLD_SIZE_MISMATCH');
    assert.ok(never instanceof WitnessOldSizeError);
    assert.equal(never.recordedSize, 0);
    await addCheckpoint(w, log.body(0, 5));
    const err = await rejectsWitness(addCheckpoint(w, log.body(3, 8)), 'WITNESS_OLD_SIZE_MISMATCH');
    assert.equal((err as WitnessOldSizeError).recordedSize, 5);
    assert.deepEqual(err.details, { recorded_size: 5 });
    // Retrying with the size it gave works.
    await addCheckpoint(w, log.body(5, 8));
  });

  it('refuses a rollback: an older checkpoint is 400 (old > size) or 409 (old ≠ recorded), never cosigned', async () => {
    const log = new TestLog('example.com/rollback');
    log.grow(10);
    const w = newWitness(log);
    await addCheckpoint(w, log.body(0, 10));
    await rejectsWitness(addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 10, proof: [], checkpoint: log.note(6) })), 'WITNESS_REQUEST_MALFORMED');
    await rejectsWitness(addCheckpoint(w, log.body(0, 6)), 'WITNESS_OLD_SIZE_MISMATCH');
    await rejectsWitness(addCheckpoint(w, log.body(6, 6)), 'WITNESS_OLD_SIZE_MISMATCH');
    assert.equal(w.store.records.get('example.com/rollback')!.size, 10);
  });

  it('refuses a split view: same size, other root (422), and reports it as possible misbehaviour', async () => {
    const log = new TestLog('example.com/split');
    log.grow(6);
    const fork = new TestLog('example.com/split');
    fork.grow(5);
    fork.tree.append(new Uint8Array(32).fill(0xee));
    const w = newWitness(log);
    await addCheckpoint(w, log.body(0));
    const refusals: RefusedSubmission[] = [];
    await rejectsWitness(addCheckpoint(w, fork.body(6, 6), (r) => refusals.push(r)), 'WITNESS_SPLIT_VIEW');
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.origin, 'example.com/split');
    // And a fork that grows on is inconsistent with what was cosigned (422).
    fork.grow(4);
    const proof = fork.tree.consistencyProof(6, 10);
    const body = formatAddCheckpointRequest({ oldSize: 6, proof, checkpoint: fork.note(10) });
    await rejectsWitness(addCheckpoint(w, body), 'WITNESS_PROOF_INVALID');
  });

  it('a proof that does not verify, a missing proof, or extra hashes are 422', async () => {
    const log = new TestLog('example.com/proofs');
    log.grow(7);
    const w = newWitness(log);
    await addCheckpoint(w, log.body(0));
    log.grow(6);
    const proof = log.tree.consistencyProof(7, 13);
    const variants = [
      [],
      proof.slice(1),
      [...proof, new Uint8Array(32)],
      proof.map((h, i) => (i === 0 ? new Uint8Array(h).map((b, j) => (j === 0 ? b ^ 1 : b)) : h)),
      log.tree.consistencyProof(6, 13),
    ];
    for (const p of variants) {
      await rejectsWitness(addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 7, proof: p, checkpoint: log.note(13) })), 'WITNESS_PROOF_INVALID');
    }
    // Equal sizes with a non-empty proof.
    await rejectsWitness(addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 7, proof: [new Uint8Array(32)], checkpoint: log.note(7) })), 'WITNESS_PROOF_INVALID');
    assert.equal(w.store.records.get('example.com/proofs')!.size, 7);
  });

  it('from old size 0 the proof must be empty (422)', async () => {
    const log = new TestLog('example.com/zero');
    log.grow(4);
    const w = newWitness(log);
    await rejectsWitness(addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 0, proof: [new Uint8Array(32)], checkpoint: log.note(4) })), 'WITNESS_PROOF_INVALID');
  });

  it('a size-0 checkpoint must carry the empty tree root (422); the right one is cosigned', async () => {
    const log = new TestLog('example.com/empty');
    const w = newWitness(log);
    const wrong = signCheckpoint({ origin: log.origin, size: 0, rootHash: new Uint8Array(32).fill(1), extensions: [] }, [log.signer]);
    await rejectsWitness(addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: wrong })), 'WITNESS_PROOF_INVALID');
    const right = signCheckpoint({ origin: log.origin, size: 0, rootHash: emptyTreeHash(), extensions: [] }, [log.signer]);
    await addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: right }));
    log.grow(3);
    await addCheckpoint(w, log.body(0));
  });

  it('cosigns extension lines as part of the text, and timestamps never go backwards per log', async () => {
    const log = new TestLog('example.com/ext');
    log.grow(3);
    let now = 2_000_000;
    const w = newWitness(log, () => now);
    const withExt = signCheckpoint({ ...log.checkpointAt(3), extensions: ['ext line'] }, [log.signer]);
    const d1 = await addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: withExt }));
    assert.equal(verifyCosignatures(`${withExt}${d1.body}`, [witnessV])[0]!.timestamp, 2_000_000);
    now = 1_000; // the clock steps back
    log.grow(2);
    const d2 = await addCheckpoint(w, log.body(3));
    assert.equal(verifyCosignatures(`${log.note(5)}${d2.body}`, [witnessV])[0]!.timestamp, 2_000_000);
    now = 0;
    const fresh = newWitness(log, () => 0);
    const d3 = await addCheckpoint(fresh, log.body(0));
    assert.equal(verifyCosignatures(`${log.note(5)}${d3.body}`, [witnessV])[0]!.timestamp, 1, 'a timestamp is never zero');
  });

  it('signs with every configured cosigner key', async () => {
    const log = new TestLog('example.com/two-keys');
    log.grow(2);
    const second = cosignerFromSeed('witness.test/w2', new Uint8Array(32).fill(10));
    const w: WitnessConfig = { logs: log.logs(), cosigners: [cosigner, second], store: new MemoryWitnessStore(), now: () => 5 };
    const d = await addCheckpoint(w, log.body(0));
    assert.equal(d.signatures.length, 2);
    assert.equal(verifyCosignatures(`${log.note(2)}${d.body}`, [witnessV, cosignatureVerifier(second.name, second.publicKey)]).length, 2);
  });

  it('serialises concurrent adds for one log: exactly one of many competing checkpoints wins', async () => {
    const log = new TestLog('example.com/race');
    log.grow(30);
    const w = newWitness(log);
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => addCheckpoint(w, log.body(0, i + 1))));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as WitnessError).code, 'WITNESS_OLD_SIZE_MISMATCH');
    }
  });

  it('decideCosignature is a pure function of its inputs', () => {
    const log = new TestLog('example.com/pure');
    log.grow(3);
    const sub = verifySubmission(parseAddCheckpointRequest(log.body(0)), log.logs());
    const a = decideCosignature(sub, undefined, [cosigner], 77);
    const b = decideCosignature(sub, undefined, [cosigner], 77);
    assert.deepEqual(a, b);
    assertWitnessError(() => decideCosignature(sub, undefined, [], 77), 'WITNESS_CONFIG_INVALID');
  });

  it('originHash is the lowercase hex SHA-256 of the origin', () => {
    // printf %s example.com/log | sha256sum
    assert.equal(originHash('example.com/log'), '4d3203c8f35cdf600e475f55fede6081a703d3d322f208865fca2ec4f0e030f8');
  });
});

describe('fuzzing the request parser', () => {
  const log = new TestLog('example.com/fuzz');
  log.grow(37);
  const seedBody = log.body(20, 37);
  const rng = prng(0x717);
  const pieces = ['\n', '\n\n', ' ', 'old ', '0', '\u2014 ', '=', '+', '/', 'A', '\r', '\u0000', '\ud800', 'é'];

  it('refuses mutations with a WitnessError or parses them to something that formats back identically', () => {
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      let text = seedBody;
      for (let k = 0, n = 1 + rng.int(3); k < n; k++) {
        const at = rng.int(text.length + 1);
        switch (rng.int(4)) {
          case 0:
            text = text.slice(0, at) + rng.pick(pieces) + text.slice(at);
            break;
          case 1:
            text = text.slice(0, at) + text.slice(at + 1 + rng.int(6));
            break;
          case 2:
            text = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << rng.int(7))) + text.slice(at + 1);
            break;
          default:
            text = text.slice(0, at);
        }
      }
      try {
        const req = parseAddCheckpointRequest(text);
        assert.equal(formatAddCheckpointRequest(req), text);
      } catch (err) {
        assert.ok(err instanceof WitnessError, `mutation ${i} threw ${String(err)}`);
        refused++;
      }
    }
    assert.ok(refused > 2500, `most mutations are refused (${refused})`);
  });
});
