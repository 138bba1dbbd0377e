import { formatTlogProofs } from '../ledger/proof.js';
import { isMemberOrg, requireUser } from '../registry/access.js';
import { RegistryError } from '../registry/errors.js';
import type { Principal, Role, Org } from '../registry/types.js';
import { ReleaseError } from './errors.js';
import type { ReleaseKeyAlgorithm } from './keys.js';
import type { CheckedRelease, Publisher } from './publish-check.js';
import type { LoggedRelease } from './index-feed.js';
import { defaultNamespacesForSlug } from './purl.js';
import { buildTrustFile, type TrustFile } from './trust.js';
import { VerifyPool, type CheckInput, type CheckResult } from './verify-pool.js';

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
  /** The purl namespaces the key may sign; null or absent: the organisation's default (`namespacesForOrg`). */
  purl_namespaces?: readonly string[] | null;
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
    /** Logs entries of one kind, each under its idempotency key; resolves with their indexes once all are durable. */
    appendMany(kind: string, entries: readonly { data: Uint8Array; key: string }[]): Promise<number[]>;
    /** Resolves with a signed checkpoint that includes `index`. */
    waitForIndex(index: number): Promise<{ size: number; checkpoint: string }>;
    /** Inclusion proofs of entries in the (integrated) tree of `size`, in order. */
    inclusionProofs(indexes: readonly number[], size: number): Promise<Uint8Array[][]>;
  };
  now(): Date;
  /** Told what each logged release holds (once its index is durable), so the release index need not parse it again. */
  logged?(releases: readonly LoggedRelease[]): void;
  /** Where envelopes are checked (default: on the calling thread). */
  verifier?: VerifyPool;
}

/** Most envelopes in one batch publish. */
export const MAX_BATCH_ENVELOPES = 1000;

/** One envelope of a batch publish: published, or refused with its own error. */
export type BatchItem = { ok: Omit<PublishedRelease, 'envelope' | 'checkpoint'> } | { error: Error };

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
export class ReleaseService {
  private readonly verifier: VerifyPool;
  private proving: { indexes: readonly number[]; resolve: (r: { checkpoint: string; proofs: string[] }) => void; reject: (e: unknown) => void }[] = [];
  private provingTimer: NodeJS.Immediate | null = null;

  constructor(private readonly deps: ReleaseDeps) {
    this.verifier = deps.verifier ?? new VerifyPool({ threads: 0 });
  }

  /**
   * The caller's organisation as a publisher: the caller must be an org-admin or
   * PSIRT member of a member signatory. Its keys are read afresh for every
   * request, so a revocation takes effect at once.
   */
  private async publisher(actor: Principal): Promise<Publisher & { org: Org }> {
    const caller = requireUser(actor);
    if (!isMemberOrg(caller.org)) throw new RegistryError('NOT_A_MEMBER', 'Only member signatories publish releases.');
    if (!PUBLISHER_ROLES.includes(caller.user.role)) throw new RegistryError('FORBIDDEN', 'Only org-admins and PSIRT members publish releases.');
    const records = await this.deps.keysOf(caller.org.id);
    const fallback = namespacesForOrg(caller.org.slug);
    return {
      org: caller.org,
      slug: caller.org.slug,
      keys: records.map((r) => ({ key_id: r.key_id, public_key: r.public_key, revoked_at: r.revoked_at, namespaces: r.purl_namespaces ?? fallback })),
    };
  }

  /**
   * Logs checked envelopes (kind `release`, once per distinct envelope), waits
   * once for a signed checkpoint holding them all and proves each against it.
   * Any failure here (back-pressure, a late checkpoint) fails the whole call:
   * what was logged stays logged, and a retry gets the same indexes back.
   */
  private async logAndProve(checked: readonly CheckedRelease[]): Promise<{ checkpoint: string; logged: { index: number; tlogProof: string }[] }> {
    if (checked.length === 0) return { checkpoint: '', logged: [] };
    const indexes = await this.deps.log.appendMany(
      RELEASE_ENTRY_KIND,
      checked.map((c) => ({ data: c.entry, key: `release:${c.digest}` })),
    );
    this.deps.logged?.(checked.map((c, i) => ({ index: indexes[i]!, bytes: c.entry.length, sha256s: c.sha256s, purls: c.purls })));
    const { checkpoint, proofs } = await this.prove(indexes);
    return { checkpoint, logged: indexes.map((index, i) => ({ index, tlogProof: proofs[i]! })) };
  }

  /**
   * Proofs of `indexes` against a signed checkpoint that holds them. The
   * requests of one turn of the event loop (the appends one group commit
   * acknowledged) wait for their checkpoint once and are proved in one pass,
   * instead of each reading the log state and the tiles on its own.
   */
  private prove(indexes: readonly number[]): Promise<{ checkpoint: string; proofs: string[] }> {
    return new Promise((resolve, reject) => {
      this.proving.push({ indexes, resolve, reject });
      this.provingTimer ??= setImmediate(() => void this.proveQueued());
    });
  }

  private async proveQueued(): Promise<void> {
    this.provingTimer = null;
    const queued = this.proving;
    this.proving = [];
    try {
      const all = queued.flatMap((q) => q.indexes);
      let last = 0;
      for (const i of all) if (i > last) last = i;
      const state = await this.deps.log.waitForIndex(last);
      const proofs = await this.deps.log.inclusionProofs(all, state.size);
      const texts = formatTlogProofs(
        state.checkpoint,
        all.map((index, i) => ({ index, inclusionProof: proofs[i]! })),
      );
      let at = 0;
      for (const q of queued) {
        q.resolve({ checkpoint: state.checkpoint, proofs: texts.slice(at, at + q.indexes.length) });
        at += q.indexes.length;
      }
    } catch (err) {
      for (const q of queued) q.reject(err);
    }
  }

  /**
   * Publishes a DSSE envelope for the caller's organisation: every signature must
   * verify with a current (unrevoked) key registered for that organisation; the
   * statement's purls must lie within its namespaces. The canonical envelope is
   * appended and the call returns once it is in a signed checkpoint, with its proof.
   */
  async publish(actor: Principal, body: unknown): Promise<PublishedRelease> {
    const publisher = await this.publisher(actor);
    const result = await this.verifier.checkOne(publisher, body);
    if ('error' in result) throw result.error;
    const c = result.ok;
    const { checkpoint, logged } = await this.logAndProve([c]);
    const { index, tlogProof } = logged[0]!;
    return {
      index,
      tlog_proof: tlogProof,
      checkpoint,
      envelope: new TextDecoder().decode(c.entry),
      leaf_hash: c.leafHash,
      purls: [...c.purls],
      signer: { org: publisher.slug, key_ids: [...c.keyIds] },
    };
  }

  /**
   * Publishes many envelopes in one call (JSON texts as spans of one buffer, or
   * parsed values), each checked as `publish` checks one. Each is answered on
   * its own: published with its index and proof (all against one checkpoint),
   * or refused with its error; one bad envelope does not stop the others.
   */
  async publishBatch(actor: Principal, input: CheckInput): Promise<{ checkpoint: string; items: BatchItem[] }> {
    const count = 'values' in input ? input.values.length : Math.floor(input.spans.length / 2);
    if (count > MAX_BATCH_ENVELOPES) {
      throw new ReleaseError('RELEASE_BATCH_TOO_LARGE', `A batch holds at most ${MAX_BATCH_ENVELOPES} envelopes, not ${count}; split it.`);
    }
    const publisher = await this.publisher(actor);
    const results: CheckResult[] = await this.verifier.check(publisher, input);
    const checked = results.flatMap((r) => ('ok' in r ? [r.ok] : []));
    const { checkpoint, logged } = await this.logAndProve(checked);
    let k = 0;
    const items = results.map((r): BatchItem => {
      if ('error' in r) return r;
      const l = logged[k++]!;
      return { ok: { index: l.index, tlog_proof: l.tlogProof, leaf_hash: r.ok.leafHash, purls: [...r.ok.purls], signer: { org: publisher.slug, key_ids: [...r.ok.keyIds] } } };
    });
    return { checkpoint, items };
  }

  /** The trust file: the log policy and every member signatory's release keys with their namespaces. */
  async trustFile(): Promise<TrustFile> {
    const signatories: Parameters<typeof buildTrustFile>[0]['signatories'][number][] = [];
    for await (const s of this.deps.signatories()) {
      const namespaces = namespacesForOrg(s.slug);
      // Each key with the namespaces the publish check applies to it, so server and verifiers agree.
      signatories.push({ slug: s.slug, name: s.name, keys: s.keys.map((k) => ({ ...k, purl_namespaces: [...(k.purl_namespaces ?? namespaces)] })) });
    }
    return buildTrustFile({ generatedAt: this.deps.now().toISOString(), policy: await this.deps.logPolicy(), signatories });
  }
}
