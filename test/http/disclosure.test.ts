/**
 * Coordinated disclosure through the whole HTTP stack: a public report, a
 * multi-vendor embargo (signatories and an invited outsider), statuses with
 * and without sharing, the thread, attachments, the advisory from draft to
 * a publication that happens exactly at the embargo's end — never before —
 * and the published CSAF/OSV documents checked by the reference validators.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoToken, startHarness, type Harness } from './harness.js';
import { createTestDatabase, pgAvailability, type TestDatabase } from '../store/pg-harness.js';
import { problem, reportBody, validDraft } from './disclosure-support.js';
import { createHash } from 'node:crypto';
import { validateCsaf, validateOsv, validateProviderMetadata } from '../../src/advisory/validate.js';
import { verifyDetached } from '../../src/advisory/provider.js';

const DAY = 86_400_000;

function disclosureSuite(store: string, start: () => Promise<{ h: Harness; cleanup(): Promise<void> }>): void {
describe(`coordinated disclosure over HTTP (${store})`, () => {
  let h: Harness;
  let cleanup: () => Promise<void>;
  let admin: string;
  let nw: string;
  let contoso: string;
  let fabrikam: string;
  let nwAnalyst: string;
  let caseId: string;
  let reporterLink: string;
  let outsiderLink: string;
  let vulnId: string;
  let tid: string;

  before(async () => {
    ({ h, cleanup } = await start());
    admin = h.init.admin_token;
    nw = demoToken(h.init, 'demo-northwind');
    contoso = demoToken(h.init, 'demo-contoso-cloud');
    fabrikam = demoToken(h.init, 'demo-fabrikam');
    nwAnalyst = demoToken(h.init, 'demo-northwind', 'analyst');
  });
  after(async () => {
    await h.close();
    await cleanup();
  });

  const asLink = (link: string) => ({ headers: { 'x-accord-case-link': link } });

  test('an anonymous report creates a case and a secret link shown once', async () => {
    const r = await h.call('POST', '/api/v1/reports', { body: reportBody() });
    assert.equal(r.statusCode, 201, r.body);
    const body = r.json();
    assert.match(body.number, /^CASE-\d{4}-\d{4}$/);
    assert.match(body.link_secret, /^acccase_/);
    assert.equal(body.case_url, `/cases/${body.case_id}#link=${body.link_secret}`);
    caseId = body.case_id;
    reporterLink = body.link_secret;
    const view = (await h.call('GET', `/api/v1/cases/${caseId}`, asLink(reporterLink))).json();
    assert.deepEqual(view.participants.map((p: { kind: string }) => p.kind).sort(), ['coordinator', 'reporter', 'vendor', 'vendor']);
    assert.ok(view.facts.vendor_aware, 'naming signatory vendors makes them aware');
    assert.equal(view.products[0].purl, 'pkg:npm/nw-widget@1.2.0');
    const me = view.participants.find((p: { is_you: boolean }) => p.is_you);
    assert.equal(me.email, 'r.searcher@example.org', 'the reporter sees their own contact');
  });

  test('nothing of a case is visible outside its participants, and a wrong link is "no such case"', async () => {
    problem(await h.call('GET', `/api/v1/cases/${caseId}`), 401, 'AUTH_REQUIRED');
    problem(await h.call('GET', `/api/v1/cases/${caseId}`, { token: fabrikam }), 404, 'CASE_NOT_FOUND');
    problem(await h.call('GET', `/api/v1/cases/${caseId}`, { token: nwAnalyst }), 404, 'CASE_NOT_FOUND');
    problem(await h.call('GET', `/api/v1/cases/${caseId}`, asLink('acccase_wrong')), 404, 'CASE_NOT_FOUND');
    problem(await h.call('GET', '/api/v1/cases/00000000-0000-4000-8000-000000000000', { token: admin }), 404, 'CASE_NOT_FOUND');
    const inbox = (await h.call('GET', '/api/v1/cases', { token: fabrikam })).json();
    assert.ok(!inbox.items.some((c: { id: string }) => c.id === caseId));
    const nwInbox = (await h.call('GET', '/api/v1/cases', { token: nw })).json();
    const mine = nwInbox.items.find((c: { id: string }) => c.id === caseId);
    assert.equal(mine.you.kind, 'vendor');
    assert.equal(mine.you.report_state, 'received');
    const view = (await h.call('GET', `/api/v1/cases/${caseId}`, { token: nw })).json();
    const reporter = view.participants.find((p: { kind: string }) => p.kind === 'reporter');
    assert.equal(reporter.email, null, "vendors do not see the reporter's address");
    assert.equal(reporter.report_state, null);
  });

  test('the coordinator describes the vulnerability and invites an outside vendor with a link', async () => {
    problem(await h.call('POST', `/api/v1/cases/${caseId}/vulnerabilities`, { token: nw, body: { title: 'x', description: 'y' } }), 403, 'CASE_FORBIDDEN');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/vulnerabilities`, { token: admin, body: { title: 'x', description: 'y', cve: 'CVE-26-1' } }), 400, 'VALIDATION_FAILED');
    const v = await h.call('POST', `/api/v1/cases/${caseId}/vulnerabilities`, {
      token: admin,
      body: { title: 'Heap overflow', description: 'Over-long header.', cve: 'CVE-2026-31337', cwe: { id: 'CWE-122', name: 'Heap-based Buffer Overflow' }, cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } },
    });
    assert.equal(v.statusCode, 201, v.body);
    vulnId = v.json().id;
    const p = await h.call('POST', `/api/v1/cases/${caseId}/participants`, { token: admin, body: { kind: 'vendor', email: 'psirt@outsider.example', name: 'Outsider Ltd' } });
    assert.equal(p.statusCode, 201, p.body);
    outsiderLink = p.json().link_secret;
    assert.match(outsiderLink, /^acccase_/);
    problem(await h.call('POST', `/api/v1/cases/${caseId}/participants`, { token: admin, body: { kind: 'vendor', org: 'demo-northwind' } }), 409, 'CASE_CONFLICT');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/participants`, { token: nw, body: { kind: 'vendor', org: 'demo-fabrikam' } }), 403, 'CASE_FORBIDDEN');
    const view = (await h.call('GET', `/api/v1/cases/${caseId}`, asLink(outsiderLink))).json();
    assert.equal(view.you[0].kind, 'vendor');
  });

  test('report states follow the report-management model', async () => {
    problem(await h.call('PUT', `/api/v1/cases/${caseId}/report-state`, { token: nw, body: { state: 'accepted' } }), 409, 'REPORT_STATE_INVALID');
    for (const state of ['valid', 'accepted']) assert.equal((await h.call('PUT', `/api/v1/cases/${caseId}/report-state`, { token: nw, body: { state } })).statusCode, 200);
    problem(await h.call('PUT', `/api/v1/cases/${caseId}/report-state`, { token: nw, body: { state: 'received' } }), 409, 'REPORT_STATE_INVALID');
  });

  test('the embargo needs the coordinator and every vendor, refuses illegal moves and ends no later than the maximum', async () => {
    const now = h.clock.now().getTime();
    problem(await h.call('POST', `/api/v1/cases/${caseId}/embargo/accept`, { token: nw }), 409, 'EMBARGO_TRANSITION_INVALID');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/embargo/propose`, { token: admin, body: { end_at: new Date(now + 91 * DAY).toISOString() } }), 400, 'EMBARGO_END_INVALID');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/embargo/propose`, { token: admin, body: { end_at: new Date(now - DAY).toISOString() } }), 400, 'EMBARGO_END_INVALID');
    const end = new Date(now + 30 * DAY).toISOString();
    const proposed = (await h.call('POST', `/api/v1/cases/${caseId}/embargo/propose`, { token: admin, body: { end_at: end } })).json();
    assert.equal(proposed.state, 'proposed');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/embargo/accept`, asLink(reporterLink)), 403, 'CASE_FORBIDDEN');
    assert.equal((await h.call('POST', `/api/v1/cases/${caseId}/embargo/accept`, { token: nw })).json().state, 'proposed');
    assert.equal((await h.call('POST', `/api/v1/cases/${caseId}/embargo/accept`, { token: contoso })).json().state, 'proposed');
    const active = (await h.call('POST', `/api/v1/cases/${caseId}/embargo/accept`, asLink(outsiderLink))).json();
    assert.equal(active.state, 'active');
    assert.equal(active.end_at, end);
    problem(await h.call('POST', `/api/v1/cases/${caseId}/embargo/accept`, { token: nw }), 409, 'EMBARGO_TRANSITION_INVALID');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/embargo/reject`, { token: nw }), 409, 'EMBARGO_TRANSITION_INVALID');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/embargo/terminate`, { token: nw }), 403, 'CASE_FORBIDDEN');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/close`, { token: admin }), 409, 'CASE_CONFLICT');
  });

  test('a vendor status reaches other participants only when shared', async () => {
    const set = (token: string, status: string, shared: boolean) => h.call('PUT', `/api/v1/cases/${caseId}/vulnerabilities/${vulnId}/status`, { token, body: { status, shared } });
    assert.equal((await set(nw, 'affected', false)).statusCode, 200);
    assert.equal((await set(contoso, 'fixed', true)).statusCode, 200);
    problem(await set(admin, 'affected', true), 403, 'CASE_FORBIDDEN');
    problem(await h.call('PUT', `/api/v1/cases/${caseId}/vulnerabilities/${vulnId}/status`, { token: nw, body: { status: 'affected', shared: true, justification: 'component_not_present' } }), 400, 'VALIDATION_FAILED');
    const seen = async (opts: { token?: string; headers?: Record<string, string> }) => {
      const v = (await h.call('GET', `/api/v1/cases/${caseId}`, opts)).json();
      const names = new Map(v.participants.map((p: { id: string; name: string }) => [p.id, p.name]));
      return { statuses: v.statuses.map((s: { participant_id: string }) => names.get(s.participant_id)).sort(), timeline: v.timeline.filter((e: { kind: string }) => e.kind === 'status.set').length };
    };
    assert.deepEqual((await seen({ token: admin })).statuses, ['Demo · Contoso Cloud', 'Demo · Northwind Security']);
    assert.deepEqual((await seen({ token: nw })).statuses, ['Demo · Contoso Cloud', 'Demo · Northwind Security']);
    assert.deepEqual((await seen({ token: contoso })).statuses, ['Demo · Contoso Cloud'], "Northwind's unshared status is hidden from Contoso");
    assert.deepEqual((await seen(asLink(reporterLink))).statuses, ['Demo · Contoso Cloud']);
    assert.equal((await seen(asLink(reporterLink))).timeline, 1, 'the timeline does not leak the unshared status either');
    assert.equal((await seen({ token: admin })).timeline, 2);
    const facts = (await h.call('GET', `/api/v1/cases/${caseId}`, { token: admin })).json().facts;
    assert.ok(facts.fix_ready, 'a fixed status means a fix is ready');
  });

  test('the thread keeps hostile text verbatim; attachments are size-limited and served as downloads', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const m = await h.call('POST', `/api/v1/cases/${caseId}/messages`, { ...asLink(reporterLink), body: { body: hostile } });
    assert.equal(m.statusCode, 201, m.body);
    const thread = (await h.call('GET', `/api/v1/cases/${caseId}`, { token: nw })).json().messages;
    assert.equal(thread.at(-1).body, hostile);
    const a = await h.call('POST', `/api/v1/cases/${caseId}/attachments`, { ...asLink(reporterLink), body: { filename: '../../etc/<poc>.html', media_type: 'text/html', content_base64: Buffer.from('<h1>poc</h1>').toString('base64') } });
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(a.json().filename, '_poc_.html');
    const dl = await h.call('GET', `/api/v1/cases/${caseId}/attachments/${a.json().id}`, { token: contoso });
    assert.equal(dl.statusCode, 200);
    assert.equal(dl.headers['content-type'], 'application/octet-stream');
    assert.match(String(dl.headers['content-disposition']), /^attachment;/);
    assert.equal(dl.headers['x-content-type-options'], 'nosniff');
    assert.equal(dl.body, '<h1>poc</h1>');
    problem(await h.call('GET', `/api/v1/cases/${caseId}/attachments/${a.json().id}`, { token: fabrikam }), 404, 'CASE_NOT_FOUND');
    const big = Buffer.alloc(5 * 1024 * 1024 + 1).toString('base64');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/attachments`, { ...asLink(reporterLink), body: { filename: 'big.bin', media_type: 'application/octet-stream', content_base64: big } }), 413, 'ATTACHMENT_TOO_LARGE');
    problem(await h.call('POST', `/api/v1/cases/${caseId}/attachments`, { ...asLink(reporterLink), body: { filename: 'x', media_type: 'x/y', content_base64: 'not base64!' } }), 400, 'VALIDATION_FAILED');
  });

  test('the advisory is approved per revision, validated, scheduled under embargo and published exactly at its end', async () => {
    problem(await h.call('POST', `/api/v1/cases/${caseId}/advisory`, { token: nw }), 403, 'CASE_FORBIDDEN');
    const created = await h.call('POST', `/api/v1/cases/${caseId}/advisory`, { token: admin });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().tracking_id, `ACCORD-${created.json().tracking_id.slice(7)}`);
    // The first draft is incomplete (products without versions): the preview says so, and publication is refused.
    const preview0 = (await h.call('POST', `/api/v1/cases/${caseId}/advisory/preview`, { token: admin, body: {} })).json();
    assert.ok(preview0.problems.length > 0);
    const saved = await h.call('PUT', `/api/v1/cases/${caseId}/advisory`, { token: admin, body: { draft: validDraft(), revision: 1 } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().draft_revision, 2);
    problem(await h.call('PUT', `/api/v1/cases/${caseId}/advisory`, { token: admin, body: { draft: validDraft(), revision: 1 } }), 409, 'CASE_CONFLICT');
    // The draft is the coordinator's and the vendors' until publication: the reporter sees its state, not its content.
    const asReporter = (await h.call('GET', `/api/v1/cases/${caseId}/advisory`, asLink(reporterLink))).json();
    assert.equal(asReporter.draft_revision, 2);
    assert.deepEqual(asReporter.draft, {});
    problem(await h.call('POST', `/api/v1/cases/${caseId}/advisory/preview`, { ...asLink(reporterLink), body: {} }), 403, 'CASE_FORBIDDEN');
    const preview = (await h.call('POST', `/api/v1/cases/${caseId}/advisory/preview`, { token: nw, body: {} })).json();
    assert.deepEqual(preview.problems, []);
    const refused = problem(await h.call('POST', `/api/v1/cases/${caseId}/advisory/publish`, { token: admin, body: {} }), 409, 'PUBLICATION_REFUSED');
    assert.match(refused.detail, /Northwind/);
    problem(await h.call('POST', `/api/v1/cases/${caseId}/advisory/approve`, { token: nw, body: { revision: 1 } }), 409, 'CASE_CONFLICT');
    for (const who of [{ token: nw }, { token: contoso }, asLink(outsiderLink)]) {
      const r = await h.call('POST', `/api/v1/cases/${caseId}/advisory/approve`, { ...who, body: { revision: 2 } });
      assert.equal(r.statusCode, 200, r.body);
    }
    problem(await h.call('POST', `/api/v1/cases/${caseId}/advisory/approve`, { ...asLink(reporterLink), body: { revision: 2 } }), 403, 'CASE_FORBIDDEN');
    const scheduled = await h.call('POST', `/api/v1/cases/${caseId}/advisory/publish`, { token: admin, body: {} });
    assert.equal(scheduled.statusCode, 202, scheduled.body);
    const end = scheduled.json().advisory.scheduled_for;
    const view = (await h.call('GET', `/api/v1/cases/${caseId}`, { token: admin })).json();
    assert.equal(end, view.embargo.end_at);

    // Nothing goes out before the end, whatever is called.
    h.clock.advanceDays(29);
    await h.ctx.scheduler.runNow();
    tid = scheduled.json().advisory.tracking_id;
    const listed = async () => (await h.call('GET', '/api/v1/advisories')).json().items.filter((a: { tracking_id: string }) => a.tracking_id === tid);
    assert.deepEqual(await listed(), []);
    const again = await h.call('POST', `/api/v1/cases/${caseId}/advisory/publish`, { token: admin, body: {} });
    assert.equal(again.statusCode, 202, 'asking again only keeps it scheduled');
    assert.equal(again.json().version, null);
    problem(await h.call('GET', `/api/v1/advisories/${tid}`), 404);

    h.clock.advanceDays(1.01);
    // A run already under way may have read the clock before it moved: the second run is a fresh one.
    await h.ctx.scheduler.runNow();
    await h.ctx.scheduler.runNow();
    const list = await listed();
    assert.equal(list.length, 1);
    assert.deepEqual(list[0].cves, ['CVE-2026-31337']);
    assert.equal(list[0].severity, 'CRITICAL');
    const after = (await h.call('GET', `/api/v1/cases/${caseId}`, { token: admin })).json();
    assert.equal(after.embargo.state, 'exited');
    assert.equal(after.embargo.exit_reason, 'ended');
    assert.equal(after.embargo.exited_at, end, 'the embargo ended at its end date');
    assert.ok(after.facts.public);
    assert.ok(after.timeline.some((e: { kind: string }) => e.kind === 'advisory.published'));

    const csaf = await h.call('GET', `/api/v1/advisories/${tid}/csaf`);
    assert.equal(csaf.statusCode, 200);
    const doc = JSON.parse(csaf.body);
    assert.deepEqual(await validateCsaf(doc), [], 'the published CSAF passes the strict schema and every mandatory test');
    assert.equal(doc.document.tracking.id, tid);
    assert.equal(doc.document.tracking.status, 'final');
    assert.equal(doc.document.tracking.revision_history.length, 1);
    const osv = JSON.parse((await h.call('GET', `/api/v1/advisories/${tid}/osv`)).body) as unknown[];
    assert.ok(osv.length >= 1);
    for (const r of osv) assert.deepEqual(validateOsv(r), []);
    const feed = (await h.call('GET', '/api/v1/osv')).body.trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    assert.ok(feed.some((r) => r.id === (osv[0] as { id: string }).id), 'the OSV feed carries the new record');
    for (const r of feed) assert.deepEqual(validateOsv(r), []);
    const cve = await h.call('GET', `/api/v1/advisories/${tid}/cve`);
    assert.equal(cve.statusCode, 200);
    assert.equal(JSON.parse(cve.body).cveMetadata.cveId, 'CVE-2026-31337');

    // The exact bytes are logged.
    await h.ctx.ledger.integrate();
    const detail = (await h.call('GET', `/api/v1/advisories/${tid}`)).json();
    assert.equal(typeof detail.log_index, 'number');
    const entry = await h.call('GET', `/api/v1/log/entries/${detail.log_index}`);
    assert.equal(entry.statusCode, 200, entry.body);
  });

  test('an update is a new version; the first stays as it was', async () => {
    const first = (await h.call('GET', `/api/v1/advisories/${tid}/csaf?version=1`)).body;
    const cur = (await h.call('GET', `/api/v1/cases/${caseId}/advisory`, { token: admin })).json();
    const draft = validDraft();
    (draft as { summary: string }).summary = 'Updated: Contoso Edge 3.2 is confirmed fixed.';
    const saved = await h.call('PUT', `/api/v1/cases/${caseId}/advisory`, { token: admin, body: { draft, revision: cur.draft_revision } });
    assert.equal(saved.statusCode, 200, saved.body);
    const rev = saved.json().draft_revision;
    for (const who of [{ token: nw }, { token: contoso }, asLink(outsiderLink)]) assert.equal((await h.call('POST', `/api/v1/cases/${caseId}/advisory/approve`, { ...who, body: { revision: rev } })).statusCode, 200);
    h.clock.advanceDays(1);
    const r = await h.call('POST', `/api/v1/cases/${caseId}/advisory/publish`, { token: admin, body: { summary: 'Confirmed the Contoso fix.' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().version.version, 2);
    const detail = (await h.call('GET', `/api/v1/advisories/${tid}`)).json();
    assert.deepEqual(detail.versions, [1, 2]);
    assert.deepEqual(detail.csaf.document.tracking.revision_history.map((x: { number: string; summary: string }) => [x.number, x.summary]), [['1', 'Initial public release.'], ['2', 'Confirmed the Contoso fix.']]);
    assert.deepEqual(await validateCsaf(detail.csaf), []);
    assert.equal((await h.call('GET', `/api/v1/advisories/${tid}/csaf?version=1`)).body, first, 'version 1 is never changed');
  });

  test('the CSAF provider lists the published document with hashes and a signature aggregators can check', async () => {
    const meta = await h.call('GET', '/.well-known/csaf/provider-metadata.json');
    assert.equal(meta.statusCode, 200, meta.body);
    assert.deepEqual(await validateProviderMetadata(meta.json()), []);
    assert.equal(meta.json().canonical_url, 'https://accord.test/.well-known/csaf/provider-metadata.json');
    const index = (await h.call('GET', '/.well-known/csaf/white/index.txt')).body;
    const path = index.trim().split('\n').find((l) => l.endsWith(`/${tid.toLowerCase()}.json`))!;
    assert.match(path, /^\d{4}\/accord-\d{4}-\d{4}\.json$/);
    const changes = (await h.call('GET', '/.well-known/csaf/white/changes.csv')).body;
    assert.match(changes, new RegExp(`^"${path.replace('.', '\\.')}","\\d{4}-`));
    const feedUrl = meta.json().distributions.find((d: { rolie?: unknown }) => d.rolie).rolie.feeds[0].url as string;
    const feed = (await h.call('GET', new URL(feedUrl).pathname)).json();
    const entry = feed.feed.entry.find((e: { id: string }) => e.id === tid);
    assert.equal(entry.content.src, `https://accord.test/.well-known/csaf/white/${path}`);
    const doc = await h.call('GET', `/.well-known/csaf/white/${path}`);
    assert.equal(doc.statusCode, 200);
    const sha = (await h.call('GET', `/.well-known/csaf/white/${path}.sha256`)).body;
    assert.equal(sha, `${createHash('sha256').update(doc.rawPayload).digest('hex')}  ${path.split('/')[1]}\n`);
    const sha512 = (await h.call('GET', `/.well-known/csaf/white/${path}.sha512`)).body;
    assert.ok(sha512.startsWith(createHash('sha512').update(doc.rawPayload).digest('hex')));
    const asc = (await h.call('GET', `/.well-known/csaf/white/${path}.asc`)).body;
    const key = await h.call('GET', new URL(meta.json().public_openpgp_keys[0].url).pathname);
    assert.equal(key.statusCode, 200);
    assert.equal(await verifyDetached(doc.rawPayload, asc, key.body), true);
    const tampered = Buffer.from(doc.rawPayload);
    tampered[10] = tampered[10]! ^ 1;
    assert.equal(await verifyDetached(tampered, asc, key.body), false);
    problem(await h.call('GET', `/.well-known/csaf/white/1999/${path.split('/')[1]}`), 404);
    problem(await h.call('GET', '/.well-known/csaf/white/2026/..%2f..%2fetc.json'), 404);
    const sec = (await h.call('GET', '/.well-known/security.txt')).body;
    assert.match(sec, /^CSAF: https:\/\/accord\.test\/\.well-known\/csaf\/provider-metadata\.json$/m);
  });

  test('details going public ends an embargo at once, and no embargo can start afterwards', async () => {
    const r = (await h.call('POST', '/api/v1/reports', { token: nw, body: reportBody({ vendors: ['demo-contoso-cloud'], reporter: undefined }) })).json();
    assert.equal(r.link_secret, null, 'a signed-in reporter needs no link');
    const id = r.case_id;
    const end = new Date(h.clock.now().getTime() + 10 * DAY).toISOString();
    await h.call('POST', `/api/v1/cases/${id}/embargo/propose`, { token: admin, body: { end_at: end } });
    const active = (await h.call('POST', `/api/v1/cases/${id}/embargo/accept`, { token: contoso })).json();
    assert.equal(active.state, 'active');
    const facts = await h.call('POST', `/api/v1/cases/${id}/facts`, { token: contoso, body: { fact: 'exploit_public' } });
    assert.equal(facts.statusCode, 200, facts.body);
    const v = (await h.call('GET', `/api/v1/cases/${id}`, { token: nw })).json();
    assert.equal(v.you[0].kind, 'reporter');
    assert.equal(v.embargo.state, 'exited');
    assert.equal(v.embargo.exit_reason, 'exploit_public');
    problem(await h.call('POST', `/api/v1/cases/${id}/embargo/propose`, { token: admin, body: { end_at: end } }), 409, 'EMBARGO_TRANSITION_INVALID');
    problem(await h.call('POST', `/api/v1/cases/${id}/facts`, { token: nw, body: { fact: 'fix_deployed' } }), 403, 'CASE_FORBIDDEN');
  });

  test('hostile report forms get clear 4xx and store nothing', async () => {
    const before = (await h.call('GET', '/api/v1/cases', { token: admin })).json().items.length;
    problem(await h.call('POST', '/api/v1/reports', { body: reportBody({ title: 'x'.repeat(301) }) }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/reports', { body: reportBody({ products: [{ name: 'x', purl: 'pkg:/bogus' }] }) }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/reports', { body: reportBody({ products: [{ name: 'x', cpe: 'cpe:/bogus and more' }] }) }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/reports', { body: reportBody({ vendors: ['no-such-vendor'] }) }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/reports', { body: reportBody({ evil: true }) }), 400, 'VALIDATION_FAILED');
    problem(await h.call('POST', '/api/v1/reports', { body: reportBody({ reporter: { email: 'not an address' } }) }), 400, 'VALIDATION_FAILED');
    const huge = Buffer.alloc(5 * 1024 * 1024 + 10).toString('base64');
    problem(await h.call('POST', '/api/v1/reports', { body: reportBody({ attachments: [{ filename: 'a', media_type: 'text/plain', content_base64: huge }] }) }), 413);
    problem(await h.call('POST', '/api/v1/reports', { payload: '{"title": ', headers: { 'content-type': 'application/json' } }), 400);
    assert.equal((await h.call('GET', '/api/v1/cases', { token: admin })).json().items.length, before, 'nothing half-stored');
  });
});
}

const PUBLIC = { ACCORD_PUBLIC_URL: 'https://accord.test' };
disclosureSuite('SQLite', async () => ({ h: await startHarness({ env: PUBLIC }), cleanup: async () => {} }));

const pgSkip = await pgAvailability();
if (pgSkip === false) {
  let db: TestDatabase | undefined;
  disclosureSuite('PostgreSQL', async () => {
    db = await createTestDatabase();
    return { h: await startHarness({ env: { ...PUBLIC, ACCORD_DATABASE_URL: db.url } }), cleanup: async () => db?.drop() };
  });
} else {
  describe('coordinated disclosure over HTTP (PostgreSQL)', { skip: pgSkip }, () => {
    test('skipped', () => {});
  });
}
