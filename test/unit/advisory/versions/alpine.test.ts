/**
 * Alpine (apk) version ordering. The data file apk-version.data next to this
 * test is apk-tools' own test table (alpinelinux/apk-tools test/unit/version.data),
 * read the way test/unit/version_test.c reads it: "a op b" comparisons,
 * "version" must validate, "!version" must not. Fuzzy operators (~, <~, >~)
 * test apk's prefix matching, not ordering, and are skipped; comparisons whose
 * operands apk itself considers invalid ("1.0bc", "23_foo") are checked to be
 * refused instead, because parse() refuses what apk_version_validate refuses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { APK, parseApk } from '../../../../src/advisory/versions/alpine.js';
import { tryParse } from '../../../../src/advisory/versions/scheme.js';
import { cmp, itOrders } from './support.js';

const lines = readFileSync(new URL('./apk-version.data', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*$/, '').trim())
  .filter((l) => l !== '');

describe('Alpine apk (apk-tools test/unit/version.data)', () => {
  const comparisons = lines.map((l) => l.split(/\s+/)).filter((p) => p.length === 3 && ['<', '>', '='].includes(p[1]!)) as [string, string, string][];
  const valid = comparisons.filter(([a, , b]) => tryParse(APK, a) !== undefined && tryParse(APK, b) !== undefined);
  it(`${valid.length} comparisons hold both ways round`, () => {
    assert.ok(valid.length > 700);
    for (const [a, op, b] of valid) {
      const want = op === '<' ? -1 : op === '>' ? 1 : 0;
      assert.equal(cmp(APK, a, b), want, `${a} ${op} ${b}`);
      assert.equal(cmp(APK, b, a), want === 0 ? 0 : -want, `reverse of ${a} ${op} ${b}`);
    }
  });
  it('comparisons with operands apk calls invalid name only those', () => {
    const skipped = comparisons.filter((c) => !valid.includes(c)).flatMap(([a, , b]) => [a, b].filter((v) => tryParse(APK, v) === undefined));
    assert.deepEqual([...new Set(skipped)].sort(), ['1.0bc', '23_foo']);
  });
  const singles = lines.filter((l) => !/\s/.test(l));
  it(`${singles.length} validity lines`, () => {
    for (const l of singles) {
      if (l.startsWith('!')) {
        const v = l.slice(1);
        assert.equal(v === '' ? undefined : tryParse(APK, v), undefined, `${JSON.stringify(v)} is invalid`);
      } else assert.doesNotThrow(() => parseApk(l), l);
    }
  });
});

describe('Alpine suffix order (apk-tools src/version.c DECLARE_SUFFIXES)', () => {
  // _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p, then a further number, then -rN.
  itOrders(APK, ['1.0_alpha', '1.0_beta', '1.0_pre', '1.0_rc', '1.0', '1.0_cvs', '1.0_svn', '1.0_git', '1.0_hg', '1.0_p', '1.0_p1', '1.0.1'], 'suffixes');
  itOrders(APK, ['3.1.4-r0', '3.1.4-r1', '3.1.4-r10', '3.1.4a-r0', '3.1.5_rc1-r0', '3.1.5-r0'], 'revisions and letters');
});
