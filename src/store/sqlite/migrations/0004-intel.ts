import { sql, type Kysely } from 'kysely';

export const name = '0004-intel';

/**
 * The intel pillar: TAXII API roots and collections, sharing groups, STIX
 * object versions with the two tables the TLP predicate and search need, and
 * TAXII status resources.
 *
 * Timestamps are kept as the text they arrived as: STIX versions carry their
 * own precision, which a timestamp type would round. Order between versions
 * comes from `version_key` (the version with its fraction padded to nine
 * digits), so it is a byte comparison on both backends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE intel_api_roots (
      id TEXT NOT NULL PRIMARY KEY,
      title TEXT NOT NULL,
      description TEXT,
      max_content_length INTEGER NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE TABLE intel_collections (
      id TEXT NOT NULL PRIMARY KEY,
      api_root TEXT NOT NULL REFERENCES intel_api_roots(id),
      title TEXT NOT NULL,
      description TEXT,
      alias TEXT,
      default_tlp TEXT NOT NULL CHECK (default_tlp IN ('CLEAR','GREEN','AMBER','AMBER+STRICT','RED')),
      public_read INTEGER NOT NULL,
      grants TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX intel_collections_api_root ON intel_collections(api_root)`,
    sql`CREATE TABLE intel_groups (
      id TEXT NOT NULL PRIMARY KEY,
      slug TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      description TEXT,
      owner_org_id TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX intel_groups_owner ON intel_groups(owner_org_id)`,
    sql`CREATE TABLE intel_group_members (
      group_id TEXT NOT NULL REFERENCES intel_groups(id),
      org_id TEXT NOT NULL,
      PRIMARY KEY (group_id, org_id)
    ) STRICT, WITHOUT ROWID`,
    sql`CREATE INDEX intel_group_members_org ON intel_group_members(org_id)`,
    // The last seq handed out; the write transaction that reads it holds SQLite's one write lock.
    sql`CREATE TABLE intel_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL) STRICT`,
    sql`INSERT INTO intel_sequence (id, last_seq) VALUES (1, 0)`,
    // seq is the rowid: the table is stored in TAXII date_added order.
    sql`CREATE TABLE intel_objects (
      seq INTEGER PRIMARY KEY,
      collection_id TEXT NOT NULL REFERENCES intel_collections(id),
      stix_id TEXT NOT NULL,
      type TEXT NOT NULL,
      version TEXT NOT NULL,
      version_key TEXT NOT NULL,
      spec_version TEXT NOT NULL,
      tlp INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),
      author_org_id TEXT NOT NULL,
      author_user_id TEXT NOT NULL,
      recipients TEXT NOT NULL,
      revoked INTEGER NOT NULL,
      json TEXT NOT NULL,
      salt TEXT,
      log_index INTEGER,
      created TEXT NOT NULL,
      is_latest INTEGER NOT NULL,
      is_first INTEGER NOT NULL,
      UNIQUE (collection_id, stix_id, author_org_id, version_key)
    ) STRICT`,
    // TAXII paging: one collection in seq order (the unique index above serves lookups by id).
    sql`CREATE INDEX intel_objects_collection_seq ON intel_objects(collection_id, seq)`,
    // The ledger feed's backlog: small, since logged rows leave it.
    sql`CREATE INDEX intel_objects_unlogged ON intel_objects(seq) WHERE log_index IS NULL`,
    sql`CREATE TABLE intel_recipients (seq INTEGER NOT NULL, principal TEXT NOT NULL, PRIMARY KEY (seq, principal)) STRICT, WITHOUT ROWID`,
    sql`CREATE TABLE intel_terms (term TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (term, seq)) STRICT, WITHOUT ROWID`,
    sql`CREATE INDEX intel_terms_seq ON intel_terms(seq)`,
    sql`CREATE TABLE intel_statuses (
      id TEXT NOT NULL PRIMARY KEY,
      api_root TEXT NOT NULL,
      collection_id TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending','complete')),
      request_timestamp TEXT NOT NULL,
      user_id TEXT NOT NULL,
      total_count INTEGER NOT NULL,
      success_count INTEGER NOT NULL,
      failure_count INTEGER NOT NULL,
      pending_count INTEGER NOT NULL,
      successes TEXT NOT NULL,
      failures TEXT NOT NULL,
      pendings TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX intel_statuses_updated ON intel_statuses(updated_at)`,
    sql`CREATE INDEX intel_statuses_collection ON intel_statuses(collection_id)`,
    sql`CREATE INDEX intel_statuses_pending ON intel_statuses(status) WHERE status = 'pending'`,
  ]) {
    await statement.execute(db);
  }
}
