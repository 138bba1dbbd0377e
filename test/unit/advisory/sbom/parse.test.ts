/**
 * SBOM parsing: CycloneDX JSON, SPDX 2.3 JSON and purl lists (vectors in
 * test/vectors/sbom/, see its README for sources), limits, malformed input
 * and a fuzz test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SbomError } from '../../../../src/advisory/sbom/errors.js';
import { MAX_SBOM_BYTES, MAX_SBOM_COMPONENTS } from '../../../../src/advisory/sbom/model.js';
import { parseSbom } from '../../../../src/advisory/sbom/parse.js';

const vector = (name: string): string => readFileSync(new URL(`../../../vectors/sbom/${name}`, import.meta.url), 'utf8');
const code = (c: string) => (e: unknown) => e instanceof SbomError && e.code === c;

describe('CycloneDX', () => {
  it('reads a real CycloneDX 1.4 SBOM (CycloneDX/bom-examples laravel-7.12.0)', () => {
    const text = vector('cyclonedx-1.4-laravel.json');
    const doc = JSON.parse(text);
    const sbom = parseSbom(text);
    assert.equal(sbom.format, 'cyclonedx');
    assert.equal(sbom.spec_version, '1.4');
    assert.equal(sbom.components.length, doc.components.length + 1);
    assert.deepEqual(sbom.warnings, []);
    const root = sbom.components.find((c) => c.path === '/metadata/component')!;
    assert.equal(root.depth, 0);
    for (const [i, c] of (doc.components as { purl: string; 'bom-ref': string }[]).entries()) {
      const got = sbom.components.find((x) => x.path === `/components/${i}`)!;
      assert.equal(got.purl_raw, c.purl, 'purl kept exactly');
      assert.equal(got.ref, c['bom-ref']);
      assert.ok(got.purl?.startsWith('pkg:composer/'));
    }
    assert.ok(sbom.components.filter((c) => c.depth === 1).length > 0, 'direct dependencies found');
  });

  it('handles nesting, cycles, duplicate refs, bad purls and CPEs as warnings', () => {
    const sbom = parseSbom(vector('cyclonedx-1.6-edge-cases.json'));
    assert.equal(sbom.spec_version, '1.6');
    assert.equal(sbom.components.length, 12);
    const byRef = (r: string) => sbom.components.find((c) => c.ref === r)!;
    assert.equal(byRef('app').depth, 0);
    assert.equal(byRef('spring').depth, 1);
    assert.equal(byRef('log4j').depth, 2, 'nested component reached through the graph');
    assert.equal(byRef('deep').depth, 3, 'the log4j ⇄ deep and log4j ⇄ spring cycles terminate');
    assert.equal(byRef('lodash-dup').depth, null);
    assert.equal(byRef('log4j').path, '/components/2/components/0');
    const requests = byRef('pkg:pypi/Requests@2.19.0');
    assert.equal(requests.purl_raw, 'pkg:PyPI/Requests@2.19.0?extension=tar.gz&arch=any');
    assert.equal(requests.purl, 'pkg:pypi/requests@2.19.0?arch=any&extension=tar.gz');
    assert.equal(byRef('bad-purl').purl, null);
    assert.equal(byRef('bad-purl').purl_raw, 'pkg:npm/broken%ZZ@1.0');
    assert.equal(byRef('no-purl').cpe_parsed?.product, 'openssl');
    assert.equal(byRef('deb-openssl').purl_parsed?.qualifiers.upstream, 'openssl');
    const codes = sbom.warnings.map((w) => `${w.code} ${w.ref ?? w.path}`).sort();
    assert.deepEqual(codes, [
      'COMPONENT_MALFORMED /components/9',
      'CPE_INVALID bad-cpe',
      'DUPLICATE_REF pkg:npm/lodash@4.17.20',
      'PURL_INVALID bad-purl',
      'UNKNOWN_REF ghost',
      'UNKNOWN_REF missing-ref',
    ]);
  });

  it('reads 1.2/1.3 with a warning and refuses documents without a spec version', () => {
    const old = parseSbom(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.3', components: [{ name: 'x', purl: 'pkg:npm/x@1.0.0' }] }));
    assert.equal(old.components.length, 1);
    assert.equal(old.warnings[0]?.code, 'SPEC_VERSION_UNSUPPORTED');
    assert.throws(() => parseSbom('{"bomFormat":"CycloneDX"}'), code('SBOM_INVALID'));
    assert.throws(() => parseSbom('{"bomFormat":"CycloneDX","specVersion":"1.6","components":{}}'), code('SBOM_INVALID'));
  });

  it('walks very deep component nesting without recursion', () => {
    // Built as text: JSON.stringify itself would recurse too deep.
    let inner = '{"name":"leaf","purl":"pkg:npm/leaf@1.0.0"}';
    for (let i = 0; i < 3000; i++) inner = `{"name":"n${i}","components":[${inner}]}`;
    const sbom = parseSbom(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[${inner}]}`);
    assert.equal(sbom.components.length, 3001);
  });
});

describe('SPDX 2.3', () => {
  it('reads the specification example (spdx/spdx-spec SPDXJSONExample-v2.3.spdx.json)', () => {
    const sbom = parseSbom(vector('spdx-2.3-example.json'));
    assert.equal(sbom.format, 'spdx');
    assert.equal(sbom.spec_version, 'SPDX-2.3');
    assert.deepEqual(sbom.components.map((c) => c.ref), ['SPDXRef-Package', 'SPDXRef-fromDoap-1', 'SPDXRef-fromDoap-0', 'SPDXRef-Saxon']);
    const jena = sbom.components[2]!;
    assert.equal(jena.purl_raw, 'pkg:maven/org.apache.jena/apache-jena@3.12.0');
    assert.equal(jena.version, '3.12.0');
    const glibc = sbom.components[0]!;
    assert.equal(glibc.cpe, 'cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*');
    assert.equal(glibc.depth, 0, 'documentDescribes names it');
    assert.deepEqual(sbom.warnings, [], 'files, the document and other documents in relationships are not warnings');
  });

  it('reads PACKAGE_MANAGER spelled with "_", follows DEPENDS_ON/DEPENDENCY_OF, warns on unknown ids and several purls', () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      packages: [
        { SPDXID: 'SPDXRef-app', name: 'app' },
        { SPDXID: 'SPDXRef-a', name: 'a', versionInfo: '1.0.0', externalRefs: [{ referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/a@1.0.0' }, { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/a@1.0.1' }] },
        { SPDXID: 'SPDXRef-b', name: 'b', externalRefs: [{ referenceCategory: 'SECURITY', referenceType: 'cpe22Type', referenceLocator: 'cpe:/a:acme:b:2.0' }] },
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-app' },
        { spdxElementId: 'SPDXRef-app', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-a' },
        { spdxElementId: 'SPDXRef-b', relationshipType: 'DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-a' },
        { spdxElementId: 'SPDXRef-a', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-app' },
        { spdxElementId: 'SPDXRef-a', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-nowhere' },
      ],
    };
    const sbom = parseSbom(JSON.stringify(doc));
    assert.deepEqual(sbom.components.map((c) => [c.ref, c.depth]), [['SPDXRef-app', 0], ['SPDXRef-a', 1], ['SPDXRef-b', 2]]);
    assert.equal(sbom.components[1]!.purl, 'pkg:npm/a@1.0.0');
    assert.equal(sbom.components[2]!.cpe_parsed?.vendor, 'acme');
    assert.deepEqual(sbom.warnings.map((w) => w.code).sort(), ['MULTIPLE_PURLS', 'UNKNOWN_REF']);
  });
});

describe('purl lists', () => {
  it('one purl per line, "#" comment lines and blank lines ignored, bad lines are warnings', () => {
    const sbom = parseSbom(vector('purl-list.txt'));
    assert.equal(sbom.format, 'purl-list');
    assert.deepEqual(sbom.components.map((c) => c.ref), ['line:2', 'line:4', 'line:5', 'line:7', 'line:8']);
    assert.deepEqual(sbom.components.map((c) => c.name), ['lodash', 'django', 'websocket', null, 'log4j-core']);
    assert.equal(sbom.components[4]!.purl_parsed?.subpath, 'sub/path', '"#" inside a purl is its subpath, not a comment');
    assert.deepEqual(sbom.warnings.map((w) => `${w.code} ${w.ref}`), ['PURL_INVALID line:7']);
  });
});

describe('limits and malformed input', () => {
  it(`refuses more than ${MAX_SBOM_BYTES} bytes before parsing, even 100 MB of whitespace`, () => {
    const spaces = ' '.repeat(100_000_000);
    const t = Date.now();
    assert.throws(() => parseSbom(spaces), code('SBOM_TOO_LARGE'));
    assert.throws(() => parseSbom(new Uint8Array(MAX_SBOM_BYTES + 1)), code('SBOM_TOO_LARGE'));
    assert.throws(() => parseSbom(`{"a":"${'é'.repeat(MAX_SBOM_BYTES / 2)}"}`), code('SBOM_TOO_LARGE'), 'UTF-8 bytes, not UTF-16 units, are counted');
    assert.ok(Date.now() - t < 2000, 'refused quickly');
  });
  it(`refuses more than ${MAX_SBOM_COMPONENTS} components`, () => {
    const components = Array.from({ length: MAX_SBOM_COMPONENTS + 1 }, (_, i) => ({ name: `c${i}` }));
    assert.throws(() => parseSbom(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components })), code('SBOM_TOO_LARGE'));
  });
  const bad: [string, string | Uint8Array][] = [
    ['empty', ''],
    ['whitespace only', ' \n\t '],
    ['invalid JSON', '{"bomFormat": "CycloneDX",'],
    ['a JSON array', '[]'],
    ['JSON that is neither format', '{"hello": "world"}'],
    ['XML', '<?xml version="1.0"?><bom/>'],
    ['random text', 'hello world'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['unterminated nesting', `{"bomFormat":"CycloneDX","specVersion":"1.6","x":${'['.repeat(200_000)}`],
  ];
  for (const [why, input] of bad) it(`refuses ${why} with SBOM_INVALID`, () => assert.throws(() => parseSbom(input), code('SBOM_INVALID')));
  it('accepts bytes with a UTF-8 BOM', () => {
    const bytes = new TextEncoder().encode('\ufeffpkg:npm/a@1.0.0\n');
    assert.equal(parseSbom(bytes).components.length, 1);
  });

  it('fuzz: mutated documents only ever produce results or SbomError', () => {
    const base = vector('cyclonedx-1.6-edge-cases.json');
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const junk = ['"', '{', '}', '[', ']', ',', ':', 'null', '0', '"pkg:', '%', '\\', 'true', ' '];
    for (let i = 0; i < 1500; i++) {
      let s = base;
      for (let k = 0; k < 1 + rnd(4); k++) {
        const at = rnd(s.length);
        s = rnd(2) === 0 ? s.slice(0, at) + junk[rnd(junk.length)] + s.slice(at) : s.slice(0, at) + s.slice(at + 1 + rnd(20));
      }
      try {
        parseSbom(s);
      } catch (e) {
        assert.ok(e instanceof SbomError, `unexpected ${String(e)}`);
      }
    }
  });
});
