// c2sp.org/tlog-policy: the parser (vectors in test/vectors/c2sp/tlog-policy.json
// and octet-level cases), quorum evaluation, checkpoint verification against a
// policy, the round trip of formatPolicy, limits, and a seeded fuzz test.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { signCheckpoint } from '../../../src/ledger/checkpoint.js';
import { addCosignature, cosignerFromSeed, cosignerVerifierKey } from '../../../src/ledger/cosignature.js';
import type { Cosigner } from '../../../src/ledger/cosignature.js';
import { LedgerError } from '../../../src/ledger/errors.js';
import { signerFromSeed, verifierKey } from '../../../src/ledger/note-key.js';
import type { NoteSigner } from '../../../src/ledger/note-key.js';
import { parseNote, formatNote } from '../../../src/ledger/note.js';
import {
  checkPolicy,
  formatPolicy,
  MAX_POLICY_DEFINITIONS,
  MAX_POLICY_SIZE,
  parsePolicy,
  policyVerifiers,
  quorumSatisfied,
  verifyCheckpointWithPolicy,
} from '../../../src/ledger/policy.js';
import type { LogPolicy, ParsedPolicy, PolicyGroup } from '../../../src/ledger/policy.js';
import { assertLedgerError, loadVector, prng, utf8 } from './support.js';

interface KeyVector {
  type: 'log' | 'cosigner';
  seed: string;
  name: string;
  vkey: string;
}
interface ValidCase {
  description: string;
  section: string;
  policy: string;
  logs: string[];
  witnesses: string[];
  groups: { name: string; threshold: number; members: string[] }[];
  quorum: string;
}
interface InvalidCase {
  description: string;
  section: string;
  policy: string;
  code: string;
  line: number;
}
interface PolicyVectors {
  source: string;
  keys: Record<string, KeyVector>;
  example: { policy: string; quorum: { cosigned: string[]; satisfied: boolean }[] };
  valid: ValidCase[];
  invalid: InvalidCase[];
}

const V = loadVector<PolicyVectors>('tlog-policy.json');

function seed(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`accord tlog-policy vector ${label}`, 'utf8').digest());
}

/** Replaces `{label}` with the vector key's vkey. */
function fill(template: string): string {
  return template.replace(/\{([A-Za-z0-9-]+)\}/g, (_, label: string) => {
    const key = V.keys[label];
    assert.ok(key, `unknown key ${label}`);
    return key.vkey;
  });
}

const logSigner = (label: string): NoteSigner => signerFromSeed((V.keys[label] as KeyVector).name, seed((V.keys[label] as KeyVector).seed));
const cosigner = (label: string): Cosigner => cosignerFromSeed((V.keys[label] as KeyVector).name, seed((V.keys[label] as KeyVector).seed));

/** The parts of a parsed policy a test compares (verifiers are functions). */
function shape(p: ParsedPolicy): Omit<ValidCase, 'description' | 'section' | 'policy'> {
  return {
    logs: p.logs.map((l) => l.origin),
    witnesses: p.witnesses.map((w) => w.name),
    groups: p.groups.map((g) => ({ name: g.name, threshold: g.threshold, members: [...g.members] })),
    quorum: p.quorum,
  };
}

function lineOf(err: LedgerError): number {
  const m = /^policy line (\d+): /.exec(err.message);
  assert.ok(m, `message does not name a line: ${err.message}`);
  return Number(m[1]);
}

/** Reference quorum evaluation, written recursively straight from §Defining a witness group. */
function referenceWitnessed(p: ParsedPolicy, name: string, cosigned: ReadonlySet<string>): boolean {
  if (name === 'none') return true;
  const g = p.groups.find((x) => x.name === name);
  if (g === undefined) return p.witnesses.some((w) => w.name === name) && cosigned.has(name);
  return g.members.filter((m) => referenceWitnessed(p, m, cosigned)).length >= g.threshold;
}

function* subsets<T>(items: readonly T[]): Generator<Set<T>> {
  for (let mask = 0; mask < 1 << items.length; mask++) yield new Set(items.filter((_, i) => (mask >> i) & 1));
}

const EXAMPLE = parsePolicy(fill(V.example.policy));

describe('tlog-policy vectors', () => {
  it('cite their source and hold the keys their seeds derive', () => {
    assert.match(V.source, /c2sp\.org\/tlog-policy/);
    for (const [label, k] of Object.entries(V.keys)) {
      const vkey = k.type === 'log' ? verifierKey(k.name, signerFromSeed(k.name, seed(k.seed)).publicKey) : cosignerVerifierKey(k.name, cosignerFromSeed(k.name, seed(k.seed)).publicKey);
      assert.equal(vkey, k.vkey, label);
    }
  });

  for (const c of V.valid) {
    it(`accepts: ${c.description} (${c.section})`, () => {
      const text = fill(c.policy);
      const parsed = parsePolicy(text);
      assert.deepEqual(shape(parsed), { logs: c.logs, witnesses: c.witnesses, groups: c.groups, quorum: c.quorum });
      // Bytes and strings are the same policy.
      assert.deepEqual(shape(parsePolicy(utf8(text))), shape(parsed));
    });
  }

  for (const c of V.invalid) {
    it(`refuses on line ${c.line}: ${c.description} (${c.section})`, () => {
      const err = assertLedgerError(() => parsePolicy(fill(c.policy)), [c.code]);
      assert.equal(lineOf(err), c.line, err.message);
      const again = assertLedgerError(() => parsePolicy(utf8(fill(c.policy))), [c.code]);
      assert.equal(again.message, err.message);
    });
  }
});

describe('parsePolicy details', () => {
  it('keeps keys, URLs, origins and line numbers', () => {
    const p = parsePolicy(fill('# c\nlog {log} https://log.example/\n\nwitness A {X1} https://a.example/\nwitness B {X2}\nquorum A\n'));
    assert.equal(p.logs.length, 1);
    const [log] = p.logs;
    assert.ok(log);
    assert.deepEqual([log.vkey, log.origin, log.url, log.line], [V.keys.log?.vkey, 'example.com/log', 'https://log.example/', 2]);
    assert.equal(log.verifier.name, 'example.com/log');
    assert.deepEqual(
      p.witnesses.map((w) => [w.name, w.vkey, w.url, w.line, w.verifier.name]),
      [
        ['A', V.keys.X1?.vkey, 'https://a.example/', 4, 'x1.witness.example'],
        ['B', V.keys.X2?.vkey, undefined, 5, 'x2.witness.example'],
      ],
    );
    assert.ok(!('url' in (p.witnesses[1] as object)));
  });

  it('supports 32 logs, 32 witnesses and 32 groups (§Implementation limits)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 32; i++) {
      const s = signerFromSeed(`log${i}.example`, seed(`many log ${i}`));
      lines.push(`log ${verifierKey(s.name, s.publicKey)}`);
      const c = cosignerFromSeed(`w${i}.example`, seed(`many witness ${i}`));
      lines.push(`witness w${i} ${cosignerVerifierKey(c.name, c.publicKey)}`);
    }
    for (let i = 0; i < 32; i++) lines.push(`group g${i} ${i + 1} ${Array.from({ length: 32 }, (_, j) => `w${j}`).join(' ')}${i > 0 ? ` g${i - 1}` : ''}`);
    lines.push('quorum g31');
    const p = parsePolicy(lines.join('\n'));
    assert.deepEqual([p.logs.length, p.witnesses.length, p.groups.length], [32, 32, 32]);
    const all = new Set(p.witnesses.map((w) => w.name));
    assert.equal(quorumSatisfied(p, all), true);
    // g31 needs 32 of its 33 members: 31 witnesses and g30 are enough, 30 witnesses and g30 are not.
    assert.equal(quorumSatisfied(p, new Set([...all].slice(1))), true);
    assert.equal(quorumSatisfied(p, new Set([...all].slice(2))), false);
    for (const s of [new Set([...all].slice(1)), new Set([...all].slice(2)), new Set([...all].slice(16))]) assert.equal(quorumSatisfied(p, s), referenceWitnessed(p, 'g31', s));
  });

  it(`accepts ${MAX_POLICY_DEFINITIONS} definitions and refuses one more, on its line`, () => {
    const lines = ['# deep chain', 'witness A ' + fill('{X1}'), 'group g0 any A'];
    for (let i = 1; i < MAX_POLICY_DEFINITIONS - 2; i++) lines.push(`group g${i} all g${i - 1}`);
    lines.push(`quorum g${MAX_POLICY_DEFINITIONS - 3}`);
    const p = parsePolicy(lines.join('\n') + '\n');
    assert.equal(p.groups.length, MAX_POLICY_DEFINITIONS - 2);
    // A chain ~1000 deep evaluates without recursion.
    assert.equal(quorumSatisfied(p, new Set(['A'])), true);
    assert.equal(quorumSatisfied(p, new Set()), false);
    lines.push('quorum none');
    const err = assertLedgerError(() => parsePolicy(lines.join('\n')), ['NOTE_MALFORMED']);
    assert.equal(lineOf(err), lines.length);
  });

  it(`refuses files over ${MAX_POLICY_SIZE} bytes, as strings and as bytes, before parsing them`, () => {
    const big = `quorum none\n${'#'.repeat(MAX_POLICY_SIZE)}\n`;
    assertLedgerError(() => parsePolicy(big), ['NOTE_MALFORMED']);
    assertLedgerError(() => parsePolicy(utf8(big)), ['NOTE_MALFORMED']);
    // Under the limit in UTF-16 units, over it in UTF-8 bytes.
    assertLedgerError(() => parsePolicy(`quorum none\n#${'é'.repeat(MAX_POLICY_SIZE / 2 + 1)}`), ['NOTE_MALFORMED']);
    // Comment and blank lines do not count as definitions.
    assert.equal(parsePolicy(`${'#\n\n'.repeat(100_000)}quorum none\n`).quorum, 'none');
  });

  it('refuses every control octet but tab and newline, and DEL, naming the line', () => {
    for (let b = 0; b < 0x80; b++) {
      const allowed = b === 0x09 || b === 0x0a || (b >= 0x20 && b <= 0x7e);
      const bytes = new Uint8Array([...utf8('quorum none\n# comment '), b, ...utf8('\n')]);
      if (allowed) assert.equal(parsePolicy(bytes).quorum, 'none', `0x${b.toString(16)}`);
      else assert.equal(lineOf(assertLedgerError(() => parsePolicy(bytes), ['NOTE_MALFORMED'])), 2, `0x${b.toString(16)}`);
    }
  });

  it('treats octets ≥ 0x80 as opaque: invalid UTF-8 in comments, names and URLs is allowed', () => {
    const x1 = utf8(fill('{X1}'));
    const x2 = utf8(fill('{X2}'));
    const bytes = new Uint8Array([
      ...utf8('# \xff\xfe not UTF-8: '), 0xff, 0xc0, 0x80, 0x0a,
      ...utf8('witness '), 0xff, 0x20, ...x1, 0x20, ...utf8('https://a.example/'), 0xe9, 0x0a,
      ...utf8('witness '), 0xfe, 0x20, ...x2, 0x0a,
      ...utf8('group g all '), 0xff, 0x09, 0xfe, 0x0a,
      ...utf8('quorum g'),
    ]);
    const p = parsePolicy(bytes);
    assert.equal(p.witnesses.length, 2);
    const [a, b] = p.witnesses.map((w) => w.name);
    // Distinct octets, distinct names; each stands for its octet as U+DC00 + octet.
    assert.equal(a, '\udcff');
    assert.equal(b, '\udcfe');
    assert.equal(p.witnesses[0]?.url, 'https://a.example/\udce9');
    assert.deepEqual(p.groups[0]?.members, ['\udcff', '\udcfe']);
    assert.equal(quorumSatisfied(p, new Set(['\udcff', '\udcfe'])), true);
    assert.equal(quorumSatisfied(p, new Set(['\udcff', '\ufffd'])), false);
  });

  it('decodes names injectively: valid UTF-8 stays text, mixed sequences keep both parts', () => {
    // "é" (C3 A9), then a truncated 3-byte sequence (E2 84), then "K".
    const name = new Uint8Array([0xc3, 0xa9, 0xe2, 0x84, 0x4b]);
    const bytes = new Uint8Array([...utf8('witness '), ...name, 0x20, ...utf8(fill('{X1}')), ...utf8('\nquorum '), ...name, 0x0a]);
    assert.equal(parsePolicy(bytes).quorum, 'é\udce2\udc84K');
    // Every octet sequence class of Unicode Table 3-7 decodes as text when well formed.
    for (const seq of [[0x7e], [0xc2, 0x80], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xef, 0xbf, 0xbd], [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf1, 0x80, 0x80, 0x80]]) {
      const raw = new Uint8Array([0xff, ...seq]);
      const text = parsePolicy(new Uint8Array([...utf8('witness '), ...raw, 0x20, ...utf8(fill('{X1}')), ...utf8('\nquorum '), ...raw])).quorum;
      assert.equal(text, '\udcff' + Buffer.from(seq).toString('utf8'));
    }
    // Ill-formed sequences (surrogates, overlongs, beyond U+10FFFF) stay octets.
    for (const seq of [[0xed, 0xa0, 0x80], [0xe0, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x80, 0x80, 0x80], [0xc1, 0xbf]]) {
      const raw = new Uint8Array([0xff, ...seq]);
      const text = parsePolicy(new Uint8Array([...utf8('witness '), ...raw, 0x20, ...utf8(fill('{X1}')), ...utf8('\nquorum '), ...raw])).quorum;
      assert.equal(text, String.fromCharCode(...[0xff, ...seq].map((b) => 0xdc00 + b)));
    }
  });

  it('refuses a vkey that is not UTF-8, and a string with a lone surrogate, naming the line', () => {
    const raw = new Uint8Array([...utf8('quorum none\n\nlog exa'), 0xff, ...utf8('+cc49dad5+AZiL16Zb8BdFwF/RnobjL7DBKFMoU3tbqBoKQVKp0Oy/\n')]);
    assert.equal(lineOf(assertLedgerError(() => parsePolicy(raw), ['NOTE_KEY_INVALID'])), 3);
    assert.equal(lineOf(assertLedgerError(() => parsePolicy('quorum none\n\n# \ud800\n'), ['NOTE_MALFORMED'])), 3);
    assertLedgerError(() => parsePolicy(42 as unknown as string), ['NOTE_MALFORMED']);
  });
});

describe('quorumSatisfied', () => {
  it('follows the example truth table of the vectors', () => {
    for (const c of V.example.quorum) assert.equal(quorumSatisfied(EXAMPLE, new Set(c.cosigned)), c.satisfied, c.cosigned.join(','));
  });

  it('matches §Example policy on all 64 subsets: two of X and one of Y', () => {
    const names = EXAMPLE.witnesses.map((w) => w.name);
    for (const s of subsets(names)) {
      const xs = [...s].filter((n) => n.startsWith('X')).length;
      const ys = [...s].filter((n) => n.startsWith('Y')).length;
      assert.equal(quorumSatisfied(EXAMPLE, s), xs >= 2 && ys >= 1, [...s].join(','));
    }
  });

  it('evaluates thresholds and nesting like the recursive definition, on random policies', () => {
    const rng = prng(0x9011c7);
    const vk = ['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'].map((l) => fill(`{${l}}`));
    for (let round = 0; round < 300; round++) {
      const nw = 1 + rng.int(6);
      const names = Array.from({ length: nw }, (_, i) => `w${i}`);
      const lines = names.map((n, i) => `witness ${n} ${vk[i]}`);
      const ng = rng.int(6);
      for (let g = 0; g < ng; g++) {
        const pool = [...names];
        const members = pool.filter(() => rng.next() < 0.5);
        if (members.length === 0) members.push(rng.pick(pool));
        const k = rng.pick(['all', 'any', String(1 + rng.int(members.length))]);
        lines.push(`group g${g} ${k} ${members.join(' ')}`);
        names.push(`g${g}`);
      }
      const quorum = rng.next() < 0.1 ? 'none' : rng.pick(names);
      const p = parsePolicy(`${lines.join('\n')}\nquorum ${quorum}\n`);
      for (const s of subsets(names.slice(0, nw))) assert.equal(quorumSatisfied(p, s), referenceWitnessed(p, quorum, s), `${lines.join(' | ')} quorum ${quorum}: ${[...s].join(',')}`);
    }
  });

  it('k-of-n thresholds, exhaustively for n ≤ 5', () => {
    const vk = ['X1', 'X2', 'X3', 'Y1', 'Y2'].map((l) => fill(`{${l}}`));
    for (let n = 1; n <= 5; n++) {
      const names = Array.from({ length: n }, (_, i) => `w${i}`);
      for (let k = 1; k <= n; k++) {
        const p = parsePolicy(`${names.map((w, i) => `witness ${w} ${vk[i]}`).join('\n')}\ngroup q ${k} ${names.join(' ')}\nquorum q\n`);
        for (const s of subsets(names)) assert.equal(quorumSatisfied(p, s), s.size >= k);
      }
    }
  });

  it('counts only witnesses: group names and strangers in the set do not help', () => {
    assert.equal(quorumSatisfied(EXAMPLE, new Set(['X-and-Y', 'X-witnesses', 'Y-witnesses', 'none', 'Z'])), false);
    assert.equal(quorumSatisfied(parsePolicy('quorum none'), new Set()), true);
  });

  it('fails closed on hand-built policies the parser would refuse', () => {
    const [first] = EXAMPLE.witnesses;
    assert.ok(first);
    const base = { logs: [], witnesses: [{ ...first, name: 'A' }] };
    const yes = new Set(['A']);
    const group = (name: string, threshold: number, members: string[]): PolicyGroup => ({ name, threshold, members, line: 0 });
    assert.equal(quorumSatisfied({ ...base, groups: [], quorum: 'B' }, yes), false);
    assert.equal(quorumSatisfied({ ...base, groups: [group('g', 0, [])], quorum: 'g' }, new Set()), false);
    assert.equal(quorumSatisfied({ ...base, groups: [group('g', 1.5, ['A'])], quorum: 'g' }, yes), false);
    // A member defined after its group is not evaluated yet.
    assert.equal(quorumSatisfied({ ...base, groups: [group('g', 1, ['h']), group('h', 1, ['A'])], quorum: 'g' }, yes), false);
    assert.equal(quorumSatisfied({ ...base, groups: [group('A', 1, ['A'])], quorum: 'A' }, yes), false);
    // A member listed twice still counts once.
    assert.equal(quorumSatisfied({ ...base, groups: [group('g', 2, ['A', 'A'])], quorum: 'g' }, yes), false);
  });
});

describe('verifyCheckpointWithPolicy', () => {
  const log = logSigner('log');
  const log2 = logSigner('log2');
  const cp = (origin: string, signers: NoteSigner[]): string => signCheckpoint({ origin, size: 42, rootHash: new Uint8Array(32).fill(7), extensions: [] }, signers);
  const cosigned = (note: string, labels: string[]): string => labels.reduce((n, l, i) => addCosignature(n, cosigner(l), 1_700_000_000 + i), note);

  it('accepts a checkpoint of a listed log cosigned to quorum, naming the witnesses by policy name', () => {
    const note = cosigned(cp('example.com/log', [log]), ['Y2', 'X3', 'X1']);
    const r = verifyCheckpointWithPolicy(note, EXAMPLE);
    assert.equal(r.checkpoint.origin, 'example.com/log');
    assert.equal(r.checkpoint.size, 42);
    assert.equal(r.log.vkey, V.keys.log?.vkey);
    assert.deepEqual(r.witnesses, ['X1', 'X3', 'Y2']);
    assert.deepEqual(
      r.cosignatures.map((c) => [c.name, c.timestamp]),
      [
        ['y2.witness.example', 1_700_000_000],
        ['x3.witness.example', 1_700_000_001],
        ['x1.witness.example', 1_700_000_002],
      ],
    );
    assert.equal(verifyCheckpointWithPolicy(utf8(note), EXAMPLE).witnesses.length, 3);
  });

  it('refuses a checkpoint cosigned short of the quorum', () => {
    for (const labels of [[], ['X1', 'X2', 'X3'], ['X1', 'Y1', 'Y2', 'Y3']]) {
      assertLedgerError(() => verifyCheckpointWithPolicy(cosigned(cp('example.com/log', [log]), labels), EXAMPLE), ['COSIGNATURE_QUORUM_NOT_MET']);
    }
  });

  it('ignores cosignatures by keys the policy does not list, and counts a repeated one once', () => {
    const stranger = cosignerFromSeed('x1.witness.example', seed('stranger'));
    let note = addCosignature(cp('example.com/log', [log]), stranger, 1);
    note = cosigned(note, ['X1', 'X1', 'Y1']);
    assertLedgerError(() => verifyCheckpointWithPolicy(note, EXAMPLE), ['COSIGNATURE_QUORUM_NOT_MET']);
    const p = parsePolicy(fill('log {log}\nwitness a {X1}\nwitness b {Y1}\ngroup g 2 a b\nquorum g\n'));
    assert.deepEqual(verifyCheckpointWithPolicy(note, p).witnesses, ['a', 'b']);
  });

  it('accepts any listed log, and quorum none without cosignatures', () => {
    const p = parsePolicy(fill('log {log}\nlog {log2}\nquorum none\n'));
    assert.equal(verifyCheckpointWithPolicy(cp('example.org/other-log', [log2]), p).log.origin, 'example.org/other-log');
    assert.equal(verifyCheckpointWithPolicy(cp('example.com/log', [log]), p).log.origin, 'example.com/log');
    assert.deepEqual(verifyCheckpointWithPolicy(cp('example.com/log', [log]), p).witnesses, []);
  });

  it('refuses checkpoints of other logs, unsigned ones, and bad signatures by known keys', () => {
    const p = parsePolicy(fill('log {log}\nwitness A {X1}\nquorum A\n'));
    // Another origin than any listed log.
    assertLedgerError(() => verifyCheckpointWithPolicy(cosigned(cp('example.org/other-log', [log2]), ['X1']), p), ['CHECKPOINT_ORIGIN_MISMATCH']);
    // The right origin, signed by another key of that name.
    const impostor = signerFromSeed('example.com/log', seed('impostor'));
    assertLedgerError(() => verifyCheckpointWithPolicy(cosigned(cp('example.com/log', [impostor]), ['X1']), p), ['NOTE_UNVERIFIED']);
    // A tampered cosignature by a listed witness rejects the note.
    const good = parseNote(cosigned(cp('example.com/log', [log]), ['X1']));
    const sigs = good.signatures.map((s, i) => (i === 1 ? { ...s, signature: s.signature.map((b, j) => (j === 20 ? b ^ 1 : b)) } : s));
    assertLedgerError(() => verifyCheckpointWithPolicy(formatNote({ text: good.text, signatures: sigs }), p), ['NOTE_SIGNATURE_INVALID']);
    // A tampered log signature too.
    const logSigs = good.signatures.map((s, i) => (i === 0 ? { ...s, signature: s.signature.map((b, j) => (j === 3 ? b ^ 1 : b)) } : s));
    assertLedgerError(() => verifyCheckpointWithPolicy(formatNote({ text: good.text, signatures: logSigs }), p), ['NOTE_SIGNATURE_INVALID']);
    // Not a note, not a checkpoint.
    assertLedgerError(() => verifyCheckpointWithPolicy('hello\n', p), ['NOTE_MALFORMED']);
    assertLedgerError(() => verifyCheckpointWithPolicy(signCheckpoint({ origin: 'example.com/log', size: 1, rootHash: new Uint8Array(32), extensions: [] }, [log]).replace('\n1\n', '\n01\n'), p), [
      'CHECKPOINT_MALFORMED',
      'NOTE_SIGNATURE_INVALID',
    ]);
  });

  it('needs a log in the policy to verify with', () => {
    assertLedgerError(() => verifyCheckpointWithPolicy(cp('example.com/log', [log]), parsePolicy('quorum none\n')), ['NOTE_UNVERIFIED']);
  });
});

describe('formatPolicy and parsePolicy', () => {
  const w = (label: string, name: string, url = ''): { name: string; vkey: string; url: string } => ({ name, vkey: V.keys[label]?.vkey as string, url });
  const policies: LogPolicy[] = [
    { logVkey: V.keys.log?.vkey as string, witnesses: [], quorum: 0 },
    { logVkey: V.keys.log?.vkey as string, logUrl: 'https://log.example/', witnesses: [w('X1', 'one', 'https://one.example/')], quorum: 1 },
    { logVkey: V.keys.log?.vkey as string, witnesses: [w('X1', 'a'), w('X2', 'b', 'https://b.example/'), w('X3', 'c'), w('Y1', 'd')], quorum: 2 },
    { logVkey: V.keys.log?.vkey as string, witnesses: [w('X1', 'a'), w('X2', 'b'), w('X3', 'c')], quorum: 3 },
    { logVkey: V.keys.log?.vkey as string, witnesses: [w('X1', 'a'), w('X2', 'b')], quorum: 0 },
  ];

  it('keeps its output', () => {
    assert.equal(
      formatPolicy(policies[2] as LogPolicy),
      fill('log {log}\n\nwitness a {X1}\nwitness b {X2} https://b.example/\nwitness c {X3}\nwitness d {Y1}\ngroup witnesses 2 a b c d\nquorum witnesses\n'),
    );
    assert.equal(formatPolicy(policies[0] as LogPolicy), fill('log {log}\n\nquorum none\n'));
    assert.equal(formatPolicy(policies[3] as LogPolicy), fill('log {log}\n\nwitness a {X1}\nwitness b {X2}\nwitness c {X3}\ngroup witnesses all a b c\nquorum witnesses\n'));
  });

  for (const [i, p] of policies.entries()) {
    it(`round-trips policy ${i} (${p.witnesses.length} witnesses, quorum ${p.quorum})`, () => {
      const parsed = parsePolicy(formatPolicy(p));
      assert.deepEqual(
        parsed.logs.map((l) => [l.vkey, l.url]),
        [[p.logVkey, p.logUrl]],
      );
      assert.deepEqual(
        parsed.witnesses.map((x) => [x.name, x.vkey, x.url ?? '']),
        p.witnesses.map((x) => [x.name, x.vkey, x.url]),
      );
      // Same keys as policyVerifiers, and the same quorum rule: any `quorum` distinct witnesses.
      const v = policyVerifiers(p);
      assert.deepEqual([parsed.logs[0]?.verifier.name, parsed.logs[0]?.verifier.keyId], [v.log.name, v.log.keyId]);
      assert.deepEqual(
        parsed.witnesses.map((x) => x.verifier.keyId),
        v.cosigners.map((c) => c.keyId),
      );
      for (const s of subsets(p.witnesses.map((x) => x.name))) assert.equal(quorumSatisfied(parsed, s), s.size >= p.quorum);
    });
  }

  it('verifies checkpoints the same way as the LogPolicy says', () => {
    const p = parsePolicy(formatPolicy(policies[2] as LogPolicy));
    const note = signCheckpoint({ origin: 'example.com/log', size: 3, rootHash: new Uint8Array(32).fill(3), extensions: [] }, [logSigner('log')]);
    assertLedgerError(() => verifyCheckpointWithPolicy(addCosignature(note, cosigner('X2'), 5), p), ['COSIGNATURE_QUORUM_NOT_MET']);
    assert.deepEqual(verifyCheckpointWithPolicy(addCosignature(addCosignature(note, cosigner('Y1'), 5), cosigner('X2'), 6), p).witnesses, ['b', 'd']);
  });

  it('checkPolicy refuses what would not parse back: duplicate public keys, URLs that are not one token', () => {
    const log = V.keys.log?.vkey as string;
    // The same public key under two key names is a duplicate witness (§Public key representation).
    assertLedgerError(() => formatPolicy({ logVkey: log, witnesses: [w('X1', 'a'), w('X1-renamed', 'b')], quorum: 1 }), ['NOTE_KEY_INVALID']);
    assertLedgerError(() => checkPolicy({ logVkey: log, witnesses: [w('X1', 'a'), w('X1', 'b')], quorum: 1 }), ['NOTE_KEY_INVALID']);
    for (const url of ['https://a.example/\nquorum none', 'https://a.example/ x', 'https://a.example/\tx', 'https://a.example/\r', 'https://a.example/\ud800']) {
      assertLedgerError(() => formatPolicy({ logVkey: log, witnesses: [w('X1', 'a', url)], quorum: 1 }), ['NOTE_KEY_INVALID']);
      assertLedgerError(() => formatPolicy({ logVkey: log, logUrl: url, witnesses: [], quorum: 0 }), ['NOTE_KEY_INVALID']);
    }
    // Non-ASCII URLs are fine (§Character set).
    assert.equal(parsePolicy(formatPolicy({ logVkey: log, logUrl: 'https://bücher.example/', witnesses: [], quorum: 0 })).logs[0]?.url, 'https://bücher.example/');
  });
});

describe('parsePolicy fuzz', () => {
  const ITERATIONS = 4000;
  const rng = prng(0x7109);
  const valid = [fill(V.example.policy), ...V.valid.map((c) => fill(c.policy))];
  // Valid seeds weigh more: mutants of valid policies probe the semantic checks.
  const seeds = [...valid, ...valid, ...valid, ...V.invalid.map((c) => fill(c.policy))];
  const INTERESTING = ['\n', ' ', '\t', '#', 'none', 'all', 'any', '0', '1', '2', '9', 'group g 1 X1\n', 'quorum X1\n', 'witness ', 'log ', '+', '\r', '\u0000', '\u007f', 'é', '\u212a', '\u2028'];

  const LINES = ['quorum none', 'quorum X1', 'group h any X1', 'group h2 all X1 Y1', 'group h3 2 X-witnesses Y1 Y2', fill('witness Z {Y3}'), fill('witness X1 {X2}'), fill('log {log2}'), '# comment', '\t', ''];

  /** Octet-level damage: flips, insertions, deletions, duplications, truncation. */
  function mutateChars(text: string): string {
    const at = rng.int(text.length + 1);
    switch (rng.int(5)) {
      case 0:
        return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << rng.int(7))) + text.slice(at + 1);
      case 1:
        return text.slice(0, at) + rng.pick(INTERESTING) + text.slice(at);
      case 2:
        return text.slice(0, at) + text.slice(at + 1 + rng.int(12));
      case 3: {
        const end = Math.min(text.length, at + rng.int(60));
        return text.slice(0, end) + text.slice(at, end) + text.slice(end);
      }
      default:
        return text.slice(0, at);
    }
  }

  /** Structural changes that keep keys intact, so more mutants reach the semantic checks. */
  function mutateStructure(text: string): string {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    const j = rng.int(lines.length);
    switch (rng.int(5)) {
      case 0:
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
        break;
      case 1:
        lines.splice(i, 1);
        break;
      case 2:
        lines.splice(i, 0, rng.next() < 0.5 ? (lines[j] as string) : rng.pick(LINES));
        break;
      default: {
        // Replace, drop or add a short token (a name, a keyword, a threshold), never a vkey.
        const tokens = (lines[i] as string).split(/([ \t]+)/);
        const short = tokens.map((t, k) => (k % 2 === 0 && t.length > 0 && t.length < 16 ? k : -1)).filter((k) => k >= 0);
        const pool = text.split(/[ \t\n]+/).filter((t) => t.length > 0 && t.length < 16);
        if (short.length === 0 || pool.length === 0) break;
        const k = rng.pick(short);
        const r = rng.int(3);
        tokens[k] = r === 0 ? '' : r === 1 ? rng.pick(pool) : `${tokens[k] as string} ${rng.pick(pool)}`;
        lines[i] = tokens.join('');
      }
    }
    return lines.join('\n');
  }

  function mutate(text: string): string {
    return rng.next() < 0.75 ? mutateStructure(text) : mutateChars(text);
  }

  /** What every accepted policy must satisfy, whatever the input was. */
  function checkInvariants(p: ParsedPolicy): void {
    const order = new Map<string, number>();
    for (const x of [...p.witnesses.map((w) => ({ name: w.name, line: w.line })), ...p.groups.map((g) => ({ name: g.name, line: g.line }))]) {
      assert.ok(!order.has(x.name) && x.name !== 'none', `name ${x.name} defined twice`);
      order.set(x.name, x.line);
    }
    for (const g of p.groups) {
      assert.ok(g.threshold >= 1 && g.threshold <= g.members.length);
      assert.equal(new Set(g.members).size, g.members.length);
      for (const m of g.members) assert.ok((order.get(m) ?? Infinity) < g.line, `member ${m} of ${g.name} not defined earlier`);
    }
    assert.ok(p.quorum === 'none' || order.has(p.quorum));
    const logIds = p.logs.map((l) => `${l.verifier.name}/${l.verifier.keyId}`);
    assert.equal(new Set(logIds).size, logIds.length);
    // Past the second '+' is base64(type || public key): one spelling per key, as base64 is canonical.
    const wKeys = p.witnesses.map((w) => w.vkey.split('+').slice(2).join('+'));
    assert.equal(new Set(wKeys).size, wKeys.length);
    // With every witness cosigning, every group (so the quorum) is satisfied.
    assert.equal(quorumSatisfied(p, new Set(p.witnesses.map((w) => w.name))), true);
    assert.equal(quorumSatisfied(p, new Set()), p.quorum === 'none');
  }

  it(`${ITERATIONS} mutated policies give a LedgerError or a consistent policy`, (t) => {
    let ok = 0;
    let refused = 0;
    const codes = new Map<string, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      let input: string | Uint8Array = rng.pick(seeds);
      const rounds = 1 + rng.int(2);
      for (let r = 0; r < rounds; r++) input = mutate(input);
      if (rng.next() < 0.15) {
        const bytes = new Uint8Array(Buffer.from(input, 'utf8'));
        for (let n = 0; n < 1 + rng.int(3) && bytes.length > 0; n++) bytes[rng.int(bytes.length)] = rng.int(256);
        input = bytes;
      }
      let parsed: ParsedPolicy;
      try {
        parsed = parsePolicy(input);
      } catch (err) {
        if (!(err instanceof LedgerError)) assert.fail(`non-ledger exception ${String(err)} for ${JSON.stringify(typeof input === 'string' ? input : Buffer.from(input).toString('base64'))}`);
        assert.match(err.message, /^policy (line \d+: |is )/);
        refused++;
        codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
        continue;
      }
      checkInvariants(parsed);
      ok++;
    }
    t.diagnostic(`accepted ${ok}, refused ${refused}: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    // The mutations must reach both outcomes, or the test proves little.
    assert.ok(ok > ITERATIONS / 20 && refused > ITERATIONS / 4, `ok ${ok}, refused ${refused}`);
  });
});
