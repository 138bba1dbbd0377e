import { decodeBase64Lenient, decodeUtf8 } from './bytes.js';
import { VerifyError } from './errors.js';

/**
 * Reading a `release` log entry: a DSSE envelope (secure-systems-lab/dsse
 * envelope.md) whose payload is an in-toto Statement v1. This is for showing
 * and matching what the log holds — the subjects and purls — not a signature
 * check: release signatures need the signatory's key from the trust file
 * (`accord verify` does that offline).
 */

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

export interface ReleaseSubject {
  readonly name?: string;
  readonly uri?: string;
  /** Lowercase hex, when the subject has a SHA-256 digest. */
  readonly sha256?: string;
}

export interface ReleaseEntry {
  readonly payloadType: string;
  /** The envelope's keyid hints (unauthenticated). */
  readonly keyIds: readonly string[];
  readonly signatures: number;
  /** The decoded statement, for display. */
  readonly statement: Record<string, unknown>;
  readonly predicateType: string | null;
  readonly subjects: readonly ReleaseSubject[];
  /** The release predicate's purl and every subject uri that is a purl, in order, without duplicates. */
  readonly purls: readonly string[];
}

function invalid(message: string): VerifyError {
  return new VerifyError('STATEMENT_INVALID', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the entry bytes of a release; throws `STATEMENT_INVALID` when they are not a DSSE envelope of an in-toto statement. */
export function parseReleaseEntry(data: Uint8Array): ReleaseEntry {
  const text = decodeUtf8(data);
  if (text === undefined) throw invalid('the entry is not UTF-8 text');
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    throw invalid('the entry is not JSON');
  }
  if (!isObject(envelope) || typeof envelope.payloadType !== 'string' || typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures)) {
    throw invalid('the entry is not a DSSE envelope (payloadType, payload, signatures)');
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw invalid(`the payload type is ${JSON.stringify(envelope.payloadType)}, not in-toto's`);
  const payload = decodeBase64Lenient(envelope.payload);
  const payloadText = payload && decodeUtf8(payload);
  if (payloadText === undefined) throw invalid('the envelope payload is not base64 of UTF-8 text');
  let statement: unknown;
  try {
    statement = JSON.parse(payloadText);
  } catch {
    throw invalid('the statement is not JSON');
  }
  if (!isObject(statement)) throw invalid('the statement is not a JSON object');
  if (statement._type !== STATEMENT_TYPE) throw invalid(`the statement's _type is not ${STATEMENT_TYPE}`);
  if (!Array.isArray(statement.subject)) throw invalid('the statement has no subject list');
  const subjects: ReleaseSubject[] = statement.subject.filter(isObject).map((s) => {
    const digest = isObject(s.digest) ? s.digest : {};
    const sha = typeof digest.sha256 === 'string' ? digest.sha256.toLowerCase() : undefined;
    return {
      ...(typeof s.name === 'string' ? { name: s.name } : {}),
      ...(typeof s.uri === 'string' ? { uri: s.uri } : {}),
      ...(sha !== undefined && /^[0-9a-f]{64}$/.test(sha) ? { sha256: sha } : {}),
    };
  });
  const purls: string[] = [];
  const predicate = isObject(statement.predicate) ? statement.predicate : {};
  if (typeof predicate.purl === 'string') purls.push(predicate.purl);
  for (const s of subjects) if (s.uri?.startsWith('pkg:') && !purls.includes(s.uri)) purls.push(s.uri);
  const sigs = envelope.signatures.filter(isObject);
  return {
    payloadType: envelope.payloadType,
    keyIds: sigs.flatMap((s) => (typeof s.keyid === 'string' && s.keyid !== '' ? [s.keyid] : [])),
    signatures: sigs.length,
    statement,
    predicateType: typeof statement.predicateType === 'string' ? statement.predicateType : null,
    subjects,
    purls,
  };
}

/** The subjects of a release entry whose SHA-256 is `digestHex`. */
export function subjectsWithDigest(entry: ReleaseEntry, digestHex: string): ReleaseSubject[] {
  const want = digestHex.toLowerCase();
  return entry.subjects.filter((s) => s.sha256 === want);
}
