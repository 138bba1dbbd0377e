// Seeded mutation fuzzing of the two parsers of attacker-controlled input in the
// intel core: STIX patterns and STIX bundles. The only acceptable outcomes are a
// typed IntelError or a valid result — never another exception, never a hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntelError } from '../../../src/intel/errors.js';
import { compileEquality, evaluatePattern, formatPattern, parsePattern } from '../../../src/intel/pattern/index.js';
import { validateStix } from '../../../src/intel/stix.js';
import { tlpOf } from '../../../src/intel/tlp.js';
import { prng, stripOffsets, vectors } from './support.js';

const rng = prng(0x571c);
const PATTERN_TOKENS = ['[', ']', '(', ')', "'", '\\', ':', '.', ',', '*', '=', '!=', '<', '>=', ' AND ', ' OR ', ' NOT ', ' FOLLOWEDBY ', ' IN ', ' LIKE ', ' MATCHES ', ' ISSUBSET ', ' EXISTS ',
  ' WITHIN 5 SECONDS', ' REPEATS 2 TIMES', " START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'", "h'ff'", "b'AA=='", "t'2020-02-29T00:00:00Z'", '-1', '0.5', 'true', '[*]', '[0]', "'a-b'", 'x-y', '\u0000', '\u00a0', '\ud800', '/*', '//', '\n'];

function mutateText(text: string, tokens: readonly string[]): string {
  let out = text;
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const at = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0:
        out = out.slice(0, at) + rng.pick(tokens) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + rng.int(6));
        break;
      case 2:
        out = out.slice(0, at) + String.fromCharCode(rng.int(0x80)) + out.slice(at + 1);
        break;
      case 3: {
        const end = Math.min(out.length, at + rng.int(30));
        out = out.slice(0, end) + out.slice(at, end) + out.slice(end);
        break;
      }
      case 4:
        out = out.slice(0, at);
        break;
      default:
        out = `(${out}) ${rng.pick([' AND ', ' OR ', ' FOLLOWEDBY '])} ${out}`.slice(0, 4000);
    }
  }
  return out;
}

const SCOS: Record<string, unknown>[] = [
  { type: 'file', name: 'foo.dll', size: 10, hashes: { MD5: 'cead3f77f6cda6ec00f57d76c9a6879f' }, magic_number_hex: 'ffd8' },
  { type: 'ipv4-addr', value: '198.51.100.1' },
  { type: 'windows-registry-key', key: 'HKEY_LOCAL_MACHINE\\foo\\bar', values: [{ name: 'a' }] },
  { type: 'artifact', payload_bin: 'dGhpcyBpcyBhIHRlc3Q=' },
];

describe('fuzz: patterns', () => {
  it('3,000 mutated patterns give a tree or a typed error, and every tree prints, reparses and evaluates', () => {
    const seeds = [...vectors<{ patterns: string[] }>('pattern-spec-examples.json').patterns, ...vectors<{ patterns: string[] }>('pattern-valid.json').patterns];
    let parsed = 0;
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      const text = mutateText(rng.pick(seeds), PATTERN_TOKENS);
      let p;
      try {
        p = parsePattern(text);
      } catch (e) {
        assert.ok(e instanceof IntelError, `untyped error ${String(e)} for ${JSON.stringify(text)}`);
        assert.ok(e.code === 'PATTERN_INVALID' || e.code === 'PATTERN_TOO_COMPLEX');
        assert.equal(typeof e.details?.offset, 'number');
        assert.ok((e.details?.offset as number) <= text.length);
        continue;
      }
      parsed++;
      const printed = formatPattern(p);
      assert.deepEqual(stripOffsets(parsePattern(printed).root), stripOffsets(p.root), `reprint of ${JSON.stringify(text)}`);
      compileEquality(p);
      evaluatePattern(p, SCOS.map((o, k) => ({ time: k * 1000, objects: [o] })), { maxBindings: 2000 });
    }
    assert.ok(parsed > 100, `only ${parsed} mutants parsed; the fuzzer is not reaching the evaluator`);
    assert.ok(Date.now() - started < 20_000);
  });

  it('deeply nested and very long hostile patterns fail fast with a typed error', () => {
    for (const text of ['('.repeat(100_000), '['.repeat(100_000), `[a-b:c = '${"\\'".repeat(40_000)}']`, `[a-b:c IN (${'1,'.repeat(40_000)}1)]`]) {
      assert.throws(() => parsePattern(text), (e: unknown) => e instanceof IntelError);
    }
  });
});

const BUNDLE_TOKENS = ['"', '{', '}', '[', ']', ',', ':', 'null', 'true', '0', '-1', '1e999', '"x"', '"2020-13-01T00:00:00Z"', '"indicator--"', '\\u0000', ' '];

function mutateValue(v: unknown, depth = 0): unknown {
  if (depth > 6 || rng.int(8) === 0) {
    return rng.pick<unknown>([null, true, 0, -1, 1.5, '', 'x', [], {}, 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', '2016-04-06T20:03:48.000Z', [1], { a: 1 }, "[file:name = 'x'"]);
  }
  if (Array.isArray(v)) return v.map((x) => (rng.int(4) === 0 ? mutateValue(x, depth + 1) : x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = rng.int(12);
      if (r === 0) continue;
      out[r === 1 ? `${k}_x` : k] = r < 4 ? mutateValue(x, depth + 1) : x;
    }
    return out;
  }
  return v;
}

describe('fuzz: bundles', () => {
  const seeds = vectors<{ vectors: { object: unknown }[] }>('objects-valid.json').vectors.map((v) => v.object);
  const bad = vectors<{ vectors: { object: unknown }[] }>('objects-invalid.json').vectors.map((v) => v.object);

  const check = (input: unknown): void => {
    let r;
    try {
      r = validateStix(input);
    } catch (e) {
      assert.fail(`validateStix threw ${String(e)} for ${JSON.stringify(input)?.slice(0, 300)}`);
    }
    assert.equal(typeof r.valid, 'boolean');
    for (const p of r.problems) {
      assert.equal(typeof p.path, 'string');
      assert.ok(p.path === '' || p.path.startsWith('/'));
      assert.equal(typeof p.message, 'string');
    }
    assert.equal(r.valid, r.problems.length === 0);
    tlpOf(input, 'AMBER');
  };

  it('1,500 structurally mutated bundles and objects are validated without throwing', () => {
    const started = Date.now();
    for (let i = 0; i < 1500; i++) {
      const seed = rng.pick([...seeds, ...bad]);
      check(mutateValue(seed));
    }
    assert.ok(Date.now() - started < 20_000);
  });

  it('1,000 textually mutated bundles either fail to parse as JSON or are validated without throwing', () => {
    const texts = seeds.map((s) => JSON.stringify(s)).filter((t) => t.length < 20_000);
    for (let i = 0; i < 1000; i++) {
      const text = mutateText(rng.pick(texts), BUNDLE_TOKENS);
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        continue;
      }
      check(v);
    }
  });

  it('odd inputs: non-objects, prototype keys, cyclic-looking references', () => {
    for (const v of [null, 0, 'bundle', [], [[]], { type: 'bundle' }, { type: 'bundle', objects: {} }, { type: 'bundle', id: 'bundle--', objects: [null, 1, [], { type: null }] },
      JSON.parse('{"type":"indicator","__proto__":{"x":1},"constructor":1}'), { type: 'observed-data', objects: { 0: { type: 'file', parent_directory_ref: '0' } } }]) {
      check(v);
    }
  });
});
