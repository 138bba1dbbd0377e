import type { AttachmentMeta, CaseEvent, CaseMessage, CaseRecord, CaseVulnerability, Participant, VendorStatus } from './types.js';

/** A timeline event before the store numbers it. */
export type NewCaseEvent = Omit<CaseEvent, 'id'>;

/**
 * Everything one change to a case writes, applied in one transaction and only
 * if the case is still at `expectedVersion` (optimistic concurrency: two
 * participants acting at once never overwrite each other; the loser retries).
 * `record` carries the new version (`expectedVersion + 1`).
 */
export interface CaseWrite {
  record: CaseRecord;
  expectedVersion: number;
  insertParticipants?: Participant[];
  updateParticipants?: Participant[];
  putVulnerabilities?: CaseVulnerability[];
  putStatuses?: VendorStatus[];
  insertMessages?: CaseMessage[];
  insertAttachments?: { meta: AttachmentMeta; content: Uint8Array }[];
  events?: NewCaseEvent[];
}

export const ADVISORY_STATUSES = ['draft', 'scheduled', 'published'] as const;
export type AdvisoryStatus = (typeof ADVISORY_STATUSES)[number];

/** An advisory of the coalition: a draft being edited, optionally scheduled, and its published versions. */
export interface AdvisoryRecord {
  id: string;
  /** CSAF `document.tracking.id`, also the OSV id. */
  tracking_id: string;
  case_id: string | null;
  status: AdvisoryStatus;
  /** The internal advisory model being edited (JSON). */
  draft: Record<string, unknown>;
  /** Bumped by every edit: approvals name the revision they approved. */
  draft_revision: number;
  /** participant id → the draft revision they approved. */
  approvals: Record<string, number>;
  /** When a scheduled advisory goes out (the embargo end). */
  scheduled_for: string | null;
  /** The revision-history summary the coordinator gave when publishing (kept while scheduled). */
  publish_summary: string | null;
  /** Number of published versions (0 before the first publication). */
  published_versions: number;
  first_published_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One published version: the exact bytes that went out, never changed afterwards. */
export interface AdvisoryVersion {
  advisory_id: string;
  version: number;
  tracking_id: string;
  title: string;
  /** TLP of the document (the CSAF provider lists only CLEAR ones publicly). */
  tlp: string;
  csaf: string;
  osv: string;
  cve: string | null;
  csaf_sha256: string;
  /** OpenPGP detached signature of `csaf` (armored), for the CSAF provider's `.asc` file. */
  csaf_signature: string;
  published_at: string;
  /** The transparency-log index of the CSAF bytes, once logged. */
  log_index: number | null;
}

export interface DisclosureStore {
  /** The next case number of `year` (1, 2, …), unique across nodes. */
  nextCaseNumber(year: number): Promise<number>;
  /** Creates a case with its first participants and events in one transaction. */
  insertCase(record: CaseRecord, participants: Participant[], events: NewCaseEvent[]): Promise<void>;
  getCase(id: string): Promise<CaseRecord | undefined>;
  /** Applies `w` atomically if the case is still at `w.expectedVersion`; false if it moved on. */
  writeCase(w: CaseWrite): Promise<boolean>;
  /**
   * Cases where the org or the user takes part (newest change first), keyset-paged
   * by (updated_at, id) before `before`.
   */
  listCasesFor(q: { orgId: string | null; userId: string | null; status?: 'open' | 'closed'; before?: { updated_at: string; id: string }; limit: number }): Promise<CaseRecord[]>;
  listParticipants(caseId: string): Promise<Participant[]>;
  /** The participants of several cases at once (an inbox page), in one query. */
  listParticipantsOf(caseIds: readonly string[]): Promise<Participant[]>;
  getParticipantBySecretHash(hash: string): Promise<Participant | undefined>;
  listVulnerabilities(caseId: string): Promise<CaseVulnerability[]>;
  listStatuses(caseId: string): Promise<VendorStatus[]>;
  listMessages(caseId: string, q: { limit: number; after?: string }): Promise<CaseMessage[]>;
  listEvents(caseId: string, q: { limit: number; after?: number }): Promise<CaseEvent[]>;
  listAttachments(caseId: string): Promise<AttachmentMeta[]>;
  getAttachment(caseId: string, id: string): Promise<{ meta: AttachmentMeta; content: Uint8Array } | undefined>;
  /** Open cases whose active embargo ends at or before `t`, soonest first. */
  listEmbargoesEndingBy(t: string, limit: number): Promise<CaseRecord[]>;
  /** The soonest end of an active embargo, or null. */
  nextEmbargoEnd(): Promise<string | null>;

  insertAdvisory(a: AdvisoryRecord): Promise<void>;
  getAdvisory(id: string): Promise<AdvisoryRecord | undefined>;
  getAdvisoryByTrackingId(trackingId: string): Promise<AdvisoryRecord | undefined>;
  getAdvisoryByCase(caseId: string): Promise<AdvisoryRecord | undefined>;
  /** Replaces the advisory if `updated_at` and `draft_revision` still match what the caller read; false otherwise. */
  updateAdvisory(a: AdvisoryRecord, expected: { draft_revision: number; status: AdvisoryStatus; published_versions: number }): Promise<boolean>;
  /**
   * Publishes a version: inserts it and moves the advisory to `published`, in one
   * transaction, only if nobody published that version first (false then).
   */
  publishAdvisoryVersion(a: AdvisoryRecord, v: AdvisoryVersion, expected: { status: AdvisoryStatus; published_versions: number }): Promise<boolean>;
  setAdvisoryLogIndex(advisoryId: string, version: number, index: number): Promise<void>;
  /** Published versions not yet in the transparency log, oldest first (the ledger feed). */
  listUnloggedAdvisoryVersions(limit: number): Promise<AdvisoryVersion[]>;
  getAdvisoryVersion(advisoryId: string, version: number): Promise<AdvisoryVersion | undefined>;
  listAdvisoryVersions(advisoryId: string): Promise<AdvisoryVersion[]>;
  /** Latest published version of every advisory, newest publication first, keyset-paged. */
  listLatestAdvisoryVersions(q: { limit: number; before?: { published_at: string; advisory_id: string }; tlp?: string }): Promise<AdvisoryVersion[]>;
  /** Every published version in publication order after `after` (the CSAF provider's change list and the log feed). */
  listAdvisoryVersionsAfter(after: { published_at: string; advisory_id: string; version: number } | null, limit: number): Promise<AdvisoryVersion[]>;
  /** Scheduled advisories due at or before `t`. */
  listScheduledDue(t: string, limit: number): Promise<AdvisoryRecord[]>;
  nextScheduled(): Promise<string | null>;
}
