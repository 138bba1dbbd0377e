import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, deterministicScoId, SCO_NAMESPACE, uuidV5 } from '../../../src/intel/stix/deterministic-id.js';
import { validateStix } from '../../../src/intel/stix.js';
import { vectors } from './support.js';

describe('deterministic SCO identifiers (§2.9)', () => {
  const doc = vectors<{ vectors: { source: string; object: Record<string, unknown> }[] }>('sco-deterministic-ids.json');
  for (const v of doc.vectors) {
    it(`${String(v.object.id)} (${v.source})`, () => {
      assert.equal(deterministicScoId(v.object), v.object.id);
      assert.deepEqual(validateStix(v.object).problems.filter((p) => p.path === '/id'), []);
    });
  }

  it('computes UUIDv5 as RFC 4122 does (python uuid.uuid5 agrees on the §2.9 example)', () => {
    assert.equal(uuidV5(SCO_NAMESPACE, '{"value":"198.51.100.3"}'), '28bb3599-77cd-5a82-a950-b5bc3caf07c4');
    // RFC 4122 appendix B style check: DNS namespace, "www.example.com".
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('canonicalises JSON per RFC 8785 (sorted keys, ES number and string forms)', () => {
    assert.equal(canonicalJson({ b: [1, 1.5, 1e21, 'é\u2028'], a: { d: null, c: true } }), '{"a":{"c":true,"d":null},"b":[1,1.5,1e+21,"é\u2028"]}');
    assert.equal(canonicalJson({ '\u20ac': 1, '\r': 2, a: 3, '\ud83d\ude00': 4 }), '{"\\r":2,"a":3,"€":1,"😀":4}');
    assert.equal(canonicalJson({ a: undefined, b: 1, c: { d: undefined } }), '{"b":1,"c":{}}', 'absent members are left out');
    assert.equal(canonicalJson([]), '[]');
    assert.throws(() => canonicalJson([undefined]), TypeError);
    assert.throws(() => canonicalJson({ a: [1, Infinity] }), TypeError);
  });

  it('refuses a namespace that is not a UUID, every time it is asked', () => {
    for (let i = 0; i < 2; i++) assert.throws(() => uuidV5('not-a-uuid', 'x'), TypeError);
    assert.throws(() => uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430', 'x'), TypeError);
    // Asked again after a good one (the bytes are kept): the same answer.
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('uses one hash, preferring MD5, SHA-1, SHA-256, SHA-512 in that order', () => {
    const withBoth = { type: 'file', hashes: { 'SHA-256': 'aa', MD5: 'bb' } };
    const md5Only = { type: 'file', hashes: { MD5: 'bb' } };
    assert.equal(deterministicScoId(withBoth), deterministicScoId(md5Only));
    assert.equal(deterministicScoId({ type: 'file', hashes: { 'x-custom': 'cc', 'SHA-512': 'dd' } }), deterministicScoId({ type: 'file', hashes: { 'SHA-512': 'dd' } }));
  });

  it('gives no id when no contributing property is present, and none for process or custom types', () => {
    assert.equal(deterministicScoId({ type: 'ipv4-addr' }), undefined);
    assert.equal(deterministicScoId({ type: 'process', pid: 1 }), undefined);
    assert.equal(deterministicScoId({ type: 'x-thing', value: 'a' }), undefined);
    assert.equal(deterministicScoId({ type: 'mutex', name: 'a', extra: 1 }), deterministicScoId({ type: 'mutex', name: 'a' }));
  });
});
