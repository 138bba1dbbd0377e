import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../registry/clock.js';
import type { Org } from '../registry/types.js';
import { hashSecret, newSecret } from '../registry/secrets.js';
import { formatPurl, parsePurl } from '../release/purl.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { actingAs, CaseLens, type CaseActor } from './access.js';
import { acceptEmbargo, embargoHolds, exitEmbargo, proposeEmbargo, rejectEmbargo } from './embargo.js';
import { DisclosureError } from './errors.js';
import type { CaseWrite, DisclosureStore, NewCaseEvent } from './ports.js';
import { nextReportState } from './report-state.js';
import {
  CASE_FACTS,
  NO_EMBARGO,
  type AffectedProduct,
  type AttachmentMeta,
  type CaseFact,
  type CaseFacts,
  type CaseRecord,
  type CaseVulnerability,
  type Cvss,
  type NotAffectedJustification,
  type Participant,
  type ReportState,
  type ReporterWishes,
  type VendorStatus,
  type VendorStatusValue,
} from './types.js';

/** Prefix of the secret case links given to anonymous reporters and invited outsiders. */
export const CASE_LINK_PREFIX = 'acccase_';

/** Something happened that participants should hear about (webhooks, e-mail). Never carries case content. */
export interface CaseNotice {
  case_id: string;
  case_number: string;
  kind: string;
  /** The participants to tell (never the one who acted). */
  to: Participant[];
  /** Set when a participant was just invited: their secret link, for the invitation e-mail only. */
  link_secret?: string;
  /** Makes the notice idempotent (reminders): the same key is never sent twice. */
  dedupe_key?: string;
}

export interface DisclosureDeps {
  store: DisclosureStore;
  clock: Clock;
  /** The secretariat's organisation: the coordinator of every case. */
  coordinatorOrg(): Promise<Org>;
  getOrg(id: string): Promise<Org | undefined>;
  getOrgBySlug(slug: string): Promise<Org | undefined>;
  notify?(notice: CaseNotice): void;
  /** An embargo changed: the scheduler should look at its deadlines again. */
  onEmbargoChange?(): void;
  /** Longest embargo, days (default 90). */
  maxEmbargoDays?: number;
  /** Largest attachment, bytes (default 5 MiB), and all of a case's attachments together (default 25 MiB). */
  attachmentBytes?: number;
  caseAttachmentBytes?: number;
}

export interface ReportInput {
  title: string;
  description: string;
  products: { name: string; vendor?: string | null; purl?: string | null; cpe?: string | null; versions?: string | null }[];
  wishes?: Partial<ReporterWishes>;
  /** Anonymous reporters: how to reach them (optional) and what to call them. */
  reporter?: { name?: string | null; email?: string | null };
  /** Signatory vendors the reporter believes are affected, by slug (the coordinator confirms). */
  vendors?: string[];
  attachments?: { filename: string; media_type: string; content_base64: string }[];
}

export interface CaseSummary {
  id: string;
  number: string;
  title: string;
  status: CaseRecord['status'];
  embargo: CaseRecord['embargo'];
  facts: CaseFacts;
  you: { participant_id: string; kind: Participant['kind']; report_state: ReportState };
  created_at: string;
  updated_at: string;
}

const CPE = /^cpe:2\.3:[aho*-](:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*-]))(:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){4}$/;
const CVE = /^CVE-\d{4}-\d{4,}$/;
const CWE = /^CWE-[1-9]\d{0,5}$/;
const CVSS3 = /^CVSS:3\.[01]\/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])\/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$/;
const CVSS4 = /^CVSS:4\.0(\/[A-Za-z]{1,3}:[A-Z])+$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

const NO_FACTS: CaseFacts = { vendor_aware: null, fix_ready: null, fix_deployed: null, public: null, exploit_public: null, attacks_observed: null };

/** Facts each kind of participant may assert. */
const FACTS_BY_KIND: Record<Participant['kind'], readonly CaseFact[]> = {
  coordinator: CASE_FACTS,
  vendor: ['fix_ready', 'fix_deployed', 'public', 'exploit_public', 'attacks_observed'],
  reporter: ['public', 'exploit_public', 'attacks_observed'],
  stakeholder: ['public', 'exploit_public', 'attacks_observed'],
};

function decodeBase64(text: string, path: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new ValidationError([{ path, message: 'must be base64' }]);
  return Buffer.from(text, 'base64');
}

function cleanFilename(name: string): string {
  // Keep it displayable and safe in a Content-Disposition header.
  const base = name.replace(/^.*[\\/]/, '').replace(/[^\w.\- ()+]/g, '_').slice(0, 200);
  return base === '' || base === '.' || base === '..' ? 'attachment' : base;
}

/**
 * Multi-party coordinated vulnerability disclosure: reports, participants,
 * vendor statuses, case facts, the embargo, the thread and the timeline.
 * Every change is one atomic, version-checked write of the case, so two
 * participants acting at once never lose each other's work.
 */
export class DisclosureService {
  readonly maxEmbargoDays: number;
  private readonly attachmentBytes: number;
  private readonly caseAttachmentBytes: number;

  constructor(private readonly d: DisclosureDeps) {
    this.maxEmbargoDays = d.maxEmbargoDays ?? 90;
    this.attachmentBytes = d.attachmentBytes ?? 5 * 1024 * 1024;
    this.caseAttachmentBytes = d.caseAttachmentBytes ?? 25 * 1024 * 1024;
  }

  private now(): Date {
    return this.d.clock.now();
  }

  // ---- intake -------------------------------------------------------------

  /**
   * Files a report. From a signed-in user the reporter is their organisation;
   * from anyone else it is an anonymous reporter who gets a secret case link
   * (returned once, stored hashed). The secretariat coordinates every case.
   */
  async report(input: ReportInput, actor: CaseActor | null): Promise<{ case: CaseRecord; reporter: Participant; link_secret: string | null }> {
    const problems: FieldProblem[] = [];
    const products = input.products.map((p, i) => this.product(p, `/products/${i}`, problems));
    const wishes: ReporterWishes = { publish_after: null, credit: input.wishes?.credit ?? null, notes: input.wishes?.notes ?? null };
    if (input.wishes?.publish_after) {
      const t = Date.parse(input.wishes.publish_after);
      if (!/^\d{4}-\d{2}-\d{2}/.test(input.wishes.publish_after) || !Number.isFinite(t)) problems.push({ path: '/wishes/publish_after', message: 'must be a date (YYYY-MM-DD) or date-time' });
      else wishes.publish_after = new Date(t).toISOString();
    }
    const email = input.reporter?.email?.trim().toLowerCase() || null;
    if (email !== null && !EMAIL.test(email)) problems.push({ path: '/reporter/email', message: 'must be an e-mail address' });
    const vendorOrgs: Org[] = [];
    for (const [i, slug] of (input.vendors ?? []).entries()) {
      const org = await this.d.getOrgBySlug(slug);
      if (!org || org.kind !== 'signatory' || org.status !== 'member') problems.push({ path: `/vendors/${i}`, message: `no signatory "${slug}"` });
      else if (!vendorOrgs.some((o) => o.id === org.id)) vendorOrgs.push(org);
    }
    const files = (input.attachments ?? []).map((a, i) => this.attachmentBytesOf(a, `/attachments/${i}`));
    if (problems.length > 0) throw new ValidationError(problems);
    this.checkBudget(files.map((f) => f.length), 0);

    const now = this.now();
    const at = now.toISOString();
    const year = now.getUTCFullYear();
    const n = await this.d.store.nextCaseNumber(year);
    const record: CaseRecord = {
      id: randomUUID(),
      number: `CASE-${year}-${String(n).padStart(4, '0')}`,
      title: input.title.trim(),
      description: input.description,
      products,
      wishes,
      facts: { ...NO_FACTS },
      embargo: { ...NO_EMBARGO },
      status: 'open',
      created_at: at,
      updated_at: at,
      version: 1,
    };
    const coordinator = await this.d.coordinatorOrg();
    let secret: string | null = null;
    let reporter: Participant;
    if (actor?.kind === 'user') {
      const org = await this.d.getOrg(actor.orgId);
      reporter = this.newParticipant(record.id, 'reporter', { org_id: actor.orgId, user_id: actor.userId, email: actor.email, name: org?.name ?? actor.name }, at);
    } else {
      secret = newSecret(CASE_LINK_PREFIX);
      reporter = {
        ...this.newParticipant(record.id, 'reporter', { org_id: null, user_id: null, email, name: input.reporter?.name?.trim() || 'Anonymous reporter' }, at),
        secret_hash: hashSecret(secret),
      };
    }
    const participants = [reporter, this.newParticipant(record.id, 'coordinator', { org_id: coordinator.id, user_id: null, email: null, name: coordinator.name }, at)];
    for (const org of vendorOrgs) {
      // A vendor may report its own flaw (to bring in others): it is then reporter and vendor.
      if (participants.some((p) => p.org_id === org.id && p.kind !== 'reporter')) continue;
      participants.push(this.newParticipant(record.id, 'vendor', { org_id: org.id, user_id: null, email: null, name: org.name }, at));
    }
    if (vendorOrgs.length > 0) record.facts.vendor_aware = at;
    const events: NewCaseEvent[] = [this.event(record.id, at, reporter.id, 'case.reported', { number: record.number, vendors: vendorOrgs.map((o) => o.name) })];
    await this.d.store.insertCase(record, participants, events);
    if (files.length > 0) {
      const fresh = await this.mustGet(record.id);
      const metas = (input.attachments ?? []).map((a, i) => this.attachmentMeta(record.id, reporter.id, a, files[i]!, at));
      await this.write({ record: { ...fresh, updated_at: at, version: fresh.version + 1 }, expectedVersion: fresh.version, insertAttachments: metas.map((meta, i) => ({ meta, content: files[i]! })) });
      record.version = fresh.version + 1;
    }
    this.notify(record, 'case.reported', participants.filter((p) => p.id !== reporter.id));
    return { case: record, reporter, link_secret: secret };
  }

  private product(p: ReportInput['products'][number], path: string, problems: FieldProblem[]): AffectedProduct {
    let purl: string | null = null;
    if (p.purl) {
      try {
        purl = formatPurl(parsePurl(p.purl));
      } catch (err) {
        problems.push({ path: `${path}/purl`, message: (err as Error).message });
      }
    }
    if (p.cpe && !CPE.test(p.cpe)) problems.push({ path: `${path}/cpe`, message: 'must be a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:…)' });
    return { name: p.name.trim(), vendor: p.vendor?.trim() || null, purl, cpe: p.cpe || null, versions: p.versions?.trim() || null };
  }

  private newParticipant(caseId: string, kind: Participant['kind'], who: Pick<Participant, 'org_id' | 'user_id' | 'email' | 'name'>, at: string): Participant {
    return { id: randomUUID(), case_id: caseId, kind, ...who, report_state: 'received', secret_hash: null, created_at: at, updated_at: at };
  }

  private event(caseId: string, at: string, participantId: string | null, kind: string, data: Record<string, unknown>, privateTo: string | null = null): NewCaseEvent {
    return { case_id: caseId, at, participant_id: participantId, kind, private_to: privateTo, data };
  }

  // ---- access ---------------------------------------------------------------

  /** Resolves a secret case link to its participant (hash lookup: the secret itself is never stored). */
  async actorForLink(secret: string): Promise<CaseActor | null> {
    if (!secret.startsWith(CASE_LINK_PREFIX) || secret.length > 200) return null;
    const p = await this.d.store.getParticipantBySecretHash(hashSecret(secret));
    return p ? { kind: 'link', participantId: p.id } : null;
  }

  /** The case and who the actor is in it; outsiders get CASE_NOT_FOUND, exactly as for a case that does not exist. */
  private async open(actor: CaseActor, caseId: string): Promise<{ record: CaseRecord; participants: Participant[]; as: Participant[]; lens: CaseLens }> {
    const record = await this.d.store.getCase(caseId);
    if (!record) throw notFound();
    const participants = await this.d.store.listParticipants(caseId);
    const as = actingAs(actor, participants);
    if (as.length === 0) throw notFound();
    return { record, participants, as, lens: new CaseLens(as) };
  }

  private async mustGet(id: string): Promise<CaseRecord> {
    const r = await this.d.store.getCase(id);
    if (!r) throw notFound();
    return r;
  }

  private requireKind(as: readonly Participant[], kinds: readonly Participant['kind'][], what: string): Participant {
    const p = as.find((x) => kinds.includes(x.kind));
    if (!p) throw new DisclosureError('CASE_FORBIDDEN', `Only ${kinds.join(' or ')} participants may ${what}.`);
    return p;
  }

  private async write(w: CaseWrite): Promise<void> {
    if (!(await this.d.store.writeCase(w))) {
      throw new DisclosureError('CASE_CONFLICT', 'The case changed while this request was being handled; reload and try again.');
    }
  }

  /** Runs `change` on a fresh read, retrying a few times when another write got there first. */
  private async change<T>(actor: CaseActor, caseId: string, change: (c: { record: CaseRecord; participants: Participant[]; as: Participant[]; lens: CaseLens; at: string; now: Date }) => Promise<{ write: Omit<CaseWrite, 'record' | 'expectedVersion'> & { record?: CaseRecord }; result: T; notice?: { kind: string; to: Participant[]; link_secret?: string } }>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const o = await this.open(actor, caseId);
      if (o.record.status === 'closed') throw new DisclosureError('CASE_CONFLICT', 'The case is closed.');
      const now = this.now();
      const at = now.toISOString();
      const { write, result, notice } = await change({ ...o, at, now });
      const record = { ...(write.record ?? o.record), updated_at: at, version: o.record.version + 1 };
      if (await this.d.store.writeCase({ ...write, record, expectedVersion: o.record.version })) {
        if (record.embargo !== o.record.embargo) this.d.onEmbargoChange?.();
        if (notice) this.notify(record, notice.kind, notice.to.filter((p) => !o.as.some((a) => a.id === p.id)), notice.link_secret);
        return result;
      }
      if (attempt >= 4) throw new DisclosureError('CASE_CONFLICT', 'The case is being changed by others right now; try again.');
    }
  }

  private notify(record: CaseRecord, kind: string, to: Participant[], link_secret?: string): void {
    if (!this.d.notify || to.length === 0) return;
    this.d.notify({ case_id: record.id, case_number: record.number, kind, to, ...(link_secret ? { link_secret } : {}) });
  }

  // ---- reading ----------------------------------------------------------------

  /** The caller's inbox: cases their organisation or they themselves take part in. */
  async inbox(actor: CaseActor, q: { status?: 'open' | 'closed'; limit: number; before?: { updated_at: string; id: string } }): Promise<CaseSummary[]> {
    if (actor.kind === 'link') {
      throw new DisclosureError('CASE_FORBIDDEN', 'A case link opens its one case; sign in for an inbox.');
    }
    const canWorkCases = ['admin', 'org-admin', 'psirt'].includes(actor.role);
    const cases = await this.d.store.listCasesFor({ orgId: canWorkCases ? actor.orgId : null, userId: actor.userId, ...(q.status ? { status: q.status } : {}), ...(q.before ? { before: q.before } : {}), limit: q.limit });
    const out: CaseSummary[] = [];
    const all = await this.d.store.listParticipantsOf(cases.map((c) => c.id));
    for (const c of cases) {
      const as = actingAs(actor, all.filter((p) => p.case_id === c.id));
      const you = as[0];
      if (!you) continue;
      out.push({ id: c.id, number: c.number, title: c.title, status: c.status, embargo: c.embargo, facts: c.facts, you: { participant_id: you.id, kind: you.kind, report_state: you.report_state }, created_at: c.created_at, updated_at: c.updated_at });
    }
    return out;
  }

  /** Everything of the case the actor may see, filtered by the lens. */
  async view(actor: CaseActor, caseId: string) {
    const { record, participants, as, lens } = await this.open(actor, caseId);
    const [vulns, statuses, messages, events, attachments] = await Promise.all([
      this.d.store.listVulnerabilities(caseId),
      this.d.store.listStatuses(caseId),
      this.d.store.listMessages(caseId, { limit: 1000 }),
      this.d.store.listEvents(caseId, { limit: 1000 }),
      this.d.store.listAttachments(caseId),
    ]);
    const required = requiredAcceptors(participants);
    return {
      id: record.id,
      number: record.number,
      title: record.title,
      description: record.description,
      products: record.products,
      wishes: record.wishes,
      facts: record.facts,
      status: record.status,
      embargo: { ...record.embargo, required_acceptors: required, max_days: this.maxEmbargoDays },
      created_at: record.created_at,
      updated_at: record.updated_at,
      version: record.version,
      you: as.map((p) => ({ participant_id: p.id, kind: p.kind, report_state: p.report_state })),
      participants: participants.map((p) => lens.participant(p)),
      vulnerabilities: vulns,
      statuses: statuses.filter((s) => lens.status(s)),
      messages,
      timeline: events.filter((e) => lens.event(e)).map(({ private_to, ...e }) => ({ ...e, private: private_to !== null })),
      attachments: attachments.filter((a) => lens.attachment(a)),
    };
  }

  async attachment(actor: CaseActor, caseId: string, attachmentId: string): Promise<{ meta: AttachmentMeta; content: Uint8Array }> {
    const { lens } = await this.open(actor, caseId);
    const a = await this.d.store.getAttachment(caseId, attachmentId);
    if (!a || !lens.attachment(a.meta)) throw new DisclosureError('CASE_ITEM_NOT_FOUND', 'No such attachment in this case.');
    return a;
  }

  // ---- participants --------------------------------------------------------

  /**
   * The coordinator brings in a vendor or stakeholder: a signatory by slug, or
   * an outsider by e-mail, who gets a secret case link (returned once).
   */
  async addParticipant(actor: CaseActor, caseId: string, input: { kind: 'vendor' | 'stakeholder' | 'coordinator'; org?: string; email?: string; name?: string }) {
    return this.change(actor, caseId, async ({ record, participants, as, at }) => {
      const by = this.requireKind(as, ['coordinator'], 'add participants');
      let p: Participant;
      let secret: string | null = null;
      if (input.org !== undefined) {
        const org = await this.d.getOrgBySlug(input.org);
        if (!org || org.status !== 'member' && org.kind !== 'secretariat') throw new ValidationError([{ path: '/org', message: `no signatory "${input.org}"` }]);
        if (participants.some((x) => x.org_id === org.id && x.kind === input.kind)) throw new DisclosureError('CASE_CONFLICT', `${org.name} already takes part as ${input.kind}.`);
        p = this.newParticipant(caseId, input.kind, { org_id: org.id, user_id: null, email: null, name: org.name }, at);
      } else {
        const email = input.email?.trim().toLowerCase() ?? '';
        if (!EMAIL.test(email)) throw new ValidationError([{ path: '/email', message: 'an org slug or an e-mail address is needed' }]);
        if (participants.some((x) => x.email === email && x.kind === input.kind)) throw new DisclosureError('CASE_CONFLICT', `${email} already takes part as ${input.kind}.`);
        secret = newSecret(CASE_LINK_PREFIX);
        p = { ...this.newParticipant(caseId, input.kind, { org_id: null, user_id: null, email, name: input.name?.trim() || email }, at), secret_hash: hashSecret(secret) };
      }
      const facts = input.kind === 'vendor' && record.facts.vendor_aware === null ? { ...record.facts, vendor_aware: at } : record.facts;
      return {
        write: { record: { ...record, facts }, insertParticipants: [p], events: [this.event(caseId, at, by.id, 'participant.added', { participant_id: p.id, kind: p.kind, name: p.name })] },
        result: { participant: p, link_secret: secret },
        notice: { kind: 'participant.added', to: [...participants, p], ...(secret ? { link_secret: secret } : {}) },
      };
    });
  }

  /** A participant moves its own report state (received → valid/invalid → accepted/deferred → closed). */
  async setReportState(actor: CaseActor, caseId: string, to: ReportState) {
    return this.change(actor, caseId, async ({ record, as, at }) => {
      const me = as[0]!;
      const next = nextReportState(me.report_state, to);
      const updated = { ...me, report_state: next, updated_at: at };
      return {
        write: { record, updateParticipants: [updated], events: [this.event(caseId, at, me.id, 'report_state.changed', { from: me.report_state, to: next })] },
        result: updated,
      };
    });
  }

  // ---- vulnerabilities and statuses ------------------------------------------

  async putVulnerability(actor: CaseActor, caseId: string, input: { id?: string; cve?: string | null; title: string; description: string; cwe?: { id: string; name: string } | null; cvss?: Cvss | null }) {
    const problems: FieldProblem[] = [];
    if (input.cve && !CVE.test(input.cve)) problems.push({ path: '/cve', message: 'must look like CVE-2026-12345' });
    if (input.cwe && !CWE.test(input.cwe.id)) problems.push({ path: '/cwe/id', message: 'must look like CWE-79' });
    if (input.cvss) {
      const ok = input.cvss.version === '4.0' ? CVSS4.test(input.cvss.vector) : CVSS3.test(input.cvss.vector) && input.cvss.vector.startsWith(`CVSS:${input.cvss.version}/`);
      if (!ok) problems.push({ path: '/cvss/vector', message: `must be a CVSS ${input.cvss.version} vector string` });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    return this.change(actor, caseId, async ({ record, as, at }) => {
      const by = this.requireKind(as, ['coordinator'], 'describe vulnerabilities');
      const existing = input.id ? (await this.d.store.listVulnerabilities(caseId)).find((v) => v.id === input.id) : undefined;
      if (input.id && !existing) throw new DisclosureError('CASE_ITEM_NOT_FOUND', 'No such vulnerability in this case.');
      const v: CaseVulnerability = {
        id: existing?.id ?? randomUUID(),
        case_id: caseId,
        cve: input.cve ?? null,
        title: input.title.trim(),
        description: input.description,
        cwe: input.cwe ?? null,
        cvss: input.cvss ?? null,
        created_at: existing?.created_at ?? at,
      };
      return {
        write: { record, putVulnerabilities: [v], events: [this.event(caseId, at, by.id, existing ? 'vulnerability.updated' : 'vulnerability.added', { vulnerability_id: v.id, cve: v.cve, title: v.title })] },
        result: v,
      };
    });
  }

  /** A vendor states whether it is affected; shared statuses reach the other participants, the rest only the coordinator. */
  async setStatus(actor: CaseActor, caseId: string, vulnerabilityId: string, input: { status: VendorStatusValue; justification?: NotAffectedJustification | null; statement?: string | null; versions?: string | null; shared: boolean }) {
    if (input.justification && input.status !== 'not_affected') throw new ValidationError([{ path: '/justification', message: 'only a not_affected status carries a justification' }]);
    return this.change(actor, caseId, async ({ record, participants, as, at }) => {
      const vendor = this.requireKind(as, ['vendor'], 'state a vendor status');
      if (!(await this.d.store.listVulnerabilities(caseId)).some((v) => v.id === vulnerabilityId)) throw new DisclosureError('CASE_ITEM_NOT_FOUND', 'No such vulnerability in this case.');
      const s: VendorStatus = {
        case_id: caseId,
        vulnerability_id: vulnerabilityId,
        participant_id: vendor.id,
        status: input.status,
        justification: input.justification ?? null,
        statement: input.statement ?? null,
        versions: input.versions ?? null,
        shared: input.shared,
        updated_at: at,
      };
      const facts = input.status === 'fixed' && record.facts.fix_ready === null ? { ...record.facts, fix_ready: at } : record.facts;
      const coordinators = participants.filter((p) => p.kind === 'coordinator');
      return {
        write: { record: { ...record, facts }, putStatuses: [s], events: [this.event(caseId, at, vendor.id, 'status.set', { vulnerability_id: vulnerabilityId, vendor: vendor.name, status: s.status, shared: s.shared }, s.shared ? null : vendor.id)] },
        result: s,
        notice: { kind: 'status.set', to: s.shared ? participants : coordinators },
      };
    });
  }

  /** Asserts a case fact; details or an exploit going public ends any embargo at once. Facts never become false again. */
  async setFact(actor: CaseActor, caseId: string, fact: CaseFact) {
    return this.change(actor, caseId, async ({ record, participants, as, at, now }) => {
      const by = as.find((p) => FACTS_BY_KIND[p.kind].includes(fact));
      if (!by) throw new DisclosureError('CASE_FORBIDDEN', `A ${as[0]!.kind} cannot assert "${fact}".`);
      if (record.facts[fact] !== null) return { write: { record }, result: record.facts };
      const facts = { ...record.facts, [fact]: at };
      const events = [this.event(caseId, at, by.id, 'fact.set', { fact })];
      let embargo = record.embargo;
      if (fact === 'public' || fact === 'exploit_public') {
        const next = exitEmbargo(embargo, fact, now);
        if (next !== embargo) events.push(this.event(caseId, at, by.id, 'embargo.exited', { reason: fact, state: next.state }));
        embargo = next;
      }
      return { write: { record: { ...record, facts, embargo }, events }, result: facts, notice: { kind: 'fact.set', to: participants } };
    });
  }

  // ---- embargo ------------------------------------------------------------------

  async proposeEmbargo(actor: CaseActor, caseId: string, endAt: string) {
    return this.change(actor, caseId, async ({ record, participants, as, at, now }) => {
      const by = this.requireKind(as, ['coordinator', 'vendor', 'reporter'], 'propose an embargo');
      const required = requiredAcceptors(participants);
      let embargo = proposeEmbargo(record.embargo, { by: by.id, endAt, now, maxDays: this.maxEmbargoDays, isPublic: record.facts.public !== null || record.facts.exploit_public !== null });
      // A proposer who is the only one whose acceptance is needed has agreed already.
      if (required.every((r) => embargo.accepted_by.includes(r))) embargo = acceptEmbargo(embargo, required[0]!, required, now);
      return {
        write: { record: { ...record, embargo }, events: [this.event(caseId, at, by.id, 'embargo.proposed', { end_at: endAt, state: embargo.state })] },
        result: embargo,
        notice: { kind: 'embargo.proposed', to: participants },
      };
    });
  }

  async acceptEmbargo(actor: CaseActor, caseId: string) {
    return this.change(actor, caseId, async ({ record, participants, as, at, now }) => {
      const required = requiredAcceptors(participants);
      const by = as.find((p) => required.includes(p.id));
      if (!by) throw new DisclosureError('CASE_FORBIDDEN', 'Only the coordinator and the case\'s vendors accept embargoes.');
      const embargo = acceptEmbargo(record.embargo, by.id, required, now);
      const events = [this.event(caseId, at, by.id, 'embargo.accepted', { state: embargo.state, end_at: embargo.end_at })];
      return { write: { record: { ...record, embargo }, events }, result: embargo, notice: embargo.state === 'active' && record.embargo.state !== 'active' ? { kind: 'embargo.active', to: participants } : undefined };
    });
  }

  async rejectEmbargo(actor: CaseActor, caseId: string) {
    return this.change(actor, caseId, async ({ record, participants, as, at }) => {
      const required = requiredAcceptors(participants);
      const by = as.find((p) => required.includes(p.id));
      if (!by) throw new DisclosureError('CASE_FORBIDDEN', 'Only the coordinator and the case\'s vendors reject embargoes.');
      const embargo = rejectEmbargo(record.embargo, by.id, required);
      return { write: { record: { ...record, embargo }, events: [this.event(caseId, at, by.id, 'embargo.rejected', { state: embargo.state })] }, result: embargo, notice: { kind: 'embargo.rejected', to: participants } };
    });
  }

  /** The coordinator ends an embargo early (for instance when attacks are seen); publication may follow at once. */
  async terminateEmbargo(actor: CaseActor, caseId: string) {
    return this.change(actor, caseId, async ({ record, participants, as, at, now }) => {
      const by = this.requireKind(as, ['coordinator'], 'terminate an embargo');
      const embargo = exitEmbargo(record.embargo, 'terminated', now);
      return { write: { record: { ...record, embargo }, events: [this.event(caseId, at, by.id, 'embargo.exited', { reason: 'terminated' })] }, result: embargo, notice: { kind: 'embargo.exited', to: participants } };
    });
  }

  /**
   * Ends every embargo whose end has come (the scheduler calls this; safe on
   * several nodes at once: the version check lets one of them win). Returns
   * the cases whose embargo it ended.
   */
  async endDueEmbargoes(): Promise<CaseRecord[]> {
    const now = this.now();
    const ended: CaseRecord[] = [];
    for (const c of await this.d.store.listEmbargoesEndingBy(now.toISOString(), 100)) {
      if (embargoHolds(c.embargo, now)) continue;
      // The embargo ends at its end date, not whenever this loop got to it.
      const at = c.embargo.end_at!;
      const record = { ...c, embargo: exitEmbargo(c.embargo, 'ended', now), updated_at: now.toISOString(), version: c.version + 1 };
      record.embargo.exited_at = at;
      const ok = await this.d.store.writeCase({ record, expectedVersion: c.version, events: [this.event(c.id, at, null, 'embargo.exited', { reason: 'ended' })] });
      if (ok) {
        ended.push(record);
        this.notify(record, 'embargo.ended', await this.d.store.listParticipants(c.id));
      }
    }
    return ended;
  }

  /**
   * Reminds every participant 7 days and 1 day before an embargo ends (once
   * each: the notice carries a key naming the case, the end and the lead).
   */
  async embargoReminders(): Promise<number> {
    const now = this.now();
    let sent = 0;
    for (const lead of [7, 1]) {
      const horizon = new Date(now.getTime() + lead * 86_400_000).toISOString();
      for (const c of await this.d.store.listEmbargoesEndingBy(horizon, 200)) {
        if (!embargoHolds(c.embargo, now) || c.status !== 'open') continue;
        const to = await this.d.store.listParticipants(c.id);
        this.d.notify?.({ case_id: c.id, case_number: c.number, kind: 'embargo.reminder', to, dedupe_key: `reminder:${c.id}:${c.embargo.end_at}:${lead}d` });
        sent++;
      }
    }
    return sent;
  }

  // ---- thread and attachments ----------------------------------------------------

  async postMessage(actor: CaseActor, caseId: string, body: string) {
    if (body.trim() === '') throw new ValidationError([{ path: '/body', message: 'must not be empty' }]);
    return this.change(actor, caseId, async ({ record, participants, as, at }) => {
      const me = as[0]!;
      const author = actor.kind === 'user' ? `${actor.name} (${me.name})` : me.name;
      const m = { id: randomUUID(), case_id: caseId, participant_id: me.id, author, body, created_at: at };
      return { write: { record, insertMessages: [m], events: [this.event(caseId, at, me.id, 'message.posted', { message_id: m.id })] }, result: m, notice: { kind: 'message.posted', to: participants } };
    });
  }

  async addAttachment(actor: CaseActor, caseId: string, input: { filename: string; media_type: string; content_base64: string }) {
    const content = this.attachmentBytesOf(input, '/content_base64');
    return this.change(actor, caseId, async ({ record, participants, as, at }) => {
      const me = as[0]!;
      const existing = await this.d.store.listAttachments(caseId);
      this.checkBudget([content.length], existing.reduce((n, a) => n + a.size, 0));
      const meta = this.attachmentMeta(caseId, me.id, input, content, at);
      return {
        write: { record, insertAttachments: [{ meta, content }], events: [this.event(caseId, at, me.id, 'attachment.added', { attachment_id: meta.id, filename: meta.filename, size: meta.size })] },
        result: meta,
        notice: { kind: 'attachment.added', to: participants.filter((p) => p.kind !== 'stakeholder') },
      };
    });
  }

  private attachmentBytesOf(a: { content_base64: string }, path: string): Buffer {
    // Refuse on the encoded length first: never decode what is certainly too big.
    if (a.content_base64.length > Math.ceil(this.attachmentBytes / 3) * 4 + 4) {
      throw new DisclosureError('ATTACHMENT_TOO_LARGE', `An attachment may be at most ${this.attachmentBytes} bytes.`, { details: { limit: this.attachmentBytes } });
    }
    const bytes = decodeBase64(a.content_base64, path);
    if (bytes.length > this.attachmentBytes) throw new DisclosureError('ATTACHMENT_TOO_LARGE', `An attachment may be at most ${this.attachmentBytes} bytes.`, { details: { limit: this.attachmentBytes } });
    return bytes;
  }

  private checkBudget(sizes: number[], used: number): void {
    const total = sizes.reduce((n, s) => n + s, used);
    if (total > this.caseAttachmentBytes) {
      throw new DisclosureError('ATTACHMENT_TOO_LARGE', `A case's attachments may total at most ${this.caseAttachmentBytes} bytes.`, { details: { limit: this.caseAttachmentBytes, used } });
    }
  }

  private attachmentMeta(caseId: string, participantId: string, a: { filename: string; media_type: string }, content: Uint8Array, at: string): AttachmentMeta {
    const mediaType = /^[a-z]+\/[a-z0-9.+-]+$/i.test(a.media_type) ? a.media_type.toLowerCase() : 'application/octet-stream';
    return { id: randomUUID(), case_id: caseId, participant_id: participantId, filename: cleanFilename(a.filename), media_type: mediaType, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), created_at: at };
  }

  /** The coordinator closes a case (nothing can change afterwards; it stays readable to its participants). */
  async close(actor: CaseActor, caseId: string) {
    return this.change(actor, caseId, async ({ record, participants, as, at, now }) => {
      const by = this.requireKind(as, ['coordinator'], 'close a case');
      if (embargoHolds(record.embargo, now)) throw new DisclosureError('CASE_CONFLICT', 'The case is under embargo; it closes after the embargo ends.');
      return { write: { record: { ...record, status: 'closed' as const }, events: [this.event(caseId, at, by.id, 'case.closed', {})] }, result: { ...record, status: 'closed' as const }, notice: { kind: 'case.closed', to: participants } };
    });
  }

  /** For publication: the raw case, its participants, vulnerabilities and every status (no lens: the caller is trusted code). */
  async snapshot(caseId: string) {
    const record = await this.mustGet(caseId);
    const [participants, vulnerabilities, statuses] = await Promise.all([
      this.d.store.listParticipants(caseId),
      this.d.store.listVulnerabilities(caseId),
      this.d.store.listStatuses(caseId),
    ]);
    return { record, participants, vulnerabilities, statuses };
  }

  /** Who the actor is in the case (for the advisory workflow), with the case. */
  async participation(actor: CaseActor, caseId: string) {
    const { record, participants, as } = await this.open(actor, caseId);
    return { record, participants, as };
  }

  /** Publication made the details public: the fact is set (and any embargo is over by then). */
  async markPublic(caseId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = await this.mustGet(caseId);
      if (c.facts.public !== null) return;
      const now = this.now();
      const at = now.toISOString();
      // An embargo whose end has passed ended then (publication at the end is the normal course), not because of it.
      const ended = (c.embargo.state === 'active' || c.embargo.state === 'revise') && !embargoHolds(c.embargo, now);
      const embargo = ended ? { ...exitEmbargo(c.embargo, 'ended', now), exited_at: c.embargo.end_at } : exitEmbargo(c.embargo, 'public', now);
      const events = [this.event(caseId, at, null, 'fact.set', { fact: 'public' })];
      if (embargo.state !== c.embargo.state) events.unshift(this.event(caseId, ended ? c.embargo.end_at! : at, null, 'embargo.exited', { reason: ended ? 'ended' : 'public' }));
      const record = { ...c, facts: { ...c.facts, public: at }, embargo, updated_at: at, version: c.version + 1 };
      if (await this.d.store.writeCase({ record, expectedVersion: c.version, events })) return;
    }
  }

  /** Records a timeline event on a case (publication, approvals) with the same version check. */
  async recordEvent(caseId: string, participantId: string | null, kind: string, data: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = await this.mustGet(caseId);
      const at = this.now().toISOString();
      if (await this.d.store.writeCase({ record: { ...c, updated_at: at, version: c.version + 1 }, expectedVersion: c.version, events: [this.event(caseId, at, participantId, kind, data)] })) {
        if (kind === 'advisory.published') this.notify(c, kind, await this.d.store.listParticipants(caseId));
        return;
      }
    }
  }
}

/** Whose acceptance an embargo needs: the coordinator and every vendor still working the report. */
export function requiredAcceptors(participants: readonly Participant[]): string[] {
  return participants.filter((p) => (p.kind === 'coordinator' || p.kind === 'vendor') && p.report_state !== 'invalid' && p.report_state !== 'closed').map((p) => p.id);
}

function notFound(): DisclosureError {
  return new DisclosureError('CASE_NOT_FOUND', 'No such case.');
}
