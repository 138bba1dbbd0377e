import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../registry/clock.js';
import { ValidationError } from '../errors.js';
import type { CaseActor } from './access.js';
import { embargoHolds } from './embargo.js';
import { DisclosureError } from './errors.js';
import type { AdvisoryRecord, AdvisoryVersion, DisclosureStore } from './ports.js';
import { requiredAcceptors, type DisclosureService } from './service.js';
import type { CaseRecord, CaseVulnerability, Participant, VendorStatus } from './types.js';

/** A revision in an advisory's history (CSAF `revision_history`). */
export interface RevisionEntry {
  number: string;
  date: string;
  summary: string;
}

/** One problem found by the advisory model or by the CSAF/OSV validators. */
export interface RenderProblem {
  path: string;
  message: string;
  /** `model`, `csaf` (schema or mandatory test) or `osv` (schema). */
  source: string;
}

export interface Rendered {
  csaf: string;
  osv: string;
  cve: string | null;
  title: string;
  tlp: string;
  problems: RenderProblem[];
}

/** Turns the internal advisory model into the formats the world reads, and validates them. */
export interface AdvisoryRenderer {
  /** A first draft from a case: products, vulnerabilities and the vendors' statuses. */
  draftFromCase(c: { record: CaseRecord; participants: Participant[]; vulnerabilities: CaseVulnerability[]; statuses: VendorStatus[] }, trackingId: string): Record<string, unknown>;
  /**
   * Renders `draft` as a final document of the given version and revision history
   * (CSAF 2.0 bytes, OSV records, a CVE JSON 5 draft), with every problem the model,
   * the CSAF validator's strict schema and mandatory tests, and the OSV schema report.
   */
  render(draft: Record<string, unknown>, meta: { trackingId: string; initialReleaseDate: string; currentReleaseDate: string; revisions: RevisionEntry[] }): Promise<Rendered>;
}

/** Signs published CSAF bytes for the CSAF provider (OpenPGP detached, armored). */
export type CsafSigner = (bytes: Uint8Array) => Promise<string>;

export interface AdvisoryDeps {
  store: DisclosureStore;
  disclosure: DisclosureService;
  clock: Clock;
  renderer: AdvisoryRenderer;
  sign: CsafSigner;
  /** Tells the ledger feed and the scheduler there is work. */
  onPublished?(v: AdvisoryVersion): void;
  /** A publication was scheduled: the scheduler should look at its deadlines again. */
  onScheduled?(): void;
}

export interface AdvisoryView {
  id: string;
  tracking_id: string;
  status: AdvisoryRecord['status'];
  draft: Record<string, unknown>;
  draft_revision: number;
  approvals: Record<string, number>;
  /** Vendors whose approval of the current revision is still missing. */
  awaiting_approval: string[];
  scheduled_for: string | null;
  published_versions: number;
  first_published_at: string | null;
  updated_at: string;
}

/**
 * A case's advisory from first draft to publication: the coordinator drafts
 * and edits, the vendors approve the exact revision, and publication happens
 * at the embargo's end (never before) or at once when no embargo holds. A
 * published version is never changed: an update is a new version with its
 * own revision entry.
 */
export class AdvisoryService {
  constructor(private readonly d: AdvisoryDeps) {}

  private now(): Date {
    return this.d.clock.now();
  }

  /** The advisory of a case as its participants see it (null when there is none yet). */
  async forCase(actor: CaseActor, caseId: string): Promise<AdvisoryView | null> {
    const { participants, as } = await this.d.disclosure.participation(actor, caseId);
    const a = await this.d.store.getAdvisoryByCase(caseId);
    if (!a) return null;
    const v = this.view(a, participants);
    // The draft may carry what vendors told the coordinator alone; the reporter and stakeholders read the published advisory.
    return drafters(as) ? v : { ...v, draft: {} };
  }

  private view(a: AdvisoryRecord, participants: Participant[]): AdvisoryView {
    const vendors = approvers(participants);
    return {
      id: a.id,
      tracking_id: a.tracking_id,
      status: a.status,
      draft: a.draft,
      draft_revision: a.draft_revision,
      approvals: a.approvals,
      awaiting_approval: vendors.filter((v) => a.approvals[v] !== a.draft_revision),
      scheduled_for: a.scheduled_for,
      published_versions: a.published_versions,
      first_published_at: a.first_published_at,
      updated_at: a.updated_at,
    };
  }

  private async coordinatorOf(actor: CaseActor, caseId: string) {
    const p = await this.d.disclosure.participation(actor, caseId);
    const me = p.as.find((x) => x.kind === 'coordinator');
    if (!me) throw new DisclosureError('CASE_FORBIDDEN', 'Only the coordinator drafts and publishes the advisory.');
    return { ...p, me };
  }

  /** Creates the case's advisory from the case (coordinator); the tracking id follows the case number. */
  async createDraft(actor: CaseActor, caseId: string): Promise<AdvisoryView> {
    const { participants } = await this.coordinatorOf(actor, caseId);
    const existing = await this.d.store.getAdvisoryByCase(caseId);
    if (existing) return this.view(existing, participants);
    const snap = await this.d.disclosure.snapshot(caseId);
    const trackingId = snap.record.number.replace(/^CASE-/, 'ACCORD-');
    const at = this.now().toISOString();
    const a: AdvisoryRecord = {
      id: randomUUID(),
      tracking_id: trackingId,
      case_id: caseId,
      status: 'draft',
      // Only shared statuses seed the draft: every vendor reads it, and an unshared status is the coordinator's alone.
      draft: this.d.renderer.draftFromCase({ ...snap, statuses: snap.statuses.filter((s) => s.shared) }, trackingId),
      draft_revision: 1,
      approvals: {},
      scheduled_for: null,
      publish_summary: null,
      published_versions: 0,
      first_published_at: null,
      created_at: at,
      updated_at: at,
    };
    await this.d.store.insertAdvisory(a);
    await this.d.disclosure.recordEvent(caseId, null, 'advisory.drafted', { tracking_id: trackingId });
    return this.view(a, participants);
  }

  /**
   * Replaces the draft (coordinator), naming the revision it edited so two
   * editors never overwrite each other. Approvals are for a revision, so
   * vendors approve again; a scheduled publication goes back to draft.
   */
  async updateDraft(actor: CaseActor, caseId: string, draft: Record<string, unknown>, expectedRevision: number): Promise<AdvisoryView> {
    const { participants } = await this.coordinatorOf(actor, caseId);
    const a = await this.mustGetForCase(caseId);
    if (a.draft_revision !== expectedRevision) throw staleRevision(a);
    if (typeof draft.id === 'string' && draft.id !== a.tracking_id) throw new ValidationError([{ path: '/id', message: `the tracking id is ${a.tracking_id}` }]);
    const next: AdvisoryRecord = { ...a, draft: { ...draft, id: a.tracking_id }, draft_revision: a.draft_revision + 1, approvals: {}, status: 'draft', scheduled_for: null, publish_summary: null, updated_at: this.now().toISOString() };
    if (!(await this.d.store.updateAdvisory(next, { draft_revision: a.draft_revision, status: a.status, published_versions: a.published_versions }))) throw staleRevision(a);
    return this.view(next, participants);
  }

  /** Renders the current draft with the next version's metadata: what would go out, and every problem. */
  async preview(actor: CaseActor, caseId: string, draft?: Record<string, unknown>): Promise<Rendered & { version: number }> {
    const { as } = await this.d.disclosure.participation(actor, caseId);
    if (!drafters(as)) throw new DisclosureError('CASE_FORBIDDEN', 'Only the coordinator and the case\'s vendors see the advisory draft before publication.');
    const a = await this.mustGetForCase(caseId);
    const subject = draft ? { ...a, draft: { ...draft, id: a.tracking_id } } : a;
    return { ...(await this.renderNext(subject, this.now())), version: a.published_versions + 1 };
  }

  /** A vendor approves the exact draft revision it read. */
  async approve(actor: CaseActor, caseId: string, revision: number): Promise<AdvisoryView> {
    const { participants, as } = await this.d.disclosure.participation(actor, caseId);
    const me = as.find((p) => approvers(participants).includes(p.id));
    if (!me) throw new DisclosureError('CASE_FORBIDDEN', 'Only the case\'s vendors approve the advisory.');
    const a = await this.mustGetForCase(caseId);
    if (a.draft_revision !== revision) throw staleRevision(a);
    const next = { ...a, approvals: { ...a.approvals, [me.id]: revision }, updated_at: this.now().toISOString() };
    if (!(await this.d.store.updateAdvisory(next, { draft_revision: a.draft_revision, status: a.status, published_versions: a.published_versions }))) throw staleRevision(a);
    await this.d.disclosure.recordEvent(caseId, me.id, 'advisory.approved', { revision });
    return this.view(next, participants);
  }

  /**
   * The coordinator publishes: every vendor must have approved this revision
   * and the documents must validate. Under an embargo the advisory is
   * scheduled for its end; otherwise it goes out now.
   */
  async publish(actor: CaseActor, caseId: string, summary?: string): Promise<{ advisory: AdvisoryView; version: AdvisoryVersion | null }> {
    const { record, participants } = await this.coordinatorOf(actor, caseId);
    const a = await this.mustGetForCase(caseId);
    if (a.status === 'published') throw new DisclosureError('PUBLICATION_REFUSED', 'This revision is already published; edit the draft to prepare an update.');
    const missing = approvers(participants).filter((v) => a.approvals[v] !== a.draft_revision);
    if (missing.length > 0) {
      const names = participants.filter((p) => missing.includes(p.id)).map((p) => p.name);
      throw new DisclosureError('PUBLICATION_REFUSED', `Waiting for the approval of revision ${a.draft_revision} by: ${names.join(', ')}.`, { details: { awaiting: missing } });
    }
    const now = this.now();
    const subject = { ...a, publish_summary: summary ?? a.publish_summary };
    if (embargoHolds(record.embargo, now)) {
      // Checked now, so the coordinator hears of a problem today rather than at the embargo end.
      refuseInvalid(await this.renderNext(subject, now));
      const next = { ...subject, status: 'scheduled' as const, scheduled_for: record.embargo.end_at, updated_at: now.toISOString() };
      if (!(await this.d.store.updateAdvisory(next, { draft_revision: a.draft_revision, status: a.status, published_versions: a.published_versions }))) throw staleRevision(a);
      await this.d.disclosure.recordEvent(caseId, null, 'advisory.scheduled', { at: record.embargo.end_at });
      this.d.onScheduled?.();
      return { advisory: this.view(next, participants), version: null };
    }
    const v = await this.publishNow(subject, now);
    const fresh = await this.mustGetForCase(caseId);
    return { advisory: this.view(fresh, participants), version: v };
  }

  /**
   * Publishes every scheduled advisory whose case embargo no longer holds
   * (its end has come, or it was exited). Safe to run on several nodes: the
   * store publishes a version once. Returns what it published.
   */
  async publishDue(): Promise<AdvisoryVersion[]> {
    await this.d.disclosure.endDueEmbargoes();
    await this.d.disclosure.embargoReminders();
    const now = this.now();
    const out: AdvisoryVersion[] = [];
    for (const a of await this.d.store.listScheduledDue('9999-12-31T23:59:59.999Z', 100)) {
      const c = a.case_id ? await this.d.store.getCase(a.case_id) : undefined;
      if (c && embargoHolds(c.embargo, now)) continue;
      try {
        const v = await this.publishNow(a, now);
        if (v) out.push(v);
      } catch (err) {
        // A draft that no longer validates (the validator was upgraded, say) goes back to the coordinator.
        const back = { ...a, status: 'draft' as const, scheduled_for: null, updated_at: now.toISOString() };
        if (await this.d.store.updateAdvisory(back, { draft_revision: a.draft_revision, status: a.status, published_versions: a.published_versions }) && a.case_id) {
          await this.d.disclosure.recordEvent(a.case_id, null, 'advisory.publication_failed', { reason: (err as Error).message.slice(0, 500) });
        }
      }
    }
    return out;
  }

  /** When the scheduler must look again: the soonest embargo end or scheduled publication. */
  async nextDue(): Promise<string | null> {
    const [e, s] = await Promise.all([this.d.store.nextEmbargoEnd(), this.d.store.nextScheduled()]);
    return [e, s].filter((x): x is string => x !== null).sort()[0] ?? null;
  }

  private async renderNext(a: AdvisoryRecord, now: Date): Promise<Rendered> {
    const revisions = await this.history(a);
    const at = now.toISOString();
    const note = a.publish_summary ?? (a.published_versions === 0 ? 'Initial public release.' : 'Updated advisory.');
    return this.d.renderer.render(a.draft, {
      trackingId: a.tracking_id,
      initialReleaseDate: a.first_published_at ?? at,
      currentReleaseDate: at,
      revisions: [...revisions, { number: String(a.published_versions + 1), date: at, summary: note }],
    });
  }

  /** The revision history so far, read back from the last published CSAF document (the bytes are the record). */
  private async history(a: AdvisoryRecord): Promise<RevisionEntry[]> {
    if (a.published_versions === 0) return [];
    const last = await this.d.store.getAdvisoryVersion(a.id, a.published_versions);
    const doc = last ? (JSON.parse(last.csaf) as { document?: { tracking?: { revision_history?: RevisionEntry[] } } }) : {};
    return (doc.document?.tracking?.revision_history ?? []).map((r) => ({ number: r.number, date: r.date, summary: r.summary }));
  }

  private async publishNow(a: AdvisoryRecord, now: Date): Promise<AdvisoryVersion | null> {
    const rendered = await this.renderNext(a, now);
    refuseInvalid(rendered);
    if (rendered.tlp !== 'CLEAR') throw new DisclosureError('PUBLICATION_REFUSED', 'A published advisory is public: its TLP must be CLEAR.');
    const at = now.toISOString();
    const version: AdvisoryVersion = {
      advisory_id: a.id,
      version: a.published_versions + 1,
      tracking_id: a.tracking_id,
      title: rendered.title,
      tlp: rendered.tlp,
      csaf: rendered.csaf,
      osv: rendered.osv,
      cve: rendered.cve,
      csaf_sha256: createHash('sha256').update(rendered.csaf).digest('hex'),
      csaf_signature: await this.d.sign(Buffer.from(rendered.csaf)),
      published_at: at,
      log_index: null,
    };
    const next: AdvisoryRecord = { ...a, status: 'published', scheduled_for: null, publish_summary: null, published_versions: version.version, first_published_at: a.first_published_at ?? at, updated_at: at };
    if (!(await this.d.store.publishAdvisoryVersion(next, version, { status: a.status, published_versions: a.published_versions }))) return null;
    if (a.case_id) {
      await this.d.disclosure.recordEvent(a.case_id, null, 'advisory.published', { tracking_id: a.tracking_id, version: version.version });
      await this.d.disclosure.markPublic(a.case_id);
    }
    this.d.onPublished?.(version);
    return version;
  }

  private async mustGetForCase(caseId: string): Promise<AdvisoryRecord> {
    const a = await this.d.store.getAdvisoryByCase(caseId);
    if (!a) throw new DisclosureError('CASE_ITEM_NOT_FOUND', 'This case has no advisory yet; create the draft first.');
    return a;
  }

  // ---- public reading --------------------------------------------------------

  /** Published advisories, newest first (anyone may read them). */
  async listPublished(q: { limit: number; before?: { published_at: string; advisory_id: string } }): Promise<AdvisoryVersion[]> {
    return this.d.store.listLatestAdvisoryVersions({ ...q, tlp: 'CLEAR' });
  }

  /** A published version by tracking id (the latest when `version` is absent). */
  async published(trackingId: string, version?: number): Promise<{ version: AdvisoryVersion; versions: number[] }> {
    const a = await this.d.store.getAdvisoryByTrackingId(trackingId);
    if (!a || a.published_versions === 0) throw new DisclosureError('CASE_ITEM_NOT_FOUND', 'No such published advisory.');
    const v = await this.d.store.getAdvisoryVersion(a.id, version ?? a.published_versions);
    if (!v || v.tlp !== 'CLEAR') throw new DisclosureError('CASE_ITEM_NOT_FOUND', 'No such published advisory version.');
    return { version: v, versions: Array.from({ length: a.published_versions }, (_, i) => i + 1) };
  }
}

/** Whether the actor works the advisory draft: the coordinator and the vendors. */
function drafters(as: readonly Participant[]): boolean {
  return as.some((p) => p.kind === 'coordinator' || p.kind === 'vendor');
}

/** The vendors whose approval publication needs: every vendor still working the report. */
function approvers(participants: readonly Participant[]): string[] {
  const required = new Set(requiredAcceptors(participants));
  return participants.filter((p) => p.kind === 'vendor' && required.has(p.id)).map((p) => p.id);
}

function staleRevision(a: AdvisoryRecord): DisclosureError {
  return new DisclosureError('CASE_CONFLICT', `The advisory draft is at revision ${a.draft_revision} (status ${a.status}); reload it and try again.`, { details: { draft_revision: a.draft_revision } });
}

function refuseInvalid(r: Rendered): void {
  if (r.problems.length > 0) {
    throw new DisclosureError('PUBLICATION_REFUSED', `The advisory does not validate (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}); nothing was published.`, {
      details: { errors: r.problems.slice(0, 200) },
    });
  }
}
