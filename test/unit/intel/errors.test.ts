import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AccordError } from '../../../src/errors.js';
import { INTEL_ERROR_CODES, IntelError } from '../../../src/intel/errors.js';

it('IntelError is a coded AccordError with name and cause', () => {
  const cause = new Error('inner');
  const e = new IntelError('PATTERN_INVALID', "expected ']' at 3", { cause, details: { offset: 3 } });
  assert.ok(e instanceof AccordError);
  assert.equal(e.name, 'IntelError');
  assert.equal(e.code, 'PATTERN_INVALID');
  assert.equal(e.cause, cause);
  assert.deepEqual(e.details, { offset: 3 });
  assert.deepEqual([...INTEL_ERROR_CODES].sort(), [
    'COLLECTION_CONFLICT',
    'COLLECTION_NOT_FOUND',
    'GROUP_NOT_FOUND',
    'GROUP_SLUG_TAKEN',
    'INTEL_FORBIDDEN',
    'OBJECT_NOT_FOUND',
    'PATTERN_INVALID',
    'PATTERN_TOO_COMPLEX',
    'RECIPIENT_UNKNOWN',
    'STATUS_NOT_FOUND',
    'STIX_INVALID',
    'STIX_TOO_LARGE',
    'TLP_UNKNOWN',
  ]);
});
