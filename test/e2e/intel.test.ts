/**
 * The Intel pages in a real browser against a real `accord serve` with the
 * demo intel of `init --demo` (every TLP level, three authors, a sharing
 * group): search and filters, the activity chart, an object's page with its
 * ledger commitment checked in the browser, recording a sighting, TLP as
 * different organisations see it, collections, sharing groups and a bundle
 * upload followed to its status.
 *
 * Screenshots land in test-results/screenshots/intel-*.png. Without Chromium
 * the suite is skipped with a reason, except in CI (CI=true), where it fails.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { shot, signIn, skipWithoutChromium, startHarness, until, type Harness } from './support.js';

let h: Harness;

interface Summary {
  id: string;
  type: string;
  tlp: string;
  object: { name?: string };
}

const STRICT_NAME = 'Demo · Internal red-team infrastructure';
const SCANNER_NAME = 'Demo · Scanner hitting VPN gateways';
const UPDATE_SERVER_NAME = 'Demo · NotReallyPetya update server';

function token(org: string, role: string): string {
  const t = h.init.demo.tokens.find((x) => x.org === org && x.role === role);
  if (!t) throw new Error(`no demo token for ${org} ${role}`);
  return t.token;
}

/** The id of a demo object by name, as its author sees it. */
async function idOf(name: string, as: string): Promise<string> {
  const page = await h.apiGet<{ items: Summary[] }>('/api/v1/intel/objects?limit=500', as);
  const hit = page.items.find((s) => s.object.name === name);
  if (!hit) throw new Error(`demo object ${name} not found`);
  return hit.id;
}

const rows = (page: Page) => page.getByTestId('intel-row');

async function rowTlps(page: Page): Promise<string[]> {
  return rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-tlp') ?? ''));
}

describe('intel (browser)', { skip: skipWithoutChromium, timeout: 180_000 }, () => {
  before(async () => {
    h = await startHarness();
    // The demo intel reaches the log shortly after start; object pages show its entry.
    const id = await idOf(SCANNER_NAME, token('demo-northwind', 'analyst'));
    await until(async () => (await h.apiGet<{ ledger: unknown }>(`/api/v1/intel/objects/${id}`, null)).ledger !== null, 'the demo intel in the log', 15_000);
  });

  after(async () => {
    await h?.close();
  });

  test('search by value, filter by TLP and type, and the activity chart', async () => {
    const nw = token('demo-northwind', 'analyst');
    await h.withPage(async (page) => {
      await signIn(page, h.base, nw);
      await page.getByRole('navigation', { name: 'Pillars' }).getByRole('link', { name: 'Intel' }).click();
      await page.waitForURL(/\/intel$/);
      const all = await h.apiGet<{ items: Summary[] }>('/api/v1/intel/objects?limit=50', nw);
      await until(async () => (await rows(page).count()) === all.items.length, 'every object Northwind may read');
      const chart = page.getByTestId('activity-chart');
      await chart.waitFor();
      // The chart counts what the caller may read: all of the demo intel was added today.
      const activity = await h.apiGet<{ items: { count: number }[] }>('/api/v1/intel/activity?days=30', nw);
      const total = activity.items.reduce((n, i) => n + i.count, 0);
      assert.match((await chart.locator('svg').first().getAttribute('aria-label')) ?? '', new RegExp(`^${total} objects added in the last 30 days: TLP:CLEAR \\d+`));
      await page.getByTestId('type-breakdown').getByRole('button', { name: 'indicator' }).waitFor();
      await shot(page, 'intel-search');

      // An exact value search finds the CLEAR scanner indicator (the IP is in its pattern).
      await page.getByLabel('Observable or indicator value').fill('198.51.100.23');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(/q=198\.51\.100\.23/);
      await until(async () => (await rows(page).count()) === 1, 'one hit for 198.51.100.23');
      assert.match(await rows(page).first().innerText(), /TLP:CLEAR[\s\S]*indicator[\s\S]*Scanner hitting VPN gateways[\s\S]*198\.51\.100\.23/);
      assert.deepEqual(await rowTlps(page), ['CLEAR']);

      // TLP chips: GREEN only, then GREEN and AMBER+STRICT; the URL carries the filter.
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await until(async () => (await rows(page).count()) === all.items.length, 'the unfiltered list again');
      await page.getByRole('button', { name: 'TLP:GREEN', exact: true }).click();
      await page.waitForURL(/tlp=GREEN/);
      const green = (await h.apiGet<{ items: Summary[] }>('/api/v1/intel/objects?tlp=GREEN&limit=50', nw)).items.length;
      const greenAndStrict = (await h.apiGet<{ items: Summary[] }>('/api/v1/intel/objects?tlp=GREEN,AMBER%2BSTRICT&limit=50', nw)).items.length;
      await until(async () => (await rowTlps(page)).length === green && (await rowTlps(page)).every((t) => t === 'GREEN'), 'GREEN rows only');
      assert.equal(await page.getByRole('button', { name: 'TLP:GREEN', exact: true }).getAttribute('aria-pressed'), 'true');
      await page.getByRole('button', { name: 'TLP:AMBER+STRICT', exact: true }).click();
      await until(async () => (await rowTlps(page)).length === greenAndStrict, 'GREEN and AMBER+STRICT objects');
      await rows(page).filter({ hasText: STRICT_NAME }).waitFor();

      // Type multi-select: malware only.
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByRole('button', { name: /^Type:/ }).click();
      await page.getByRole('group', { name: 'Type' }).getByRole('checkbox', { name: 'malware' }).check();
      await page.keyboard.press('Escape');
      await page.waitForURL(/type=malware/);
      await until(async () => (await rows(page).count()) === 1, 'one malware object');
      assert.match(await rows(page).first().innerText(), /malware[\s\S]*NotReallyPetya/);

      // A search with no hit says so.
      await page.goto(`${h.base}/intel?q=203.0.113.250`);
      await page.getByText('No object you may read matches these filters.').waitFor();
    });
  });

  test('TLP holds in the console: AMBER+STRICT reaches its author only, signed-out visitors see CLEAR', async () => {
    const strictId = await idOf(STRICT_NAME, token('demo-northwind', 'analyst'));
    await h.withPage(async (page) => {
      await signIn(page, h.base, token('demo-northwind', 'analyst'));
      await page.goto(`${h.base}/intel?tlp=AMBER%2BSTRICT`);
      await rows(page).filter({ hasText: STRICT_NAME }).waitFor();
      await page.goto(`${h.base}/intel/objects/${encodeURIComponent(strictId)}`);
      await page.getByTestId('object-title').getByText(STRICT_NAME).waitFor();
      assert.match(await page.locator('.page-meta').innerText(), /TLP:AMBER\+STRICT/);
    });
    await h.withPage(async (page) => {
      await signIn(page, h.base, token('demo-fabrikam', 'analyst'));
      await page.goto(`${h.base}/intel`);
      await until(async () => (await rows(page).count()) > 0, 'Fabrikam’s rows');
      assert.equal(await rows(page).filter({ hasText: STRICT_NAME }).count(), 0, 'Fabrikam does not see Northwind’s AMBER+STRICT indicator');
      assert.ok(!(await rowTlps(page)).includes('AMBER+STRICT'));
      // Fabrikam is the named recipient of Northwind's RED indicator, and sees it.
      await rows(page).filter({ hasText: 'Actor mailbox under law-enforcement watch' }).waitFor();
      await page.goto(`${h.base}/intel?tlp=AMBER%2BSTRICT`);
      await page.getByText('No object you may read matches these filters.').waitFor();
      // A direct link to the object is refused like an unknown one.
      await page.goto(`${h.base}/intel/objects/${encodeURIComponent(strictId)}`);
      await page.getByTestId('problem-detail').waitFor();
      assert.equal(await page.getByText(STRICT_NAME).count(), 0);
    });
    await h.withPage(async (page) => {
      await page.goto(`${h.base}/intel`);
      await page.getByText('Signed out: TLP:CLEAR only').waitFor();
      await until(async () => (await rows(page).count()) > 0, 'public rows');
      assert.deepEqual([...new Set(await rowTlps(page))], ['CLEAR']);
    });
  });

  test('an object page: key properties, related objects, the ledger commitment checked here, and recording a sighting', async () => {
    const nw = token('demo-northwind', 'analyst');
    const id = await idOf(UPDATE_SERVER_NAME, nw);
    await h.withPage(async (page) => {
      await signIn(page, h.base, token('demo-fabrikam', 'analyst'));
      await page.goto(`${h.base}/intel?q=update.notreallypetya.example`);
      await rows(page).filter({ hasText: UPDATE_SERVER_NAME }).getByRole('link', { name: UPDATE_SERVER_NAME }).click();
      await page.waitForURL(/\/intel\/objects\/indicator--/);
      await page.getByTestId('object-title').getByText(UPDATE_SERVER_NAME).waitFor();
      assert.equal(await page.getByTestId('object-id').innerText(), id);
      assert.equal(await page.getByTestId('pattern').innerText(), "[domain-name:value = 'update.notreallypetya.example']");
      assert.match(await page.locator('.page-meta').innerText(), /TLP:GREEN/);

      // Related: the GREEN relationship, and Fabrikam's own AMBER sighting (Fabrikam wrote it).
      const related = page.getByRole('table', { name: 'Related objects' });
      await until(async () => (await related.getByTestId('intel-row').count()) === 2, 'two related objects');
      assert.match(await related.innerText(), /relationship[\s\S]*sighting|sighting[\s\S]*relationship/);

      // The ledger box: a salted commitment (GREEN is not CLEAR), with the salt, checked in the browser.
      const ledger = page.getByTestId('ledger-box');
      assert.match(await ledger.getByTestId('ledger-note').innerText(), /salted commitment|SHA-256\(salt/);
      assert.match(await ledger.getByTestId('ledger-salt').innerText(), /^[0-9a-f]{64}$/);
      await ledger.getByRole('button', { name: 'Check the commitment here' }).click();
      await until(async () => /✓ The entry matches this object/.test(await ledger.getByTestId('commitment-check').innerText().catch(() => '')), 'the commitment to open');
      const index = Number((await ledger.getByTestId('ledger-index').innerText()).replace('#', ''));
      assert.ok(Number.isInteger(index) && index >= 0);

      // Record a sighting: TLP defaults to AMBER; the new sighting appears under related objects.
      const form = page.getByRole('form', { name: 'Record a sighting' });
      assert.equal(await form.getByLabel('TLP').inputValue(), 'AMBER');
      await form.getByLabel('Count').fill('4');
      await form.getByLabel('First seen (UTC)').fill('2026-01-10T08:00');
      await form.getByLabel('Last seen (UTC)').fill('2026-01-11T09:30');
      await form.getByLabel('Description').fill('E2E · seen at our egress proxy');
      await form.getByRole('button', { name: 'Record sighting' }).click();
      await form.getByText('Sighting recorded').waitFor();
      await until(async () => (await related.getByTestId('intel-row').count()) === 3, 'the new sighting among related objects');
      assert.match(await related.innerText(), /Sighting ×4/);
      await shot(page, 'intel-object');

      // The sighting's own page links back to what it sighted, by name.
      await related.getByRole('link', { name: 'Sighting ×4' }).click();
      await page.getByTestId('object-title').getByText('Sighting ×4').waitFor();
      await page.getByTestId('ref').getByRole('link', { name: UPDATE_SERVER_NAME }).waitFor();
      // Organisation names arrive with the directory, after the page itself.
      await until(async () => /Northwind/.test(await page.getByTestId('recipients').innerText()), 'the recipient shown by name');
    });
    // The author sees the AMBER sighting that names it.
    const sightings = await h.apiGet<{ items: Summary[] }>(`/api/v1/intel/objects?ref=${encodeURIComponent(id)}&type=sighting`, nw);
    assert.ok(sightings.items.some((s) => (s.object as { count?: number }).count === 4));
  });

  test('a TLP:CLEAR object is logged in the clear, and the browser checks the entry holds it', async () => {
    await h.withPage(async (page) => {
      await page.goto(`${h.base}/intel?q=198.51.100.24`);
      await rows(page).getByRole('link', { name: SCANNER_NAME }).click();
      const ledger = page.getByTestId('ledger-box');
      await ledger.waitFor();
      assert.match(await ledger.getByTestId('ledger-note').innerText(), /logged in the clear/);
      assert.equal(await ledger.getByTestId('ledger-salt').count(), 0);
      await ledger.getByRole('button', { name: 'Check the entry here' }).click();
      await until(async () => /✓ The entry matches this object/.test(await ledger.getByTestId('commitment-check').innerText().catch(() => '')), 'the clear entry to match');
      // Signed out, the sighting form asks for a sign-in instead.
      await page.getByText('to record that your organisation saw this').waitFor();
    });
  });

  test('collections: everyone sees the TAXII URL; the secretariat creates a collection', async () => {
    await h.withPage(async (page) => {
      await signIn(page, h.base, token('demo-northwind', 'analyst'));
      await page.goto(`${h.base}/intel/collections`);
      const row = page.getByTestId('collection-row').filter({ hasText: 'Shared intelligence' });
      await row.waitFor();
      assert.match(await row.innerText(), /shared[\s\S]*TLP:AMBER[\s\S]*✓ read[\s\S]*✓ write[\s\S]*\/taxii2\/api\/collections\//);
      assert.equal(await page.getByRole('form', { name: 'New collection' }).count(), 0, 'analysts do not create collections');
    });
    await h.withPage(async (page) => {
      await signIn(page, h.base, h.init.admin_token);
      await page.goto(`${h.base}/intel/collections`);
      const form = page.getByRole('form', { name: 'New collection' });
      await form.getByLabel('Title').fill('E2E · Incident exchange');
      await form.getByLabel('Alias').fill('e2e-exchange');
      await form.getByLabel('Default TLP').selectOption('GREEN');
      await form.getByRole('button', { name: 'Create collection' }).click();
      await form.getByText('Collection created').waitFor();
      const row = page.getByTestId('collection-row').filter({ hasText: 'E2E · Incident exchange' });
      await row.waitFor();
      assert.match(await row.innerText(), /e2e-exchange[\s\S]*TLP:GREEN[\s\S]*members only/);
      await shot(page, 'intel-collections');
    });
  });

  test('sharing groups: org-admins create, edit and delete their own; others only read', async () => {
    await h.withPage(async (page) => {
      await signIn(page, h.base, token('demo-contoso-cloud', 'org-admin'));
      await page.goto(`${h.base}/intel/groups`);
      const isac = page.locator('[data-testid="group-row"][data-slug="demo-cloud-isac"]');
      await isac.waitFor();
      await until(async () => /Northwind Security/.test(await isac.innerText()) && /Fabrikam Devices/.test(await isac.innerText()), 'member names');

      const form = page.getByRole('form', { name: 'New sharing group' });
      await form.getByLabel('Slug').fill('e2e-pair');
      await form.getByLabel('Name').fill('E2E · Pair');
      await form.getByRole('button', { name: /^Members:/ }).click();
      await form.getByRole('checkbox', { name: /Tailspin Networks/ }).check();
      await page.keyboard.press('Escape');
      await form.getByRole('button', { name: 'Create group' }).click();
      await form.getByText('Group created').waitFor();
      const pair = page.locator('[data-testid="group-row"][data-slug="e2e-pair"]');
      await until(async () => /Tailspin Networks/.test(await pair.innerText().catch(() => '')), 'the new group with its member');

      // Edit: add Adatum.
      await pair.getByRole('button', { name: 'Edit' }).click();
      const editor = page.getByRole('form', { name: 'Edit e2e-pair' });
      await editor.getByRole('button', { name: /^Members:/ }).click();
      await editor.getByRole('checkbox', { name: /Adatum Health IT/ }).check();
      await page.keyboard.press('Escape');
      await isac.getByRole('button', { name: 'Edit' }).waitFor();
      await shot(page, 'intel-groups');
      await editor.getByRole('button', { name: 'Save changes' }).click();
      await until(async () => /Adatum Health IT/.test(await pair.innerText()) && /2 organisations/.test(await pair.innerText()), 'two members after the edit');

      // Delete, with a confirmation step.
      await pair.getByRole('button', { name: 'Edit' }).click();
      await editor.getByRole('button', { name: 'Delete group…' }).click();
      await editor.getByRole('button', { name: 'Delete e2e-pair' }).click();
      await until(async () => (await pair.count()) === 0, 'the group to go');
    });
    await h.withPage(async (page) => {
      await signIn(page, h.base, token('demo-fabrikam', 'analyst'));
      await page.goto(`${h.base}/intel/groups`);
      await page.locator('[data-testid="group-row"][data-slug="demo-cloud-isac"]').waitFor();
      assert.equal(await page.getByRole('form', { name: 'New sharing group' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
    });
  });

  test('results page by cursor: "Load more" appends the next page', async () => {
    const nw = token('demo-northwind', 'analyst');
    const now = new Date().toISOString();
    const objects = Array.from({ length: 57 }, (_, i) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${randomUUID()}`,
      created: now,
      modified: now,
      name: `E2E · Paging ${String(i).padStart(2, '0')}`,
      pattern: `[ipv4-addr:value = '192.0.2.${i + 100}']`,
      pattern_type: 'stix',
      valid_from: now,
      labels: ['e2e-paging'],
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    }));
    const collections = await h.apiGet<{ items: { id: string; alias: string | null }[] }>('/api/v1/intel/collections', nw);
    const shared = collections.items.find((c) => c.alias === 'shared')!;
    const status = await h.apiSend<{ id: string; status: string }>('POST', `/api/v1/intel/collections/${shared.id}/bundles`, nw, { type: 'bundle', objects });
    await until(async () => (await h.apiGet<{ status: string; success_count: number }>(`/api/v1/intel/status/${status.id}`, nw)).success_count === 57, 'the 57 objects stored');
    await h.withPage(async (page) => {
      await signIn(page, h.base, nw);
      await page.goto(`${h.base}/intel?label=e2e-paging`);
      await until(async () => (await rows(page).count()) === 50, 'the first page of 50');
      assert.equal(await page.getByTestId('intel-count').innerText(), '50+ objects match, newest first');
      await page.getByRole('button', { name: 'Load 50 more' }).click();
      await until(async () => (await rows(page).count()) === 57, 'all 57 after the second page');
      assert.equal(await page.getByRole('button', { name: 'Load 50 more' }).count(), 0);
      const names = await rows(page).locator('.object-title').allInnerTexts();
      assert.equal(new Set(names).size, 57, 'no row twice');
      // The search box shows the label search the URL holds.
      assert.equal(await page.getByLabel('Label', { exact: true }).inputValue(), 'e2e-paging');
    });
  });

  test('upload a bundle: the status is followed until complete, refusals listed', async () => {
    const good = `indicator--${randomUUID()}`;
    const unmarked = `indicator--${randomUUID()}`;
    const bad = `indicator--${randomUUID()}`;
    const now = new Date().toISOString();
    const indicator = (id: string, name: string, pattern: string, extra: Record<string, unknown> = {}) => ({
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: now,
      modified: now,
      name,
      pattern,
      pattern_type: 'stix',
      valid_from: now,
      ...extra,
    });
    const bundle = {
      type: 'bundle',
      id: `bundle--${randomUUID()}`,
      objects: [
        indicator(good, 'E2E · Upload CLEAR', "[ipv4-addr:value = '198.51.100.77']", { object_marking_refs: ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487'] }),
        indicator(unmarked, 'E2E · Upload unmarked', "[domain-name:value = 'e2e-unmarked.example']"),
        indicator(bad, 'E2E · Broken pattern', "[ipv4-addr:value = '198.51.100.78'"),
      ],
    };
    await h.withPage(async (page) => {
      await signIn(page, h.base, token('demo-northwind', 'analyst'));
      await page.goto(`${h.base}/intel/upload`);
      // The default collection (alias "shared") marks unmarked objects AMBER; another test may add collections.
      await page.getByLabel('Collection').selectOption({ label: 'Shared intelligence (shared)' });
      await page.getByLabel('STIX bundle file').setInputFiles({ name: 'e2e-bundle.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) });
      assert.match(await page.getByTestId('bundle-facts').innerText(), /3 objects:\s+indicator × 3/);
      await page.getByRole('button', { name: 'Upload bundle' }).click();
      const status = page.getByTestId('upload-status');
      await page.waitForURL(/\/intel\/upload\?status=/);
      await until(async () => (await status.getAttribute('data-status').catch(() => null)) === 'complete', 'the upload to complete', 15_000);
      assert.equal(await status.getByTestId('status-success').innerText(), '2');
      assert.equal(await status.getByTestId('status-failure').innerText(), '1');
      assert.equal(await status.getByTestId('status-pending').innerText(), '0');
      const failure = status.getByTestId('failure-row');
      assert.equal(await failure.count(), 1);
      assert.match(await failure.innerText(), new RegExp(bad));
      await shot(page, 'intel-upload');

      // What was stored is searchable at once; the unmarked indicator got the collection's default TLP.
      await page.goto(`${h.base}/intel?q=198.51.100.77`);
      await rows(page).filter({ hasText: 'E2E · Upload CLEAR' }).waitFor();
      await page.goto(`${h.base}/intel?q=e2e-unmarked.example`);
      const row = rows(page).filter({ hasText: 'E2E · Upload unmarked' });
      await row.waitFor();
      assert.equal(await row.getAttribute('data-tlp'), 'AMBER');

      // Pasted JSON that is not a bundle is caught before upload.
      await page.goto(`${h.base}/intel/upload`);
      await page.getByRole('radio', { name: 'Paste JSON' }).check();
      await page.getByLabel('STIX bundle (JSON)').fill('{"type": "indicator"}');
      assert.match(await page.getByTestId('bundle-error').innerText(), /Expected "type": "bundle"/);
      assert.equal(await page.getByRole('button', { name: 'Upload bundle' }).isDisabled(), true);
    });
  });
});
