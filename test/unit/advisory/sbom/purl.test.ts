/**
 * purl parsing and normalisation against the purl-spec test suite
 * (test/vectors/sbom/purl-spec-tests.json, copied from package-url/purl-spec
 * tests/; its "divergences" list the cases where this parser knowingly
 * differs, each with the reason), plus malformed-input and fuzz checks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SbomError } from '../../../../src/advisory/sbom/errors.js';
import { formatPurl, normalisePurl, parsePurl } from '../../../../src/advisory/sbom/purl.js';

interface SpecTest {
  description: string;
  test_type: 'parse' | 'validate';
  input: string;
  expected_output: null | string | { type: string; namespace: string | null; name: string; version: string | null; qualifiers: Record<string, string> | null; subpath: string | null };
  expected_failure: boolean;
}
const doc = JSON.parse(readFileSync(new URL('../../../vectors/sbom/purl-spec-tests.json', import.meta.url), 'utf8')) as {
  tests: SpecTest[];
  divergences: { reason: string; cases: { test_type: string; input: string }[] }[];
};
const diverging = new Set(doc.divergences.flatMap((d) => d.cases.map((c) => `${c.test_type} ${c.input}`)));

function outcome(t: SpecTest): { ok: boolean; got: unknown } {
  let got: unknown;
  try {
    const p = parsePurl(t.input);
    got =
      t.test_type === 'validate'
        ? formatPurl(p)
        : { type: p.type, namespace: p.namespace.length > 0 ? p.namespace.join('/') : null, name: p.name, version: p.version ?? null, qualifiers: Object.keys(p.qualifiers).length > 0 ? { ...p.qualifiers } : null, subpath: p.subpath ?? null };
  } catch (e) {
    assert.ok(e instanceof SbomError && e.code === 'SBOM_PURL_INVALID', `typed error for ${t.input}`);
    return { ok: t.expected_failure, got: 'error' };
  }
  if (t.expected_failure) return { ok: false, got };
  const exp = t.expected_output;
  const norm = (o: unknown) => JSON.stringify(o, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
  return { ok: norm(got) === norm(exp), got };
}

describe('purl-spec test suite', () => {
  const agreeing = doc.tests.filter((t) => !diverging.has(`${t.test_type} ${t.input}`));
  it(`${agreeing.length} parse/validate cases agree with the spec`, () => {
    const failures = agreeing.map((t) => ({ t, ...outcome(t) })).filter((r) => !r.ok);
    assert.deepEqual(failures.map((f) => `${f.t.test_type} ${f.t.input} → ${JSON.stringify(f.got)}`), []);
  });
  it(`${diverging.size} documented divergences still diverge (so the list stays honest)`, () => {
    const cases = doc.tests.filter((t) => diverging.has(`${t.test_type} ${t.input}`));
    assert.ok(cases.length >= diverging.size);
    for (const t of cases) assert.equal(outcome(t).ok, false, `${t.test_type} ${t.input} now agrees; remove it from divergences`);
  });
});

describe('normalisation', () => {
  const cases: [string, string][] = [
    ['pkg:PyPI/Django_Package@1.0', 'pkg:pypi/django-package@1.0'],
    ['pkg:npm/%40Angular/Core@1.0.0', 'pkg:npm/%40Angular/Core@1.0.0'], // npm names are case-sensitive in the current type definition
    ['pkg:npm/@babel/core@7.0.0', 'pkg:npm/%40babel/core@7.0.0'],
    ['pkg:deb/Debian/OpenSSL@3.0.11-1~deb12u2?distro=debian-12&arch=amd64', 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12'],
    ['pkg:maven/org.Apache/Commons@1.0?type=jar&classifier=', 'pkg:maven/org.Apache/Commons@1.0?type=jar'],
    ['pkg:golang/github.com/gorilla/context@v1.1.1#./sub/../x/', 'pkg:golang/github.com/gorilla/context@v1.1.1#sub/x'],
    ['pkg:generic/a%20b@1.0%2B1?q=%2f', 'pkg:generic/a%20b@1.0%2B1?q=%2F'],
    ['pkg:generic/x@1?q=a!b*c', 'pkg:generic/x@1?q=a%21b%2Ac'],
    ['pkg://maven/g/a@1', 'pkg:maven/g/a@1'],
    ['PKG:npm/x@1', 'pkg:npm/x@1'],
    ['pkg:rpm/RedHat/openssl@1.1.1k-7.el8_6?epoch=1&arch=x86_64', 'pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?arch=x86_64&epoch=1'],
  ];
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(normalisePurl(input), want));
});

describe('malformed purls are SBOM_PURL_INVALID', () => {
  const bad = [
    '', ' pkg:npm/x', 'npm/x@1', 'pkg:npm', 'pkg:/x', 'pkg:3npm/x', 'pkg:n&m/x', 'pkg:npm/@1.0', 'pkg:npm/x@', 'pkg:npm/x@1?a', 'pkg:npm/x@1?=b',
    'pkg:npm/x@1?a=1&a=2', 'pkg:npm/x@1?1a=b', 'pkg:npm/x%ZZ@1', 'pkg:npm/x%00@1', 'pkg:npm/a%2Fb/c@1', 'pkg:npm/x#a%2Fb', `pkg:npm/${'x'.repeat(3000)}`,
  ];
  for (const b of bad) {
    it(JSON.stringify(b.slice(0, 40)), () => assert.throws(() => parsePurl(b), (e: unknown) => e instanceof SbomError && e.code === 'SBOM_PURL_INVALID'));
  }
  it('never throws anything but SBOM_PURL_INVALID on random input (fuzz)', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const alphabet = 'pkg:/@?#&=%2F40azAZ09.-_~+ \u0000é';
    for (let i = 0; i < 5000; i++) {
      const len = rnd() % 40;
      let s = rnd() % 2 === 0 ? 'pkg:' : '';
      for (let j = 0; j < len; j++) s += alphabet[rnd() % alphabet.length];
      try {
        const p = parsePurl(s);
        assert.equal(normalisePurl(formatPurl(p)), formatPurl(p), `idempotent for ${JSON.stringify(s)}`);
      } catch (e) {
        if (!(e instanceof SbomError)) throw e;
      }
    }
  });
});
