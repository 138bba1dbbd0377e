/**
 * The coordinated-disclosure case model, after CERT/CC's Vultron protocol
 * (report management RM, embargo management EM, case state CS) and
 * ISO/IEC 29147 / 30111.
 */

/** Who a participant is in a case. */
export const PARTICIPANT_KINDS = ['reporter', 'coordinator', 'vendor', 'stakeholder'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

/** Each participant's own report-management state (Vultron RM). */
export const REPORT_STATES = ['received', 'valid', 'invalid', 'accepted', 'deferred', 'closed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** A vendor's status for one vulnerability (CSAF/VEX product status vocabulary). */
export const VENDOR_STATUSES = ['affected', 'not_affected', 'under_investigation', 'fixed'] as const;
export type VendorStatusValue = (typeof VENDOR_STATUSES)[number];

/** VEX justifications for `not_affected` (CSAF 2.0 §3.2.3.5 flags). */
export const NOT_AFFECTED_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'vulnerable_code_not_in_execute_path',
  'inline_mitigations_already_exist',
] as const;
export type NotAffectedJustification = (typeof NOT_AFFECTED_JUSTIFICATIONS)[number];

/** Case facts (Vultron CS: vendor aware, fix ready, fix deployed, public, exploit public, attacks). Once true, true for good. */
export const CASE_FACTS = ['vendor_aware', 'fix_ready', 'fix_deployed', 'public', 'exploit_public', 'attacks_observed'] as const;
export type CaseFact = (typeof CASE_FACTS)[number];
export type CaseFacts = Record<CaseFact, string | null>;

/** Embargo management (Vultron EM): none → proposed → active ⇄ revise → exited. */
export const EMBARGO_STATES = ['none', 'proposed', 'active', 'revise', 'exited'] as const;
export type EmbargoState = (typeof EMBARGO_STATES)[number];

export interface Embargo {
  state: EmbargoState;
  /** The agreed end while active or under revision. */
  end_at: string | null;
  /** The end under discussion while proposed or under revision. */
  proposed_end_at: string | null;
  proposed_by: string | null;
  proposed_at: string | null;
  /** Participants who accepted the current proposal. */
  accepted_by: string[];
  started_at: string | null;
  exited_at: string | null;
  exit_reason: 'ended' | 'public' | 'exploit_public' | 'terminated' | null;
}

export const NO_EMBARGO: Embargo = {
  state: 'none',
  end_at: null,
  proposed_end_at: null,
  proposed_by: null,
  proposed_at: null,
  accepted_by: [],
  started_at: null,
  exited_at: null,
  exit_reason: null,
};

export interface AffectedProduct {
  /** Free text as the reporter wrote it. */
  name: string;
  vendor: string | null;
  /** Package URL, normalised. */
  purl: string | null;
  cpe: string | null;
  versions: string | null;
}

export interface ReporterWishes {
  /** The date the reporter intends to publish, if any. */
  publish_after: string | null;
  /** How the reporter wants to be credited (null: not at all). */
  credit: string | null;
  notes: string | null;
}

export interface CaseRecord {
  id: string;
  /** Human-readable number, `CASE-2026-0001`. */
  number: string;
  title: string;
  description: string;
  products: AffectedProduct[];
  wishes: ReporterWishes;
  facts: CaseFacts;
  embargo: Embargo;
  status: 'open' | 'closed';
  created_at: string;
  updated_at: string;
  /** Optimistic-concurrency counter: every write names the version it read. */
  version: number;
}

export interface Participant {
  id: string;
  case_id: string;
  kind: ParticipantKind;
  /** The signatory (or the secretariat) this participant is; null for outsiders and anonymous reporters. */
  org_id: string | null;
  /** A signed-in reporter; null otherwise. */
  user_id: string | null;
  /** Contact address (outsiders, anonymous reporters); never shown to other non-coordinators. */
  email: string | null;
  name: string;
  report_state: ReportState;
  /** SHA-256 (hex) of the participant's secret case link; null for signatories' participants. */
  secret_hash: string | null;
  created_at: string;
  updated_at: string;
}

export interface Cvss {
  version: '3.1' | '4.0';
  vector: string;
}

export interface CaseVulnerability {
  id: string;
  case_id: string;
  cve: string | null;
  title: string;
  description: string;
  cwe: { id: string; name: string } | null;
  cvss: Cvss | null;
  created_at: string;
}

export interface VendorStatus {
  case_id: string;
  vulnerability_id: string;
  participant_id: string;
  status: VendorStatusValue;
  justification: NotAffectedJustification | null;
  statement: string | null;
  /** Whether other participants (not only the coordinator) may see it. */
  shared: boolean;
  /** Fixed version(s) or product versions affected, free text. */
  versions: string | null;
  updated_at: string;
}

export interface CaseMessage {
  id: string;
  case_id: string;
  participant_id: string;
  author: string;
  body: string;
  created_at: string;
}

export interface CaseEvent {
  id: number;
  case_id: string;
  at: string;
  participant_id: string | null;
  kind: string;
  /** Only the coordinator and this participant may see it (an unshared vendor status change). */
  private_to: string | null;
  data: Record<string, unknown>;
}

export interface AttachmentMeta {
  id: string;
  case_id: string;
  participant_id: string;
  filename: string;
  media_type: string;
  size: number;
  sha256: string;
  created_at: string;
}
