import { sql, type Kysely } from 'kysely';

export const name = '0001-registry';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    // Byte order (COLLATE "C") for keys used in keyset paging, so pages match SQLite's order whatever the server's locale.
    sql`CREATE TABLE orgs (
      id TEXT PRIMARY KEY,
      slug TEXT COLLATE "C" NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('secretariat','signatory')),
      name TEXT NOT NULL,
      country TEXT, sector TEXT, size_band TEXT, website TEXT, psirt_contact TEXT,
      cvd_policy_url TEXT, security_txt_url TEXT, description TEXT,
      status TEXT NOT NULL CHECK (status IN ('applicant','member','suspended','withdrawn')),
      joined_at TIMESTAMPTZ,
      demo SMALLINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    sql`CREATE TABLE users (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES orgs(id),
      email TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin','org-admin','analyst','psirt','viewer')),
      created_at TIMESTAMPTZ NOT NULL,
      disabled_at TIMESTAMPTZ
    )`,
    sql`CREATE INDEX users_org ON users(org_id)`,
    sql`CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      name TEXT NOT NULL,
      prefix TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE,
      created_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ
    )`,
    sql`CREATE INDEX api_tokens_user ON api_tokens(user_id)`,
    sql`CREATE TABLE invitations (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES orgs(id),
      email TEXT NOT NULL,
      role TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE,
      created_by TEXT REFERENCES users(id),
      created_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL,
      accepted_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ,
      user_id TEXT REFERENCES users(id)
    )`,
    sql`CREATE INDEX invitations_org ON invitations(org_id)`,
    sql`CREATE TABLE signing_keys (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES orgs(id),
      name TEXT NOT NULL,
      public_key TEXT NOT NULL,
      algorithm TEXT NOT NULL,
      key_id TEXT NOT NULL UNIQUE,
      created_at TIMESTAMPTZ NOT NULL,
      revoked_at TIMESTAMPTZ
    )`,
    sql`CREATE INDEX signing_keys_org ON signing_keys(org_id)`,
    sql`CREATE TABLE pledges (
      id TEXT PRIMARY KEY,
      slug TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      kind TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    sql`CREATE TABLE endorsements (
      org_id TEXT NOT NULL REFERENCES orgs(id),
      pledge_id TEXT NOT NULL REFERENCES pledges(id),
      endorsed_at TIMESTAMPTZ NOT NULL,
      withdrawn_at TIMESTAMPTZ,
      PRIMARY KEY (org_id, pledge_id)
    )`,
    sql`CREATE TABLE applications (
      id TEXT COLLATE "C" PRIMARY KEY,
      org_name TEXT NOT NULL, country TEXT NOT NULL, sector TEXT NOT NULL, size_band TEXT NOT NULL,
      website TEXT NOT NULL, contact_name TEXT NOT NULL, contact_email TEXT NOT NULL,
      psirt_contact TEXT, cvd_policy_url TEXT, security_txt_url TEXT,
      motivation TEXT NOT NULL,
      pledges JSONB NOT NULL,
      status TEXT NOT NULL,
      submitted_at TIMESTAMPTZ NOT NULL,
      voting_opened_at TIMESTAMPTZ, voting_closes_at TIMESTAMPTZ, decided_at TIMESTAMPTZ,
      decided_by TEXT REFERENCES users(id),
      decision_reason TEXT,
      org_id TEXT REFERENCES orgs(id),
      demo SMALLINT NOT NULL DEFAULT 0
    )`,
    sql`CREATE INDEX applications_submitted ON applications(submitted_at, id)`,
    sql`CREATE TABLE sponsorships (
      application_id TEXT NOT NULL REFERENCES applications(id),
      org_id TEXT NOT NULL REFERENCES orgs(id),
      user_id TEXT NOT NULL REFERENCES users(id),
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (application_id, org_id)
    )`,
    sql`CREATE TABLE votes (
      application_id TEXT NOT NULL REFERENCES applications(id),
      org_id TEXT NOT NULL REFERENCES orgs(id),
      user_id TEXT NOT NULL REFERENCES users(id),
      choice TEXT NOT NULL CHECK (choice IN ('yes','no','abstain')),
      reason TEXT,
      cast_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (application_id, org_id)
    )`,
    sql`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    sql`CREATE TABLE audit_events (
      id BIGSERIAL PRIMARY KEY,
      at TIMESTAMPTZ NOT NULL,
      type TEXT NOT NULL,
      actor_user_id TEXT, actor_org_id TEXT,
      subject_type TEXT NOT NULL,
      subject_id TEXT NOT NULL,
      reason TEXT,
      data JSONB NOT NULL
    )`,
    sql`CREATE INDEX audit_type ON audit_events(type, id)`,
    sql`CREATE INDEX audit_subject ON audit_events(subject_id, id)`,
  ]) {
    await statement.execute(db);
  }
}
