/**
 * The Match pillar in a real browser against a real `accord serve` with the
 * demo data of `init --demo`: "Check my SBOM" anonymously (an exact finding
 * with its fix for nw-widget 1.2.0, none for 1.3.0, a possible one for
 * Contoso Edge by CPE, the SARIF download), "Check my logs" as a signed-in
 * analyst and anonymously (hits with the values exactly as logged, hostile
 * text shown as text, TLP:CLEAR only without a session), and the sensor
 * exports with a real download.
 *
 * Screenshots land in test-results/screenshots/check-*.png. Without Chromium
 * the suite is skipped with a reason, except in CI (CI=true).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { shot, signIn, skipWithoutChromium, startHarness, until, type Harness } from './support.js';

let h: Harness;

const HOSTILE = '<script>alert(1)</script>';

function token(org: string, role: string): string {
  const t = h.init.demo.tokens.find((x) => x.org === org && x.role === role);
  if (!t) throw new Error(`no demo token for ${org} ${role}`);
  return t.token;
}

/** A page signed in as `tok` (or anonymous) that fails the test if any dialog opens. */
async function as(tok: string | null, path: string, fn: (page: Page) => Promise<void>): Promise<void> {
  await h.withPage(async (page) => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    if (tok) await signIn(page, h.base, tok);
    await page.goto(`${h.base}${path}`);
    await fn(page);
    assert.deepEqual(dialogs, [], 'no dialog opened (hostile text stays text)');
  });
}

async function downloaded(d: Download): Promise<string> {
  const path = await d.path();
  return readFile(path, 'utf8');
}

const SBOM = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  metadata: { component: { type: 'application', name: 'e2e-shop', version: '4.2.0' } },
  components: [
    { type: 'library', 'bom-ref': 'widget-old', name: 'nw-widget', version: '1.2.0', purl: 'pkg:npm/nw-widget@1.2.0' },
    { type: 'library', 'bom-ref': 'widget-new', name: 'nw-widget', version: '1.3.0', purl: 'pkg:npm/nw-widget@1.3.0' },
    { type: 'application', 'bom-ref': 'edge', name: 'Contoso Edge', version: '3.1', cpe: 'cpe:2.3:a:contoso:edge:3.1:*:*:*:*:*:*:*' },
    { type: 'library', 'bom-ref': 'broken', name: 'left-pad', version: '1.0.0', purl: 'not a purl' },
  ],
};

/** JSON lines with the demo indicators' values (src/demo-intel.ts), one hostile field name and one hostile URL path. */
const LOG = [
  { '@timestamp': '2026-05-01T10:00:00Z', source: { ip: '10.0.0.5' }, destination: { ip: '198.51.100.23', port: 443 } },
  { dns: { question: { name: 'update.notreallypetya.example' } }, source: { ip: '10.0.0.7' } },
  { [HOSTILE]: '198.51.100.24' },
  'not json at all',
  { file: { hash: { sha256: 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' } } },
  { http: { request: { referrer: `http://c2.iot-botnet.example/${HOSTILE}` } } },
  { url: { full: 'http://firmware.fabrikam-updates.example/fw.bin' }, source: { ip: '10.0.0.9' } },
]
  .map((l) => (typeof l === 'string' ? l : JSON.stringify(l)))
  .join('\n');

describe('match: check my SBOM, check my logs, sensor exports (browser)', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  before(async () => {
    h = await startHarness();
  });

  after(async () => {
    await h?.close();
  });

  test('anonymous SBOM check: an exact finding with its fix, none for the fixed version, a possible CPE match, and the SARIF download', async () => {
    const tid = h.init.demo.disclosure?.published.tracking_id;
    await as(null, '/advisories', async (page) => {
      await page.getByTestId('check-sbom-link').click();
      await page.waitForURL(/\/check\/sbom$/);
      await page.getByRole('navigation', { name: 'Match' }).getByRole('link', { name: 'Check my SBOM' }).waitFor();
      await until(async () => Number(await page.getByTestId('db-accord').innerText().catch(() => '0')) >= 1, 'the database counts');

      await page.getByLabel('SBOM file').setInputFiles({ name: 'e2e-shop.cdx.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(SBOM)) });
      const groups = page.getByTestId('component-findings');
      await until(async () => (await groups.count()) === 2, 'two components with findings');
      // The metadata component (the product itself) counts too.
      assert.equal(await page.getByTestId('stat-components').innerText(), '5');
      assert.equal(await page.getByTestId('stat-exact').innerText(), '1');
      assert.equal(await page.getByTestId('stat-possible').innerText(), '1');

      // Affected first, named exactly as the SBOM names it, with the version to upgrade to.
      const affected = groups.nth(0);
      assert.equal(await affected.getByTestId('component-purl').innerText(), 'pkg:npm/nw-widget@1.2.0');
      assert.match(await affected.getByTestId('component-upgrade').innerText(), /Upgrade to\s+1\.3\.0/);
      const exactRow = affected.getByTestId('finding-row');
      assert.equal(await exactRow.getAttribute('data-confidence'), 'exact');
      assert.match(await exactRow.getByTestId('fixed-version').innerText(), /1\.3\.0/);
      await exactRow.getByRole('link', { name: 'CVE-2026-31337' }).waitFor();
      if (tid) assert.equal(await exactRow.getByRole('link', { name: tid }).getAttribute('href'), `/advisories/${tid}`);

      // The fixed version has no finding; Contoso Edge is only possible (CPE), and looks it.
      assert.equal(await page.getByTestId('component-purl').filter({ hasText: 'nw-widget@1.3.0' }).count(), 0);
      const possible = groups.nth(1);
      assert.match(await possible.getByTestId('component-purl').innerText(), /Contoso Edge/);
      assert.equal(await possible.getByTestId('finding-row').getAttribute('data-confidence'), 'cpe-only');
      assert.equal(await possible.getByTestId('confidence').innerText(), 'Possible · CPE only');
      assert.match((await possible.getAttribute('class')) ?? '', /sbom-possible/);
      // The broken purl is a warning, collapsed.
      const warnings = page.getByTestId('sbom-warnings');
      assert.match(await warnings.locator('summary').innerText(), /1 warning/);
      assert.equal(await warnings.getAttribute('open'), null);
      await shot(page, 'check-sbom');

      await page.getByRole('radio', { name: /Exact only/ }).click();
      await until(async () => (await groups.count()) === 1 && (await page.getByTestId('finding-row').count()) === 1, 'only the exact finding');

      const [sarif] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SARIF' }).click()]);
      assert.equal(sarif.suggestedFilename(), 'e2e-shop.sarif');
      const doc = JSON.parse(await downloaded(sarif)) as { version: string; runs: { results: unknown[] }[] };
      assert.equal(doc.version, '2.1.0');
      assert.ok(doc.runs[0]!.results.length >= 1, 'SARIF has the findings');
    });
  });

  test('a pasted purl list: the fixed version is clean, an older one is affected', async () => {
    await as(null, '/check/sbom', async (page) => {
      await page.getByRole('tab', { name: 'Paste text' }).click();
      await page.getByLabel('Package URLs, one per line').fill('pkg:npm/nw-widget@1.3.0\n');
      await page.getByRole('button', { name: 'Check these packages' }).click();
      await page.getByTestId('sbom-verdict').getByText('None of the 1 components').waitFor();
      assert.equal(await page.getByRole('button', { name: 'CSAF VEX' }).isDisabled(), true, 'no VEX without findings');

      await page.getByLabel('Package URLs, one per line').fill('# build 17\npkg:npm/nw-widget@1.0.4\n');
      await page.getByRole('button', { name: 'Check these packages' }).click();
      await until(async () => (await page.getByTestId('component-purl').allInnerTexts()).join() === 'pkg:npm/nw-widget@1.0.4', 'the affected purl');
      const [vex] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSAF VEX' }).click()]);
      const csaf = JSON.parse(await downloaded(vex)) as { document: { category: string } };
      assert.equal(csaf.document.category, 'csaf_vex');
    });
  });

  test('log check as a signed-in analyst: hits show the values exactly as logged, hostile text stays text', async () => {
    await as(token('demo-northwind', 'analyst'), '/check/logs', async (page) => {
      await page.getByTestId('tlp-visibility').getByText('where shared with you').waitFor();
      await page.getByLabel('log file').setInputFiles({ name: 'proxy.jsonl', mimeType: 'application/json', buffer: Buffer.from(LOG) });
      const rows = page.getByTestId('hit-row');
      await until(async () => (await rows.count()) >= 6, 'the hits');
      assert.equal(await page.getByTestId('stat-lines').innerText(), '7');
      assert.equal(await page.getByTestId('stat-skipped').innerText(), '1');
      await page.getByTestId('skip-reasons').getByText('1 not valid JSON').waitFor();

      const values = await page.getByTestId('hit-value').allInnerTexts();
      for (const v of ['198.51.100.23', 'update.notreallypetya.example', '198.51.100.24', 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f', `http://c2.iot-botnet.example/${HOSTILE}`]) {
        assert.ok(values.includes(v), `a hit shows ${v} exactly`);
      }
      // The hostile field name and value are text, not markup.
      const hostileRow = rows.filter({ has: page.getByTestId('hit-value').getByText('198.51.100.24', { exact: true }) });
      assert.equal(await hostileRow.locator('.cell-field').innerText(), HOSTILE);
      assert.equal(await page.locator('.hit-table script').count(), 0);

      // TLP of each indicator, and a link to it.
      const amber = rows.filter({ hasText: 'c2.iot-botnet.example' });
      assert.equal(await amber.locator('[data-tlp]').getAttribute('data-tlp'), 'AMBER');
      const link = amber.getByRole('link', { name: 'Demo · Botnet C2 (IoT)' });
      assert.match((await link.getAttribute('href')) ?? '', /^\/intel\/objects\/indicator--/);
      await shot(page, 'check-logs');

      // The chart filters the table by kind.
      await page.getByTestId('kind-chart').locator('[data-kind="domain"]').click();
      await until(async () => {
        const kinds = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind')));
        return kinds.length === 2 && kinds.every((k) => k === 'domain');
      }, 'only domain hits');
    });
  });

  test('log check anonymously: TLP:CLEAR indicators only, with a prompt to sign in', async () => {
    await as(null, '/check/logs', async (page) => {
      await page.getByTestId('tlp-visibility').getByRole('link', { name: 'Sign in to match more' }).waitFor();
      await page.getByLabel('Format').selectOption('jsonl');
      await page.getByRole('tab', { name: 'Paste text' }).click();
      await page.getByLabel('Log lines').fill(LOG);
      await page.getByRole('button', { name: 'Check these lines' }).click();
      const rows = page.getByTestId('hit-row');
      await until(async () => (await rows.count()) > 0, 'the hits');
      const tlps = await rows.locator('[data-tlp]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tlp')));
      assert.ok(tlps.every((t) => t === 'CLEAR'), `only CLEAR hits, got ${tlps.join(', ')}`);
      assert.deepEqual((await page.getByTestId('hit-value').allInnerTexts()).sort(), ['198.51.100.23', '198.51.100.24']);
      await shot(page, 'check-logs-anonymous');
    });
  });

  test('sensor exports: the file list, a download with content, and incremental files', async () => {
    await as(token('demo-northwind', 'analyst'), '/check/exports', async (page) => {
      const rows = page.getByTestId('export-row');
      await until(async () => (await rows.count()) >= 5, 'the sensor files');
      const zeek = rows.filter({ has: page.locator('td', { hasText: /^zeek\/accord\.intel$/ }) });
      assert.ok(Number((await zeek.locator('td.num').innerText()).replace(/,/g, '')) > 0, 'the Zeek file has lines');
      await shot(page, 'check-exports');
      const [file] = await Promise.all([page.waitForEvent('download'), zeek.getByRole('button', { name: /Download/ }).click()]);
      assert.equal(file.suggestedFilename(), 'accord.intel');
      const text = await downloaded(file);
      assert.match(text, /^#fields\tindicator\tindicator_type/m);
      assert.match(text, /198\.51\.100\.23\tIntel::ADDR/);

      await page.getByLabel('Only changes since (UTC)').fill('2000-01-01T00:00');
      await page.getByRole('button', { name: 'Show changes' }).click();
      await page.waitForURL(/since=2000-01-01T00%3A00%3A00Z/);
      await page.getByText(/Incremental since/).waitFor();
      await until(async () => (await rows.count()) > 0, 'incremental files');
    });
  });
});
