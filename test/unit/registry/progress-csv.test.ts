import { it } from 'node:test';
import assert from 'node:assert/strict';
import { progressCsv } from '../../../src/registry/progress.js';

it('writes RFC 4180 CSV and neutralises spreadsheet formulas', () => {
  const csv = progressCsv({
    year: 2026,
    as_of: '2026-11-25T00:00:00.000Z',
    members: 2,
    new_members: 1,
    with_cvd_policy: 1,
    with_security_txt: 0,
    by_sector: { 'Cloud, "hosted"': 1, '=HYPERLINK("x")': 1 },
    by_size_band: {},
    pledges: [{ slug: 'no-offense', title: 'No offense', endorsements: 2 }],
  });
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'metric,value');
  assert.ok(lines.includes('"sector:Cloud, ""hosted""",1'));
  assert.ok(lines.includes('"sector:=HYPERLINK(""x"")",1'), 'prefixed, so not a formula at the start of the cell');
  assert.ok(lines.includes('pledge:no-offense,2'));
  assert.equal(lines.at(-1), '');
});
