/** SBOM error codes: one family, every code listed once. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AccordError } from '../../../../src/errors.js';
import { SBOM_ERROR_CODES, SbomError } from '../../../../src/advisory/sbom/errors.js';

it('SBOM error codes are listed once and errors are AccordErrors', () => {
  assert.equal(new Set(SBOM_ERROR_CODES).size, SBOM_ERROR_CODES.length);
  assert.deepEqual([...SBOM_ERROR_CODES].sort(), ['SBOM_INVALID', 'SBOM_MATCH_RECORD_INVALID', 'SBOM_PURL_INVALID', 'SBOM_TOO_LARGE']);
  const e = new SbomError('SBOM_TOO_LARGE', 'too big', { details: { limit: 1 } });
  assert.ok(e instanceof AccordError);
  assert.equal(e.name, 'SbomError');
});
