/**
 * Gem::Version ordering. Facts copied from RubyGems' own tests,
 * rubygems/rubygems test/rubygems/test_gem_version.rb at commit
 * 69ec4a3a5f1cafa633c569671ed9ef502bbdaf61 (test_spaceship, test_semver,
 * test_prerelease, test_equals2, test_hash, test_initialize,
 * test_initialize_invalid, test_canonical_segments, test_frozen_version).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RUBYGEMS, parseGem } from '../../../../src/advisory/versions/rubygems.js';
import { cmp, itCompares, itOrders, itRefuses } from './support.js';

describe('RubyGems (rubygems/rubygems test/rubygems/test_gem_version.rb)', () => {
  itCompares(
    RUBYGEMS,
    [
      // test_spaceship
      ['1.0', '=', '1.0.0'], ['1.0', '>', '1.0.a'], ['1.8.2', '>', '0.0.0'], ['1.8.2', '>', '1.8.2.a'], ['1.8.2.b', '>', '1.8.2.a'],
      ['1.8.2.a', '<', '1.8.2'], ['1.8.2.a10', '>', '1.8.2.a9'], ['0.beta.1', '=', '0.0.beta.1'], ['0.0.beta', '<', '0.0.beta.1'],
      ['0.0.beta', '<', '0.beta.1'], ['5.a', '<', '5.0.0.rc2'], ['5.x', '>', '5.0.0.rc2'], ['1.9.3', '=', '1.9.3'], ['1.9.3', '>', '1.9.2.99'],
      ['1.9.3', '<', '1.9.3.1'],
      // test_equals2 / test_hash
      ['1.2', '=', '1.2'], ['1.2', '<', '1.3'], ['1.2.b1', '=', '1.2.b.1'], ['1.2', '=', '1.2.0'], ['1.2.pre.1', '=', '1.2.0.pre.1.0'],
      // test_prerelease: "1.0.0-1" < "1"
      ['1.0.0-1', '<', '1'],
      // test_frozen_version
      ['1.freeze.test', '<', '1'],
    ],
    'spaceship',
  );
  // test_semver: each entry is less than the next.
  itOrders(RUBYGEMS, ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'], 'test_semver');
  itCompares(RUBYGEMS, [['1.0.0-rc1', '<', '1.0.0']], 'test_semver');
  // test_initialize: surrounding whitespace is fine.
  it('test_initialize: surrounding whitespace', () => {
    for (const good of ['1.0', '1.0 ', ' 1.0 ', '1.0\n', '\n1.0\n']) assert.equal(cmp(RUBYGEMS, good, '1.0'), 0, JSON.stringify(good));
  });
  // test_initialize_invalid, including the CVE-2013-4287 string.
  itRefuses(RUBYGEMS, ['junk', '1.0\n2.0', '1..2', '1.2 3.4', '2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.'], 'test_initialize_invalid');
  it('test_canonical_segments', () => {
    assert.deepEqual(parseGem('1.0.0').canonical, [1]);
    assert.deepEqual(parseGem('1.0.0.a.1.0').canonical, [1, 'a', 1]);
    assert.deepEqual(parseGem('1.2.3-1').canonical, [1, 2, 3, 'pre', 1]);
  });
  it('the CVE-2013-4287 pattern is refused quickly (no catastrophic backtracking)', () => {
    const t = Date.now();
    assert.throws(() => parseGem(`1.${'1'.repeat(200)}.a-`));
    assert.throws(() => parseGem(`${'1.'.repeat(120)}-`));
    assert.ok(Date.now() - t < 100);
  });
  // lib/rubygems/version.rb documentation: "Prereleases sort between real releases (newest to oldest): 1.0, 1.0.b1, 1.0.a.2, 0.9";
  // "3.10 sorts higher than 3.2"; "1.0.a10 becomes 1.0.a.10, and is greater than 1.0.a9".
  itOrders(RUBYGEMS, ['0.9', '1.0.a.2', '1.0.b1', '1.0'], 'version.rb documentation');
  // "If any part contains letters ... then that version is considered prerelease": a letter part sorts before a number part.
  itCompares(RUBYGEMS, [['3.10', '>', '3.2'], ['1.0.a10', '>', '1.0.a9'], ['1.0.a10', '=', '1.0.a.10'], ['1.0.a', '<', '1.0.1'], ['2.a', '<', '2.1'], ['2.b.3', '<', '2.0.1']], 'version.rb documentation');
  // Ruby's String#<=> is bytewise, so upper case sorts first.
  itCompares(RUBYGEMS, [['1.0.A', '<', '1.0.a']], 'bytewise strings');
});
