/** Version error codes: one family, every code listed once, errors carry code, name and details. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccordError } from '../../../../src/errors.js';
import { VERSION_ERROR_CODES, VersionError } from '../../../../src/advisory/versions/errors.js';
import { SEMVER } from '../../../../src/advisory/versions/semver.js';
import { VersionCache } from '../../../../src/advisory/versions/scheme.js';
import * as versions from '../../../../src/advisory/versions/index.js';

describe('version errors', () => {
  it('lists each code once', () => {
    assert.equal(new Set(VERSION_ERROR_CODES).size, VERSION_ERROR_CODES.length);
    assert.deepEqual([...VERSION_ERROR_CODES].sort(), ['VERSION_ECOSYSTEM_UNKNOWN', 'VERSION_INVALID', 'VERSION_RANGE_INVALID']);
  });
  it('a refused version is a VersionError (an AccordError) naming the scheme and the text', () => {
    try {
      SEMVER.parse('1.2');
      assert.fail('expected a refusal');
    } catch (e) {
      assert.ok(e instanceof VersionError && e instanceof AccordError);
      assert.equal(e.code, 'VERSION_INVALID');
      assert.equal(e.name, 'VersionError');
      assert.deepEqual(e.details, { scheme: 'semver', version: '1.2' });
      assert.match(e.message, /"1\.2" is not a valid semver version/);
    }
  });
  it('refuses non-strings and overlong text in every scheme', () => {
    for (const s of [versions.SEMVER, versions.NPM, versions.GO, versions.PEP440, versions.MAVEN, versions.RUBYGEMS, versions.NUGET, versions.DEBIAN, versions.RPM, versions.APK, versions.SEMVER_LIKE, versions.R_VERSION, versions.OPAM]) {
      assert.throws(() => s.parse(42 as unknown as string), VersionError, s.name);
      assert.throws(() => s.parse('1'.repeat(300)), VersionError, s.name);
      assert.throws(() => s.parse(''), VersionError, s.name);
    }
  });
  it('the version cache gives the same answers as parsing, including refusals', () => {
    const c = new VersionCache(2);
    assert.deepEqual(c.parse(SEMVER, '1.2.3'), SEMVER.parse('1.2.3'));
    assert.equal(c.tryParse(SEMVER, 'nope'), undefined);
    assert.throws(() => c.parse(SEMVER, 'nope'), (e: unknown) => e instanceof VersionError && e.code === 'VERSION_INVALID');
    assert.deepEqual(c.parse(SEMVER, '2.0.0'), SEMVER.parse('2.0.0'), 'past the limit it still parses');
  });
});
