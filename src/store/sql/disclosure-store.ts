import { sql, type Generated, type Kysely, type Selectable } from 'kysely';
import type { AdvisoryRecord, AdvisoryStatus, AdvisoryVersion, CaseWrite, DisclosureStore, NewCaseEvent } from '../../disclosure/ports.js';
import type { AttachmentMeta, CaseEvent, CaseMessage, CaseRecord, CaseVulnerability, Participant, VendorStatus } from '../../disclosure/types.js';

/* Row shapes of migration 0005-disclosure (both backends). */
interface CaseRow {
  id: string;
  number: string;
  title: string;
  description: string;
  products: string;
  wishes: string;
  facts: string;
  embargo: string;
  embargo_state: string;
  embargo_end_at: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  version: number;
}
type ParticipantRow = Participant;
interface VulnRow {
  id: string;
  case_id: string;
  cve: string | null;
  title: string;
  description: string;
  cwe: string | null;
  cvss: string | null;
  created_at: string;
}
interface StatusRow extends Omit<VendorStatus, 'shared'> {
  shared: number;
}
interface EventRow extends Omit<CaseEvent, 'data'> {
  data: string;
}
interface AttachmentRow extends AttachmentMeta {
  content: Uint8Array;
}
interface AdvisoryRow {
  id: string;
  tracking_id: string;
  case_id: string | null;
  status: string;
  draft: string;
  draft_revision: number;
  approvals: string;
  scheduled_for: string | null;
  publish_summary: string | null;
  published_versions: number;
  first_published_at: string | null;
  created_at: string;
  updated_at: string;
}
interface DisclosureDB {
  disclosure_counters: { year: number; last: number };
  cases: CaseRow;
  case_participants: ParticipantRow;
  case_vulnerabilities: VulnRow;
  case_statuses: StatusRow;
  case_messages: CaseMessage;
  case_events: Omit<EventRow, 'id'> & { id: Generated<number> };
  case_attachments: AttachmentRow;
  advisories: AdvisoryRow;
  advisory_versions: AdvisoryVersion;
}

function caseRow(c: CaseRecord): CaseRow {
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    description: c.description,
    products: JSON.stringify(c.products),
    wishes: JSON.stringify(c.wishes),
    facts: JSON.stringify(c.facts),
    embargo: JSON.stringify(c.embargo),
    embargo_state: c.embargo.state,
    embargo_end_at: c.embargo.end_at,
    status: c.status,
    created_at: c.created_at,
    updated_at: c.updated_at,
    version: c.version,
  };
}

function caseOf(r: Selectable<CaseRow>): CaseRecord {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    description: r.description,
    products: JSON.parse(r.products) as CaseRecord['products'],
    wishes: JSON.parse(r.wishes) as CaseRecord['wishes'],
    facts: JSON.parse(r.facts) as CaseRecord['facts'],
    embargo: JSON.parse(r.embargo) as CaseRecord['embargo'],
    status: r.status as CaseRecord['status'],
    created_at: r.created_at,
    updated_at: r.updated_at,
    version: Number(r.version),
  };
}

function vulnRow(v: CaseVulnerability): VulnRow {
  return { ...v, cwe: v.cwe ? JSON.stringify(v.cwe) : null, cvss: v.cvss ? JSON.stringify(v.cvss) : null };
}
function vulnOf(r: VulnRow): CaseVulnerability {
  return { ...r, cwe: r.cwe ? (JSON.parse(r.cwe) as CaseVulnerability['cwe']) : null, cvss: r.cvss ? (JSON.parse(r.cvss) as CaseVulnerability['cvss']) : null };
}
function vendorStatusOf(r: StatusRow): VendorStatus {
  return { ...r, shared: Number(r.shared) === 1 };
}
function eventRow(e: NewCaseEvent): Omit<EventRow, 'id'> {
  return { ...e, data: JSON.stringify(e.data) };
}
function eventOf(r: EventRow): CaseEvent {
  return { ...r, id: Number(r.id), data: JSON.parse(r.data) as Record<string, unknown> };
}
function advisoryRow(a: AdvisoryRecord): AdvisoryRow {
  return { ...a, draft: JSON.stringify(a.draft), approvals: JSON.stringify(a.approvals) };
}
function advisoryOf(r: AdvisoryRow): AdvisoryRecord {
  return {
    ...r,
    status: r.status as AdvisoryStatus,
    draft: JSON.parse(r.draft) as Record<string, unknown>,
    approvals: JSON.parse(r.approvals) as Record<string, number>,
    draft_revision: Number(r.draft_revision),
    published_versions: Number(r.published_versions),
  };
}
function versionOf(r: AdvisoryVersion): AdvisoryVersion {
  return { ...r, version: Number(r.version), log_index: r.log_index === null ? null : Number(r.log_index) };
}

const ATTACHMENT_META = ['id', 'case_id', 'participant_id', 'filename', 'media_type', 'size', 'sha256', 'created_at'] as const;

/** The disclosure port on either backend (the SQL is portable: text timestamps, JSON as text, 0/1 booleans). */
export class SqlDisclosureStore implements DisclosureStore {
  private readonly db: Kysely<DisclosureDB>;

  constructor(db: Kysely<unknown>) {
    this.db = db as unknown as Kysely<DisclosureDB>;
  }

  async nextCaseNumber(year: number): Promise<number> {
    const row = await this.db
      .insertInto('disclosure_counters')
      .values({ year, last: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet({ last: sql`disclosure_counters.last + 1` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    return Number(row.last);
  }

  async insertCase(record: CaseRecord, participants: Participant[], events: NewCaseEvent[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('cases').values(caseRow(record)).execute();
      if (participants.length > 0) await tx.insertInto('case_participants').values(participants).execute();
      if (events.length > 0) await tx.insertInto('case_events').values(events.map(eventRow)).execute();
    });
  }

  async getCase(id: string): Promise<CaseRecord | undefined> {
    const r = await this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? caseOf(r) : undefined;
  }

  async writeCase(w: CaseWrite): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const { id, ...rest } = caseRow(w.record);
      const res = await tx.updateTable('cases').set(rest).where('id', '=', id).where('version', '=', w.expectedVersion).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      if (w.insertParticipants?.length) await tx.insertInto('case_participants').values(w.insertParticipants).execute();
      for (const p of w.updateParticipants ?? []) {
        const { id: pid, ...patch } = p;
        await tx.updateTable('case_participants').set(patch).where('id', '=', pid).where('case_id', '=', w.record.id).execute();
      }
      for (const v of w.putVulnerabilities ?? []) {
        const row = vulnRow(v);
        const { id: vid, case_id: _c, created_at: _a, ...patch } = row;
        await tx.insertInto('case_vulnerabilities').values(row).onConflict((oc) => oc.column('id').doUpdateSet(patch)).execute();
        void vid;
      }
      for (const s of w.putStatuses ?? []) {
        const row = { ...s, shared: s.shared ? 1 : 0 };
        const { vulnerability_id: _v, participant_id: _p, case_id: _c, ...patch } = row;
        await tx.insertInto('case_statuses').values(row).onConflict((oc) => oc.columns(['vulnerability_id', 'participant_id']).doUpdateSet(patch)).execute();
      }
      if (w.insertMessages?.length) await tx.insertInto('case_messages').values(w.insertMessages).execute();
      for (const a of w.insertAttachments ?? []) await tx.insertInto('case_attachments').values({ ...a.meta, content: a.content }).execute();
      if (w.events?.length) await tx.insertInto('case_events').values(w.events.map(eventRow)).execute();
      return true;
    });
  }

  async listCasesFor(q: { orgId: string | null; userId: string | null; status?: 'open' | 'closed'; before?: { updated_at: string; id: string }; limit: number }): Promise<CaseRecord[]> {
    let query = this.db
      .selectFrom('cases')
      .selectAll()
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('case_participants')
          .select('case_id')
          .where((w) => w.or([...(q.orgId !== null ? [w('org_id', '=', q.orgId)] : []), ...(q.userId !== null ? [w('user_id', '=', q.userId)] : []), ...(q.orgId === null && q.userId === null ? [w(sql.lit(1), '=', sql.lit(0))] : [])])),
      );
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before) {
      const b = q.before;
      query = query.where((w) => w.or([w('updated_at', '<', b.updated_at), w.and([w('updated_at', '=', b.updated_at), w('id', '<', b.id)])]));
    }
    const rows = await query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(caseOf);
  }

  async listParticipants(caseId: string): Promise<Participant[]> {
    return (await this.db.selectFrom('case_participants').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute()) as Participant[];
  }

  async listParticipantsOf(caseIds: readonly string[]): Promise<Participant[]> {
    if (caseIds.length === 0) return [];
    return (await this.db.selectFrom('case_participants').selectAll().where('case_id', 'in', [...caseIds]).orderBy('created_at').orderBy('id').execute()) as Participant[];
  }

  async getParticipantBySecretHash(hash: string): Promise<Participant | undefined> {
    return (await this.db.selectFrom('case_participants').selectAll().where('secret_hash', '=', hash).executeTakeFirst()) as Participant | undefined;
  }

  async listVulnerabilities(caseId: string): Promise<CaseVulnerability[]> {
    return (await this.db.selectFrom('case_vulnerabilities').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute()).map(vulnOf);
  }

  async listStatuses(caseId: string): Promise<VendorStatus[]> {
    return (await this.db.selectFrom('case_statuses').selectAll().where('case_id', '=', caseId).orderBy('updated_at').execute()).map(vendorStatusOf);
  }

  async listMessages(caseId: string, q: { limit: number; after?: string }): Promise<CaseMessage[]> {
    let query = this.db.selectFrom('case_messages').selectAll().where('case_id', '=', caseId);
    if (q.after) query = query.where('created_at', '>', q.after);
    return query.orderBy('created_at').orderBy('id').limit(q.limit).execute();
  }

  async listEvents(caseId: string, q: { limit: number; after?: number }): Promise<CaseEvent[]> {
    let query = this.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId);
    if (q.after !== undefined) query = query.where('id', '>', q.after);
    return (await query.orderBy('id').limit(q.limit).execute()).map(eventOf);
  }

  async listAttachments(caseId: string): Promise<AttachmentMeta[]> {
    const rows = await this.db.selectFrom('case_attachments').select(ATTACHMENT_META).where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ ...r, size: Number(r.size) }));
  }

  async getAttachment(caseId: string, id: string): Promise<{ meta: AttachmentMeta; content: Uint8Array } | undefined> {
    const r = await this.db.selectFrom('case_attachments').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    const { content, ...meta } = r;
    return { meta: { ...meta, size: Number(meta.size) }, content };
  }

  async listEmbargoesEndingBy(t: string, limit: number): Promise<CaseRecord[]> {
    const rows = await this.db
      .selectFrom('cases')
      .selectAll()
      .where('embargo_state', 'in', ['active', 'revise'])
      .where('embargo_end_at', '<=', t)
      .orderBy('embargo_end_at')
      .limit(limit)
      .execute();
    return rows.map(caseOf);
  }

  async nextEmbargoEnd(): Promise<string | null> {
    const r = await this.db.selectFrom('cases').select('embargo_end_at').where('embargo_state', 'in', ['active', 'revise']).where('embargo_end_at', 'is not', null).orderBy('embargo_end_at').limit(1).executeTakeFirst();
    return r?.embargo_end_at ?? null;
  }

  async insertAdvisory(a: AdvisoryRecord): Promise<void> {
    await this.db.insertInto('advisories').values(advisoryRow(a)).execute();
  }

  async getAdvisory(id: string): Promise<AdvisoryRecord | undefined> {
    const r = await this.db.selectFrom('advisories').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? advisoryOf(r) : undefined;
  }

  async getAdvisoryByTrackingId(trackingId: string): Promise<AdvisoryRecord | undefined> {
    const r = await this.db.selectFrom('advisories').selectAll().where('tracking_id', '=', trackingId).executeTakeFirst();
    return r ? advisoryOf(r) : undefined;
  }

  async getAdvisoryByCase(caseId: string): Promise<AdvisoryRecord | undefined> {
    const r = await this.db.selectFrom('advisories').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    return r ? advisoryOf(r) : undefined;
  }

  async updateAdvisory(a: AdvisoryRecord, expected: { draft_revision: number; status: AdvisoryStatus; published_versions: number }): Promise<boolean> {
    const { id, ...rest } = advisoryRow(a);
    const res = await this.db
      .updateTable('advisories')
      .set(rest)
      .where('id', '=', id)
      .where('draft_revision', '=', expected.draft_revision)
      .where('status', '=', expected.status)
      .where('published_versions', '=', expected.published_versions)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async publishAdvisoryVersion(a: AdvisoryRecord, v: AdvisoryVersion, expected: { status: AdvisoryStatus; published_versions: number }): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const { id, ...rest } = advisoryRow(a);
      const res = await tx
        .updateTable('advisories')
        .set(rest)
        .where('id', '=', id)
        .where('status', '=', expected.status)
        .where('published_versions', '=', expected.published_versions)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.insertInto('advisory_versions').values(v).execute();
      return true;
    });
  }

  async setAdvisoryLogIndex(advisoryId: string, version: number, index: number): Promise<void> {
    await this.db.updateTable('advisory_versions').set({ log_index: index }).where('advisory_id', '=', advisoryId).where('version', '=', version).execute();
  }

  async listUnloggedAdvisoryVersions(limit: number): Promise<AdvisoryVersion[]> {
    return (await this.db.selectFrom('advisory_versions').selectAll().where('log_index', 'is', null).orderBy('published_at').orderBy('advisory_id').orderBy('version').limit(limit).execute()).map(versionOf);
  }

  async getAdvisoryVersion(advisoryId: string, version: number): Promise<AdvisoryVersion | undefined> {
    const r = await this.db.selectFrom('advisory_versions').selectAll().where('advisory_id', '=', advisoryId).where('version', '=', version).executeTakeFirst();
    return r ? versionOf(r) : undefined;
  }

  async listAdvisoryVersions(advisoryId: string): Promise<AdvisoryVersion[]> {
    return (await this.db.selectFrom('advisory_versions').selectAll().where('advisory_id', '=', advisoryId).orderBy('version').execute()).map(versionOf);
  }

  async listLatestAdvisoryVersions(q: { limit: number; before?: { published_at: string; advisory_id: string }; tlp?: string }): Promise<AdvisoryVersion[]> {
    let query = this.db
      .selectFrom('advisory_versions as v')
      .innerJoin('advisories as a', (j) => j.onRef('a.id', '=', 'v.advisory_id').onRef('a.published_versions', '=', 'v.version'))
      .selectAll('v');
    if (q.tlp) query = query.where('v.tlp', '=', q.tlp);
    if (q.before) {
      const b = q.before;
      query = query.where((w) => w.or([w('v.published_at', '<', b.published_at), w.and([w('v.published_at', '=', b.published_at), w('v.advisory_id', '<', b.advisory_id)])]));
    }
    return (await query.orderBy('v.published_at', 'desc').orderBy('v.advisory_id', 'desc').limit(q.limit).execute()).map(versionOf);
  }

  async listAdvisoryVersionsAfter(after: { published_at: string; advisory_id: string; version: number } | null, limit: number): Promise<AdvisoryVersion[]> {
    let query = this.db.selectFrom('advisory_versions').selectAll();
    if (after) {
      query = query.where((w) =>
        w.or([
          w('published_at', '>', after.published_at),
          w.and([w('published_at', '=', after.published_at), w('advisory_id', '>', after.advisory_id)]),
          w.and([w('published_at', '=', after.published_at), w('advisory_id', '=', after.advisory_id), w('version', '>', after.version)]),
        ]),
      );
    }
    return (await query.orderBy('published_at').orderBy('advisory_id').orderBy('version').limit(limit).execute()).map(versionOf);
  }

  async listScheduledDue(t: string, limit: number): Promise<AdvisoryRecord[]> {
    return (await this.db.selectFrom('advisories').selectAll().where('status', '=', 'scheduled').where('scheduled_for', '<=', t).orderBy('scheduled_for').limit(limit).execute()).map(advisoryOf);
  }

  async nextScheduled(): Promise<string | null> {
    const r = await this.db.selectFrom('advisories').select('scheduled_for').where('status', '=', 'scheduled').where('scheduled_for', 'is not', null).orderBy('scheduled_for').limit(1).executeTakeFirst();
    return r?.scheduled_for ?? null;
  }
}
