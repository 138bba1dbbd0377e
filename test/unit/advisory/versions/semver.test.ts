/**
 * SemVer 2.0 precedence for npm, crates.io, Hex and OSV SEMVER ranges, and Go's
 * variant. Sources:
 * - semver.org, SemVer 2.0.0 §11 (precedence examples) and §9/§10 (grammar);
 * - npm/node-semver test/fixtures/comparisons.js ("version1 should be greater
 *   than version2"), strict-mode entries only, and test/fixtures/invalid-versions.js;
 * - golang/mod semver/semver_test.go (`tests`, listed in increasing order with
 *   equal canonical forms comparing equal; TestCompare's explicit pairs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GO, NPM, SEMVER } from '../../../../src/advisory/versions/semver.js';
import { cmp, itCompares, itOrders, itRefuses } from './support.js';

describe('SemVer 2.0.0 (semver.org)', () => {
  // §11: "Example: 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1" and
  // "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0"
  itOrders(SEMVER, ['1.0.0', '2.0.0', '2.1.0', '2.1.1'], '§11 normal versions');
  itOrders(
    SEMVER,
    ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'],
    '§11 pre-releases',
  );
  // §10: "Build metadata MUST be ignored when determining version precedence."
  itCompares(SEMVER, [['1.0.0+20130313144700', '=', '1.0.0'], ['1.0.0-beta+exp.sha.5114f85', '=', '1.0.0-beta'], ['1.0.0+21AF26D3----117B344092BD', '=', '1.0.0']], '§10');
  // §2 "MUST NOT contain leading zeroes", §9 "Numeric identifiers MUST NOT include leading zeroes", identifiers MUST NOT be empty.
  itRefuses(SEMVER, ['01.0.0', '1.01.0', '1.0.01', '1.0.0-01', '1.0', '1', '1.0.0-', '1.0.0-a..b', '1.0.0+', '1.0.0+a..b', '1.0.0-a_b', 'a.b.c', '1.0.0.0', ''], 'grammar');
  itCompares(SEMVER, [['1.0.0-0A.is.legal', '>', '1.0.0-0'], ['v1.2.3', '=', '1.2.3'], ['99999999999999999999.0.0', '>', '9999999999999999999.0.0']], 'identifiers');
});

describe('npm (npm/node-semver test/fixtures/comparisons.js)', () => {
  const GREATER: [string, string][] = [
    ['0.0.0', '0.0.0-foo'], ['0.0.1', '0.0.0'], ['1.0.0', '0.9.9'], ['0.10.0', '0.9.0'], ['0.99.0', '0.10.0'], ['2.0.0', '1.2.3'],
    ['v0.0.0', '0.0.0-foo'], ['v0.0.1', '0.0.0'], ['v1.0.0', '0.9.9'], ['v0.10.0', '0.9.0'], ['v0.99.0', '0.10.0'], ['v2.0.0', '1.2.3'],
    ['0.0.0', 'v0.0.0-foo'], ['0.0.1', 'v0.0.0'], ['1.0.0', 'v0.9.9'], ['0.10.0', 'v0.9.0'], ['0.99.0', 'v0.10.0'], ['2.0.0', 'v1.2.3'],
    ['1.2.3', '1.2.3-asdf'], ['1.2.3', '1.2.3-4'], ['1.2.3', '1.2.3-4-foo'], ['1.2.3-5-foo', '1.2.3-5'], ['1.2.3-5', '1.2.3-4'],
    ['1.2.3-5-foo', '1.2.3-5-Foo'], ['3.0.0', '2.7.2+asdf'], ['1.2.3-a.10', '1.2.3-a.5'], ['1.2.3-a.b', '1.2.3-a.5'], ['1.2.3-a.b', '1.2.3-a'],
    ['1.2.3-a.b.c.10.d.5', '1.2.3-a.b.c.5.d.100'], ['1.2.3-r2', '1.2.3-r100'], ['1.2.3-r100', '1.2.3-R2'],
  ];
  itCompares(NPM, GREATER.map(([a, b]) => [a, '>', b] as const), 'comparisons');
  // invalid-versions.js: too long, too big, junk.
  itRefuses(NPM, [`${'1'.repeat(255)}.0.0`, `${Number.MAX_SAFE_INTEGER}0.0.0`, `0.${Number.MAX_SAFE_INTEGER}0.0`, `0.0.${Number.MAX_SAFE_INTEGER}0`, 'hello, world', 'xyz'], 'invalid-versions');
  it('trims surrounding whitespace as node-semver does', () => assert.equal(cmp(NPM, ' 1.2.3 ', '1.2.3'), 0));
});

describe('Go modules (golang/mod semver/semver_test.go)', () => {
  // The valid entries of `tests`, in order; entries with the same canonical form compare equal.
  const TESTS: [string, string][] = [
    ['v1.0.0-alpha', 'v1.0.0-alpha'], ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'], ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
    ['v1.0.0-beta', 'v1.0.0-beta'], ['v1.0.0-beta.2', 'v1.0.0-beta.2'], ['v1.0.0-beta.11', 'v1.0.0-beta.11'], ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
    ['v1', 'v1.0.0'], ['v1.0', 'v1.0.0'], ['v1.0.0', 'v1.0.0'], ['v1.2', 'v1.2.0'], ['v1.2.0', 'v1.2.0'], ['v1.2.3-456', 'v1.2.3-456'],
    ['v1.2.3-456.789', 'v1.2.3-456.789'], ['v1.2.3-456-789', 'v1.2.3-456-789'], ['v1.2.3-456a', 'v1.2.3-456a'], ['v1.2.3-pre', 'v1.2.3-pre'],
    ['v1.2.3-pre+meta', 'v1.2.3-pre'], ['v1.2.3-pre.1', 'v1.2.3-pre.1'], ['v1.2.3-zzz', 'v1.2.3-zzz'], ['v1.2.3', 'v1.2.3'],
    ['v1.2.3+meta', 'v1.2.3'], ['v1.2.3+meta-pre', 'v1.2.3'], ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
  ];
  it(`TestCompare: ${TESTS.length}² pairs follow list order, equal canonical forms are equal`, () => {
    for (let i = 0; i < TESTS.length; i++) {
      for (let j = 0; j < TESTS.length; j++) {
        const [a, ca] = TESTS[i]!;
        const [b, cb] = TESTS[j]!;
        const want = ca === cb ? 0 : i < j ? -1 : 1;
        assert.equal(cmp(GO, a, b), want, `Compare(${a}, ${b})`);
      }
    }
  });
  itCompares(GO, [['v1.19.0', '>', 'v1.2.0'], ['v1', '=', 'v1.0.0']], 'explicit (v1.19 > v1.2 numerically)');
  // The invalid entries of `tests`.
  itRefuses(GO, ['bad', 'v1-alpha.beta.gamma', 'v1-pre', 'v1+meta', 'v1-pre+meta', 'v1.2-pre', 'v1.2+meta', 'v1.2-pre+meta'], 'invalid');
  // Pseudo-versions (go.dev/ref/mod#pseudo-versions) are pre-releases of the next patch; +incompatible is build metadata.
  itOrders(
    GO,
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa', 'v0.0.0', 'v1.2.3', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4'],
    'pseudo-versions',
  );
  itCompares(GO, [['v2.0.0+incompatible', '=', 'v2.0.0'], ['v2.0.1', '>', 'v2.0.0+incompatible'], ['0.0.0-20191109021931-daa7c04131f5', '=', 'v0.0.0-20191109021931-daa7c04131f5']], '+incompatible and OSV spelling');
});
