import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { CSAF_PROVIDER_SCHEMA } from '../../../src/advisory/schemas/csaf-provider-schema.js';
import { OSV_SCHEMA } from '../../../src/advisory/schemas/osv-schema.js';

// The JSON files are the published schemas, verbatim (src/advisory/schemas/README.md gives
// repository, path and commit); the .ts modules the validators import must say the same.
const pairs = [
  { file: 'osv-schema.json', object: OSV_SCHEMA, sha256: '7a511902b57297197b37298f6adaa2acb15f22b3f641bb9f547f19dcbe533ba8' },
  { file: 'csaf-provider-schema.json', object: CSAF_PROVIDER_SCHEMA, sha256: '0270d0cfadf5202ff83a63502012a407e0e8ec3194a07296f13641c9f5630aba' },
];

for (const { file, object, sha256 } of pairs) {
  it(`${file}: the embedded .ts module equals the stored JSON, which is the pinned published text`, () => {
    const text = readFileSync(new URL(`../../../src/advisory/schemas/${file}`, import.meta.url), 'utf8');
    assert.equal(createHash('sha256').update(text).digest('hex'), sha256, 'the JSON file changed; update README.md and this hash together');
    assert.deepEqual(object, JSON.parse(text));
    assert.equal(object.$schema, 'https://json-schema.org/draft/2020-12/schema');
  });
}
