import { sql, type Kysely } from 'kysely';

export const name = '0004-intel';

/**
 * The intel pillar: TAXII API roots and collections, sharing groups, STIX
 * object versions with the two tables the TLP predicate and search need, and
 * TAXII status resources.
 *
 * Timestamps are kept as the text they arrived as: STIX versions carry their
 * own precision, which TIMESTAMPTZ would round (and read back at
 * milliseconds). Text compared by order is COLLATE "C", so it sorts by bytes
 * as in SQLite, whatever the server's locale.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE intel_api_roots (
      id TEXT NOT NULL PRIMARY KEY,
      title TEXT NOT NULL,
      description TEXT,
      max_content_length BIGINT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL
    )`,
    sql`CREATE TABLE intel_collections (
      id TEXT NOT NULL PRIMARY KEY,
      api_root TEXT NOT NULL REFERENCES intel_api_roots(id),
      title TEXT NOT NULL,
      description TEXT,
      alias TEXT,
      default_tlp TEXT NOT NULL CHECK (default_tlp IN ('CLEAR','GREEN','AMBER','AMBER+STRICT','RED')),
      public_read SMALLINT NOT NULL,
      grants TEXT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL
    )`,
    sql`CREATE INDEX intel_collections_api_root ON intel_collections(api_root)`,
    sql`CREATE TABLE intel_groups (
      id TEXT NOT NULL PRIMARY KEY,
      slug TEXT COLLATE "C" NOT NULL UNIQUE,
      name TEXT NOT NULL,
      description TEXT,
      owner_org_id TEXT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL,
      updated_at TEXT COLLATE "C" NOT NULL
    )`,
    sql`CREATE INDEX intel_groups_owner ON intel_groups(owner_org_id)`,
    sql`CREATE TABLE intel_group_members (
      group_id TEXT NOT NULL REFERENCES intel_groups(id),
      org_id TEXT NOT NULL,
      PRIMARY KEY (group_id, org_id)
    )`,
    sql`CREATE INDEX intel_group_members_org ON intel_group_members(org_id)`,
    // One row whose lock, held to commit, serialises seq assignment across nodes: seq grows in commit order.
    sql`CREATE TABLE intel_sequence (id SMALLINT PRIMARY KEY CHECK (id = 1), last_seq BIGINT NOT NULL)`,
    sql`INSERT INTO intel_sequence (id, last_seq) VALUES (1, 0)`,
    sql`CREATE TABLE intel_objects (
      seq BIGINT PRIMARY KEY,
      collection_id TEXT NOT NULL REFERENCES intel_collections(id),
      stix_id TEXT NOT NULL,
      type TEXT NOT NULL,
      version TEXT NOT NULL,
      version_key TEXT COLLATE "C" NOT NULL,
      spec_version TEXT NOT NULL,
      tlp SMALLINT NOT NULL CHECK (tlp BETWEEN 0 AND 4),
      author_org_id TEXT NOT NULL,
      author_user_id TEXT NOT NULL,
      recipients TEXT NOT NULL,
      revoked SMALLINT NOT NULL,
      json TEXT NOT NULL,
      salt TEXT,
      log_index BIGINT,
      created TEXT NOT NULL,
      is_latest SMALLINT NOT NULL,
      is_first SMALLINT NOT NULL,
      UNIQUE (collection_id, stix_id, author_org_id, version_key)
    )`,
    // TAXII paging: one collection in seq order (the unique index above serves lookups by id).
    sql`CREATE INDEX intel_objects_collection_seq ON intel_objects(collection_id, seq)`,
    // The ledger feed's backlog: small, since logged rows leave it.
    sql`CREATE INDEX intel_objects_unlogged ON intel_objects(seq) WHERE log_index IS NULL`,
    sql`CREATE TABLE intel_recipients (seq BIGINT NOT NULL, principal TEXT NOT NULL, PRIMARY KEY (seq, principal))`,
    sql`CREATE TABLE intel_terms (term TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (term, seq))`,
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
      updated_at TEXT COLLATE "C" NOT NULL
    )`,
    sql`CREATE INDEX intel_statuses_updated ON intel_statuses(updated_at)`,
    sql`CREATE INDEX intel_statuses_collection ON intel_statuses(collection_id)`,
    sql`CREATE INDEX intel_statuses_pending ON intel_statuses(status) WHERE status = 'pending'`,
  ]) {
    await statement.execute(db);
  }
}
