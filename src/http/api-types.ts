/**
 * The types of Accord's HTTP API as clients see them: the one module the web
 * console imports for API shapes (CONVENTIONS.md §12), instead of inferring them
 * from the route chain. Type-only on purpose — it must add nothing at run time
 * and must not pull server code (node:crypto, Fastify, Kysely) into the browser
 * build, so it imports types from `registry/types.ts`, `registry/voting.ts`, `registry/progress.ts` and
 * `intel/ports.ts` (types only), and `import type` from `intel/tlp.ts` (erased at build).
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
