import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signCheckpoint } from '../../../src/ledger/checkpoint.js';
import { addCosignature, cosignatureVerifier, cosignerFromSeed } from '../../../src/ledger/cosignature.js';
import { hashLeaf, MemoryMerkleTree } from '../../../src/ledger/merkle.js';
import { signerFromSeed } from '../../../src/ledger/note-key.js';
import { signNote } from '../../../src/ledger/note.js';
import { ed25519NoteVerifier } from '../../../src/ledger/note-verifier.js';
import { formatTlogProof, MAX_TLOG_PROOF_SIZE, parseTlogProof, TLOG_PROOF_HEADER, verifyTlogProof } from '../../../src/ledger/proof.js';
import type { TlogProof } from '../../../src/ledger/proof.js';
import { assertLedgerError, b64, loadVector, utf8 } from './support.js';

interface ProofVector {
  source: string;
  header: string;
  extra_b64: string;
  index: number;
  inclusion_proof_b64: string[];
  checkpoint_text: string;
  as_printed: string;
}

const ORIGIN = 'example.com/accord-test';
const log = signerFromSeed(ORIGIN, new Uint8Array(32).fill(7));
const logV = ed25519NoteVerifier(log.name, log.publicKey);
const w1 = cosignerFromSeed('witness.example/one', new Uint8Array(32).fill(8));
const w2 = cosignerFromSeed('witness.example/two', new Uint8Array(32).fill(9));
const witnesses = [cosignatureVerifier(w1.name, w1.publicKey), cosignatureVerifier(w2.name, w2.publicKey)];

const tree = new MemoryMerkleTree();
const entries = Array.from({ length: 1000 }, (_, i) => utf8(`entry ${i}`));
for (const e of entries) tree.append(hashLeaf(e));
const checkpoint = addCosignature(
  addCosignature(signCheckpoint({ origin: ORIGIN, size: 1000, rootHash: tree.treeHash(), extensions: [] }, [log]), w1, 1000),
  w2,
  1001,
);

function proofFor(index: number, extra?: Uint8Array): string {
  const p: TlogProof = { index, inclusionProof: tree.inclusionProof(index), checkpoint };
  return formatTlogProof(extra === undefined ? p : { ...p, extra });
}

describe('tlog proofs (c2sp.org/tlog-proof@v1)', () => {
  it('reads the spec example once its checkpoint carries real signatures', () => {
    const v = loadVector<ProofVector>('tlog-proof.json');
    // As printed, the checkpoint's signatures are elided ("[...]"), so it is refused.
    const err = assertLedgerError(() => parseTlogProof(v.as_printed), ['TLOG_PROOF_MALFORMED']);
    assert.equal((err.cause as { code?: string }).code, 'NOTE_MALFORMED');
    const fancy = signerFromSeed('example.com/fancylog', new Uint8Array(32).fill(10));
    const signed = signNote(v.checkpoint_text, [fancy]);
    const text = `${[v.header, `extra ${v.extra_b64}`, `index ${v.index}`, ...v.inclusion_proof_b64].join('\n')}\n\n${signed}`;
    const parsed = parseTlogProof(text);
    assert.equal(parsed.index, v.index);
    assert.deepEqual(parsed.extra, b64(v.extra_b64));
    assert.deepEqual(parsed.inclusionProof, v.inclusion_proof_b64.map(b64));
    assert.equal(parsed.checkpoint, signed);
    assert.equal(formatTlogProof(parsed), text);
  });

  it('verifies a proof against the log key and a witness quorum', () => {
    const text = proofFor(123, utf8('artifact sha256:…'));
    assert.ok(text.startsWith(`${TLOG_PROOF_HEADER}\nextra `));
    const policy = { origin: ORIGIN, logVerifiers: [logV], cosigners: witnesses, quorum: 2 };
    const result = verifyTlogProof(text, hashLeaf(entries[123] as Uint8Array), policy);
    assert.equal(result.index, 123);
    assert.equal(result.checkpoint.size, 1000);
    assert.deepEqual(result.extra, utf8('artifact sha256:…'));
    assert.deepEqual(
      result.cosignatures.map((c) => c.timestamp),
      [1000, 1001],
    );
    // Bytes, a parsed proof, and no policy on witnesses all work too.
    const minimal = { origin: ORIGIN, logVerifiers: [logV] };
    assert.equal(verifyTlogProof(utf8(proofFor(0)), hashLeaf(entries[0] as Uint8Array), minimal).extra, undefined);
    assert.equal(verifyTlogProof(parseTlogProof(proofFor(999)), hashLeaf(entries[999] as Uint8Array), minimal).index, 999);
  });

  it('refuses proofs that do not hold', () => {
    const text = proofFor(5);
    const leaf = hashLeaf(entries[5] as Uint8Array);
    const policy = { origin: ORIGIN, logVerifiers: [logV], cosigners: witnesses, quorum: 2 };
    assertLedgerError(() => verifyTlogProof(text, hashLeaf(entries[6] as Uint8Array), policy), ['LOG_PROOF_INVALID']);
    assertLedgerError(() => verifyTlogProof(text, leaf, { ...policy, quorum: 3 }), ['COSIGNATURE_QUORUM_NOT_MET']);
    assertLedgerError(() => verifyTlogProof(text, leaf, { ...policy, cosigners: witnesses.slice(1) }), ['COSIGNATURE_QUORUM_NOT_MET']);
    assertLedgerError(() => verifyTlogProof(text, leaf, { ...policy, origin: 'example.com/elsewhere' }), ['CHECKPOINT_ORIGIN_MISMATCH']);
    const otherLog = signerFromSeed(ORIGIN, new Uint8Array(32).fill(11));
    assertLedgerError(() => verifyTlogProof(text, leaf, { ...policy, logVerifiers: [ed25519NoteVerifier(ORIGIN, otherLog.publicKey)] }), ['NOTE_UNVERIFIED']);
    const moved = text.replace('index 5\n', 'index 4\n');
    assertLedgerError(() => verifyTlogProof(moved, leaf, policy), ['LOG_PROOF_INVALID']);
    const beyond = formatTlogProof({ index: 1000, inclusionProof: tree.inclusionProof(5), checkpoint });
    assertLedgerError(() => verifyTlogProof(beyond, leaf, policy), ['LOG_PROOF_INVALID']);
  });

  it('refuses malformed proof files with TLOG_PROOF_MALFORMED', () => {
    const good = proofFor(5, Uint8Array.of(1, 2, 3));
    const lines = good.split('\n');
    const hashLine = lines[3] as string;
    const bad: (string | Uint8Array)[] = [
      '',
      TLOG_PROOF_HEADER,
      good.replace(TLOG_PROOF_HEADER, 'c2sp.org/tlog-proof@v2'),
      good.replace(TLOG_PROOF_HEADER, ` ${TLOG_PROOF_HEADER}`),
      good.replace('extra AQID\n', 'extra \n'),
      good.replace('extra AQID\n', 'extra AQI\n'),
      good.replace('extra AQID\n', 'extra AQID\nextra AQID\n'),
      good.replace('index 5\n', 'index 05\n'),
      good.replace('index 5\n', 'index -5\n'),
      good.replace('index 5\n', 'index 5 \n'),
      good.replace('index 5\n', 'index\n'),
      good.replace('index 5\n', 'index 18446744073709551616\n'),
      good.replace('index 5\n', ''),
      good.replace(`${hashLine}\n`, `${hashLine.slice(1)}\n`),
      good.replace(`${hashLine}\n`, `${Buffer.alloc(64).toString('base64')}\n`),
      good.replace(`${hashLine}\n`, `${hashLine}x\n`),
      good.replace(`${hashLine}\n`, `${`${hashLine}\n`.repeat(65)}`),
      good.replace('\n\n', '\n'),
      good.slice(0, good.indexOf(ORIGIN)),
      good.replace(`${ORIGIN}\n1000\n`, `${ORIGIN}\n01000\n`),
      `${good}trailing\n`,
      good.replace(/\n/g, '\r\n'),
      Uint8Array.of(...utf8(good).subarray(0, 10), 0xc3, ...utf8(good).subarray(10)),
      new Uint8Array(MAX_TLOG_PROOF_SIZE + 1),
      'x'.repeat(MAX_TLOG_PROOF_SIZE + 1),
      17 as unknown as string,
    ];
    bad.forEach((text, i) => {
      const err = assertLedgerError(() => parseTlogProof(text));
      assert.equal(err.code, 'TLOG_PROOF_MALFORMED', `case ${i}: ${err.message}`);
    });
  });

  it('refuses to format impossible proofs', () => {
    const good: TlogProof = { index: 5, inclusionProof: tree.inclusionProof(5), checkpoint };
    const bad: TlogProof[] = [
      { ...good, index: -1 },
      { ...good, index: 2 ** 53 },
      { ...good, extra: new Uint8Array(0) },
      { ...good, inclusionProof: [new Uint8Array(31)] },
      { ...good, inclusionProof: Array.from({ length: 65 }, () => new Uint8Array(32)) },
      { ...good, checkpoint: 'not a note\n' },
    ];
    bad.forEach((p, i) => {
      const err = assertLedgerError(() => formatTlogProof(p));
      assert.equal(err.code, 'TLOG_PROOF_MALFORMED', `case ${i}`);
    });
  });
});
