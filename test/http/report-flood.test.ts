/**
 * A flood of public reports from one address is stopped with 429 (problem+json,
 * Retry-After) after ACCORD_PUBLIC_FORM_LIMIT per hour, and stores nothing more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.js';
import { reportBody } from './disclosure-support.js';

test('report floods from one address get 429 and store nothing', async () => {
  const h = await startHarness({ demo: false, env: { ACCORD_PUBLIC_FORM_LIMIT: '3' } });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await h.call('POST', '/api/v1/reports', { body: reportBody({ vendors: [] }) })).statusCode);
    assert.deepEqual(codes, [201, 201, 201, 429, 429]);
    const r = await h.call('POST', '/api/v1/reports', { body: reportBody({ vendors: [] }) });
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    assert.equal(r.json().code, 'RATE_LIMITED');
    assert.ok(r.headers['retry-after']);
    const cases = (await h.call('GET', '/api/v1/cases', { token: h.init.admin_token })).json().items;
    assert.equal(cases.length, 3);
  } finally {
    await h.close();
  }
});
