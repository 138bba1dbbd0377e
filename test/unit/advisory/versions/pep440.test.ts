/**
 * PEP 440 ordering and normalisation. The tables are copied from the PyPA
 * `packaging` test suite, pypa/packaging tests/test_version.py (VERSIONS,
 * test_invalid_versions, test_normalized_versions, test_version_rc_and_c_equals),
 * commit 0345ccd3d1e5b0e14b84de4fb6bca0b82f7145e3.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PEP440 } from '../../../../src/advisory/versions/pep440.js';
import { cmp, itCompares, itOrders, itRefuses } from './support.js';

// tests/test_version.py: "This list must be in the correct sorting order".
const VERSIONS = [
  // Implicit epoch of 0
  '1.0.dev0', '1.0.dev456', '1.0.dev456+local', '1.0a0', '1.0a0.post0.dev0', '1.0a0.post0', '1.0a1.dev1', '1.0a1.dev1+local',
  '1.0a1', '1.0a1+local', '1.0b0', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0b2-346', '1.0rc0',
  '1.0rc1.dev1', '1.0c1', '1.0rc2', '1.0', '1.0.post0.dev0', '1.0.post0', '1.0.post456.dev34', '1.0.post456', '1.0.post456+local',
  '1.0.1.dev1', '1.0.1a1', '1.0.1', '1.0.1+local', '1.0.1.post1', '1.1.dev1', '1.2+a', '1.2+abc', '1.2+abcdef', '1.2+def', '1.2+0',
  '1.2+1', '1.2+1.abc', '1.2+1.1', '1.2+1.1.0', '1.2+2', '1.2+123', '1.2+123456', '1.2.r32+123456', '1.2.rev33+123456',
  // Explicit epoch of 1
  '1!1.0.dev0', '1!1.0.dev456', '1!1.0.dev456+local', '1!1.0a0', '1!1.0a0.post0.dev0', '1!1.0a0.post0', '1!1.0a1.dev1',
  '1!1.0a1.dev1+local', '1!1.0a1', '1!1.0a1+local', '1!1.0b0', '1!1.0b1.dev456', '1!1.0b2', '1!1.0b2.post345.dev456',
  '1!1.0b2.post345', '1!1.0b2-346', '1!1.0rc0', '1!1.0rc1.dev1', '1!1.0c1', '1!1.0rc2', '1!1.0', '1!1.0.post0.dev0', '1!1.0.post0',
  '1!1.0.post456.dev34', '1!1.0.post456', '1!1.0.post456+local', '1!1.0.1.dev1', '1!1.0.1a1', '1!1.0.1', '1!1.0.1+local',
  '1!1.0.1.post1', '1!1.1.dev1', '1!1.2+a', '1!1.2+abc', '1!1.2+abcdef', '1!1.2+def', '1!1.2+0', '1!1.2+1', '1!1.2+1.abc',
  '1!1.2+1.1', '1!1.2+1.1.0', '1!1.2+2', '1!1.2+123', '1!1.2+123456', '1!1.2.r32+123456', '1!1.2.rev33+123456',
];

// test_invalid_versions
const INVALID = [
  'french toast', '1.0+a+', '1.0++', '1.0+_foobar', '1.0+foo&asd', '1.0+1+1', '1. 0', '1 .0', '1. 0a1', '1 .0a1', '1.0 a1', '1.0a 1',
  '٠١٢.٣٤٥.٦٧٨٩', '.', '..', '1..0', '1.0.', '.1.0', '1..2.3', '1.0+\u0130', 'lolwat',
];

// test_normalized_versions: (input, normalized) — each pair must compare equal.
const NORMALIZED: [string, string][] = [
  ['1.0dev', '1.0.dev0'], ['1.0.dev', '1.0.dev0'], ['1.0dev1', '1.0.dev1'], ['1.0-dev', '1.0.dev0'], ['1.0-dev1', '1.0.dev1'],
  ['1.0DEV', '1.0.dev0'], ['1.0.DEV', '1.0.dev0'], ['1.0DEV1', '1.0.dev1'], ['1.0.DEV1', '1.0.dev1'], ['1.0-DEV', '1.0.dev0'],
  ['1.0-DEV1', '1.0.dev1'], ['1.0a', '1.0a0'], ['1.0.a', '1.0a0'], ['1.0.a1', '1.0a1'], ['1.0-a', '1.0a0'], ['1.0-a1', '1.0a1'],
  ['1.0alpha', '1.0a0'], ['1.0.alpha', '1.0a0'], ['1.0.alpha1', '1.0a1'], ['1.0-alpha', '1.0a0'], ['1.0-alpha1', '1.0a1'],
  ['1.0A', '1.0a0'], ['1.0.A', '1.0a0'], ['1.0.A1', '1.0a1'], ['1.0-A', '1.0a0'], ['1.0-A1', '1.0a1'], ['1.0ALPHA', '1.0a0'],
  ['1.0.ALPHA', '1.0a0'], ['1.0.ALPHA1', '1.0a1'], ['1.0-ALPHA', '1.0a0'], ['1.0-ALPHA1', '1.0a1'], ['1.0b', '1.0b0'],
  ['1.0.b', '1.0b0'], ['1.0.b1', '1.0b1'], ['1.0-b', '1.0b0'], ['1.0-b1', '1.0b1'], ['1.0beta', '1.0b0'], ['1.0.beta', '1.0b0'],
  ['1.0.beta1', '1.0b1'], ['1.0-beta', '1.0b0'], ['1.0-beta1', '1.0b1'], ['1.0B', '1.0b0'], ['1.0.B', '1.0b0'], ['1.0.B1', '1.0b1'],
  ['1.0-B', '1.0b0'], ['1.0-B1', '1.0b1'], ['1.0BETA', '1.0b0'], ['1.0.BETA', '1.0b0'], ['1.0.BETA1', '1.0b1'], ['1.0-BETA', '1.0b0'],
  ['1.0-BETA1', '1.0b1'], ['1.0c', '1.0rc0'], ['1.0.c', '1.0rc0'], ['1.0.c1', '1.0rc1'], ['1.0-c', '1.0rc0'], ['1.0-c1', '1.0rc1'],
  ['1.0rc', '1.0rc0'], ['1.0.rc', '1.0rc0'], ['1.0.rc1', '1.0rc1'], ['1.0-rc', '1.0rc0'], ['1.0-rc1', '1.0rc1'], ['1.0C', '1.0rc0'],
  ['1.0.C', '1.0rc0'], ['1.0.C1', '1.0rc1'], ['1.0-C', '1.0rc0'], ['1.0-C1', '1.0rc1'], ['1.0RC', '1.0rc0'], ['1.0.RC', '1.0rc0'],
  ['1.0.RC1', '1.0rc1'], ['1.0-RC', '1.0rc0'], ['1.0-RC1', '1.0rc1'], ['1.0post', '1.0.post0'], ['1.0.post', '1.0.post0'],
  ['1.0post1', '1.0.post1'], ['1.0-post', '1.0.post0'], ['1.0-post1', '1.0.post1'], ['1.0POST', '1.0.post0'], ['1.0.POST', '1.0.post0'],
  ['1.0POST1', '1.0.post1'], ['1.0r', '1.0.post0'], ['1.0rev', '1.0.post0'], ['1.0.POST1', '1.0.post1'], ['1.0.r1', '1.0.post1'],
  ['1.0.rev1', '1.0.post1'], ['1.0-POST', '1.0.post0'], ['1.0-POST1', '1.0.post1'], ['1.0-5', '1.0.post5'], ['1.0-r5', '1.0.post5'],
  ['1.0-rev5', '1.0.post5'], ['1.0+AbC', '1.0+abc'], ['1.01', '1.1'], ['1.0a05', '1.0a5'], ['1.0b07', '1.0b7'], ['1.0c056', '1.0rc56'],
  ['1.0rc09', '1.0rc9'], ['1.0.post000', '1.0.post0'], ['1.1.dev09000', '1.1.dev9000'], ['00!1.2', '1.2'], ['0100!0.0', '100!0.0'],
  ['v1.0', '1.0'], ['   v1.0\t\n', '1.0'], ['\u202f1.0\t\u2029\n ', '1.0'],
];

describe('PEP 440 (pypa/packaging tests/test_version.py)', () => {
  itOrders(PEP440, VERSIONS, 'VERSIONS');
  itRefuses(PEP440, INVALID, 'test_invalid_versions');
  it(`test_normalized_versions: ${NORMALIZED.length} spellings equal their normal form`, () => {
    for (const [a, b] of NORMALIZED) assert.equal(cmp(PEP440, a, b), 0, `${JSON.stringify(a)} == ${b}`);
  });
  itCompares(PEP440, [['1.0rc1', '=', '1.0c1']], 'test_version_rc_and_c_equals');
});

describe('PEP 440 rules from the specification (peps.python.org/pep-0440)', () => {
  itCompares(
    PEP440,
    [
      ['1.0.0a1', '=', '1.0a1'], // "Release segment ... trailing zeros" are not significant in comparison
      ['1.0', '=', '1.0.0.0'],
      ['1.0-post1', '=', '1.0.post1'],
      ['1.0_post1', '=', '1.0.post1'],
      ['1.0.0', '<', '1!0.1'], // epochs sort before everything else
      ['1.0.dev1', '<', '1.0a1'], // "developmental releases ... sorted ... before any pre-releases"
      ['1.0.post1.dev1', '<', '1.0.post1'],
      ['1.0', '<', '1.0+anything'], // local versions sort after their public version
      ['1.0+1', '>', '1.0+zzz'], // numeric local segments sort after alphanumeric ones
      ['2.0', '>', '1.99999999999999999999'],
      ['1.10', '>', '1.9'],
    ],
    'spec',
  );
  itRefuses(PEP440, ['', '1.0-', '1.0+', '1!', '!1.0', '1.0.post_-1', 'a1.0', '1.0-dev-1-1', 'x'.repeat(300)], 'malformed');
});

describe('PEP 440: pairs decided by the reference implementation', () => {
  // Random close versions compared by pypa/packaging 26.2 (packaging.version.Version);
  // 20,000 random pairs and 5,000 validity checks agree.
  itCompares(
    PEP440,
    [
      ['1.1+ubuntu-1', '<', '1.2-dev1+1'],
      ['1!1.0.r1.dev1', '>', '1.0rev-dev1'],
      ['1!1.0b10.rdev1+local', '>', '1.2.dev3'],
      ['1.2+1', '>', '1.1.alpha2-1+ubuntu-1'],
      ['1.0', '<', '1!1.0'],
      ['1!1.2b1', '>', '1!1.0postdev+local'],
      ['1.2', '>', '1.0+1'],
      ['1.0', '<', '1!1.1.alpha2.post2'],
      ['1.1', '<', '1.2pre1.post2.dev3'],
      ['1.0-dev1', '<', '1.2b10rev1'],
      ['1.0prerev1+2.x', '<', '1.2c1post'],
      ['1.2', '>', '1.1+abc.2'],
      ['1.1-beta10.postdev3', '<', '1.2'],
      ['1!1.0a10post', '<', '1!1.1post2-dev+1'],
      ['1!1.1', '>', '1.0c10.r'],
      ['1.0rc10.dev', '<', '1!1.2+ubuntu-1'],
      ['1.2-beta1.post2', '<', '1.2postdev1'],
      ['1!1.2', '>', '1.0post'],
      ['1.0rev2+local', '>', '1.0post1.dev3'],
      ['1!1.2.r2+2.x', '>', '1!1.0.r'],
      ['1.0.alpha10', '<', '1.0rc.dev'],
      ['1.1a1.r2', '>', '1.0rc2'],
      ['1!1.0b1', '>', '1.0dev'],
      ['1.0', '<', '1.1c2post1'],
      ['1!1.2rev+2.x', '>', '1.1.dev'],
      ['1.1.dev', '<', '1.2-dev3'],
      ['1.0-beta10', '<', '1.2b10dev1+ubuntu-1'],
      ['1.0.r2', '<', '1.1a+ubuntu-1'],
      ['1.1-beta10.dev1', '<', '1.1+abc.2'],
      ['1.1+1', '>', '1.0-1'],
      ['1.2+ubuntu-1', '>', '1.0rev2.dev1+ubuntu-1'],
      ['1.0', '<', '1.2'],
      ['1!1.2rc1.r', '>', '1.1.r1'],
      ['1.1bdev1+local', '<', '1!1.0a1.dev'],
      ['1.2pre-.dev', '>', '1.0.alphapostdev'],
      ['1.1-dev', '<', '1.1dev1'],
      ['1.1.post2', '<', '1.2rc10.r1-dev1'],
      ['1.2postdev3', '>', '1.1a10.dev+abc.2'],
      ['1.2+abc.2', '<', '1!1.0.alpha1'],
      ['1.1', '>', '1.0rev2'],
    ],
    'packaging 26.2',
  );
});
