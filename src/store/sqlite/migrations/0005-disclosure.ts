import { sql, type Kysely } from 'kysely';

export const name = '0005-disclosure';

/**
 * Coordinated disclosure: cases with their participants, vulnerabilities,
 * vendor statuses, thread, timeline and attachments; advisories with their
 * draft and every published version's exact bytes.
 *
 * A case row carries a `version` every write checks and bumps (optimistic
 * concurrency); the embargo's state and end are copied out of its JSON so
 * the scheduler finds due embargoes by index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE disclosure_counters (year INTEGER NOT NULL PRIMARY KEY, last INTEGER NOT NULL) STRICT`,
    sql`CREATE TABLE cases (
      id TEXT NOT NULL PRIMARY KEY,
      number TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      products TEXT NOT NULL,
      wishes TEXT NOT NULL,
      facts TEXT NOT NULL,
      embargo TEXT NOT NULL,
      embargo_state TEXT NOT NULL,
      embargo_end_at TEXT,
      status TEXT NOT NULL CHECK (status IN ('open','closed')),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      version INTEGER NOT NULL
    ) STRICT`,
    sql`CREATE INDEX cases_embargo_end ON cases(embargo_end_at) WHERE embargo_state IN ('active','revise')`,
    sql`CREATE TABLE case_participants (
      id TEXT NOT NULL PRIMARY KEY,
      case_id TEXT NOT NULL REFERENCES cases(id),
      kind TEXT NOT NULL CHECK (kind IN ('reporter','coordinator','vendor','stakeholder')),
      org_id TEXT,
      user_id TEXT,
      email TEXT,
      name TEXT NOT NULL,
      report_state TEXT NOT NULL,
      secret_hash TEXT UNIQUE,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX case_participants_case ON case_participants(case_id)`,
    sql`CREATE INDEX case_participants_org ON case_participants(org_id) WHERE org_id IS NOT NULL`,
    sql`CREATE INDEX case_participants_user ON case_participants(user_id) WHERE user_id IS NOT NULL`,
    sql`CREATE TABLE case_vulnerabilities (
      id TEXT NOT NULL PRIMARY KEY,
      case_id TEXT NOT NULL REFERENCES cases(id),
      cve TEXT,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      cwe TEXT,
      cvss TEXT,
      created_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX case_vulnerabilities_case ON case_vulnerabilities(case_id)`,
    sql`CREATE TABLE case_statuses (
      case_id TEXT NOT NULL REFERENCES cases(id),
      vulnerability_id TEXT NOT NULL REFERENCES case_vulnerabilities(id),
      participant_id TEXT NOT NULL REFERENCES case_participants(id),
      status TEXT NOT NULL,
      justification TEXT,
      statement TEXT,
      versions TEXT,
      shared INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (vulnerability_id, participant_id)
    ) STRICT`,
    sql`CREATE INDEX case_statuses_case ON case_statuses(case_id)`,
    sql`CREATE TABLE case_messages (
      id TEXT NOT NULL PRIMARY KEY,
      case_id TEXT NOT NULL REFERENCES cases(id),
      participant_id TEXT NOT NULL,
      author TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX case_messages_case ON case_messages(case_id, created_at, id)`,
    sql`CREATE TABLE case_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      case_id TEXT NOT NULL REFERENCES cases(id),
      at TEXT NOT NULL,
      participant_id TEXT,
      kind TEXT NOT NULL,
      private_to TEXT,
      data TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX case_events_case ON case_events(case_id, id)`,
    sql`CREATE TABLE case_attachments (
      id TEXT NOT NULL PRIMARY KEY,
      case_id TEXT NOT NULL REFERENCES cases(id),
      participant_id TEXT NOT NULL,
      filename TEXT NOT NULL,
      media_type TEXT NOT NULL,
      size INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      content BLOB NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX case_attachments_case ON case_attachments(case_id)`,
    sql`CREATE TABLE advisories (
      id TEXT NOT NULL PRIMARY KEY,
      tracking_id TEXT NOT NULL UNIQUE,
      case_id TEXT UNIQUE REFERENCES cases(id),
      status TEXT NOT NULL CHECK (status IN ('draft','scheduled','published')),
      draft TEXT NOT NULL,
      draft_revision INTEGER NOT NULL,
      approvals TEXT NOT NULL,
      scheduled_for TEXT,
      publish_summary TEXT,
      published_versions INTEGER NOT NULL,
      first_published_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX advisories_scheduled ON advisories(scheduled_for) WHERE status = 'scheduled'`,
    sql`CREATE TABLE advisory_versions (
      advisory_id TEXT NOT NULL REFERENCES advisories(id),
      version INTEGER NOT NULL,
      tracking_id TEXT NOT NULL,
      title TEXT NOT NULL,
      tlp TEXT NOT NULL,
      csaf TEXT NOT NULL,
      osv TEXT NOT NULL,
      cve TEXT,
      csaf_sha256 TEXT NOT NULL,
      csaf_signature TEXT NOT NULL,
      published_at TEXT NOT NULL,
      log_index INTEGER,
      PRIMARY KEY (advisory_id, version)
    ) STRICT`,
    sql`CREATE INDEX advisory_versions_published ON advisory_versions(published_at, advisory_id, version)`,
    sql`CREATE INDEX advisory_versions_unlogged ON advisory_versions(published_at) WHERE log_index IS NULL`,
  ]) {
    await statement.execute(db);
  }
}
