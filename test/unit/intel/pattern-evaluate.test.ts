import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileEquality, evaluatePattern, matchesObject, parsePattern, type Observation } from '../../../src/intel/pattern/index.js';

const m = (pattern: string, object: Record<string, unknown>, resolve?: (id: string) => Record<string, unknown> | undefined): boolean =>
  matchesObject(parsePattern(pattern), object, resolve);

describe('evaluator: comparisons against one object (§9.6)', () => {
  const file = { type: 'file', name: 'foo.dll', size: 25536, hashes: { MD5: 'cead3f77f6cda6ec00f57d76c9a6879f', 'SHA-256': 'aa' }, magic_number_hex: 'FFD8', mime_type: 'image/bmp', created: '2014-01-13T07:03:17Z' };

  it('= and != on strings, numbers, booleans and timestamps', () => {
    assert.equal(m("[file:name = 'foo.dll']", file), true);
    assert.equal(m("[file:name = 'FOO.dll']", file), false);
    assert.equal(m("[file:name != 'bar.dll']", file), true);
    assert.equal(m('[file:size = 25536]', file), true);
    assert.equal(m('[file:size = 25536.0]', file), true);
    assert.equal(m('[file:size = 25536.5]', file), false);
    assert.equal(m("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']", file), true);
    assert.equal(m("[file:created = t'2014-01-13T07:03:17.000Z']", file), true);
    assert.equal(m("[file:created > t'2014-01-13T07:03:16.999Z']", file), true);
    assert.equal(m('[x-flag:on = true]', { type: 'x-flag', on: true }), true);
  });

  it('incompatible types are false, except for != (§9.6.1); a missing path is false whatever the operator (§9.6)', () => {
    assert.equal(m("[file:size = '25536']", file), false);
    assert.equal(m("[file:size != '25536']", file), true);
    assert.equal(m("[file:owner != 'x']", file), false);
    assert.equal(m("[file:owner NOT = 'x']", file), false);
    assert.equal(m("[process:name = 'foo.dll']", file), false);
  });

  it('orders strings by code point and numbers numerically', () => {
    assert.equal(m('[file:size > 256]', file), true);
    assert.equal(m('[file:size <= 25536]', file), true);
    assert.equal(m('[file:size < 25536]', file), false);
    assert.equal(m("[file:name > 'foo']", file), true);
    // U+10000 (a surrogate pair) sorts after U+FFFD by code point although its first UTF-16 unit is smaller.
    assert.equal(m("[x-s:v > '\uFFFD']", { type: 'x-s', v: '\u{10000}' }), true);
  });

  it('IN, LIKE (NFC, % and _), MATCHES (search, DOTALL)', () => {
    assert.equal(m("[file:name IN ('a.exe', 'foo.dll')]", file), true);
    assert.equal(m("[file:name IN ('a.exe')]", file), false);
    assert.equal(m('[file:size IN ()]', file), false);
    assert.equal(m("[file:name LIKE 'foo._ll']", file), true);
    assert.equal(m("[file:name LIKE '%.dll']", file), true);
    assert.equal(m("[file:name LIKE '%.exe']", file), false);
    assert.equal(m("[file:name LIKE 'caf\u00e9%']", { type: 'file', name: 'cafe\u0301.txt' }), true);
    assert.equal(m("[file:name MATCHES 'o\\\\.d']", file), true);
    assert.equal(m("[x-t:body MATCHES '^a.b$']", { type: 'x-t', body: 'a\nb' }), true);
    // The spec's own PCRE example uses \@, which Unicode-mode JavaScript rejects.
    assert.equal(m("[email-addr:value MATCHES '.+\\\\@example\\\\.com$']", { type: 'email-addr', value: 'jdoe@example.com' }), true);
    assert.equal(m("[x-t:body MATCHES '(a+)+$']", { type: 'x-t', body: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' }), false, 'nested quantifiers are refused, not run');
    assert.equal(m("[x-t:body MATCHES '[unclosed']", { type: 'x-t', body: '[unclosed' }), false);
  });

  it('compares _bin and _hex properties as octets (§9.6.3, §9.6.4)', () => {
    const art = { type: 'artifact', mime_type: 'application/octet-stream', payload_bin: 'dGhpcyBpcyBhIHRlc3Q=' };
    assert.equal(m("[artifact:payload_bin = 'dGhpcyBpcyBhIHRlc3Q=']", art), false);
    assert.equal(m("[artifact:payload_bin = 'this is a test']", art), true);
    assert.equal(m("[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']", art), true);
    assert.equal(m("[artifact:payload_bin = h'7468697320697320612074657374']", art), true);
    assert.equal(m("[artifact:payload_bin MATCHES '^this']", art), true);
    assert.equal(m("[file:magic_number_hex = h'ffd8']", file), true);
    assert.equal(m("[file:magic_number_hex < h'ffd9']", file), true);
    assert.equal(m("[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']", file), true);
  });

  it('ISSUBSET and ISSUPERSET on IPv4 and IPv6 networks', () => {
    assert.equal(m("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { type: 'ipv4-addr', value: '198.51.100.0/27' }), true);
    assert.equal(m("[ipv4-addr:value ISSUPERSET '198.51.100.0/27']", { type: 'ipv4-addr', value: '198.51.100.0/24' }), true);
    assert.equal(m("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { type: 'ipv4-addr', value: '198.51.101.1' }), false);
    assert.equal(m("[ipv4-addr:value ISSUBSET '198.51.100.7']", { type: 'ipv4-addr', value: '198.51.100.7' }), true);
    assert.equal(m("[ipv6-addr:value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']", { type: 'ipv6-addr', value: '2001:db8:dead:beef::1' }), true);
    assert.equal(m("[ipv6-addr:value ISSUBSET '2001:db8::/32']", { type: 'ipv6-addr', value: '2001:db9::1' }), false);
  });

  it('EXISTS, NOT, AND/OR on the same object, [n] and [*]', () => {
    const key = { type: 'windows-registry-key', key: 'hkey', values: [{ name: 'a' }, { name: 'b' }] };
    assert.equal(m('[EXISTS windows-registry-key:values]', key), true);
    assert.equal(m('[NOT EXISTS windows-registry-key:values]', key), false);
    assert.equal(m('[NOT EXISTS windows-registry-key:creator_user_ref]', key), true);
    assert.equal(m("[windows-registry-key:values[*].name = 'b']", key), true);
    assert.equal(m("[windows-registry-key:values[0].name = 'b']", key), false);
    assert.equal(m("[windows-registry-key:values[5].name = 'b']", key), false);
    assert.equal(m("[windows-registry-key:values[*].name NOT = 'c']", key), true);
    assert.equal(m("[windows-registry-key:key = 'hkey' AND windows-registry-key:values[1].name = 'b']", key), true);
    assert.equal(m("[windows-registry-key:key = 'x' OR windows-registry-key:values[1].name = 'b']", key), true);
  });

  it('follows _ref and _refs through the resolver (§9.7.4)', () => {
    const objs: Record<string, Record<string, unknown>> = {
      'ipv4-addr--1': { type: 'ipv4-addr', value: '203.0.113.33' },
      'domain-name--1': { type: 'domain-name', value: 'example.com', resolves_to_refs: ['ipv4-addr--1'] },
    };
    const nt = { type: 'network-traffic', dst_ref: 'ipv4-addr--1', protocols: ['tcp'] };
    const resolve = (id: string) => objs[id];
    assert.equal(m("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33']", nt, resolve), true);
    assert.equal(m("[network-traffic:dst_ref.value = '203.0.113.33']", nt), false, 'unresolvable references are absent');
    assert.equal(m("[domain-name:resolves_to_refs[*].value = '203.0.113.33']", objs['domain-name--1'] as Record<string, unknown>, resolve), true);
    assert.equal(m("[network-traffic:protocols[0] = 'tcp']", nt), true);
  });
});

describe('evaluator: observation operators and qualifiers over observations (best effort)', () => {
  const at = (s: number, objects: Record<string, unknown>[]): Observation => ({ time: Date.UTC(2020, 0, 1, 0, 0, s), objects });
  const a = { type: 'file', name: 'a' };
  const b = { type: 'file', name: 'b' };
  const ev = (p: string, obs: Observation[]) => evaluatePattern(parsePattern(p), obs).matched;

  it('AND and OR need the observation expressions on distinct observations', () => {
    assert.equal(ev("[file:name = 'a'] AND [file:name = 'b']", [at(0, [a, b])]), false);
    assert.equal(ev("[file:name = 'a'] AND [file:name = 'b']", [at(0, [a]), at(1, [b])]), true);
    assert.equal(ev("[file:name = 'a'] OR [file:name = 'c']", [at(0, [a])]), true);
  });

  it('FOLLOWEDBY needs the right side at or after the left side', () => {
    assert.equal(ev("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [at(5, [a]), at(9, [b])]), true);
    assert.equal(ev("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [at(9, [a]), at(5, [b])]), false);
  });

  it('WITHIN, REPEATS and START/STOP', () => {
    const obs = [at(0, [a]), at(100, [b]), at(200, [a]), at(250, [a])];
    assert.equal(ev("([file:name = 'a'] AND [file:name = 'b']) WITHIN 150 SECONDS", obs), true);
    assert.equal(ev("([file:name = 'a'] AND [file:name = 'b']) WITHIN 100 SECONDS", obs), false, 'the closest a/b pairs are exactly 100 s apart, and the window excludes its end (§9.5.1)');
    assert.equal(ev("([file:name = 'a'] AND [file:name = 'b']) WITHIN 100.5 SECONDS", obs), true);
    assert.equal(ev("([file:name = 'b'] FOLLOWEDBY [file:name = 'a']) WITHIN 100 SECONDS", obs), false, '100 → 200 is exactly the window, which does not count');
    assert.equal(ev("[file:name = 'a'] REPEATS 3 TIMES", obs), true);
    assert.equal(ev("[file:name = 'a'] REPEATS 4 TIMES", obs), false);
    assert.equal(ev("[file:name = 'a'] REPEATS 2 TIMES WITHIN 60 SECONDS", obs), true);
    assert.equal(ev("[file:name = 'a'] REPEATS 3 TIMES WITHIN 60 SECONDS", obs), false);
    assert.equal(ev("[file:name = 'b'] START t'2020-01-01T00:01:00Z' STOP t'2020-01-01T00:02:00Z'", obs), true);
    assert.equal(ev("[file:name = 'b'] START t'2020-01-01T00:02:00Z' STOP t'2020-01-01T00:03:00Z'", obs), false);
    assert.equal(ev("[file:name = 'b'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:01:40Z'", obs), false, 'STOP is exclusive');
  });

  it('observations without a time satisfy no temporal test, and the deprecated container resolves local refs', () => {
    assert.equal(ev("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [{ objects: [a] }, { objects: [b] }]), false);
    const container: Observation = { time: '2020-01-01T00:00:00Z', objects: { 0: { type: 'network-traffic', dst_ref: '1' }, 1: { type: 'ipv4-addr', value: '198.51.100.58' } } };
    assert.equal(ev("[network-traffic:dst_ref.value = '198.51.100.58']", [container]), true);
  });

  it('every comparison of one observation expression starts at the same SCO (§9.5)', () => {
    const obs: Observation = { objects: { 0: { type: 'network-traffic', src_ref: '1' }, 1: { type: 'ipv4-addr', value: '203.0.113.10' }, 2: { type: 'network-traffic', dst_ref: '3' }, 3: { type: 'ipv4-addr', value: '198.51.100.58' } } };
    assert.equal(ev("[network-traffic:src_ref.value = '203.0.113.10' AND network-traffic:dst_ref.value = '198.51.100.58']", [obs]), false);
  });

  it('reports truncation instead of running away', () => {
    const obs = Array.from({ length: 200 }, (_, i) => at(i, [a]));
    const r = evaluatePattern(parsePattern("[file:name = 'a'] REPEATS 50 TIMES"), obs, { maxBindings: 1000 });
    assert.equal(r.truncated, true);
  });
});

describe('compileEquality', () => {
  it('extracts (type, path, value) for disjunctions of equality', () => {
    assert.deepEqual(compileEquality(parsePattern("[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '203.0.113.33' OR ipv6-addr:value IN ('2001:db8::1', '2001:db8::2')]")), [
      { objectType: 'ipv4-addr', path: ['value'], pathText: 'value', value: '198.51.100.1' },
      { objectType: 'ipv4-addr', path: ['value'], pathText: 'value', value: '203.0.113.33' },
      { objectType: 'ipv6-addr', path: ['value'], pathText: 'value', value: '2001:db8::1' },
      { objectType: 'ipv6-addr', path: ['value'], pathText: 'value', value: '2001:db8::2' },
    ]);
    assert.deepEqual(compileEquality(parsePattern("[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'] OR ([url:value = 'http://x/'] OR [url:value = 'http://x/'])")), [
      { objectType: 'file', path: ['hashes', 'SHA-256'], pathText: "hashes.'SHA-256'", value: 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' },
      { objectType: 'url', path: ['value'], pathText: 'value', value: 'http://x/' },
    ]);
    assert.deepEqual(compileEquality(parsePattern('[file:size = 10]')), [{ objectType: 'file', path: ['size'], pathText: 'size', value: 10 }]);
  });

  it('returns null for every other shape', () => {
    for (const p of [
      "[file:name = 'a' AND file:size = 1]",
      "[file:name != 'a']",
      "[file:name NOT = 'a']",
      "[file:name LIKE 'a%']",
      "[file:name = 'a'] AND [file:name = 'b']",
      "[file:name = 'a'] FOLLOWEDBY [file:name = 'b']",
      "[file:name = 'a'] WITHIN 5 SECONDS",
      "[file:parent_directory_ref.path = 'C:\\\\']",
      "[domain-name:resolves_to_refs[*].value = '1.2.3.4']",
      "[file:magic_number_hex = h'ffd8']",
      "[file:created = t'2020-01-01T00:00:00Z']",
      '[EXISTS file:name]',
      "[file:name = 'a' OR file:size > 3]",
    ]) assert.equal(compileEquality(parsePattern(p)), null, p);
  });

  it('agrees with the evaluator on what it compiles', () => {
    const p = parsePattern("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f' OR file:name = 'x.exe']");
    const terms = compileEquality(p) ?? [];
    const objects = [
      { type: 'file', hashes: { MD5: 'cead3f77f6cda6ec00f57d76c9a6879f' } },
      { type: 'file', name: 'x.exe' },
      { type: 'file', name: 'y.exe' },
      { type: 'process', name: 'x.exe' },
    ];
    for (const o of objects) {
      const viaLookup = terms.some((t) => t.objectType === o.type && t.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o) === t.value);
      assert.equal(viaLookup, matchesObject(p, o), JSON.stringify(o));
    }
  });
});
