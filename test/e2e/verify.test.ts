/**
 * The console's in-browser verifiers (web/src/verify/), run under Node's own
 * WebCrypto (`globalThis.crypto.subtle`, the same API Chromium has). They are a
 * second implementation of what src/ledger does with node:crypto, so besides
 * the published vectors they are checked against src/ledger on random trees
 * and on checkpoints the server code signs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeBase64, decodeBase64Lenient, encodeBase64, fromHex, toHex, utf8 } from '../../web/src/verify/bytes.js';
import { parseCheckpointText, parseSignedCheckpoint } from '../../web/src/verify/checkpoint.js';
import { VerifyError, type VerifyErrorCode } from '../../web/src/verify/errors.js';
import { MAX_FILE_BYTES, formatBytes, sha256File } from '../../web/src/verify/file-hash.js';
import { verifyEntryInclusion, type InclusionInput } from '../../web/src/verify/inclusion.js';
import { leafHash, nodeHash, rootFromInclusionProof, verifyConsistency, verifyInclusion } from '../../web/src/verify/merkle.js';
import { decodeCosignature, parseNote, parseVerifierKey, verifyNoteSignature } from '../../web/src/verify/note.js';
import { parseReleaseEntry, subjectsWithDigest } from '../../web/src/verify/release-statement.js';
import { ecdsaDerToRaw, importSpkiPem, isSmallOrderEd25519Spki, pae, parseDsseEnvelope, verifySignature } from '../../web/src/verify/dsse.js';
import { checkSigner, parsePurlScope, parseTrust, scopeCovers } from '../../web/src/verify/trust.js';
import { checkWitnesses, parsePolicy, policyFromLogFields, quorumSatisfied, type ParsedPolicy } from '../../web/src/verify/policy.js';
import { pae as serverPae, serializeEnvelope, signEnvelope } from '../../src/release/dsse.js';
import { generateReleaseKeyPair, importPrivateKey, importPublicKey, isSmallOrderEd25519, signMessage } from '../../src/release/keys.js';
import { parsePurl, parsePurlScope as serverParseScope, scopeCovers as serverScopeCovers } from '../../src/release/purl.js';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { MemoryMerkleTree, hashLeaf } from '../../src/ledger/merkle.js';
import { signerFromSeed, verifierKey } from '../../src/ledger/note-key.js';
import { addCosignature, cosignerFromSeed, cosignerVerifierKey, type Cosigner } from '../../src/ledger/cosignature.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { parsePolicy as serverParsePolicy, quorumSatisfied as serverQuorumSatisfied, verifyCheckpointWithPolicy } from '../../src/ledger/policy.js';
import { policyFromLogFields as serverPolicyFromLogFields } from '../../src/release/trust.js';

const VECTORS = resolve(import.meta.dirname, '..', 'vectors', 'c2sp');
const vector = <T>(name: string): T => JSON.parse(readFileSync(join(VECTORS, name), 'utf8')) as T;

const hex = (s: string) => fromHex(s)!;

const TEST_LOG = signerFromSeed('accord.test/log', new Uint8Array(32).fill(7));
const TEST_LOG_VKEY = verifierKey(TEST_LOG.name, TEST_LOG.publicKey);

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: VerifyErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(
    async () => (typeof p === 'function' ? p() : p),
    (err: unknown) => {
      assert.ok(err instanceof VerifyError, `expected a VerifyError, got ${String(err)}`);
      assert.equal(err.code, code, err.message);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

/** A deterministic PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('bytes', () => {
  it('accepts only canonical padded standard base64', () => {
    assert.deepEqual(decodeBase64('AQID'), Uint8Array.of(1, 2, 3));
    assert.deepEqual(decodeBase64(''), new Uint8Array(0));
    for (const bad of ['AQI', 'AQ==x', 'AR==', 'A-_=', 'AQID\n', ' AQID', 'AQ=']) assert.equal(decodeBase64(bad), undefined, bad);
    assert.equal(encodeBase64(Uint8Array.of(255, 254)), '//4=');
  });
  it('decodes DSSE payloads in either alphabet, padded or not', () => {
    assert.deepEqual(decodeBase64Lenient('_-4'), Uint8Array.of(255, 238));
    assert.deepEqual(decodeBase64Lenient('/+4='), Uint8Array.of(255, 238));
    assert.equal(decodeBase64Lenient('A'), undefined);
    assert.equal(decodeBase64Lenient('A$=='), undefined);
  });
  it('hex round-trips and refuses odd lengths', () => {
    assert.equal(toHex(hex('00ff10')), '00ff10');
    assert.equal(fromHex('abc'), undefined);
    assert.equal(fromHex('zz'), undefined);
  });
});

describe('merkle (RFC 6962 / RFC 9162)', () => {
  const V = vector<{
    leaves_hex: string[];
    roots_hex: string[];
    leaf_hashes_hex: string[];
    inclusion_proofs: { index: number; size: number; proof_hex: string[] }[];
    consistency_proofs: { size1: number; size2: number; proof_hex: string[] }[];
  }>('rfc6962-merkle.json');

  it('hashes leaves and nodes as the RFC vectors do', async () => {
    for (const [i, l] of V.leaves_hex.entries()) assert.equal(toHex(await leafHash(hex(l))), V.leaf_hashes_hex[i]);
    assert.equal(toHex(await nodeHash(hex(V.leaf_hashes_hex[0]!), hex(V.leaf_hashes_hex[1]!))), V.roots_hex[2]);
  });

  it('verifies every RFC inclusion vector and refuses each with one byte flipped', async () => {
    for (const p of V.inclusion_proofs) {
      const leaf = hex(V.leaf_hashes_hex[p.index]!);
      const proof = p.proof_hex.map(hex);
      const root = hex(V.roots_hex[p.size]!);
      await verifyInclusion(leaf, p.index, p.size, proof, root);
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.map((h) => Uint8Array.from(h));
        bad[i]![7]! ^= 1;
        await rejectsWith(verifyInclusion(leaf, p.index, p.size, bad, root), 'PROOF_INVALID');
      }
    }
  });

  it('verifies every RFC consistency vector', async () => {
    for (const p of V.consistency_proofs) {
      await verifyConsistency(p.size1, p.size2, hex(V.roots_hex[p.size1]!), hex(V.roots_hex[p.size2]!), p.proof_hex.map(hex));
    }
  });

  it('agrees with src/ledger on every inclusion and consistency proof of trees up to 40 leaves', async () => {
    const tree = new MemoryMerkleTree();
    const rand = prng(6962);
    for (let n = 1; n <= 40; n++) {
      tree.append(hashLeaf(Uint8Array.of(n, Math.floor(rand() * 256))));
      const root = tree.treeHash(n);
      for (let i = 0; i < n; i++) {
        const leaf = tree.node(0, i);
        assert.deepEqual(await rootFromInclusionProof(leaf, i, n, tree.inclusionProof(i, n)), root, `leaf ${i} of ${n}`);
      }
      for (let m = 0; m <= n; m++) await verifyConsistency(m, n, tree.treeHash(m), root, tree.consistencyProof(m, n));
    }
  });

  it('refuses proofs of the wrong shape, index or size', async () => {
    const tree = new MemoryMerkleTree();
    for (let i = 0; i < 13; i++) tree.append(hashLeaf(Uint8Array.of(i)));
    const root = tree.treeHash();
    const proof = tree.inclusionProof(5);
    const leaf = tree.node(0, 5);
    await rejectsWith(verifyInclusion(leaf, 5, 13, proof.slice(1), root), 'PROOF_INVALID', /too short/);
    await rejectsWith(verifyInclusion(leaf, 5, 13, [...proof, proof[0]!], root), 'PROOF_INVALID', /too long/);
    await rejectsWith(verifyInclusion(leaf, 6, 13, proof, root), 'PROOF_INVALID');
    await rejectsWith(verifyInclusion(leaf, 13, 13, proof, root), 'PROOF_INVALID', /not below/);
    await rejectsWith(verifyInclusion(leaf, -1, 13, proof, root), 'PROOF_INVALID');
    await rejectsWith(verifyInclusion(leaf, 5, 13, [new Uint8Array(31)], root), 'PROOF_MALFORMED');
    await rejectsWith(verifyInclusion(leaf, 5, 13, new Array(129).fill(leaf), root), 'PROOF_MALFORMED');
    // Consistency: a fork (same size, other root), a shrink, and a flipped proof hash.
    await rejectsWith(verifyConsistency(13, 13, root, tree.treeHash(12), []), 'PROOF_INVALID', /forked/);
    await rejectsWith(verifyConsistency(13, 12, root, tree.treeHash(12), []), 'PROOF_INVALID', /shrank/);
    const cp = tree.consistencyProof(7, 13).map((h) => Uint8Array.from(h));
    cp[1]![0]! ^= 0x80;
    await rejectsWith(verifyConsistency(7, 13, tree.treeHash(7), root, cp), 'PROOF_INVALID');
    await rejectsWith(verifyConsistency(0, 13, new Uint8Array(32), root, []), 'PROOF_INVALID');
    await rejectsWith(verifyConsistency(7, 13, tree.treeHash(7), root, []), 'PROOF_INVALID', /empty/);
  });
});

describe('signed notes and verifier keys (c2sp.org/signed-note)', () => {
  const SN = vector<{ examples: { vkey?: string; note: string; text: string; verifies: boolean | null; signatures?: { name: string; key_id_hex: string }[] }[] }>('signed-note.json');
  const GO = vector<{ sumdb_note_example: { vkey: string; note: string; text: string }; cosignature_v1: { cosigner_vkey_type_04: string } }>('go-note-interop.json');

  it('verifies the spec example and Go x/mod/sumdb/note example with WebCrypto Ed25519', async () => {
    for (const { vkey, note, text } of [SN.examples[0]!, GO.sumdb_note_example] as { vkey: string; note: string; text: string }[]) {
      const parsed = parseNote(note);
      assert.equal(parsed.text, text);
      const key = await parseVerifierKey(vkey);
      const sig = await verifyNoteSignature(parsed, key);
      assert.equal(sig.name, key.name);
    }
  });

  it('ends the text at the last blank line and reads key IDs', () => {
    const ex = SN.examples[1]!;
    const parsed = parseNote(ex.note);
    assert.equal(parsed.text, ex.text);
    assert.deepEqual(
      parsed.signatures.map((s) => ({ name: s.name, key_id_hex: s.keyId })),
      ex.signatures,
    );
  });

  it('fails a note whose text was altered, and one the key did not sign', async () => {
    const ex = SN.examples[0]!;
    const key = await parseVerifierKey(ex.vkey!);
    await rejectsWith(verifyNoteSignature(parseNote(ex.note.replace('example message', 'exemplary message')), key), 'SIGNATURE_INVALID');
    const other = await parseVerifierKey(GO.sumdb_note_example.vkey);
    await rejectsWith(verifyNoteSignature(parseNote(ex.note), other), 'SIGNATURE_MISSING', /no signature by PeterNeumann/);
  });

  it('refuses verifier keys that are malformed, of another type, or whose ID does not match', async () => {
    const good = SN.examples[0]!.vkey!;
    await rejectsWith(parseVerifierKey('not a key'), 'VKEY_INVALID');
    await rejectsWith(parseVerifierKey(good.replace('+530d903a+', '+530d903b+')), 'VKEY_INVALID', /does not match/);
    await rejectsWith(parseVerifierKey(GO.cosignature_v1.cosigner_vkey_type_04), 'VKEY_INVALID', /type 0x04/);
    await rejectsWith(parseVerifierKey(good.slice(0, -4)), 'VKEY_INVALID');
    assert.equal((await parseVerifierKey(`  ${good}\n`)).name, 'example.com/foo');
  });

  it('refuses malformed notes with NOTE_MALFORMED only', async () => {
    const bad = ['', 'text\n', 'text\n\n', 'text\n\n— a b\n', 'text\n\n- a AAAAAAA=\n', 'text\n\n— a QUJDREVGRw==', 'a\u0007\n\n— a QUJDREVGRw==\n', 'text\n\n— a QUJD\n'];
    for (const note of bad) await rejectsWith(() => parseNote(note), 'NOTE_MALFORMED');
    // Random garbage never escapes as anything but a VerifyError.
    const rand = prng(42);
    const alphabet = 'ab\n \u2014+/=Q0—';
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let j = Math.floor(rand() * 40); j > 0; j--) s += alphabet[Math.floor(rand() * alphabet.length)];
      try {
        parseSignedCheckpoint(s);
      } catch (err) {
        assert.ok(err instanceof VerifyError, `${JSON.stringify(s)} threw ${String(err)}`);
      }
    }
  });

  it('reads the timestamp of a tlog-cosignature line', () => {
    const V = vector<{ note: string; cosigner: string; timestamp: number }>('tlog-cosignature.json');
    const sig = parseNote(V.note).signatures.find((s) => s.name === V.cosigner)!;
    assert.equal(decodeCosignature(sig)?.timestamp, V.timestamp);
    assert.equal(decodeCosignature(parseNote(V.note).signatures[0]!), undefined, 'a 64-byte log signature is not a cosignature');
  });
});

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  it('parses the spec example', () => {
    const V = vector<{ note: string; origin: string; size: number; root_hash_b64: string }>('tlog-checkpoint.json');
    const cp = parseSignedCheckpoint(V.note);
    assert.equal(cp.origin, V.origin);
    assert.equal(cp.size, V.size);
    assert.equal(encodeBase64(cp.rootHash), V.root_hash_b64);
    assert.equal(cp.raw, V.note);
  });
  it('refuses bad sizes, roots and lines', async () => {
    const root = encodeBase64(new Uint8Array(32));
    for (const text of [`o\n01\n${root}\n`, `o\n-1\n${root}\n`, `o\n9007199254740992\n${root}\n`, `o\n1\nAAAA\n`, `\n1\n${root}\n`, `o\n1\n`, `o\n1\n${root}\n\n`, `o\n1\n${root}`]) {
      await rejectsWith(() => parseCheckpointText(text), 'CHECKPOINT_MALFORMED');
    }
    assert.deepEqual(parseCheckpointText(`o\n1\n${root}\next\n`).extensions, ['ext']);
  });
});

describe('verifyEntryInclusion against what src/ledger signs', () => {
  const signer = signerFromSeed('accord.test/log', new Uint8Array(32).fill(7));
  const vkey = verifierKey(signer.name, signer.publicKey);
  const entries = Array.from({ length: 11 }, (_, i) => utf8(JSON.stringify({ type: 'accord.registry/v1', event: { id: i } })));
  const tree = new MemoryMerkleTree();
  for (const e of entries) tree.append(hashLeaf(e));
  const checkpoint = signCheckpoint({ origin: signer.name, size: tree.size, rootHash: tree.treeHash(), extensions: [] }, [signer]);
  const input = (index: number, over: Partial<InclusionInput> = {}): InclusionInput => ({
    vkey,
    index,
    data: entries[index]!,
    checkpoint,
    proof: { index, size: tree.size, hashes: tree.inclusionProof(index).map((h) => Buffer.from(h).toString('base64')) },
    ...over,
  });
  const statuses = (r: { steps: readonly { id: string; status: string }[] }) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));

  it('passes every step for each entry', async () => {
    for (let i = 0; i < entries.length; i++) {
      const r = await verifyEntryInclusion(input(i));
      assert.ok(r.ok, JSON.stringify(r.steps));
      assert.equal(toHex(r.leafHash!), Buffer.from(hashLeaf(entries[i]!)).toString('hex'));
    }
  });

  it('fails the signature step with another log key, and the vkey step with a mangled one', async () => {
    const other = signerFromSeed('accord.test/log', new Uint8Array(32).fill(8));
    const r = await verifyEntryInclusion(input(3, { vkey: verifierKey(other.name, other.publicKey) }));
    assert.equal(r.ok, false);
    assert.deepEqual(statuses(r), { vkey: 'ok', signature: 'failed', leaf: 'ok', inclusion: 'ok' });
    const m = await verifyEntryInclusion(input(3, { vkey: vkey.replace(/.$/, vkey.endsWith('A') ? 'B' : 'A') }));
    assert.deepEqual(statuses(m), { vkey: 'failed', signature: 'skipped', leaf: 'ok', inclusion: 'ok' });
  });

  it('fails the inclusion step for a tampered proof, another entry, or a proof for another size', async () => {
    const good = input(4);
    const tampered = [...good.proof.hashes];
    const b = Buffer.from(tampered[1]!, 'base64');
    b[0]! ^= 1;
    tampered[1] = b.toString('base64');
    assert.deepEqual(statuses(await verifyEntryInclusion({ ...good, proof: { ...good.proof, hashes: tampered } })), { vkey: 'ok', signature: 'ok', leaf: 'ok', inclusion: 'failed' });
    assert.equal((await verifyEntryInclusion({ ...good, data: entries[5]! })).ok, false);
    const sized = await verifyEntryInclusion({ ...good, proof: { ...good.proof, size: 10 } });
    assert.match(sized.steps.find((s) => s.id === 'inclusion')!.detail, /size 10.*size 11/);
  });

  it('fails the signature step when the checkpoint text was altered after signing', async () => {
    const lines = checkpoint.split('\n');
    lines[1] = '12';
    const r = await verifyEntryInclusion(input(2, { checkpoint: lines.join('\n') }));
    assert.equal(statuses(r).signature, 'failed');
  });
});

describe('release entries (DSSE + in-toto Statement v1)', () => {
  const digest = createHash('sha256').update('artifact').digest('hex');
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'agent-1.2.3.tar.gz', digest: { sha256: digest } }, { name: 'agent.sig', digest: { sha512: 'ab' } }],
    predicateType: 'https://in-toto.io/attestation/release/v0.1',
    predicate: { purl: 'pkg:generic/demo-northwind/agent@1.2.3' },
  };
  const { privateKey } = generateKeyPairSync('ed25519');
  const payload = Buffer.from(JSON.stringify(statement));
  const envelope = (over: Record<string, unknown> = {}) =>
    utf8(
      JSON.stringify({
        payloadType: 'application/vnd.in-toto+json',
        payload: payload.toString('base64url'),
        signatures: [{ keyid: 'k1', sig: nodeSign(null, payload, privateKey).toString('base64') }],
        ...over,
      }),
    );

  it('reads subjects, purls and key hints', () => {
    const r = parseReleaseEntry(envelope());
    assert.deepEqual(r.purls, ['pkg:generic/demo-northwind/agent@1.2.3']);
    assert.deepEqual(r.keyIds, ['k1']);
    assert.equal(r.subjects.length, 2);
    assert.deepEqual(subjectsWithDigest(r, digest.toUpperCase()), [{ name: 'agent-1.2.3.tar.gz', sha256: digest }]);
  });

  it('refuses what is not a DSSE envelope of an in-toto statement', async () => {
    for (const bad of [utf8('not json'), Uint8Array.of(0xff), utf8('{}'), envelope({ payloadType: 'text/plain' }), envelope({ payload: '!!' }), envelope({ payload: Buffer.from('{"_type":"x","subject":[]}').toString('base64') })]) {
      await rejectsWith(() => parseReleaseEntry(bad), 'STATEMENT_INVALID');
    }
  });
});

describe('hashing a download', () => {
  it('gives the SHA-256 hex of a Blob', async () => {
    const bytes = Buffer.from('hello, accord\n');
    assert.equal(await sha256File(new Blob([bytes])), createHash('sha256').update(bytes).digest('hex'));
  });
  it('refuses files over 2 GiB before reading them', async () => {
    let read = false;
    const huge = {
      size: MAX_FILE_BYTES + 1,
      arrayBuffer: async () => {
        read = true;
        return new ArrayBuffer(0);
      },
    };
    await rejectsWith(sha256File(huge), 'FILE_TOO_LARGE', /2\.0 GiB/);
    assert.equal(read, false);
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(1), '1 byte');
  });
});

describe('DSSE release signatures (web/src/verify/dsse.ts, trust.ts)', () => {
  const TYPE = 'application/vnd.in-toto+json';

  it('PAE matches the DSSE spec example and src/release/dsse.ts', () => {
    // secure-systems-lab/dsse protocol.md, "Test Vectors".
    assert.equal(new TextDecoder().decode(pae('http://example.com/HelloWorld', utf8('hello world'))), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    for (const [type, body] of [
      ['', ''],
      [TYPE, '{"_type":"x"}'],
      ['tÿpe/ünïcode', 'bödy with multibyte ✓'],
    ] as const) {
      assert.deepEqual(pae(type, utf8(body)), serverPae(type, utf8(body)), `${type} / ${body}`);
    }
  });

  it('refuses the small-order Ed25519 keys src/release/keys.ts refuses, and no real key', async () => {
    const header = Buffer.from('302a300506032b6570032100', 'hex');
    const candidates = [...Array.from({ length: 40 }, () => importPublicKey(generateReleaseKeyPair('ed25519').publicPem).raw!)];
    for (const y of ['00', '01', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'ecff', 'edff', 'eeff']) {
      const raw = Buffer.alloc(32, y.length === 4 ? 0xff : 0);
      Buffer.from(y, 'hex').copy(raw);
      if (y.length === 4) raw[31] = 0x7f;
      candidates.push(raw, Buffer.from(raw.map((b, i) => (i === 31 ? b | 0x80 : b))));
    }
    let refused = 0;
    for (const raw of candidates) {
      const der = Buffer.concat([header, raw]);
      assert.equal(isSmallOrderEd25519Spki(der), isSmallOrderEd25519(raw), Buffer.from(raw).toString('hex'));
      if (isSmallOrderEd25519(raw)) refused++;
    }
    assert.equal(refused, 14);
    const identity = createPublicKey({ key: Buffer.concat([header, Buffer.from('01'.padEnd(64, '0'), 'hex')]), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString();
    await assert.rejects(importSpkiPem(identity, 'ed25519'), (e: unknown) => e instanceof VerifyError && e.code === 'TRUST_INVALID' && /small order/.test(e.message));
  });

  it('verifies Ed25519 and ECDSA P-256 signatures made by src/release/keys.ts, DER and raw', async () => {
    const message = serverPae(TYPE, utf8('{"statement":true}'));
    for (const algorithm of ['ed25519', 'ecdsa-p256'] as const) {
      const pair = generateReleaseKeyPair(algorithm);
      const priv = importPrivateKey(pair.privatePem);
      const key = await importSpkiPem(pair.publicPem, algorithm);
      assert.equal(key.keyId, pair.keyId, 'key ID = SHA-256 of the DER SPKI');
      const sig = signMessage(priv, message);
      assert.equal(await verifySignature(key, message, sig), true, `${algorithm} signature`);
      const altered = Uint8Array.from(message);
      altered[altered.length - 2]! ^= 1;
      assert.equal(await verifySignature(key, altered, sig), false, `${algorithm} over altered bytes`);
      const other = await importSpkiPem(generateReleaseKeyPair(algorithm).publicPem, algorithm);
      assert.equal(await verifySignature(other, message, sig), false, `${algorithm} by another key`);
      if (algorithm === 'ecdsa-p256') {
        const raw = ecdsaDerToRaw(sig)!;
        assert.equal(raw.length, 64);
        assert.ok(nodeVerify('sha256', message, { key: pair.publicPem, dsaEncoding: 'ieee-p1363' }, raw), 'the conversion gives what OpenSSL calls r||s');
        assert.equal(await verifySignature(key, message, raw), true, 'raw r||s accepted');
        const p1363 = nodeSign('sha256', message, { key: pair.privatePem, dsaEncoding: 'ieee-p1363' });
        assert.equal(await verifySignature(key, message, p1363), true, 'raw from OpenSSL accepted');
        // Non-minimal DER (an extra leading zero on r) is refused, as OpenSSL refuses it.
        const rLen = sig[3]!;
        const padded = Uint8Array.from([0x30, sig[1]! + 1, 0x02, rLen + 1, 0x00, ...sig.subarray(4)]);
        assert.equal(ecdsaDerToRaw(padded), undefined);
        assert.equal(await verifySignature(key, message, sig.subarray(0, sig.length - 1)), false, 'truncated DER');
      } else {
        assert.equal(await verifySignature(key, message, sig.subarray(0, 63)), false);
      }
    }
    await rejectsWith(importSpkiPem(generateReleaseKeyPair('ed25519').publicPem, 'ecdsa-p256'), 'TRUST_INVALID');
  });

  it('namespace patterns cover purls as src/release/purl.ts scopeCovers does', () => {
    const patterns = ['pkg:*/demo-northwind', 'pkg:generic/demo-northwind', 'pkg:npm/Acme', 'pkg:*/*', 'pkg:generic/*', 'pkg:*/a/b', 'pkg:pypi/demo-northwind', 'pkg:pypi/Acme_SDK', 'pkg:npm/@acme', 'pkg:npm/@acme/cli', 'pkg:generic/a/name', 'pkg:*/agent'];
    const purls = [
      'pkg:generic/demo-northwind/agent@1.0.0',
      'pkg:npm/demo-northwind/agent@1.0.0',
      'pkg:generic/demo-northwind-evil/agent@1.0.0',
      'pkg:generic/agent@1.0.0',
      'pkg:NPM/ACME/thing@2',
      'pkg:generic/a/b/c/name@1?arch=x#sub',
      'pkg:generic/a/name@1',
      'pkg:generic/demo%2Dnorthwind/agent@1',
      'pkg:generic/other/demo-northwind@1',
      'pkg:pypi/acme-sdk@2.0',
      'pkg:pypi/acme_sdk_evil@2.0',
      'pkg:npm/%40acme/cli@1',
      'pkg:npm/@acme/other@1',
      'pkg:pypi/demo-northwind@1',
    ];
    for (const pat of patterns) {
      const web = parsePurlScope(pat)!;
      const server = serverParseScope(pat);
      for (const p of purls) assert.equal(scopeCovers(web, p), serverScopeCovers(server, parsePurl(p)), `${pat} covers ${p}`);
    }
    assert.equal(scopeCovers(parsePurlScope('pkg:*/demo-northwind')!, 'pkg:generic/demo-northwind/agent@1.0.0'), true);
    assert.equal(scopeCovers(parsePurlScope('pkg:*/demo-northwind')!, 'pkg:generic/demo-fabrikam/agent@1.0.0'), false);
    for (const bad of ['pkg:*', 'pkg:*/', 'pkg:*/a//b', 'pkg:*/a/*', 'pkg:*/a@1', 'pkg:npm/@a@1', 'pkg:npm/a?x=1', 'npm/a', 'pkg:Bad Type/a']) {
      assert.equal(parsePurlScope(bad), undefined, bad);
      assert.throws(() => serverParseScope(bad), bad);
    }
  });

  it('accepts only an unrevoked trusted key allowed for every purl, and says why otherwise', async () => {
    const ed = generateReleaseKeyPair('ed25519');
    const ec = generateReleaseKeyPair('ecdsa-p256');
    const gone = generateReleaseKeyPair('ed25519');
    const key = (k: typeof ed, algorithm: string, revoked_at: string | null = null, purl_namespaces = ['pkg:*/demo-northwind']) => ({
      key_id: k.keyId,
      algorithm,
      public_key: k.publicPem,
      created_at: '2026-01-01T00:00:00Z',
      revoked_at,
      purl_namespaces,
      unknown_field: 'ignored',
    });
    const trustText = JSON.stringify({
      type: 'accord-trust',
      version: 1,
      generated_at: '2026-01-01T00:00:00Z',
      log: { origin: TEST_LOG.name, vkey: TEST_LOG_VKEY, witnesses: [], quorum: 0 },
      signatories: [
        { slug: 'demo-northwind', name: 'Demo · Northwind Security', keys: [key(ed, 'ed25519'), key(gone, 'ed25519', '2026-02-01T00:00:00Z')] },
        { slug: 'demo-fabrikam', name: 'Demo · Fabrikam', keys: [key(ec, 'ecdsa-p256', null, ['pkg:generic/demo-fabrikam'])] },
      ],
    });
    const trust = await parseTrust(trustText);
    assert.equal(trust.keys.length, 3);

    const purl = 'pkg:generic/demo-northwind/agent@1.0.0';
    const statement = utf8(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicate: { purl } }));
    const envelopeBy = (pem: string, keyid?: string) => {
      const env = signEnvelope(TYPE, statement, [importPrivateKey(pem)]);
      const sigs = env.signatures.map((s) => (keyid === undefined ? s : keyid === '' ? { sig: s.sig } : { ...s, keyid }));
      return parseDsseEnvelope(utf8(serializeEnvelope({ ...env, signatures: sigs })));
    };

    const ok = await checkSigner(envelopeBy(ed.privatePem), [purl], trust);
    assert.equal(ok.ok, true, ok.message);
    assert.match(ok.message, new RegExp(`^signed by Demo · Northwind Security \\(demo-northwind\\) with ed25519 key ${ed.keyId.slice(0, 16)}…, allowed for ${purl.replace(/[.@]/g, '\\$&')}$`));
    // No keyid, or one naming no trusted key: every key is tried.
    assert.equal((await checkSigner(envelopeBy(ed.privatePem, ''), [purl], trust)).ok, true);
    assert.equal((await checkSigner(envelopeBy(ed.privatePem, 'not-a-key'), [purl], trust)).ok, true);

    const revoked = await checkSigner(envelopeBy(gone.privatePem), [purl], trust);
    assert.deepEqual([revoked.ok, revoked.code], [false, 'KEY_REVOKED']);
    assert.match(revoked.message, /which was revoked at 2026-02-01T00:00:00Z/);

    const scope = await checkSigner(envelopeBy(ec.privatePem), [purl], trust);
    assert.deepEqual([scope.ok, scope.code], [false, 'PURL_NOT_ALLOWED']);
    assert.match(scope.message, /may sign only pkg:generic\/demo-fabrikam, not pkg:generic\/demo-northwind/);
    assert.equal((await checkSigner(envelopeBy(ec.privatePem), ['pkg:generic/demo-fabrikam/x@1'], trust)).ok, true, 'ECDSA DER signature, in scope');
    assert.equal((await checkSigner(envelopeBy(ed.privatePem), [purl, 'pkg:generic/demo-fabrikam/x@1'], trust)).code, 'PURL_NOT_ALLOWED', 'every purl must be covered');

    const stranger = await checkSigner(envelopeBy(generateReleaseKeyPair().privatePem), [purl], trust);
    assert.deepEqual([stranger.ok, stranger.code], [false, 'KEY_UNKNOWN']);

    const env = envelopeBy(ed.privatePem);
    const tampered = { ...env, payload: utf8(new TextDecoder().decode(env.payload).replace('agent', 'agenT')) };
    const bad = await checkSigner(tampered, [purl], trust);
    assert.deepEqual([bad.ok, bad.code], [false, 'SIGNATURE_INVALID']);
    assert.match(bad.message, /Demo · Northwind Security's key .* does not verify/);
  });

  it('refuses malformed trust files', async () => {
    const k = generateReleaseKeyPair('ed25519');
    const file = (keyPatch: Record<string, unknown>) =>
      JSON.stringify({
        type: 'accord-trust',
        version: 2,
        policy: `log ${TEST_LOG_VKEY}\nquorum none\n`,
        signatories: [{ slug: 's', name: 'S', keys: [{ key_id: k.keyId, algorithm: 'ed25519', public_key: k.publicPem, revoked_at: null, purl_namespaces: ['pkg:*/s'], ...keyPatch }] }],
      });
    assert.equal((await parseTrust(file({}))).keys.length, 1);
    await rejectsWith(parseTrust('nope'), 'TRUST_INVALID');
    await rejectsWith(parseTrust(JSON.stringify({ type: 'accord-trust', version: 3, signatories: [] })), 'TRUST_INVALID', /version 3/);
    // The policy is read now: garbage, a missing policy or one naming no log refuse the file, as src/release/trust.ts does.
    await rejectsWith(parseTrust(JSON.stringify({ type: 'accord-trust', version: 2, policy: 'ignored here', signatories: [] })), 'TRUST_INVALID', /^trust file: policy: policy line 1: unknown keyword "ignored"$/);
    await rejectsWith(parseTrust(JSON.stringify({ type: 'accord-trust', version: 2, signatories: [] })), 'TRUST_INVALID', /policy must be/);
    await rejectsWith(parseTrust(JSON.stringify({ type: 'accord-trust', version: 2, policy: 'quorum none\n', signatories: [] })), 'TRUST_INVALID', /names no log/);
    await rejectsWith(parseTrust(JSON.stringify({ type: 'accord-trust', version: 1, signatories: [] })), 'TRUST_INVALID', /log must be an object/);
    await rejectsWith(parseTrust(file({ key_id: 'ab'.repeat(32) })), 'TRUST_INVALID', /not the SHA-256 of its public key/);
    await rejectsWith(parseTrust(file({ algorithm: 'ecdsa-p256' })), 'TRUST_INVALID');
    await rejectsWith(parseTrust(file({ purl_namespaces: ['pkg:*/s/*'] })), 'TRUST_INVALID', /is not a pattern/);
    await rejectsWith(parseTrust(file({ purl_namespaces: [] })), 'TRUST_INVALID');
    await rejectsWith(parseTrust(file({ revoked_at: 'yesterday' })), 'TRUST_INVALID');
  });
});

describe('witness policies (web/src/verify/policy.ts) against src/ledger/policy.ts', () => {
  interface KeyVector {
    type: 'log' | 'cosigner';
    seed: string;
    name: string;
    vkey: string;
  }
  const PV = vector<{
    keys: Record<string, KeyVector>;
    example: { policy: string; quorum: { cosigned: string[]; satisfied: boolean }[] };
    valid: { description: string; policy: string; logs: string[]; witnesses: string[]; groups: { name: string; threshold: number; members: string[] }[]; quorum: string }[];
    invalid: { description: string; policy: string; code: string; line: number }[];
  }>('tlog-policy.json');
  const fill = (t: string) => t.replace(/\{([A-Za-z0-9-]+)\}/g, (_, label: string) => PV.keys[label]!.vkey);
  const seed = (label: string) => new Uint8Array(createHash('sha256').update(`accord tlog-policy vector ${label}`, 'utf8').digest());
  const cosignerOf = (label: string): Cosigner => cosignerFromSeed(PV.keys[label]!.name, seed(PV.keys[label]!.seed));
  const shape = (p: ParsedPolicy | ReturnType<typeof serverParsePolicy>) => ({
    logs: p.logs.map((l) => l.origin),
    witnesses: p.witnesses.map((w) => w.name),
    groups: p.groups.map((g) => ({ name: g.name, threshold: g.threshold, members: [...g.members] })),
    quorum: p.quorum,
  });
  const lineOf = (message: string) => Number(/policy line (\d+): /.exec(message)?.[1]);

  /** The web parser's verdict, and the server's, on one text: the parsed shape or the refused line. */
  async function both(text: string): Promise<{ web: unknown; server: unknown }> {
    let web: unknown;
    let server: unknown;
    try {
      web = shape(await parsePolicy(text));
    } catch (err) {
      assert.ok(err instanceof VerifyError && err.code === 'POLICY_INVALID', `web threw ${String(err)} for ${JSON.stringify(text)}`);
      web = { refused: lineOf(err.message) };
    }
    try {
      server = shape(serverParsePolicy(text));
    } catch (err) {
      assert.ok(err instanceof LedgerError, String(err));
      server = { refused: lineOf(err.message) };
    }
    return { web, server };
  }

  it('parses every valid tlog-policy vector as the vector and the server do', async () => {
    for (const c of PV.valid) {
      const { logs, witnesses, groups, quorum } = c;
      const { web, server } = await both(fill(c.policy));
      assert.deepEqual(web, { logs, witnesses, groups, quorum }, c.description);
      assert.deepEqual(web, server, c.description);
    }
  });

  it('refuses every invalid tlog-policy vector on the same line as the server, with a clear POLICY_INVALID', async () => {
    for (const c of PV.invalid) {
      const { web, server } = await both(fill(c.policy));
      assert.deepEqual(web, { refused: c.line }, c.description);
      assert.deepEqual(web, server, c.description);
    }
    await rejectsWith(parsePolicy('log x\n'), 'POLICY_INVALID', /^policy line 1: log key: a verifier key looks like/);
    await rejectsWith(parsePolicy(`quorum none\n${'#'.repeat(1 << 20)}`), 'POLICY_INVALID', /byte limit/);
    await rejectsWith(parsePolicy('quorum none\n# \ud800\n'), 'POLICY_INVALID', /^policy line 2: a lone UTF-16 surrogate/);
    await rejectsWith(parsePolicy(`log ${TEST_LOG_VKEY}\n\nlog ${TEST_LOG_VKEY}\nquorum none\n`), 'POLICY_INVALID', /^policy line 3: duplicate log: the same public key/);
  });

  it('agrees with the server on random mutations of valid policies (accepts, or refuses on the same line)', async () => {
    const rand = prng(0x7109);
    const pieces = [' ', '\t', '\n', '#', 'none', 'all', 'any', '0', '2', 'X1', 'g', 'group', 'quorum', 'witness', 'log', '+', '=', 'A', '\u00e9', '\r', '\u00a0', 'K'];
    const texts = PV.valid.map((c) => fill(c.policy));
    const outcomes = { accepted: 0, refused: 0 };
    for (let i = 0; i < 400; i++) {
      let t = texts[Math.floor(rand() * texts.length)]!;
      if (rand() < 0.5) {
        // Whole lines dropped, repeated or moved: definitions out of order, twice, or missing.
        const lines = t.split('\n');
        const a = Math.floor(rand() * lines.length);
        const b = Math.floor(rand() * lines.length);
        const op = Math.floor(rand() * 3);
        if (op === 0) lines.splice(a, 1);
        else if (op === 1) lines.splice(b, 0, lines[a]!);
        else [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        t = lines.join('\n');
      } else for (let j = 1 + Math.floor(rand() * 3); j > 0; j--) {
        const at = Math.floor(rand() * (t.length + 1));
        const cut = rand() < 0.5 ? Math.floor(rand() * 4) : 0;
        t = t.slice(0, at) + pieces[Math.floor(rand() * pieces.length)]! + t.slice(at + cut);
      }
      const { web, server } = await both(t);
      assert.deepEqual(web, server, JSON.stringify(t));
      outcomes[(web as { refused?: number }).refused === undefined ? 'accepted' : 'refused']++;
    }
    assert.ok(outcomes.accepted > 40 && outcomes.refused > 100, `both outcomes are exercised: ${JSON.stringify(outcomes)}`);
  });

  it('evaluates nested quorums as src/ledger/policy.ts quorumSatisfied does', async () => {
    const text = fill(PV.example.policy);
    const web = await parsePolicy(text);
    const server = serverParsePolicy(text);
    for (const q of PV.example.quorum) {
      assert.equal(quorumSatisfied(web, new Set(q.cosigned)), q.satisfied, q.cosigned.join(' '));
    }
    const nested = await parsePolicy(fill('witness A {X1}\nwitness B {X2}\nwitness C {X3}\nwitness D {Y1}\ngroup ab any A B\ngroup cd all C D\ngroup top 2 ab cd A\ngroup root all top\nquorum root\n'));
    const nestedServer = serverParsePolicy(fill('witness A {X1}\nwitness B {X2}\nwitness C {X3}\nwitness D {Y1}\ngroup ab any A B\ngroup cd all C D\ngroup top 2 ab cd A\ngroup root all top\nquorum root\n'));
    for (const [p, sp, names] of [
      [web, server, ['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3']],
      [nested, nestedServer, ['A', 'B', 'C', 'D']],
    ] as const) {
      for (let mask = 0; mask < 1 << names.length; mask++) {
        const set = new Set(names.filter((_, i) => mask & (1 << i)));
        assert.equal(quorumSatisfied(p, set), serverQuorumSatisfied(sp, set), [...set].join(' '));
      }
    }
  });

  describe('cosigned checkpoints: the web verdict is the server verifyCheckpointWithPolicy verdict', () => {
    const log = signerFromSeed(PV.keys.log!.name, seed(PV.keys.log!.seed));
    const root = createHash('sha256').update('root').digest();
    const note = signCheckpoint({ origin: log.name, size: 1234, rootHash: new Uint8Array(root), extensions: [] }, [log]);
    const labels = ['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'] as const;
    const cosign = (n: string, by: readonly string[], at = 1_760_000_000) => by.reduce((acc, l, i) => addCosignature(acc, cosignerOf(l), at + i), n);

    /** true, or the server's / web's error code. */
    async function verdicts(text: string, cosigned: string): Promise<{ web: true | string; server: true | string; detail: string }> {
      let server: true | string = true;
      try {
        verifyCheckpointWithPolicy(cosigned, serverParsePolicy(text));
      } catch (err) {
        server = (err as LedgerError).code;
      }
      const r = await checkWitnesses(parseNote(cosigned), await parsePolicy(text));
      return { web: r.ok ? true : r.code!, server, detail: r.detail };
    }
    // Server codes and the web's for the same failure.
    const SAME: Record<string, string> = { COSIGNATURE_QUORUM_NOT_MET: 'COSIGNATURE_QUORUM_NOT_MET', NOTE_SIGNATURE_INVALID: 'COSIGNATURE_INVALID', COSIGNATURE_MALFORMED: 'COSIGNATURE_INVALID' };
    const agree = (v: { web: true | string; server: true | string }, what: string) => assert.equal(v.web, v.server === true ? true : SAME[v.server], `${what}: web ${v.web}, server ${v.server}`);

    it('the spec example (2 of X and 1 of Y, nested) for every subset of its six witnesses', async () => {
      const text = fill(PV.example.policy);
      for (let mask = 0; mask < 1 << labels.length; mask++) {
        const by = labels.filter((_, i) => mask & (1 << i));
        agree(await verdicts(text, cosign(note, by)), by.join(' '));
      }
      const ok = await verdicts(text, cosign(note, ['X1', 'Y2', 'X3']));
      assert.equal(ok.detail, '3 of 6 witnesses cosigned (X1, X3, Y2), which satisfies quorum "X-and-Y"');
      const short = await verdicts(text, cosign(note, ['X1', 'Y1']));
      assert.equal(short.detail, '2 of 6 witnesses cosigned (X1, Y1), which does not satisfy quorum "X-and-Y"; no cosignature by X2, X3, Y2, Y3');
    });

    it('quorum none passes with or without cosignatures; a k-of-n group counts distinct witnesses', async () => {
      const none = fill('log {log}\nwitness A {X1}\nquorum none\n');
      for (const by of [[], ['X1'], ['X1', 'X2']]) agree(await verdicts(none, cosign(note, by)), `none ${by.join(' ')}`);
      assert.equal((await verdicts(none, note)).detail, 'no witness cosignature required (quorum none)');
      assert.equal((await verdicts(none, cosign(note, ['X1']))).detail, 'no witness cosignature required (quorum none); cosigned by A');
      const twoOfThree = fill('log {log}\nwitness a1 {X1}\nwitness b1 {X2}\nwitness c1 {X3}\ngroup both 2 a1 b1 c1\nquorum both\n');
      const twice = addCosignature(cosign(note, ['X1']), cosignerOf('X1'), 1_760_000_100);
      agree(await verdicts(twoOfThree, twice), 'one witness twice');
      assert.equal((await verdicts(twoOfThree, twice)).web, 'COSIGNATURE_QUORUM_NOT_MET');
      const v = await verdicts(twoOfThree, cosign(note, ['X1', 'X2']));
      agree(v, 'two of three');
      assert.equal(v.detail, '2 of 3 witnesses cosigned (a1, b1), which satisfies quorum "both"');
    });

    it('a listed witness’s bad cosignature fails even when the quorum is met; an unlisted one is ignored', async () => {
      const text = fill('log {log}\nwitness A {X1}\nwitness B {X2}\nwitness C {X3}\ngroup any1 any A B C\nquorum any1\n');
      const good = cosign(note, ['X1', 'X2']);
      agree(await verdicts(text, good), 'good');
      const lines = good.split('\n');
      const flip = (line: string) => {
        const [dash, name, b64] = line.split(' ') as [string, string, string];
        const raw = Buffer.from(b64, 'base64');
        raw[raw.length - 1]! ^= 1;
        return `${dash} ${name} ${raw.toString('base64')}`;
      };
      const x2 = lines.findIndex((l) => l.startsWith(`— ${PV.keys.X2!.name} `));
      const bad = [...lines];
      bad[x2] = flip(lines[x2]!);
      const v = await verdicts(text, bad.join('\n'));
      agree(v, 'flipped');
      assert.equal(v.web, 'COSIGNATURE_INVALID');
      assert.match(v.detail, /^the cosignature of x2\.witness\.example \(witness B\) does not verify/);
      // A timestamp changed after signing: the signature covers it.
      const retimed = [...lines];
      const [dash, name, b64] = lines[x2]!.split(' ') as [string, string, string];
      const raw = Buffer.from(b64, 'base64');
      raw.writeBigUInt64BE(raw.readBigUInt64BE(4) + 1n, 4);
      retimed[x2] = `${dash} ${name} ${raw.toString('base64')}`;
      agree(await verdicts(text, retimed.join('\n')), 'retimed');
      // A line with a listed witness's name and key ID but the wrong length.
      const truncated = [...lines];
      truncated[x2] = `${dash} ${name} ${raw.subarray(0, 40).toString('base64')}`;
      agree(await verdicts(text, truncated.join('\n')), 'truncated');
      assert.equal((await verdicts(text, truncated.join('\n'))).web, 'COSIGNATURE_INVALID');
      // A witness the policy does not list, with a broken cosignature: ignored by both.
      const unlisted = fill('log {log}\nwitness A {X1}\nquorum A\n');
      const v2 = await verdicts(unlisted, bad.join('\n'));
      agree(v2, 'unlisted');
      assert.equal(v2.web, true);
      // The checkpoint text altered after cosigning: every listed cosignature fails (the log signature too, on the server).
      const altered = good.replace('\n1234\n', '\n1235\n');
      const v3 = await checkWitnesses(parseNote(altered), await parsePolicy(text));
      assert.deepEqual([v3.ok, v3.code], [false, 'COSIGNATURE_INVALID']);
    });

    it('reads version 1 `log` fields as the k-of-n policy src/release/trust.ts writes', async () => {
      const logVkey = PV.keys.log!.vkey;
      const w = (l: string) => PV.keys[l]!.vkey;
      const renamed = cosignerVerifierKey('none', cosignerOf('Y1').publicKey);
      for (const fields of [
        { origin: log.name, vkey: logVkey, witnesses: [], quorum: 0 },
        { origin: log.name, vkey: logVkey, witnesses: [w('X1'), w('X2')], quorum: 2 },
        { origin: log.name, vkey: logVkey, witnesses: [w('X1'), w('X2'), w('X3')], quorum: 2 },
        { origin: log.name, vkey: logVkey, witnesses: [w('X1'), renamed], quorum: 0 },
      ]) {
        const text = await policyFromLogFields(fields);
        assert.equal(text, serverPolicyFromLogFields(fields), JSON.stringify(fields));
        const trust = await parseTrust(JSON.stringify({ type: 'accord-trust', version: 1, log: fields, signatories: [] }));
        assert.deepEqual(shape(trust.policy), shape(serverParsePolicy(text)));
      }
      for (const [fields, message] of [
        [{ origin: 'other', vkey: logVkey, witnesses: [], quorum: 0 }, /log\.origin "other" is not the name of log\.vkey/],
        [{ origin: log.name, vkey: logVkey, witnesses: [w('X1')], quorum: 2 }, /log\.quorum must be a whole number from 0 to the number of witnesses \(1\)/],
        [{ origin: log.name, vkey: logVkey, witnesses: [logVkey], quorum: 0 }, /log\.witnesses\[0\] is not a cosigner verifier key/],
        [{ origin: log.name, vkey: w('X1'), witnesses: [], quorum: 0 }, /log\.vkey is not an Ed25519 note verifier key/],
        [{ origin: log.name, vkey: logVkey, witnesses: [w('X1'), w('X1')], quorum: 1 }, /duplicate witness/],
      ] as const) {
        await rejectsWith(parseTrust(JSON.stringify({ type: 'accord-trust', version: 1, log: fields, signatories: [] })), 'TRUST_INVALID', message);
        assert.throws(() => serverPolicyFromLogFields(fields));
      }
    });
  });
});
