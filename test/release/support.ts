// Shared by the release tests: a signatory key, statements, a small in-memory
// log that signs checkpoints, and trust files around them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { hashLeaf, MemoryMerkleTree } from '../../src/ledger/merkle.js';
import { generateSeed, signerFromSeed, verifierKey, type NoteSigner } from '../../src/ledger/note-key.js';
import { formatTlogProof } from '../../src/ledger/proof.js';
import { canonicalEnvelopeBytes, IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope, type DsseEnvelope } from '../../src/release/dsse.js';
import { ReleaseError } from '../../src/release/errors.js';
import { generateReleaseKeyPair, importPrivateKey, type ReleaseKeyAlgorithm, type ReleasePrivateKey } from '../../src/release/keys.js';
import { buildReleaseStatement } from '../../src/release/statement.js';
import { buildTrustFile, type TrustFile } from '../../src/release/trust.js';
import { cli, ensureBuilt, type RunResult } from '../cli/helpers.js';

/** Runs the built CLI (`accord ARGS…`, test/cli/helpers.ts) without the caller's ACCORD_* environment. */
export async function accord(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  await ensureBuilt();
  return cli(args, { env });
}


export function loadVector<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as T;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Asserts `fn` throws a ReleaseError with `code` (and, if given, a message matching `message`). */
export function throwsRelease(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ReleaseError, `expected a ReleaseError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

export interface TestKey {
  key: ReleasePrivateKey;
  pem: string;
  keyId: string;
}

export function newKey(algorithm: ReleaseKeyAlgorithm = 'ed25519'): TestKey {
  const pair = generateReleaseKeyPair(algorithm);
  return { key: importPrivateKey(pair.privatePem), pem: pair.publicPem, keyId: pair.keyId };
}

/** A release envelope for `files` (name → bytes) of `purl`, signed by `keys`. */
export function releaseEnvelope(purl: string, files: Record<string, Uint8Array | string>, keys: TestKey[]): DsseEnvelope {
  const statement = buildReleaseStatement({ purl, subjects: Object.entries(files).map(([name, data]) => ({ name, sha256: sha256(data) })) });
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, keys.map((k) => k.key));
}

/** A log kept in memory: entries, a Merkle tree, a signing key; proofs in c2sp.org/tlog-proof form. */
export class MemoryLog {
  readonly tree = new MemoryMerkleTree();
  readonly signer: NoteSigner;
  constructor(readonly origin = 'example.test/log') {
    this.signer = signerFromSeed(origin, generateSeed());
  }
  get vkey(): string {
    return verifierKey(this.signer.name, this.signer.publicKey);
  }
  append(entry: Uint8Array): number {
    return this.tree.append(hashLeaf(entry));
  }
  appendEnvelope(envelope: DsseEnvelope): number {
    return this.append(canonicalEnvelopeBytes(envelope));
  }
  checkpoint(signer: NoteSigner = this.signer): string {
    return signCheckpoint({ origin: this.origin, size: this.tree.size, rootHash: this.tree.treeHash(), extensions: [] }, [signer]);
  }
  proof(index: number, checkpoint = this.checkpoint()): string {
    return formatTlogProof({ index, inclusionProof: this.tree.inclusionProof(index), checkpoint });
  }
}

/** A trust file for `log` naming each signatory's keys (default namespaces from the slug). */
export function trustFor(log: MemoryLog, signatories: { slug: string; keys: { key: TestKey; revoked_at?: string; purl_namespaces?: string[] }[] }[], policy: { witnesses?: string[]; quorum?: number } = {}): TrustFile {
  return buildTrustFile({
    generatedAt: '2025-01-01T00:00:00.000Z',
    log: { origin: log.origin, vkey: log.vkey, ...policy },
    signatories: signatories.map((s) => ({
      slug: s.slug,
      name: `Test ${s.slug}`,
      keys: s.keys.map((k) => ({
        key_id: k.key.keyId,
        algorithm: k.key.key.algorithm,
        public_key: k.key.pem,
        created_at: '2025-01-01T00:00:00.000Z',
        revoked_at: k.revoked_at ?? null,
        ...(k.purl_namespaces ? { purl_namespaces: k.purl_namespaces } : {}),
      })),
    })),
  });
}

/**
 * Registers a fresh release key for `slug` (as the secretariat) and returns a
 * publishable envelope (as JSON) of a fresh release in that organisation's
 * namespace: for tests that need a valid POST /api/v1/releases body.
 */
export async function publishableRelease(
  h: { call(method: string, url: string, opts?: { token?: string | null; body?: unknown }): Promise<{ statusCode: number; body: string }>; init: { admin_token: string } },
  slug: string,
): Promise<Record<string, unknown>> {
  const key = newKey();
  const r = await h.call('POST', `/api/v1/orgs/${slug}/keys`, { token: h.init.admin_token, body: { name: 'release', public_key: key.pem } });
  assert.equal(r.statusCode, 201, r.body);
  const version = `1.0.0-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 8)}`;
  return JSON.parse(serializeEnvelope(releaseEnvelope(`pkg:generic/${slug}/matrix@${version}`, { 'matrix.tgz': version }, [key]))) as Record<string, unknown>;
}
