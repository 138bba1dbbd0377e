import { sql, type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { canRead, TLP_BY_RANK, TLP_RANK, viewerPrincipals } from '../../intel/access.js';
import { IntelError } from '../../intel/errors.js';
import { idKey } from '../../intel/id-key.js';
import type {
  InsertBatch,
  ActivityRow,
  ApiRoot,
  Collection,
  CollectionGrant,
  InsertOutcome,
  IntelObjectVersion,
  IntelStatus,
  IntelStore,
  NewIntelObjectVersion,
  ObjectQuery,
  Recipient,
  SearchQuery,
  UnloggedVersion,
  SharingGroup,
  StatusDetail,
  Viewer,
} from '../../intel/ports.js';
import type { TlpLevel } from '../../intel/tlp.js';
import { isoToMicros } from '../../intel/timestamp.js';
import type { DB } from './schema.js';
import type { StoreCapabilities } from './capabilities.js';

/** Rows per multi-row INSERT: 18 columns × 1,000 stays under SQLite's 32,766 and PostgreSQL's 65,535 bound values. */
const INSERT_CHUNK = 1000;
/** Object ids per look-up query when inserting. */
const LOOKUP_CHUNK = 500;
/** One UTC day in seq units (µs). */
const DAY_US = 86_400_000_000;

export { idKey };

/** The default seq clock: wall time in µs. */
export const wallClockMicros = (): number => Date.now() * 1000;

/**
 * The sort key of a STIX/TAXII version: the ISO UTC timestamp with its
 * fraction padded to nine digits and without the `Z`, so byte order is time
 * order whatever precision each version was written with
 * (`…:00Z` = `…:00.000Z` < `…:00.1Z`). Anything else (the service validates
 * versions) is kept as is.
 */
export function versionKey(version: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(version);
  if (m === null) return version;
  let fraction = (m[2] ?? '').padEnd(9, '0');
  // more than nanoseconds: trailing zeros carry no order, dropping them keeps equal instants equal
  if (fraction.length > 9) fraction = fraction.replace(/0+$/, '').padEnd(9, '0');
  return `${m[1]}.${fraction}`;
}

/** The seqs (date_added, µs) that listed versions name, for objects versioned by their date_added (SCOs). */
export function unversionedSeqs(versions: readonly string[]): number[] {
  return [...new Set(versions.map(isoToMicros).filter((us): us is number => us !== null))];
}

/** A stored version's place among the versions of its object, as the insert planner needs it. */
export interface VersionFlags {
  seq: number;
  stix_id: string;
  author_org_id: string;
  version_key: string;
  latest: boolean;
  first: boolean;
}

/** A stored version that a row of the batch may duplicate. */
export interface ExistingVersion {
  seq: number;
  stix_id: string;
  author_org_id: string;
  version_key: string;
  json: string;
}

/** Where planInsert keeps an object's state: versions are per object and sharing organisation. */
function ownerKey(stixId: string, authorOrgId: string): string {
  return `${authorOrgId}\u0000${stixId}`;
}

/** A row of intel_objects as written. */
export type IntelObjectRow = DB['intel_objects'];

/** A condition on the id key column: `=` for one key, `IN (…)` for several. */
export function idKeyIs(column: 'id_key' | 'o.id_key', keys: readonly number[]): RawBuilder<SqlBool> {
  return keys.length === 1 ? sql<SqlBool>`${sql.ref(column)} = ${keys[0]}` : sql<SqlBool>`${sql.ref(column)} IN (${sql.join(keys)})`;
}

/** One row to write, with the rows of the two side tables. */
export interface PlannedVersion {
  row: IntelObjectRow;
  principals: string[];
  terms: string[];
}

export interface InsertPlan {
  outcomes: InsertOutcome[];
  added: PlannedVersion[];
  /** Stored rows that stop being the latest (or first) version of their object. */
  clearLatest: number[];
  clearFirst: number[];
  /** The new last seq, or null when nothing is added. */
  lastSeq: number | null;
}

/**
 * Decides what an insert does, given what is stored: the latest and first
 * version of every object in the batch, and the stored versions that share
 * an id and version with a row. Shared by both backends so duplicate,
 * conflict and the latest/first flags follow one rule. Rows are handled in
 * order, so a later row sees an earlier one of the same batch.
 */
export function planInsert(
  collectionId: string,
  rows: readonly NewIntelObjectVersion[],
  flags: Iterable<VersionFlags>,
  existing: Iterable<ExistingVersion>,
  firstSeq: number,
  /** Ids (not SCOs) that another organisation than the row's already shared in this collection: `ownerKey`s refused as foreign. */
  foreign: ReadonlySet<string> = new Set(),
  /** `ownerKey + NUL + version key` → seq of another organisation's identical, visible version. */
  duplicates: ReadonlyMap<string, number> = new Map(),
  /** The id key of a row's id (callers that looked the ids up already have them). */
  keyOf: (stixId: string) => number = idKey,
): InsertPlan {
  interface Mark {
    seq: number;
    key: string;
    /** Set when the version is in this batch: its flag is changed before it is written. */
    planned?: PlannedVersion;
  }
  interface ObjectState {
    versions: Map<string, { seq: number; json: string }>;
    latest?: Mark;
    first?: Mark;
  }
  const objects = new Map<string, ObjectState>();
  const state = (id: string): ObjectState => {
    let s = objects.get(id);
    if (s === undefined) objects.set(id, (s = { versions: new Map() }));
    return s;
  };
  for (const f of flags) {
    const s = state(ownerKey(f.stix_id, f.author_org_id));
    if (f.latest) s.latest = { seq: f.seq, key: f.version_key };
    if (f.first) s.first = { seq: f.seq, key: f.version_key };
  }
  for (const e of existing) state(ownerKey(e.stix_id, e.author_org_id)).versions.set(e.version_key, { seq: e.seq, json: e.json });

  const plan: InsertPlan = { outcomes: [], added: [], clearLatest: [], clearFirst: [], lastSeq: null };
  let next = firstSeq;
  for (const r of rows) {
    const key = versionKey(r.version);
    const owner = ownerKey(r.stix_id, r.author_org_id);
    const theirs = duplicates.get(`${owner}\u0000${key}`);
    if (theirs !== undefined) {
      plan.outcomes.push({ kind: 'duplicate', seq: theirs });
      continue;
    }
    if (foreign.has(owner)) {
      plan.outcomes.push({ kind: 'foreign' });
      continue;
    }
    const s = state(owner);
    const known = s.versions.get(key);
    if (known !== undefined) {
      plan.outcomes.push(known.json === r.json ? { kind: 'duplicate', seq: known.seq } : { kind: 'conflict' });
      continue;
    }
    const tlp = TLP_RANK[r.tlp] as number | undefined;
    if (tlp === undefined) throw new TypeError(`unknown TLP level ${JSON.stringify(r.tlp)}`);
    const seq = next++;
    const planned: PlannedVersion = {
      row: {
        seq,
        collection_id: collectionId,
        stix_id: r.stix_id,
        type: r.type,
        version: r.version,
        version_key: key,
        spec_version: r.spec_version,
        tlp,
        author_org_id: r.author_org_id,
        author_user_id: r.author_user_id,
        recipients: JSON.stringify(r.recipients),
        revoked: r.revoked ? 1 : 0,
        json: r.json,
        salt: r.salt,
        log_index: null,
        created: r.created,
        is_latest: 0,
        is_first: 0,
        id_key: keyOf(r.stix_id),
      },
      // Only AMBER and RED consult named recipients (canRead); other levels need no rows for the predicate.
      principals: tlp !== TLP_RANK.AMBER && tlp !== TLP_RANK.RED ? [] : r.recipients.length < 2 ? [...r.recipients] : [...new Set(r.recipients)],
      terms: r.terms.length < 2 ? [...r.terms] : [...new Set(r.terms)],
    };
    if (s.latest === undefined || key > s.latest.key) {
      if (s.latest?.planned) s.latest.planned.row.is_latest = 0;
      else if (s.latest) plan.clearLatest.push(s.latest.seq);
      s.latest = { seq, key, planned };
      planned.row.is_latest = 1;
    }
    if (s.first === undefined || key < s.first.key) {
      if (s.first?.planned) s.first.planned.row.is_first = 0;
      else if (s.first) plan.clearFirst.push(s.first.seq);
      s.first = { seq, key, planned };
      planned.row.is_first = 1;
    }
    s.versions.set(key, { seq, json: r.json });
    plan.added.push(planned);
    plan.outcomes.push({ kind: 'added', seq });
  }
  if (plan.added.length > 0) plan.lastSeq = next - 1;
  return plan;
}

/** The first seq of a batch: the clock, unless that would not be after the last seq handed out. */
/**
 * From every stored version of the batch's ids (id, author, version key, seq,
 * json), the inputs of planInsert: each (object, author)'s latest and first
 * version, the versions rows may duplicate, and the ids another organisation
 * already shared (SCOs excepted: their version is empty).
 */
export interface StoredVersion {
  seq: number;
  stix_id: string;
  author_org_id: string;
  author_user_id: string;
  version_key: string;
  json: string;
  tlp: number;
  recipients: string;
}

export function storedState(
  rows: readonly NewIntelObjectVersion[],
  stored: readonly StoredVersion[],
  writer: Viewer | undefined,
): { flags: VersionFlags[]; existing: ExistingVersion[]; foreign: Set<string>; duplicates: Map<string, number> } {
  const flags: VersionFlags[] = [];
  const existing: ExistingVersion[] = [];
  const foreign = new Set<string>();
  const duplicates = new Map<string, number>();
  if (stored.length === 0) return { flags, existing, foreign, duplicates };
  const byOwner = new Map<string, StoredVersion[]>();
  const authorsById = new Map<string, Set<string>>();
  for (const v of stored) {
    const k = ownerKey(v.stix_id, v.author_org_id);
    const list = byOwner.get(k);
    if (list) list.push(v);
    else byOwner.set(k, [v]);
    const a = authorsById.get(v.stix_id);
    if (a) a.add(v.author_org_id);
    else authorsById.set(v.stix_id, new Set([v.author_org_id]));
  }
  for (const list of byOwner.values()) {
    let latest = list[0]!;
    let first = list[0]!;
    for (const v of list) {
      if (v.version_key > latest.version_key) latest = v;
      if (v.version_key < first.version_key) first = v;
      existing.push({ seq: v.seq, stix_id: v.stix_id, author_org_id: v.author_org_id, version_key: v.version_key, json: v.json });
    }
    flags.push({ seq: latest.seq, stix_id: latest.stix_id, author_org_id: latest.author_org_id, version_key: latest.version_key, latest: true, first: false });
    flags.push({ seq: first.seq, stix_id: first.stix_id, author_org_id: first.author_org_id, version_key: first.version_key, latest: false, first: true });
  }
  for (const r of rows) {
    if (r.version === '' || !authorsById.get(r.stix_id)?.size) continue;
    // Only versions the writer may read count: a refusal must not reveal anything hidden.
    const othersVisible = stored.some(
      (v) =>
        v.stix_id === r.stix_id &&
        v.author_org_id !== r.author_org_id &&
        canRead(writer ?? { kind: 'user', userId: r.author_user_id, orgId: r.author_org_id, groupIds: [] }, { tlp: TLP_BY_RANK[v.tlp] ?? 'RED', author_org_id: v.author_org_id, author_user_id: v.author_user_id, recipients: JSON.parse(v.recipients) as Recipient[] }),
    );
    if (othersVisible) {
      // Re-posting exactly what another organisation shared (federation does) is an idempotent success.
      const key = versionKey(r.version);
      const same = stored.find((v) => v.stix_id === r.stix_id && v.author_org_id !== r.author_org_id && v.version_key === key && v.json === r.json);
      if (same) duplicates.set(ownerKey(r.stix_id, r.author_org_id) + '\u0000' + key, same.seq);
      else foreign.add(ownerKey(r.stix_id, r.author_org_id));
    }
  }
  return { flags, existing, foreign, duplicates };
}

/** Each distinct id of a batch with its id key (computed on the preparation worker when it came from there). */
export function keysOf(rows: readonly NewIntelObjectVersion[]): Map<string, number> {
  const keys = new Map<string, number>();
  for (const r of rows) if (!keys.has(r.stix_id)) keys.set(r.stix_id, r.id_key ?? idKey(r.stix_id));
  return keys;
}

export function firstSeqOf(now: number, lastSeq: number): number {
  return Math.max(Math.floor(now), lastSeq + 1);
}

/** The columns an IntelObjectVersion is read from. */
export const VERSION_COLUMNS = [
  'seq',
  'collection_id',
  'stix_id',
  'type',
  'version',
  'spec_version',
  'tlp',
  'author_org_id',
  'author_user_id',
  'recipients',
  'revoked',
  'json',
  'salt',
  'log_index',
] as const;

export type VersionRow = Pick<Selectable<DB['intel_objects']>, (typeof VERSION_COLUMNS)[number]>;

export function toVersion(r: VersionRow): IntelObjectVersion {
  return {
    seq: Number(r.seq),
    collection_id: r.collection_id,
    stix_id: r.stix_id,
    type: r.type,
    version: r.version,
    spec_version: r.spec_version,
    tlp: TLP_BY_RANK[Number(r.tlp)]!,
    author_org_id: r.author_org_id,
    author_user_id: r.author_user_id,
    recipients: r.recipients === '[]' ? [] : (JSON.parse(r.recipients) as Recipient[]),
    revoked: Number(r.revoked) === 1,
    json: r.json,
    salt: r.salt,
    log_index: r.log_index === null ? null : Number(r.log_index),
  };
}

/** A seq bound for `seq > bound`: integral (a bigint parameter must be), and 0 (below every seq) when absent. */
export function seqAbove(...bounds: (number | undefined)[]): number {
  let b = 0;
  for (const x of bounds) if (x !== undefined && x > b) b = Math.min(Math.floor(x), Number.MAX_SAFE_INTEGER);
  return b;
}

const R = TLP_RANK;
const OBJ = VERSION_COLUMNS.map((c) => `o.${c}` as const);
/** The columns of an UnloggedVersion. */
export const UNLOGGED_SQL = ['seq', 'collection_id', 'stix_id', 'version', 'json', 'salt'] as const;
const UNLOGGED_COLUMNS = UNLOGGED_SQL.map((c) => `o.${c}` as const);

type ObjectScope = DB & { o: DB['intel_objects'] };

/**
 * The TLP rule of `canRead` (intel/access.ts) as a predicate on `o`, term
 * for term: CLEAR for anyone; then, for a signed-in viewer, GREEN; AMBER and
 * AMBER+STRICT within the author's organisation; RED for its author; AMBER
 * and RED for the named recipients. The SQLite statements spell out the same
 * rule (store/sqlite/intel-store.ts); the contract tests check both against canRead.
 */
export function visibleTo(eb: ExpressionBuilder<ObjectScope, 'o'>, viewer: Viewer): Expression<SqlBool> {
  if (viewer.kind !== 'user') return eb('o.tlp', '=', R.CLEAR);
  return eb.or([
    eb('o.tlp', 'in', [R.CLEAR, R.GREEN]),
    eb.and([eb('o.tlp', 'in', [R.AMBER, R['AMBER+STRICT']]), eb('o.author_org_id', '=', viewer.orgId)]),
    eb.and([eb('o.tlp', '=', R.RED), eb('o.author_user_id', '=', viewer.userId)]),
    eb.and([
      eb('o.tlp', 'in', [R.AMBER, R.RED]),
      // "a recipient row names the viewer", as a scalar probe rather than EXISTS: PostgreSQL may run an
      // EXISTS as a hashed subplan over every recipient row naming the viewer, which grows with the table;
      // this is one primary-key probe per candidate row on both backends.
      eb(
        eb
          .selectFrom('intel_recipients as r')
          .select(sql.lit(1).as('named'))
          .whereRef('r.seq', '=', 'o.seq')
          .where('r.principal', 'in', viewerPrincipals(viewer))
          .limit(1),
        'is not',
        null,
      ),
    ]),
  ]);
}

/** True when an optional IN-list is present and empty: it matches nothing. */
function emptyList(...lists: (readonly unknown[] | undefined)[]): boolean {
  return lists.some((l) => l !== undefined && l.length === 0);
}

function pageLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}

/** The intel port over Kysely, shared by both backends; SQLite overrides its two hot paths. */
export class SqlIntelStore implements IntelStore {
  constructor(
    protected readonly db: Kysely<DB>,
    protected readonly caps: StoreCapabilities,
    /** The seq clock, µs; tests pass their own. */
    protected readonly now: () => number = wallClockMicros,
  ) {}

  // API roots and collections

  async putApiRoot(root: ApiRoot): Promise<void> {
    const { id: _id, ...rest } = root;
    await this.db
      .insertInto('intel_api_roots')
      .values(root)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  async getApiRoot(id: string): Promise<ApiRoot | null> {
    const row = await this.db.selectFrom('intel_api_roots').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toApiRoot(row) : null;
  }

  async listApiRoots(): Promise<ApiRoot[]> {
    const rows = await this.db.selectFrom('intel_api_roots').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toApiRoot);
  }

  async putCollection(c: Collection): Promise<void> {
    const { id, ...rest } = fromCollection(c);
    await this.db
      .insertInto('intel_collections')
      .values({ id, ...rest })
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  async getCollection(apiRoot: string, id: string): Promise<Collection | null> {
    const row = await this.db.selectFrom('intel_collections').selectAll().where('id', '=', id).where('api_root', '=', apiRoot).executeTakeFirst();
    return row ? toCollection(row) : null;
  }

  async listCollections(apiRoot?: string): Promise<Collection[]> {
    let q = this.db.selectFrom('intel_collections').selectAll();
    if (apiRoot !== undefined) q = q.where('api_root', '=', apiRoot);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toCollection);
  }

  async deleteCollection(apiRoot: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      // Serialised with inserts, so none adds to the collection while it goes.
      await this.lockSequence(tx);
      const found = await tx.selectFrom('intel_collections').select('id').where('id', '=', id).where('api_root', '=', apiRoot).executeTakeFirst();
      if (found === undefined) return false;
      const seqs = tx.selectFrom('intel_objects').select('seq').where('collection_id', '=', id);
      await tx.deleteFrom('intel_terms').where('seq', 'in', seqs).execute();
      await tx.deleteFrom('intel_recipients').where('seq', 'in', seqs).execute();
      await tx.deleteFrom('intel_objects').where('collection_id', '=', id).execute();
      await tx.deleteFrom('intel_statuses').where('collection_id', '=', id).execute();
      await tx.deleteFrom('intel_collections').where('id', '=', id).execute();
      return true;
    });
  }

  // Sharing groups

  async createGroup(g: SharingGroup): Promise<void> {
    await this.slugUnique(g.slug, () =>
      this.db.transaction().execute(async (tx) => {
        await tx.insertInto('intel_groups').values(fromGroup(g)).execute();
        await insertMembers(tx, g);
      }),
    );
  }

  async updateGroup(g: SharingGroup): Promise<void> {
    const { id, slug, name, description, owner_org_id, updated_at } = fromGroup(g);
    const rest = { slug, name, description, owner_org_id, updated_at };
    await this.slugUnique(g.slug, () =>
      this.db.transaction().execute(async (tx) => {
        const r = await tx.updateTable('intel_groups').set(rest).where('id', '=', id).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return;
        await tx.deleteFrom('intel_group_members').where('group_id', '=', id).execute();
        await insertMembers(tx, g);
      }),
    );
  }

  async deleteGroup(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('intel_group_members').where('group_id', '=', id).execute();
      const r = await tx.deleteFrom('intel_groups').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async getGroup(idOrSlug: string): Promise<SharingGroup | null> {
    const rows = await this.db
      .selectFrom('intel_groups')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .execute();
    // an id wins over another group's slug
    const row = rows.find((r) => r.id === idOrSlug) ?? rows[0];
    if (row === undefined) return null;
    const members = await this.db.selectFrom('intel_group_members').select('org_id').where('group_id', '=', row.id).orderBy('org_id').execute();
    return toGroup(
      row,
      members.map((m) => m.org_id),
    );
  }

  async listGroups(): Promise<SharingGroup[]> {
    const rows = await this.db.selectFrom('intel_groups').selectAll().orderBy('slug').execute();
    const members = await this.db.selectFrom('intel_group_members').select(['group_id', 'org_id']).orderBy('group_id').orderBy('org_id').execute();
    const byGroup = new Map<string, string[]>();
    for (const m of members) {
      const list = byGroup.get(m.group_id);
      if (list) list.push(m.org_id);
      else byGroup.set(m.group_id, [m.org_id]);
    }
    return rows.map((r) => toGroup(r, byGroup.get(r.id) ?? []));
  }

  async groupIdsOfOrg(orgId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('intel_groups')
      .select('id')
      .where('owner_org_id', '=', orgId)
      .union(this.db.selectFrom('intel_group_members').select('group_id as id').where('org_id', '=', orgId))
      .execute();
    return rows.map((r) => r.id).sort();
  }

  // Objects

  async insertVersions(collectionId: string, rows: readonly NewIntelObjectVersion[], writer?: Viewer, statusOf?: (outcomes: readonly InsertOutcome[]) => IntelStatus): Promise<InsertOutcome[]> {
    return (await this.insertMany([{ collectionId, rows, writer, statusOf }]))[0]!;
  }

  async insertMany(batches: readonly InsertBatch[]): Promise<InsertOutcome[][]> {
    if (batches.every((b) => b.rows.length === 0)) {
      for (const b of batches) if (b.statusOf) await this.putStatus(b.statusOf([]));
      return batches.map(() => []);
    }
    // READ COMMITTED explicitly: each statement after the lock must see what the previous holder committed.
    return this.db
      .transaction()
      .setIsolationLevel('read committed')
      .execute(async (tx) => {
        let last = await this.lockSequence(tx);
        const out: InsertOutcome[][] = [];
        for (const { collectionId, rows, writer, statusOf } of batches) {
          const outcomes = rows.length === 0 ? [] : await this.insertBatchIn(tx, collectionId, rows, last, writer);
          for (const o of outcomes) if (o.kind === 'added') last = Math.max(last, o.seq);
          if (statusOf) await upsertStatus(tx, statusOf(outcomes));
          out.push(outcomes);
        }
        return out;
      });
  }

  /** One batch of insertMany, inside its transaction; `last` is the highest seq stored so far. */
  private async insertBatchIn(tx: Kysely<DB>, collectionId: string, rows: readonly NewIntelObjectVersion[], last: number, writer?: Viewer): Promise<InsertOutcome[]> {
    const keys = keysOf(rows);
    const ids = [...keys.keys()];
    const stored: StoredVersion[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const some = ids.slice(i, i + LOOKUP_CHUNK);
      // Every stored version of these ids, any author: usually none (a new object). One probe of the
      // (id_key, collection_id) index per key, forced by the lateral subquery (OFFSET 0 keeps it from being
      // flattened): as one `id_key IN (…)`, a table without statistics yet (a bulk load) was planned as a
      // walk of the whole collection per batch. The id is compared too: keys may collide. (PostgreSQL
      // only: SQLite has its own insertMany.)
      const found = await sql<Omit<StoredVersion, 'seq' | 'tlp'> & { seq: number | string; tlp: number | string }>`
        SELECT o.seq, o.stix_id, o.author_org_id, o.author_user_id, o.version_key, o.json, o.tlp, o.recipients
        FROM unnest(${[...new Set(some.map((id) => keys.get(id)!))]}::bigint[]) AS k(key)
        CROSS JOIN LATERAL (
          SELECT * FROM intel_objects i WHERE i.id_key = k.key AND i.collection_id = ${collectionId} OFFSET 0
        ) o
        WHERE o.stix_id = ANY(${some}::text[])`.execute(tx);
      for (const f of found.rows) stored.push({ ...f, seq: Number(f.seq), tlp: Number(f.tlp) });
    }
    const { flags, existing, foreign, duplicates } = storedState(rows, stored, writer);
    const plan = planInsert(collectionId, rows, flags, existing, firstSeqOf(this.now(), last), foreign, duplicates, (id) => keys.get(id)!);
    for (let i = 0; i < plan.added.length; i += INSERT_CHUNK) {
      await tx
        .insertInto('intel_objects')
        .values(plan.added.slice(i, i + INSERT_CHUNK).map((p) => p.row))
        .execute();
    }
    const recipients = plan.added.flatMap((p) => p.principals.map((principal) => ({ seq: p.row.seq, principal })));
    for (let i = 0; i < recipients.length; i += INSERT_CHUNK) {
      await tx
        .insertInto('intel_recipients')
        .values(recipients.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    const terms = plan.added.flatMap((p) => p.terms.map((term) => ({ term, seq: p.row.seq })));
    for (let i = 0; i < terms.length; i += INSERT_CHUNK) {
      await tx
        .insertInto('intel_terms')
        .values(terms.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    for (let i = 0; i < plan.clearLatest.length; i += INSERT_CHUNK) {
      await tx.updateTable('intel_objects').set({ is_latest: 0 }).where('seq', 'in', plan.clearLatest.slice(i, i + INSERT_CHUNK)).execute();
    }
    for (let i = 0; i < plan.clearFirst.length; i += INSERT_CHUNK) {
      await tx.updateTable('intel_objects').set({ is_first: 0 }).where('seq', 'in', plan.clearFirst.slice(i, i + INSERT_CHUNK)).execute();
    }
    if (plan.lastSeq !== null) await tx.updateTable('intel_sequence').set({ last_seq: plan.lastSeq }).where('id', '=', 1).execute();
    return plan.outcomes;
  }

  async listObjects(q: ObjectQuery): Promise<{ rows: IntelObjectVersion[]; more: boolean }> {
    const limit = pageLimit(q.limit);
    if (emptyList(q.ids, q.types, q.specVersions, q.version.kind === 'exact' ? q.version.versions : undefined)) return { rows: [], more: false };
    let query = this.db
      .selectFrom('intel_objects as o')
      .select(OBJ)
      .where('o.collection_id', '=', q.collection_id)
      .where('o.seq', '>', seqAbove(q.addedAfter, q.after));
    const v = q.version;
    if (v.kind === 'last') query = query.where('o.is_latest', '=', 1);
    else if (v.kind === 'first') query = query.where('o.is_first', '=', 1);
    else if (v.kind === 'exact' || v.kind === 'union') {
      const keys = [...new Set(v.versions.map(versionKey))];
      // An object without modified or created (an SCO) is versioned by its date_added, its seq.
      const added = unversionedSeqs(v.versions);
      query = query.where((eb) =>
        eb.or([
          ...(v.kind === 'union' && v.first ? [eb('o.is_first', '=', 1)] : []),
          ...(v.kind === 'union' && v.last ? [eb('o.is_latest', '=', 1)] : []),
          ...(keys.length > 0 ? [eb('o.version_key', 'in', keys)] : []),
          ...(added.length > 0 ? [eb.and([eb('o.version_key', '=', ''), eb('o.seq', 'in', added)])] : []),
        ]),
      );
    }
    if (q.ids !== undefined) query = query.where(idKeyIs('o.id_key', [...new Set(q.ids.map(idKey))])).where('o.stix_id', 'in', q.ids);
    if (q.types !== undefined) query = query.where('o.type', 'in', q.types);
    if (q.specVersions !== undefined) query = query.where('o.spec_version', 'in', q.specVersions);
    const rows = await query
      .where((eb) => visibleTo(eb, q.viewer))
      .orderBy('o.seq')
      .limit(limit + 1)
      .execute();
    return page(rows, limit);
  }

  async deleteObject(collectionId: string, stixId: string, authorOrgId: string, versions?: readonly string[]): Promise<number> {
    if (versions !== undefined && versions.length === 0) return 0;
    return this.db.transaction().execute(async (tx) => {
      // Serialised with inserts: both maintain the latest/first flags of the object.
      await this.lockSequence(tx);
      let doomed = tx
        .selectFrom('intel_objects')
        .select('seq')
        .where(idKeyIs('id_key', [idKey(stixId)]))
        .where('collection_id', '=', collectionId)
        .where('stix_id', '=', stixId)
        .where('author_org_id', '=', authorOrgId);
      if (versions !== undefined) doomed = doomed.where('version_key', 'in', [...new Set(versions.map(versionKey))]);
      const seqs = (await doomed.execute()).map((r) => Number(r.seq));
      if (seqs.length === 0) return 0;
      for (let i = 0; i < seqs.length; i += INSERT_CHUNK) {
        const chunk = seqs.slice(i, i + INSERT_CHUNK);
        await tx.deleteFrom('intel_terms').where('seq', 'in', chunk).execute();
        await tx.deleteFrom('intel_recipients').where('seq', 'in', chunk).execute();
        await tx.deleteFrom('intel_objects').where('seq', 'in', chunk).execute();
      }
      const rest = await tx
        .selectFrom('intel_objects')
        .select(['seq', 'is_latest', 'is_first'])
        .where(idKeyIs('id_key', [idKey(stixId)]))
        .where('collection_id', '=', collectionId)
        .where('stix_id', '=', stixId)
        .where('author_org_id', '=', authorOrgId)
        .orderBy('version_key')
        .execute();
      for (const [i, r] of rest.entries()) {
        const latest = i === rest.length - 1 ? 1 : 0;
        const first = i === 0 ? 1 : 0;
        if (Number(r.is_latest) !== latest || Number(r.is_first) !== first) {
          await tx.updateTable('intel_objects').set({ is_latest: latest, is_first: first }).where('seq', '=', r.seq).execute();
        }
      }
      return seqs.length;
    });
  }

  async getLatest(collectionIds: readonly string[], stixId: string, viewer: Viewer): Promise<IntelObjectVersion | null> {
    if (collectionIds.length === 0) return null;
    // The latest version in each collection, if readable; of those, the newest.
    const row = await this.db
      .selectFrom('intel_objects as o')
      .select(OBJ)
      .where(idKeyIs('o.id_key', [idKey(stixId)]))
      .where('o.collection_id', 'in', collectionIds)
      .where('o.stix_id', '=', stixId)
      .where('o.is_latest', '=', 1)
      .where((eb) => visibleTo(eb, viewer))
      .orderBy('o.version_key', 'desc')
      .orderBy('o.seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? this.withLogIndex(toVersion(row)) : null;
  }

  async versionsOf(collectionIds: readonly string[], stixId: string, viewer: Viewer, limit: number): Promise<IntelObjectVersion[]> {
    if (collectionIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('intel_objects as o')
      .select(OBJ)
      .where(idKeyIs('o.id_key', [idKey(stixId)]))
      .where('o.collection_id', 'in', collectionIds)
      .where('o.stix_id', '=', stixId)
      .where((eb) => visibleTo(eb, viewer))
      .orderBy('o.version_key')
      .orderBy('o.seq')
      .limit(pageLimit(limit))
      .execute();
    return rows.map(toVersion);
  }

  async search(q: SearchQuery): Promise<{ rows: IntelObjectVersion[]; more: boolean }> {
    const limit = pageLimit(q.limit);
    const collections = [...new Set(q.collection_ids)];
    if (emptyList(collections, q.types, q.tlp)) return { rows: [], more: false };
    const from = q.addedFrom === undefined ? undefined : Math.ceil(q.addedFrom);
    const to = Math.min(q.addedTo === undefined ? Infinity : Math.floor(q.addedTo), q.before === undefined ? Infinity : Math.ceil(q.before) - 1);
    const tlps = q.tlp?.map((l) => TLP_RANK[l]);
    /** Everything but the collection and the seq bounds, which each plan below puts on its driving index. */
    const matches = (eb: ExpressionBuilder<ObjectScope, 'o'>): Expression<SqlBool> => {
      const all: Expression<SqlBool>[] = [eb('o.is_latest', '=', 1)];
      if (q.types !== undefined) all.push(eb('o.type', 'in', q.types));
      if (q.author_org_id !== undefined) all.push(eb('o.author_org_id', '=', q.author_org_id));
      if (tlps !== undefined) all.push(eb('o.tlp', 'in', tlps));
      all.push(visibleTo(eb, q.viewer));
      return eb.and(all);
    };
    let rows: VersionRow[];
    if (q.term !== undefined) {
      // Driven by the term's (term, seq) index, newest first: a rare term costs no more than a common one.
      let query = this.db
        .selectFrom('intel_terms as t')
        .innerJoin('intel_objects as o', 'o.seq', 't.seq')
        .select(OBJ)
        .where('t.term', '=', q.term)
        .where('o.collection_id', 'in', collections);
      if (from !== undefined) query = query.where('t.seq', '>=', from);
      if (to !== Infinity) query = query.where('t.seq', '<=', to);
      rows = await query
        .where((eb) => matches(eb as unknown as ExpressionBuilder<ObjectScope, 'o'>))
        .orderBy('t.seq', 'desc')
        .limit(limit + 1)
        .execute();
    } else {
      // One walk down each collection's (collection_id, seq) index, merged, rather than sorting whole collections.
      const pages = await Promise.all(
        collections.map((c) => {
          let query = this.db.selectFrom('intel_objects as o').select(OBJ).where('o.collection_id', '=', c);
          if (from !== undefined) query = query.where('o.seq', '>=', from);
          if (to !== Infinity) query = query.where('o.seq', '<=', to);
          return query
            .where(matches)
            .orderBy('o.seq', 'desc')
            .limit(limit + 1)
            .execute();
        }),
      );
      rows = pages.flat().sort((a, b) => Number(b.seq) - Number(a.seq));
    }
    return page(rows, limit);
  }

  async activity(collectionIds: readonly string[], viewer: Viewer, sinceSeq: number): Promise<ActivityRow[]> {
    if (collectionIds.length === 0) return [];
    // Whole days since the epoch by integer division: the same arithmetic on both backends.
    const day = sql<number>`o.seq / ${sql.lit(DAY_US)}`;
    const rows = await this.db
      .selectFrom('intel_objects as o')
      .select([day.as('day'), 'o.type', 'o.tlp', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('o.collection_id', 'in', collectionIds)
      .where('o.is_latest', '=', 1)
      .where('o.seq', '>=', Math.ceil(sinceSeq))
      .where((eb) => visibleTo(eb, viewer))
      .groupBy([day, 'o.type', 'o.tlp'])
      .execute();
    return rows
      .map((r) => ({
        day: new Date(Number(r.day) * (DAY_US / 1000)).toISOString().slice(0, 10),
        type: r.type,
        tlp: TLP_BY_RANK[Number(r.tlp)]!,
        count: Number(r.n),
      }))
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : TLP_RANK[a.tlp] - TLP_RANK[b.tlp]));
  }

  // Status resources

  async putStatus(s: IntelStatus): Promise<void> {
    await upsertStatus(this.db, s);
  }

  async putStatusIfAbsent(s: IntelStatus): Promise<void> {
    await this.db
      .insertInto('intel_statuses')
      .values(fromStatus(s))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async getStatus(id: string): Promise<IntelStatus | null> {
    const row = await this.db.selectFrom('intel_statuses').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStatus(row) : null;
  }

  async pruneStatuses(before: string): Promise<number> {
    const r = await this.db.deleteFrom('intel_statuses').where('updated_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async pendingStatuses(): Promise<IntelStatus[]> {
    const rows = await this.db.selectFrom('intel_statuses').selectAll().where('status', '=', 'pending').orderBy('updated_at').orderBy('id').execute();
    return rows.map(toStatus);
  }

  // Ledger feed

  async unlogged(afterSeq: number, limit: number): Promise<UnloggedVersion[]> {
    const cursor = (await sql<{ logged_seq: number | string }>`SELECT logged_seq FROM intel_sequence WHERE id = 1`.execute(this.db)).rows[0];
    // Only what an entry is made of: reading every column was ~60% of the feed's cost per version.
    const rows = await this.db
      .selectFrom('intel_objects as o')
      .select(UNLOGGED_COLUMNS)
      .where('o.seq', '>', seqAbove(afterSeq, cursor === undefined ? 0 : Number(cursor.logged_seq)))
      .orderBy('o.seq')
      .limit(pageLimit(limit))
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), collection_id: r.collection_id, stix_id: r.stix_id, version: r.version, json: r.json, salt: r.salt }));
  }

  async markLogged(seq: number): Promise<void> {
    const s = seqAbove(seq);
    await sql`UPDATE intel_sequence SET logged_seq = ${s} WHERE id = 1 AND logged_seq < ${s}`.execute(this.db);
  }

  /** The log index of a version's entry, found by its key (`intel:<seq>`); older databases kept it in the row. */
  protected async withLogIndex(v: IntelObjectVersion): Promise<IntelObjectVersion> {
    if (v.log_index !== null) return v;
    const e = await this.db.selectFrom('log_entries').select('idx').where('dedupe_key', '=', `intel:${v.seq}`).executeTakeFirst();
    return e === undefined ? v : { ...v, log_index: Number(e.idx) };
  }

  /**
   * Takes the lock that serialises writers of objects (PostgreSQL: the
   * sequence row, held to commit; SQLite's transaction already excludes
   * every other writer) and returns the last seq handed out.
   */
  protected async lockSequence(tx: Kysely<DB>): Promise<number> {
    const q = tx.selectFrom('intel_sequence').select('last_seq').where('id', '=', 1);
    const row = await (this.caps.multipleWriters ? q.forUpdate() : q).executeTakeFirstOrThrow();
    return Number(row.last_seq);
  }

  /** Runs a write and turns a unique violation on the slug into GROUP_SLUG_TAKEN. */
  private async slugUnique(slug: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (err) {
      const constraint = this.caps.uniqueViolation(err);
      if (constraint !== null && constraint.includes('slug')) {
        throw new IntelError('GROUP_SLUG_TAKEN', `A sharing group with slug "${slug}" already exists.`, { cause: err });
      }
      throw err;
    }
  }
}

function page(rows: VersionRow[], limit: number): { rows: IntelObjectVersion[]; more: boolean } {
  const more = rows.length > limit;
  return { rows: (more ? rows.slice(0, limit) : rows).map(toVersion), more };
}

async function insertMembers(tx: Kysely<DB>, g: SharingGroup): Promise<void> {
  const members = [...new Set(g.member_org_ids)];
  if (members.length === 0) return;
  await tx
    .insertInto('intel_group_members')
    .values(members.map((org_id) => ({ group_id: g.id, org_id })))
    .execute();
}

function toApiRoot(r: Selectable<DB['intel_api_roots']>): ApiRoot {
  return { id: r.id, title: r.title, description: r.description, max_content_length: Number(r.max_content_length), created_at: r.created_at };
}

function fromCollection(c: Collection): DB['intel_collections'] {
  return {
    id: c.id,
    api_root: c.api_root,
    title: c.title,
    description: c.description,
    alias: c.alias,
    default_tlp: c.default_tlp,
    public_read: c.public_read ? 1 : 0,
    grants: JSON.stringify(c.grants),
    created_at: c.created_at,
  };
}

function toCollection(r: Selectable<DB['intel_collections']>): Collection {
  return {
    id: r.id,
    api_root: r.api_root,
    title: r.title,
    description: r.description,
    alias: r.alias,
    default_tlp: r.default_tlp as TlpLevel,
    public_read: Number(r.public_read) === 1,
    grants: JSON.parse(r.grants) as CollectionGrant[],
    created_at: r.created_at,
  };
}

function fromGroup(g: SharingGroup): DB['intel_groups'] {
  return { id: g.id, slug: g.slug, name: g.name, description: g.description, owner_org_id: g.owner_org_id, created_at: g.created_at, updated_at: g.updated_at };
}

function toGroup(r: Selectable<DB['intel_groups']>, members: string[]): SharingGroup {
  return { ...r, member_org_ids: members };
}

async function upsertStatus(db: Kysely<DB>, s: IntelStatus): Promise<void> {
  const { id, ...rest } = fromStatus(s);
  await db
    .insertInto('intel_statuses')
    .values({ id, ...rest })
    .onConflict((oc) => oc.column('id').doUpdateSet(rest))
    .execute();
}

export function fromStatus(s: IntelStatus): DB['intel_statuses'] {
  return {
    id: s.id,
    api_root: s.api_root,
    collection_id: s.collection_id,
    status: s.status,
    request_timestamp: s.request_timestamp,
    user_id: s.user_id,
    total_count: s.total_count,
    success_count: s.success_count,
    failure_count: s.failure_count,
    pending_count: s.pending_count,
    successes: JSON.stringify(s.successes),
    failures: JSON.stringify(s.failures),
    pendings: JSON.stringify(s.pendings),
    updated_at: s.updated_at,
  };
}

function toStatus(r: Selectable<DB['intel_statuses']>): IntelStatus {
  return {
    id: r.id,
    api_root: r.api_root,
    collection_id: r.collection_id,
    status: r.status as IntelStatus['status'],
    request_timestamp: r.request_timestamp,
    user_id: r.user_id,
    total_count: Number(r.total_count),
    success_count: Number(r.success_count),
    failure_count: Number(r.failure_count),
    pending_count: Number(r.pending_count),
    successes: JSON.parse(r.successes) as StatusDetail[],
    failures: JSON.parse(r.failures) as StatusDetail[],
    pendings: JSON.parse(r.pendings) as StatusDetail[],
    updated_at: r.updated_at,
  };
}
