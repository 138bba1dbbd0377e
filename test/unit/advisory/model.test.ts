import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdvisoryError } from '../../../src/advisory/errors.js';
import { compareDocumentVersions, cpeWithVersion, normaliseTimestamp, osvPackageFromPurl } from '../../../src/advisory/identifiers.js';
import { createAdvisory, resolveProductRef, type AdvisoryInput } from '../../../src/advisory/model.js';
import type { FieldProblem } from '../../../src/errors.js';
import { richAdvisoryInput } from './support.js';

/** The problems createAdvisory reports for the rich advisory after `mutate`. */
function problemsAfter(mutate: (a: any) => void): FieldProblem[] {
  const input = richAdvisoryInput();
  mutate(input);
  try {
    createAdvisory(input);
  } catch (e) {
    assert.ok(e instanceof AdvisoryError, String(e));
    assert.equal(e.code, 'ADVISORY_INVALID');
    return (e.details as { errors: FieldProblem[] }).errors;
  }
  assert.fail('the advisory was accepted');
}

function assertProblem(mutate: (a: any) => void, path: string, message: RegExp): void {
  const problems = problemsAfter(mutate);
  assert.ok(
    problems.some((p) => p.path === path && message.test(p.message)),
    `expected ${path} ${message}, got ${JSON.stringify(problems)}`,
  );
}

describe('createAdvisory normalises a valid advisory', () => {
  const a = createAdvisory(richAdvisoryInput());

  it('derives the version from the revisions and sorts them by number', () => {
    assert.equal(a.version, '2');
    assert.deepEqual(
      a.revisions.map((r) => r.number),
      ['1', '2'],
    );
    const shuffled = richAdvisoryInput();
    shuffled.revisions.reverse();
    assert.deepEqual(createAdvisory(shuffled).revisions, a.revisions);
  });

  it('normalises timestamps to UTC with a Z', () => {
    assert.equal(a.revisions[1]!.date, '2026-02-10T07:30:00Z');
    assert.equal(a.vulnerabilities[0]!.discoveryDate, '2026-01-05T09:00:00Z');
    assert.equal(normaliseTimestamp('2026-02-10T08:30:00.250+01:00'), '2026-02-10T07:30:00.250Z');
    assert.equal(normaliseTimestamp('2026-02-30T00:00:00Z'), undefined, 'no 30 February');
    assert.equal(normaliseTimestamp('2026-02-10T08:30:00'), undefined, 'a time zone is required');
    assert.equal(normaliseTimestamp('2026-02-10 08:30:00Z'), undefined);
  });

  it('derives per-version purls and CPEs, and OSV packages from purls', () => {
    const [edge, json, cli] = a.products;
    assert.equal(edge!.versions[1]!.cpe, 'cpe:2.3:o:example_networks:edgegate:4.2.1:*:*:*:*:*:*:*');
    assert.equal(edge!.package, undefined, 'firmware has no OSV ecosystem');
    assert.equal(json!.versions[0]!.purl, 'pkg:npm/%40acme/json-stream@1.4.2');
    assert.deepEqual(json!.package, { ecosystem: 'npm', name: '@acme/json-stream' });
    assert.deepEqual(cli!.package, { ecosystem: 'PyPI', name: 'acme-cli' });
    assert.deepEqual(osvPackageFromPurl('pkg:maven/org.example/lib'), { ecosystem: 'Maven', name: 'org.example:lib' });
    assert.deepEqual(osvPackageFromPurl('pkg:golang/github.com/acme/x'), { ecosystem: 'Go', name: 'github.com/acme/x' });
    assert.equal(osvPackageFromPurl('pkg:deb/debian/openssl'), undefined, 'Debian needs a release: give package explicitly');
    assert.equal(cpeWithVersion('cpe:2.3:a:acme:tool:*:*:*:*:*:*:*:*', '1.0+build:7'), 'cpe:2.3:a:acme:tool:1.0\\+build\\:7:*:*:*:*:*:*:*');
    assert.equal(cpeWithVersion('cpe:2.3:a:acme:tool:*:*:*:*:*:*:*:*', '1.0 LTS'), undefined);
  });

  it('fills a CWE name from the catalogue', () => {
    const input = richAdvisoryInput();
    input.vulnerabilities[0]!.cwe = { id: 'CWE-79' };
    assert.deepEqual(createAdvisory(input).vulnerabilities[0]!.cwe, { id: 'CWE-79', name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')" });
  });

  it('computes CVSS v3.1 scores and fills defaults', () => {
    assert.deepEqual(a.vulnerabilities[1]!.cvss3, { vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', baseScore: 3.1, baseSeverity: 'LOW' });
    assert.equal(a.vulnerabilities[0]!.cvss4!.baseSeverity, 'CRITICAL');
    assert.equal(a.lang, 'en');
    assert.deepEqual(a.vulnerabilities[1]!.acknowledgments[0], { name: 'Accord Coalition PSIRT', urls: [], type: 'COORDINATOR' });
    const bare = richAdvisoryInput();
    bare.references = [{ url: 'https://example.com/x' }];
    assert.deepEqual(createAdvisory(bare).references, [{ url: 'https://example.com/x', summary: 'Web page', type: 'WEB', self: false }]);
  });

  it('resolves product references: versions, else the range leaf, else every version', () => {
    const ids = (ref: { product: string; versions?: string[] }) => resolveProductRef(a, ref).map((l) => l.id);
    assert.deepEqual(ids({ product: 'json-stream' }), ['json-stream']);
    assert.deepEqual(ids({ product: 'json-stream', versions: ['1.4.2'] }), ['json-stream@1.4.2']);
    assert.deepEqual(ids({ product: 'acme-cli' }), ['acme-cli@2.0.0', 'acme-cli@2.1.0']);
    assert.deepEqual(ids({ product: 'nope' }), []);
  });

  it('is deterministic and does not share structure with its input', () => {
    const input = richAdvisoryInput();
    const first = createAdvisory(input);
    assert.deepEqual(createAdvisory(richAdvisoryInput()), first);
    (input.products[0]!.versions as { version: string }[])[0]!.version = 'changed';
    assert.equal(first.products[0]!.versions[0]!.version, '4.2.0');
  });
});

describe('createAdvisory reports every problem with its JSON pointer', () => {
  it('lists several problems at once', () => {
    const problems = problemsAfter((a) => {
      delete a.title;
      a.tlp = 'WHITE';
      a.publisher.namespace = 'not a url';
      a.vulnerabilities[0].cve = 'CVE-26-1';
    });
    assert.deepEqual(
      problems.map((p) => p.path),
      ['/title', '/publisher/namespace', '/tlp', '/vulnerabilities/0/cve'],
    );
  });

  it('refuses what is not an object', () => {
    for (const input of [null, 'advisory', [], 42]) {
      assert.throws(
        () => createAdvisory(input),
        (e: unknown) => e instanceof AdvisoryError && e.code === 'ADVISORY_INVALID' && (e.details as any).errors[0].path === '',
      );
    }
  });

  const cases: [string, (a: any) => void, string, RegExp][] = [
    ['an unknown field', (a) => (a.titel = 'x'), '/titel', /not a field/],
    ['a language tag that is not BCP 47', (a) => (a.lang = 'en_US'), '/lang', /BCP 47/],
    ['a language tag with unregistered subtags (6.1.12)', (a) => (a.lang = 'CVE-2026'), '/lang', /registered subtags/],
    ['a tracking id with spaces', (a) => (a.id = 'ACCORD 2026 1'), '/id', /letters, digits/],
    ['a control character', (a) => (a.title = 'bell\u0007'), '/title', /control characters/],
    ['a non-http reference', (a) => (a.references[0].url = 'ftp://example.com/x'), '/references/0/url', /http\(s\)/],
    ['two self references', (a) => (a.references[1].self = true), '/references', /at most one/],
    ['a product key with capitals', (a) => (a.products[0].key = 'EdgeGate'), '/products/0/key', /lower-case/],
    ['duplicate product keys', (a) => (a.products[2].key = 'edgegate'), '/products/2/key', /duplicates/],
    ['a version that is a range (6.1.31)', (a) => (a.products[0].versions[0].version = 'all versions'), '/products/0/versions/0/version', /not a range/],
    ['a version with an operator', (a) => (a.products[0].versions[0].version = '<4.3'), '/products/0/versions/0/version', /not a range/],
    ['a product without versions or ranges', (a) => ((a.products[0].versions = []), (a.products[0].ranges = [])), '/products/0', /needs "versions" or "ranges"/],
    ['a version listed twice', (a) => (a.products[0].versions[1].version = '4.2.0'), '/products/0/versions/1/version', /twice/],
    ['a malformed purl', (a) => (a.products[1].purl = 'pkg:npm'), '/products/1/purl', /not a valid purl/],
    ['a product purl with a version', (a) => (a.products[1].purl = 'pkg:npm/left-pad@1.0.0'), '/products/1/purl', /must not include a version/],
    ['a malformed CPE', (a) => (a.products[0].cpe = 'cpe:2.3:o:example networks'), '/products/0/cpe', /CPE 2.3/],
    ['a product without identifier', (a) => delete a.products[0].cpe, '/products/0/versions/0', /needs a purl or a cpe/],
    ['an unknown OSV ecosystem', (a) => (a.products[1].package = { ecosystem: 'Npm', name: 'x' }), '/products/1/package/ecosystem', /OSV ecosystem/],
    ['a range not starting with introduced', (a) => a.products[1].ranges[0].events.reverse(), '/products/1/ranges/0/events/0', /first event/],
    ['fixed and last_affected together', (a) => a.products[1].ranges[0].events.push({ last_affected: '1.4.1' }), '/products/1/ranges/0/events', /both fixed and last_affected/],
    ['an event without a value', (a) => (a.products[1].ranges[0].events[0] = { introduced: null }), '/products/1/ranges/0/events/0/introduced', /required/],
    ['an event with two keys', (a) => (a.products[1].ranges[0].events[1] = { fixed: '1.4.2', limit: '2' }), '/products/1/ranges/0/events/1', /exactly one/],
    ['a SEMVER range with a non-semver version', (a) => (a.products[1].ranges[0].events[1] = { fixed: 'v1.4.2' }), '/products/1/ranges/0/events/1/fixed', /semantic version/],
    ['a status for an unknown product', (a) => (a.vulnerabilities[0].products[0].product = 'nope'), '/vulnerabilities/0/products/0/product', /no product/],
    ['a status for an unlisted version', (a) => (a.vulnerabilities[0].products[0].versions = ['9.9.9']), '/vulnerabilities/0/products/0/versions/0', /not a listed version/],
    ['two statuses for one product (6.1.6)', (a) => (a.vulnerabilities[0].products[1].versions = ['4.2.1']), '/vulnerabilities/0/products/1', /already has a status/],
    ['known_not_affected without justification or impact', (a) => delete a.vulnerabilities[0].products[2].justification, '/vulnerabilities/0/products/2', /justification or an impact/],
    ['an unknown justification', (a) => (a.vulnerabilities[0].products[2].justification = 'not_my_problem'), '/vulnerabilities/0/products/2/justification', /one of/],
    ['a justification on known_affected', (a) => (a.vulnerabilities[0].products[0].justification = 'component_not_present'), '/vulnerabilities/0/products/0', /known_not_affected only/],
    ['a remediation for a product without status', (a) => (a.vulnerabilities[1].remediations[0].products = [{ product: 'edgegate', versions: ['4.2.0'] }]), '/vulnerabilities/1/remediations/0/products/0', /no status/],
    ['a remediation without products', (a) => (a.vulnerabilities[1].remediations[0].products = []), '/vulnerabilities/1/remediations/0/products', /at least 1/],
    ['a CVSS base score that disagrees with the vector', (a) => (a.vulnerabilities[0].cvss3.baseScore = 9.9), '/vulnerabilities/0/cvss3/baseScore', /base score is 9.8/],
    ['a malformed CVSS v3.1 vector', (a) => (a.vulnerabilities[0].cvss3.vector = 'CVSS:3.1/AV:N'), '/vulnerabilities/0/cvss3/vector', /missing/],
    ['a malformed CVSS v4.0 vector', (a) => (a.vulnerabilities[0].cvss4.vector = 'CVSS:4.0/AV:N'), '/vulnerabilities/0/cvss4/vector', /CVSS v4.0/],
    ['a CVE used twice (6.1.23)', (a) => (a.vulnerabilities[1].cve = 'CVE-2026-10001'), '/vulnerabilities/1/cve', /another vulnerability/],
    ['a malformed CWE id', (a) => (a.vulnerabilities[0].cwe.id = 'CWE-0787'), '/vulnerabilities/0/cwe/id', /CWE-<number>/],
    ['a CWE id not in the catalogue (6.1.11)', (a) => (a.vulnerabilities[0].cwe.id = 'CWE-999999'), '/vulnerabilities/0/cwe/id', /not in the CWE catalogue/],
    ['a CWE name that is not the catalogue’s (6.1.11)', (a) => (a.vulnerabilities[0].cwe.name = 'Buffer overflow'), '/vulnerabilities/0/cwe/name', /"Out-of-bounds Write"/],
    ['a vulnerability without description', (a) => delete a.vulnerabilities[0].description, '/vulnerabilities/0/description', /required/],
    ['no vulnerabilities', (a) => (a.vulnerabilities = []), '/vulnerabilities', /at least 1/],
    ['an impossible date', (a) => (a.initialReleaseDate = '2026-02-30T00:00:00Z'), '/initialReleaseDate', /RFC 3339/],
    ['a current release before the initial one', (a) => (a.currentReleaseDate = '2026-01-01T00:00:00Z'), '/currentReleaseDate', /before initialReleaseDate/],
    ['a revision number used twice (6.1.22)', (a) => (a.revisions[1].number = '1'), '/revisions/1/number', /another revision/],
    ['integer and semantic versions mixed (6.1.30)', (a) => (a.revisions[1].number = '2.0.0'), '/revisions', /not both/],
    ['a missing major version (6.1.21)', (a) => (a.revisions[1].number = '3'), '/revisions', /major version 2 is missing/],
    ['a history not starting at 0 or 1 (6.1.21)', (a) => ((a.revisions[0].number = '2'), (a.revisions[1].number = '3')), '/revisions', /version 0 or 1/],
    ['revisions dated out of order (6.1.14)', (a) => (a.revisions[1].date = '2026-01-01T00:00:00Z'), '/revisions', /dated before/],
    ['a stated version that is not the latest (6.1.16)', (a) => (a.version = '1'), '/version', /latest revision's number, 2/],
    ['a final advisory with a version 0 revision (6.1.18)', (a) => a.revisions.unshift({ number: '0', date: '2026-01-20T00:00:00Z', summary: 'draft' }), '/revisions/0/number', /version 0/],
    ['a pre-release in the history (6.1.19)', (a) => (a.revisions = [{ number: '1.0.0-rc.1', date: '2026-02-01T12:00:00Z', summary: 'rc' }]), '/revisions/0/number', /pre-release/],
    [
      'a final advisory with a pre-release version (6.1.17, 6.1.20)',
      (a) => ((a.revisions = [{ number: '1.0.0', date: '2026-02-01T12:00:00Z', summary: 'one' }]), (a.version = '1.0.0-rc.1')),
      '/version',
      /latest revision's number/,
    ],
    [
      'a final advisory at version 0.y.z (6.1.17)',
      (a) => (a.revisions = [{ number: '0.9.0', date: '2026-02-01T12:00:00Z', summary: 'zero' }]),
      '/status',
      /0, 0.y.z and pre-releases are drafts/,
    ],
  ];
  for (const [name, mutate, path, message] of cases) it(`refuses ${name}`, () => assertProblem(mutate, path, message));

  it('accepts a draft at version 0, and a pre-release version in a draft (6.1.16 ignores it there)', () => {
    const draft: AdvisoryInput = { ...richAdvisoryInput(), status: 'draft', revisions: [{ number: '0', date: '2026-02-01T12:00:00Z', summary: 'Draft.' }] };
    assert.equal(createAdvisory(draft).version, '0');
    const rc: AdvisoryInput = {
      ...richAdvisoryInput(),
      status: 'draft',
      revisions: [
        { number: '1.1.0', date: '2026-02-02T12:00:00Z', summary: 'b' },
        { number: '1.0.0', date: '2026-02-01T12:00:00Z', summary: 'a' },
      ],
      version: '1.1.0-rc.2',
    };
    assert.equal(createAdvisory(rc).version, '1.1.0-rc.2');
    assert.equal(createAdvisory({ ...rc, version: undefined }).version, '1.1.0');
    assert.throws(() => createAdvisory({ ...rc, version: '1.2.0-rc.1' }), /latest revision's number, 1.1.0/);
  });
});

describe('compareDocumentVersions', () => {
  it('orders integers numerically and semantic versions by SemVer precedence', () => {
    assert.equal(compareDocumentVersions('2', '10'), -1);
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0', '2.0.0'];
    for (let i = 0; i + 1 < ordered.length; i++) {
      assert.equal(compareDocumentVersions(ordered[i]!, ordered[i + 1]!), -1, `${ordered[i]} < ${ordered[i + 1]}`);
      assert.equal(compareDocumentVersions(ordered[i + 1]!, ordered[i]!), 1);
    }
    assert.equal(compareDocumentVersions('1.0.0+a', '1.0.0+b'), 0, 'build metadata has no precedence');
  });
});
