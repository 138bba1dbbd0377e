import type { Role } from '../registry/types.js';
import type { TlpLevel } from './tlp.js';

/**
 * What the intel pillar needs from a database. Implemented once over Kysely
 * (`store/sql/intel-store.ts`) with SQLite's hot paths on prepared statements.
 *
 * Times: `seq` is the TAXII `date_added` in integer microseconds since the
 * epoch. It is unique across the whole server and increases in commit order
 * (the store assigns it inside the writing transaction, serialised), so it is
 * also the keyset cursor of every listing: a reader that has seen `seq = s`
 * can never later meet a newly committed row with a smaller `seq`.
 */

/** A TAXII API root (§4.2). */
export interface ApiRoot {
  /** The URL segment, `[a-z0-9-]{1,40}`. */
  id: string;
  title: string;
  description: string | null;
  /** Largest POST body accepted, bytes (§4.2 max_content_length). */
  max_content_length: number;
  created_at: string;
}

/** Who may read or write a collection. `null` means any. The secretariat (role admin) is never implied: it needs a grant like anyone. */
export interface CollectionGrant {
  /** An organisation id, or null for every member organisation (signatories and the secretariat). */
  org_id: string | null;
  /** A role, or null for every role. */
  role: Role | null;
  read: boolean;
  write: boolean;
}

/** A TAXII collection (§5.2) with Accord's policy fields. */
export interface Collection {
  /** UUIDv4, as TAXII requires. */
  id: string;
  api_root: string;
  title: string;
  description: string | null;
  alias: string | null;
  /** The TLP of objects posted here that carry no TLP marking. */
  default_tlp: TlpLevel;
  /** Anonymous callers may read its TLP:CLEAR objects. */
  public_read: boolean;
  grants: CollectionGrant[];
  created_at: string;
}

/** A sharing group: organisations an AMBER or RED object may name at once. Managed by org-admins of its owner. */
export interface SharingGroup {
  id: string;
  /** `[a-z0-9-]{2,40}`, unique. */
  slug: string;
  name: string;
  description: string | null;
  owner_org_id: string;
  member_org_ids: string[];
  created_at: string;
  updated_at: string;
}

/**
 * Who an AMBER or RED object is shared with beyond its author:
 * `org:<org id>`, `group:<sharing group id>` or `user:<user id>`.
 */
export type Recipient = `org:${string}` | `group:${string}` | `user:${string}`;

/** One version of one STIX object in one collection. */
export interface IntelObjectVersion {
  seq: number;
  collection_id: string;
  stix_id: string;
  type: string;
  /** The TAXII version: `modified`, else `created`, ISO with the object's own precision; '' for an object with neither (an SCO), which TAXII shows as its date_added. */
  version: string;
  spec_version: string;
  tlp: TlpLevel;
  author_org_id: string;
  author_user_id: string;
  recipients: Recipient[];
  revoked: boolean;
  /** The object exactly as stored (compact JSON). */
  json: string;
  /** The commitment salt, hex; null for TLP:CLEAR (logged in the clear). */
  salt: string | null;
  /**
   * The ledger index once the feed has logged it; filled in by reads of a
   * single object (`getLatest`), null in listings.
   */
  log_index: number | null;
}

/** A version to store: `seq` is assigned by the store, `collection_id` is the insert's, `log_index` comes later. */
export interface NewIntelObjectVersion extends Omit<IntelObjectVersion, 'seq' | 'collection_id' | 'log_index'> {
  /** Search terms (lower-cased observable values `v:…`, labels `l:…`, references `r:<stix id>`); deduplicated by the caller. */
  terms: string[];
  /** `created` (or version) for time searches, ISO. */
  created: string;
  /** idKey(stix_id) (id-key.ts), when the caller has it (the preparation worker computes it); else the store does. */
  id_key?: number;
}

/** What the ledger feed reads of a version: what its entry is made of, and its seq (the entry's key). */
export type UnloggedVersion = Pick<IntelObjectVersion, 'seq' | 'collection_id' | 'stix_id' | 'version' | 'json' | 'salt'>;

/** One insertVersions call's arguments, as a batch of insertMany. */
export interface InsertBatch {
  collectionId: string;
  rows: readonly NewIntelObjectVersion[];
  writer?: Viewer;
  statusOf?: (outcomes: readonly InsertOutcome[]) => IntelStatus;
}

/** What happened to one version on insert. */
export type InsertOutcome =
  | { kind: 'added'; seq: number }
  /** The same id and version with identical JSON was already there: idempotent success. */
  | { kind: 'duplicate'; seq: number }
  /** The same id and version with different content exists: refused. */
  | { kind: 'conflict' }
  /**
   * Another organisation shared an object under this id (not an SCO) and the
   * writer can read it: only an object's creator versions it (STIX 2.1 §3.6).
   * Versions the writer cannot read are never consulted, and SCOs (ids derived
   * from values) are never `foreign`: each organisation keeps its own copy, so
   * an insert never tells anyone about what they may not read.
   */
  | { kind: 'foreign' };

/**
 * The caller, reduced to what the TLP rule needs. `groupIds` are the sharing
 * groups the caller's organisation belongs to (resolved when the request starts).
 */
export type Viewer = { kind: 'anonymous' } | { kind: 'user'; userId: string; orgId: string; groupIds: readonly string[] };

/** TAXII `match[version]`: `last` (default), `first`, `all`, or exact versions. */
export type VersionMatch =
  | { kind: 'last' }
  | { kind: 'first' }
  | { kind: 'all' }
  | { kind: 'exact'; versions: string[] }
  /** A comma list mixing keywords and timestamps (`first,last`, `last,2026-…`): any of them. */
  | { kind: 'union'; first: boolean; last: boolean; versions: string[] };

/** A TAXII listing (objects, manifest, versions of one object). */
export interface ObjectQuery {
  collection_id: string;
  viewer: Viewer;
  /** Only rows with seq > addedAfter (TAXII added_after, in µs). */
  addedAfter?: number;
  /** Keyset cursor: only rows with seq > after. */
  after?: number;
  limit: number;
  ids?: string[];
  types?: string[];
  version: VersionMatch;
  specVersions?: string[];
}

/** A REST search over the latest visible version of every object. */
export interface SearchQuery {
  viewer: Viewer;
  collection_ids: readonly string[];
  types?: string[];
  /** A search term (see NewIntelObjectVersion.terms), exact. */
  term?: string;
  author_org_id?: string;
  tlp?: TlpLevel[];
  /** date_added bounds, µs, inclusive. */
  addedFrom?: number;
  addedTo?: number;
  /** Newest first: only rows with seq < before. */
  before?: number;
  limit: number;
}

/** A TAXII status resource (§4.3). */
export interface IntelStatus {
  id: string;
  api_root: string;
  collection_id: string;
  status: 'pending' | 'complete';
  request_timestamp: string;
  /** Who posted (only they and the secretariat may read it). */
  user_id: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes: StatusDetail[];
  failures: StatusDetail[];
  pendings: StatusDetail[];
  updated_at: string;
}

export interface StatusDetail {
  id: string;
  version: string;
  message?: string;
}

/** Objects added per day, by type and TLP, for the activity chart (visible ones only). */
export interface ActivityRow {
  day: string;
  type: string;
  tlp: TlpLevel;
  count: number;
}

export interface IntelStore {
  // API roots and collections
  putApiRoot(root: ApiRoot): Promise<void>;
  getApiRoot(id: string): Promise<ApiRoot | null>;
  listApiRoots(): Promise<ApiRoot[]>;
  putCollection(c: Collection): Promise<void>;
  getCollection(apiRoot: string, id: string): Promise<Collection | null>;
  listCollections(apiRoot?: string): Promise<Collection[]>;
  /** Deletes a collection with every object and status in it. Returns false if unknown. */
  deleteCollection(apiRoot: string, id: string): Promise<boolean>;

  // Sharing groups
  createGroup(g: SharingGroup): Promise<void>;
  updateGroup(g: SharingGroup): Promise<void>;
  deleteGroup(id: string): Promise<boolean>;
  getGroup(idOrSlug: string): Promise<SharingGroup | null>;
  listGroups(): Promise<SharingGroup[]>;
  /** Ids of the groups an organisation belongs to (as a member or as the owner). */
  groupIdsOfOrg(orgId: string): Promise<string[]>;

  // Objects
  /**
   * Stores versions in one transaction, serialised with every other insert so
   * `seq` grows in commit order; keeps `latest`/`first` flags (per object and
   * sharing organisation) right even when an older version arrives after a
   * newer one. Outcomes are in input order. `writer` is who posts (for the
   * `foreign` rule); by default each row's author without sharing groups.
   * `statusOf`, given the outcomes inside the transaction, returns the status
   * resource to store with them: a status never reports versions stored
   * before they are committed, and a chunk costs one commit, not two.
   */
  insertVersions(collectionId: string, rows: readonly NewIntelObjectVersion[], writer?: Viewer, statusOf?: (outcomes: readonly InsertOutcome[]) => IntelStatus): Promise<InsertOutcome[]>;
  /**
   * Several insertVersions in one transaction, in order: each batch is planned
   * against everything before it (batches may name the same objects), each
   * `statusOf` is called in turn, and all commit together or none does. One
   * commit for several queued POSTs writes each page that their rows share
   * once. Outcomes per batch, in input order.
   */
  insertMany(batches: readonly InsertBatch[]): Promise<InsertOutcome[][]>;
  /** A page in seq order of versions the viewer may read; `more` says whether another page exists. */
  listObjects(q: ObjectQuery): Promise<{ rows: IntelObjectVersion[]; more: boolean }>;
  /**
   * Deletes versions of one object shared by one organisation (all, or those
   * whose version is listed); returns how many. Versions are kept per
   * organisation: duplicates and conflicts are only ever detected among the
   * writer's own organisation's versions, so inserting reveals nothing.
   */
  deleteObject(collectionId: string, stixId: string, authorOrgId: string, versions?: readonly string[]): Promise<number>;
  /** The latest version of an object in any of the collections, if the viewer may read it. */
  getLatest(collectionIds: readonly string[], stixId: string, viewer: Viewer): Promise<IntelObjectVersion | null>;
  /** Every version of an object in any of the collections that the viewer may read, oldest first (bounded). */
  versionsOf(collectionIds: readonly string[], stixId: string, viewer: Viewer, limit: number): Promise<IntelObjectVersion[]>;
  /** REST search, newest first. */
  search(q: SearchQuery): Promise<{ rows: IntelObjectVersion[]; more: boolean }>;
  /** Counts of visible latest versions per day, type and TLP since `sinceSeq`. */
  activity(collectionIds: readonly string[], viewer: Viewer, sinceSeq: number): Promise<ActivityRow[]>;

  // Status resources
  putStatus(s: IntelStatus): Promise<void>;
  /** Stores a status unless one with its id is stored (a later state written meanwhile wins). */
  putStatusIfAbsent(s: IntelStatus): Promise<void>;
  getStatus(id: string): Promise<IntelStatus | null>;
  /** Deletes statuses last updated before `before` (ISO); returns how many. */
  pruneStatuses(before: string): Promise<number>;
  /** Statuses still pending (after a restart: work that was interrupted). */
  pendingStatuses(): Promise<IntelStatus[]>;

  // Ledger feed
  /** Versions not yet logged (after the feed's cursor), in seq order, after `afterSeq`: what their log entries are made of. */
  unlogged(afterSeq: number, limit: number): Promise<UnloggedVersion[]>;
  /**
   * Moves the feed's cursor: every version up to `seq` is in the log, each
   * under the key `intel:<seq>` (the cursor never moves back). Seqs grow in
   * commit order, so no version at or below it can still appear.
   */
  markLogged(seq: number): Promise<void>;
}
