import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCveRecords } from '../../../src/advisory/cve.js';
import { createAdvisory } from '../../../src/advisory/model.js';
import { richAdvisoryInput } from './support.js';

const ORG = '8254265b-2729-46b6-b9e3-3dfca2d5bfca';
const records = (input = richAdvisoryInput()) => toCveRecords(createAdvisory(input), { assignerOrgId: ORG, assignerShortName: 'accord' });

describe('CVE JSON 5.1 record drafts', () => {
  it('drafts one record per vulnerability with a CVE id', () => {
    assert.deepEqual(
      records().map((r) => r.cveMetadata.cveId),
      ['CVE-2026-10001', 'CVE-2026-10002'],
    );
    const input = richAdvisoryInput();
    delete input.vulnerabilities[1]!.cve;
    assert.deepEqual(
      records(input).map((r) => r.cveMetadata.cveId),
      ['CVE-2026-10001'],
    );
  });

  it('fills metadata, descriptions, problem types, metrics, solutions, workarounds and credits', () => {
    const [r] = records();
    assert.equal(r!.dataType, 'CVE_RECORD');
    assert.equal(r!.dataVersion, '5.1');
    assert.deepEqual(r!.cveMetadata, {
      cveId: 'CVE-2026-10001',
      assignerOrgId: ORG,
      assignerShortName: 'accord',
      state: 'PUBLISHED',
      datePublished: '2026-02-01T12:00:00Z',
      dateUpdated: '2026-02-10T07:30:00Z',
    });
    const cna = r!.containers.cna;
    assert.deepEqual(cna.providerMetadata, { orgId: ORG, shortName: 'accord', dateUpdated: '2026-02-10T07:30:00Z' });
    assert.deepEqual(cna.descriptions, [{ lang: 'en', value: richAdvisoryInput().vulnerabilities[0]!.description }]);
    assert.deepEqual(cna.problemTypes, [{ descriptions: [{ lang: 'en', description: 'CWE-787 Out-of-bounds Write', cweId: 'CWE-787', type: 'CWE' }] }]);
    assert.equal(cna.metrics!.length, 2);
    assert.equal((cna.metrics![0] as any).cvssV3_1.baseScore, 9.8);
    assert.equal((cna.metrics![0] as any).cvssV3_1.attackVector, 'NETWORK');
    assert.deepEqual((cna.metrics![1] as any).cvssV4_0, { version: '4.0', vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', baseScore: 9.3, baseSeverity: 'CRITICAL' });
    assert.deepEqual(cna.solutions, [{ lang: 'en', value: 'Upgrade EdgeGate to 4.3.0. https://example.net/downloads/edgegate/4.3.0' }]);
    assert.deepEqual(cna.workarounds, [{ lang: 'en', value: 'Disable IKEv1 on external interfaces.' }]);
    assert.deepEqual(cna.credits, [{ lang: 'en', value: 'Jane Finder (Example Research)', type: 'finder' }]);
    assert.deepEqual(cna.references[0], { url: 'https://accord.example.org/advisories/ACCORD-2026-0001', name: 'This advisory', tags: ['vendor-advisory'] });
  });

  it('states per-version status and turns OSV ranges into CVE version ranges', () => {
    const [r1, r2] = records();
    assert.deepEqual(r1!.containers.cna.affected, [
      {
        vendor: 'Example Networks',
        product: 'EdgeGate',
        cpes: ['cpe:2.3:o:example_networks:edgegate:*:*:*:*:*:*:*:*'],
        defaultStatus: 'unknown',
        versions: [
          { version: '4.2.0', status: 'affected' },
          { version: '4.2.1', status: 'affected' },
          { version: '4.3.0', status: 'unaffected' },
        ],
      },
      {
        vendor: 'Acme Software',
        product: 'acme-cli',
        packageName: 'acme-cli',
        collectionURL: 'https://pypi.org',
        defaultStatus: 'unknown',
        versions: [
          { version: '2.0.0', status: 'unaffected' },
          { version: '2.1.0', status: 'unaffected' },
        ],
      },
    ]);
    const json = r2!.containers.cna.affected.find((a) => a.packageName === '@acme/json-stream')!;
    assert.equal(json.collectionURL, 'https://www.npmjs.com');
    assert.deepEqual(json.versions, [
      { version: '1.0.0', status: 'affected', versionType: 'semver', lessThan: '1.4.2' },
      { version: '1.4.2', status: 'unaffected' },
    ]);
    assert.deepEqual(r2!.containers.cna.affected.find((a) => a.product === 'EdgeGate')!.versions, [{ version: '4.3.0', status: 'unknown' }]);
    assert.equal(r2!.containers.cna.metrics!.length, 1, 'no CVSS v4.0 score given, so no cvssV4_0');
  });

  it('maps last_affected, limits and open ranges', () => {
    const input = richAdvisoryInput();
    input.products[1]!.ranges = [
      { type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '0.9.0' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { limit: '1.1.0' }, { introduced: '2.0.0' }] },
    ];
    const json = records(input)[1]!.containers.cna.affected.find((a) => a.packageName === '@acme/json-stream')!;
    assert.deepEqual(json.versions.slice(0, 3), [
      { version: '0', status: 'affected', versionType: 'semver', lessThanOrEqual: '0.9.0' },
      { version: '1.0.0', status: 'affected', versionType: 'custom', lessThan: '1.1.0' },
      { version: '2.0.0', status: 'affected', versionType: 'custom', lessThan: '*' },
    ]);
  });
});
