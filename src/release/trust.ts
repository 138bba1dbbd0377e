import { parseCosignerVerifierKey } from '../ledger/cosignature.js';
import { AccordError } from '../errors.js';
import { parseVerifierKey } from '../ledger/note-verifier.js';
import { formatPolicy, MAX_POLICY_SIZE, parsePolicy, type ParsedPolicy } from '../ledger/policy.js';
import { decodeUtf8 } from '../ledger/text-codec.js';
import { ReleaseError } from './errors.js';
import { importPublicKey, type ReleaseKeyAlgorithm, type ReleasePublicKey } from './keys.js';
import { defaultNamespacesForSlug, parsePurlScope, type PurlScope } from './purl.js';
import { isJsonObject, parseStrictJson, type JsonValue } from './strict-json.js';

/**
 * The trust file: everything an offline verifier needs, in one JSON document
 * (documented in docs/releases.md). Version 2:
 *
 *   { "type": "accord-trust", "version": 2, "generated_at": "<RFC 3339>",
 *     "policy": "<a c2sp.org/tlog-policy file: the logs, witnesses and quorum to trust>",
 *     "signatories": [ { "slug", "name", "keys": [ { "key_id", "algorithm",
 *        "public_key", "created_at", "revoked_at", "purl_namespaces": [ … ] } ] } ] }
 *
 * Version 1 carried a k-of-n policy as fields instead of the policy text
 * (`"log": { "origin", "vkey", "witnesses": [<cosigner vkey>…], "quorum": k }`);
 * it is still read, as the equivalent policy.
 */

export const TRUST_FILE_TYPE = 'accord-trust';
export const TRUST_FILE_VERSION = 2;
/** Versions `parseTrustFile` reads. */
export const TRUST_FILE_VERSIONS_READ = [1, 2] as const;
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

/** Version 1's log policy: one log, its witnesses, and how many must have cosigned. */
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
  /** A c2sp.org/tlog-policy file: which logs' checkpoints to accept and which witnesses must have cosigned them. */
  policy: string;
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
  /** The file as version 2 (a version 1 file is converted). */
  readonly file: TrustFile;
  /** Its tlog-policy, parsed: checkpoints are verified against it (`verifyCheckpointWithPolicy`). */
  readonly policy: ParsedPolicy;
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
 * The tlog-policy text of a one-log, k-of-n policy given as version 1's
 * fields. Witnesses are named by their keys' names (made distinct).
 */
export function policyFromLogFields(log: { origin: string; vkey: string; witnesses?: readonly string[]; quorum?: number }): string {
  const names = new Set<string>();
  const witnesses = (log.witnesses ?? []).map((vkey, i) => {
    let name: string;
    try {
      name = parseCosignerVerifierKey(vkey).name;
    } catch (cause) {
      throw invalid(`log.witnesses[${i}] is not a cosigner verifier key (type 0x04)`, cause);
    }
    if (!/^[\x21-\x7e]+$/.test(name) || name === 'none' || name === 'witnesses' || names.has(name)) name = `witness-${i + 1}`;
    names.add(name);
    return { name, vkey };
  });
  let verifier;
  try {
    verifier = parseVerifierKey(log.vkey);
  } catch (cause) {
    throw invalid('log.vkey is not an Ed25519 note verifier key', cause);
  }
  if (verifier.name !== log.origin) throw invalid(`log.origin ${JSON.stringify(log.origin)} is not the name of log.vkey (${JSON.stringify(verifier.name)})`);
  try {
    return formatPolicy({ logVkey: log.vkey, witnesses: witnesses.map((w) => ({ ...w, url: '' })), quorum: log.quorum ?? 0 });
  } catch (cause) {
    throw invalid(`log: ${(cause as Error).message}`, cause);
  }
}

/**
 * Builds a trust file from the server's log policy (the tlog-policy text, or
 * version 1's fields) and its signatories' keys. Keys without
 * `purl_namespaces` get the default derived from the slug
 * (`defaultNamespacesForSlug`); the result is checked by `parseTrustFile`.
 */
export function buildTrustFile(input: {
  generatedAt: string;
  policy?: string;
  log?: { origin: string; vkey: string; witnesses?: readonly string[]; quorum?: number };
  signatories: readonly {
    slug: string;
    name: string;
    keys: readonly { key_id: string; algorithm: ReleaseKeyAlgorithm; public_key: string; created_at: string; revoked_at: string | null; purl_namespaces?: readonly string[] | null }[];
  }[];
}): TrustFile {
  const policy = input.policy ?? (input.log ? policyFromLogFields(input.log) : undefined);
  if (policy === undefined) throw invalid('a trust file needs a log policy');
  const file: TrustFile = {
    type: TRUST_FILE_TYPE,
    version: TRUST_FILE_VERSION,
    generated_at: input.generatedAt,
    policy,
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
 * a policy that parses as c2sp.org/tlog-policy and names at least one log
 * (version 1: valid log and witness verifier keys, 0 ≤ quorum ≤ witnesses).
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
  if (!TRUST_FILE_VERSIONS_READ.includes(v.version as 1 | 2)) {
    throw invalid(`version ${JSON.stringify(v.version)} is not supported (this verifier reads versions ${TRUST_FILE_VERSIONS_READ.join(' and ')})`);
  }
  onlyFields(v, 'the trust file', ['type', 'version', 'generated_at', v.version === 1 ? 'log' : 'policy', 'signatories']);
  const generatedAt = dateTime(v.generated_at, 'generated_at');

  let policyText: string;
  if (v.version === 1) {
    const log = v.log;
    if (!isJsonObject(log)) throw invalid('log must be an object');
    onlyFields(log, 'log', ['origin', 'vkey', 'witnesses', 'quorum']);
    const origin = str(log.origin, 'log.origin', 1024);
    const vkey = str(log.vkey, 'log.vkey', 8192);
    if (!Array.isArray(log.witnesses)) throw invalid('log.witnesses must be an array of cosigner verifier keys');
    const witnessKeys = log.witnesses.map((w, i) => str(w, `log.witnesses[${i}]`, 8192));
    const quorum = log.quorum;
    if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 0 || quorum > witnessKeys.length) {
      throw invalid(`log.quorum must be a whole number from 0 to the number of witnesses (${witnessKeys.length})`);
    }
    policyText = policyFromLogFields({ origin, vkey, witnesses: witnessKeys, quorum });
  } else {
    policyText = str(v.policy, 'policy', MAX_POLICY_SIZE);
  }
  let policy: ParsedPolicy;
  try {
    policy = parsePolicy(policyText);
  } catch (cause) {
    throw invalid(`policy: ${cause instanceof AccordError ? cause.message : String(cause)}`, cause);
  }
  if (policy.logs.length === 0) throw invalid('policy names no log');

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
        // A key that parses but is refused (a small-order Ed25519 point) says why.
        if (cause instanceof ReleaseError && /small order/.test(cause.message)) throw invalid(`${kat}.public_key: ${cause.message}`, cause);
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

  const file: TrustFile = { type: TRUST_FILE_TYPE, version: TRUST_FILE_VERSION, generated_at: generatedAt, policy: policyText, signatories };
  return { file, policy, keys };
}
