// Deterministic mutation fuzzing of every parser of attacker-controlled input:
// the only acceptable outcomes are a LedgerError or a valid result that
// serialises back to exactly the input (the parsers accept one spelling only).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from '../../../src/ledger/checkpoint.js';
import { addCosignature, cosignatureVerifier, cosignerFromSeed, cosignerVerifierKey, parseCosignerVerifierKey, verifyCosignatures } from '../../../src/ledger/cosignature.js';
import { decodeEntryBundle, encodeEntryBundle } from '../../../src/ledger/entry-bundle.js';
import { LedgerError } from '../../../src/ledger/errors.js';
import { hashLeaf, MemoryMerkleTree } from '../../../src/ledger/merkle.js';
import { signerFromSeed, verifierKey } from '../../../src/ledger/note-key.js';
import { formatNote, openNote, parseNote } from '../../../src/ledger/note.js';
import { ed25519NoteVerifier, parseVerifierKey } from '../../../src/ledger/note-verifier.js';
import { formatTlogProof, parseTlogProof, verifyTlogProof } from '../../../src/ledger/proof.js';
import { entryBundlePath, parseTilePath, tilePath } from '../../../src/ledger/tile-path.js';
import { prng, utf8 } from './support.js';

const ITERATIONS = 3000;
const rng = prng(0xacc0);

const INTERESTING = ['\n', '\n\n', ' ', '\u2014', '\u2014 ', '+', '=', '/', '0', '9', 'x', '.p/', 'A', '\t', '\r', '\u0000', '\ud800', 'é'];

/** One random mutation of a string: flip, insert, delete, duplicate, truncate or swap lines. */
function mutate(text: string): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(7)) {
    case 0:
      return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << rng.int(8))) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + rng.pick(INTERESTING) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + rng.int(8));
    case 3: {
      const end = Math.min(text.length, at + rng.int(40));
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    case 4:
      return text.slice(0, at);
    case 5: {
      const lines = text.split('\n');
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      return lines.join('\n');
    }
    default:
      return text.replace(/[0-9]/, () => String(rng.int(10)));
  }
}

/** Byte-level mutation, which also produces invalid UTF-8. */
function mutateBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  const n = 1 + rng.int(3);
  for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)] = rng.int(256);
  return out;
}

function mutations(seed: string): Generator<string | Uint8Array> {
  return (function* () {
    for (let i = 0; i < ITERATIONS; i++) {
      let m = seed;
      const rounds = 1 + rng.int(3);
      for (let r = 0; r < rounds; r++) m = mutate(m);
      yield rng.next() < 0.2 ? mutateBytes(utf8(seed)) : m;
    }
  })();
}

/** Runs `fn`; a LedgerError is fine, any other exception fails the test with the input. */
function expectTypedOutcome(input: unknown, fn: () => void): 'ok' | 'refused' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof LedgerError) return 'refused';
    assert.fail(`non-ledger exception ${String(err)} for input ${JSON.stringify(typeof input === 'string' ? input : Buffer.from(input as Uint8Array).toString('base64'))}`);
  }
}

function asText(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
}

const log = signerFromSeed('fuzz.example/log', new Uint8Array(32).fill(12));
const logV = ed25519NoteVerifier(log.name, log.publicKey);
const witness = cosignerFromSeed('fuzz.example/witness', new Uint8Array(32).fill(13));
const witnessV = cosignatureVerifier(witness.name, witness.publicKey);
const tree = new MemoryMerkleTree();
for (let i = 0; i < 40; i++) tree.append(hashLeaf(utf8(`e${i}`)));
const checkpointNote = addCosignature(
  signCheckpoint({ origin: 'fuzz.example/log', size: 40, rootHash: tree.treeHash(), extensions: ['ext'] }, [log]),
  witness,
  1234,
);

describe('fuzzing the ledger parsers (seeded)', () => {
  it('signed notes: typed errors or canonical round trips', () => {
    const counts = { ok: 0, refused: 0 };
    for (const input of mutations(checkpointNote)) {
      counts[
        expectTypedOutcome(input, () => {
          const note = parseNote(input);
          assert.equal(formatNote(note), asText(input));
          openNote(input, [logV, witnessV]);
        })
      ]++;
    }
    assert.ok(counts.refused > ITERATIONS / 2 && counts.ok > 0, JSON.stringify(counts));
  });

  it('checkpoints: typed errors or canonical round trips', () => {
    const body = parseNote(checkpointNote).text;
    for (const input of mutations(body)) {
      expectTypedOutcome(input, () => {
        const cp = parseCheckpoint(asText(input));
        assert.equal(formatCheckpoint(cp), asText(input));
      });
    }
    for (const input of mutations(checkpointNote)) {
      expectTypedOutcome(input, () => {
        openCheckpoint(input, 'fuzz.example/log', [logV]);
        verifyCosignatures(input, [witnessV]);
      });
    }
  });

  it('tlog proofs: typed errors or canonical round trips, and no forged acceptance', () => {
    const proof = formatTlogProof({ index: 7, extra: utf8('x'), inclusionProof: tree.inclusionProof(7), checkpoint: checkpointNote });
    const leaf = hashLeaf(utf8('e7'));
    let accepted = 0;
    for (const input of mutations(proof)) {
      expectTypedOutcome(input, () => {
        const parsed = parseTlogProof(input);
        assert.equal(formatTlogProof(parsed), asText(input));
        const result = verifyTlogProof(parsed, leaf, { origin: 'fuzz.example/log', logVerifiers: [logV], cosigners: [witnessV], quorum: 1 });
        // Whatever survived a mutation and still verifies must say the same thing.
        assert.equal(result.index, 7);
        assert.equal(result.checkpoint.size, 40);
        accepted++;
      });
    }
    assert.ok(accepted < ITERATIONS);
  });

  it('tile paths: typed errors or the one canonical spelling', () => {
    const seeds = ['tile/0/x001/x234/067.p/17', 'tile/entries/273.p/112', 'tile/63/x009/x007/x199/x254/x740/991', 'tile/2/000'];
    for (const seed of seeds) {
      for (const input of mutations(seed)) {
        expectTypedOutcome(input, () => {
          const parsed = parseTilePath(asText(input));
          assert.equal(parsed.kind === 'tile' ? tilePath(parsed.tile) : entryBundlePath(parsed.bundle), asText(input));
        });
      }
    }
  });

  it('entry bundles: typed errors or exact round trips', () => {
    const bundle = encodeEntryBundle(Array.from({ length: 9 }, (_, i) => utf8('#'.repeat(i * 3))));
    for (let i = 0; i < ITERATIONS; i++) {
      const input = rng.next() < 0.5 ? mutateBytes(bundle) : bundle.subarray(0, rng.int(bundle.length + 1));
      expectTypedOutcome(input, () => {
        assert.deepEqual(encodeEntryBundle(decodeEntryBundle(input)), input);
      });
    }
  });

  it('verifier keys: typed errors only', () => {
    const seeds = [verifierKey(log.name, log.publicKey), cosignerVerifierKey(witness.name, witness.publicKey)];
    for (const seed of seeds) {
      for (const input of mutations(seed)) {
        expectTypedOutcome(input, () => parseVerifierKey(asText(input)));
        expectTypedOutcome(input, () => parseCosignerVerifierKey(asText(input)));
      }
    }
  });
});
