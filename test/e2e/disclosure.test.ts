/**
 * The disclosure and advisory pages in a real browser against a real `accord
 * serve` with the demo cases of `init --demo` (a finished multi-vendor case
 * with its published advisory, and an open case under embargo with Contoso
 * and Tailspin as vendors): the public report form filed anonymously and the
 * reporter's view through the secret link, hostile text in the thread, the
 * inbox countdown, unshared vendor statuses, an embargo revision proposed and
 * accepted, the advisory editor's live validation, and the public advisory
 * list and page.
 *
 * Screenshots land in test-results/screenshots/disclosure-*.png. Without
 * Chromium the suite is skipped with a reason, except in CI (CI=true).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { shot, signIn, skipWithoutChromium, startHarness, until, type Harness } from './support.js';

let h: Harness;

const DAY = 86_400_000;

function token(org: string, role = 'org-admin'): string {
  const t = h.init.demo.tokens.find((x) => x.org === org && x.role === role);
  if (!t) throw new Error(`no demo token for ${org} ${role}`);
  return t.token;
}

function demo() {
  const d = h.init.demo.disclosure;
  if (!d) throw new Error('init --demo printed no demo.disclosure');
  return d;
}

/** A page signed in as `tok` (or anonymous), opened at `path`. */
async function as(tok: string | null, path: string, fn: (page: Page) => Promise<void>): Promise<void> {
  await h.withPage(async (page) => {
    if (tok) await signIn(page, h.base, tok);
    await page.goto(`${h.base}${path}`);
    await fn(page);
  });
}

/** `YYYY-MM-DDTHH:MM` in UTC, as the embargo form's datetime-local field takes it. */
function utcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

describe('disclosure (browser)', { skip: skipWithoutChromium, timeout: 180_000 }, () => {
  before(async () => {
    h = await startHarness();
    // The demo advisory reaches the log shortly after start; its page links the entry.
    const tid = demo().published.tracking_id;
    await until(async () => (await h.apiGet<{ log_index: number | null }>(`/api/v1/advisories/${tid}`, null)).log_index !== null, 'the demo advisory in the log', 15_000);
  });

  after(async () => {
    await h?.close();
  });

  test('the public report form: field errors from the server, the 5 MiB limit, the secret link shown once, and the reporter’s view through it', async () => {
    const title = `E2E · Path traversal in the firmware upload ${Date.now()}`;
    let link = '';
    let caseId = '';
    await as(null, '/report', async (page) => {
      await page.getByText('No account needed').waitFor();
      await page.getByLabel(/^Title/).fill(title);
      await page.getByLabel(/^Description/).fill('Uploading a firmware image named ../../etc/passwd overwrites system files. Proof of concept attached.');
      const product = page.getByRole('group', { name: 'Product 1' });
      await product.getByLabel(/^Name/).fill('Contoso Device Manager');
      await product.getByLabel(/^Vendor/).fill('Demo · Contoso Cloud');
      await product.getByLabel(/^Versions/).fill('2.0 – 2.4');
      await product.getByLabel(/^Package URL/).fill('not a package url');
      await page.getByRole('button', { name: '+ Add a product' }).click();
      await page.getByRole('group', { name: 'Product 2' }).getByLabel(/^Name/).fill('Tailspin Edge Router');
      await page.getByRole('group', { name: 'Product 2' }).getByLabel(/^CPE 2\.3/).fill('cpe:2.3:o:tailspin:edge_router:5.0:*:*:*:*:*:*:*');

      await page.getByRole('button', { name: /^Vendors:/ }).click();
      await page.getByRole('group', { name: 'Vendors' }).getByRole('checkbox', { name: /Contoso Cloud/ }).check();
      await page.keyboard.press('Escape');
      await page.locator('.chip-list').getByText('Demo · Contoso Cloud').waitFor();

      await page.locator('input[name="credit"]').fill('E2E Researcher');
      await page.locator('input[name="reporter-name"]').fill('E2E Researcher');
      await page.locator('input[name="reporter-email"]').fill('e2e.researcher@researcher.example');

      // More than 5 MiB is refused before anything is sent; a small file is kept with its size.
      const files = page.locator('#report-files');
      await files.setInputFiles({ name: 'huge-dump.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
      assert.match(await page.getByTestId('file-error').innerText(), /huge-dump\.bin is 5\.0 MiB; an attachment may be at most 5 MiB/);
      await files.setInputFiles({ name: 'poc.txt', mimeType: 'text/plain', buffer: Buffer.from('POST /upload?name=../../etc/passwd\n') });
      await page.getByRole('table', { name: 'Files to attach' }).getByText('poc.txt').waitFor();
      assert.match(await page.getByRole('table', { name: 'Files to attach' }).innerText(), /poc\.txt\s+35 bytes/);
      assert.equal(await page.getByText('huge-dump.bin', { exact: true }).count(), 0);

      // The server refuses the package URL; its message appears next to the field.
      await page.getByRole('button', { name: 'Submit report' }).click();
      const purlError = product.locator('.field-error');
      await purlError.waitFor();
      assert.ok((await purlError.innerText()).length > 5);
      assert.equal(await product.getByLabel(/^Package URL/).getAttribute('aria-invalid'), 'true');
      await shot(page, 'disclosure-report');

      await product.getByLabel(/^Package URL/).fill('pkg:npm/contoso-device-manager@2.4.0');
      await page.getByRole('button', { name: 'Submit report' }).click();
      const receipt = page.getByTestId('report-receipt');
      await receipt.waitFor();
      assert.match(await receipt.getByTestId('case-number').innerText(), /^CASE-\d{4}-\d{4}$/);
      await receipt.getByText('Keep this link: it is shown only once').waitFor();
      link = await page.getByLabel('Your secret case link').inputValue();
      const m = new RegExp(`^${h.base.replace(/\./g, '\\.')}/cases/([0-9a-f-]{36})#link=acccase_[A-Za-z0-9_-]+$`).exec(link);
      assert.ok(m, `a case link with the secret in the fragment: ${link}`);
      caseId = m[1]!;
      await receipt.getByRole('button', { name: 'Copy' }).waitFor();
      await shot(page, 'disclosure-report-receipt');
    });

    // The link in a fresh browser (no session): the reporter's view of the case.
    const hostile = `<script>alert("xss")</script><img src=x onerror="alert('img');window.__pwned=1"> & "quotes" 'too'`;
    await h.withPage(async (page) => {
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(link);
      await page.getByTestId('case-title').getByText(title).waitFor();
      await page.getByText('Opened with a secret case link as E2E Researcher').waitFor();
      // The secret leaves the address bar once kept for the tab.
      await until(async () => !page.url().includes('#link='), 'the fragment dropped from the URL');
      assert.match(await page.getByTestId('participants').innerText(), /Reporter\s+E2E Researcher\s*you/);
      assert.match(await page.getByTestId('participants').innerText(), /Vendor\s+Demo · Contoso Cloud/);
      await page.getByTestId('attachments').getByText('poc.txt').waitFor();

      // Hostile text in the thread is shown as text: nothing runs, nothing is parsed as markup.
      await page.getByLabel('Message', { exact: true }).fill(hostile);
      await page.getByRole('button', { name: 'Post message' }).click();
      const body = page.getByTestId('message-body').filter({ hasText: 'alert("xss")' });
      await body.waitFor();
      assert.equal(await body.innerText(), hostile);
      assert.equal(await page.getByTestId('messages').locator('img, script').count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.deepEqual(dialogs, []);
      await shot(page, 'disclosure-case-reporter');
      // Reloading keeps the case open for this tab (the link is in sessionStorage, not the URL).
      await page.reload();
      await page.getByTestId('case-title').getByText(title).waitFor();
    });
    // The coordinator sees the same text, inert, in its own view.
    await as(h.init.admin_token, `/cases/${caseId}`, async (page) => {
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.getByTestId('message-body').filter({ hasText: 'alert("xss")' }).waitFor();
      assert.deepEqual(dialogs, []);
      assert.match(await page.getByTestId('participants').innerText(), /e2e\.researcher@researcher\.example/);
    });
  });

  test('the inbox as Contoso’s org-admin: the embargoed demo case with its live countdown, role, report state and facts', async () => {
    const { embargoed, published } = demo();
    await as(token('demo-contoso-cloud'), '/cases', async (page) => {
      const row = page.getByTestId('case-row').filter({ hasText: embargoed.case_number });
      await row.waitFor();
      const countdown = row.getByTestId('countdown');
      const text = await countdown.innerText();
      const m = /^(\d+) d (\d+) h left$/.exec(text);
      assert.ok(m, `a countdown in days and hours: ${text}`);
      const days = Math.floor((Date.parse(embargoed.embargo_end) - Date.now()) / DAY);
      assert.ok(Math.abs(Number(m[1]) - days) <= 1, `${text} ≈ ${days} days`);
      assert.doesNotMatch((await countdown.getAttribute('class')) ?? '', /countdown-urgent/, 'not red with 38 days to go');
      assert.match(await row.innerText(), /Authentication bypass[\s\S]*Vendor[\s\S]*accepted[\s\S]*Active/);
      assert.match(await row.getByTestId('fact-badges').innerText(), /Vendor aware/);
      // The closed case is under "Closed".
      assert.equal(await page.getByTestId('case-row').filter({ hasText: published.case_number }).count(), 0);
      await shot(page, 'disclosure-inbox');
      await page.getByRole('button', { name: 'Closed', exact: true }).click();
      await page.waitForURL(/status=closed/);
      const closed = page.getByTestId('case-row').filter({ hasText: published.case_number });
      await closed.waitFor();
      assert.match(await closed.getByTestId('fact-badges').innerText(), /Public/);
      // The embargo filter narrows the loaded cases.
      await page.getByRole('button', { name: 'All', exact: true }).click();
      await until(async () => (await page.getByTestId('case-row').count()) >= 2, 'both demo cases');
      await page.getByLabel('Embargo').selectOption('active');
      await until(async () => (await page.getByTestId('case-row').count()) === 1, 'only the embargoed case');
    });
  });

  test('vendor statuses: Tailspin’s unshared status reaches the coordinator but not Contoso; an outsider joins by case link', async () => {
    const { embargoed } = demo();
    let outsiderLink = '';
    await as(token('demo-tailspin'), `/cases/${embargoed.case_id}`, async (page) => {
      const form = page.getByRole('form', { name: 'Your status' });
      await form.getByRole('radio', { name: 'Affected', exact: true }).check();
      await form.getByLabel(/^Versions/).fill('5.0 – 5.2');
      await form.getByLabel(/^Statement/).fill('Fix planned for 5.3.');
      const share = form.getByRole('checkbox', { name: /Share with the other participants/ });
      assert.equal(await share.isChecked(), false, 'statuses are not shared unless asked');
      await form.getByRole('button', { name: /^(Set|Update) status$/ }).click();
      await page.getByText('Status saved; only the coordinator sees it.').waitFor();
      const mine = page.getByTestId('matrix-row').filter({ hasText: 'Tailspin' }).locator('[data-vendor-status="affected"]');
      await mine.waitFor();
      assert.match(await mine.innerText(), /Affected[\s\S]*not shared/);
      // Contoso's shared status is visible to Tailspin.
      await page.getByTestId('matrix-row').filter({ hasText: 'Contoso' }).locator('[data-vendor-status="affected"]').waitFor();
      await shot(page, 'disclosure-case-vendor');
    });
    await as(token('demo-contoso-cloud'), `/cases/${embargoed.case_id}`, async (page) => {
      const tailspin = page.getByTestId('matrix-row').filter({ hasText: 'Tailspin' });
      await tailspin.waitFor();
      assert.equal(await tailspin.locator('[data-vendor-status]').count(), 0, 'Contoso does not see Tailspin’s unshared status');
      assert.match(await tailspin.innerText(), /—/);
      assert.doesNotMatch(await page.getByTestId('timeline').innerText(), /Tailspin Networks set its status/);
      assert.doesNotMatch(await page.locator('main').innerText(), /Fix planned for 5\.3/);
    });
    await as(h.init.admin_token, `/cases/${embargoed.case_id}`, async (page) => {
      const tailspin = page.getByTestId('matrix-row').filter({ hasText: 'Tailspin' }).locator('[data-vendor-status="affected"]');
      await tailspin.waitFor();
      assert.match(await tailspin.innerText(), /not shared/);
      await page.getByTestId('timeline').getByText(/private/).first().waitFor();
      await page.getByTestId('coordinator-tools').waitFor();
      await shot(page, 'disclosure-case-coordinator');

      // An outsider by e-mail: their case link is shown once, to pass on.
      const tools = page.getByTestId('coordinator-tools');
      await tools.getByLabel(/^As/).selectOption('stakeholder');
      await tools.getByLabel(/^Who/).selectOption('email');
      await tools.getByLabel(/^E-mail/).fill('psirt@outsider.example');
      await tools.getByLabel(/^Name/).fill('Outsider CERT (e2e)');
      await tools.getByRole('button', { name: 'Add stakeholder' }).click();
      const box = page.getByTestId('outsider-link');
      await box.getByText('Case link for Outsider CERT (e2e): shown once').waitFor();
      outsiderLink = await box.getByLabel('Their secret case link').inputValue();
      assert.match(outsiderLink, new RegExp(`/cases/${embargoed.case_id}#link=acccase_`));
      await page.getByTestId('participants').getByText('Outsider CERT (e2e)').waitFor();
    });
    // The outsider opens the case with it and sees shared statuses only.
    await h.withPage(async (page) => {
      await page.goto(outsiderLink);
      await page.getByText('Opened with a secret case link as Outsider CERT (e2e)').waitFor();
      assert.match(await page.locator('.page-meta').innerText(), /Stakeholder/);
      await page.getByTestId('matrix-row').filter({ hasText: 'Contoso' }).locator('[data-vendor-status="affected"]').waitFor();
      assert.equal(await page.getByTestId('matrix-row').filter({ hasText: 'Tailspin' }).locator('[data-vendor-status]').count(), 0);
      // A stakeholder has no status form, no coordinator tools, and cannot accept embargoes.
      assert.equal(await page.getByRole('form', { name: 'Your status' }).count(), 0);
      assert.equal(await page.getByTestId('coordinator-tools').count(), 0);
    });
  });

  test('embargo: Contoso proposes a shorter end, Tailspin and the coordinator accept, and the countdown turns red', async () => {
    const { embargoed } = demo();
    const end = Date.now() + 5 * DAY + 3 * 3_600_000;
    await as(token('demo-contoso-cloud'), `/cases/${embargoed.case_id}`, async (page) => {
      const box = page.getByTestId('embargo-box');
      await box.locator('input[type="datetime-local"]').fill(utcInput(end));
      await box.getByRole('button', { name: 'Propose', exact: true }).click();
      const proposal = box.getByTestId('embargo-proposal');
      await proposal.waitFor();
      assert.equal(await box.locator('[data-embargo]').first().getAttribute('data-embargo'), 'revise');
      assert.equal(await proposal.getByTestId('acceptance-count').innerText(), '1 of 3 accepted');
      // The proposer has accepted already; it may still withdraw by rejecting.
      assert.equal(await proposal.getByRole('button', { name: /^Accept/ }).count(), 0);
      await proposal.getByRole('button', { name: 'Reject' }).waitFor();
      await shot(page, 'disclosure-embargo-proposal');
    });
    await as(token('demo-tailspin'), `/cases/${embargoed.case_id}`, async (page) => {
      const proposal = page.getByTestId('embargo-proposal');
      await proposal.getByRole('button', { name: 'Accept revision' }).click();
      await until(async () => (await proposal.getByTestId('acceptance-count').innerText()) === '2 of 3 accepted', 'Tailspin’s acceptance');
    });
    await as(h.init.admin_token, `/cases/${embargoed.case_id}`, async (page) => {
      const box = page.getByTestId('embargo-box');
      await box.getByTestId('embargo-proposal').getByRole('button', { name: 'Accept revision' }).click();
      await until(async () => (await box.getByTestId('embargo-proposal').count()) === 0, 'the revision in force');
      assert.equal(await box.locator('[data-embargo]').first().getAttribute('data-embargo'), 'active');
      assert.equal(await box.getByTestId('embargo-end').innerText(), `${utcInput(end).replace('T', ' ')} UTC`);
      const countdown = box.getByTestId('countdown');
      assert.match(await countdown.innerText(), /^5 d [23] h left$/);
      assert.match((await countdown.getAttribute('class')) ?? '', /countdown-urgent/, 'red in the last 7 days');
    });
  });

  test('the advisory editor: live validation of a broken draft, a valid one, a save conflict, a vendor’s approval and a publication scheduled for the embargo end', async () => {
    const { embargoed } = demo();
    const path = `/cases/${embargoed.case_id}/advisory`;
    await as(h.init.admin_token, path, async (page) => {
      await page.getByRole('button', { name: 'Create the draft from the case' }).click();
      const editor = page.getByTestId('draft-editor');
      await editor.waitFor();
      const badge = page.getByTestId('validation-badge');
      // The draft made from the case has products without versions: the model says so, with paths.
      await until(async () => (await badge.getAttribute('data-state')) === 'invalid', 'problems in the first draft');
      assert.match(await badge.innerText(), /^\d+ problems?$/);
      const problems = page.getByTestId('problems');
      assert.match(await problems.innerText(), /\/products\/0\s+line \d+\s+model\s+needs "versions" or "ranges"/);
      // A problem's path jumps to its line in the editor.
      const first = problems.getByTestId('problem').filter({ hasText: 'needs "versions" or "ranges"' }).first();
      const line = Number(/line (\d+)/.exec(await first.innerText())?.[1]);
      await first.getByRole('button', { name: '/products/0' }).click();
      assert.equal(await editor.evaluate((ta: HTMLTextAreaElement) => ta.value.slice(0, ta.selectionStart).split('\n').length), line);
      assert.match(await editor.evaluate((ta: HTMLTextAreaElement) => ta.value.slice(ta.selectionStart, ta.selectionEnd)), /^\s*\{$/);
      await shot(page, 'disclosure-advisory-invalid');

      // Broken JSON is caught in the browser, with its line.
      const draft = JSON.parse(await editor.inputValue()) as { products: { versions: { version: string }[]; cpe?: string }[] };
      await editor.fill('{\n  "title": "x",\n  oops\n}');
      await until(async () => (await badge.innerText()) === 'JSON syntax error', 'the syntax error badge');
      assert.match(await page.getByTestId('json-error').innerText(), /line 3/);

      // Versions and an identifier for every product: valid CSAF 2.0 and OSV.
      for (const p of draft.products) p.versions = [{ version: '2.4' }];
      draft.products[0]!.cpe = 'cpe:2.3:a:contoso:device_manager:*:*:*:*:*:*:*:*';
      await editor.fill(JSON.stringify(draft, null, 2));
      await until(async () => (await badge.getAttribute('data-state')) === 'valid', 'the valid badge');
      assert.match(await badge.innerText(), /valid CSAF 2\.0 \+ OSV/);
      await page.getByRole('tab', { name: 'OSV' }).click();
      assert.match(await page.getByLabel('Rendered osv').innerText(), /"schema_version"/);
      await page.getByRole('tab', { name: 'CSAF 2.0' }).click();
      await shot(page, 'disclosure-advisory-valid');

      await page.getByRole('button', { name: 'Save revision' }).click();
      await until(async () => (await page.getByTestId('draft-revision').innerText()) === '2', 'revision 2');
      assert.equal(await page.getByTestId('approval-count').innerText(), '0 of 2');

      // Someone else saves revision 3 while this editor has unsaved edits: saving is refused (409), and the page says to reload.
      await until(async () => (await editor.inputValue()).includes('"2.4"'), 'the saved draft in the editor');
      const saved = await h.apiGet<{ draft: Record<string, unknown> }>(`/api/v1/cases/${embargoed.case_id}/advisory`, h.init.admin_token);
      await h.apiSend('PUT', `/api/v1/cases/${embargoed.case_id}/advisory`, h.init.admin_token, { draft: { ...saved.draft, summary: 'Edited elsewhere.' }, revision: 2 });
      await editor.fill((await editor.inputValue()).replace('"lang": "en"', '"lang": "en-GB"'));
      await page.getByRole('button', { name: 'Save revision' }).click();
      await page.getByText('The draft changed meanwhile').waitFor();
      await page.getByRole('button', { name: 'Reload the draft' }).click();
      await until(async () => (await page.getByTestId('draft-revision').innerText()) === '3', 'revision 3 loaded');
      assert.match(await editor.inputValue(), /Edited elsewhere\./);
      assert.equal(await page.getByText('The draft changed meanwhile').count(), 0);
      // Publication waits for the vendors.
      assert.equal(await page.getByRole('button', { name: 'Schedule for the embargo end' }).isDisabled(), true);
    });
    await as(token('demo-contoso-cloud'), path, async (page) => {
      await page.getByTestId('validation-badge').and(page.locator('[data-state="valid"]')).waitFor();
      assert.equal(await page.getByTestId('draft-editor').getAttribute('readonly'), '');
      await page.getByRole('button', { name: 'Approve revision 3' }).click();
      await until(async () => (await page.getByTestId('approval-count').innerText()) === '1 of 2', 'Contoso’s approval');
      await shot(page, 'disclosure-advisory-vendor');
    });
    await h.apiSend('POST', `/api/v1/cases/${embargoed.case_id}/advisory/approve`, token('demo-tailspin'), { revision: 3 });
    await as(h.init.admin_token, path, async (page) => {
      await until(async () => (await page.getByTestId('approval-count').innerText()) === '2 of 2', 'both approvals');
      const publish = page.getByRole('button', { name: 'Schedule for the embargo end' });
      await until(async () => !(await publish.isDisabled()), 'the publish button enabled');
      await page.getByLabel(/^Revision summary/).fill('Initial public release.');
      await publish.click();
      await page.getByText(/^Scheduled for \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/).first().waitFor();
      await until(async () => (await page.locator('[data-advisory-status]').getAttribute('data-advisory-status')) === 'scheduled', 'the scheduled status');
    });
    // Scheduled is not published: the public list still has the demo advisory only.
    const list = await h.apiGet<{ items: { tracking_id: string }[] }>('/api/v1/advisories', null);
    assert.deepEqual(
      list.items.map((i) => i.tracking_id),
      [demo().published.tracking_id],
    );
  });

  test('the public advisory list and page of the demo advisory, with downloads and the log entry', async () => {
    const { tracking_id } = demo().published;
    await as(null, '/advisories', async (page) => {
      const row = page.getByTestId('advisory-row').filter({ hasText: tracking_id });
      await row.waitFor();
      assert.match(await row.innerText(), /Heap overflow[\s\S]*CRITICAL[\s\S]*9\.8[\s\S]*CVE-2026-31337/);
      await page.getByTestId('severity-chart').waitFor();
      await shot(page, 'disclosure-advisories');

      await row.getByRole('link', { name: tracking_id }).click();
      await page.waitForURL(new RegExp(`/advisories/${tracking_id}$`));
      await page.getByTestId('advisory-title').waitFor();
      assert.match(await page.getByTestId('advisory-summary').innerText(), /over-long HTTP header/);
      const status = page.getByTestId('product-status');
      assert.match(await status.innerText(), /Contoso Edge\s+3\.1[\s\S]*Affected/);
      assert.match(await status.innerText(), /nw-widget\s+1\.3\.0[\s\S]*Fixed/);
      await page.locator('.remediation').getByText('Upgrade nw-widget to 1.3.0 or later.').waitFor();

      const downloads = page.getByTestId('downloads');
      const hrefs = await downloads.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert.deepEqual(hrefs, [`/api/v1/advisories/${tracking_id}/csaf`, `/api/v1/advisories/${tracking_id}/osv`, `/api/v1/advisories/${tracking_id}/cve`]);
      // The CSAF download is the exact bytes whose SHA-256 the page shows.
      const csaf = Buffer.from(await (await fetch(`${h.base}${hrefs[0]}`)).arrayBuffer());
      assert.equal(createHash('sha256').update(csaf).digest('hex'), await page.getByTestId('csaf-sha256').innerText());
      const osv = (await (await fetch(`${h.base}${hrefs[1]}`)).json()) as { aliases?: string[] }[];
      assert.deepEqual(osv[0]?.aliases, ['CVE-2026-31337']);
      await page.getByText('mirrors this advisory').waitFor();
      await shot(page, 'disclosure-advisory');

      const log = page.getByTestId('log-entry-link');
      const index = Number(/#(\d+)$/.exec(await log.innerText())?.[1]);
      assert.ok(Number.isInteger(index));
      await log.click();
      await page.waitForURL(new RegExp(`/ledger/entries/${index}$`));
    });
  });
});
