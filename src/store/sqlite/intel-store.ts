import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { TLP_RANK, viewerPrincipals } from '../../intel/access.js';
import type { InsertBatch, InsertOutcome, IntelObjectVersion, NewIntelObjectVersion, ObjectQuery, UnloggedVersion, VersionMatch, Viewer } from '../../intel/ports.js';
import {
  SqlIntelStore,
  VERSION_COLUMNS,
  firstSeqOf,
  fromStatus,
  idKey,
  keysOf,
  UNLOGGED_SQL,
  type IntelObjectRow,
  planInsert,
  storedState,
  type StoredVersion,
  seqAbove,
  toVersion,
  unversionedSeqs,
  versionKey,
  wallClockMicros,
  type VersionRow,
} from '../sql/intel-store.js';
import type { DB } from '../sql/schema.js';
import { releaseFreedMemory } from '../../native-memory.js';
import { sqliteCapabilities } from './capabilities.js';

/**
 * Once intel writes (ingest, the ledger feed's cursor) stop for this long,
 * the connection's page cache is given back: an ingest fills all 64 MiB of
 * it with index pages a reader mostly does not need.
 */
export const RELEASE_CACHE_AFTER_MS = 5_000;

/** Prepared listing statements kept; a shape is which filters a query has and how long its lists are. */
const PAGE_STATEMENTS = 128;

/** Which filters an object listing has: what its SQL text depends on. */
export interface PageShape {
  /** The version filter's kind; a union adds which keywords it holds (`union:fl`). */
  version: VersionMatch['kind'] | `union:${string}`;
  /** Lengths of the IN-lists, 0 when the filter is absent (`added`: date_added seqs the versions name, for SCOs). */
  versions: number;
  added: number;
  ids: number;
  types: number;
  specVersions: number;
  /** null for an anonymous viewer, else how many principals the viewer matches. */
  principals: number | null;
}

/**
 * Recipient and term pairs per multi-row INSERT (128 bound values, far below SQLite's limit). A statement
 * that writes several rows and may abort half way makes SQLite keep a statement journal: a copy of every
 * page it touches, spilled to a temporary file past 64 KiB, so a write per page. These inserts say
 * OR ROLLBACK (a failure abandons the whole transaction, as insertVersions does anyway), which needs none.
 * Objects are inserted a row per statement: their foreign key to the collection would make a multi-row
 * INSERT keep that journal whatever its conflict clause. bench/intel-store.ts under strace, 200,000
 * versions: 1.30 M pwrite calls with the journal, 0.39 M without; 10–20% less time per version.
 */
const PAIRS_PER_STATEMENT = 64;

/** The columns an insert writes (log_index starts NULL), in the order pushObject binds them. */
const OBJECT_COLUMNS = [
  'seq',
  'collection_id',
  'stix_id',
  'type',
  'version',
  'version_key',
  'spec_version',
  'tlp',
  'author_org_id',
  'author_user_id',
  'recipients',
  'revoked',
  'json',
  'salt',
  'created',
  'is_latest',
  'is_first',
  'id_key',
] as const satisfies readonly (keyof IntelObjectRow)[];

function pushObject(values: unknown[], o: IntelObjectRow): unknown[] {
  for (const c of OBJECT_COLUMNS) values.push(o[c]);
  return values;
}

/** The columns of a status resource, in the order upsertStatus binds them. */
const STATUS_COLUMNS = [
  'id',
  'api_root',
  'collection_id',
  'status',
  'request_timestamp',
  'user_id',
  'total_count',
  'success_count',
  'failure_count',
  'pending_count',
  'successes',
  'failures',
  'pendings',
  'updated_at',
] as const satisfies readonly (keyof DB['intel_statuses'])[];

const R = TLP_RANK;
const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The SQL of an object listing. Its parameters, in order: collection id, seq
 * bound, the listed versions' keys, the ids' keys (idKey), ids, types, spec versions, then (for a
 * user) org id, user id and principals, and the row limit. The visibility
 * term is `canRead` (intel/access.ts) spelt out as in `visibleTo`
 * (store/sql/intel-store.ts). The page walks the (collection_id, seq) index.
 */
export function objectPageSql(s: PageShape): string {
  // With ids, the id_key index drives the query (the unary + keeps SQLite off the collection's seq index,
  // which would walk the whole collection for a few ids); without, the (collection_id, seq) index does.
  const where = s.ids > 0 ? ['+o.collection_id = ?', '+o.seq > ?'] : ['o.collection_id = ?', 'o.seq > ?'];
  if (s.version === 'last') where.push('o.is_latest = 1');
  else if (s.version === 'first') where.push('o.is_first = 1');
  else if (s.version === 'exact' || s.version.startsWith('union:')) {
    const flags = s.version.startsWith('union:') ? s.version.slice(6) : '';
    const any = [
      ...(flags.includes('f') ? ['o.is_first = 1'] : []),
      ...(flags.includes('l') ? ['o.is_latest = 1'] : []),
      ...(s.versions > 0 ? [`o.version_key IN (${list(s.versions)})`] : []),
      // An object without modified or created (an SCO) is versioned by its date_added, its seq.
      ...(s.added > 0 ? [`(o.version_key = '' AND o.seq IN (${list(s.added)}))`] : []),
    ];
    where.push(any.length > 0 ? `(${any.join(' OR ')})` : '0');
  }
  // The ids themselves settle collisions of their keys.
  if (s.ids > 0) where.push(`o.id_key IN (${list(s.ids)})`, `o.stix_id IN (${list(s.ids)})`);
  if (s.types > 0) where.push(`o.type IN (${list(s.types)})`);
  if (s.specVersions > 0) where.push(`o.spec_version IN (${list(s.specVersions)})`);
  if (s.principals === null) where.push(`o.tlp = ${R.CLEAR}`);
  else {
    where.push(
      `(o.tlp IN (${R.CLEAR}, ${R.GREEN})` +
        ` OR (o.tlp IN (${R.AMBER}, ${R['AMBER+STRICT']}) AND o.author_org_id = ?)` +
        ` OR (o.tlp = ${R.RED} AND o.author_user_id = ?)` +
        ` OR (o.tlp IN (${R.AMBER}, ${R.RED}) AND (SELECT 1 FROM intel_recipients r WHERE r.seq = o.seq AND r.principal IN (${list(s.principals)}) LIMIT 1) IS NOT NULL))`,
    );
  }
  return `SELECT ${VERSION_COLUMNS.map((c) => `o.${c}`).join(', ')} FROM intel_objects o WHERE ${where.join(' AND ')} ORDER BY o.seq LIMIT ?`;
}

/**
 * The intel store on SQLite: the shared Kysely implementation, with the two
 * hot paths (storing versions and listing them) on better-sqlite3's prepared
 * statements. They run while holding Kysely's one connection, so they never
 * interleave with another query or transaction.
 */
export class SqliteIntelStore extends SqlIntelStore {
  private readonly lastSeq: Database.Statement;
  private readonly loggedSeq: Database.Statement;
  private readonly unloggedRows: Database.Statement;
  private readonly setLastSeq: Database.Statement;
  private readonly storedVersions: Database.Statement;
  private readonly insertObject: Database.Statement;
  private readonly insertRecipient: Database.Statement;
  private readonly insertRecipients: Database.Statement;
  private readonly insertTerm: Database.Statement;
  private readonly insertTerms: Database.Statement;
  private readonly clearLatest: Database.Statement;
  private readonly clearFirst: Database.Statement;
  private readonly upsertStatus: Database.Statement;
  private readonly pages = new Map<string, Database.Statement>();
  private release: NodeJS.Timeout | null = null;
  private readonly insertTx: Database.Transaction<(batches: readonly InsertBatch[]) => InsertOutcome[][]>;

  constructor(
    private readonly kdb: Kysely<DB>,
    private readonly raw: Database.Database,
    now: () => number = wallClockMicros,
    private readonly releaseCacheAfterMs = RELEASE_CACHE_AFTER_MS,
  ) {
    super(kdb, sqliteCapabilities, now);
    this.lastSeq = raw.prepare('SELECT last_seq FROM intel_sequence WHERE id = 1').pluck();
    this.setLastSeq = raw.prepare('UPDATE intel_sequence SET last_seq = ? WHERE id = 1');
    this.loggedSeq = raw.prepare('SELECT logged_seq FROM intel_sequence WHERE id = 1').pluck();
    this.unloggedRows = raw.prepare(`SELECT ${UNLOGGED_SQL.join(', ')} FROM intel_objects WHERE seq > ? ORDER BY seq LIMIT ?`);
    // Walks the id_key index; the id is compared too, as keys may collide.
    this.storedVersions = raw.prepare('SELECT seq, stix_id, author_org_id, author_user_id, version_key, json, tlp, recipients FROM intel_objects WHERE id_key = ? AND collection_id = ? AND stix_id = ?');
    const pairSql = (table: string, columns: string, n: number) => `INSERT OR ROLLBACK INTO ${table} (${columns}) VALUES ${Array(n).fill('(?, ?)').join(', ')}`;
    this.insertObject = raw.prepare(`INSERT INTO intel_objects (${OBJECT_COLUMNS.join(', ')}) VALUES (${list(OBJECT_COLUMNS.length)})`);
    this.insertRecipient = raw.prepare(pairSql('intel_recipients', 'seq, principal', 1));
    this.insertRecipients = raw.prepare(pairSql('intel_recipients', 'seq, principal', PAIRS_PER_STATEMENT));
    this.insertTerm = raw.prepare(pairSql('intel_terms', 'term, seq', 1));
    this.insertTerms = raw.prepare(pairSql('intel_terms', 'term, seq', PAIRS_PER_STATEMENT));
    this.clearLatest = raw.prepare('UPDATE intel_objects SET is_latest = 0 WHERE seq = ?');
    this.clearFirst = raw.prepare('UPDATE intel_objects SET is_first = 0 WHERE seq = ?');
    this.upsertStatus = raw.prepare(
      `INSERT INTO intel_statuses (${STATUS_COLUMNS.join(', ')}) VALUES (${list(STATUS_COLUMNS.length)})` +
        ` ON CONFLICT (id) DO UPDATE SET ${STATUS_COLUMNS.filter((c) => c !== 'id')
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')}`,
    );
    this.insertTx = raw.transaction((batches: readonly InsertBatch[]) =>
      batches.map(({ collectionId, rows, writer, statusOf }) => {
        const outcomes = rows.length === 0 ? [] : this.insertBatch(collectionId, rows, writer);
        if (statusOf) {
          const row = fromStatus(statusOf(outcomes));
          this.upsertStatus.run(STATUS_COLUMNS.map((c) => row[c]));
        }
        return outcomes;
      }),
    );
  }

  override async insertMany(batches: readonly InsertBatch[]): Promise<InsertOutcome[][]> {
    if (batches.every((b) => b.rows.length === 0 && !b.statusOf)) return batches.map(() => []);
    // IMMEDIATE: take the write lock first, so another process's writer makes this wait (busy_timeout), not fail.
    const outcomes = await this.kdb.connection().execute(async () => this.insertTx.immediate(batches));
    this.wrote();
    return outcomes;
  }

  override async unlogged(afterSeq: number, limit: number): Promise<UnloggedVersion[]> {
    const lim = Math.max(0, Math.floor(limit));
    return this.kdb.connection().execute(async () => this.unloggedRows.all(seqAbove(afterSeq, Number(this.loggedSeq.get())), lim) as UnloggedVersion[]);
  }

  override async markLogged(seq: number): Promise<void> {
    await super.markLogged(seq);
    this.wrote();
  }

  /** Schedules (again) the release of the page cache RELEASE_CACHE_AFTER_MS after this write. */
  private wrote(): void {
    if (this.release !== null) {
      this.release.refresh();
      return;
    }
    this.release = setTimeout(() => {
      this.release = null;
      // sqlite3_db_release_memory: frees the cache's unused pages; a closed store just has nothing to free.
      // Freed, they stay resident in the C allocator's arena until it is trimmed (native-memory.ts).
      this.kdb
        .connection()
        .execute(async () => this.raw.pragma('shrink_memory'))
        .then(() => releaseFreedMemory())
        .catch(() => undefined);
    }, this.releaseCacheAfterMs);
    this.release.unref();
  }

  /** One batch of insertMany's transaction: look up what the batch may touch, plan, write. */
  private insertBatch(collectionId: string, rows: readonly NewIntelObjectVersion[], writer?: Viewer): InsertOutcome[] {
    const stored: StoredVersion[] = [];
    const keys = keysOf(rows);
    // One probe of the id_key index per id; a new object (the common case) finds nothing.
    for (const [id, key] of keys) for (const v of this.storedVersions.all(key, collectionId, id) as typeof stored) stored.push(v);
    const { flags, existing, foreign, duplicates } = storedState(rows, stored, writer);
    const plan = planInsert(collectionId, rows, flags, existing, firstSeqOf(this.now(), Number(this.lastSeq.get())), foreign, duplicates, (id) => keys.get(id)!);
    for (const { row } of plan.added) this.insertObject.run(pushObject([], row));
    const pairs: unknown[] = [];
    for (const { row, principals } of plan.added) for (const p of principals) pairs.push(row.seq, p);
    this.insertPairs(pairs, this.insertRecipients, this.insertRecipient);
    pairs.length = 0;
    for (const { row, terms } of plan.added) for (const t of terms) pairs.push(t, row.seq);
    this.insertPairs(pairs, this.insertTerms, this.insertTerm);
    for (const seq of plan.clearLatest) this.clearLatest.run(seq);
    for (const seq of plan.clearFirst) this.clearFirst.run(seq);
    if (plan.lastSeq !== null) this.setLastSeq.run(plan.lastSeq);
    return plan.outcomes;
  }

  override async listObjects(q: ObjectQuery): Promise<{ rows: IntelObjectVersion[]; more: boolean }> {
    const limit = Math.max(0, Math.floor(q.limit));
    const v = q.version;
    const versions = v.kind === 'exact' || v.kind === 'union' ? [...new Set(v.versions.map(versionKey))] : [];
    const added = v.kind === 'exact' || v.kind === 'union' ? unversionedSeqs(v.versions) : [];
    for (const l of [q.ids, q.types, q.specVersions, v.kind === 'exact' ? versions : undefined]) {
      if (l !== undefined && l.length === 0) return { rows: [], more: false };
    }
    const principals = q.viewer.kind === 'user' ? viewerPrincipals(q.viewer) : null;
    const statement = this.page({
      version: v.kind === 'union' ? `union:${v.first ? 'f' : ''}${v.last ? 'l' : ''}` : v.kind,
      versions: versions.length,
      added: added.length,
      ids: q.ids?.length ?? 0,
      types: q.types?.length ?? 0,
      specVersions: q.specVersions?.length ?? 0,
      principals: principals === null ? null : principals.length,
    });
    const params: unknown[] = [q.collection_id, seqAbove(q.addedAfter, q.after), ...versions, ...added, ...(q.ids ?? []).map(idKey), ...(q.ids ?? []), ...(q.types ?? []), ...(q.specVersions ?? [])];
    if (q.viewer.kind === 'user') params.push(q.viewer.orgId, q.viewer.userId, ...principals!);
    params.push(limit + 1);
    const rows = await this.kdb.connection().execute(async () => statement.all(...params) as VersionRow[]);
    const more = rows.length > limit;
    return { rows: (more ? rows.slice(0, limit) : rows).map(toVersion), more };
  }

  /** Inserts flattened two-column rows, PAIRS_PER_STATEMENT at a time. */
  private insertPairs(values: unknown[], many: Database.Statement, one: Database.Statement): void {
    const chunk = 2 * PAIRS_PER_STATEMENT;
    let i = 0;
    for (; i + chunk <= values.length; i += chunk) many.run(values.slice(i, i + chunk));
    for (; i < values.length; i += 2) one.run(values[i], values[i + 1]);
  }

  /** The prepared statement of a listing shape, from a small LRU cache. */
  private page(shape: PageShape): Database.Statement {
    const key = `${shape.version}:${shape.versions}:${shape.added}:${shape.ids}:${shape.types}:${shape.specVersions}:${shape.principals ?? 'anon'}`;
    let statement = this.pages.get(key);
    if (statement !== undefined) {
      this.pages.delete(key);
    } else {
      statement = this.raw.prepare(objectPageSql(shape));
      if (this.pages.size >= PAGE_STATEMENTS) this.pages.delete(this.pages.keys().next().value!);
    }
    this.pages.set(key, statement);
    return statement;
  }
}
