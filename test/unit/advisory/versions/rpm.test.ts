/**
 * RPM version ordering (rpmvercmp). The table is copied from rpm's own test
 * suite, rpm-software-management/rpm tests/rpmvercmp.at (every active
 * RPMVERCMP(a, b, result) line, commit a8f0192aee1c08bd1454ed2ac6ebaf506004b55c),
 * which runs rpm.vercmp(a, b). Its "oddities" section is commented out there
 * and is not asserted here. Epoch and release handling follow rpm's EVR order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RPM, rpmvercmp } from '../../../../src/advisory/versions/rpm.js';
import { itCompares, itOrders, itRefuses } from './support.js';

const RPMVERCMP = `1.0 1.0 0
1.0 2.0 -1
2.0 1.0 1
2.0.1 2.0.1 0
2.0 2.0.1 -1
2.0.1 2.0 1
2.0.1a 2.0.1a 0
2.0.1a 2.0.1 1
2.0.1 2.0.1a -1
5.5p1 5.5p1 0
5.5p1 5.5p2 -1
5.5p2 5.5p1 1
5.5p10 5.5p10 0
5.5p1 5.5p10 -1
5.5p10 5.5p1 1
10xyz 10.1xyz -1
10.1xyz 10xyz 1
xyz10 xyz10 0
xyz10 xyz10.1 -1
xyz10.1 xyz10 1
xyz.4 xyz.4 0
xyz.4 8 -1
8 xyz.4 1
xyz.4 2 -1
2 xyz.4 1
5.5p2 5.6p1 -1
5.6p1 5.5p2 1
5.6p1 6.5p1 -1
6.5p1 5.6p1 1
6.0.rc1 6.0 1
6.0 6.0.rc1 -1
10b2 10a1 1
10a2 10b2 -1
1.0aa 1.0aa 0
1.0a 1.0aa -1
1.0aa 1.0a 1
10.0001 10.0001 0
10.0001 10.1 0
10.1 10.0001 0
10.0001 10.0039 -1
10.0039 10.0001 1
4.999.9 5.0 -1
5.0 4.999.9 1
20101121 20101121 0
20101121 20101122 -1
20101122 20101121 1
2_0 2_0 0
2.0 2_0 0
2_0 2.0 0
a a 0
a+ a+ 0
a+ a_ 0
a_ a+ 0
+a +a 0
+a _a 0
_a +a 0
+_ +_ 0
_+ +_ 0
_+ _+ 0
+ _ 0
_ + 0
1.0~rc1 1.0~rc1 0
1.0~rc1 1.0 -1
1.0 1.0~rc1 1
1.0~rc1 1.0~rc2 -1
1.0~rc2 1.0~rc1 1
1.0~rc1~git123 1.0~rc1~git123 0
1.0~rc1~git123 1.0~rc1 -1
1.0~rc1 1.0~rc1~git123 1
1.0^ 1.0^ 0
1.0^ 1.0 1
1.0 1.0^ -1
1.0^git1 1.0^git1 0
1.0^git1 1.0 1
1.0 1.0^git1 -1
1.0^git1 1.0^git2 -1
1.0^git2 1.0^git1 1
1.0^git1 1.01 -1
1.01 1.0^git1 1
1.0^20160101 1.0^20160101 0
1.0^20160101 1.0.1 -1
1.0.1 1.0^20160101 1
1.0^20160101^git1 1.0^20160101^git1 0
1.0^20160102 1.0^20160101^git1 1
1.0^20160101^git1 1.0^20160102 -1
1.0~rc1^git1 1.0~rc1^git1 0
1.0~rc1^git1 1.0~rc1 1
1.0~rc1 1.0~rc1^git1 -1
1.0^git1~pre 1.0^git1~pre 0
1.0^git1 1.0^git1~pre 1
1.0^git1~pre 1.0^git1 -1`;

describe('RPM (rpm tests/rpmvercmp.at)', () => {
  const rows = RPMVERCMP.split('\n').map((l) => l.split(' ') as [string, string, string]);
  it(`rpmvercmp: ${rows.length} cases`, () => {
    for (const [a, b, r] of rows) assert.equal(rpmvercmp(a, b), Number(r), `rpmvercmp(${a}, ${b}) = ${r}`);
  });
  // The same facts through the scheme, where both sides parse as an RPM version (no "-", which separates the release).
  itCompares(
    RPM,
    rows.filter(([a, b]) => !/^[+_]|[+_]$/.test(a) && !/^[+_]|[+_]$/.test(b)).map(([a, b, r]) => [a, r === '-1' ? '<' : r === '0' ? '=' : '>', b] as const),
    'scheme',
  );
});

describe('RPM epoch:version-release', () => {
  itOrders(RPM, ['1.0-1.el8', '1.0-2.el8', '1.0.1-1.el8', '1:0.1-1.el8', '2:0.0.1-1'], 'epoch first, then version, then release');
  itCompares(
    RPM,
    [
      ['0:1.2.3-4.el9', '=', '1.2.3-4.el9'], // an absent epoch is 0
      ['1.2.3', '<', '1.2.3-1.el9'], // an absent release sorts first (see rpm.ts)
      ['2:8.0.1763-19.el8_6.4', '>', '2:8.0.1763-19.el8_6.1'],
      ['1.1.1k-7.el8_6', '<', '1.1.1k-12.el8_9'],
      ['3.0.7-24.el9', '>', '3.0.7-24.el9~rc1'],
    ],
    'EVR',
  );
  itRefuses(RPM, ['', '1.0-1-1', ':1.0', 'a:1.0-1', '1.0-', '-1', '1.0 1', '1.0-1\n'], 'malformed');
});
