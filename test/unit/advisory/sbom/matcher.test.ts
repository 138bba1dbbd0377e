/**
 * "Am I affected?": the matcher's index keys, confidence levels, distro
 * releases, fixed versions and record handling. Advisory facts are modelled
 * on real OSV records (GHSA-29mw-wpgm-hmr9 lodash, CVE-2021-44228 log4j-core,
 * CVE-2022-22965 spring-beans/core, PYSEC-2018-28 requests, DSA-5532-1 openssl)
 * with their published ranges.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SbomError } from '../../../../src/advisory/sbom/errors.js';
import { AdvisoryMatcher, type Finding, type VulnerabilityRecord } from '../../../../src/advisory/sbom/matcher.js';
import { pep503, releasesMatch } from '../../../../src/advisory/sbom/package-key.js';
import { parseSbom } from '../../../../src/advisory/sbom/parse.js';

const osv = (id: string, ecosystem: string, name: string, events: Record<string, string>[], extra: Partial<VulnerabilityRecord> = {}): VulnerabilityRecord => ({
  id,
  aliases: [],
  summary: `${name} advisory`,
  source: 'osv',
  affected: [{ package: { ecosystem, name }, ranges: [{ type: ecosystem === 'npm' || ecosystem === 'Go' ? 'SEMVER' : 'ECOSYSTEM', events }] }],
  ...extra,
});

const RECORDS: VulnerabilityRecord[] = [
  osv('GHSA-29mw-wpgm-hmr9', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], { aliases: ['CVE-2020-28500'], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }] }),
  {
    // Two ranges of one package (CVE-2021-44228 fixed in 2.15.0, CVE-2021-45046 in 2.16.0, merged for the test).
    id: 'GHSA-jfh8-c2jp-5v3q',
    source: 'osv',
    aliases: ['CVE-2021-44228'],
    affected: [
      {
        package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' },
        ranges: [
          { type: 'ECOSYSTEM', events: [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }] },
          { type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.16.0' }] },
        ],
      },
    ],
  },
  osv('GHSA-36p3-wjmg-h94x', 'Maven', 'org.springframework:spring-core', [{ introduced: '5.3.0' }, { fixed: '5.3.18' }, { introduced: '0' }, { fixed: '5.2.20' }], { aliases: ['CVE-2022-22965'] }),
  osv('PYSEC-2018-28', 'PyPI', 'requests', [{ introduced: '0' }, { fixed: '2.20.0' }], { aliases: ['CVE-2018-18074'] }),
  {
    id: 'DSA-5532-1',
    source: 'osv',
    aliases: ['CVE-2023-5363'],
    summary: 'openssl security update',
    affected: [
      { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] },
      { package: { ecosystem: 'Debian:11', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u1' }] }] },
    ],
  },
  { id: 'ACCORD-2026-0007', source: 'accord', summary: 'OpenSSL appliance firmware', affected: [], cpes: ['cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*'] },
];

const EDGE = readFileSync(new URL('../../../vectors/sbom/cyclonedx-1.6-edge-cases.json', import.meta.url), 'utf8');

function matcher(records: VulnerabilityRecord[] = RECORDS): AdvisoryMatcher {
  const m = new AdvisoryMatcher();
  for (const r of records) m.add(r);
  return m;
}

const pick = (fs: Finding[], ref: string, id: string) => fs.find((f) => f.component.ref === ref && f.advisory_id === id);

describe('matching an SBOM', () => {
  const sbom = parseSbom(EDGE);
  const { findings, stats } = matcher().check(sbom.components);

  it('exact: npm lodash 4.17.20 is affected, the purl is reported exactly as given, with the fix', () => {
    const f = pick(findings, 'pkg:npm/lodash@4.17.20', 'GHSA-29mw-wpgm-hmr9')!;
    assert.deepEqual(f.component, { ref: 'pkg:npm/lodash@4.17.20', purl: 'pkg:npm/lodash@4.17.20', name: 'lodash', version: '4.17.20' });
    assert.equal(f.confidence, 'exact');
    assert.equal(f.possible, false);
    assert.equal(f.affected_range, '<4.17.21');
    assert.equal(f.fixed_version, '4.17.21');
    assert.deepEqual(f.aliases, ['CVE-2020-28500']);
    assert.ok(Array.isArray(f.severity));
    assert.equal(pick(findings, 'lodash-dup', 'GHSA-29mw-wpgm-hmr9'), undefined, '4.17.21 is fixed');
  });
  it('PyPI names match after PEP 503 normalisation (Requests → requests)', () => {
    const f = pick(findings, 'pkg:pypi/Requests@2.19.0', 'PYSEC-2018-28')!;
    assert.equal(f.component.purl, 'pkg:PyPI/Requests@2.19.0?extension=tar.gz&arch=any');
    assert.equal(f.confidence, 'exact');
    assert.equal(f.fixed_version, '2.20.0');
  });
  it('Maven: nested log4j-core 2.14.1 and spring-core 5.3.17, with the fix of the holding range', () => {
    const log4j = pick(findings, 'log4j', 'GHSA-jfh8-c2jp-5v3q')!;
    assert.equal(log4j.affected_range, '>=2.0-beta9 <2.15.0');
    assert.equal(log4j.fixed_version, '2.16.0', '2.15.0 is still inside the second range [2.13.0, 2.16.0)');
    const spring = pick(findings, 'spring', 'GHSA-36p3-wjmg-h94x')!;
    assert.equal(spring.affected_range, '>=5.3.0 <5.3.18');
    assert.equal(spring.fixed_version, '5.3.18');
  });
  it('Debian: the binary package is found through upstream=openssl, and only the Debian 12 entry applies', () => {
    const f = pick(findings, 'deb-openssl', 'DSA-5532-1')!;
    assert.equal(f.ecosystem, 'Debian:12');
    assert.equal(f.package, 'openssl');
    assert.equal(f.fixed_version, '3.0.11-1~deb12u2');
    assert.equal(f.confidence, 'exact');
    assert.deepEqual(f.notes, []);
  });
  it('cpe-only: a component known only by CPE is a possible match', () => {
    const f = pick(findings, 'no-purl', 'ACCORD-2026-0007')!;
    assert.equal(f.confidence, 'cpe-only');
    assert.equal(f.possible, true);
    assert.equal(f.source, 'accord');
  });
  it('nothing else matches (the duplicate-ref copy of lodash is a component of its own), and statistics are kept', () => {
    assert.equal(findings.filter((f) => f.component.ref === 'pkg:npm/lodash@4.17.20').length, 2);
    assert.equal(findings.length, 7);
    assert.equal(stats.components, 12);
    assert.equal(stats.with_purl, 8, 'the invalid purl does not count');
  });
});

describe('confidence and notes', () => {
  const m = matcher();
  it('name-only: a purl without a version is a possible match with every range', () => {
    const { findings } = m.checkPurls(['pkg:npm/lodash']);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.confidence, 'name-only');
    assert.equal(findings[0]!.possible, true);
    assert.equal(findings[0]!.affected_range, '<4.17.21');
    assert.equal(findings[0]!.fixed_version, null);
  });
  it('name-only: an unparsable version is possible, with the reason', () => {
    const { findings } = m.checkPurls(['pkg:pypi/requests@not%20a%20version']);
    assert.equal(findings[0]!.confidence, 'name-only');
    assert.match(findings[0]!.notes.join(' '), /does not parse under the pep440 rules/);
  });
  it('a distro package without a release matches every release, with a note; a wrong release does not match', () => {
    const none = m.checkPurls(['pkg:deb/debian/openssl@3.0.9-1']).findings;
    assert.equal(none.length, 1, 'one finding per advisory, not per entry');
    assert.match(none[0]!.notes[0]!, /names no Debian release/);
    assert.equal(m.checkPurls(['pkg:deb/debian/openssl@3.0.9-1?distro=debian-10']).findings.length, 0);
    assert.equal(m.checkPurls(['pkg:deb/debian/openssl@3.0.9-1?distro=bookworm']).findings[0]?.ecosystem, 'Debian:12');
    assert.equal(m.checkPurls(['pkg:deb/ubuntu/openssl@3.0.9-1']).findings.length, 0, 'Ubuntu is not Debian');
    assert.equal(m.checkPurls(['pkg:deb/kali/openssl@3.0.9-1']).findings.length, 0, 'unknown distributions are not guessed');
  });
  it('invalid purls in a list are warnings, not errors', () => {
    const r = m.checkPurls(['pkg:npm/lodash@4.17.0', 'not a purl', 'pkg:npm/x%ZZ']);
    assert.equal(r.findings.length, 1);
    assert.deepEqual(r.warnings.map((w) => `${w.code} ${w.ref}`), ['PURL_INVALID purl:1', 'PURL_INVALID purl:2']);
  });
});

describe('ecosystem keys', () => {
  const m = matcher([
    osv('GO-2020-0019', 'Go', 'github.com/gorilla/websocket', [{ introduced: '0' }, { fixed: '1.4.1' }]),
    osv('GO-2023-1', 'Go', 'stdlib', [{ introduced: '1.21.0' }, { fixed: '1.21.1' }]),
    osv('RUSTSEC-1', 'crates.io', 'foo-bar', [{ introduced: '0' }, { fixed: '1.0.0' }]),
    osv('NUGET-1', 'NuGet', 'Newtonsoft.Json', [{ introduced: '0' }, { fixed: '13.0.1' }]),
    osv('RHSA-1', 'Red Hat:enterprise_linux:8::baseos', 'openssl', [{ introduced: '0' }, { fixed: '1:1.1.1k-9.el8_7' }]),
    osv('ALPINE-1', 'Alpine:v3.18', 'openssl', [{ introduced: '0' }, { fixed: '3.1.4-r1' }]),
    osv('PKG-1', 'Packagist', 'laravel/framework', [{ introduced: '7.0.0' }, { fixed: '7.12.1' }]),
    osv('NPM-SCOPED', 'npm', '@angular/core', [{ introduced: '0' }, { fixed: '11.0.5' }]),
    osv('LINUX-1', 'Linux', 'Kernel', [{ introduced: '0' }, { fixed: '6.1' }]),
    { id: 'GIT-1', source: 'osv', affected: [{ package: { ecosystem: 'npm', name: 'gitonly' }, versions: ['1.0.0'], ranges: [{ type: 'GIT', repo: 'https://example.org/g', events: [{ introduced: '0' }] }] }] },
  ]);
  const ids = (purl: string) => m.checkPurls([purl]).findings.map((f) => `${f.advisory_id}:${f.confidence}`);
  it('Go modules with a "v" prefix, and the standard library', () => {
    assert.deepEqual(ids('pkg:golang/github.com/gorilla/websocket@v1.4.0'), ['GO-2020-0019:exact']);
    assert.deepEqual(ids('pkg:golang/github.com/gorilla/websocket@v1.4.1'), []);
    assert.deepEqual(ids('pkg:golang/stdlib@v1.21.0'), ['GO-2023-1:exact']);
  });
  it('PyPI names compare after PEP 503 normalisation', () => {
    const py = matcher([osv('PYSEC-Z', 'PyPI', 'zope.interface', [{ introduced: '0' }, { fixed: '5.0' }])]);
    assert.deepEqual(py.checkPurls(['pkg:pypi/Zope_Interface@4.7.2']).findings.map((f) => f.advisory_id), ['PYSEC-Z']);
    assert.deepEqual(py.checkPurls(['pkg:pypi/zope-interface@4.7.2']).findings.map((f) => f.advisory_id), ['PYSEC-Z']);
  });
  it('crates.io and NuGet names compare as their registries do', () => {
    assert.deepEqual(ids('pkg:cargo/Foo_Bar@0.9.0'), ['RUSTSEC-1:exact']);
    assert.deepEqual(ids('pkg:nuget/newtonsoft.json@12.0.3'), ['NUGET-1:exact']);
  });
  it('rpm: epoch qualifier folds into the version; release numbers match by prefix', () => {
    assert.deepEqual(ids('pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?epoch=1&distro=rhel-8.6'), ['RHSA-1:exact']);
    assert.deepEqual(ids('pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?distro=rhel-8.6'), ['RHSA-1:exact'], 'epoch 0 < 1');
    assert.deepEqual(ids('pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?epoch=2&distro=rhel-8.6'), []);
    assert.deepEqual(ids('pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?epoch=1&distro=rhel-9.2'), []);
  });
  it('Alpine: v3.18 matches distro=alpine-3.18.4, not 3.19', () => {
    assert.deepEqual(ids('pkg:apk/alpine/openssl@3.1.4-r0?arch=x86_64&distro=alpine-3.18.4'), ['ALPINE-1:exact']);
    assert.deepEqual(ids('pkg:apk/alpine/openssl@3.1.4-r0?distro=alpine-3.19.1'), []);
  });
  it('Packagist (SemVer-like fallback, noted), scoped npm, GIT-only records via their versions list', () => {
    const f = m.checkPurls(['pkg:composer/Laravel/Framework@7.12.0']).findings;
    assert.deepEqual(f.map((x) => x.advisory_id), ['PKG-1']);
    assert.match(f[0]!.notes.join(' '), /SemVer-like fallback/);
    assert.deepEqual(ids('pkg:npm/%40angular/core@11.0.4'), ['NPM-SCOPED:exact']);
    assert.deepEqual(ids('pkg:npm/@angular/core@11.0.4'), ['NPM-SCOPED:exact']);
    assert.deepEqual(ids('pkg:npm/gitonly@1.0.0'), ['GIT-1:exact']);
    assert.deepEqual(ids('pkg:npm/gitonly@1.0.1'), []);
  });
  it('records in ecosystems without a version order are counted, not indexed', () => {
    assert.equal(m.stats().unindexed, 1);
    assert.equal(m.size, 10);
  });
  it('release matching', () => {
    assert.ok(releasesMatch('12', 'debian-12.5'));
    assert.ok(releasesMatch('12', 'bookworm'));
    assert.ok(!releasesMatch('12', 'debian-11'));
    assert.ok(releasesMatch('v3.18', 'alpine-3.18.4'));
    assert.ok(!releasesMatch('v3.1', 'alpine-3.18.4'));
    assert.ok(releasesMatch('22.04:LTS', 'ubuntu-22.04'));
    assert.ok(releasesMatch('sid', 'debian-sid'));
    assert.ok(!releasesMatch('sid', 'debian-12'));
    assert.equal(pep503('Foo.Bar__baz'), 'foo-bar-baz');
  });
});

describe('the index', () => {
  it('replaces a record added again under the same id, and removes by id', () => {
    const m = matcher();
    m.add(osv('GHSA-29mw-wpgm-hmr9', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.5' }]));
    assert.equal(m.checkPurls(['pkg:npm/lodash@4.17.20']).findings.length, 0);
    assert.equal(m.checkPurls(['pkg:npm/lodash@4.17.4']).findings.length, 1);
    assert.ok(m.remove('GHSA-29mw-wpgm-hmr9'));
    assert.equal(m.checkPurls(['pkg:npm/lodash@4.17.4']).findings.length, 0);
    assert.equal(m.remove('GHSA-29mw-wpgm-hmr9'), false);
    assert.equal(m.stats().records, RECORDS.length - 1);
  });
  it('refuses records without an id, affected list or known source', () => {
    const m = new AdvisoryMatcher();
    for (const bad of [{}, { id: '', affected: [], source: 'osv' }, { id: 'x', source: 'osv' }, { id: 'x', affected: [], source: 'nvd' }, null]) {
      assert.throws(() => m.add(bad as unknown as VulnerabilityRecord), (e: unknown) => e instanceof SbomError && e.code === 'SBOM_MATCH_RECORD_INVALID');
    }
  });
  it('survives malformed affected entries in otherwise valid records', () => {
    const m = new AdvisoryMatcher();
    m.add({ id: 'BROKEN', source: 'osv', affected: [null as never, { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ fixed: '1.0.0' }] }] }] });
    const f = m.checkPurls(['pkg:npm/x@0.5.0']).findings;
    assert.equal(f[0]?.confidence, 'name-only');
  });
  it('checks 2,000 components against 20,000 records quickly', () => {
    const m = new AdvisoryMatcher();
    for (let i = 0; i < 20_000; i++) m.add(osv(`R-${i}`, 'npm', `pkg${i % 5000}`, [{ introduced: `${i % 7}.0.0` }, { fixed: `${i % 7}.5.0` }]));
    const purls = Array.from({ length: 2000 }, (_, i) => `pkg:npm/pkg${i * 3}@${i % 9}.2.0`);
    const t = performance.now();
    const r = m.checkPurls(purls);
    assert.ok(performance.now() - t < 1000);
    assert.ok(r.findings.length > 0);
  });
});
