/**
 * "Am I affected?" over HTTP: the demo's published advisory and imported OSV
 * records against CycloneDX, SPDX and purl-list SBOMs — exact findings with
 * the version to move to, CPE-only matches marked possible, the component's
 * purl exactly as the SBOM wrote it, SARIF and CSAF VEX output, incremental
 * imports, and hostile input refused cleanly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.js';
import { importOsv } from '../../src/advisory/osv-import.js';
import { validateCsaf } from '../../src/advisory/validate.js';

function osvRecord(id: string, name: string, fixed: string, modified = '2026-01-01T00:00:00Z') {
  return {
    schema_version: '1.6.0',
    id,
    modified,
    aliases: [`CVE-2026-${id.slice(-4)}`],
    summary: `Demo flaw in ${name}`,
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }],
  };
}

async function* files(records: object[]) {
  for (const r of records) yield { name: `${(r as { id: string }).id}.json`, bytes: Buffer.from(JSON.stringify(r)) };
}

function cyclonedx(components: object[]) {
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components });
}

describe('SBOM check over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const check = (body: string, query = '') => h.call('POST', `/api/v1/check/sbom${query}`, { payload: body, headers: { 'content-type': 'application/json' } });

  test('the demo advisory finds nw-widget 1.2.0 with its fix; 1.3.0 is clean; a CPE-only component is possible', async () => {
    const db = (await h.call('GET', '/api/v1/check/database')).json();
    assert.ok(db.accord >= 1, 'the published demo advisory is in the database');
    const r = await check(
      cyclonedx([
        { 'bom-ref': 'a', type: 'library', name: 'nw-widget', version: '1.2.0', purl: 'pkg:npm/nw-widget@1.2.0?foo=bar' },
        { 'bom-ref': 'b', type: 'library', name: 'nw-widget', version: '1.3.0', purl: 'pkg:npm/nw-widget@1.3.0' },
        { 'bom-ref': 'c', type: 'application', name: 'Contoso Edge', version: '3.1', cpe: 'cpe:2.3:a:contoso:edge:3.1:*:*:*:*:*:*:*' },
      ]),
    );
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.format, 'cyclonedx');
    const byRef = (ref: string) => body.findings.filter((f: { component: { ref: string } }) => f.component.ref === ref);
    const a = byRef('a');
    assert.equal(a.length, 1);
    assert.equal(a[0].component.purl, 'pkg:npm/nw-widget@1.2.0?foo=bar', 'the purl exactly as the SBOM gives it');
    assert.equal(a[0].confidence, 'exact');
    assert.equal(a[0].fixed_version, '1.3.0');
    assert.deepEqual(a[0].aliases, ['CVE-2026-31337']);
    assert.equal(byRef('b').length, 0, 'the fixed version is not affected');
    const c = byRef('c');
    assert.equal(c.length, 1);
    assert.equal(c[0].confidence, 'cpe-only');
    assert.equal(c[0].possible, true);
  });

  test('imported OSV records are matched, re-imports are incremental, and the version order is the ecosystem\'s', async () => {
    const first = await importOsv(files([osvRecord('GHSA-demo-0001', 'left-pad-demo', '1.3.0'), osvRecord('GHSA-demo-0002', 'semver-demo', '2.0.0-rc.2')]), h.ctx.store.vulndb);
    assert.deepEqual([first.inserted, first.updated, first.unchanged], [2, 0, 0]);
    const again = await importOsv(files([osvRecord('GHSA-demo-0001', 'left-pad-demo', '1.3.0'), osvRecord('GHSA-demo-0002', 'semver-demo', '2.0.0-rc.2', '2026-02-01T00:00:00Z')]), h.ctx.store.vulndb);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 1, 1]);
    const junk = await importOsv((async function* () {
      yield { name: 'bad.json', bytes: Buffer.from('{nope') };
      yield { name: 'withdrawn.json', bytes: Buffer.from(JSON.stringify({ ...osvRecord('GHSA-demo-0003', 'x', '1.0.0'), withdrawn: '2026-01-02T00:00:00Z' })) };
    })(), h.ctx.store.vulndb);
    assert.deepEqual(junk.skipped, { 'not JSON': 1, withdrawn: 1 });
    const r = await h.call('POST', '/api/v1/check/sbom', { payload: 'pkg:npm/left-pad-demo@1.2.9\npkg:npm/semver-demo@2.0.0-rc.1\npkg:npm/semver-demo@2.0.0\n# a comment\n', headers: { 'content-type': 'text/plain' } });
    assert.equal(r.statusCode, 200, r.body);
    const ids = r.json().findings.map((f: { advisory_id: string; component: { purl: string } }) => `${f.advisory_id} ${f.component.purl}`).sort();
    assert.deepEqual(ids, ['GHSA-demo-0001 pkg:npm/left-pad-demo@1.2.9', 'GHSA-demo-0002 pkg:npm/semver-demo@2.0.0-rc.1'], '2.0.0-rc.1 < 2.0.0-rc.2 ≤ 2.0.0');
  });

  test('SARIF and CSAF VEX outputs; the VEX document passes the CSAF validator', async () => {
    const sbom = cyclonedx([{ 'bom-ref': 'a', type: 'library', name: 'nw-widget', version: '1.2.0', purl: 'pkg:npm/nw-widget@1.2.0' }]);
    const sarif = await check(sbom, '?format=sarif');
    assert.equal(sarif.statusCode, 200);
    assert.equal(sarif.json().version, '2.1.0');
    assert.equal(sarif.json().runs[0].results[0].level, 'error');
    const vex = await check(sbom, '?format=csaf-vex');
    assert.equal(vex.statusCode, 200, vex.body);
    const doc = vex.json();
    assert.equal(doc.document.category, 'csaf_vex');
    assert.deepEqual(await validateCsaf(doc), []);
  });

  test('hostile SBOMs get clear 4xx, cycles are fine', async () => {
    assert.equal((await check('{"bomFormat": "CycloneDX", ')).statusCode, 400);
    assert.equal((await check('   ')).statusCode, 400);
    const cyclic = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        { 'bom-ref': 'x', name: 'x', version: '1', purl: 'pkg:npm/x@1' },
        { 'bom-ref': 'x', name: 'dup', version: '1', purl: 'pkg:npm/dup@1' },
        { 'bom-ref': 'y', name: 'y', version: 'not a version!', purl: 'pkg:npm/y@not%20a%20version' },
      ],
      dependencies: [
        { ref: 'x', dependsOn: ['y'] },
        { ref: 'y', dependsOn: ['x'] },
      ],
    });
    const r = await check(cyclic);
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.json().warnings.length >= 1, 'the duplicate ref is reported');
    const huge = await h.call('POST', '/api/v1/check/sbom', { payload: ' '.repeat(51 * 1024 * 1024), headers: { 'content-type': 'application/json' } });
    assert.equal(huge.statusCode, 413);
    assert.match(String(huge.headers['content-type']), /problem\+json/);
  });
});
