import { hash } from 'node:crypto';
import { checkEntrySize } from '../ledger/entry-bundle.js';
import { hashLeaf } from '../ledger/merkle.js';
import { decodeUtf8, utf8 } from '../ledger/text-codec.js';
import { checkSignatures, envelopeFromJson, serializeEnvelope } from './dsse.js';
import { ed25519Verifier } from './ed25519.js';
import { ReleaseError } from './errors.js';
import { importPublicKey, type ReleasePublicKey } from './keys.js';
import { formatPurl, parsePurlScope, scopeCovers, type PurlScope } from './purl.js';
import { statementFromEnvelope } from './statement.js';
import { parseStrictJson } from './strict-json.js';

/**
 * The checks a publish makes before anything is logged, as one pure step so it
 * can run on a worker thread (see `verify-pool.ts`): parse the envelope, check
 * the statement, verify every signature against the signatory's keys (none
 * revoked), and check every purl lies within its namespaces.
 */

/** A release key as the publish check sees it: the registry record's fields that matter. */
export interface PublishKey {
  readonly key_id: string;
  readonly public_key: string;
  readonly revoked_at: string | null;
  /** The purl namespace patterns this key may sign (the registry's grant, or the organisation's default). */
  readonly namespaces: readonly string[];
}

/** Who publishes: the signatory and its keys, read fresh for each request. */
export interface Publisher {
  readonly slug: string;
  readonly keys: readonly PublishKey[];
}

/** An envelope that passed every check: what to log and what to answer. */
export interface CheckedRelease {
  /** The canonical envelope bytes the log holds. */
  readonly entry: Uint8Array;
  /** SHA-256 of `entry`, hex (the idempotency key). */
  readonly digest: string;
  /** RFC 6962 leaf hash of `entry`, hex. */
  readonly leafHash: string;
  readonly purls: readonly string[];
  /** The subjects' SHA-256 digests, lowercase hex (for the release index). */
  readonly sha256s: readonly string[];
  readonly keyIds: readonly string[];
}

/** Longest envelope text accepted on a line of a batch (an entry is at most 64 KiB; room for base64 spelling differences). */
export const MAX_BATCH_LINE_BYTES = 128 * 1024;

/** Parsing a PEM key costs about a millisecond; registered keys never change (revocation is a separate field), so keep them parsed. */
const parsedKeys = new Map<string, ReleasePublicKey | null>();
const MAX_PARSED_KEYS = 10_000;

function parsedKey(pem: string): ReleasePublicKey | undefined {
  let key = parsedKeys.get(pem);
  if (key === undefined) {
    try {
      key = importPublicKey(pem);
    } catch {
      // Registered keys were checked on the way in; one that no longer imports signs nothing.
      key = null;
    }
    if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.delete(parsedKeys.keys().next().value!);
    parsedKeys.set(pem, key);
  }
  return key ?? undefined;
}

/** Parsed namespace patterns (a handful per signatory, checked for every envelope). */
const parsedScopes = new Map<string, PurlScope>();

function scopeOf(pattern: string): PurlScope {
  let scope = parsedScopes.get(pattern);
  if (scope === undefined) {
    scope = parsePurlScope(pattern);
    if (parsedScopes.size >= MAX_PARSED_KEYS) parsedScopes.delete(parsedScopes.keys().next().value!);
    parsedScopes.set(pattern, scope);
  }
  return scope;
}

/** The text of one batch line (bytes); undefined for an already parsed body. */
function envelopeText(input: unknown): string | undefined {
  if (!(input instanceof Uint8Array)) return undefined;
  if (input.length > MAX_BATCH_LINE_BYTES) throw new ReleaseError('RELEASE_ENVELOPE_MALFORMED', `the envelope is larger than ${MAX_BATCH_LINE_BYTES} bytes`);
  const text = decodeUtf8(input);
  if (text === undefined) throw new ReleaseError('RELEASE_ENVELOPE_MALFORMED', 'the envelope is not valid UTF-8');
  return text;
}

/**
 * Checks one envelope (JSON bytes, or a parsed JSON value) for `publisher`;
 * throws the `ReleaseError` (or `LedgerError` for an oversized entry) a publish answers with.
 */
export function checkRelease(input: unknown, publisher: Publisher): CheckedRelease {
  const text = envelopeText(input);
  const envelope = envelopeFromJson(text === undefined ? input : parseStrictJson(text, 'the envelope', 'RELEASE_ENVELOPE_MALFORMED'));
  const canonical = serializeEnvelope(envelope);
  // The log holds the canonical serialisation. Clients usually send exactly that: then the
  // entry is a copy of their bytes (its own buffer, to be handed to the log) instead of an encoding.
  const entry = text === canonical ? Uint8Array.prototype.slice.call(input as Uint8Array) : utf8(canonical);
  checkEntrySize(entry);
  const statement = statementFromEnvelope(envelope);

  const keys: { record: PublishKey; key: ReleasePublicKey }[] = [];
  for (const record of publisher.keys) {
    const key = parsedKey(record.public_key);
    if (key) keys.push({ record, key });
  }
  const slug = publisher.slug;
  // libsodium where it loads (2.5x faster, and stricter: nothing it accepts fails offline verification).
  const outcomes = checkSignatures(envelope, keys.map((k) => k.key), ed25519Verifier());
  const signers: PublishKey[] = [];
  for (const o of outcomes) {
    if (o.key === undefined) {
      if (o.candidates > 0 && o.keyid !== undefined) {
        throw new ReleaseError('RELEASE_SIGNATURE_INVALID', `Signature ${o.index} by key ${o.keyid} does not verify over this envelope's payload.`);
      }
      throw new ReleaseError(
        'RELEASE_KEY_UNKNOWN',
        o.keyid === undefined
          ? `Signature ${o.index} verifies with no release key registered for ${slug}.`
          : `Signature ${o.index} names key ${o.keyid}, which is not a release key of ${slug}; register it first (POST /api/v1/orgs/${slug}/keys).`,
      );
    }
    const rec = keys.find((k) => k.key.keyId === o.key!.keyId)!.record;
    if (rec.revoked_at !== null) throw new ReleaseError('RELEASE_KEY_REVOKED', `Key ${rec.key_id} of ${slug} was revoked at ${rec.revoked_at}.`);
    if (!signers.includes(rec)) signers.push(rec);
  }

  // Every key that signed must be allowed to sign every purl of the statement.
  for (const rec of signers) {
    const scopes = rec.namespaces.map(scopeOf);
    for (const p of statement.purls) {
      if (!scopes.some((s) => scopeCovers(s, p))) {
        throw new ReleaseError('RELEASE_PURL_NOT_ALLOWED', `Key ${rec.key_id} of ${slug} may sign releases of ${rec.namespaces.join(', ')} only, not ${formatPurl(p)}.`);
      }
    }
  }
  const keyIds = signers.map((k) => k.key_id);

  return {
    entry,
    digest: hash('sha256', entry, 'hex'),
    leafHash: Buffer.from(hashLeaf(entry)).toString('hex'),
    purls: statement.purls.map(formatPurl),
    sha256s: statement.subjects.map((s) => s.sha256),
    keyIds,
  };
}
