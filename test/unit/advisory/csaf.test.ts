import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { csafFilename, csafTlpLabel, serializeCsaf, toCsaf, versOf, type CsafDocument, type CsafProfile } from '../../../src/advisory/csaf.js';
import { AdvisoryError } from '../../../src/advisory/errors.js';
import { createAdvisory, type AdvisoryInput } from '../../../src/advisory/model.js';
import { toOsv } from '../../../src/advisory/osv.js';
import { csafTestNames, validateAdvisoryFile, validateCsaf, validateOsv, type AdvisoryProblem } from '../../../src/advisory/validate.js';
import { prng } from '../intel/support.js';
import { richAdvisoryInput } from './support.js';

const PROFILES: CsafProfile[] = ['csaf_security_advisory', 'csaf_vex'];
const render = (input: AdvisoryInput = richAdvisoryInput(), profile: CsafProfile = 'csaf_security_advisory'): CsafDocument => toCsaf(createAdvisory(input), { profile });
const clone = <T>(v: T): T => structuredClone(v);

/** Reverses key order at every level (input key order must not change the output). */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
  return v;
}

describe('CSAF 2.0 rendering passes csaf-validator-lib (strict schema + every mandatory test)', () => {
  before(async () => {
    // Load the validator once (about 2 s: it compiles the CSAF schema and the tests' own schemas).
    await csafTestNames();
  });

  it('runs the strict schema test and all 43 mandatory tests the library exports', async () => {
    const names = await csafTestNames();
    assert.equal(names[0], 'csaf_2_0_strict');
    const mandatory = names.filter((n) => n.startsWith('mandatoryTest_6_1_'));
    assert.equal(mandatory.length, 43);
    for (const n of ['mandatoryTest_6_1_1', 'mandatoryTest_6_1_9', 'mandatoryTest_6_1_13', 'mandatoryTest_6_1_27_9', 'mandatoryTest_6_1_27_10', 'mandatoryTest_6_1_33']) assert.ok(names.includes(n), n);
    assert.ok(!names.some((n) => /optional|informative/i.test(n)));
  });

  for (const profile of PROFILES) {
    it(`${profile}: the rich advisory has zero findings`, async () => {
      const doc = render(richAdvisoryInput(), profile);
      assert.equal(doc.document.category, profile);
      assert.deepEqual(await validateCsaf(doc), []);
    });
  }

  for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const) {
    it(`TLP:${tlp} maps to a CSAF 2.0 (TLP v1) label and stays valid`, async () => {
      const doc = render({ ...richAdvisoryInput(), tlp });
      assert.deepEqual(doc.document.distribution!.tlp, { label: csafTlpLabel(tlp), url: 'https://www.first.org/tlp/' });
      assert.equal(doc.document.distribution!.text !== undefined, tlp === 'AMBER+STRICT', 'the lossy AMBER+STRICT mapping is explained in the text');
      assert.deepEqual(await validateCsaf(doc), []);
    });
  }

  it('a semantic-versioned draft and a minimal advisory are valid too', async () => {
    const draft: AdvisoryInput = {
      ...richAdvisoryInput(),
      status: 'draft',
      revisions: [
        { number: '0.1.0', date: '2026-01-20T00:00:00Z', summary: 'First draft.' },
        { number: '0.2.0', date: '2026-01-25T00:00:00Z', summary: 'Second draft.' },
      ],
      version: '0.2.0-rc.1',
      initialReleaseDate: '2026-01-20T00:00:00Z',
      currentReleaseDate: '2026-01-25T00:00:00Z',
    };
    assert.deepEqual(await validateCsaf(render(draft)), []);
    const minimal: AdvisoryInput = {
      id: 'ACCORD-2026-0002',
      title: 'Minimal',
      publisher: { name: 'Acme PSIRT', namespace: 'https://acme.example', category: 'vendor' },
      tlp: 'GREEN',
      summary: 'One product, one vulnerability without a CVE.',
      products: [{ key: 'tool', vendor: 'Acme', name: 'Tool', purl: 'pkg:generic/acme/tool', versions: [{ version: '1.0' }] }],
      vulnerabilities: [
        {
          title: 'Crash',
          description: 'A crash.',
          products: [{ product: 'tool', status: 'known_affected' }],
          remediations: [{ category: 'none_available', details: 'None yet.', products: [{ product: 'tool' }] }],
        },
      ],
      revisions: [{ number: '1', date: '2026-03-01T00:00:00Z', summary: 'Initial.' }],
      status: 'interim',
      initialReleaseDate: '2026-03-01T00:00:00Z',
      currentReleaseDate: '2026-03-01T00:00:00Z',
    };
    for (const profile of PROFILES) {
      const doc = render(minimal, profile);
      assert.deepEqual(doc.vulnerabilities![0]!.ids, [{ system_name: 'Acme PSIRT', text: 'ACCORD-2026-0002-1' }], 'without a CVE the local id names the vulnerability (6.1.27.8)');
      assert.deepEqual(await validateCsaf(doc), [], profile);
    }
  });
});

describe('the validators catch broken documents', () => {
  // Each case breaks a valid rendering in one way; the named test must report it at the path.
  const cases: [string, (d: any) => void, string, string | RegExp][] = [
    ['no document.tracking', (d) => delete d.document.tracking, 'csaf_2_0_strict', '/document/tracking'],
    ['an unknown property (strict schema)', (d) => (d.document.extra = 1), 'csaf_2_0_strict', '/document/extra'],
    ['a TLP v2 label', (d) => (d.document.distribution.tlp.label = 'CLEAR'), 'csaf_2_0_strict', '/document/distribution/tlp/label'],
    ['a product status naming an undefined product (6.1.1)', (d) => (d.vulnerabilities[0].product_status.known_affected[0] = 'nope@1'), 'mandatoryTest_6_1_1', '/vulnerabilities/0/product_status/known_affected/0'],
    ['a product id defined twice (6.1.2)', (d) => (d.product_tree.branches[0].branches[0].branches[1].product.product_id = 'edgegate@4.2.0'), 'mandatoryTest_6_1_2', /^\/product_tree\/branches\/0\/branches\/0\/branches\/[01]\/product\/product_id$/],
    ['contradicting product status (6.1.6)', (d) => d.vulnerabilities[0].product_status.fixed.push('edgegate@4.2.0'), 'mandatoryTest_6_1_6', /^\/vulnerabilities\/0\/product_status/],
    ['a wrong CVSS base score (6.1.9)', (d) => (d.vulnerabilities[0].scores[0].cvss_v3.baseScore = 9.7), 'mandatoryTest_6_1_9', '/vulnerabilities/0/scores/0/cvss_v3/baseScore'],
    ['a CVSS field contradicting the vector (6.1.10)', (d) => (d.vulnerabilities[0].scores[0].cvss_v3.attackVector = 'LOCAL'), 'mandatoryTest_6_1_10', '/vulnerabilities/0/scores/0/cvss_v3/attackVector'],
    ['a CWE name not in the catalogue (6.1.11)', (d) => (d.vulnerabilities[0].cwe.name = 'Buffer overflow'), 'mandatoryTest_6_1_11', '/vulnerabilities/0/cwe/name'],
    ['an invalid language tag (6.1.12)', (d) => (d.document.lang = 'en-x-'), 'mandatoryTest_6_1_12', '/document/lang'],
    ['a version that is not the latest revision (6.1.16)', (d) => (d.document.tracking.version = '1'), 'mandatoryTest_6_1_16', '/document/tracking/version'],
    ['a final document at version 0 (6.1.17)', (d) => ((d.document.tracking.version = '0'), (d.document.tracking.revision_history = [{ date: '2026-02-01T12:00:00Z', number: '0', summary: 'x' }])), 'mandatoryTest_6_1_17', '/document/tracking/status'],
    ['a gap in the revision history (6.1.21)', (d) => ((d.document.tracking.revision_history[1].number = '3'), (d.document.tracking.version = '3')), 'mandatoryTest_6_1_21', '/document/tracking/revision_history'],
    ['a CVE used twice (6.1.23)', (d) => (d.vulnerabilities[1].cve = d.vulnerabilities[0].cve), 'mandatoryTest_6_1_23', /^\/vulnerabilities\/[01]\/cve$/],
    ['a remediation without products (6.1.29)', (d) => delete d.vulnerabilities[0].remediations[1].product_ids, 'mandatoryTest_6_1_29', '/vulnerabilities/0/remediations/1'],
    ['a version range in a product_version (6.1.31)', (d) => (d.product_tree.branches[0].branches[0].branches[0].name = 'all versions before 4.3.0'), 'mandatoryTest_6_1_31', '/product_tree/branches/0/branches/0/branches/0/name'],
  ];
  for (const [name, mutate, test, path] of cases) {
    it(name, async () => {
      const doc: any = clone(render());
      mutate(doc);
      const problems = await validateCsaf(doc);
      assert.ok(
        problems.some((p) => p.test === test && (typeof path === 'string' ? p.path === path : path.test(p.path))),
        `expected ${test} at ${path}; got ${JSON.stringify(problems.slice(0, 8))}`,
      );
    });
  }

  it('a malformed purl (6.1.13 and the schema’s uri format)', async () => {
    const doc: any = clone(render());
    doc.product_tree.branches[1].branches[0].branches[0].product.product_identification_helper.purl = 'pkg:npm/%ZZ@1.4.2';
    const problems = await validateCsaf(doc);
    const at = '/product_tree/branches/1/branches/0/branches/0/product/product_identification_helper/purl';
    assert.ok(problems.some((p) => p.test === 'mandatoryTest_6_1_13' && p.path === at), JSON.stringify(problems));
  });

  it('VEX rules: a not-affected product without justification (6.1.27.9), an affected one without remediation (6.1.27.10)', async () => {
    const doc: any = clone(render(richAdvisoryInput(), 'csaf_vex'));
    delete doc.vulnerabilities[0].flags;
    delete doc.vulnerabilities[1].remediations;
    const problems = await validateCsaf(doc);
    const tests = new Set(problems.map((p) => p.test));
    assert.ok(tests.has('mandatoryTest_6_1_27_9'), JSON.stringify(problems));
    assert.ok(tests.has('mandatoryTest_6_1_27_10'), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.path === '/vulnerabilities/0/product_status/known_not_affected/0'));
  });

  it('the same document as a security advisory does not need those (the rules are profile rules)', async () => {
    const doc: any = clone(render(richAdvisoryInput(), 'csaf_security_advisory'));
    delete doc.vulnerabilities[0].flags;
    delete doc.vulnerabilities[1].remediations;
    assert.deepEqual(await validateCsaf(doc), []);
  });
});

describe('toCsaf', () => {
  it('refuses a VEX rendering with a known_affected product that has no remediation', () => {
    const input = richAdvisoryInput();
    input.vulnerabilities[1]!.remediations = [];
    assert.doesNotThrow(() => render(input, 'csaf_security_advisory'));
    assert.throws(
      () => render(input, 'csaf_vex'),
      (e: unknown) =>
        e instanceof AdvisoryError && e.code === 'ADVISORY_INVALID' && (e.details as { errors: AdvisoryProblem[] }).errors[0]!.path === '/vulnerabilities/1/products/0' && /6\.1\.27\.10/.test(e.message),
    );
  });

  it('is deterministic: same advisory, same bytes, whatever the input key order', () => {
    const a = serializeCsaf(render());
    const b = serializeCsaf(render());
    const c = serializeCsaf(render(reverseKeys(richAdvisoryInput()) as AdvisoryInput));
    assert.equal(a, b);
    assert.equal(a, c);
    assert.ok(a.endsWith('}\n') && a.startsWith('{\n  "document": {'));
    assert.equal(a, `${JSON.stringify(JSON.parse(a), null, 2)}\n`);
  });

  it('version 2 lists both revisions; version 1 lists one', () => {
    const v2 = render().document.tracking;
    assert.equal(v2.version, '2');
    assert.deepEqual(v2.revision_history, [
      { date: '2026-02-01T12:00:00Z', number: '1', summary: 'Initial public release.' },
      { date: '2026-02-10T07:30:00Z', number: '2', summary: 'Added CVSS v4.0 vector and the acme-cli VEX statements.' },
    ]);
    const first = richAdvisoryInput();
    first.revisions = first.revisions.slice(0, 1);
    first.currentReleaseDate = first.initialReleaseDate;
    const v1 = render(first).document.tracking;
    assert.equal(v1.version, '1');
    assert.equal(v1.revision_history.length, 1);
    assert.equal(v1.current_release_date, '2026-02-01T12:00:00Z');
  });

  it('builds the product tree vendor → product_name → product_version with stable ids and identification helpers', () => {
    const doc = render();
    const tree = doc.product_tree!.branches!;
    assert.deepEqual(
      tree.map((v) => [v.category, v.name, v.branches!.map((p) => [p.category, p.name, p.branches!.map((x) => [x.category, x.name, x.product!.product_id])])]),
      [
        [
          'vendor',
          'Example Networks',
          [
            [
              'product_name',
              'EdgeGate',
              [
                ['product_version', '4.2.0', 'edgegate@4.2.0'],
                ['product_version', '4.2.1', 'edgegate@4.2.1'],
                ['product_version', '4.3.0', 'edgegate@4.3.0'],
              ],
            ],
          ],
        ],
        [
          'vendor',
          'Acme Software',
          [
            [
              'product_name',
              '@acme/json-stream',
              [
                ['product_version', '1.4.2', 'json-stream@1.4.2'],
                ['product_version_range', 'vers:npm/>=1.0.0|<1.4.2', 'json-stream'],
              ],
            ],
            [
              'product_name',
              'acme-cli',
              [
                ['product_version', '2.0.0', 'acme-cli@2.0.0'],
                ['product_version', '2.1.0', 'acme-cli@2.1.0'],
              ],
            ],
          ],
        ],
      ],
    );
    assert.deepEqual(tree[1]!.branches![0]!.branches![0]!.product!.product_identification_helper, { purl: 'pkg:npm/%40acme/json-stream@1.4.2' });
    // Adding a product in front and a version does not move any existing id.
    const more = richAdvisoryInput();
    more.products.unshift({ key: 'aaa', vendor: 'Zeta', name: 'AAA', purl: 'pkg:npm/aaa', versions: [{ version: '1.0.0' }] });
    more.products[1]!.versions!.unshift({ version: '4.1.0' });
    const ids = (d: CsafDocument) => d.vulnerabilities!.map((v) => v.product_status);
    assert.deepEqual(ids(render(more)), ids(doc));
  });

  it('maps statuses, VEX justifications, impact statements, remediations and scores to product ids', () => {
    const [v1, v2] = render().vulnerabilities!;
    assert.deepEqual(v1!.product_status, { fixed: ['edgegate@4.3.0'], known_affected: ['edgegate@4.2.0', 'edgegate@4.2.1'], known_not_affected: ['acme-cli@2.0.0', 'acme-cli@2.1.0'] });
    assert.deepEqual(v1!.flags, [{ label: 'component_not_present', product_ids: ['acme-cli@2.0.0', 'acme-cli@2.1.0'] }]);
    assert.deepEqual(v1!.remediations![0], {
      category: 'vendor_fix',
      details: 'Upgrade EdgeGate to 4.3.0.',
      product_ids: ['edgegate@4.2.0', 'edgegate@4.2.1'],
      url: 'https://example.net/downloads/edgegate/4.3.0',
    });
    assert.equal(v1!.scores![0]!.cvss_v3!.baseScore, 9.8);
    assert.deepEqual(v1!.scores![0]!.products, ['edgegate@4.2.0', 'edgegate@4.2.1']);
    assert.deepEqual(v1!.cwe, { id: 'CWE-787', name: 'Out-of-bounds Write' });
    assert.equal(v1!.notes!.find((n) => n.title === 'CVSS v4.0')!.text, 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N (base score 9.3)');
    assert.deepEqual(v2!.threats, [{ category: 'impact', details: 'acme-cli parses only its own configuration file with json-stream, never network input.', product_ids: ['acme-cli@2.0.0', 'acme-cli@2.1.0'] }]);
    assert.deepEqual(v2!.product_status!.under_investigation, ['edgegate@4.3.0']);
    assert.equal(render().document.aggregate_severity!.text, 'Critical');
  });

  it('writes vers ranges for OSV ranges', () => {
    const vers = (ranges: any[], purl?: string) => versOf({ ...(purl ? { purl } : {}), ranges });
    assert.equal(vers([{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }], 'pkg:npm/x'), 'vers:npm/<2.0.0');
    assert.equal(vers([{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { last_affected: '1.9.0' }] }]), 'vers:semver/>=1.0.0|<=1.9.0');
    assert.equal(vers([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], 'pkg:pypi/x'), 'vers:pypi/*');
    assert.equal(vers([{ type: 'ECOSYSTEM', events: [{ introduced: '1|2' }] }]), 'vers:generic/>=1%7C2');
    assert.equal(
      vers([
        { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.2.0' }] },
        { type: 'SEMVER', events: [{ introduced: '2.0.0' }, { fixed: '2.0.5' }] },
      ]),
      'vers:semver/>=1.0.0|<1.2.0|>=2.0.0|<2.0.5',
    );
  });

  it('names files by CSAF 2.0 §5.1', () => {
    assert.equal(csafFilename('ACCORD-2026-0001'), 'accord-2026-0001.json');
    assert.equal(csafFilename('Example Company - 2019-YH3234'), 'example_company_-_2019-yh3234.json');
    assert.equal(csafFilename('RHBA-2019:0024'), 'rhba-2019_0024.json');
    assert.equal(csafFilename('cisco-sa-20190513-secureboot'), 'cisco-sa-20190513-secureboot.json');
    assert.equal(csafFilename('2022_#01-A'), '2022_01-a.json');
    assert.equal(csafFilename('a+b'), 'a+b.json');
  });
});

describe('validateAdvisoryFile with CSAF', () => {
  it('detects and validates CSAF 2.0 text', async () => {
    const text = serializeCsaf(render());
    assert.deepEqual(await validateAdvisoryFile(text), { format: 'csaf', errors: [] });
    const broken = JSON.parse(text);
    delete broken.document.title;
    const r = await validateAdvisoryFile(JSON.stringify(broken));
    assert.equal(r.format, 'csaf');
    assert.ok(r.errors.some((e) => e.path === '/document/title' && e.test === 'csaf_2_0_strict'), JSON.stringify(r.errors));
  });

  it('refuses CSAF versions other than 2.0', async () => {
    const doc: any = render();
    doc.document.csaf_version = '2.1';
    await assert.rejects(validateAdvisoryFile(JSON.stringify(doc)), (e: unknown) => e instanceof AdvisoryError && e.code === 'ADVISORY_FORMAT_UNKNOWN');
  });
});

describe('property: whatever createAdvisory accepts renders to valid CSAF and OSV', () => {
  const POOL: unknown[] = ['', ' ', 'x', 'all versions', '4.2.0', '1.4.2', 'CVE-2026-10003', 'CWE-79', 'https://example.com/a', '2026-02-05T00:00:00Z', '0', '2', 'known_affected', 'fixed', 'vendor_fix', 'pkg:npm/other', 'edgegate', 'acme-cli', 'json-stream', 'é', 0, 9.8, -1, null, true, [], {}];

  /** Every [container, key] in the tree, for picking a mutation site. */
  function sites(v: unknown, out: [any, string | number][] = []): [any, string | number][] {
    const children: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : v && typeof v === 'object' ? Object.entries(v) : [];
    for (const [k, x] of children) {
      out.push([v, k]);
      sites(x, out);
    }
    return out;
  }

  it('600 random mutations of the rich advisory: each is refused with field problems or renders to documents the validators accept', async () => {
    const r = prng(2026);
    let accepted = 0;
    for (let n = 0; n < 600; n++) {
      const input: any = richAdvisoryInput();
      for (let m = 0, count = 1 + r.int(3); m < count; m++) {
        const all = sites(input);
        const [container, key] = all[r.int(all.length)]!;
        const op = r.int(5);
        if (op === 0 && !Array.isArray(container)) delete container[key];
        else if (op === 1 && Array.isArray(container)) container.push(structuredClone(container[key as number]));
        else if (op === 2 && Array.isArray(container)) container.splice(key as number, 1);
        else if (op === 3 && Array.isArray(container[key])) container[key] = [];
        else container[key] = structuredClone(r.pick(POOL));
      }
      let advisory;
      try {
        advisory = createAdvisory(input);
      } catch (e) {
        assert.ok(e instanceof AdvisoryError && e.code === 'ADVISORY_INVALID', `mutation ${n} threw ${String(e)}`);
        assert.ok(((e.details as any).errors as unknown[]).length > 0);
        continue;
      }
      accepted++;
      for (const profile of PROFILES) {
        let doc: CsafDocument;
        try {
          doc = toCsaf(advisory, { profile });
        } catch (e) {
          assert.ok(profile === 'csaf_vex' && e instanceof AdvisoryError && e.code === 'ADVISORY_INVALID', String(e));
          continue;
        }
        assert.deepEqual(await validateCsaf(doc), [], `mutation ${n} (${profile}): ${JSON.stringify(input).slice(0, 2000)}`);
      }
      for (const rec of toOsv(advisory)) assert.deepEqual(validateOsv(rec), [], `mutation ${n}: ${rec.id}`);
    }
    assert.ok(accepted > 40, `only ${accepted} mutants were accepted; the property says little`);
  });
});
