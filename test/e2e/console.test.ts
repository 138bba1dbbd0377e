/**
 * The web console in a real browser (system Chromium through playwright-core)
 * against a real `accord serve` with `init --demo` data: the pages people use
 * for the registry, driven the way people use them (labels, buttons, keyboard).
 *
 * Each test opens its own browser context (so its own sessionStorage) and sets
 * up what it needs, so the tests do not depend on one another's order. Screenshots
 * of the main pages land in test-results/screenshots/ for design review.
 *
 * Without Chromium the suite is skipped with a reason, except in CI (CI=true),
 * where a missing browser fails the run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { VIEWPORT, shot, signIn as signInAt, skipWithoutChromium, startHarness, until, type DemoInit, type Harness } from './support.js';

let h: Harness | null = null;
let base = '';
let init: DemoInit;

describe('web console (browser)', { skip: skipWithoutChromium, timeout: 180_000 }, () => {
  before(async () => {
    h = await startHarness();
    base = h.base;
    init = h.init;
  });

  after(async () => {
    await h?.close();
  });

  test('the directory lists the five demo signatories and the filters narrow it', async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/`);
      const rows = page.getByTestId('signatory-row');
      // Another test may admit a member; the five demo signatories are there whatever the order.
      const demoRows = rows.filter({ has: page.locator('.badge-demo') });
      await until(async () => (await demoRows.count()) === 5, 'five demo signatory rows');
      for (const slug of init.demo.signatories) assert.equal(await page.locator(`a[href="/signatories/${slug}"]`).count(), 1, slug);
      const total = await rows.count();
      await page.getByTestId('progress').getByText('Members').waitFor();
      await page.getByText('Endorsements by pledge').waitFor();
      await shot(page, 'directory');

      await page.getByLabel('Filter signatories').fill('fabrikam');
      await until(async () => (await rows.count()) === 1, 'one row for "fabrikam"');
      assert.match(await rows.first().innerText(), /Fabrikam/);
      assert.match(await page.getByTestId('directory-count').innerText(), new RegExp(`^1 of ${total} signatories match`));

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await until(async () => (await rows.count()) === total, 'all rows after clearing');
      await page.getByLabel('Sector').selectOption('Networking');
      await until(async () => (await rows.count()) === 1, 'one Networking signatory');
      assert.match(await rows.first().innerText(), /Tailspin/);
      await page.getByLabel('Sector').selectOption('');
      await page.getByLabel('Country').selectOption('JP');
      await until(async () => (await rows.count()) === 1, 'one signatory in Japan');
      assert.match(await rows.first().innerText(), /Fabrikam/);
      // Filters live in the URL, so a filtered view can be shared.
      assert.match(page.url(), /country=JP/);
    });
  });

  test("a signatory's page shows its profile, dated pledges and release keys", async () => {
    // Two release keys for Northwind, one of them revoked.
    const pem = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const active = await apiSend<{ key_id: string }>('POST', '/api/v1/orgs/demo-northwind/keys', init.admin_token, { name: 'Release signing 2026', public_key: pem() });
    const old = await apiSend<{ id: string; key_id: string }>('POST', '/api/v1/orgs/demo-northwind/keys', init.admin_token, { name: 'Release signing 2025', public_key: pem() });
    await apiSend('DELETE', `/api/v1/orgs/demo-northwind/keys/${old.id}?reason=rotated`, init.admin_token);
    await withPage(async (page) => {
      await page.goto(`${base}/`);
      await page.getByRole('link', { name: 'Demo · Northwind Security' }).click();
      await page.waitForURL(/\/signatories\/demo-northwind$/);
      await page.getByRole('heading', { name: /Northwind Security/ }).waitFor();
      const pledges = page.getByTestId('pledge-row');
      await until(async () => (await pledges.count()) === 5, 'five pledges');
      assert.match(await pledges.first().innerText(), /\d{4}-\d{2}-\d{2}/, 'pledges carry their endorsement date');
      const keys = page.getByRole('table', { name: 'Release-signing keys' });
      await keys.getByText('Release signing 2026').waitFor();
      const activeRow = keys.getByRole('row').filter({ hasText: 'Release signing 2026' });
      assert.match(await activeRow.innerText(), /ed25519/);
      assert.match(await activeRow.innerText(), new RegExp(active.key_id.slice(0, 16)));
      assert.match(await activeRow.innerText(), /active/);
      assert.match(await keys.getByRole('row').filter({ hasText: 'Release signing 2025' }).innerText(), /revoked \d{4}-\d{2}-\d{2}/);
      await page.getByRole('link', { name: /demo-northwind\.example\/security\/cvd-policy/ }).waitFor();
      await shot(page, 'signatory');

      await page.goto(`${base}/signatories/no-such-org`);
      await page.getByTestId('problem-detail').waitFor();
    });
  });

  test('the application form shows field errors inline, then the receipt', async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/apply`);
      await page.getByLabel('Organisation name').fill('Example Secure Systems');
      await page.getByLabel('Website').fill('https://secure-systems.example');
      await page.getByLabel('Country').fill('nl');
      assert.equal(await page.getByLabel('Country').inputValue(), 'NL', 'country codes are upper-cased as typed');
      await page.getByLabel('Sector').fill('Embedded software');
      await page.getByLabel('Size').selectOption('50-249');
      await page.getByLabel('Contact name').fill('Ada Example');
      await page.getByLabel('Contact e-mail').fill('not-an-email');
      await page.getByLabel('Why do you want to join?').fill('We ship firmware and want to coordinate disclosure with the coalition.');
      await page.getByRole('button', { name: 'Submit application' }).click();

      const email = page.getByLabel('Contact e-mail');
      await until(async () => (await email.getAttribute('aria-invalid')) === 'true', 'the e-mail field marked invalid');
      await page.locator('.field-invalid').getByText('must be an e-mail address').waitFor();
      assert.equal(await page.locator('.field-invalid').count(), 1, 'only the e-mail field is in error');
      assert.ok(await email.evaluate((el) => el === document.activeElement), 'focus moves to the first invalid field');
      await shot(page, 'apply-errors');

      await email.fill('security@secure-systems.example');
      await page.getByRole('button', { name: 'Submit application' }).click();
      const id = (await page.getByTestId('application-id').innerText()).trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      await shot(page, 'apply-success');

      const view = await apiGet<{ application: { org_name: string; status: string; pledges: string[] } }>(`/api/v1/applications/${id}`, init.admin_token);
      assert.equal(view.application.org_name, 'Example Secure Systems');
      assert.equal(view.application.status, 'submitted');
      assert.equal(view.application.pledges.length, 5, 'every pledge is ticked by default');
    });
  });

  test('sign-in shows the API error for a bad token; the admin then sees the review list', async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/sign-in`);
      await page.getByLabel('API token').fill('accord_not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('problem-detail').getByText('The token is not valid').waitFor();

      await page.getByLabel('API token').fill(init.admin_token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/applications$/);
      const session = page.getByTestId('session');
      await session.getByText('Secretariat admin').waitFor();
      assert.match(await session.innerText(), /Accord secretariat/);
      assert.match(await session.innerText(), /admin/);

      const rows = page.getByTestId('application-row');
      await rows.filter({ hasText: 'Demo · Litware Industrial' }).waitFor();
      await page.getByRole('link', { name: 'Audit trail' }).waitFor();
      await shot(page, 'review-list');

      await page.getByRole('link', { name: 'Voting', exact: true }).click();
      await page.waitForURL(/status=voting/);
      await until(async () => {
        const statuses = await page.locator('[data-testid="application-row"] [data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
        return statuses.length > 0 && statuses.every((st) => st === 'voting');
      }, 'only applications in their vote');
      await rows.filter({ hasText: 'Demo · Litware Industrial' }).waitFor();
      // Whatever became of it, the other demo application is under "All".
      await page.getByRole('link', { name: 'All', exact: true }).click();
      await rows.filter({ hasText: 'Demo · Woodgrove Payments' }).waitFor();

      // The session survives a reload of the tab, and signing out forgets it.
      await page.reload();
      await session.getByText('Secretariat admin').waitFor();
      await session.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('accord.token')), null);
    });
  });

  test('the secretariat rejects the pending application with a reason', async () => {
    const id = init.demo.pending_application_id;
    await withPage(async (page) => {
      await signIn(page, init.admin_token);
      await page.goto(`${base}/applications/${id}`);
      await page.getByRole('heading', { name: /Woodgrove Payments/ }).waitFor();
      await page.getByText('security@woodgrove.example').waitFor();
      await shot(page, 'review-detail');

      await page.getByRole('button', { name: 'Reject…' }).click();
      // An empty reason is refused by the API; its field error shows at the field.
      await page.getByRole('button', { name: 'Reject application' }).click();
      await page.locator('.field-invalid').getByText('is required').waitFor();
      await page.getByLabel('Reason for rejection').fill('Demo: the applicant has no published CVD process yet.');
      await page.getByRole('button', { name: 'Reject application' }).click();
      await page.locator('.page-header [data-status="rejected"]').waitFor();
      await page.getByTestId('decision-reason').getByText('no published CVD process').waitFor();
      await shot(page, 'review-rejected');
    });
    const view = await apiGet<{ application: { status: string; decision_reason: string } }>(`/api/v1/applications/${id}`, init.admin_token);
    assert.equal(view.application.status, 'rejected');
    assert.match(view.application.decision_reason, /no published CVD process/);
  });

  test("a member's org-admin votes once; a second vote shows the API's error", async () => {
    const id = init.demo.voting_application_id;
    const fabrikam = orgAdmins().find((t) => t.org === 'demo-fabrikam')!;
    await withPage(async (first, context) => {
      // Two tabs of the same org-admin, both opened before either votes.
      const second = await context.browser()!.newContext({ viewport: VIEWPORT }).then((c) => c.newPage());
      try {
        for (const p of [first, second]) {
          await signIn(p, fabrikam.token);
          await p.goto(`${base}/applications/${id}`);
          await p.getByRole('heading', { name: /Litware Industrial/ }).waitFor();
          await p.getByRole('button', { name: 'Cast vote' }).waitFor();
        }
        // While the vote is open, members see who voted but not how.
        assert.ok((await first.locator('table[aria-label="Votes"] .pill', { hasText: 'hidden' }).count()) >= 3);
        assert.equal(await first.getByText(/^Yes \d/).count(), 0, 'no tally for members while voting');
        await first.getByText('Visible to the secretariat only').waitFor();
        await shot(first, 'vote');

        await first.getByLabel('Yes', { exact: true }).check();
        await first.getByLabel('Reason').fill('Demo: strong PSIRT and a clear motivation.');
        await first.getByRole('button', { name: 'Cast vote' }).click();
        await first.getByText('You voted yes for Demo · Fabrikam Devices').waitFor();
        await shot(first, 'vote-cast');

        await second.getByLabel('No', { exact: true }).check();
        await second.getByRole('button', { name: 'Cast vote' }).click();
        await second.getByTestId('problem-detail').getByText('Your organisation has already voted on this application.').waitFor();
        await second.getByText('Demo · Fabrikam Devices has voted').waitFor();
        await shot(second, 'vote-twice');
      } finally {
        await second.context().close();
      }
    });
    const view = await apiGet<{ votes: { org_id: string; choice: string }[] }>(`/api/v1/applications/${id}`, init.admin_token);
    const me = await apiGet<{ org: { id: string } }>('/api/v1/me', fabrikam.token);
    assert.deepEqual(
      view.votes.filter((v) => v.org_id === me.org.id).map((v) => v.choice),
      ['yes'],
      'exactly one vote, the first',
    );
  });

  test('closing a vote admits the applicant and shows the invitation secret once', async () => {
    // An application of its own, taken to the end of its vote through the API.
    const receipt = await apiSend<{ id: string }>('POST', '/api/v1/applications', null, {
      org_name: 'Example Firmware Works',
      country: 'FI',
      sector: 'Firmware',
      size_band: '250-999',
      website: 'https://firmware-works.example',
      contact_name: 'Erkki Example',
      contact_email: 'psirt@firmware-works.example',
      motivation: 'We sign our firmware and want it in the ledger.',
      pledges: ['strong-defense', 'no-offense'],
    });
    await apiSend('POST', `/api/v1/applications/${receipt.id}/sponsor`, orgAdmins()[0]!.token);
    await apiSend('POST', `/api/v1/applications/${receipt.id}/open-vote`, init.admin_token, {});
    for (const t of orgAdmins()) await apiSend('POST', `/api/v1/applications/${receipt.id}/votes`, t.token, { choice: 'yes' });

    let secret = '';
    await withPage(async (page) => {
      await signIn(page, init.admin_token);
      await page.goto(`${base}/applications/${receipt.id}`);
      await page.getByText('5 of 5 members voted').waitFor();
      await page.getByRole('button', { name: 'Close vote' }).click();
      await page.getByRole('button', { name: 'Close vote and decide' }).click();
      await page.getByTestId('admission').waitFor();
      secret = await page.getByTestId('invitation-secret').getByRole('textbox').inputValue();
      assert.ok(secret.length > 20);
      await page.locator('.page-header [data-status="admitted"]').waitFor();
      await shot(page, 'admission');
    });
    const accepted = await apiSend<{ user: { role: string; email: string } }>('POST', '/api/v1/invitations/accept', null, { token: secret, name: 'Erkki Example' });
    assert.equal(accepted.user.role, 'org-admin');
    assert.equal(accepted.user.email, 'psirt@firmware-works.example');
  });

  test('an invitation is accepted in the browser and its token works on /api/v1/me', async () => {
    const { token: invitation } = await apiSend<{ token: string }>('POST', '/api/v1/orgs/demo-tailspin/invitations', init.admin_token, {
      email: 'new.analyst@demo-tailspin.example',
      role: 'analyst',
    });
    await withPage(async (page) => {
      await page.goto(`${base}/invitations/accept#token=${encodeURIComponent(invitation)}`);
      assert.equal(await page.getByLabel('Invitation token').inputValue(), invitation, 'the link fills in the token');
      assert.ok(!page.url().includes(invitation), 'the secret is removed from the address bar');
      await page.getByLabel('Your name').fill('Nia Analyst');
      await shot(page, 'invitation');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      const token = await page.getByTestId('new-token').getByRole('textbox').inputValue();
      assert.match(token, /^accord_/);
      await page.getByText('Copy your API token now').waitFor();
      await shot(page, 'invitation-accepted');

      const me = await apiGet<{ user: { email: string; name: string; role: string }; org: { slug: string } }>('/api/v1/me', token);
      assert.equal(me.user.email, 'new.analyst@demo-tailspin.example');
      assert.equal(me.user.role, 'analyst');
      assert.equal(me.org.slug, 'demo-tailspin');

      await page.getByRole('button', { name: 'Sign in with this token' }).click();
      await page.getByTestId('session').getByText('Nia Analyst').waitFor();

      // The same invitation cannot be used twice; the page says why.
      await page.goto(`${base}/invitations/accept#token=${encodeURIComponent(invitation)}`);
      await page.getByLabel('Your name').fill('Someone Else');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.getByTestId('problem-detail').getByText('already accepted').waitFor();
    });
  });

  test('the audit trail lists events and filters them by type', async () => {
    await withPage(async (page) => {
      await signIn(page, init.admin_token);
      await page.goto(`${base}/audit`);
      const rows = page.getByTestId('audit-row');
      await until(async () => (await rows.count()) > 10, 'audit events');
      await shot(page, 'audit', false);
      await page.getByLabel('Event type').selectOption('application.submitted');
      await page.waitForURL(/type=application\.submitted/);
      await until(async () => {
        const types = await page.locator('[data-testid="audit-row"] .event-type').allInnerTexts();
        return types.length >= 2 && types.every((t) => t === 'application.submitted');
      }, 'only application.submitted events');
    });
  });

  test('every pillar has pages of its own (no placeholder left), and pages that need a session ask for one', async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/`);
      await page.getByRole('navigation', { name: 'Pillars' }).getByRole('link', { name: 'Match' }).click();
      await page.waitForURL(/\/check\/logs$/);
      await page.getByRole('heading', { name: 'Check my logs' }).waitFor();
      await page.getByRole('navigation', { name: 'Match' }).getByRole('link', { name: 'Check my SBOM' }).waitFor();
      for (const p of ['match', 'intel', 'advisories', 'ledger', 'releases']) {
        await page.goto(`${base}/${p}`);
        await page.locator('h1').first().waitFor();
        assert.equal(await page.getByTestId('pillar-placeholder').count(), 0, `/${p} shows a placeholder`);
      }
      // Pages that need a session ask for one rather than failing.
      await page.goto(`${base}/applications`);
      await page.getByText('Sign in required').waitFor();
    });
  });
});

function withPage(fn: (page: Page, context: BrowserContext) => Promise<void>): Promise<void> {
  return h!.withPage(fn);
}

/** The demo's org-admins, one per member organisation: they sponsor and vote. */
function orgAdmins(): DemoInit['demo']['tokens'] {
  return init.demo.tokens.filter((t) => t.role === 'org-admin');
}

function signIn(page: Page, token: string): Promise<void> {
  return signInAt(page, base, token);
}

function apiGet<T>(path: string, token: string): Promise<T> {
  return h!.apiGet<T>(path, token);
}

function apiSend<T = unknown>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  return h!.apiSend<T>(method, path, token, body);
}
