import { Lru } from '../ledger/lru.js';
import { createHash } from 'node:crypto';
import { checkEntrySize } from '../ledger/entry-bundle.js';
import { hashLeaf } from '../ledger/merkle.js';
import { parseTlogProof } from '../ledger/proof.js';
import { isMemberOrg, requireUser } from '../registry/access.js';
import { RegistryError } from '../registry/errors.js';
import type { Principal, Role } from '../registry/types.js';
import { canonicalEnvelopeBytes, checkSignatures, envelopeFromJson, serializeEnvelope } from './dsse.js';
import { ReleaseError } from './errors.js';
import { importPublicKey, type ReleaseKeyAlgorithm, type ReleasePublicKey } from './keys.js';
import { defaultNamespacesForSlug, formatPurl, parsePurlScope, scopeCovers } from './purl.js';
import { statementFromEnvelope } from './statement.js';
import { buildTrustFile, type TrustFile } from './trust.js';

/** The log entry kind of releases. */
export const RELEASE_ENTRY_KIND = 'release';
/** Roles that may publish their organisation's releases. */
export const PUBLISHER_ROLES: readonly Role[] = ['org-admin', 'psirt'];

/** A release key as the registry stores it. */
export interface ReleaseKeyRecord {
  key_id: string;
  algorithm: ReleaseKeyAlgorithm;
  public_key: string;
  created_at: string;
  revoked_at: string | null;
}

/** What the release pillar needs from the rest of Accord (wired in the composition root). */
export interface ReleaseDeps {
  /** An organisation's release keys, revoked ones included. */
  keysOf(orgId: string): Promise<ReleaseKeyRecord[]>;
  /** Every member signatory with its keys, in slug order (paged by the adapter, not loaded at once by the store). */
  signatories(): AsyncIterable<{ slug: string; name: string; keys: ReleaseKeyRecord[] }>;
  /** The log policy verifiers should apply (c2sp.org/tlog-policy text): the log's key and the witnesses and quorum it gathers cosignatures for. */
  logPolicy(): Promise<string>;
  log: {
    append(kind: string, data: Uint8Array, key?: string): Promise<number>;
    waitForIndex(index: number): Promise<unknown>;
    tlogProof(index: number): Promise<string>;
  };
  now(): Date;
}

/** A published release: where it is in the log and the proof to ship with it. */
export interface PublishedRelease {
  index: number;
  /** The c2sp.org/tlog-proof text (verifiable offline against the trust file). */
  tlog_proof: string;
  /** The signed checkpoint the proof is against. */
  checkpoint: string;
  /** The canonical envelope text the log holds (the entry's exact bytes, UTF-8). */
  envelope: string;
  /** RFC 6962 leaf hash of the entry, hex. */
  leaf_hash: string;
  purls: string[];
  signer: { org: string; key_ids: string[] };
}

/**
 * The namespaces an organisation may sign for. The registry has no field for
 * them yet, so they are derived from the slug (`defaultNamespacesForSlug`); the
 * trust file carries the same list per key, so server and verifiers agree.
 */
export function namespacesForOrg(slug: string): string[] {
  return defaultNamespacesForSlug(slug);
}

/** Publishing releases into the log, and the trust file verifiers need. */
const parsedKeys = new Lru<string, ReleasePublicKey>(10_000);

export class ReleaseService {
  constructor(private readonly deps: ReleaseDeps) {}

  /**
   * Publishes a DSSE envelope for the caller's organisation: the caller must be
   * an org-admin or PSIRT member of a member signatory; every signature must
   * verify with a current (unrevoked) key registered for that organisation; the
   * statement's purls must lie within its namespaces. The canonical envelope is
   * appended (kind `release`, once per distinct envelope) and the call returns
   * once it is in a signed checkpoint, with its proof.
   */
  async publish(actor: Principal, body: unknown): Promise<PublishedRelease> {
    const caller = requireUser(actor);
    if (!isMemberOrg(caller.org)) throw new RegistryError('NOT_A_MEMBER', 'Only member signatories publish releases.');
    if (!PUBLISHER_ROLES.includes(caller.user.role)) throw new RegistryError('FORBIDDEN', 'Only org-admins and PSIRT members publish releases.');

    const envelope = envelopeFromJson(body);
    const entry = canonicalEnvelopeBytes(envelope);
    checkEntrySize(entry);
    const statement = statementFromEnvelope(envelope);

    const records = await this.deps.keysOf(caller.org.id);
    const keys: { record: ReleaseKeyRecord; key: ReleasePublicKey }[] = [];
    for (const record of records) {
      try {
        // Parsing a PEM key costs about a millisecond; registered keys never change, so keep them parsed.
        let key = parsedKeys.get(record.public_key);
        if (!key) {
          key = importPublicKey(record.public_key);
          parsedKeys.set(record.public_key, key);
        }
        keys.push({ record, key });
      } catch {
        // Registered keys were checked on the way in; one that no longer imports signs nothing.
      }
    }
    const slug = caller.org.slug;
    const outcomes = checkSignatures(envelope, keys.map((k) => k.key));
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
    }

    const namespaces = namespacesForOrg(slug);
    const scopes = namespaces.map(parsePurlScope);
    for (const p of statement.purls) {
      if (!scopes.some((s) => scopeCovers(s, p))) {
        throw new ReleaseError('RELEASE_PURL_NOT_ALLOWED', `${slug} may publish releases of ${namespaces.join(', ')} only, not ${formatPurl(p)}.`);
      }
    }

    const digest = createHash('sha256').update(entry).digest('hex');
    const index = await this.deps.log.append(RELEASE_ENTRY_KIND, entry, `release:${digest}`);
    await this.deps.log.waitForIndex(index);
    const tlogProof = await this.deps.log.tlogProof(index);
    const leaf = Buffer.from(hashLeaf(entry)).toString('hex');
    return {
      index,
      tlog_proof: tlogProof,
      checkpoint: parseTlogProof(tlogProof).checkpoint,
      envelope: serializeEnvelope(envelope),
      leaf_hash: leaf,
      purls: statement.purls.map(formatPurl),
      signer: { org: slug, key_ids: [...new Set(outcomes.map((o) => o.key!.keyId))] },
    };
  }

  /** The trust file: the log policy and every member signatory's release keys with their namespaces. */
  async trustFile(): Promise<TrustFile> {
    const signatories: Parameters<typeof buildTrustFile>[0]['signatories'][number][] = [];
    for await (const s of this.deps.signatories()) {
      const namespaces = namespacesForOrg(s.slug);
      signatories.push({ slug: s.slug, name: s.name, keys: s.keys.map((k) => ({ ...k, purl_namespaces: namespaces })) });
    }
    return buildTrustFile({ generatedAt: this.deps.now().toISOString(), policy: await this.deps.logPolicy(), signatories });
  }
}
