/**
 * `accord case …` and `accord advisory …` end to end: a real `accord serve`
 * and the compiled CLI take a report from an anonymous finder through a
 * multi-vendor embargo (a signatory and an outsider acting through the case
 * link) to an advisory that the server's own scheduler publishes when the
 * embargo ends, exported and validated offline by the CLI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliJson, ensureBuilt, startServer, tempDir, type Server } from './helpers.js';
import { validDraft } from '../http/disclosure-support.js';

const tmp = tempDir('accord-cli-cases-');
let srv: Server;
let admin: string;
let nw: string;

before(
  async () => {
    await ensureBuilt();
    const dir = join(tmp.path, 'data');
    const init = await cli(['init', '--data', dir, '--demo'], { timeoutMs: 60_000 });
    assert.equal(init.code, 0, init.stderr);
    const out = JSON.parse(init.stdout) as { admin_token: string; demo: { tokens: { org: string; role: string; token: string }[] } };
    admin = out.admin_token;
    nw = out.demo.tokens.find((t) => t.org === 'demo-northwind' && t.role === 'org-admin')!.token;
    srv = await startServer(dir, { ACCORD_PUBLIC_URL: 'https://accord.test' });
  },
  { timeout: 180_000 },
);
after(async () => {
  await srv?.stop();
  tmp.cleanup();
});

describe('accord case and accord advisory', { timeout: 180_000 }, () => {
  test('a report travels through an embargo to a published, valid advisory', async () => {
    const reported = await cli(['--server', srv.url, 'case', 'report', '--title', 'Overflow in nw-widget', '--description', 'An over-long header overflows the parser buffer.', '--purl', 'pkg:npm/nw-widget@1.2.0', '--vendor', 'demo-northwind', '--credit', 'R. Searcher']);
    assert.equal(reported.code, 0, reported.stderr);
    const link = /case link \(keep it secret, it is shown once\): (acccase_\S+)/.exec(reported.stdout)?.[1];
    const caseId = /\(case ([0-9a-f-]{36})\)/.exec(reported.stdout)?.[1];
    assert.ok(link && caseId, reported.stdout);

    const inbox = await cliJson<{ items: { id: string; you: { kind: string } }[] }>(srv.url, admin, ['case', 'list']);
    assert.equal(inbox.items.find((c) => c.id === caseId)?.you.kind, 'coordinator');
    const table = await cli(['--server', srv.url, '--token', nw, 'case', 'list']);
    assert.match(table.stdout, /CASE-\d{4}-\d{4}/);

    await cliJson(srv.url, admin, ['case', 'add-vuln', caseId, '--title', 'Heap overflow', '--description', 'Over-long header.', '--cve', 'CVE-2026-31337', '--cwe', 'CWE-122:Heap-based Buffer Overflow', '--cvss', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']);
    const invited = await cliJson<{ link_secret: string }>(srv.url, admin, ['case', 'add-vendor', caseId, '--email', 'psirt@outsider.example', '--name', 'Outsider']);
    assert.match(invited.link_secret, /^acccase_/);
    const bad = await cli(['--server', srv.url, '--token', nw, 'case', 'add-vendor', caseId, '--org', 'demo-fabrikam']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /403 CASE_FORBIDDEN/);

    // The embargo ends shortly (long enough for the approvals below on a loaded machine): the server's scheduler must publish then, not before.
    const end = new Date(Date.now() + 30_000).toISOString();
    await cliJson(srv.url, admin, ['case', 'embargo', 'propose', caseId, end]);
    await cliJson(srv.url, nw, ['case', 'embargo', 'accept', caseId]);
    const active = await cliJson<{ state: string }>(srv.url, null, ['case', '--link', invited.link_secret, 'embargo', 'accept', caseId]);
    assert.equal(active.state, 'active');

    const draftFile = join(tmp.path, 'draft.json');
    writeFileSync(draftFile, JSON.stringify(validDraft()));
    const draft = await cliJson<{ draft_revision: number; tracking_id: string }>(srv.url, admin, ['case', 'advisory', caseId, '--create', '--draft', draftFile]);
    assert.equal(draft.draft_revision, 2);
    const preview = await cli(['--server', srv.url, '--token', nw, 'case', 'advisory', caseId, '--preview']);
    assert.equal(preview.code, 0, preview.stdout + preview.stderr);
    assert.match(preview.stdout, /renders as valid CSAF 2\.0 and OSV/);
    await cliJson(srv.url, nw, ['case', 'approve', caseId, '2']);
    await cliJson(srv.url, null, ['case', '--link', invited.link_secret, 'approve', caseId, '2']);
    const scheduled = await cli(['--server', srv.url, '--token', admin, 'case', 'publish', caseId]);
    assert.equal(scheduled.code, 0, scheduled.stderr);
    assert.match(scheduled.stdout, /^Scheduled: ACCORD-\d{4}-\d{4} will be published at the embargo end/);
    const ours = async () => (await cliJson<{ items: { tracking_id: string; published_at: string }[] }>(srv.url, null, ['advisory', 'list'])).items.filter((a) => a.tracking_id === draft.tracking_id);
    assert.deepEqual(await ours(), [], 'nothing public before the end');

    assert.ok(Date.now() < Date.parse(end), 'the approvals took longer than the embargo: the test cannot show scheduling');
    const deadline = Date.parse(end) + 30_000;
    let items: { tracking_id: string; published_at: string }[] = [];
    while (Date.now() < deadline && items.length === 0) {
      await new Promise((r) => setTimeout(r, 500));
      items = await ours();
    }
    assert.equal(items.length, 1, 'the scheduler published at the embargo end');
    assert.ok(Date.parse(items[0]!.published_at) >= Date.parse(end), 'not a moment before the end');
    assert.ok(Date.parse(items[0]!.published_at) < Date.parse(end) + 5_000, 'and promptly after it');

    const csafFile = join(tmp.path, 'advisory.json');
    const exported = await cli(['--server', srv.url, 'advisory', 'export', draft.tracking_id, '--format', 'csaf', '-o', csafFile]);
    assert.equal(exported.code, 0, exported.stderr);
    const valid = await cli(['advisory', 'validate', csafFile]);
    assert.equal(valid.code, 0, valid.stdout);
    assert.match(valid.stdout, /valid CSAF 2\.0/);
    const osv = JSON.parse((await cli(['--server', srv.url, 'advisory', 'export', draft.tracking_id, '--format', 'osv'])).stdout) as unknown[];
    const osvFile = join(tmp.path, 'osv.json');
    writeFileSync(osvFile, JSON.stringify(osv[0]));
    assert.equal((await cli(['advisory', 'validate', osvFile])).code, 0);
    const broken = JSON.parse(JSON.stringify(osv[0])) as { affected: { ranges: { events: unknown[] }[] }[] };
    broken.affected[0]!.ranges[0]!.events = [];
    writeFileSync(osvFile, JSON.stringify(broken));
    const invalid = await cli(['advisory', 'validate', osvFile]);
    assert.equal(invalid.code, 1, 'a broken OSV record is refused');
    const shown = await cliJson<{ versions: number[]; log_index: number | null }>(srv.url, null, ['advisory', 'show', draft.tracking_id]);
    assert.deepEqual(shown.versions, [1]);
  });
});
