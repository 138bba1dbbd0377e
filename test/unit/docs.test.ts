import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STATUS_BY_CODE } from '../../src/http/error-handler.js';

it('docs/errors.md lists every error code with its status', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const missing = Object.entries(STATUS_BY_CODE).filter(([code, status]) => !doc.includes(`| \`${code}\` | ${status} |`));
  assert.deepEqual(missing, []);
});
