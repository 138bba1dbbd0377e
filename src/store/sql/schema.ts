import type { Generated } from 'kysely';

/**
 * The logical schema both backends reach through their own migrations.
 * Timestamps are ISO-8601 UTC strings in the domain (text in SQLite,
 * timestamptz in PostgreSQL, read back as ISO strings); booleans are 0/1.
 */
export interface DB {
  orgs: {
    id: string;
    slug: string;
    kind: string;
    name: string;
    country: string | null;
    sector: string | null;
    size_band: string | null;
    website: string | null;
    psirt_contact: string | null;
    cvd_policy_url: string | null;
    security_txt_url: string | null;
    description: string | null;
    status: string;
    joined_at: string | null;
    demo: number;
    created_at: string;
    updated_at: string;
  };
  users: {
    id: string;
    org_id: string;
    email: string;
    name: string;
    role: string;
    created_at: string;
    disabled_at: string | null;
  };
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    prefix: string;
    hash: string;
    created_at: string;
    expires_at: string | null;
    last_used_at: string | null;
    revoked_at: string | null;
  };
  invitations: {
    id: string;
    org_id: string;
    email: string;
    role: string;
    hash: string;
    created_by: string | null;
    created_at: string;
    expires_at: string;
    accepted_at: string | null;
    revoked_at: string | null;
    user_id: string | null;
  };
  signing_keys: {
    id: string;
    org_id: string;
    name: string;
    public_key: string;
    algorithm: string;
    key_id: string;
    created_at: string;
    revoked_at: string | null;
    /** JSON array of purl namespace patterns, or NULL for the slug's default. */
    purl_namespaces: string | null;
  };
  pledges: {
    id: string;
    slug: string;
    title: string;
    description: string;
    kind: string;
    created_at: string;
  };
  endorsements: {
    org_id: string;
    pledge_id: string;
    endorsed_at: string;
    withdrawn_at: string | null;
  };
  applications: {
    id: string;
    org_name: string;
    country: string;
    sector: string;
    size_band: string;
    website: string;
    contact_name: string;
    contact_email: string;
    psirt_contact: string | null;
    cvd_policy_url: string | null;
    security_txt_url: string | null;
    motivation: string;
    pledges: string;
    status: string;
    submitted_at: string;
    voting_opened_at: string | null;
    voting_closes_at: string | null;
    decided_at: string | null;
    decided_by: string | null;
    decision_reason: string | null;
    org_id: string | null;
    demo: number;
  };
  sponsorships: {
    application_id: string;
    org_id: string;
    user_id: string;
    created_at: string;
  };
  votes: {
    application_id: string;
    org_id: string;
    user_id: string;
    choice: string;
    reason: string | null;
    cast_at: string;
  };
  settings: {
    key: string;
    value: string;
  };
  audit_events: {
    id: Generated<number>;
    at: string;
    type: string;
    actor_user_id: string | null;
    actor_org_id: string | null;
    subject_type: string;
    subject_id: string;
    reason: string | null;
    data: string;
  };
  log_entries: {
    idx: number;
    kind: string;
    data: Uint8Array;
    added_at: string;
    dedupe_key: string | null;
  };
  log_sequence: {
    id: number;
    next_idx: number;
  };
  log_state: {
    id: number;
    size: number;
    root: Uint8Array;
    checkpoint: string;
    updated_at: string;
    lease_owner: string | null;
    lease_until: string | null;
  };
  log_tiles: {
    level: number;
    idx: number;
    data: Uint8Array;
  };
  log_bundles: {
    idx: number;
    data: Uint8Array;
  };
  release_subjects: {
    sha256: string;
    log_index: number;
  };
  release_purls: {
    purl: string;
    package: string;
    log_index: number;
  };
  index_positions: {
    name: string;
    position: number;
  };
  /** Intel (0004): text timestamps as they arrived; `version_key` orders versions bytewise; tlp is TLP_RANK. */
  intel_api_roots: {
    id: string;
    title: string;
    description: string | null;
    max_content_length: number;
    created_at: string;
  };
  intel_collections: {
    id: string;
    api_root: string;
    title: string;
    description: string | null;
    alias: string | null;
    default_tlp: string;
    public_read: number;
    /** CollectionGrant[] as JSON. */
    grants: string;
    created_at: string;
  };
  intel_groups: {
    id: string;
    slug: string;
    name: string;
    description: string | null;
    owner_org_id: string;
    created_at: string;
    updated_at: string;
  };
  intel_group_members: {
    group_id: string;
    org_id: string;
  };
  intel_sequence: {
    id: number;
    last_seq: number;
  };
  intel_objects: {
    seq: number;
    collection_id: string;
    stix_id: string;
    type: string;
    version: string;
    version_key: string;
    spec_version: string;
    tlp: number;
    author_org_id: string;
    author_user_id: string;
    /** Recipient[] as JSON. */
    recipients: string;
    revoked: number;
    json: string;
    salt: string | null;
    log_index: number | null;
    created: string;
    is_latest: number;
    is_first: number;
    /** 48-bit key of stix_id (migration 0010): what lookups by id probe; the id itself is compared too. */
    id_key: number;
  };
  intel_recipients: {
    seq: number;
    principal: string;
  };
  intel_terms: {
    term: string;
    seq: number;
  };
  intel_statuses: {
    id: string;
    api_root: string;
    collection_id: string;
    status: string;
    request_timestamp: string;
    user_id: string;
    total_count: number;
    success_count: number;
    failure_count: number;
    pending_count: number;
    /** StatusDetail[] as JSON, like the next two. */
    successes: string;
    failures: string;
    pendings: string;
    updated_at: string;
  };
}
