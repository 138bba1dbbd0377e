import { parseCosignerVerifierKey } from '../ledger/cosignature.js';
import { parseVerifierKey, type NoteVerifier } from '../ledger/note-verifier.js';
import { decodeUtf8 } from '../ledger/text-codec.js';
import { ReleaseError } from './errors.js';
import { importPublicKey, type ReleaseKeyAlgorithm, type ReleasePublicKey } from './keys.js';
import { defaultNamespacesForSlug, parsePurlScope, type PurlScope } from './purl.js';
import { isJsonObject, parseStrictJson, type JsonValue } from './strict-json.js';

/**
 * The trust file: everything an offline verifier needs, in one JSON document
 * (documented in docs/releases.md). Version 1:
 *
 *   { "type": "accord-trust", "version": 1, "generated_at": "<RFC 3339>",
 *     "log": { "origin", "vkey", "witnesses": ["<cosigner vkey>", …], "quorum": <k> },
 *     "signatories": [ { "slug", "name", "keys": [ { "key_id", "algorithm",
 *        "public_key", "created_at", "revoked_at", "purl_namespaces": [ … ] } ] } ] }
 */

export const TRUST_FILE_TYPE = 'accord-trust';
export const TRUST_FILE_VERSION = 1;
/** Largest trust file accepted (thousands of signatories fit). */
export const MAX_TRUST_FILE_SIZE = 16 << 20;

export interface TrustFileKey {
  key_id: string;
  algorithm: ReleaseKeyAlgorithm;
  public_key: string;
  created_at: string;
  revoked_at: string | null;
  purl_namespaces: string[];
}

export interface TrustFileSignatory {
  slug: string;
  name: string;
  keys: TrustFileKey[];
}

/** The log policy: whose checkpoints to accept and how many witnesses must have cosigned them. */
export interface TrustFileLog {
  origin: string;
  /** The log's Ed25519 verifier key (c2sp.org/signed-note). */
  vkey: string;
  /** Witnesses' cosigner verifier keys (c2sp.org/tlog-cosignature, type 0x04). */
  witnesses: string[];
  /** How many distinct witnesses must have cosigned a proof's checkpoint. */
  quorum: number;
}

export interface TrustFile {
  type: typeof TRUST_FILE_TYPE;
  version: typeof TRUST_FILE_VERSION;
  generated_at: string;
  log: TrustFileLog;
  signatories: TrustFileSignatory[];
}

/** A key a verifier trusts, with whose it is and what it may sign. */
export interface TrustedKey {
  readonly signatory: string;
  readonly signatoryName: string;
  readonly key: ReleasePublicKey;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly namespaces: readonly string[];
  readonly scopes: readonly PurlScope[];
}

/** A parsed, checked trust file, ready for verification. */
export interface TrustPolicy {
  readonly file: TrustFile;
  readonly origin: string;
  readonly logVerifier: NoteVerifier;
  readonly witnesses: readonly NoteVerifier[];
  readonly quorum: number;
  readonly keys: readonly TrustedKey[];
}

const SLUG = /^[a-z0-9-]{1,64}$/;
const KEY_ID = /^[0-9a-f]{64}$/;
// RFC 3339 date-time; the value is informational but must be well-formed.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function invalid(message: string, cause?: unknown): ReleaseError<'RELEASE_TRUST_INVALID'> {
  return new ReleaseError('RELEASE_TRUST_INVALID', `trust file: ${message}`, cause === undefined ? {} : { cause });
}

function onlyFields(v: Record<string, JsonValue>, at: string, allowed: readonly string[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw invalid(`unknown field ${JSON.stringify(k)} in ${at}`);
  for (const k of allowed) if (v[k] === undefined) throw invalid(`missing field ${JSON.stringify(k)} in ${at}`);
}

function str(v: JsonValue | undefined, at: string, max = 2048): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(`${at} must be a non-empty string of at most ${max} characters`);
  return v;
}

function dateTime(v: JsonValue | undefined, at: string): string {
  const s = str(v, at, 64);
  if (!DATE_TIME.test(s) || Number.isNaN(Date.parse(s))) throw invalid(`${at} must be an RFC 3339 date-time`);
  return s;
}

/**
 * Builds a trust file from the server's log policy and its signatories' keys.
 * Keys without `purl_namespaces` get the default derived from the slug
 * (`defaultNamespacesForSlug`); the result is checked by `parseTrustFile`.
 */
export function buildTrustFile(input: {
  generatedAt: string;
  log: { origin: string; vkey: string; witnesses?: readonly string[]; quorum?: number };
  signatories: readonly {
    slug: string;
    name: string;
    keys: readonly { key_id: string; algorithm: ReleaseKeyAlgorithm; public_key: string; created_at: string; revoked_at: string | null; purl_namespaces?: readonly string[] }[];
  }[];
}): TrustFile {
  const file: TrustFile = {
    type: TRUST_FILE_TYPE,
    version: TRUST_FILE_VERSION,
    generated_at: input.generatedAt,
    log: { origin: input.log.origin, vkey: input.log.vkey, witnesses: [...(input.log.witnesses ?? [])], quorum: input.log.quorum ?? 0 },
    signatories: input.signatories.map((s) => ({
      slug: s.slug,
      name: s.name,
      keys: s.keys.map((k) => ({
        key_id: k.key_id,
        algorithm: k.algorithm,
        public_key: k.public_key,
        created_at: k.created_at,
        revoked_at: k.revoked_at,
        purl_namespaces: [...(k.purl_namespaces ?? defaultNamespacesForSlug(s.slug))],
      })),
    })),
  };
  parseTrustFile(file);
  return file;
}

/**
 * Parses and checks a trust file strictly: known fields only, every key
 * importable with the key_id and algorithm it claims, no key listed twice,
 * valid log and witness verifier keys, 0 ≤ quorum ≤ number of witnesses.
 * Everything wrong is `RELEASE_TRUST_INVALID`.
 */
export function parseTrustFile(input: string | Uint8Array | TrustFile): TrustPolicy {
  let v: JsonValue;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    if (input.length > MAX_TRUST_FILE_SIZE) throw invalid('larger than 16 MiB');
    const text = typeof input === 'string' ? input : decodeUtf8(input);
    if (text === undefined) throw invalid('not valid UTF-8');
    v = parseStrictJson(text, 'the trust file', 'RELEASE_TRUST_INVALID');
  } else {
    // Already an object (e.g. built in memory): check it the same way.
    v = JSON.parse(JSON.stringify(input)) as JsonValue;
  }
  if (!isJsonObject(v)) throw invalid('must be a JSON object');
  if (v.type !== TRUST_FILE_TYPE) throw invalid(`type must be ${JSON.stringify(TRUST_FILE_TYPE)}`);
  if (v.version !== TRUST_FILE_VERSION) throw invalid(`version ${JSON.stringify(v.version)} is not supported (this verifier reads version ${TRUST_FILE_VERSION})`);
  onlyFields(v, 'the trust file', ['type', 'version', 'generated_at', 'log', 'signatories']);
  const generatedAt = dateTime(v.generated_at, 'generated_at');

  const log = v.log;
  if (!isJsonObject(log)) throw invalid('log must be an object');
  onlyFields(log, 'log', ['origin', 'vkey', 'witnesses', 'quorum']);
  const origin = str(log.origin, 'log.origin', 1024);
  if (origin.includes('\n')) throw invalid('log.origin must be one line');
  const vkey = str(log.vkey, 'log.vkey', 8192);
  let logVerifier: NoteVerifier;
  try {
    logVerifier = parseVerifierKey(vkey);
  } catch (cause) {
    throw invalid('log.vkey is not an Ed25519 note verifier key', cause);
  }
  if (!Array.isArray(log.witnesses)) throw invalid('log.witnesses must be an array of cosigner verifier keys');
  const witnessKeys = log.witnesses.map((w, i) => str(w, `log.witnesses[${i}]`, 8192));
  const witnesses = witnessKeys.map((w, i) => {
    try {
      return parseCosignerVerifierKey(w);
    } catch (cause) {
      throw invalid(`log.witnesses[${i}] is not a cosigner verifier key (type 0x04)`, cause);
    }
  });
  witnesses.forEach((w, i) => {
    if (witnesses.findIndex((x) => x.name === w.name && x.keyId === w.keyId) !== i) throw invalid(`log.witnesses[${i}] is listed twice`);
  });
  const quorum = log.quorum;
  if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length) {
    throw invalid(`log.quorum must be a whole number from 0 to the number of witnesses (${witnesses.length})`);
  }

  if (!Array.isArray(v.signatories)) throw invalid('signatories must be an array');
  const keys: TrustedKey[] = [];
  const slugs = new Set<string>();
  const signatories: TrustFileSignatory[] = v.signatories.map((s, i) => {
    const at = `signatories[${i}]`;
    if (!isJsonObject(s)) throw invalid(`${at} must be an object`);
    onlyFields(s, at, ['slug', 'name', 'keys']);
    const slug = str(s.slug, `${at}.slug`, 64);
    if (!SLUG.test(slug)) throw invalid(`${at}.slug must be lowercase letters, digits and dashes`);
    if (slugs.has(slug)) throw invalid(`signatory ${slug} is listed twice`);
    slugs.add(slug);
    const name = str(s.name, `${at}.name`, 200);
    if (!Array.isArray(s.keys)) throw invalid(`${at}.keys must be an array`);
    const fileKeys = s.keys.map((k, j): TrustFileKey => {
      const kat = `${at}.keys[${j}]`;
      if (!isJsonObject(k)) throw invalid(`${kat} must be an object`);
      onlyFields(k, kat, ['key_id', 'algorithm', 'public_key', 'created_at', 'revoked_at', 'purl_namespaces']);
      const keyId = str(k.key_id, `${kat}.key_id`, 64);
      if (!KEY_ID.test(keyId)) throw invalid(`${kat}.key_id must be 64 lowercase hex digits`);
      let key: ReleasePublicKey;
      try {
        key = importPublicKey(str(k.public_key, `${kat}.public_key`, 10_000));
      } catch (cause) {
        if (cause instanceof ReleaseError && cause.code === 'RELEASE_TRUST_INVALID') throw cause;
        throw invalid(`${kat}.public_key is not an Ed25519 or ECDSA P-256 SPKI PEM key`, cause);
      }
      if (key.keyId !== keyId) throw invalid(`${kat}.key_id is not the SHA-256 of its public key (${key.keyId})`);
      if (k.algorithm !== key.algorithm) throw invalid(`${kat}.algorithm must be ${key.algorithm}`);
      if (keys.some((t) => t.key.keyId === keyId)) throw invalid(`key ${keyId} is listed twice`);
      const createdAt = dateTime(k.created_at, `${kat}.created_at`);
      const revokedAt = k.revoked_at === null ? null : dateTime(k.revoked_at, `${kat}.revoked_at`);
      if (!Array.isArray(k.purl_namespaces) || k.purl_namespaces.length === 0) throw invalid(`${kat}.purl_namespaces must be a non-empty array`);
      const namespaces = k.purl_namespaces.map((p, n) => str(p, `${kat}.purl_namespaces[${n}]`, 2048));
      const scopes = namespaces.map((p, n) => {
        try {
          return parsePurlScope(p);
        } catch (cause) {
          throw invalid(`${kat}.purl_namespaces[${n}]: ${(cause as Error).message}`, cause);
        }
      });
      keys.push({ signatory: slug, signatoryName: name, key, createdAt, revokedAt, namespaces, scopes });
      return { key_id: keyId, algorithm: key.algorithm, public_key: key.pem, created_at: createdAt, revoked_at: revokedAt, purl_namespaces: namespaces };
    });
    return { slug, name, keys: fileKeys };
  });

  const file: TrustFile = {
    type: TRUST_FILE_TYPE,
    version: TRUST_FILE_VERSION,
    generated_at: generatedAt,
    log: { origin, vkey, witnesses: witnessKeys, quorum },
    signatories,
  };
  return { file, origin, logVerifier, witnesses, quorum, keys };
}
