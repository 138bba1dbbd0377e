import { sql, type Kysely } from 'kysely';

export const name = '0001-registry';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`CREATE TABLE orgs (
      id TEXT PRIMARY KEY,
      slug TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('secretariat','signatory')),
      name TEXT NOT NULL,
      country TEXT, sector TEXT, size_band TEXT, website TEXT, psirt_contact TEXT,
      cvd_policy_url TEXT, security_txt_url TEXT, description TEXT,
      status TEXT NOT NULL CHECK (status IN ('applicant','member','suspended','withdrawn')),
      joined_at TEXT,
      demo INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE TABLE users (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES orgs(id),
      email TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin','org-admin','analyst','psirt','viewer')),
      created_at TEXT NOT NULL,
      disabled_at TEXT
    ) STRICT`,
    sql`CREATE INDEX users_org ON users(org_id)`,
    sql`CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      name TEXT NOT NULL,
      prefix TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      expires_at TEXT, last_used_at TEXT, revoked_at TEXT
    ) STRICT`,
    sql`CREATE INDEX api_tokens_user ON api_tokens(user_id)`,
    sql`CREATE TABLE invitations (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES orgs(id),
      email TEXT NOT NULL,
      role TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE,
      created_by TEXT REFERENCES users(id),
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      accepted_at TEXT, revoked_at TEXT,
      user_id TEXT REFERENCES users(id)
    ) STRICT`,
    sql`CREATE INDEX invitations_org ON invitations(org_id)`,
    sql`CREATE TABLE signing_keys (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES orgs(id),
      name TEXT NOT NULL,
      public_key TEXT NOT NULL,
      algorithm TEXT NOT NULL,
      key_id TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    ) STRICT`,
    sql`CREATE INDEX signing_keys_org ON signing_keys(org_id)`,
    sql`CREATE TABLE pledges (
      id TEXT PRIMARY KEY,
      slug TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      kind TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE TABLE endorsements (
      org_id TEXT NOT NULL REFERENCES orgs(id),
      pledge_id TEXT NOT NULL REFERENCES pledges(id),
      endorsed_at TEXT NOT NULL,
      withdrawn_at TEXT,
      PRIMARY KEY (org_id, pledge_id)
    ) STRICT`,
    sql`CREATE TABLE applications (
      id TEXT PRIMARY KEY,
      org_name TEXT NOT NULL, country TEXT NOT NULL, sector TEXT NOT NULL, size_band TEXT NOT NULL,
      website TEXT NOT NULL, contact_name TEXT NOT NULL, contact_email TEXT NOT NULL,
      psirt_contact TEXT, cvd_policy_url TEXT, security_txt_url TEXT,
      motivation TEXT NOT NULL,
      pledges TEXT NOT NULL,
      status TEXT NOT NULL,
      submitted_at TEXT NOT NULL,
      voting_opened_at TEXT, voting_closes_at TEXT, decided_at TEXT,
      decided_by TEXT REFERENCES users(id),
      decision_reason TEXT,
      org_id TEXT REFERENCES orgs(id),
      demo INTEGER NOT NULL DEFAULT 0
    ) STRICT`,
    sql`CREATE INDEX applications_submitted ON applications(submitted_at, id)`,
    sql`CREATE TABLE sponsorships (
      application_id TEXT NOT NULL REFERENCES applications(id),
      org_id TEXT NOT NULL REFERENCES orgs(id),
      user_id TEXT NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      PRIMARY KEY (application_id, org_id)
    ) STRICT`,
    sql`CREATE TABLE votes (
      application_id TEXT NOT NULL REFERENCES applications(id),
      org_id TEXT NOT NULL REFERENCES orgs(id),
      user_id TEXT NOT NULL REFERENCES users(id),
      choice TEXT NOT NULL CHECK (choice IN ('yes','no','abstain')),
      reason TEXT,
      cast_at TEXT NOT NULL,
      PRIMARY KEY (application_id, org_id)
    ) STRICT`,
    sql`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`,
    sql`CREATE TABLE audit_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      type TEXT NOT NULL,
      actor_user_id TEXT, actor_org_id TEXT,
      subject_type TEXT NOT NULL,
      subject_id TEXT NOT NULL,
      reason TEXT,
      data TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX audit_type ON audit_events(type, id)`,
    sql`CREATE INDEX audit_subject ON audit_events(subject_id, id)`,
  ]) {
    await statement.execute(db);
  }
}
