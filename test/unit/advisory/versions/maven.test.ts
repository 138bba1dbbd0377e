/**
 * Maven ComparableVersion ordering. The tables are copied from Apache Maven's
 * own test, maven-artifact/src/test/java/org/apache/maven/artifact/versioning/
 * ComparableVersionTest.java at tag maven-3.9.9 (apache/maven): VERSIONS_QUALIFIER,
 * VERSIONS_NUMBER, testVersionsEqual, testVersionComparing, testMng5568,
 * testMng6572, testVersionEqualWithLeadingZeroes, testMng6964, testMng7644.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAVEN, mavenCanonical, parseMaven } from '../../../../src/advisory/versions/maven.js';
import { cmp, itCompares, itOrders, itRefuses } from './support.js';

const VERSIONS_QUALIFIER = [
  '1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2', '1-rc123', '1-SNAPSHOT', '1',
  '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot', '1-1', '1-2', '1-123',
];

const VERSIONS_NUMBER = [
  '2.0', '2.0.a', '2-1', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1', '2.2', '2.123', '11.a2', '11.a11',
  '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m',
];

const EQUAL: [string, string][] = [
  ['1', '1'], ['1', '1.0'], ['1', '1.0.0'], ['1.0', '1.0.0'], ['1', '1-0'], ['1', '1.0-0'], ['1.0', '1.0-0'],
  // no separator between number and character
  ['1a', '1-a'], ['1a', '1.0-a'], ['1a', '1.0.0-a'], ['1.0a', '1-a'], ['1.0.0a', '1-a'], ['1x', '1-x'], ['1x', '1.0-x'],
  ['1x', '1.0.0-x'], ['1.0x', '1-x'], ['1.0.0x', '1-x'],
  // aliases
  ['1ga', '1'], ['1release', '1'], ['1final', '1'], ['1cr', '1rc'],
  // special "aliases" a, b and m for alpha, beta and milestone
  ['1a1', '1-alpha-1'], ['1b2', '1-beta-2'], ['1m3', '1-milestone-3'],
  // case insensitive
  ['1X', '1x'], ['1A', '1a'], ['1B', '1b'], ['1M', '1m'], ['1Ga', '1'], ['1GA', '1'], ['1RELEASE', '1'], ['1release', '1'],
  ['1RELeaSE', '1'], ['1Final', '1'], ['1FinaL', '1'], ['1FINAL', '1'], ['1Cr', '1Rc'], ['1cR', '1rC'], ['1m3', '1Milestone3'],
  ['1m3', '1MileStone3'], ['1m3', '1MILESTONE3'],
  // testLocaleIndependent
  ['1-abcdefghijklmnopqrstuvwxyz', '1-ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
];

const ORDERED: [string, string][] = [
  ['1', '2'], ['1.5', '2'], ['1', '2.5'], ['1.0', '1.1'], ['1.1', '1.2'], ['1.0.0', '1.1'], ['1.0.1', '1.1'], ['1.1', '1.2.0'],
  ['1.0-alpha-1', '1.0'], ['1.0-alpha-1', '1.0-alpha-2'], ['1.0-alpha-1', '1.0-beta-1'], ['1.0-beta-1', '1.0-SNAPSHOT'],
  ['1.0-SNAPSHOT', '1.0'], ['1.0-alpha-1-SNAPSHOT', '1.0-alpha-1'], ['1.0', '1.0-1'], ['1.0-1', '1.0-2'], ['1.0.0', '1.0-1'],
  ['2.0-1', '2.0.1'], ['2.0.1-klm', '2.0.1-lmn'], ['2.0.1', '2.0.1-xyz'], ['2.0.1', '2.0.1-123'], ['2.0.1-xyz', '2.0.1-123'],
  // testMng5568
  ['6.1.0rc3', '6.1.0'], ['6.1.0rc3', '6.1H.5-beta'], ['6.1.0', '6.1H.5-beta'],
  // testMng6572
  ['20190126.230843', '1234567890.12345'], ['1234567890.12345', '123456789012345.1H.5-beta'], ['20190126.230843', '123456789012345.1H.5-beta'],
  ['123456789012345.1H.5-beta', '12345678901234567890.1H.5-beta'], ['1234567890.12345', '12345678901234567890.1H.5-beta'],
  ['20190126.230843', '12345678901234567890.1H.5-beta'],
  // testMng6964
  ['1-0.alpha', '1'], ['1-0.beta', '1'], ['1-0.alpha', '1-0.beta'],
];

describe('Maven ComparableVersion (apache/maven ComparableVersionTest.java, maven-3.9.9)', () => {
  itOrders(MAVEN, VERSIONS_QUALIFIER, 'VERSIONS_QUALIFIER');
  itOrders(MAVEN, VERSIONS_NUMBER, 'VERSIONS_NUMBER');
  itCompares(MAVEN, EQUAL.map(([a, b]) => [a, '=', b] as const), 'testVersionsEqual');
  itCompares(MAVEN, ORDERED.map(([a, b]) => [a, '<', b] as const), 'testVersionComparing');

  it('testVersionEqualWithLeadingZeroes / testVersionZeroEqualWithLeadingZeroes', () => {
    for (let n = 1; n <= 19; n++) {
      assert.equal(cmp(MAVEN, `${'0'.repeat(n - 1)}1`, '1'), 0);
      assert.equal(cmp(MAVEN, '0'.repeat(n), '0'), 0);
    }
  });

  it('testMng7644: 1.0.0.X1 < 1.0.0-X2 and 2-X == 2.0.X == 2.0.0.X', () => {
    for (const x of ['abc', 'alpha', 'a', 'beta', 'b', 'def', 'milestone', 'm', 'RC']) {
      assert.equal(cmp(MAVEN, `1.0.0.${x}1`, `1.0.0-${x}2`), -1, x);
      assert.equal(cmp(MAVEN, `2-${x}`, `2.0.${x}`), 0, x);
      assert.equal(cmp(MAVEN, `2-${x}`, `2.0.0.${x}`), 0, x);
      assert.equal(cmp(MAVEN, `2.0.${x}`, `2.0.0.${x}`), 0, x);
    }
  });

  it('canonical form is stable (newComparable re-parses its own canonical form)', () => {
    for (const v of [...VERSIONS_QUALIFIER, ...VERSIONS_NUMBER]) {
      const c = mavenCanonical(parseMaven(v));
      assert.equal(mavenCanonical(parseMaven(c)), c, v);
      assert.equal(cmp(MAVEN, v, c), 0, `${v} == canonical ${c}`);
    }
  });
});

describe('Maven: the POM reference "Version Order Specification" (maven.apache.org/pom.html)', () => {
  // "alpha < beta < milestone < rc = cr < snapshot < "" = final = ga = release < sp"
  itOrders(MAVEN, ['1-alpha', '1-beta', '1-milestone', '1-rc', '1-snapshot', '1', '1-sp'], 'qualifier order');
  itCompares(MAVEN, [['1-rc', '=', '1-cr'], ['1', '=', '1-final'], ['1-ga', '=', '1-release'], ['1-1', '<', '1.1'], ['1-foo', '>', '1-sp']], 'spec');
  itRefuses(MAVEN, ['', '1.0 final', '1.0\n', '1.0-é', 'x'.repeat(257)], 'refused');
});

describe('Maven: pairs decided by the reference implementation', () => {
  // Random versions (leading "1", then qualifiers, numbers and separators) compared by Maven 3.9.9's own
  // ComparableVersion.java (apache/maven tag maven-3.9.9, compiled and run on each pair); 20,000 such pairs agree.
  itCompares(
    MAVEN,
    [
      ['1.foo', '>', '1m10final'],
      ['1-alpha', '<', '1.milestone10-0'],
      ['1.a.ga', '<', '1release.2milestone'],
      ['1.1-Finalmilestone', '>', '1.cr'],
      ['110-a.rc', '>', '1rc'],
      ['1.bBeta', '<', '1.spga'],
      ['1.final-RC', '<', '1.10'],
      ['1cr-RC', '>', '1RC.final-alpha'],
      ['1-b.Final-b', '>', '1alpha.rc-0'],
      ['1-0.0', '<', '1foo.b'],
      ['1.0.m-release', '>', '1cr'],
      ['12', '>', '1-Finalbeta'],
      ['1.a.cr', '<', '1final.x'],
      ['1Beta', '>', '1-alpha'],
      ['1SNAPSHOT', '<', '1x2-Beta'],
      ['1-releaseSNAPSHOT', '>', '1.Beta01'],
      ['1.ga', '<', '1ga-snapshotm'],
      ['1-2Beta', '>', '1.rcb'],
      ['1.SNAPSHOT-foo-Beta', '<', '1m-alphaalpha'],
      ['1rc', '<', '1cr01-beta'],
      ['1release-m-01', '>', '1-ga'],
      ['1-alphaBeta.1', '>', '1-Final'],
      ['1Beta.01', '<', '1.milestone'],
      ['1-beta.ga', '<', '1final.b'],
      ['1bRCcr', '>', '1-Final'],
      ['1.Finalmilestone', '>', '1.m-arelease'],
      ['1finalrelease', '>', '1milestone.alpha'],
      ['1.alpha-alpham', '<', '1milestone01.SNAPSHOT'],
      ['1-snapshot-cr', '<', '11'],
      ['1-0ga', '>', '1beta-a'],
      ['1.final', '<', '1.m'],
      ['1.Beta', '<', '1a'],
      ['1-finalmilestonega', '>', '1.milestone'],
      ['1.ga', '>', '1SNAPSHOT'],
      ['1.release', '=', '1-0'],
      ['1.release', '=', '1-Final'],
      ['1alpha-0', '=', '1-alpha'],
      ['1-release.release', '=', '1.0'],
      ['1.cr', '=', '1-rc'],
      ['1snapshot', '=', '1-SNAPSHOT'],
      ['1.release', '=', '1-0-final'],
      ['1.x', '=', '1x'],
    ],
    'ComparableVersion 3.9.9',
  );
});
