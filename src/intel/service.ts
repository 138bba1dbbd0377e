import { randomUUID } from 'node:crypto';
import { AccordError, BackPressureError, ValidationError } from '../errors.js';
import type { Clock } from '../registry/clock.js';
import type { Principal, Role } from '../registry/types.js';
import { canRead, TLP_RANK } from './access.js';
import { IntelError } from './errors.js';
import type {
  ApiRoot,
  InsertOutcome,
  Collection,
  CollectionGrant,
  IntelObjectVersion,
  IntelStatus,
  IntelStore,
  NewIntelObjectVersion,
  ObjectQuery,
  Recipient,
  SearchQuery,
  SharingGroup,
  StatusDetail,
  VersionMatch,
  Viewer,
} from './ports.js';
import { chunksOf } from './envelope.js';
import { PreparePool, sharedPreparePool, type PrepareOptions } from './prepare-pool.js';
import { detailOf, freshSalt, SHARING_EXTENSION_ID, type Prepared } from './prepare.js';
import type { StixValidationOptions } from './stix.js';
import { microsToIso } from './timestamp.js';
import { tlpMarkingId, type TlpLevel } from './tlp.js';

/**
 * The intel pillar's use cases: collections and their grants, ingestion with
 * TAXII status resources, listings under the TLP rule, sharing groups,
 * sightings. Transport-free: TAXII and REST routes, the CLI and the demo all
 * come through here.
 */

export { SHARING_EXTENSION_ID, versionOf } from './prepare.js';

/** Who is calling, reduced to what intel needs. */
export type IntelCaller = { kind: 'anonymous' } | { kind: 'user'; userId: string; orgId: string; role: Role };

/** The caller as intel sees it, from an authenticated principal. */
export function callerOf(p: Principal): IntelCaller {
  return p.kind === 'user' ? { kind: 'user', userId: p.user.id, orgId: p.org.id, role: p.user.role } : { kind: 'anonymous' };
}

/** Resolves a recipient as people write it (`org:<slug>`, `group:<slug>`, `user:<email>`) to stored ids, or null. */
export type RecipientResolver = (ref: string) => Promise<Recipient | null>;

export interface IntelDeps {
  store: IntelStore;
  clock: Clock;
  resolveRecipient: RecipientResolver;
  /** Objects per insert transaction (and per status update). */
  chunkSize?: number;
  /** Objects waiting to be processed across all submissions before new POSTs get 503. */
  maxQueuedObjects?: number;
  validation?: StixValidationOptions;
  /** Validate and prepare objects on a worker thread (default true); false keeps it all on the calling thread. */
  workerThread?: boolean;
  onError?: (err: unknown) => void;
  /** Told the ledger entries of versions once they are stored, by seq (the intel ledger feed's `remember`). */
  remember?: (entries: Iterable<readonly [seq: number, entry: Uint8Array]>) => void;
}

/** The grants `accord init` gives the default collection: every member reads; every role but viewer writes. */
export const DEFAULT_GRANTS: readonly CollectionGrant[] = [
  { org_id: null, role: null, read: true, write: false },
  { org_id: null, role: 'admin', read: true, write: true },
  { org_id: null, role: 'org-admin', read: true, write: true },
  { org_id: null, role: 'analyst', read: true, write: true },
  { org_id: null, role: 'psirt', read: true, write: true },
];

export const STATUS_RETENTION_MS = 48 * 3600_000;

/** Entries kept in each of a stored status's successes, failures and pendings lists (the counts are always exact). */
export const STATUS_DETAILS = 1000;

/** Adds a detail to a status list, which keeps the first STATUS_DETAILS (stored lists are cut there anyway). */
function note(list: StatusDetail[], d: StatusDetail): void {
  if (list.length < STATUS_DETAILS) list.push(d);
}

/** A status as stored: each detail list cut to STATUS_DETAILS entries (TAXII 2.1 §4.3.1: the lists are optional; the counts stay exact). */
function storable(s: IntelStatus): IntelStatus {
  if (s.successes.length <= STATUS_DETAILS && s.failures.length <= STATUS_DETAILS && s.pendings.length <= STATUS_DETAILS) return s;
  return { ...s, successes: s.successes.slice(0, STATUS_DETAILS), failures: s.failures.slice(0, STATUS_DETAILS), pendings: s.pendings.slice(0, STATUS_DETAILS) };
}

/** Completes a status with every pending object failed (`listed`: the details to show, at most STATUS_DETAILS). */
function failPending(s: IntelStatus, listed: readonly StatusDetail[], message: string, now: string): void {
  for (const p of listed) note(s.failures, { ...p, message });
  s.failure_count += s.pending_count;
  s.pendings = [];
  s.pending_count = 0;
  s.status = 'complete';
  s.updated_at = now;
}

/** The first STATUS_DETAILS objects still pending from `from` on, as status details. */
function pendingDetails(details: readonly StatusDetail[], from: number): StatusDetail[] {
  return details.slice(from, from + STATUS_DETAILS);
}

interface Job {
  status: IntelStatus;
  collection: Collection;
  caller: Extract<IntelCaller, { kind: 'user' }>;
  /**
   * Each posted object's id and version, for the status. Not the objects: they went to the preparation
   * worker when the job was queued, and holding them until the job is stored only made every scavenge of
   * the server's heap copy them (a 1,000-object envelope is ~15,000 JS objects).
   */
  details: readonly StatusDetail[];
  /** Each chunk's preparation, started when the job is queued (the worker runs ahead of the database). */
  prepared: Promise<Prepared[]>[];
  /** Which of those have settled (a chunk joins a group only once it is prepared). */
  ready: boolean[];
  /** The next chunk to store. */
  next: number;
  /** Recipients resolved so far for this job (`org:<slug>` → ids). */
  resolved: Map<string, Recipient | null>;
  /** Whether the status is stored yet: it is written with the first chunk, or when a POST stops waiting for it. */
  stored: boolean;
  done: Promise<void>;
  resolve: () => void;
  /** Who posts, as the store's `foreign` rule sees them (looked up with the first chunk). */
  viewer?: Viewer;
  /** A chunk could not be stored: the rest of the job was failed. */
  failed?: boolean;
}

/** A chunk ready to store: its rows, the objects refused before the database, and where it ends in its job. */
interface Unit {
  job: Job;
  rows: NewIntelObjectVersion[];
  /** Each row's ledger entry, as prepared. */
  entries: (Uint8Array | undefined)[];
  refused: StatusDetail[];
  end: number;
}

/** Objects stored in one transaction at most when several chunks are ready (about 4 MB of rows). */
const GROUP_ROWS = 4000;

export class IntelService {
  private readonly queue: Job[] = [];
  private queuedObjects = 0;
  private working = false;
  private readonly chunkSize: number;
  private readonly maxQueued: number;
  private readonly pool: PreparePool;

  constructor(private readonly deps: IntelDeps) {
    this.chunkSize = deps.chunkSize ?? 1000;
    this.maxQueued = deps.maxQueuedObjects ?? 200_000;
    this.pool = deps.workerThread === false ? new PreparePool(false) : sharedPreparePool();
  }

  get store(): IntelStore {
    return this.deps.store;
  }

  async viewer(caller: IntelCaller): Promise<Viewer> {
    if (caller.kind !== 'user') return { kind: 'anonymous' };
    return { kind: 'user', userId: caller.userId, orgId: caller.orgId, groupIds: await this.deps.store.groupIdsOfOrg(caller.orgId) };
  }

  /** What the caller may do on a collection. */
  rights(c: Collection, caller: IntelCaller): { read: boolean; write: boolean } {
    if (caller.kind !== 'user') return { read: c.public_read, write: false };
    let read = c.public_read;
    let write = false;
    for (const g of c.grants) {
      if ((g.org_id === null || g.org_id === caller.orgId) && (g.role === null || g.role === caller.role)) {
        read ||= g.read;
        write ||= g.write;
      }
    }
    return { read, write };
  }

  async apiRoot(id: string): Promise<ApiRoot> {
    const root = await this.deps.store.getApiRoot(id);
    if (!root) throw new IntelError('COLLECTION_NOT_FOUND', `no API root ${JSON.stringify(id.slice(0, 60))}`);
    return root;
  }

  /** Collections of an API root the caller may read or write (others are invisible). */
  async collections(apiRoot: string, caller: IntelCaller): Promise<(Collection & { can_read: boolean; can_write: boolean })[]> {
    await this.apiRoot(apiRoot);
    const out: (Collection & { can_read: boolean; can_write: boolean })[] = [];
    for (const c of await this.deps.store.listCollections(apiRoot)) {
      const r = this.rights(c, caller);
      if (r.read || r.write) out.push({ ...c, can_read: r.read, can_write: r.write });
    }
    return out;
  }

  /** A collection the caller may see; `need` throws INTEL_FORBIDDEN (or 404 when it can do nothing there). */
  async collection(apiRoot: string, id: string, caller: IntelCaller, need?: 'read' | 'write'): Promise<Collection> {
    const c = await this.deps.store.getCollection(apiRoot, id);
    const r = c ? this.rights(c, caller) : { read: false, write: false };
    if (!c || (!r.read && !r.write)) throw new IntelError('COLLECTION_NOT_FOUND', `no collection ${JSON.stringify(id.slice(0, 60))} in API root ${JSON.stringify(apiRoot.slice(0, 60))}`);
    if (need && !r[need] && caller.kind !== 'user') throw new AccordError('AUTH_REQUIRED', 'Sign in with an API token.');
    if (need && !r[need]) throw new IntelError('INTEL_FORBIDDEN', `you may not ${need} collection ${c.id}`);
    return c;
  }

  /** A collection by id alone, whatever its API root (REST paths name collections that way); no rights checked. */
  async collectionById(id: string): Promise<Collection> {
    const c = (await this.deps.store.listCollections()).find((x) => x.id === id);
    if (!c) throw new IntelError('COLLECTION_NOT_FOUND', `no collection ${JSON.stringify(id.slice(0, 60))}`);
    return c;
  }

  /** Every collection the caller may read, across API roots (REST search spans them). */
  async readableCollectionIds(caller: IntelCaller): Promise<string[]> {
    return (await this.deps.store.listCollections()).filter((c) => this.rights(c, caller).read).map((c) => c.id);
  }

  // ---- Collections (secretariat) ------------------------------------------

  private requireAdmin(caller: IntelCaller): asserts caller is Extract<IntelCaller, { kind: 'user' }> {
    requireSignedIn(caller);
    if (caller.role !== 'admin') throw new IntelError('INTEL_FORBIDDEN', 'only the secretariat manages collections');
  }

  async createCollection(
    caller: IntelCaller,
    input: { api_root: string; id?: string; title: string; description?: string | null; alias?: string | null; default_tlp?: TlpLevel; public_read?: boolean; grants?: CollectionGrant[] },
  ): Promise<Collection> {
    this.requireAdmin(caller);
    await this.apiRoot(input.api_root);
    const id = input.id ?? randomUUID();
    if (await this.deps.store.getCollection(input.api_root, id)) throw new IntelError('COLLECTION_CONFLICT', `collection ${id} exists`);
    if (input.alias && (await this.deps.store.listCollections()).some((c) => c.alias === input.alias)) {
      throw new IntelError('COLLECTION_CONFLICT', `alias ${JSON.stringify(input.alias)} is in use`);
    }
    const c: Collection = {
      id,
      api_root: input.api_root,
      title: input.title,
      description: input.description ?? null,
      alias: input.alias ?? null,
      default_tlp: input.default_tlp ?? 'AMBER',
      public_read: input.public_read ?? false,
      grants: input.grants ?? [...DEFAULT_GRANTS],
      created_at: this.deps.clock.now().toISOString(),
    };
    await this.deps.store.putCollection(c);
    return c;
  }

  async updateCollection(
    caller: IntelCaller,
    apiRoot: string,
    id: string,
    patch: Partial<Pick<Collection, 'title' | 'description' | 'alias' | 'default_tlp' | 'public_read' | 'grants'>>,
  ): Promise<Collection> {
    this.requireAdmin(caller);
    const c = await this.deps.store.getCollection(apiRoot, id);
    if (!c) throw new IntelError('COLLECTION_NOT_FOUND', `no collection ${id}`);
    const next = { ...c, ...patch };
    await this.deps.store.putCollection(next);
    return next;
  }

  async deleteCollection(caller: IntelCaller, apiRoot: string, id: string): Promise<void> {
    this.requireAdmin(caller);
    if (!(await this.deps.store.deleteCollection(apiRoot, id))) throw new IntelError('COLLECTION_NOT_FOUND', `no collection ${id}`);
  }

  // ---- Ingestion -----------------------------------------------------------

  /**
   * Accepts objects for a collection: records a `pending` status listing each
   * one, queues the work and returns at once. Objects are validated and
   * stored in chunks off the request path; the status says, at every moment,
   * which are stored, refused or still pending.
   */
  async submit(collection: Collection, caller: IntelCaller, objects: unknown[]): Promise<IntelStatus> {
    this.mayQueue(collection, caller, objects.length);
    const options = this.prepareOptions(collection);
    return this.enqueue(collection, caller, objects.map(detailOf), chunksOf(objects, this.chunkSize).map((chunk) => this.pool.prepare(chunk, options)));
  }

  /**
   * As submit, for the text of a TAXII envelope (`{"objects": [ … ]}`): a big
   * one is parsed on the preparation worker, never on the server's thread
   * (prepare-pool.ts). A body that is not an envelope is refused with
   * VALIDATION_FAILED before anything is queued.
   */
  async submitEnvelope(collection: Collection, caller: IntelCaller, text: string): Promise<IntelStatus> {
    this.mayQueue(collection, caller, 0);
    const parsed = await this.pool.envelope(text, this.chunkSize, this.prepareOptions(collection));
    if ('refused' in parsed) throw new ValidationError(parsed.refused.problems, parsed.refused.message);
    try {
      this.mayQueue(collection, caller, parsed.details.length);
    } catch (err) {
      // Refused: whatever the worker still prepares for it is dropped.
      for (const p of parsed.chunks) p.catch(() => undefined);
      throw err;
    }
    return this.enqueue(collection, caller, parsed.details, parsed.chunks);
  }

  /** Throws unless the caller may write to the collection and the queue has room for `count` more objects. */
  private mayQueue(collection: Collection, caller: IntelCaller, count: number): asserts caller is Extract<IntelCaller, { kind: 'user' }> {
    requireSignedIn(caller);
    if (!this.rights(collection, caller).write) throw new IntelError('INTEL_FORBIDDEN', `you may not write to collection ${collection.id}`);
    if (this.queuedObjects + count > this.maxQueued || (count === 0 && this.queuedObjects >= this.maxQueued)) {
      throw new BackPressureError('The intel ingestion queue is full; retry shortly.', 2);
    }
  }

  private prepareOptions(collection: Collection): PrepareOptions {
    return { defaultTlp: collection.default_tlp, validation: this.deps.validation, collectionId: collection.id };
  }

  /** Records the pending status of a submission whose chunks are being prepared, and queues it. */
  private async enqueue(collection: Collection, caller: Extract<IntelCaller, { kind: 'user' }>, details: StatusDetail[], prepared: Promise<Prepared[]>[]): Promise<IntelStatus> {
    const now = this.deps.clock.now().toISOString();
    const status: IntelStatus = {
      id: randomUUID(),
      api_root: collection.api_root,
      collection_id: collection.id,
      status: details.length === 0 ? 'complete' : 'pending',
      request_timestamp: now,
      user_id: caller.userId,
      total_count: details.length,
      success_count: 0,
      failure_count: 0,
      pending_count: details.length,
      successes: [],
      failures: [],
      pendings: pendingDetails(details, 0),
      updated_at: now,
    };
    if (details.length === 0) {
      await this.saveStatus(status);
      return status;
    }
    // Not stored yet: the first chunk's transaction stores it with the first versions, and `settle`
    // stores it if the caller stops waiting before that. Until then nobody knows its id.
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const ready = prepared.map(() => false);
    prepared.forEach((p, n) =>
      // Awaited in turn by storeGroup(); until then a failure must not count as unhandled.
      p.then(
        () => (ready[n] = true),
        () => (ready[n] = true),
      ),
    );
    this.queue.push({ status, collection, caller, details, prepared, ready, next: 0, resolved: new Map(), stored: false, done, resolve });
    this.queuedObjects += details.length;
    void this.work();
    return status;
  }

  /** Waits (bounded) until a submission is processed; afterwards its status is stored, whatever its state. */
  async settle(statusId: string, timeoutMs: number): Promise<void> {
    const job = this.queue.find((j) => j.status.id === statusId);
    if (!job) return;
    await Promise.race([job.done, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    // Still queued or in progress: store the last committed state unless a chunk stored a later one meanwhile.
    if (!job.stored) {
      await this.deps.store.putStatusIfAbsent(storable(job.status));
      job.stored = true;
    }
  }

  /** Waits until every queued submission is processed (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.queue[this.queue.length - 1]!.done;
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length > 0) {
        await this.storeGroup(this.group());
        // Let requests in between transactions: a big POST never blocks the server.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.working = false;
    }
  }

  /**
   * The chunks the next transaction stores: the oldest job's next chunk, then
   * further chunks, of that job and of the jobs queued after it, that are
   * prepared already, up to GROUP_ROWS objects. One commit for several writes
   * the database pages their rows share once (a random-key index page is
   * dirtied by many chunks), and waiting for nothing costs no latency.
   */
  private group(): { job: Job; n: number }[] {
    const out: { job: Job; n: number }[] = [];
    let objects = 0;
    for (const job of this.queue) {
      for (let n = job.next; n < job.prepared.length; n++) {
        const size = Math.min(this.chunkSize, job.details.length - n * this.chunkSize);
        if (out.length > 0 && (!job.ready[n] || objects + size > GROUP_ROWS)) return out;
        out.push({ job, n });
        objects += size;
      }
    }
    return out;
  }

  /** Stores a group of chunks in one transaction; if it fails, each chunk alone, so one bad chunk fails only its own job. */
  private async storeGroup(group: readonly { job: Job; n: number }[]): Promise<void> {
    const units: Unit[] = [];
    for (const { job, n } of group) {
      if (job.failed) continue;
      try {
        units.push(await this.unit(job, n));
      } catch (err) {
        this.deps.onError?.(err);
        await this.fail(job);
      }
    }
    const live = units.filter((u) => !u.job.failed);
    if (live.length === 0) return;
    try {
      await this.commit(live);
    } catch (err) {
      if (live.length === 1) {
        this.deps.onError?.(err);
        await this.fail(live[0]!.job);
        return;
      }
      for (const u of live) {
        if (u.job.failed) continue;
        try {
          await this.commit([u]);
        } catch (e) {
          this.deps.onError?.(e);
          await this.fail(u.job);
        }
      }
    }
  }

  /** A chunk made ready to store: its prepared objects completed into rows (or refused). */
  private async unit(job: Job, n: number): Promise<Unit> {
    job.viewer ??= await this.viewer(job.caller);
    const rows: NewIntelObjectVersion[] = [];
    const entries: (Uint8Array | undefined)[] = [];
    const refused: StatusDetail[] = [];
    for (const p of await job.prepared[n]!) {
      const r = await this.complete(p, job.caller, job.resolved);
      if ('failure' in r) refused.push(r.failure);
      else {
        rows.push(r.row);
        entries.push('entry' in p ? p.entry : undefined);
      }
    }
    return { job, rows, entries, refused, end: Math.min((n + 1) * this.chunkSize, job.details.length) };
  }

  /**
   * One transaction for the units. Each chunk's status is computed from its
   * outcomes inside it and stored with them; a job's in-memory status only
   * moves on once that has committed (a failed transaction leaves it as it was).
   */
  private async commit(units: readonly Unit[]): Promise<void> {
    const next = new Map<Job, IntelStatus>();
    const outcomes = await this.deps.store.insertMany(
      units.map((u) => ({
        collectionId: u.job.collection.id,
        rows: u.rows,
        writer: u.job.viewer,
        statusOf: (outcomes: readonly InsertOutcome[]) => {
          const s = this.chunkStatus(next.get(u.job) ?? u.job.status, u.job.details, u.rows, u.refused, outcomes, u.end);
          next.set(u.job, s);
          return storable(s);
        },
      })),
    );
    if (this.deps.remember) {
      const stored: [number, Uint8Array][] = [];
      units.forEach((u, i) =>
        outcomes[i]!.forEach((o, j) => {
          const entry = u.entries[j];
          if (o.kind === 'added' && entry !== undefined) stored.push([o.seq, entry]);
        }),
      );
      this.deps.remember(stored);
    }
    for (const u of units) {
      const job = u.job;
      job.status = next.get(job)!;
      job.stored = true;
      job.next = Math.ceil(u.end / this.chunkSize);
      if (u.end === job.details.length) this.finish(job);
    }
  }

  /** A job has nothing left to store: off the queue, and whoever waits for it is told. */
  private finish(job: Job): void {
    const i = this.queue.indexOf(job);
    if (i < 0) return;
    this.queue.splice(i, 1);
    this.queuedObjects -= job.details.length;
    job.resolve();
  }

  /** A job's remaining objects could not be stored: they are failed in its status, and it is done. */
  private async fail(job: Job): Promise<void> {
    if (job.failed) return;
    job.failed = true;
    await this.failRest(job, 'the server could not store this object; post it again').catch((e: unknown) => this.deps.onError?.(e));
    this.finish(job);
  }

  private async failRest(job: Job, message: string): Promise<void> {
    const s = job.status;
    failPending(s, pendingDetails(job.details, job.details.length - s.pending_count), message, this.deps.clock.now().toISOString());
    await this.saveStatus(s);
    job.stored = true;
  }

  /**
   * Persists a status with each detail list cut to STATUS_DETAILS entries
   * (TAXII 2.1 §4.3.1: the lists are optional; the counts stay exact): a
   * 200,000-object POST must not rewrite ever-growing lists after every chunk.
   */
  private saveStatus(s: IntelStatus): Promise<void> {
    return this.deps.store.putStatus(storable(s));
  }

  /** A job's status (`from`) after a chunk ending at `end`: refused objects, then each stored row's outcome. */
  private chunkStatus(from: IntelStatus, details: readonly StatusDetail[], rows: readonly NewIntelObjectVersion[], refused: readonly StatusDetail[], outcomes: readonly InsertOutcome[], end: number): IntelStatus {
    const s: IntelStatus = { ...from, successes: [...from.successes], failures: [...from.failures] };
    for (const f of refused) note(s.failures, f);
    s.failure_count += refused.length;
    outcomes.forEach((o, i) => {
      const r = rows[i]!;
      // An SCO (no modified, no created) is versioned by its date_added: what the status names once it is stored.
      const d: StatusDetail = { id: r.stix_id, version: r.version !== '' || !('seq' in o) ? r.version : microsToIso(o.seq) };
      if (o.kind === 'conflict') {
        note(s.failures, { ...d, message: 'your organisation already stored a different object under this id and version; change modified to make a new version' });
        s.failure_count++;
      } else if (o.kind === 'foreign') {
        // STIX 2.1 §3.6: only an object's creator versions it. Random (UUIDv4) ids only, so this reveals nothing guessable.
        note(s.failures, { ...d, message: 'another organisation shared an object under this id, and only its creator may version it (STIX 2.1 §3.6); share yours under a new id' });
        s.failure_count++;
      } else {
        note(s.successes, o.kind === 'duplicate' ? { ...d, message: 'already stored' } : d);
        s.success_count++;
      }
    });
    s.pending_count = details.length - end;
    s.pendings = pendingDetails(details, end);
    if (s.pending_count === 0) s.status = 'complete';
    s.updated_at = this.deps.clock.now().toISOString();
    return s;
  }

  /** A prepared object made a row: its recipients resolved, who posts it, its salt. */
  private async complete(
    p: Prepared,
    caller: Extract<IntelCaller, { kind: 'user' }>,
    resolved: Map<string, Recipient | null>,
  ): Promise<{ row: NewIntelObjectVersion } | { failure: StatusDetail }> {
    if ('failure' in p) return p;
    const recipients: Recipient[] = [];
    for (const ref of p.recipientRefs ?? []) {
      let r = resolved.get(ref);
      if (r === undefined) {
        r = await this.deps.resolveRecipient(ref);
        resolved.set(ref, r);
      }
      if (r === null) return { failure: { id: p.id, version: p.version, message: `unknown recipient ${JSON.stringify(ref)}` } };
      if (!recipients.includes(r)) recipients.push(r);
    }
    const r = p.row;
    // Property by property: spreading an object that came through structured clone is several times slower.
    return {
      row: {
        stix_id: r.stix_id,
        type: r.type,
        version: r.version,
        spec_version: r.spec_version,
        tlp: r.tlp,
        author_org_id: caller.orgId,
        author_user_id: caller.userId,
        recipients,
        revoked: r.revoked,
        json: r.json,
        // Drawn on the preparation worker (its ledger entry commits under it); a row prepared without one gets one here.
        salt: r.tlp === 'CLEAR' ? null : (r.salt ?? freshSalt()),
        terms: r.terms,
        created: r.created ?? this.deps.clock.now().toISOString(),
        id_key: r.id_key,
      },
    };
  }

  /**
   * After a restart, submissions that were being processed have objects still
   * pending; they are marked failed ("post again": re-posting is idempotent).
   */
  async recoverStatuses(): Promise<number> {
    const pending = await this.deps.store.pendingStatuses();
    for (const s of pending) {
      if (this.queue.some((j) => j.status.id === s.id)) continue;
      failPending(s, s.pendings, 'the server restarted before storing this object; post it again (re-posting is idempotent)', this.deps.clock.now().toISOString());
      await this.saveStatus(s);
    }
    await this.deps.store.pruneStatuses(new Date(this.deps.clock.now().getTime() - STATUS_RETENTION_MS).toISOString());
    return pending.length;
  }

  /** A status resource: only the user who posted it and the secretariat may read it. */
  async status(apiRoot: string, id: string, caller: IntelCaller): Promise<IntelStatus> {
    const s = await this.deps.store.getStatus(id);
    requireSignedIn(caller);
    if (!s || s.api_root !== apiRoot || (s.user_id !== caller.userId && caller.role !== 'admin')) {
      throw new IntelError('STATUS_NOT_FOUND', `no status ${JSON.stringify(id.slice(0, 60))}`);
    }
    return s;
  }

  // ---- Reading -------------------------------------------------------------

  async list(c: Collection, caller: IntelCaller, q: Omit<ObjectQuery, 'collection_id' | 'viewer'>): Promise<{ rows: IntelObjectVersion[]; more: boolean }> {
    if (!this.rights(c, caller).read) throw new IntelError('INTEL_FORBIDDEN', `you may not read collection ${c.id}`);
    return this.deps.store.listObjects({ ...q, collection_id: c.id, viewer: await this.viewer(caller) });
  }

  /**
   * Deletes an object's versions from a collection (TAXII 2.1 §5.6): the ones
   * the version and spec-version filters name, found exactly as a read with
   * those filters finds them (the latest by default), among the versions the
   * caller may read. The caller needs write access; only their organisation's
   * versions are theirs to delete (the secretariat may delete any it can
   * read). The ledger keeps its entries: a log never forgets.
   */
  async deleteObject(c: Collection, caller: IntelCaller, stixId: string, match: VersionMatch = { kind: 'last' }, specVersions?: string[]): Promise<number> {
    requireSignedIn(caller);
    if (!this.rights(c, caller).write) throw new IntelError('INTEL_FORBIDDEN', `you may not write to collection ${c.id}`);
    const viewer = await this.viewer(caller);
    const named: IntelObjectVersion[] = [];
    for (let after: number | undefined; ; ) {
      const { rows, more } = await this.deps.store.listObjects({ collection_id: c.id, viewer, ids: [stixId], version: match, specVersions, limit: 1000, ...(after === undefined ? {} : { after }) });
      named.push(...rows);
      if (!more || rows.length === 0) break;
      after = rows[rows.length - 1]!.seq;
    }
    if (named.length === 0) throw new IntelError('OBJECT_NOT_FOUND', `no version of ${JSON.stringify(stixId.slice(0, 120))} in collection ${c.id} matches`);
    // Another organisation may keep its own copy of the same SCO: never the caller's to delete.
    const targets = caller.role === 'admin' ? named : named.filter((v) => v.author_org_id === caller.orgId);
    if (targets.length === 0) throw new IntelError('INTEL_FORBIDDEN', 'only the organisation that shared an object (or the secretariat) may delete it');
    let n = 0;
    for (const author of new Set(targets.map((t) => t.author_org_id))) {
      n += await this.deps.store.deleteObject(c.id, stixId, author, targets.filter((t) => t.author_org_id === author).map((t) => t.version));
    }
    return n;
  }

  /** REST search across every collection the caller may read. */
  async search(caller: IntelCaller, q: Omit<SearchQuery, 'viewer' | 'collection_ids'> & { collection_ids?: string[] }): Promise<{ rows: IntelObjectVersion[]; more: boolean }> {
    const readable = await this.readableCollectionIds(caller);
    const ids = q.collection_ids ? readable.filter((id) => q.collection_ids!.includes(id)) : readable;
    if (ids.length === 0) return { rows: [], more: false };
    return this.deps.store.search({ ...q, collection_ids: ids, viewer: await this.viewer(caller) });
  }

  /** An object's latest version, its versions and what points at it (relationships, sightings), all within the caller's rights. */
  async object(caller: IntelCaller, stixId: string): Promise<{ latest: IntelObjectVersion; versions: IntelObjectVersion[]; related: IntelObjectVersion[] }> {
    const ids = await this.readableCollectionIds(caller);
    const viewer = await this.viewer(caller);
    const latest = ids.length > 0 ? await this.deps.store.getLatest(ids, stixId, viewer) : null;
    if (!latest || !canRead(viewer, latest)) throw new IntelError('OBJECT_NOT_FOUND', `no object ${JSON.stringify(stixId.slice(0, 120))} you may read`);
    const versions = await this.deps.store.versionsOf(ids, stixId, viewer, 200);
    const related = (await this.deps.store.search({ viewer, collection_ids: ids, term: `r:${stixId}`, limit: 200 })).rows;
    return { latest, versions, related };
  }

  /**
   * Records a sighting of an indicator (or any SDO) as a STIX `sighting`. It is
   * marked with the caller's chosen TLP; AMBER and RED sightings name the
   * object's author organisation, so the author sees who saw it, and nobody
   * else below that TLP does.
   */
  async recordSighting(
    caller: IntelCaller,
    stixId: string,
    input: {
      count?: number;
      first_seen?: string;
      last_seen?: string;
      description?: string;
      tlp?: TlpLevel;
      identity_id: string;
      /** How recipients name an organisation (`org:<slug>`): the object travels to TAXII clients and other servers, where internal ids mean nothing. */
      orgRecipient?: (orgId: string) => Promise<string>;
    },
  ): Promise<IntelStatus> {
    requireSignedIn(caller);
    const { latest } = await this.object(caller, stixId);
    const c = await this.collectionById(latest.collection_id);
    const now = this.deps.clock.now().toISOString();
    const tlp = input.tlp ?? 'AMBER';
    const sighting: Record<string, unknown> = {
      type: 'sighting',
      spec_version: '2.1',
      id: `sighting--${randomUUID()}`,
      created: now,
      modified: now,
      created_by_ref: input.identity_id,
      sighting_of_ref: stixId,
      where_sighted_refs: [input.identity_id],
      count: input.count ?? 1,
      ...(input.first_seen ? { first_seen: input.first_seen } : {}),
      ...(input.last_seen ? { last_seen: input.last_seen } : {}),
      ...(input.description ? { description: input.description } : {}),
      object_marking_refs: [tlpMarkingId(tlp)],
    };
    if ((tlp === 'AMBER' || tlp === 'RED') && latest.author_org_id !== caller.orgId) {
      sighting.extensions = { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', recipients: [input.orgRecipient ? await input.orgRecipient(latest.author_org_id) : `org-id:${latest.author_org_id}`] } };
    }
    const status = await this.submit(c, caller, [sighting]);
    await this.settle(status.id, 10_000);
    return (await this.deps.store.getStatus(status.id)) ?? status;
  }

  // ---- Sharing groups ------------------------------------------------------

  private requireOrgAdmin(caller: IntelCaller, ownerOrgId?: string): asserts caller is Extract<IntelCaller, { kind: 'user' }> {
    requireSignedIn(caller);
    if (caller.role !== 'org-admin' && caller.role !== 'admin') throw new IntelError('INTEL_FORBIDDEN', 'sharing groups are managed by org-admins');
    if (ownerOrgId !== undefined && ownerOrgId !== caller.orgId) throw new IntelError('INTEL_FORBIDDEN', 'only org-admins of the organisation that owns a sharing group may change it');
  }

  async listGroups(caller: IntelCaller): Promise<SharingGroup[]> {
    requireSignedIn(caller);
    return this.deps.store.listGroups();
  }

  async getGroup(caller: IntelCaller, idOrSlug: string): Promise<SharingGroup> {
    requireSignedIn(caller);
    const g = await this.deps.store.getGroup(idOrSlug);
    if (!g) throw new IntelError('GROUP_NOT_FOUND', `no sharing group ${JSON.stringify(idOrSlug.slice(0, 60))}`);
    return g;
  }

  async createGroup(caller: IntelCaller, input: { slug: string; name: string; description?: string | null; member_org_ids: string[] }): Promise<SharingGroup> {
    this.requireOrgAdmin(caller);
    if (await this.deps.store.getGroup(input.slug)) throw new IntelError('GROUP_SLUG_TAKEN', `a sharing group ${JSON.stringify(input.slug)} exists`);
    const now = this.deps.clock.now().toISOString();
    const g: SharingGroup = {
      id: randomUUID(),
      slug: input.slug,
      name: input.name,
      description: input.description ?? null,
      owner_org_id: caller.orgId,
      member_org_ids: [...new Set(input.member_org_ids.filter((m) => m !== caller.orgId))],
      created_at: now,
      updated_at: now,
    };
    await this.deps.store.createGroup(g);
    return g;
  }

  async updateGroup(caller: IntelCaller, idOrSlug: string, patch: { name?: string; description?: string | null; member_org_ids?: string[] }): Promise<SharingGroup> {
    const g = await this.getGroup(caller, idOrSlug);
    this.requireOrgAdmin(caller, g.owner_org_id);
    const next: SharingGroup = {
      ...g,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.member_org_ids !== undefined ? { member_org_ids: [...new Set(patch.member_org_ids.filter((m) => m !== g.owner_org_id))] } : {}),
      updated_at: this.deps.clock.now().toISOString(),
    };
    await this.deps.store.updateGroup(next);
    return next;
  }

  async deleteGroup(caller: IntelCaller, idOrSlug: string): Promise<void> {
    const g = await this.getGroup(caller, idOrSlug);
    this.requireOrgAdmin(caller, g.owner_org_id);
    await this.deps.store.deleteGroup(g.id);
  }

  /** Activity for the chart: visible latest versions per day, type and TLP over the last `days`. */
  async activity(caller: IntelCaller, days: number) {
    const ids = await this.readableCollectionIds(caller);
    if (ids.length === 0) return [];
    const since = (this.deps.clock.now().getTime() - days * 86_400_000) * 1000;
    return this.deps.store.activity(ids, await this.viewer(caller), since);
  }
}

/** Anonymous callers are asked to sign in (401) rather than refused (403). */
function requireSignedIn(caller: IntelCaller): asserts caller is Extract<IntelCaller, { kind: 'user' }> {
  if (caller.kind !== 'user') throw new AccordError('AUTH_REQUIRED', 'Sign in with an API token.');
}

/** Sorts TLP levels for display. */
export function byTlp(a: TlpLevel, b: TlpLevel): number {
  return TLP_RANK[a] - TLP_RANK[b];
}
