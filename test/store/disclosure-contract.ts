import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store/store.js';
import type { AdvisoryRecord, AdvisoryVersion, DisclosureStore } from '../../src/disclosure/ports.js';
import { NO_EMBARGO, type CaseRecord, type Participant } from '../../src/disclosure/types.js';

export interface DisclosureStoreContractOptions {
  name: string;
  newStore(): Promise<Store>;
  skip?: string | false;
}

const T = '2026-03-01T10:00:00.000Z';

export function makeCase(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: randomUUID(),
    number: `CASE-2026-${randomUUID().slice(0, 8)}`,
    title: 'Heap overflow in the parser',
    description: 'A crafted header overflows a buffer.',
    products: [{ name: 'Widget', vendor: 'Acme', purl: 'pkg:npm/widget@1.0.0', cpe: null, versions: '<1.2' }],
    wishes: { publish_after: null, credit: 'R. Searcher', notes: null },
    facts: { vendor_aware: null, fix_ready: null, fix_deployed: null, public: null, exploit_public: null, attacks_observed: null },
    embargo: { ...NO_EMBARGO },
    status: 'open',
    created_at: T,
    updated_at: T,
    version: 1,
    ...over,
  };
}

export function makeParticipant(caseId: string, over: Partial<Participant> = {}): Participant {
  return { id: randomUUID(), case_id: caseId, kind: 'vendor', org_id: randomUUID(), user_id: null, email: null, name: 'Vendor', report_state: 'received', secret_hash: null, created_at: T, updated_at: T, ...over };
}

function makeAdvisory(over: Partial<AdvisoryRecord> = {}): AdvisoryRecord {
  return { id: randomUUID(), tracking_id: `ACCORD-2026-${randomUUID().slice(0, 6)}`, case_id: null, status: 'draft', draft: { title: 'x' }, draft_revision: 1, approvals: {}, scheduled_for: null, publish_summary: null, published_versions: 0, first_published_at: null, created_at: T, updated_at: T, ...over };
}

function makeVersion(a: AdvisoryRecord, version: number, published_at: string): AdvisoryVersion {
  return { advisory_id: a.id, version, tracking_id: a.tracking_id, title: 't', tlp: 'CLEAR', csaf: `{"v":${version}}\n`, osv: '[]', cve: null, csaf_sha256: 'ab'.repeat(32), csaf_signature: '-----BEGIN PGP SIGNATURE-----', published_at, log_index: null };
}

type Case = (s: DisclosureStore) => Promise<void>;

const CASES: Record<string, Case> = {
  'case numbers are unique and consecutive under concurrent callers, per year': async (s) => {
    const got = await Promise.all(Array.from({ length: 20 }, () => s.nextCaseNumber(2026)));
    assert.deepEqual([...got].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(await s.nextCaseNumber(2027), 1);
  },

  'a case round-trips with its participants and events': async (s) => {
    const c = makeCase({ embargo: { ...NO_EMBARGO, state: 'active', end_at: '2026-04-01T00:00:00.000Z', started_at: T } });
    const p = [makeParticipant(c.id, { kind: 'reporter', org_id: null, email: 'r@example.org', secret_hash: 'f'.repeat(64) }), makeParticipant(c.id, { kind: 'coordinator' })];
    await s.insertCase(c, p, [{ case_id: c.id, at: T, participant_id: p[0]!.id, kind: 'case.reported', private_to: null, data: { n: 1 } }]);
    assert.deepEqual(await s.getCase(c.id), c);
    assert.deepEqual((await s.listParticipants(c.id)).map((x) => x.id).sort(), p.map((x) => x.id).sort());
    assert.equal((await s.getParticipantBySecretHash('f'.repeat(64)))?.id, p[0]!.id);
    assert.equal(await s.getParticipantBySecretHash('e'.repeat(64)), undefined);
    const ev = await s.listEvents(c.id, { limit: 10 });
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0]!.data, { n: 1 });
    assert.equal(await s.getCase(randomUUID()), undefined);
  },

  'writeCase applies only at the expected version, all or nothing': async (s) => {
    const c = makeCase();
    const vendor = makeParticipant(c.id);
    await s.insertCase(c, [vendor], []);
    const vulnId = randomUUID();
    const a = s.writeCase({
      record: { ...c, title: 'A', version: 2 },
      expectedVersion: 1,
      putVulnerabilities: [{ id: vulnId, case_id: c.id, cve: 'CVE-2026-1234', title: 'v', description: 'd', cwe: { id: 'CWE-787', name: 'Out-of-bounds Write' }, cvss: null, created_at: T }],
      events: [{ case_id: c.id, at: T, participant_id: null, kind: 'a', private_to: null, data: {} }],
    });
    const b = s.writeCase({ record: { ...c, title: 'B', version: 2 }, expectedVersion: 1, events: [{ case_id: c.id, at: T, participant_id: null, kind: 'b', private_to: null, data: {} }] });
    const results = await Promise.all([a, b]);
    assert.deepEqual([...results].sort(), [false, true]);
    const now = await s.getCase(c.id);
    assert.equal(now!.version, 2);
    const events = await s.listEvents(c.id, { limit: 10 });
    assert.equal(events.length, 1, 'the losing write left nothing behind');
    assert.equal(events[0]!.kind, now!.title === 'A' ? 'a' : 'b');
    assert.equal((await s.listVulnerabilities(c.id)).length, now!.title === 'A' ? 1 : 0);
  },

  'statuses upsert per vendor and vulnerability; attachments keep their bytes': async (s) => {
    const c = makeCase();
    const v1 = makeParticipant(c.id);
    await s.insertCase(c, [v1], []);
    const vuln = { id: randomUUID(), case_id: c.id, cve: null, title: 'v', description: 'd', cwe: null, cvss: { version: '3.1' as const, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, created_at: T };
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    const meta = { id: randomUUID(), case_id: c.id, participant_id: v1.id, filename: 'poc.bin', media_type: 'application/octet-stream', size: bytes.length, sha256: '00'.repeat(32), created_at: T };
    assert.ok(await s.writeCase({ record: { ...c, version: 2 }, expectedVersion: 1, putVulnerabilities: [vuln], insertAttachments: [{ meta, content: bytes }] }));
    const status = { case_id: c.id, vulnerability_id: vuln.id, participant_id: v1.id, status: 'affected' as const, justification: null, statement: null, versions: null, shared: false, updated_at: T };
    assert.ok(await s.writeCase({ record: { ...c, version: 3 }, expectedVersion: 2, putStatuses: [status] }));
    assert.ok(await s.writeCase({ record: { ...c, version: 4 }, expectedVersion: 3, putStatuses: [{ ...status, status: 'fixed', shared: true, versions: '1.2.0' }] }));
    const got = await s.listStatuses(c.id);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.status, 'fixed');
    assert.equal(got[0]!.shared, true);
    assert.deepEqual((await s.listVulnerabilities(c.id))[0]!.cvss, vuln.cvss);
    const att = await s.getAttachment(c.id, meta.id);
    assert.deepEqual(new Uint8Array(att!.content), bytes);
    assert.deepEqual(await s.listAttachments(c.id), [meta]);
    assert.equal(await s.getAttachment(randomUUID(), meta.id), undefined, 'an attachment is only found through its own case');
  },

  'the inbox lists cases of an org or a user, newest change first, keyset-paged': async (s) => {
    const org = randomUUID();
    const user = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = makeCase({ updated_at: `2026-03-0${i + 1}T00:00:00.000Z` });
      ids.push(c.id);
      await s.insertCase(c, [i % 2 === 0 ? makeParticipant(c.id, { org_id: org }) : makeParticipant(c.id, { org_id: null, user_id: user, kind: 'reporter' })], []);
    }
    const other = makeCase({ updated_at: '2026-03-09T00:00:00.000Z' });
    await s.insertCase(other, [makeParticipant(other.id, { org_id: randomUUID() })], []);
    const byOrg = await s.listCasesFor({ orgId: org, userId: null, limit: 10 });
    assert.deepEqual(byOrg.map((c) => c.id), [ids[4], ids[2], ids[0]]);
    const both = await s.listCasesFor({ orgId: org, userId: user, limit: 2 });
    assert.deepEqual(both.map((c) => c.id), [ids[4], ids[3]]);
    const next = await s.listCasesFor({ orgId: org, userId: user, limit: 10, before: { updated_at: both[1]!.updated_at, id: both[1]!.id } });
    assert.deepEqual(next.map((c) => c.id), [ids[2], ids[1], ids[0]]);
    assert.deepEqual(await s.listCasesFor({ orgId: null, userId: null, limit: 10 }), []);
    const some = await s.listParticipantsOf([ids[0]!, ids[1]!]);
    assert.deepEqual(some.map((p) => p.case_id).sort(), [ids[0], ids[1]].sort());
    assert.deepEqual(await s.listParticipantsOf([]), []);
    assert.deepEqual((await s.listCasesFor({ orgId: org, userId: null, status: 'closed', limit: 10 })), []);
  },

  'due embargoes are found by end date': async (s) => {
    const soon = makeCase({ embargo: { ...NO_EMBARGO, state: 'active', end_at: '2026-03-02T00:00:00.000Z' } });
    const later = makeCase({ embargo: { ...NO_EMBARGO, state: 'revise', end_at: '2026-03-05T00:00:00.000Z' } });
    const none = makeCase({ embargo: { ...NO_EMBARGO, state: 'exited', end_at: '2026-03-01T00:00:00.000Z' } });
    for (const c of [soon, later, none]) await s.insertCase(c, [], []);
    assert.equal(await s.nextEmbargoEnd(), '2026-03-02T00:00:00.000Z');
    assert.deepEqual((await s.listEmbargoesEndingBy('2026-03-03T00:00:00.000Z', 10)).map((c) => c.id), [soon.id]);
    assert.deepEqual((await s.listEmbargoesEndingBy('2026-03-05T00:00:00.000Z', 10)).map((c) => c.id), [soon.id, later.id]);
  },

  'an advisory version is published once, whoever races; versions are listed and logged': async (s) => {
    const a = makeAdvisory({ status: 'scheduled', scheduled_for: '2026-03-02T00:00:00.000Z' });
    await s.insertAdvisory(a);
    assert.deepEqual(await s.getAdvisory(a.id), a);
    assert.deepEqual((await s.listScheduledDue('2026-03-02T00:00:00.000Z', 10)).map((x) => x.id), [a.id]);
    assert.equal(await s.nextScheduled(), '2026-03-02T00:00:00.000Z');
    const published = { ...a, status: 'published' as const, published_versions: 1, scheduled_for: null, first_published_at: T };
    const results = await Promise.all([
      s.publishAdvisoryVersion(published, makeVersion(a, 1, T), { status: 'scheduled', published_versions: 0 }),
      s.publishAdvisoryVersion(published, makeVersion(a, 1, T), { status: 'scheduled', published_versions: 0 }).catch(() => false),
    ]);
    assert.deepEqual([...results].sort(), [false, true]);
    assert.deepEqual(await s.listScheduledDue('2027-01-01T00:00:00.000Z', 10), []);
    // an edit with a stale revision is refused
    assert.equal(await s.updateAdvisory({ ...published, draft_revision: 2 }, { draft_revision: 0, status: 'published', published_versions: 1 }), false);
    assert.equal(await s.updateAdvisory({ ...published, draft_revision: 2, status: 'draft' }, { draft_revision: 1, status: 'published', published_versions: 1 }), true);
    const v2 = { ...published, draft_revision: 2, status: 'published' as const, published_versions: 2 };
    assert.ok(await s.publishAdvisoryVersion(v2, makeVersion(a, 2, '2026-03-03T00:00:00.000Z'), { status: 'draft', published_versions: 1 }));
    assert.deepEqual((await s.listAdvisoryVersions(a.id)).map((v) => v.version), [1, 2]);
    const latest = await s.listLatestAdvisoryVersions({ limit: 10 });
    assert.deepEqual(latest.map((v) => [v.advisory_id, v.version]), [[a.id, 2]]);
    assert.deepEqual((await s.listUnloggedAdvisoryVersions(10)).map((v) => v.version), [1, 2]);
    await s.setAdvisoryLogIndex(a.id, 1, 41);
    assert.equal((await s.getAdvisoryVersion(a.id, 1))!.log_index, 41);
    assert.deepEqual((await s.listUnloggedAdvisoryVersions(10)).map((v) => v.version), [2]);
    assert.deepEqual((await s.listAdvisoryVersionsAfter({ published_at: T, advisory_id: a.id, version: 1 }, 10)).map((v) => v.version), [2]);
    assert.equal((await s.getAdvisoryByTrackingId(a.tracking_id))!.id, a.id);
  },
};

export function runDisclosureStoreContract(o: DisclosureStoreContractOptions): void {
  describe(`disclosure store contract (${o.name})`, () => {
    for (const [name, fn] of Object.entries(CASES)) {
      test(name, { skip: o.skip || false }, async () => {
        const store = await o.newStore();
        try {
          await fn(store.disclosure);
        } finally {
          await store.close();
        }
      });
    }
  });
}
