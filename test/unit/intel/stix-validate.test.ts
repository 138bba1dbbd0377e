import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntelError } from '../../../src/intel/errors.js';
import { assertValidStix, parseStixJson, validateStix, validateStixObject } from '../../../src/intel/stix.js';
import { VALID_INDICATOR, vectors } from './support.js';

interface Vector {
  source: string;
  description?: string;
  object: unknown;
  expect?: string[];
}

const indicator = VALID_INDICATOR;

describe('STIX validation: valid content', () => {
  for (const v of vectors<{ vectors: Vector[] }>('objects-valid.json').vectors) {
    it(v.source, () => {
      const r = validateStix(v.object, { scoIds: 'off' });
      assert.deepEqual(r.problems, []);
      assert.equal(r.valid, true);
    });
  }

  it('accepts custom properties, custom x- objects, extension definitions and new-sdo extensions', () => {
    assert.equal(validateStix({ ...indicator, x_acme_org_risk_score: 10, x_acme_org_scoring: { impact: 'high' } }).valid, true);
    const custom = { type: 'x-example-com-customobject', spec_version: '2.1', id: 'x-example-com-customobject--4527e5de-8572-446a-a57a-706f15467461', created: '2016-08-01T00:00:00.000Z', modified: '2016-08-01T00:00:00.000Z', some_custom_stuff: 14 };
    assert.deepEqual(validateStix(custom).problems, []);
    const withExt = {
      ...indicator,
      extensions: { 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e': { extension_type: 'property-extension', rank: 5, toxicity: 8 } },
    };
    assert.deepEqual(validateStix(withExt).problems, []);
    const extDef = {
      type: 'extension-definition', spec_version: '2.1', id: 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e',
      created_by_ref: 'identity--11b76a96-5d2b-45e0-8a5a-f6994f370731', created: '2014-02-20T09:16:08.989Z', modified: '2014-02-20T09:16:08.989Z',
      name: 'Extension Foo Bar', schema: 'https://www.example.com/schema-foo-1/v1/', version: '1.2.1', extension_types: ['property-extension'],
    };
    assert.deepEqual(validateStix(extDef).problems, []);
    assert.deepEqual(validateStix({ ...extDef, extension_properties: ['rank'] }).problems.map((p) => p.path), ['/extension_properties']);
  });

  it('accepts a bundle without spec_version and without objects', () => {
    assert.equal(validateStix({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d' }).valid, true);
  });
});

describe('STIX validation: every problem with its JSON path', () => {
  for (const v of vectors<{ vectors: (Vector & { expect: string[] })[] }>('objects-invalid.json').vectors) {
    it(`${v.description} (${v.source})`, () => {
      const r = validateStix(v.object);
      assert.equal(r.valid, false);
      const paths = r.problems.map((p) => p.path);
      for (const e of v.expect) assert.ok(paths.includes(e), `expected a problem at ${JSON.stringify(e)}; got ${JSON.stringify(r.problems)}`);
      for (const p of r.problems) assert.equal(typeof p.message, 'string');
    });
  }

  it('checks the _ref, _refs, _bin and _hex name suffixes (§3.1) on custom properties too', () => {
    const bad = validateStix({ ...indicator, x_one_ref: 'nope', x_many_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', 7], x_blob_bin: 'abc', x_digest_hex: 'abc' });
    assert.deepEqual(bad.problems.map((p) => p.path).sort(), ['/x_blob_bin', '/x_digest_hex', '/x_many_refs/1', '/x_one_ref']);
    const good = validateStix({ ...indicator, x_one_ref: 'identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', x_blob_bin: 'YWJj', x_digest_hex: 'ab12', x_refsx: 7, x_bin_count: 3 });
    assert.deepEqual(good.problems, []);
  });

  it('escapes JSON pointer tokens (RFC 6901)', () => {
    const r = validateStix({ ...indicator, 'a/b~c': 1 });
    assert.deepEqual(r.problems.map((p) => p.path), ['/a~1b~0c']);
  });

  it('prefixes paths of objects inside a bundle with /objects/<index>', () => {
    const r = validateStix({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [indicator, indicator, { ...indicator, created: '2016-04-06' }] });
    assert.deepEqual(r.problems.map((p) => p.path), ['/objects/2/created']);
    assert.equal(validateStixObject({ ...indicator, created: 'x' }, {}, '/objects/7').problems[0]?.path, '/objects/7/created');
  });

  it('checks SCO ids against ID contributing properties unless told not to', () => {
    const bad = { type: 'ipv4-addr', id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd', value: '198.51.100.3' };
    assert.equal(validateStix(bad).valid, false);
    assert.equal(validateStix(bad, { scoIds: 'off' }).valid, true);
    // A UUIDv4 id is allowed next to contributing properties (§2.9 SHOULD, §3.4 MAY).
    assert.equal(validateStix({ ...bad, id: 'ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8' }).valid, true);
  });
});

describe('STIX validation: hostile input', () => {
  it('refuses more than 10,000 objects per bundle before looking at them', () => {
    const objects = new Array(10_001).fill(indicator);
    const r = validateStix({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects });
    assert.equal(r.tooLarge, true);
    assert.deepEqual(r.problems, [{ path: '/objects', message: 'bundle has 10001 objects; the limit is 10000' }]);
    assert.equal(validateStix({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: objects.slice(0, 3) }, { limits: { maxObjects: 2 } }).tooLarge, true);
  });

  it('refuses deep nesting, long strings, wide objects and huge inputs with their paths', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r1 = validateStix({ ...indicator, x_deep: deep });
    assert.equal(r1.tooLarge, true);
    assert.match(r1.problems[0]?.path ?? '', /^\/x_deep(\/0)+$/);
    assert.match(r1.problems[0]?.message ?? '', /nesting deeper than 32 levels/);
    const r2 = validateStix({ ...indicator, description: 'a'.repeat(2_000_000) });
    assert.deepEqual(r2.problems, [{ path: '/description', message: 'string of 2000000 characters; the limit is 1048576' }]);
    const wide = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`x_p${i}`, i]));
    assert.equal(validateStix({ ...indicator, ...wide }).problems[0]?.message, 'object has 1508 properties; the limit is 1000');
    assert.equal(validateStix({ ...indicator, x_many: new Array(50).fill([1, 2, 3]) }, { limits: { maxNodes: 100 } }).tooLarge, true);
    const counted = validateStix({ ...indicator, x_many: new Array(50).fill(0) }, { limits: { maxNodes: 58 } }).problems;
    assert.equal(counted.length, 1);
    assert.match(counted[0]!.path, /^\/x_many\/\d+$/);
    assert.equal(counted[0]!.message, 'input has more than 58 JSON values');
    assert.equal(validateStix({ ...indicator, x_many: new Array(50).fill(0) }, { limits: { maxNodes: 60 } }).tooLarge, false, '60 values: the object, its 9 properties and 50 items');
  });

  it('reports long strings inside lists and objects at their paths, ten at most', () => {
    const long = 'a'.repeat(60);
    const r = validateStix({ ...indicator, x_list: ['ok', long, { x_in: [long] }], labels: [long] }, { limits: { maxStringLength: 40 } });
    assert.equal(r.tooLarge, true);
    assert.deepEqual(r.problems.map((p) => p.path).sort(), ['/id', '/labels/0', '/x_list/1', '/x_list/2/x_in/0']);
    const many = validateStix({ ...indicator, x_list: new Array(100).fill(long) }, { limits: { maxStringLength: 40 } });
    assert.equal(many.problems.length, 10);
  });

  it('caps the problem list', () => {
    const objects = Array.from({ length: 500 }, () => ({ ...indicator, created: 'x', modified: 'y', confidence: 900 }));
    const r = validateStix({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects }, { limits: { maxProblems: 50 } });
    assert.equal(r.problems.length, 50);
    assert.equal(r.truncated, true);
  });

  it('bounds the patterns it parses inside indicators', () => {
    const r = validateStix({ ...indicator, pattern: `${'('.repeat(100)}[a-b:c = 1]${')'.repeat(100)}` });
    assert.match(r.problems[0]?.message ?? '', /^PATTERN_TOO_COMPLEX/);
  });
});

describe('assertValidStix and parseStixJson', () => {
  it('throws STIX_INVALID with every problem in details.errors', () => {
    assert.throws(
      () => assertValidStix({ ...indicator, confidence: 101, lang: '!' }),
      (e: unknown) => e instanceof IntelError && e.code === 'STIX_INVALID' && Array.isArray(e.details?.errors) && (e.details?.errors as unknown[]).length === 2,
    );
    assert.doesNotThrow(() => assertValidStix(indicator));
  });

  it('throws STIX_TOO_LARGE past a limit', () => {
    assert.throws(() => assertValidStix({ ...indicator, description: 'a'.repeat(10) }, { limits: { maxStringLength: 5 } }), (e: unknown) => e instanceof IntelError && e.code === 'STIX_TOO_LARGE');
    assert.throws(() => parseStixJson('{}', 1), (e: unknown) => e instanceof IntelError && e.code === 'STIX_TOO_LARGE');
  });

  it('turns bad JSON into STIX_INVALID', () => {
    assert.throws(() => parseStixJson('{"type": '), (e: unknown) => e instanceof IntelError && e.code === 'STIX_INVALID');
    assert.deepEqual(parseStixJson('{"type":"bundle"}'), { type: 'bundle' });
  });
});
