/**
 * The types of Accord's HTTP API as clients see them: the one module the web
 * console imports for API shapes (CONVENTIONS.md §12), instead of inferring them
 * from the route chain. Type-only on purpose — it must add nothing at run time
 * and must not pull server code (node:crypto, Fastify, Kysely) into the browser
 * build, so it imports types from `registry/types.ts`, `registry/voting.ts`, `registry/progress.ts`,
 * `disclosure/types.ts` and `intel/ports.ts` (types only), and `import type` from `intel/tlp.ts` (erased at build).
 *
 * Response envelopes are spelled out here rather than re-exported from the
 * services, because those modules import Node built-ins. `test/e2e/api-types.check.ts`
 * proves at compile time that the services' shapes still fit these.
 */
import type {
  Application,
  ApplicationInput,
  ApplicationStatus,
  ApiToken,
  AuditEvent,
  Invitation,
  Org,
  OrgKind,
  OrgProfile,
  OrgStatus,
  Page,
  Pledge,
  Role,
  SigningKey,
  SizeBand,
  Sponsorship,
  User,
  Vote,
  VoteChoice,
  VotingRule,
} from '../registry/types.js';
import type { Tally } from '../registry/voting.js';
import type { TlpLevel } from '../intel/tlp.js';
import type {
  AffectedProduct,
  AttachmentMeta,
  CaseFact,
  CaseFacts,
  CaseMessage,
  CaseVulnerability,
  Cvss,
  Embargo,
  EmbargoState,
  NotAffectedJustification,
  ParticipantKind,
  ReportState,
  ReporterWishes,
  VendorStatus,
  VendorStatusValue,
} from '../disclosure/types.js';

export type {
  Application,
  ApplicationInput,
  ApplicationStatus,
  AuditEvent,
  Org,
  OrgKind,
  OrgProfile,
  OrgStatus,
  Page,
  Pledge,
  Role,
  SigningKey,
  SizeBand,
  Sponsorship,
  Tally,
  User,
  Vote,
  VoteChoice,
  VotingRule,
};

/** RFC 9457 problem details, with Accord's `code` and per-field `errors` (JSON pointers into the request). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: FieldError[];
}

export interface FieldError {
  /** RFC 6901 pointer into the request body, e.g. `/contact_email`; query parameters start with `/querystring`. */
  path: string;
  message: string;
}

/** An API token's public record; the secret is never sent back after creation. */
export type TokenInfo = Omit<ApiToken, 'hash'>;

/** An invitation's public record; its secret is only in the response that created it. */
export type InvitationInfo = Omit<Invitation, 'hash'>;

/** GET /api/v1/signatories/:slug and the items of GET /api/v1/signatories. */
export interface SignatoryView {
  org: Org;
  pledges: { slug: string; title: string; endorsed_at: string }[];
  keys: SigningKey[];
}

/** GET /api/v1/me */
export interface Me {
  user: User;
  org: Org;
  token_id: string;
}

/** A vote as a reader sees it: while the vote is open, members see who voted but not how (`hidden`). */
export type VoteView = Vote & { hidden?: boolean };

/** GET /api/v1/applications/:id. `tally` is null before the vote, and for members while it is open. */
export interface ApplicationView {
  application: Application;
  sponsors: Sponsorship[];
  votes: VoteView[];
  tally: Tally | null;
}

/** POST /api/v1/applications (201): the receipt of the public form. */
export type ApplicationReceipt = Pick<Application, 'id' | 'status' | 'submitted_at'>;

/** A secret shown once: an invitation and its token. */
export interface InvitationSecret {
  invitation: InvitationInfo;
  token: string;
}

/** POST /api/v1/applications/:id/close: on admission, the new organisation and its first org-admin's invitation. */
export interface Decision {
  application: Application;
  tally: Tally;
  org: Org | null;
  invitation: InvitationSecret | null;
}

/** POST /api/v1/invitations/accept (201): the new user and their first API token (shown once). */
export interface AcceptedInvitation {
  user: User;
  token: string;
  token_info: TokenInfo;
}

/** POST /api/v1/tokens (201). */
export interface CreatedToken {
  token: string;
  token_info: TokenInfo;
}

/** GET /api/v1/progress (progress.ts imports no runtime dependency, so the type is shared, not copied). */
export type { ProgressSummary } from '../registry/progress.js';

/** GET /api/v1/audit: newest first; `next` is the id to pass as `before`. */
export interface AuditPage {
  items: AuditEvent[];
  next: number | null;
}

/** Lists that are not paged (an organisation's users, tokens, keys, invitations; the pledges). */
export interface ItemList<T> {
  items: T[];
}

/** GET /api/v1/log/entries/:index: one integrated log entry; `data` and `leaf_hash` are base64. */
export interface LogEntry {
  index: number;
  /** `registry`, `release`, …: the server's label, not part of the leaf. */
  kind: string;
  added_at: string;
  data: string;
  leaf_hash: string;
}

/** GET /api/v1/log/proof/inclusion: the RFC 6962 audit path of `index` in the tree of `size`, base64 hashes. */
export interface InclusionProofResponse {
  index: number;
  size: number;
  proof: string[];
}

/** GET /api/v1/log/proof/consistency: the RFC 6962 consistency proof from `from` to `to`, base64 hashes. */
export interface ConsistencyProofResponse {
  from: number;
  to: number;
  proof: string[];
}

/** The `data` of a `registry` log entry (canonical JSON, src/registry/ledger-feed.ts). */
export interface RegistryLogEntry {
  type: 'accord.registry/v1';
  event: Pick<AuditEvent, 'id' | 'at' | 'type' | 'subject_type' | 'subject_id' | 'actor_org_id' | 'reason' | 'data'>;
}

/** What release search shows of a logged release (src/release/release-record.ts), with links to its entry and proof. */
export interface ReleaseRecord {
  index: number;
  added_at: string;
  predicate_type: string;
  /** Canonical purls the statement speaks for. */
  purls: string[];
  subjects: { name?: string; uri?: string; sha256: string }[];
  /** The envelope's keyid hints (unauthenticated; verifiers re-check signatures). */
  key_ids: string[];
}

/** GET /api/v1/releases?digest=|purl=: newest first; `next` is the index to pass as `before`. */
export interface ReleaseSearchPage {
  items: (ReleaseRecord & { entry_url: string; proof_url: string })[];
  next: number | null;
}

// Intel: collections, their grants and sharing groups are the port's own shapes.
export type { Collection, CollectionGrant, SharingGroup } from '../intel/ports.js';
export type { TlpLevel } from '../intel/tlp.js';

// Disclosure: the case model's own shapes (disclosure/types.ts imports nothing). The
// envelopes the routes and services build (service.ts, advisories.ts import node:crypto)
// are spelled out below.
export type {
  AffectedProduct,
  AttachmentMeta,
  CaseFact,
  CaseFacts,
  CaseMessage,
  CaseVulnerability,
  Cvss,
  Embargo,
  EmbargoState,
  NotAffectedJustification,
  ParticipantKind,
  ReportState,
  ReporterWishes,
  VendorStatus,
  VendorStatusValue,
};

/** An attachment in a request body: the file's bytes in base64 (at most 5 MiB decoded). */
export interface AttachmentUpload {
  filename: string;
  media_type: string;
  content_base64: string;
}

/** POST /api/v1/reports: the public report form (no account needed). */
export interface ReportInput {
  title: string;
  description: string;
  products: { name: string; vendor?: string | null; purl?: string | null; cpe?: string | null; versions?: string | null }[];
  wishes?: { publish_after?: string | null; credit?: string | null; notes?: string | null };
  /** Anonymous reporters only; a signed-in reporter is their user and organisation. */
  reporter?: { name?: string | null; email?: string | null };
  /** Signatories (slugs) the reporter believes are affected. */
  vendors?: string[];
  attachments?: AttachmentUpload[];
}

/** POST /api/v1/reports (201). `link_secret` is set for anonymous reporters only, and shown once. */
export interface ReportReceipt {
  case_id: string;
  number: string;
  link_secret: string | null;
  /** `/cases/<id>#link=<secret>`: the secret travels in the fragment, never to the server. */
  case_url: string;
}

/** Who the caller is in a case. */
export interface CaseRole {
  participant_id: string;
  kind: ParticipantKind;
  report_state: ReportState;
}

/** The items of GET /api/v1/cases (the inbox), most recently updated first. */
export interface CaseSummary {
  id: string;
  number: string;
  title: string;
  status: 'open' | 'closed';
  embargo: Embargo;
  facts: CaseFacts;
  /** The caller's strongest role in the case. */
  you: CaseRole;
  created_at: string;
  updated_at: string;
}

/** A participant as the caller sees it: report state and e-mail only for the coordinator and the participant itself. */
export interface CaseParticipantView {
  id: string;
  kind: ParticipantKind;
  name: string;
  org_id: string | null;
  report_state: ReportState | null;
  email: string | null;
  is_you: boolean;
  created_at: string;
}

/** A timeline event; `private` ones (unshared status changes) reach only the coordinator and their author. */
export interface CaseTimelineEvent {
  id: number;
  case_id: string;
  at: string;
  participant_id: string | null;
  kind: string;
  data: Record<string, unknown>;
  private: boolean;
}

/** The embargo of a case view: who must accept a proposal, and the longest embargo allowed. */
export type CaseEmbargo = Embargo & { required_acceptors: string[]; max_days: number };

/** GET /api/v1/cases/:id: the case as far as the caller may see it. */
export interface CaseView {
  id: string;
  number: string;
  title: string;
  description: string;
  products: AffectedProduct[];
  wishes: ReporterWishes;
  facts: CaseFacts;
  status: 'open' | 'closed';
  embargo: CaseEmbargo;
  created_at: string;
  updated_at: string;
  version: number;
  /** Every role the caller has in the case, strongest first. */
  you: CaseRole[];
  participants: CaseParticipantView[];
  vulnerabilities: CaseVulnerability[];
  /** Vendor statuses: shared ones, plus the caller's own (the coordinator sees all). */
  statuses: VendorStatus[];
  messages: CaseMessage[];
  timeline: CaseTimelineEvent[];
  attachments: AttachmentMeta[];
  advisory: CaseAdvisory | null;
}

/** POST /api/v1/cases/:id/participants (201): an outsider's secret case link is in `link_secret`, shown once. */
export interface AddedParticipant {
  participant: CaseParticipantView;
  link_secret: string | null;
}

/** PUT /api/v1/cases/:id/vulnerabilities/:vid/status */
export interface VendorStatusInput {
  status: VendorStatusValue;
  justification?: NotAffectedJustification | null;
  statement?: string | null;
  versions?: string | null;
  shared: boolean;
}

/** POST /api/v1/cases/:id/vulnerabilities and PUT …/vulnerabilities/:vid */
export interface VulnerabilityInput {
  title: string;
  description: string;
  cve?: string | null;
  cwe?: { id: string; name: string } | null;
  cvss?: Cvss | null;
}

/** GET /api/v1/cases/:id/advisory (and the case view's `advisory`): the draft, approvals and schedule. */
export interface CaseAdvisory {
  id: string;
  tracking_id: string;
  status: 'draft' | 'scheduled' | 'published';
  /** The internal advisory model being edited (JSON). */
  draft: Record<string, unknown>;
  draft_revision: number;
  /** participant id → the draft revision it approved. */
  approvals: Record<string, number>;
  /** Vendors (participant ids) whose approval of the current revision is missing. */
  awaiting_approval: string[];
  scheduled_for: string | null;
  published_versions: number;
  first_published_at: string | null;
  updated_at: string;
}

/** One problem the advisory model or the CSAF/OSV validators found; `source` is `model`, `csaf` or `osv`. */
export interface RenderProblem {
  path: string;
  message: string;
  source: string;
}

/** POST /api/v1/cases/:id/advisory/preview: the documents as they would go out, and every problem. */
export interface AdvisoryPreview {
  version: number;
  /** CSAF 2.0 text (empty when the draft cannot be rendered). */
  csaf: string;
  osv: string;
  cve: string | null;
  problems: RenderProblem[];
}

/** A published advisory version as listed (GET /api/v1/advisories items). */
export interface AdvisorySummary {
  tracking_id: string;
  version: number;
  title: string;
  tlp: string;
  published_at: string;
  csaf_sha256: string;
  /** Index of the version's transparency-log entry; null until logged. */
  log_index: number | null;
  cves: string[];
  /** The highest CVSS v3 base severity (CRITICAL, HIGH, MEDIUM, LOW, NONE). */
  severity: string | null;
  base_score: number | null;
}

/** POST /api/v1/cases/:id/advisory/publish: 200 with the version, or 202 (version null) when scheduled for the embargo end. */
export interface PublishResult {
  advisory: CaseAdvisory;
  version: AdvisorySummary | null;
}

/** GET /api/v1/advisories/:tid[?version=]: one version with its CSAF document and OSV records. */
export interface AdvisoryDetail extends AdvisorySummary {
  /** Every published version number, oldest first. */
  versions: number[];
  csaf: Record<string, unknown>;
  osv: Record<string, unknown>[];
}

/** GET /api/v1/check/database: what SBOM checks match against. */
export interface CheckDatabase {
  /** Imported OSV records. */
  osv: number;
  /** The coalition's published advisories. */
  accord: number;
}

/** One SBOM component that may be affected by one advisory (POST /api/v1/check/sbom `findings[]`). */
export interface SbomFinding {
  /** The component as the SBOM names it: `purl` exactly as given (null for CPE-only or purl-less components). */
  component: { ref: string; purl: string | null; name: string | null; version: string | null };
  /** The OSV id: `x_<tracking id>-<n>` for the coalition's advisories. */
  advisory_id: string;
  aliases: string[];
  summary: string | null;
  /** The OSV `severity` array (CVSS vectors), or null. */
  severity: { type: string; score: string }[] | null;
  source: 'accord' | 'osv';
  ecosystem: string | null;
  package: string | null;
  /** The affected interval holding the version (">=1.0.0 <1.3.0"), or every range when the match is only possible. */
  affected_range: string;
  /** The version to move to, or null when none is known. */
  fixed_version: string | null;
  confidence: 'exact' | 'name-only' | 'cpe-only';
  /** True unless the confidence is exact. */
  possible: boolean;
  notes: string[];
}

/** A problem with part of an SBOM that did not stop the check (an invalid purl, a duplicate ref…). */
export interface SbomWarning {
  code: string;
  message: string;
  ref?: string;
  path?: string;
}

/** POST /api/v1/check/sbom (format json). */
export interface SbomCheckResult {
  format: string;
  spec_version: string | null;
  components: number;
  records_considered: number;
  findings: SbomFinding[];
  warnings: SbomWarning[];
  warnings_dropped: number;
  stats: { components: number; with_purl: number; looked_up: number; unknown_type: number };
  database: CheckDatabase;
  elapsed_ms: number;
}

/** One line of POST /api/v1/match's NDJSON: a value in the log that matched an indicator. */
export interface MatchHit {
  /** 1-based line number in the upload. */
  line: number;
  /** The field's name (a dotted JSON path, a CSV header, a Zeek field, `text`). */
  field: string;
  /** The value exactly as the log has it. */
  value: string;
  indicator: { id: string; pattern: string; tlp: TlpLevel; name?: string };
  kind: 'ip' | 'cidr' | 'domain' | 'url' | 'hash' | 'email' | 'pattern';
}

/** The last line of POST /api/v1/match's NDJSON (`{"stats": …}`). */
export interface MatchStats {
  format: 'json' | 'zeek-tsv' | 'csv' | 'text' | undefined;
  lines: number;
  records: number;
  bytes: number;
  hits: number;
  linesWithHits: number;
  /** Lines skipped before a record could be read, by reason (tooLong, invalidUtf8, invalidJson, notObject, binary, malformed). */
  skipped: Record<string, number>;
  generalEvaluations?: number;
  elapsedMs: number;
  recordsPerSecond: number;
  bytesPerSecond?: number;
  workers?: number;
}

/** GET /api/v1/match/exports: the sensor files of the indicators the caller may read. */
export interface MatchExports {
  /** Relative paths (`suricata/datasets/accord-sha256.lst`, `zeek/accord.intel`…) and their line counts (headers not counted). */
  files: { path: string; lines: number }[];
  summary: { indicators: number; added: number; removed: number; notListable: number; tooWide: number };
}
