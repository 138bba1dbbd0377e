/**
 * The strict JSON parser against JSON.parse (RFC 8259): on text without duplicate
 * members both read the same value; what only the strict parser refuses is
 * refused with its code. Covers the fast path for strings without escapes and
 * the slow path with them, and duplicate names spelt differently.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseStrictJson } from '../../src/release/strict-json.js';
import { prng } from '../unit/ledger/support.js';
import { throwsRelease } from './support.js';

const strict = (text: string) => parseStrictJson(text, 'the input', 'RELEASE_ENVELOPE_MALFORMED');

it('reads what JSON.parse reads, strings with and without escapes', () => {
  const samples = [
    '{"a":"plain","b":"with \\"quote\\" and \\\\ and \\n","c":"\\u00e9\\ud83d\\ude00","d":[1,-2.5e3,true,false,null,{}],"e":""}',
    '"\\/\\b\\f\\r\\t"',
    '["é", "😀", " x ", "a\\u0000b"]',
    '  {"nested":{"deeper":[[[]]]}}  ',
    '{"constructor":1,"toString":"x","hasOwnProperty":null}',
  ];
  for (const s of samples) assert.deepEqual(strict(s), JSON.parse(s), s);
  // Random documents of strings with random characters (escaped as JSON.stringify escapes them).
  const rng = prng(11);
  const chars = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\u0001', '\u001f', 'é', '😀', '/', '\u2028'];
  for (let n = 0; n < 500; n++) {
    const doc: Record<string, unknown> = {};
    for (let k = 0; k < 1 + rng.int(6); k++) {
      const key = Array.from({ length: rng.int(5) }, () => rng.pick(chars)).join('') + k;
      doc[key] = rng.int(2) === 0 ? Array.from({ length: rng.int(30) }, () => rng.pick(chars)).join('') : [rng.int(1000), { x: rng.pick(chars) }];
    }
    const text = JSON.stringify(doc);
    assert.deepEqual(strict(text), JSON.parse(text), text);
  }
});

it('refuses duplicate member names however they are spelt, and control characters in strings', () => {
  throwsRelease(() => strict('{"a":1,"a":2}'), 'RELEASE_ENVELOPE_MALFORMED', /duplicate member "a"/);
  throwsRelease(() => strict('{"a":1,"\\u0061":2}'), 'RELEASE_ENVELOPE_MALFORMED', /duplicate member "a"/);
  throwsRelease(() => strict('{"a\\"":1,"a\\u0022":2}'), 'RELEASE_ENVELOPE_MALFORMED', /duplicate member/);
  throwsRelease(() => strict('{"__proto__":1,"__proto__":2}'), 'RELEASE_ENVELOPE_MALFORMED', /duplicate member "__proto__"/);
  throwsRelease(() => strict('{"toString":1,"toString":2}'), 'RELEASE_ENVELOPE_MALFORMED', /duplicate member "toString"/);
  // The same name in different objects is fine.
  assert.deepEqual(strict('{"a":{"a":1},"b":{"a":2}}'), { a: { a: 1 }, b: { a: 2 } });
  throwsRelease(() => strict('"a\tb"'), 'RELEASE_ENVELOPE_MALFORMED', /control character/);
  throwsRelease(() => strict('["ok", "a\u0000b"]'), 'RELEASE_ENVELOPE_MALFORMED', /control character/);
  throwsRelease(() => strict('"unterminated'), 'RELEASE_ENVELOPE_MALFORMED', /unterminated/);
  throwsRelease(() => strict('"\\ud800"'), 'RELEASE_ENVELOPE_MALFORMED', /lone surrogate/);
  throwsRelease(() => strict('"\ud800"'), 'RELEASE_ENVELOPE_MALFORMED', /lone surrogate/);
});

it('keeps "__proto__" as data, never as the prototype', () => {
  const v = strict('{"__proto__":{"polluted":true},"x":1}') as Record<string, unknown>;
  assert.ok(Object.hasOwn(v, '__proto__'));
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.equal((v as { polluted?: boolean }).polluted, undefined);
  assert.deepEqual(Object.keys(v), ['__proto__', 'x']);
});
