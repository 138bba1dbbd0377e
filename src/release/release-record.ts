import { ValidationError } from '../errors.js';
import { decodeUtf8 } from '../ledger/text-codec.js';
import { envelopeFromJson, MAX_ENVELOPE_TEXT } from './dsse.js';
import type { JsonValue } from './strict-json.js';
import { formatPurl, parsePurl, purlPackage, type Purl } from './purl.js';
import { statementFromEnvelope } from './statement.js';

/** What search shows of a logged release (derived from the entry; rebuildable from the log). */
export interface ReleaseRecord {
  index: number;
  added_at: string;
  predicate_type: string;
  /** Canonical purls the statement speaks for. */
  purls: string[];
  subjects: { name?: string; uri?: string; sha256: string }[];
  /** The envelope's keyid hints (the server verified every signature against the publisher's keys; verifiers re-check). */
  key_ids: string[];
}

/**
 * Reads JSON the publish check has already read strictly. A logged release is the
 * server's own serialisation of an envelope whose statement passed the strict
 * parser before it was logged, so plain `JSON.parse` reads the same values, at a
 * fraction of the cost (the index feed re-reads every published entry).
 */
const loggedJson = (text: string) => JSON.parse(text) as JsonValue;

/** The search record of a `release` log entry, or undefined if the bytes are not a release envelope. */
export function releaseRecord(entry: { index: number; data: Uint8Array; added_at: string }): ReleaseRecord | undefined {
  try {
    const text = entry.data.length <= MAX_ENVELOPE_TEXT ? decodeUtf8(entry.data) : undefined;
    if (text === undefined) return undefined;
    const envelope = envelopeFromJson(loggedJson(text));
    const statement = statementFromEnvelope(envelope, loggedJson);
    return {
      index: entry.index,
      added_at: entry.added_at,
      predicate_type: statement.predicateType,
      purls: statement.purls.map(formatPurl),
      subjects: statement.subjects.map((s) => ({ ...(s.name === undefined ? {} : { name: s.name }), ...(s.uri === undefined ? {} : { uri: s.uri }), sha256: s.sha256 })),
      key_ids: envelope.signatures.flatMap((s) => (s.keyid === undefined ? [] : [s.keyid])),
    };
  } catch {
    return undefined;
  }
}

export interface ReleaseQuery {
  /** Lowercase hex SHA-256 of an artifact. */
  digest?: string;
  /** With a version: that release; without: every version of the package. */
  purl?: Purl;
}

/** Whether a record answers a query (all given criteria must hold). */
export function recordMatches(record: ReleaseRecord, q: ReleaseQuery): boolean {
  if (q.digest !== undefined && !record.subjects.some((s) => s.sha256 === q.digest)) return false;
  if (q.purl !== undefined) {
    const want = q.purl.version === undefined ? purlPackage(q.purl) : formatPurl(q.purl);
    const have = record.purls.map((p) => (q.purl!.version === undefined ? p.replace(/[@?#].*$/, '') : p));
    if (!have.includes(want)) return false;
  }
  return true;
}

/**
 * Checks a search request: a SHA-256 (hex, optionally prefixed `sha256:`) and/or
 * a purl; at least one. Bad input is `VALIDATION_FAILED` with the field's path.
 */
export function parseReleaseQuery(q: { digest?: string; purl?: string }): ReleaseQuery {
  const out: ReleaseQuery = {};
  if (q.digest === undefined && q.purl === undefined) {
    throw new ValidationError([{ path: '/querystring', message: 'give digest (SHA-256 hex) or purl' }]);
  }
  if (q.digest !== undefined) {
    const hex = q.digest.replace(/^sha256:/i, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new ValidationError([{ path: '/querystring/digest', message: 'must be a SHA-256 digest: 64 hex digits' }]);
    out.digest = hex;
  }
  if (q.purl !== undefined) {
    try {
      out.purl = parsePurl(q.purl);
    } catch (err) {
      throw new ValidationError([{ path: '/querystring/purl', message: (err as Error).message }]);
    }
  }
  return out;
}
