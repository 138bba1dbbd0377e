import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdvisoryError } from '../../../src/advisory/errors.js';
import { createAdvisory } from '../../../src/advisory/model.js';
import { OSV_SCHEMA_VERSION, osvId, serializeOsv, toOsv, type OsvRecord } from '../../../src/advisory/osv.js';
import { MAX_ADVISORY_FILE_LENGTH, detectAdvisoryFormat, validateAdvisoryFile, validateOsv } from '../../../src/advisory/validate.js';
import { richAdvisoryInput } from './support.js';

const records = (): OsvRecord[] => toOsv(createAdvisory(richAdvisoryInput()));

describe('OSV rendering', () => {
  it('renders one record per vulnerability, each valid against the official OSV schema', () => {
    const rs = records();
    assert.equal(rs.length, 2);
    for (const r of rs) assert.deepEqual(validateOsv(r), [], r.id);
    assert.deepEqual(
      rs.map((r) => r.id),
      ['x_ACCORD-2026-0001-1', 'x_ACCORD-2026-0001-2'],
    );
  });

  it('carries ids, dates, aliases, severity, summary, details, references and credits', () => {
    const [r1] = records();
    assert.equal(r1!.schema_version, OSV_SCHEMA_VERSION);
    assert.equal(r1!.modified, '2026-02-10T07:30:00Z');
    assert.equal(r1!.published, '2026-02-01T12:00:00Z');
    assert.deepEqual(r1!.aliases, ['CVE-2026-10001']);
    assert.deepEqual(r1!.severity, [
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
    ]);
    assert.equal(r1!.summary, 'Out-of-bounds write in the EdgeGate VPN parser');
    assert.match(r1!.details!, /## Remediation\n\n- Fix: Upgrade EdgeGate to 4\.3\.0\. \(https:\/\/example\.net\/downloads\/edgegate\/4\.3\.0\)\n- Workaround: Disable IKEv1/);
    assert.deepEqual(r1!.references, [
      { type: 'ADVISORY', url: 'https://accord.example.org/advisories/ACCORD-2026-0001' },
      { type: 'ADVISORY', url: 'https://example.net/psirt/EN-2026-07' },
      { type: 'ADVISORY', url: 'https://example.net/psirt/EN-2026-07#edgegate' },
      { type: 'WEB', url: 'https://example.net/downloads/edgegate/4.3.0' },
    ]);
    assert.deepEqual(r1!.credits, [{ name: 'Jane Finder (Example Research)', contact: ['https://research.example.com/jane'], type: 'FINDER' }]);
    assert.deepEqual(r1!.database_specific!.cwe_ids, ['CWE-787']);
    assert.equal(r1!.database_specific!.severity, 'CRITICAL');
  });

  it('lists affected packages with ranges and versions; products outside OSV ecosystems go to database_specific', () => {
    const [r1, r2] = records();
    assert.deepEqual(r1!.affected, [], 'EdgeGate firmware has no OSV ecosystem; acme-cli is not affected');
    assert.deepEqual(r1!.database_specific!.affected_without_osv_package, [
      { vendor: 'Example Networks', product: 'EdgeGate', cpe: 'cpe:2.3:o:example_networks:edgegate:*:*:*:*:*:*:*:*', fixed_versions: ['4.3.0'], versions: ['4.2.0', '4.2.1'] },
    ]);
    assert.deepEqual(r2!.affected, [
      {
        package: { ecosystem: 'npm', name: '@acme/json-stream', purl: 'pkg:npm/%40acme/json-stream' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.4.2' }] }],
        database_specific: { vendor: 'Acme Software', product: '@acme/json-stream', fixed_versions: ['1.4.2'] },
      },
    ]);
  });

  it('lists affected concrete versions of packaged products', () => {
    const input = richAdvisoryInput();
    input.vulnerabilities[1]!.products[2] = { product: 'acme-cli', versions: ['2.0.0'], status: 'known_affected' };
    input.vulnerabilities[1]!.remediations!.push({ category: 'no_fix_planned', details: 'acme-cli 2.0 is out of support.', products: [{ product: 'acme-cli', versions: ['2.0.0'] }] });
    const [, r2] = toOsv(createAdvisory(input));
    assert.deepEqual(r2!.affected![1], {
      package: { ecosystem: 'PyPI', name: 'acme-cli', purl: 'pkg:pypi/acme-cli' },
      versions: ['2.0.0'],
      database_specific: { vendor: 'Acme Software', product: 'acme-cli' },
    });
    assert.deepEqual(validateOsv(r2), []);
  });

  it('uses a registered prefix when configured', () => {
    const input = richAdvisoryInput();
    input.id = 'OSV-2026-17';
    const rs = toOsv(createAdvisory(input), { idPrefix: '' });
    assert.equal(rs[0]!.id, 'OSV-2026-17-1');
    assert.equal(osvId({ id: 'OSV-2026-17' }, 1, { idPrefix: '' }), 'OSV-2026-17-2');
    for (const r of rs) assert.deepEqual(validateOsv(r), []);
  });

  it('is deterministic', () => {
    assert.equal(records().map(serializeOsv).join(''), records().map(serializeOsv).join(''));
    assert.ok(serializeOsv(records()[0]).endsWith('}\n'));
  });
});

describe('validateOsv catches invalid records', () => {
  const cases: [string, (r: any) => void, string][] = [
    ['an event with two keys', (r) => (r.affected[0].ranges[0].events[1] = { fixed: '1.4.2', introduced: '1.0.0' }), '/affected/0/ranges/0/events/1'],
    ['events without introduced', (r) => (r.affected[0].ranges[0].events = [{ fixed: '1.4.2' }]), '/affected/0/ranges/0/events'],
    ['an unknown event', (r) => (r.affected[0].ranges[0].events[1] = { patched: '1.4.2' }), '/affected/0/ranges/0/events/1'],
    ['fixed and last_affected in one range', (r) => r.affected[0].ranges[0].events.push({ last_affected: '1.4.1' }), '/affected/0/ranges/0'],
    ['an unknown range type', (r) => (r.affected[0].ranges[0].type = 'SEMVER2'), '/affected/0/ranges/0/type'],
    ['an unknown ecosystem', (r) => (r.affected[0].package.ecosystem = 'Npm'), '/affected/0/package/ecosystem'],
    ['a missing modified', (r) => delete r.modified, '/modified'],
    ['a timestamp with an offset instead of Z', (r) => (r.published = '2026-02-01T13:00:00+01:00'), '/published'],
    ['an id without a registered prefix or x_', (r) => (r.id = 'ACCORD-2026-0001-2'), '/id'],
    ['an unknown top-level field', (r) => (r.accord = true), '/accord'],
    ['a malformed CVSS v3 vector', (r) => (r.severity = [{ type: 'CVSS_V3', score: '9.8' }]), '/severity/0/score'],
    ['severity both per record and per package', (r) => ((r.severity = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' }]), (r.affected[0].severity = r.severity)), '/affected/0/severity'],
    ['a reference that is not a URI', (r) => (r.references[0].url = 'not a uri'), '/references/0/url'],
  ];
  for (const [name, mutate, path] of cases) {
    it(name, () => {
      const r: any = structuredClone(records()[1]);
      assert.deepEqual(validateOsv(r), [], 'valid before');
      mutate(r);
      const problems = validateOsv(r);
      assert.ok(
        problems.some((p) => p.path === path && p.test === 'osv-schema'),
        `expected ${path}; got ${JSON.stringify(problems)}`,
      );
    });
  }
});

describe('validateAdvisoryFile', () => {
  it('detects and validates OSV records', async () => {
    const [r] = records();
    assert.deepEqual(await validateAdvisoryFile(serializeOsv(r)), { format: 'osv', errors: [] });
    assert.deepEqual(await validateAdvisoryFile(`\ufeff${serializeOsv(r)}`), { format: 'osv', errors: [] }, 'a byte order mark is ignored');
    const bad = await validateAdvisoryFile(JSON.stringify({ ...r, modified: 'yesterday' }));
    assert.equal(bad.format, 'osv');
    assert.ok(bad.errors.some((e) => e.path === '/modified'));
  });

  it('tells formats apart', () => {
    assert.equal(detectAdvisoryFormat({ document: { csaf_version: '2.0' } }), 'csaf');
    assert.equal(detectAdvisoryFormat({ schema_version: '1.7.5', id: 'x_1' }), 'osv');
    assert.equal(detectAdvisoryFormat({ id: 'x_1', modified: '2026-01-01T00:00:00Z' }), 'osv');
    assert.equal(detectAdvisoryFormat({ dataType: 'CVE_RECORD', id: 'x', modified: 'y' }), undefined);
    assert.equal(detectAdvisoryFormat([]), undefined);
  });

  const refused: [string, string, string, RegExp][] = [
    ['text that is not JSON', '{"id":', 'ADVISORY_FORMAT_UNKNOWN', /not JSON/],
    ['a CVE record', JSON.stringify({ dataType: 'CVE_RECORD', dataVersion: '5.1' }), 'ADVISORY_FORMAT_UNKNOWN', /CVE JSON 5/],
    ['an unrelated object', JSON.stringify({ hello: 'world' }), 'ADVISORY_FORMAT_UNKNOWN', /neither/],
    ['a file over the limit', ' '.repeat(MAX_ADVISORY_FILE_LENGTH + 1), 'ADVISORY_TOO_LARGE', /limit/],
  ];
  for (const [name, text, code, message] of refused) {
    it(`refuses ${name}`, async () => {
      await assert.rejects(validateAdvisoryFile(text), (e: unknown) => e instanceof AdvisoryError && e.code === code && message.test(e.message));
    });
  }
});
