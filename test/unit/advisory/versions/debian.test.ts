/**
 * Debian version ordering (dpkg). Sources, guillemj/dpkg at commit
 * c5efef926d16a72fd9270c8efceeba8872419292:
 * - scripts/t/Dpkg_Version.t, its __DATA__ table ("a b result", which the test
 *   also checks against `dpkg --compare-versions`);
 * - lib/dpkg/t/t-version.c (test_version_compare, test_version_parse);
 * - Debian Policy §5.6.12 (the "~" example: ~~ < ~~a < ~ < empty < a).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEBIAN, verrevcmp } from '../../../../src/advisory/versions/debian.js';
import { itAccepts, itCompares, itOrders, itRefuses } from './support.js';

const DPKG_DATA = `1.0-1 2.0-2 -1
2.2~rc-4 2.2-1 -1
2.2-1 2.2~rc-4 1
1.0000-1 1.0-1 0
1 0:1 0
0 0:0-0 0
2:2.5 1:7.5 1
1:0foo 0foo 1
0:0foo 0foo 0
0foo 0foo 0
0foo-0 0foo 0
0foo 0foo-0 0
0foo 0fo 1
0foo-0 0foo+ -1
0foo~1 0foo -1
0foo~foo+Bar 0foo~foo+bar -1
0foo~~ 0foo~ -1
1~ 1 -1
12345+that-really-is-some-ver-0 12345+that-really-is-some-ver-10 -1
0foo-0 0foo-01 -1
0foo.bar 0foobar 1
0foo.bar 0foo1bar 1
0foo.bar 0foo0bar 1
0foo1bar-1 0foobar-1 -1
0foo2.0 0foo2 1
0foo2.0.0 0foo2.10.0 -1
0foo2.0 0foo2.0.0 -1
0foo2.0 0foo2.10 -1
0foo2.1 0foo2.10 -1
1.09 1.9 0
1.0.8+nmu1 1.0.8 1
3.11 3.10+nmu1 1
0.9j-20080306-4 0.9i-20070324-2 1
1.2.0~b7-1 1.2.0~b6-1 1
1.011-1 1.06-2 1
0.0.9+dfsg1-1 0.0.8+dfsg1-3 1
4.6.99+svn6582-1 4.6.99+svn6496-1 1
53 52 1
0.9.9~pre122-1 0.9.9~pre111-1 1
2:2.3.2-2+lenny2 2:2.3.2-2 1
1:3.8.1-1 3.8.GA-1 1
1.0.1+gpl-1 1.0.1-2 1
1a 1000a -1`;

const OPS = { '-1': '<', '0': '=', '1': '>' } as const;
const PAIRS = DPKG_DATA.split('\n').map((l) => {
  const [a, b, r] = l.split(' ') as [string, string, '-1' | '0' | '1'];
  return [a, OPS[r], b] as const;
});

describe('Debian (dpkg)', () => {
  itCompares(DEBIAN, PAIRS, '100_Dpkg_Version.t');
  itCompares(
    DEBIAN,
    [
      // t-version.c test_version_compare / test_version_parse
      ['0:0-0', '=', '0:0-0'], ['0:0-00', '=', '0:00-0'], ['1:2-3', '=', '1:2-3'], ['0:0-0', '<', '1:0-0'],
      ['0:0-a', '<', '0:0-b'], ['0', '=', '0:0'], ['0:0.0-0.0', '=', '0.0-0.0'], ['5:1', '>', '4:9'], ['0:0-0-0', '<', '0:0-0-1'],
      ['  \t0:0-1', '=', '0:0-1'], ['\t  0:0-1  \t', '=', '0:0-1'],
    ],
    't-version.c',
  );
  // t-version.c builds DPKG_VERSION_OBJECT(0, "a", "0") directly, bypassing the parser's digit rule.
  it('t-version.c: version component "a" < "b"', () => assert.equal(verrevcmp('a', 'b'), -1));
  // Debian Policy §5.6.12: "~~", "~~a", "~", the empty part, "a".
  itOrders(DEBIAN, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a'], 'policy tilde example');
  itOrders(DEBIAN, ['1:1.0-1', '1:1.0-1+deb12u1', '1:1.0-2~bpo11+1', '1:1.0-2', '2:0.1-1'], 'epochs and security updates');
  itAccepts(DEBIAN, ['0:0:0-0', '0:0:0:0-0', '0:0:0-0-0', '0:0-0:0-0', '0:09azAZ.-+~:-0', '0:0-azAZ09.+~'], 't-version.c valid');
  itRefuses(
    DEBIAN,
    ['', '  ', '0:', ':1.0', '1.0-', '0:abc3-0', '0:0 0-1', '-1:0-1', '999999999999999999999999:0-1', 'a:0-0', 'A:0-0', '-0', '0:-0', '0:0-0:0', '10a:5.2', '5.2@3-2',
      ...[...'!#@$%&/|\\<>()[]{};,_=*^\''].map((c) => `0:0${c}-0`), ...[...'!#@$%&/|\\<>()[]{}:;,_=*^\''].map((c) => `0:0-0${c}`)],
    't-version.c / 100_Dpkg_Version.t invalid',
  );
});

describe('Debian: pairs decided by the reference implementation', () => {
  // Random close versions compared by `dpkg --compare-versions` (dpkg 1.21.22); 1,500 random pairs and
  // 3,000 `dpkg --validate-version` checks agree.
  itCompares(
    DEBIAN,
    [
      ['1:1.0a-0ubuntu1', '>', '1.00-0ubuntu1'],
      ['1:1.0.1', '>', '1.0.1'],
      ['1.0a-1build1', '<', '1:1.0.1'],
      ['1:1.0a-1+deb12u1', '>', '1.0~rc1-2'],
      ['1:1.0', '>', '1.0a-1~bpo11+1'],
      ['1.0-1', '>', '1.0~rc1-1build1'],
      ['1.0+dfsg-1.1', '>', '1.0+dfsg-1+deb12u1'],
      ['1.0', '<', '1.0a-1+deb12u1'],
      ['1:1.00', '>', '1.0~rc1-1build1'],
      ['1.0.1-1.1', '>', '1.00'],
      ['1.0', '<', '1.0.1'],
      ['1:1.0.1-1', '>', '1.0.1-1build1'],
      ['1:1.0.1', '>', '1.0~rc1'],
      ['1:1.0.1-1build1', '>', '1.0a-2'],
      ['1:1.0a-1.1', '>', '1.0+dfsg'],
      ['1.0.1-2', '>', '1.0a'],
      ['1.0-1~bpo11+1', '<', '1.0+dfsg-1.1'],
      ['1.0.1', '>', '1.0'],
      ['1.0', '<', '1:1.0a'],
      ['1.0~rc1', '<', '1:1.0'],
      ['1.00-1build1', '<', '1:1.0-1'],
      ['1.0-1+deb12u1', '<', '1:1.0a'],
      ['1.0+dfsg-0ubuntu1', '>', '1.0+dfsg'],
      ['1.00-2', '<', '1.0a-0ubuntu1'],
      ['1.00-1build1', '>', '1.00-1'],
      ['1.0+dfsg-2', '>', '1.00-0ubuntu1'],
      ['1.0+dfsg-1+deb12u1', '=', '1.0+dfsg-1+deb12u1'],
      ['1:1.0~rc1', '<', '1:1.0a'],
      ['1:1.00-2', '>', '1:1.0~rc1'],
      ['1.0', '=', '1.00'],
      ['1.0a-1+deb12u1', '>', '1.0~rc1-1.1'],
      ['1:1.0+dfsg', '>', '1.00-1'],
      ['1.0~rc1-1', '<', '1:1.0~rc1-1.1'],
      ['1:1.0.1-1build1', '>', '1.0+dfsg'],
      ['1.00-2', '<', '1.0.1-1+deb12u1'],
      ['1.0a-1build1', '<', '1:1.00'],
      ['1:1.0+dfsg', '>', '1.00-2'],
      ['1.0+dfsg-1+deb12u1', '>', '1.0~rc1-1'],
      ['1.0+dfsg-2', '>', '1.0-1.1'],
      ['1.0.1', '>', '1.00-1build1'],
    ],
    'dpkg 1.21.22',
  );
});
