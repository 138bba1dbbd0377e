/** Roles, from most to least privileged. `admin` is the coalition secretariat. */
export const ROLES = ['admin', 'org-admin', 'analyst', 'psirt', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ORG_STATUSES = ['applicant', 'member', 'suspended', 'withdrawn'] as const;
export type OrgStatus = (typeof ORG_STATUSES)[number];

export const SIZE_BANDS = ['1-49', '50-249', '250-999', '1000-9999', '10000+'] as const;
export type SizeBand = (typeof SIZE_BANDS)[number];

export interface OrgProfile {
  name: string;
  country: string | null;
  sector: string | null;
  size_band: SizeBand | null;
  website: string | null;
  psirt_contact: string | null;
  cvd_policy_url: string | null;
  security_txt_url: string | null;
  description: string | null;
}

export const ORG_KINDS = ['secretariat', 'signatory'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export interface Org extends OrgProfile {
  id: string;
  slug: string;
  /** The secretariat runs the coalition; it is not a signatory and neither votes nor counts as one. */
  kind: OrgKind;
  status: OrgStatus;
  joined_at: string | null;
  demo: boolean;
  created_at: string;
  updated_at: string;
}

export interface User {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: string;
  disabled_at: string | null;
}

export interface ApiToken {
  id: string;
  user_id: string;
  name: string;
  /** The first characters of the token, for recognising it in lists; never enough to use it. */
  prefix: string;
  /** SHA-256 of the whole token, hex. The token itself is never stored. */
  hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Invitation {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  user_id: string | null;
}

export interface SigningKey {
  id: string;
  org_id: string;
  name: string;
  /** SPKI PEM of an Ed25519 or ECDSA P-256 public key. */
  public_key: string;
  algorithm: 'ed25519' | 'ecdsa-p256';
  /** SHA-256 of the DER SPKI, hex: how releases refer to the key. */
  key_id: string;
  created_at: string;
  revoked_at: string | null;
  /**
   * The purl namespace patterns (docs/releases.md) releases signed with this
   * key may name, fixed at registration; null means the organisation's
   * default, `pkg:*\/<slug>`.
   */
  purl_namespaces: string[] | null;
}

export interface Pledge {
  id: string;
  slug: string;
  title: string;
  description: string;
  /** `principle` for the four founding principles, `commitment` for pledges the secretariat adds. */
  kind: 'principle' | 'commitment';
  created_at: string;
}

export interface Endorsement {
  org_id: string;
  pledge_id: string;
  endorsed_at: string;
  withdrawn_at: string | null;
}

export const APPLICATION_STATUSES = ['submitted', 'voting', 'admitted', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export interface ApplicationInput {
  org_name: string;
  country: string;
  sector: string;
  size_band: SizeBand;
  website: string;
  contact_name: string;
  contact_email: string;
  psirt_contact: string | null;
  cvd_policy_url: string | null;
  security_txt_url: string | null;
  motivation: string;
  /** Slugs of the pledges the applicant endorses on admission. */
  pledges: string[];
}

export interface Application extends ApplicationInput {
  id: string;
  status: ApplicationStatus;
  submitted_at: string;
  voting_opened_at: string | null;
  voting_closes_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
  org_id: string | null;
  demo: boolean;
}

export interface Sponsorship {
  application_id: string;
  org_id: string;
  user_id: string;
  created_at: string;
}

export const VOTE_CHOICES = ['yes', 'no', 'abstain'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export interface Vote {
  application_id: string;
  org_id: string;
  user_id: string;
  choice: VoteChoice;
  reason: string | null;
  cast_at: string;
}

/** How member organisations decide on an application. */
export interface VotingRule {
  /** Member organisations that must sponsor before a vote opens. */
  sponsors_needed: number;
  /** Fraction of member organisations that must cast a vote (abstentions count). */
  quorum: number;
  /** Fraction of yes among yes+no needed to admit; strictly more than this unless it is 1. */
  majority: number;
  /** How long the vote stays open. */
  voting_days: number;
}

export const DEFAULT_VOTING_RULE: VotingRule = { sponsors_needed: 1, quorum: 0.5, majority: 0.5, voting_days: 14 };

export interface AuditEvent {
  id: number;
  at: string;
  type: string;
  actor_user_id: string | null;
  actor_org_id: string | null;
  subject_type: string;
  subject_id: string;
  reason: string | null;
  data: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

/** Who is calling. Tokens resolve to a user of an organisation; nobody else is anonymous. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: User; org: Org; token_id: string };

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  next: string | null;
}
