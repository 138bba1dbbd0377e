import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntelError } from '../../../src/intel/errors.js';
import { formatPattern, parsePattern } from '../../../src/intel/pattern/index.js';
import { stripOffsets, vectors } from './support.js';

function parseError(text: string): IntelError {
  try {
    parsePattern(text);
  } catch (e) {
    assert.ok(e instanceof IntelError, `typed error for ${text}`);
    return e;
  }
  assert.fail(`expected ${text} to be rejected`);
}

function roundTrip(text: string): void {
  const a = parsePattern(text);
  const printed = formatPattern(a);
  const b = parsePattern(printed);
  assert.deepEqual(stripOffsets(b.root), stripOffsets(a.root), `round trip of ${text} via ${printed}`);
  assert.equal(formatPattern(b), printed);
}

describe('pattern grammar: the STIX 2.1 §9.8 examples', () => {
  const doc = vectors<{ patterns: string[] }>('pattern-spec-examples.json');
  for (const p of doc.patterns) it(`parses and round-trips ${p.slice(0, 70)}`, () => roundTrip(p));
});

describe('pattern grammar: cti-pattern-validator pass cases', () => {
  const doc = vectors<{ patterns: string[]; divergences: { pattern: string }[] }>('pattern-valid.json');
  for (const p of doc.patterns) it(`accepts ${p.slice(0, 70)}`, () => roundTrip(p));
  for (const d of doc.divergences) it(`rejects (stricter than the reference, per the spec) ${d.pattern.slice(0, 60)}`, () => assert.equal(parseError(d.pattern).code, 'PATTERN_INVALID'));
});

describe('pattern grammar: errors are typed and positioned', () => {
  const doc = vectors<{ cases: { pattern: string; offset: number | null; note: string }[] }>('pattern-invalid.json');
  for (const c of doc.cases) {
    it(`${c.note}: ${c.pattern.slice(0, 60)}`, () => {
      const e = parseError(c.pattern);
      assert.equal(e.code, 'PATTERN_INVALID');
      assert.equal(typeof e.details?.offset, 'number');
      if (c.offset !== null) {
        assert.equal(e.details?.offset, c.offset);
        assert.match(e.message, new RegExp(` at ${c.offset}\\b`));
      }
    });
  }

  it('says what it expected and where', () => {
    const e = parseError("[file:name = 'a' OR file:name = 'b'");
    assert.equal(e.message, "expected ']' at 35 (found end of pattern)");
    assert.equal(parseError("[file:name = 'a'] AND").message, "expected '[' or '(' at 21 (found end of pattern)");
    assert.match(parseError("[file:name = 'a\\x']").message, /invalid escape '\\x' .* at 15/);
    assert.match(parseError("[file:name = 'abc").message, /unterminated string literal at 13/);
    assert.match(parseError("[file:size = 012]").message, /leading zeros.* at 13/);
    assert.match(parseError("[file:hashes.SHA-256 = 'x']").message, /must be quoted at 13/);
    assert.match(parseError('[file:size = 1] /* open').message, /unterminated comment at 16/);
  });
});

describe('pattern grammar: every construct', () => {
  it('parses each comparison operator, with and without NOT', () => {
    const ops = ['=', '==', '!=', '<>', '>', '<', '>=', '<='];
    for (const op of ops) {
      const p = parsePattern(`[file:size ${op} 10]`);
      assert.equal(p.root.kind, 'observation');
      const want = op === '==' ? '=' : op === '<>' ? '!=' : op;
      assert.deepEqual(stripOffsets(p.root.kind === 'observation' && p.root.expression), {
        kind: 'comparison', path: { objectType: 'file', steps: [{ kind: 'key', name: 'size', quoted: false }] }, operator: want, negated: false, value: { kind: 'int', value: 10 },
      });
      const n = parsePattern(`[file:size NOT ${op} 10]`);
      assert.equal(n.root.kind === 'observation' && n.root.expression.kind === 'comparison' && n.root.expression.negated, true);
    }
    for (const [text, op] of [["IN ('a', 'b')", 'IN'], ["LIKE 'a%'", 'LIKE'], ["MATCHES '^a'", 'MATCHES'], ["ISSUBSET '10.0.0.0/8'", 'ISSUBSET'], ["ISSUPERSET '10.0.0.0/8'", 'ISSUPERSET']] as const) {
      const p = parsePattern(`[ipv4-addr:value NOT ${text}]`);
      assert.equal(p.root.kind === 'observation' && p.root.expression.kind === 'comparison' && p.root.expression.operator, op);
    }
    const ex = parsePattern('[NOT EXISTS windows-registry-key:values]');
    assert.deepEqual(stripOffsets(ex.root), { kind: 'observation', expression: { kind: 'exists', negated: true, path: { objectType: 'windows-registry-key', steps: [{ kind: 'key', name: 'values', quoted: false }] } } });
  });

  it('gives AND precedence over OR inside an observation, and parentheses override it', () => {
    const p = parsePattern("[a-b:x = 1 AND a-b:y = 2 OR a-b:z = 3]");
    assert.equal(formatPattern(p), '[a-b:x = 1 AND a-b:y = 2 OR a-b:z = 3]');
    assert.equal(p.root.kind === 'observation' && p.root.expression.kind, 'or');
    const q = parsePattern("[a-b:x = 1 AND (a-b:y = 2 OR a-b:z = 3)]");
    assert.equal(q.root.kind === 'observation' && q.root.expression.kind, 'and');
    assert.equal(formatPattern(q), '[a-b:x = 1 AND (a-b:y = 2 OR a-b:z = 3)]');
  });

  it('orders observation operators AND > OR > FOLLOWEDBY and binds qualifiers to the nearest observation', () => {
    const p = parsePattern('[a-b:x = 1] FOLLOWEDBY [a-b:x = 2] OR [a-b:x = 3] AND [a-b:x = 4] WITHIN 5 SECONDS');
    assert.equal(p.root.kind, 'followedby');
    const right = p.root.kind === 'followedby' ? p.root.operands[1] : undefined;
    assert.equal(right?.kind, 'obs-or');
    const and = right?.kind === 'obs-or' ? right.operands[1] : undefined;
    assert.equal(and?.kind, 'obs-and');
    assert.equal(and?.kind === 'obs-and' && and.operands[1]?.kind, 'qualified');
    roundTrip('([a-b:x = 1] FOLLOWEDBY [a-b:x = 2]) REPEATS 5 TIMES');
    roundTrip('([a-b:x = 1] AND [a-b:x = 2] REPEATS 5 TIMES) WITHIN 300 SECONDS');
    roundTrip('([a-b:x = 1] OR [a-b:x = 2]) AND ([a-b:x = 3] FOLLOWEDBY [a-b:x = 4])');
    roundTrip('([a-b:x = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS');
    roundTrip("[a-b:x = 1] REPEATS 2 TIMES WITHIN 2.5 SECONDS START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00.5Z'");
  });

  it('reads every literal kind', () => {
    const lit = (t: string) => {
      const p = parsePattern(`[x-y:v = ${t}]`);
      return p.root.kind === 'observation' && p.root.expression.kind === 'comparison' ? stripOffsets(p.root.expression.value) : undefined;
    };
    assert.deepEqual(lit("'it\\'s a \\\\ test'"), { kind: 'string', value: "it's a \\ test" });
    assert.deepEqual(lit('-42'), { kind: 'int', value: -42 });
    assert.deepEqual(lit('+7'), { kind: 'int', value: 7 });
    assert.deepEqual(lit('-.5'), { kind: 'float', value: -0.5 });
    assert.deepEqual(lit('3.25'), { kind: 'float', value: 3.25 });
    assert.deepEqual(lit('true'), { kind: 'bool', value: true });
    assert.deepEqual(lit("h'FFd8'"), { kind: 'hex', value: 'ffd8' });
    assert.deepEqual(lit("b'ABI='"), { kind: 'binary', value: 'ABI=' });
    assert.deepEqual(lit("t'2014-01-13T07:03:17.123456Z'"), { kind: 'timestamp', value: '2014-01-13T07:03:17.123456Z' });
    assert.equal(parseError("[x-y:v = h'abc']").message.startsWith('invalid hex literal'), true);
    assert.equal(parseError('[x-y:v > true]').message.startsWith('expected an orderable constant'), true);
    assert.equal(parseError('[x-y:v = 99999999999999999999]').message.includes('out of range'), true);
  });

  it('reads object paths: quoted keys, list indexes and [*]', () => {
    const p = parsePattern("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0 AND file:x_list[-1].'a.b'[0] = 1]");
    const and = p.root.kind === 'observation' ? p.root.expression : undefined;
    assert.ok(and?.kind === 'and');
    const [a, b] = and.operands;
    assert.deepEqual(a?.kind === 'comparison' && a.path.steps, [
      { kind: 'key', name: 'extensions', quoted: false }, { kind: 'key', name: 'windows-pebinary-ext', quoted: true },
      { kind: 'key', name: 'sections', quoted: false }, { kind: 'index', index: '*' }, { kind: 'key', name: 'entropy', quoted: false },
    ]);
    assert.deepEqual(b?.kind === 'comparison' && b.path.steps, [
      { kind: 'key', name: 'x_list', quoted: false }, { kind: 'index', index: -1 }, { kind: 'key', name: 'a.b', quoted: true }, { kind: 'index', index: 0 },
    ]);
    roundTrip("[file:'quoted first'.x = 1]");
  });

  it('skips whitespace of every Unicode kind and comments', () => {
    roundTrip("\u3000[\tfile:size\u00a0=\n1 /* c */ ]// trailing");
  });

  it('enforces the §9 MUSTs the grammar cannot: one qualifier of a kind, AND on one object type, positive counts, START before STOP', () => {
    assert.match(parseError('[a-b:x = 1] REPEATS 2 TIMES REPEATS 3 TIMES').message, /duplicate REPEATS qualifier on one observation expression at 28/);
    assert.match(parseError('[a-b:x = 1 AND c-d:y = 2]').message, /different object types.* at 11/);
    assert.doesNotThrow(() => parsePattern('[(a-b:x = 1 OR c-d:y = 2) AND a-b:z = 3]'));
    assert.match(parseError('[a-b:x = 1] REPEATS 0 TIMES').message, /positive integer at 20/);
    assert.match(parseError('[a-b:x = 1] WITHIN 0 SECONDS').message, /positive number of seconds at 19/);
    assert.match(parseError("[a-b:x = 1] START t'2020-01-02T00:00:00Z' STOP t'2020-01-01T00:00:00Z'").message, /START must be earlier than STOP at 12/);
    assert.match(parseError("[a-b:x IN (1, 'two')]").message, /mixes number and string constants at 14/);
    assert.match(parseError("[ipv4-addr:value ISSUBSET 'not-a-net']").message, /IPv4 or IPv6 address or CIDR/);
  });

  it('refuses patterns past the length and nesting limits with PATTERN_TOO_COMPLEX', () => {
    const deep = `${'('.repeat(100)}[a-b:x = 1]${')'.repeat(100)}`;
    assert.throws(() => parsePattern(deep), (e: unknown) => e instanceof IntelError && e.code === 'PATTERN_TOO_COMPLEX' && /deeper than 64/.test(e.message));
    assert.throws(() => parsePattern(`[a-b:x = '${'a'.repeat(70_000)}']`), (e: unknown) => e instanceof IntelError && e.code === 'PATTERN_TOO_COMPLEX');
    assert.doesNotThrow(() => parsePattern(deep, { maxDepth: 200 }));
    // Long flat chains build one n-ary node, not a deep tree.
    const wide = `[${Array.from({ length: 4000 }, (_, i) => `a-b:x = ${i}`).join(' OR ')}]`;
    const p = parsePattern(wide);
    assert.equal(p.root.kind === 'observation' && p.root.expression.kind === 'or' && p.root.expression.operands.length, 4000);
    assert.equal(formatPattern(p), wide);
  });

  it('rejects a non-string pattern', () => {
    assert.throws(() => parsePattern(42 as unknown as string), (e: unknown) => e instanceof IntelError && e.code === 'PATTERN_INVALID');
  });
});
