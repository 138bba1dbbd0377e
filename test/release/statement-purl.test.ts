/** in-toto statements (release predicate, SLSA provenance v1) and package URLs, with namespace patterns. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IN_TOTO_PAYLOAD_TYPE } from '../../src/release/dsse.js';
import {
  defaultNamespacesForSlug,
  formatPurl,
  parsePurl,
  parsePurlScope,
  parseReleasePurl,
  purlPackage,
  scopeCovers,
  scopesOverlap,
} from '../../src/release/purl.js';
import { buildReleaseStatement, parseStatement, RELEASE_PREDICATE_TYPE, SLSA_PROVENANCE_PREDICATE_TYPE, statementFromEnvelope } from '../../src/release/statement.js';
import { sha256, throwsRelease } from './support.js';

const D = sha256('artifact');

function statement(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'a.tgz', digest: { sha256: D } }],
    predicateType: RELEASE_PREDICATE_TYPE,
    predicate: { purl: 'pkg:npm/%40northwind/agent@1.2.0' },
    ...over,
  });
}

describe('purl', () => {
  it('parses the examples of the in-toto release predicate', () => {
    const p = parsePurl('pkg:npm/@angular/http@7.2.16');
    assert.deepEqual([p.type, p.namespace, p.name, p.version], ['npm', ['@angular'], 'http', '7.2.16']);
    assert.equal(formatPurl(p), 'pkg:npm/%40angular/http@7.2.16');
    const oci = parsePurl('pkg:oci/my-image@sha256%3Afedcba09?repository_url=registry.example.com/my-project/my-image&tag=v1.2.3');
    assert.equal(oci.version, 'sha256:fedcba09');
    assert.deepEqual(oci.qualifiers, { repository_url: 'registry.example.com/my-project/my-image', tag: 'v1.2.3' });
    assert.equal(formatPurl(oci), 'pkg:oci/my-image@sha256:fedcba09?repository_url=registry.example.com%2Fmy-project%2Fmy-image&tag=v1.2.3');
    assert.equal(parsePurl('pkg:pypi/urllib3@2.1.0').name, 'urllib3');
  });
  it('normalises per the type and the spec', () => {
    assert.equal(formatPurl(parsePurl('pkg:PyPI/Django_Rest@1.0')), 'pkg:pypi/django-rest@1.0');
    assert.equal(formatPurl(parsePurl('pkg:GitHub/Package-URL/purl-spec@244fd47e07d1004#everybody/loves/dogs')), 'pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/loves/dogs');
    assert.equal(formatPurl(parsePurl('pkg:maven/org.Apache/Commons@1.0?B=2&a=1')), 'pkg:maven/org.Apache/Commons@1.0?a=1&b=2');
    assert.equal(purlPackage(parsePurl('pkg:generic/demo/x@1#a/../b')), 'pkg:generic/demo/x');
    assert.equal(parsePurl('pkg:generic/demo/x@1#a/./../b').subpath, 'a/b');
    // An "@" followed by "/" is part of the namespace, not a version.
    assert.equal(parsePurl('pkg:npm/@angular/http').version, undefined);
  });
  const bad: [string, RegExp][] = [
    ['npm/x@1', /pkg:/],
    ['pkg:', /type and name/],
    ['pkg:npm', /type and name/],
    ['pkg:1npm/x@1', /bad type/],
    ['pkg:npm/x@', /version is empty/],
    ['pkg:npm/%zz@1', /percent-encoding/],
    ['pkg:npm/a%2Fb/c@1', /contains "\/"/],
    ['pkg:npm/x%0a@1', /control character/],
    ['pkg:npm/x@1?a', /key=value/],
    ['pkg:npm/x@1?a=1&A=2', /repeated/],
    ['pkg:npm/x@1?%20=1', /bad qualifier key/],
    [`pkg:npm/${'x'.repeat(3000)}@1`, /longer/],
  ];
  for (const [text, message] of bad) it(`refuses ${text.slice(0, 40)}`, () => throwsRelease(() => parsePurl(text), 'RELEASE_PURL_INVALID', message));
  it('a release purl needs a version', () => throwsRelease(() => parseReleasePurl('pkg:npm/x'), 'RELEASE_PURL_INVALID', /version/));

  it('namespace patterns', () => {
    const p = (t: string) => parsePurl(t);
    const slug = parsePurlScope(defaultNamespacesForSlug('demo-northwind')[0]!);
    assert.equal(scopeCovers(slug, p('pkg:generic/demo-northwind/agent@1')), true);
    assert.equal(scopeCovers(slug, p('pkg:maven/demo-northwind/tools/agent@1')), true);
    assert.equal(scopeCovers(slug, p('pkg:generic/demo-northwind-evil/agent@1')), false, 'segments, not prefixes of text');
    assert.equal(scopeCovers(slug, p('pkg:generic/demo-northwind@1')), false, 'a name is not a namespace');
    assert.equal(scopeCovers(slug, p('pkg:generic/other/demo-northwind/x@1')), false);
    assert.equal(scopeCovers(parsePurlScope('pkg:*/*'), p('pkg:pypi/anything@1')), true);
    assert.equal(scopeCovers(parsePurlScope('pkg:npm/*'), p('pkg:pypi/anything@1')), false);
    assert.equal(scopeCovers(parsePurlScope('pkg:npm/%40Northwind'), p('pkg:npm/@northwind/agent@1')), true, 'npm namespaces are lowercased');
    assert.equal(scopeCovers(parsePurlScope('pkg:maven/org.example'), p('pkg:maven/org.example.evil/x@1')), false);
    // A typed pattern may name a package whole (PyPI, crates, gems and unscoped npm packages have no namespace).
    assert.equal(scopeCovers(parsePurlScope('pkg:pypi/Acme_SDK'), p('pkg:pypi/acme-sdk@2.0')), true, 'PyPI names normalised');
    assert.equal(scopeCovers(parsePurlScope('pkg:pypi/acme-sdk'), p('pkg:pypi/acme-sdk-evil@2.0')), false);
    assert.equal(scopeCovers(parsePurlScope('pkg:npm/acme'), p('pkg:npm/acme@1')), true, 'the unscoped npm package acme');
    assert.equal(scopeCovers(parsePurlScope('pkg:npm/acme'), p('pkg:npm/acme/x@1')), true, 'and a namespace acme, were there one');
    assert.equal(scopeCovers(parsePurlScope('pkg:npm/@acme/cli'), p('pkg:npm/@acme/cli@1')), true, 'one package of a scope');
    assert.equal(scopeCovers(parsePurlScope('pkg:npm/@acme/cli'), p('pkg:npm/@acme/other@1')), false);
    assert.equal(scopeCovers(parsePurlScope('pkg:npm/a/b/c'), p('pkg:npm/a/b@1')), false, 'longer than namespace and name');
    // Overlap: some purl within both.
    const ov = (a: string, b: string) => scopesOverlap(parsePurlScope(a), parsePurlScope(b));
    assert.equal(ov('pkg:npm/@acme', 'pkg:npm/@acme/cli'), true);
    assert.equal(ov('pkg:*/acme', 'pkg:maven/acme/x'), true);
    assert.equal(ov('pkg:*/acme', 'pkg:npm/ACME'), true, 'wildcard types compare case-insensitively');
    assert.equal(ov('pkg:npm/*', 'pkg:npm/x'), true);
    assert.equal(ov('pkg:npm/acme', 'pkg:pypi/acme'), false);
    assert.equal(ov('pkg:npm/@acme', 'pkg:npm/@acme-evil'), false);
    assert.equal(ov('pkg:maven/com.acme/a', 'pkg:maven/com.acme/b'), false);
    for (const bad of ['pkg:npm', 'npm/x', 'pkg:npm/', 'pkg:npm/a//b', 'pkg:npm/a/*', 'pkg:npm/x@1', 'pkg:npm/@x@1', 'pkg:npm/x?a=b', 'pkg:npm/x#s', 'pkg:NPM/x']) throwsRelease(() => parsePurlScope(bad), 'RELEASE_PURL_INVALID');
  });
});

describe('in-toto statements', () => {
  it('accepts the release predicate and ignores unknown fields (in-toto parsing rules)', () => {
    const s = parseStatement(statement({ predicate: { purl: 'pkg:npm/%40northwind/agent@1.2.0', packageId: '42', 'https://example.com/ext': true }, extra: 1 }));
    assert.equal(s.predicateType, RELEASE_PREDICATE_TYPE);
    assert.deepEqual(s.purls.map(formatPurl), ['pkg:npm/%40northwind/agent@1.2.0']);
    assert.equal(s.subjects[0]!.sha256, D);
  });
  it('accepts SLSA provenance v1 whose subjects name versioned purls', () => {
    const s = parseStatement(
      statement({
        subject: [{ name: 'agent', uri: 'pkg:generic/demo-northwind/agent@1.0', digest: { sha256: D, sha512: 'ab' } }],
        predicateType: SLSA_PROVENANCE_PREDICATE_TYPE,
        predicate: { buildDefinition: { buildType: 'https://example.com/build/v1', externalParameters: {} }, runDetails: { builder: { id: 'https://ci.example.com' } } },
      }),
    );
    assert.deepEqual(s.purls.map(formatPurl), ['pkg:generic/demo-northwind/agent@1.0']);
  });
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['another _type', { _type: 'https://in-toto.io/Statement/v0.1' }, /_type/],
    ['no subject', { subject: [] }, /non-empty/],
    ['subject without digest', { subject: [{ name: 'a' }] }, /digest/],
    ['subject without sha256', { subject: [{ name: 'a', digest: { sha512: 'ab' } }] }, /sha256/],
    ['uppercase sha256', { subject: [{ name: 'a', digest: { sha256: D.toUpperCase() } }] }, /lowercase/],
    ['non-string digest', { subject: [{ digest: { sha256: D, md5: 1 } }] }, /md5/],
    ['unsupported predicate', { predicateType: 'https://example.com/x' }, /not accepted/],
    ['release without purl', { predicate: {} }, /requires purl/],
    ['release purl without version', { predicate: { purl: 'pkg:npm/x' } }, /version/],
    ['non-string packageId', { predicate: { purl: 'pkg:npm/x@1', packageId: 1 } }, /packageId/],
    ['predicate not an object', { predicate: [] }, /object/],
    ['SLSA without builder', { predicateType: SLSA_PROVENANCE_PREDICATE_TYPE, predicate: { buildDefinition: { buildType: 'x', externalParameters: {} } } }, /builder/],
    [
      'SLSA subject without purl',
      { predicateType: SLSA_PROVENANCE_PREDICATE_TYPE, predicate: { buildDefinition: { buildType: 'x', externalParameters: {} }, runDetails: { builder: { id: 'b' } } } },
      /purl in uri/,
    ],
    ['subject uri purl malformed', { subject: [{ uri: 'pkg:npm/x', digest: { sha256: D } }] }, /subject\[0\]\.uri/],
  ];
  for (const [name, over, message] of bad) it(`refuses ${name}`, () => throwsRelease(() => parseStatement(statement(over)), 'RELEASE_STATEMENT_INVALID', message));
  it('refuses duplicate members, so no two parsers can read different subjects', () => {
    const text = statement().replace('"subject":', `"subject":[{"digest":{"sha256":"${sha256('x')}"}}],"subject":`);
    throwsRelease(() => parseStatement(text), 'RELEASE_STATEMENT_INVALID', /duplicate member "subject"/);
  });
  it('keeps every digest algorithm as data, "__proto__" included', () => {
    const D2 = sha256('y');
    const s = parseStatement(statement({ subject: [{ name: 'a', digest: { PROTO: 'x', sha512: 'abc', sha256: D2 } }] }).replace('"PROTO"', '"__proto__"'));
    const digest = s.subjects[0]!.digest;
    assert.equal(s.subjects[0]!.sha256, D2);
    assert.deepEqual(Object.keys(digest), ['__proto__', 'sha512', 'sha256']);
    assert.equal(Object.getPrototypeOf(digest), Object.prototype);
    assert.equal(digest.sha512, 'abc');
  });
  it('needs the in-toto payload type', () => {
    throwsRelease(() => statementFromEnvelope({ payloadType: 'application/json', payload: Buffer.from(statement()), signatures: [] }), 'RELEASE_STATEMENT_INVALID', /payloadType/);
    assert.ok(statementFromEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, payload: Buffer.from(statement()), signatures: [] }));
  });
  it('builds what it accepts', () => {
    const bytes = buildReleaseStatement({ purl: 'pkg:generic/demo-northwind/agent@2.0.0', subjects: [{ name: 'a', sha256: D }], packageId: 'p1' });
    const s = parseStatement(bytes);
    assert.equal(s.predicate.packageId, 'p1');
    throwsRelease(() => buildReleaseStatement({ purl: 'pkg:generic/x', subjects: [{ name: 'a', sha256: D }] }), 'RELEASE_PURL_INVALID');
    throwsRelease(() => buildReleaseStatement({ purl: 'pkg:generic/x@1', subjects: [] }), 'RELEASE_STATEMENT_INVALID');
    throwsRelease(() => buildReleaseStatement({ purl: 'pkg:generic/x@1', subjects: [{ name: 'a', sha256: 'x' }] }), 'RELEASE_STATEMENT_INVALID');
  });
});
