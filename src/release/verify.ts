import { createHash } from 'node:crypto';
import { openCheckpoint, parseCheckpoint } from '../ledger/checkpoint.js';
import { verifyCosignatures } from '../ledger/cosignature.js';
import { QUORUM_NONE, quorumSatisfied } from '../ledger/policy.js';
import { hashLeaf, verifyInclusion } from '../ledger/merkle.js';
import { parseNote } from '../ledger/note.js';
import { parseTlogProof, type TlogProof } from '../ledger/proof.js';
import { AccordError } from '../errors.js';
import { canonicalEnvelopeBytes, checkSignatures, parseEnvelope, type DsseEnvelope } from './dsse.js';
import { ReleaseError } from './errors.js';
import { formatPurl, scopeCovers } from './purl.js';
import { statementFromEnvelope, type Statement } from './statement.js';
import { parseTrustFile, type TrustedKey, type TrustFile, type TrustPolicy } from './trust.js';

/**
 * Offline release verification ("verify before install"): is this file what a
 * trusted signatory released, and is that release in the coalition's log?
 * Pure and synchronous, shared by the server, the CLI and the web console.
 */

/** The checks, in the order they are reported. */
export const RELEASE_CHECKS = ['envelope', 'statement', 'subject', 'signature', 'log-inclusion', 'log-signature', 'witnesses'] as const;
export type ReleaseCheckName = (typeof RELEASE_CHECKS)[number];

export interface ReleaseCheck {
  readonly name: ReleaseCheckName;
  readonly ok: boolean;
  /** For people: what was established, or what is wrong. */
  readonly message: string;
  /** The error code behind a failure, when there is one. */
  readonly code?: string;
}

export interface VerifyReleaseInput {
  /** The artifact's bytes, or its SHA-256 (lowercase hex); exactly one. */
  readonly file?: Uint8Array;
  readonly sha256?: string;
  /** The DSSE envelope (any JSON spelling; its canonical form is what the log holds). */
  readonly envelope: string | Uint8Array;
  /** The c2sp.org/tlog-proof text for the envelope's log entry. */
  readonly proof: string | Uint8Array;
  /** The trust file (text, parsed JSON, or already checked). Malformed: `RELEASE_TRUST_INVALID` is thrown. */
  readonly trust: TrustPolicy | TrustFile | string | Uint8Array;
}

export interface VerifyReleaseResult {
  /** True when every check passed. */
  readonly ok: boolean;
  readonly checks: readonly ReleaseCheck[];
  readonly sha256: string;
  readonly statement?: Statement;
  /** The trusted key whose signature was accepted. */
  readonly signer?: { readonly signatory: string; readonly name: string; readonly keyId: string; readonly algorithm: string };
  /** The entry's index and the size of the checkpoint the proof is against. */
  readonly index?: number;
  readonly treeSize?: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isPolicy(t: VerifyReleaseInput['trust']): t is TrustPolicy {
  return typeof t === 'object' && !(t instanceof Uint8Array) && 'file' in t && 'keys' in t;
}

function reason(err: unknown): { message: string; code?: string } {
  if (err instanceof AccordError) return { message: err.message, code: err.code };
  return { message: err instanceof Error ? err.message : String(err) };
}

function shortId(keyId: string): string {
  return `${keyId.slice(0, 16)}…`;
}

/** Verifies a release offline; only a malformed trust file or missing/garbled digest input throws. */
export function verifyRelease(input: VerifyReleaseInput): VerifyReleaseResult {
  const trust = isPolicy(input.trust) ? input.trust : parseTrustFile(input.trust);
  let sha256: string;
  if (input.file !== undefined) {
    sha256 = createHash('sha256').update(input.file).digest('hex');
  } else if (typeof input.sha256 === 'string' && SHA256_HEX.test(input.sha256.toLowerCase())) {
    sha256 = input.sha256.toLowerCase();
  } else {
    throw new ReleaseError('RELEASE_SUBJECT_MISMATCH', 'give the file or its SHA-256 (64 hex digits)');
  }

  const checks: ReleaseCheck[] = [];
  const pass = (name: ReleaseCheckName, message: string) => checks.push({ name, ok: true, message });
  const fail = (name: ReleaseCheckName, message: string, code?: string) => checks.push(code === undefined ? { name, ok: false, message } : { name, ok: false, message, code });
  const failWith = (name: ReleaseCheckName, err: unknown, prefix = '') => {
    const r = reason(err);
    fail(name, prefix + r.message, r.code);
  };

  // 1. The envelope.
  let envelope: DsseEnvelope | undefined;
  try {
    envelope = parseEnvelope(input.envelope);
    pass('envelope', `DSSE envelope (${envelope.payloadType}) with ${envelope.signatures.length} signature(s)`);
  } catch (err) {
    failWith('envelope', err);
  }

  // 2. The statement inside it.
  let statement: Statement | undefined;
  if (envelope === undefined) {
    fail('statement', 'not checked: the envelope is malformed');
  } else {
    try {
      statement = statementFromEnvelope(envelope);
      pass('statement', `in-toto Statement v1, ${statement.predicateType}, for ${statement.purls.map(formatPurl).join(', ')}`);
    } catch (err) {
      failWith('statement', err);
    }
  }

  // 3. The file is one of its subjects.
  if (statement === undefined) {
    fail('subject', 'not checked: no valid statement');
  } else {
    const match = statement.subjects.find((s) => s.sha256 === sha256);
    if (match) pass('subject', `sha256 ${sha256} is subject ${JSON.stringify(match.name ?? match.uri ?? '_')}`);
    else {
      const names = statement.subjects.slice(0, 5).map((s) => JSON.stringify(s.name ?? s.uri ?? '_')).join(', ');
      fail('subject', `sha256 ${sha256} is not among the statement's ${statement.subjects.length} subject(s) (${names}${statement.subjects.length > 5 ? ', …' : ''}): the file is not the one released`, 'RELEASE_SUBJECT_MISMATCH');
    }
  }

  // 4. A trusted, unrevoked key allowed for the purl(s) signed it.
  let signer: TrustedKey | undefined;
  if (envelope === undefined) {
    fail('signature', 'not checked: the envelope is malformed');
  } else {
    const outcomes = checkSignatures(envelope, trust.keys.map((k) => k.key));
    const verified = outcomes.flatMap((o) => (o.key ? [trust.keys.find((k) => k.key.keyId === o.key!.keyId)!] : []));
    if (verified.length === 0) {
      const named = outcomes.find((o) => o.candidates > 0 && o.keyid !== undefined);
      if (named) {
        const k = trust.keys.find((t) => t.key.keyId === named.keyid)!;
        fail('signature', `the signature by ${k.signatory}'s key ${shortId(k.key.keyId)} does not verify: the statement or envelope was altered`, 'RELEASE_SIGNATURE_INVALID');
      } else {
        const ids = outcomes.map((o) => (o.keyid === undefined ? '(no keyid)' : JSON.stringify(shortId(o.keyid)))).join(', ');
        fail('signature', `no signature verifies with a key in the trust file (signatures: ${ids})`, 'RELEASE_KEY_UNKNOWN');
      }
    } else if (statement === undefined) {
      fail('signature', `signed by ${verified[0]!.signatory}, but not checked further: no valid statement`);
    } else {
      const purls = statement.purls;
      const allowed = (k: TrustedKey) => purls.every((p) => k.scopes.some((s) => scopeCovers(s, p)));
      signer = verified.find((k) => k.revokedAt === null && allowed(k));
      if (signer) {
        pass('signature', `signed by ${signer.signatory} (${signer.signatoryName}) with ${signer.key.algorithm} key ${shortId(signer.key.keyId)}, allowed for ${purls.map(formatPurl).join(', ')}`);
      } else {
        const revoked = verified.find((k) => k.revokedAt !== null);
        const outOfScope = verified.find((k) => k.revokedAt === null);
        if (outOfScope) {
          fail('signature', `${outOfScope.signatory}'s key ${shortId(outOfScope.key.keyId)} may sign only ${outOfScope.namespaces.join(', ')}, not ${purls.map(formatPurl).join(', ')}`, 'RELEASE_PURL_NOT_ALLOWED');
        } else {
          fail('signature', `signed by ${revoked!.signatory}'s key ${shortId(revoked!.key.keyId)}, which was revoked at ${revoked!.revokedAt}`, 'RELEASE_KEY_REVOKED');
        }
      }
    }
  }

  // 5–7. The log: inclusion of the exact envelope, the log's signature, the witnesses.
  let proof: TlogProof | undefined;
  let proofError: unknown;
  try {
    proof = parseTlogProof(input.proof);
  } catch (err) {
    proofError = err;
  }
  let index: number | undefined;
  let treeSize: number | undefined;
  if (proof === undefined) {
    for (const name of ['log-inclusion', 'log-signature', 'witnesses'] as const) failWith(name, proofError, 'the proof is malformed: ');
  } else {
    index = proof.index;
    if (envelope === undefined) {
      fail('log-inclusion', 'not checked: the envelope is malformed');
    } else {
      try {
        const leaf = hashLeaf(canonicalEnvelopeBytes(envelope));
        // The root is only as good as the checkpoint's signature, checked next.
        const checkpoint = parseCheckpoint(parseNote(proof.checkpoint).text);
        treeSize = checkpoint.size;
        verifyInclusion(leaf, proof.index, checkpoint.size, proof.inclusionProof, checkpoint.rootHash);
        pass('log-inclusion', `the envelope is entry ${proof.index} of the log at tree size ${checkpoint.size} (leaf ${Buffer.from(leaf).toString('hex').slice(0, 16)}…)`);
      } catch (err) {
        failWith('log-inclusion', err, `entry ${proof.index}: `);
      }
    }
    // The checkpoint against the trust file's tlog-policy: one of its logs signed it, and its witnesses satisfy the quorum.
    const { policy } = trust;
    try {
      const { origin } = parseCheckpoint(parseNote(proof.checkpoint).text);
      const logs = policy.logs.filter((l) => l.origin === origin);
      if (logs.length === 0) {
        fail('log-signature', `the checkpoint is for ${JSON.stringify(origin)}, a log the trust file's policy does not name (it names ${policy.logs.map((l) => JSON.stringify(l.origin)).join(', ')})`, 'CHECKPOINT_ORIGIN_MISMATCH');
      } else {
        try {
          const { checkpoint, note } = openCheckpoint(proof.checkpoint, origin, logs.map((l) => l.verifier));
          const by = logs.find((l) => note.verified.some((s) => s.name === l.verifier.name && s.keyId === l.verifier.keyId)) ?? logs[0]!;
          pass('log-signature', `checkpoint of ${checkpoint.origin} at tree size ${checkpoint.size} is signed by the log key ${by.verifier.name}`);
        } catch (err) {
          const r = reason(err);
          const message = r.code === 'NOTE_UNVERIFIED' ? `the checkpoint is not signed by the trusted log key ${logs.map((l) => l.verifier.name).join(' or ')} (${r.message})` : r.message;
          fail('log-signature', message, r.code);
        }
      }
    } catch (err) {
      failWith('log-signature', err);
    }
    try {
      const cosigned = verifyCosignatures(proof.checkpoint, policy.witnesses.map((w) => w.verifier));
      const names = policy.witnesses.filter((w) => cosigned.some((c) => c.name === w.verifier.name && c.keyId === w.verifier.keyId)).map((w) => w.name);
      const who = names.join(', ');
      if (policy.quorum === QUORUM_NONE) {
        pass('witnesses', `no witness cosignature required (quorum none)${names.length > 0 ? `; cosigned by ${who}` : ''}`);
      } else if (quorumSatisfied(policy, new Set(names))) {
        pass('witnesses', `${names.length} of ${policy.witnesses.length} witnesses cosigned (${who}), which satisfies the policy's quorum ${JSON.stringify(policy.quorum)}`);
      } else {
        fail('witnesses', `${names.length} of ${policy.witnesses.length} witnesses cosigned${who ? ` (${who})` : ''}, which does not satisfy the policy's quorum ${JSON.stringify(policy.quorum)}`, 'COSIGNATURE_QUORUM_NOT_MET');
      }
    } catch (err) {
      failWith('witnesses', err);
    }
  }

  const result: VerifyReleaseResult = {
    ok: checks.every((c) => c.ok),
    checks,
    sha256,
    ...(statement === undefined ? {} : { statement }),
    ...(signer === undefined ? {} : { signer: { signatory: signer.signatory, name: signer.signatoryName, keyId: signer.key.keyId, algorithm: signer.key.algorithm } }),
    ...(index === undefined ? {} : { index }),
    ...(treeSize === undefined ? {} : { treeSize }),
  };
  return result;
}

// Messages quote attacker-controlled text (subject names, keyids); on a terminal, control
// characters and bidirectional overrides could forge or hide lines, so they are escaped.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with control and bidi-override characters shown as `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line per check, as `accord verify` prints them: `ok   <check>: …` or `FAIL <check>: …`. */
export function formatChecks(checks: readonly ReleaseCheck[]): string {
  return checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${printable(c.message)}\n`).join('');
}
