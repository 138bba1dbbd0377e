import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ADVISORY_ERROR_CODES, AdvisoryError } from '../../../src/advisory/errors.js';
import { AccordError } from '../../../src/errors.js';

it('AdvisoryError is a coded AccordError with name, cause and details', () => {
  const cause = new Error('inner');
  const e = new AdvisoryError('ADVISORY_INVALID', 'bad', { cause, details: { errors: [{ path: '/id', message: 'is required' }] } });
  assert.ok(e instanceof AccordError);
  assert.equal(e.name, 'AdvisoryError');
  assert.equal(e.code, 'ADVISORY_INVALID');
  assert.equal(e.cause, cause);
  assert.deepEqual(e.details, { errors: [{ path: '/id', message: 'is required' }] });
  assert.deepEqual([...ADVISORY_ERROR_CODES].sort(), [
    'ADVISORY_CONFLICT',
    'ADVISORY_FORMAT_UNKNOWN',
    'ADVISORY_INVALID',
    'ADVISORY_KEY_INVALID',
    'ADVISORY_NOT_FOUND',
    'ADVISORY_TOO_LARGE',
    'CVSS_INVALID',
  ]);
});
