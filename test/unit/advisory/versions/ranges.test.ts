/**
 * OSV range evaluation. The examples are those of ossf/osv-schema docs/schema.md
 * ("Examples" under the Evaluation section: unfixed, fixed, multiple ranges,
 * limit events, last_affected vs fixed), evaluated with the spec's own
 * IsVulnerable pseudocode semantics, plus the requirements listed under
 * "affected[].ranges[].events fields".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VersionError } from '../../../../src/advisory/versions/errors.js';
import { compileAffected, compileRange, fixedVersionFor, isAffected, type OsvAffected, type OsvRange } from '../../../../src/advisory/versions/ranges.js';
import { SEMVER } from '../../../../src/advisory/versions/semver.js';

const semver = (...events: OsvRange['events'][number][]): OsvAffected => ({
  package: { ecosystem: 'npm', name: 'x' },
  ranges: [{ type: 'SEMVER', events }],
});

function check(affected: OsvAffected, yes: string[], no: string[]): void {
  for (const v of yes) assert.equal(isAffected(affected, v), true, `${v} should be affected`);
  for (const v of no) assert.equal(isAffected(affected, v), false, `${v} should not be affected`);
}

describe('OSV schema examples (docs/schema.md)', () => {
  it('Unfixed vulnerability: introduced "0" affects every version', () => {
    check(semver({ introduced: '0' }), ['0.0.0', '0.0.0-alpha', '1.0.0', '999.0.0'], []);
  });
  it('Fixed vulnerability: everything before 1.0.2', () => {
    check(semver({ introduced: '0' }, { fixed: '1.0.2' }), ['0.0.1', '1.0.1', '1.0.2-rc.1'], ['1.0.2', '1.0.3', '2.0.0']);
  });
  it('Multiple range example: [1.0.0, 1.0.2) and [3.0.0, 3.2.5)', () => {
    const a = semver({ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' });
    check(a, ['1.0.0', '1.0.1', '3.0.0', '3.2.4'], ['0.9.9', '1.0.2', '2.9.9', '3.2.5', '4.0.0', '3.0.0-rc.1']);
  });
  it('last_affected vs fixed: last_affected is inclusive, fixed exclusive', () => {
    const last = { package: { ecosystem: 'Maven', name: 'com.h2database:h2' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { last_affected: '2.1.214' }] }] };
    check(last, ['1.0', '2.1.214'], ['2.1.215', '2.2.220']);
    check(semver({ introduced: '0' }, { fixed: '2.1.214' }), ['2.1.213'], ['2.1.214']);
  });
  it('limit events: a version must lie below some limit; "*" is infinity', () => {
    check(semver({ introduced: '1.0.0' }, { limit: '2.0.0' }), ['1.0.0', '1.9.9'], ['0.9.0', '2.0.0', '2.5.0']);
    check(semver({ introduced: '1.0.0' }, { limit: '*' }), ['1.0.0', '99.0.0'], ['0.1.0']);
    check(semver({ introduced: '1.0.0' }, { limit: '1.5.0' }, { limit: '3.0.0' }), ['2.0.0'], ['3.0.0']);
  });
});

describe('OSV evaluation details', () => {
  it('events are sorted before evaluation (unsorted input)', () => {
    const a = semver({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' });
    check(a, ['1.0.1', '3.1.0'], ['1.0.2', '2.0.0', '3.2.5', '0.1.0']);
  });
  it('events of equal versions keep the order the record gives (the schema leaves ties open; the sort is stable)', () => {
    check(semver({ introduced: '1.0.0' }, { fixed: '1.0.0' }), [], ['1.0.0', '0.9.0', '1.0.1']);
    check(semver({ introduced: '1.0.0' }, { last_affected: '1.0.0' }), ['1.0.0'], ['0.9.0', '1.0.1']);
    check(semver({ introduced: '0' }, { fixed: '1.0.0' }, { introduced: '1.0.0' }, { fixed: '2.0.0' }), ['0.5.0', '1.0.0', '1.5.0'], ['2.0.0']);
    // Reversed input: at 1.0.0 the record now says "introduced, then fixed", which closes everything from 1.0.0 on.
    check(semver({ fixed: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '1.0.0' }, { introduced: '0' }), ['0.5.0'], ['1.0.0', '1.5.0', '2.0.0']);
  });
  it('several introduced/fixed pairs and a later re-introduction without a fix', () => {
    const a = semver({ introduced: '0' }, { fixed: '1.2.0' }, { introduced: '2.0.0' }, { fixed: '2.3.1' }, { introduced: '4.0.0' });
    check(a, ['0.5.0', '2.0.0', '2.3.0', '4.0.0', '9.0.0'], ['1.2.0', '1.9.9', '2.3.1', '3.9.9']);
  });
  it('a range is only one of the ways: the versions list also counts, by exact text or by equality under the ecosystem', () => {
    const a: OsvAffected = { package: { ecosystem: 'PyPI', name: 'x' }, versions: ['0.9', '2.0.0'], ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.1' }] }] };
    check(a, ['0.9', '0.9.0', '1.0', '1.0.5', '2.0', 'v2.0.0'], ['0.8', '1.1', '2.0.1']);
  });
  it('GIT ranges are ignored; only the versions list speaks for them', () => {
    const a: OsvAffected = { package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0'], ranges: [{ type: 'GIT', repo: 'https://example.org/x.git', events: [{ introduced: 'a'.repeat(40) }, { fixed: 'b'.repeat(40) }] }] };
    check(a, ['1.0.0'], ['1.0.1']);
    const gitOnly: OsvAffected = { ranges: [{ type: 'GIT', repo: 'https://example.org/x.git', events: [{ introduced: '0' }] }] };
    assert.equal(compileAffected(gitOnly, 'npm').evaluate('1.0.0').status, 'unknown');
  });
  it('ECOSYSTEM ranges order by the ecosystem: PyPI pre-releases, Debian epochs, Maven qualifiers, Go "v" prefixes', () => {
    const py: OsvAffected = { package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0rc1' }] }] };
    check(py, ['2.0.0b3', '2.0.0.dev5', '1.9'], ['2.0.0rc1', '2.0.0', '2.0.0rc1.post1']);
    const deb: OsvAffected = { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] };
    check(deb, ['3.0.11-1~deb12u1', '3.0.9-1'], ['3.0.11-1~deb12u2', '3.0.11-1', '3.0.13-1~deb12u1']);
    const mvn: OsvAffected = { package: { ecosystem: 'Maven', name: 'g:a' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }] }] };
    check(mvn, ['2.0-rc1', '2.0', '2.14.1'], ['2.0-alpha1', '1.2.17', '2.15.0', '2.17.1']);
    const go: OsvAffected = { package: { ecosystem: 'Go', name: 'golang.org/x/net' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.7.0' }] }] };
    check(go, ['v0.0.0-20220906165146-f3363e06e74c', 'v0.6.0'], ['v0.7.0', '0.7.0', 'v0.17.0']);
  });
  it('an unparsable version or an unknown ecosystem is "unknown", not "not affected"', () => {
    const a = semver({ introduced: '0' }, { fixed: '1.0.0' });
    const v = compileAffected(a).evaluate('not-a-version');
    assert.equal(v.status, 'unknown');
    assert.equal(isAffected(a, 'not-a-version'), false);
    const unknownEco: OsvAffected = { package: { ecosystem: 'Linux', name: 'Kernel' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '6.1' }] }] };
    assert.equal(compileAffected(unknownEco).evaluate('5.0').status, 'unknown');
  });
  it('a broken range makes its entry "unknown" instead of throwing', () => {
    const broken: OsvAffected = { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ fixed: '1.0.0' }] }] };
    const v = compileAffected(broken).evaluate('0.5.0');
    assert.equal(v.status, 'unknown');
    assert.match(v.status === 'unknown' ? v.reason : '', /introduced/);
  });
});

describe('compileRange refuses what the schema forbids (VERSION_RANGE_INVALID)', () => {
  const bad: [string, OsvRange][] = [
    ['no introduced event', { type: 'SEMVER', events: [{ fixed: '1.0.0' }] }],
    ['two keys in one event', { type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] }],
    ['an empty event', { type: 'SEMVER', events: [{ introduced: '0' }, {}] }],
    ['fixed and last_affected together', { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }, { last_affected: '2.0.0' }] }],
    ['a GIT range', { type: 'GIT', events: [{ introduced: '0' }] }],
    ['no events array', { type: 'SEMVER' } as unknown as OsvRange],
    ['a non-string version', { type: 'SEMVER', events: [{ introduced: 1 as unknown as string }] }],
  ];
  for (const [why, r] of bad) {
    it(why, () => assert.throws(() => compileRange(r, SEMVER), (e: unknown) => e instanceof VersionError && e.code === 'VERSION_RANGE_INVALID'));
  }
  it('an unparsable event version is VERSION_INVALID', () => {
    assert.throws(() => compileRange({ type: 'SEMVER', events: [{ introduced: '1.x' }] }, SEMVER), (e: unknown) => e instanceof VersionError && e.code === 'VERSION_INVALID');
  });
});

describe('the fixed version to move to and the human range', () => {
  it('is the smallest fixed above the version in the holding range', () => {
    const a = semver({ introduced: '1.0.0' }, { fixed: '1.2.5' }, { introduced: '2.0.0' }, { fixed: '2.0.3' });
    assert.equal(fixedVersionFor(a, '1.1.0'), '1.2.5');
    assert.equal(fixedVersionFor(a, '2.0.1'), '2.0.3');
    assert.equal(fixedVersionFor(a, '3.0.0'), null);
    const v = compileAffected(a).evaluate('1.1.0');
    assert.deepEqual(v, { status: 'affected', via: 'range', range: '>=1.0.0 <1.2.5', fixed: '1.2.5' });
  });
  it('skips a fixed version that another range of the entry still affects', () => {
    const a: OsvAffected = {
      package: { ecosystem: 'npm', name: 'x' },
      ranges: [
        { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.2.0' }] },
        { type: 'SEMVER', events: [{ introduced: '1.1.0' }, { fixed: '1.3.0' }] },
      ],
    };
    assert.equal(fixedVersionFor(a, '1.1.5'), '1.3.0');
  });
  it('is null with only last_affected, and the range reads "<=x"', () => {
    const a = semver({ introduced: '0' }, { last_affected: '2.1.214' });
    assert.deepEqual(compileAffected(a).evaluate('2.0.0'), { status: 'affected', via: 'range', range: '<=2.1.214', fixed: null });
  });
  it('reads ">=x" when nothing ends the range, "*" for introduced 0 alone, and "=v" for a listed version', () => {
    assert.equal((compileAffected(semver({ introduced: '1.0.0' })).evaluate('5.0.0') as { range: string }).range, '>=1.0.0');
    assert.equal((compileAffected(semver({ introduced: '0' })).evaluate('5.0.0') as { range: string }).range, '*');
    assert.equal((compileAffected(semver({ introduced: '1.0.0' }, { limit: '2.0.0' })).evaluate('1.5.0') as { range: string }).range, '>=1.0.0 <2.0.0');
    assert.equal((compileAffected({ versions: ['1.0.3'] }, 'npm').evaluate('1.0.3') as { range: string }).range, '=1.0.3');
  });
  it('describes every range for a possible match', () => {
    const a = semver({ introduced: '1.0.0' }, { fixed: '1.2.5' }, { introduced: '2.0.0' }, { fixed: '2.0.3' });
    assert.equal(compileAffected(a).describe(), '>=1.0.0 <1.2.5 || >=2.0.0 <2.0.3');
  });
});
