import { decodeUtf8, utf8 } from '../ledger/text-codec.js';
import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from './dsse.js';
import { ReleaseError } from './errors.js';
import { formatPurl, parseReleasePurl, type Purl } from './purl.js';
import { isJsonObject, parseStrictJson, type JsonValue } from './strict-json.js';

/**
 * in-toto Statement v1 (in-toto/attestation spec/v1/statement.md) with the two
 * predicates Accord accepts: the in-toto release predicate v0.1
 * (spec/predicates/release.md) and SLSA provenance v1 (slsa.dev/provenance/v1).
 * Parsing follows the in-toto parsing rules (unrecognised fields are ignored)
 * plus Accord's policy: every subject has a SHA-256 digest, and every subject is
 * covered by a versioned purl, so a signer's namespaces bound what it can vouch for.
 */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const RELEASE_PREDICATE_TYPE = 'https://in-toto.io/attestation/release/v0.1';
export const SLSA_PROVENANCE_PREDICATE_TYPE = 'https://slsa.dev/provenance/v1';
export const ACCEPTED_PREDICATE_TYPES = [RELEASE_PREDICATE_TYPE, SLSA_PROVENANCE_PREDICATE_TYPE] as const;
export type AcceptedPredicateType = (typeof ACCEPTED_PREDICATE_TYPES)[number];

/** Most subjects per statement (a release's artifacts). */
export const MAX_SUBJECTS = 1024;
/** Longest subject name or uri. */
export const MAX_SUBJECT_TEXT = 2048;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface Subject {
  readonly name?: string;
  readonly uri?: string;
  /** Lowercase hex SHA-256 of the artifact. */
  readonly sha256: string;
  /** The whole DigestSet as given. */
  readonly digest: Readonly<Record<string, string>>;
}

export interface Statement {
  readonly predicateType: AcceptedPredicateType;
  readonly subjects: readonly Subject[];
  /**
   * The purls the statement speaks for, canonical, without duplicates: the
   * release predicate's `purl`, and every subject `uri` that is a purl.
   */
  readonly purls: readonly Purl[];
  /** The predicate object as given. */
  readonly predicate: Readonly<Record<string, JsonValue>>;
}

function invalid(message: string): ReleaseError<'RELEASE_STATEMENT_INVALID'> {
  return new ReleaseError('RELEASE_STATEMENT_INVALID', message);
}

function purlAt(text: string, where: string): Purl {
  try {
    return parseReleasePurl(text);
  } catch (err) {
    throw invalid(`${where}: ${(err as Error).message}`);
  }
}

function subjectAt(v: JsonValue, i: number): Subject {
  const at = `subject[${i}]`;
  if (!isJsonObject(v)) throw invalid(`${at} must be an object`);
  const { name, uri, digest } = v;
  if (name !== undefined && (typeof name !== 'string' || name.length > MAX_SUBJECT_TEXT)) throw invalid(`${at}.name must be a string of at most ${MAX_SUBJECT_TEXT} characters`);
  if (uri !== undefined && (typeof uri !== 'string' || uri.length > MAX_SUBJECT_TEXT)) throw invalid(`${at}.uri must be a string of at most ${MAX_SUBJECT_TEXT} characters`);
  if (!isJsonObject(digest)) throw invalid(`${at}.digest must be an object (in-toto: each subject MUST have digest set)`);
  const set: Record<string, string> = {};
  for (const [alg, value] of Object.entries(digest)) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw invalid(`${at}.digest[${JSON.stringify(alg.slice(0, 64))}] must be a non-empty string`);
    // An own property even for "__proto__" (assigning it would set the prototype instead).
    if (alg === '__proto__') Object.defineProperty(set, alg, { value, enumerable: true });
    else set[alg] = value;
  }
  const sha256 = set.sha256;
  if (sha256 === undefined) throw invalid(`${at} has no sha256 digest (Accord matches artifacts by SHA-256)`);
  if (!SHA256_HEX.test(sha256)) throw invalid(`${at}.digest.sha256 must be 64 lowercase hex digits`);
  return { ...(name === undefined ? {} : { name }), ...(uri === undefined ? {} : { uri }), sha256, digest: set };
}

/** Reads JSON text into a value (strict by default; see `parseStatement`). */
export type JsonReader = (text: string) => JsonValue;

const strictStatementJson: JsonReader = (text) => parseStrictJson(text, 'the statement', 'RELEASE_STATEMENT_INVALID');

/**
 * Parses and checks a statement's JSON bytes; `RELEASE_STATEMENT_INVALID` for anything Accord does not accept.
 * `readJson` is strict unless the bytes were already checked strictly (a logged entry being re-read).
 */
export function parseStatement(payload: Uint8Array | string, readJson: JsonReader = strictStatementJson): Statement {
  const text = typeof payload === 'string' ? payload : decodeUtf8(payload);
  if (text === undefined) throw invalid('the statement is not valid UTF-8');
  const v = readJson(text);
  if (!isJsonObject(v)) throw invalid('the statement must be a JSON object');
  if (v._type !== STATEMENT_TYPE) throw invalid(`_type must be ${STATEMENT_TYPE}`);
  const { subject, predicateType, predicate } = v;
  if (!Array.isArray(subject) || subject.length === 0) throw invalid('subject must be a non-empty array');
  if (subject.length > MAX_SUBJECTS) throw invalid(`more than ${MAX_SUBJECTS} subjects`);
  if (typeof predicateType !== 'string') throw invalid('predicateType must be a string');
  if (!(ACCEPTED_PREDICATE_TYPES as readonly string[]).includes(predicateType)) {
    throw invalid(`predicateType ${JSON.stringify(predicateType.slice(0, 200))} is not accepted (accepted: ${ACCEPTED_PREDICATE_TYPES.join(', ')})`);
  }
  if (predicate !== undefined && !isJsonObject(predicate)) throw invalid('predicate must be an object');
  const pred = (predicate ?? {}) as Record<string, JsonValue>;
  const subjects = subject.map(subjectAt);

  const purls: Purl[] = [];
  const add = (p: Purl) => {
    if (!purls.some((q) => formatPurl(q) === formatPurl(p))) purls.push(p);
  };
  if (predicateType === RELEASE_PREDICATE_TYPE) {
    if (typeof pred.purl !== 'string') throw invalid('the release predicate requires purl (a string)');
    add(purlAt(pred.purl, 'predicate.purl'));
    for (const f of ['packageId', 'releaseId']) {
      if (pred[f] !== undefined && typeof pred[f] !== 'string') throw invalid(`predicate.${f} must be a string`);
    }
  } else {
    const bd = pred.buildDefinition;
    const rd = pred.runDetails;
    if (!isJsonObject(bd) || typeof bd.buildType !== 'string' || !isJsonObject(bd.externalParameters)) {
      throw invalid('SLSA provenance requires predicate.buildDefinition with buildType (string) and externalParameters (object)');
    }
    if (!isJsonObject(rd) || !isJsonObject(rd.builder) || typeof rd.builder.id !== 'string') {
      throw invalid('SLSA provenance requires predicate.runDetails.builder.id (string)');
    }
    subjects.forEach((s, i) => {
      if (s.uri === undefined || !s.uri.startsWith('pkg:')) {
        throw invalid(`subject[${i}] needs a purl in uri: Accord accepts SLSA provenance only for subjects identified by a versioned purl`);
      }
    });
  }
  subjects.forEach((s, i) => {
    if (s.uri !== undefined && s.uri.startsWith('pkg:')) add(purlAt(s.uri, `subject[${i}].uri`));
  });
  return { predicateType: predicateType as AcceptedPredicateType, subjects, purls, predicate: pred };
}

/** The statement inside a DSSE envelope; the payload type must be in-toto's. */
export function statementFromEnvelope(envelope: DsseEnvelope, readJson?: JsonReader): Statement {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw invalid(`payloadType must be ${IN_TOTO_PAYLOAD_TYPE}, not ${JSON.stringify(envelope.payloadType.slice(0, 100))}`);
  }
  return parseStatement(envelope.payload, readJson);
}

/** A release statement's JSON bytes, ready to sign (the purl must carry a version). */
export function buildReleaseStatement(input: { purl: string; subjects: readonly { name: string; sha256: string }[]; packageId?: string }): Uint8Array {
  const purl = parseReleasePurl(input.purl);
  if (input.subjects.length === 0) throw invalid('a release needs at least one subject');
  for (const s of input.subjects) if (!SHA256_HEX.test(s.sha256)) throw invalid(`subject ${JSON.stringify(s.name)}: sha256 must be 64 lowercase hex digits`);
  const statement = {
    _type: STATEMENT_TYPE,
    subject: input.subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
    predicateType: RELEASE_PREDICATE_TYPE,
    predicate: { purl: formatPurl(purl), ...(input.packageId === undefined ? {} : { packageId: input.packageId }) },
  };
  const bytes = utf8(JSON.stringify(statement));
  // What we sign must be what verifiers accept.
  parseStatement(bytes);
  return bytes;
}
