import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { networkContains, parseIpNetwork } from '../../../src/intel/pattern/ip.js';
import { formatIpv4, parseIpv6, parseNetwork } from '../../../src/match/ip.js';
import { lookupV4, lookupV6, RangeBuilder, type RangeData } from '../../../src/match/ranges.js';
import { allocator, entryKey, KeyKind, KeyTableBuilder, lookupDomainSuffixes, lookupKey, type KeyTableData } from '../../../src/match/table.js';

/** Every ref of the blocks containing an address (innermost first). */
function refsAt(r: RangeData, addr: string): number[] {
  const w = [0, 0, 0, 0];
  const v4 = parseNetwork(addr);
  let b: number;
  if (v4?.family === 4) b = lookupV4(r, v4.words[0] as number);
  else {
    assert.ok(parseIpv6(addr, w), addr);
    b = lookupV6(r, w);
  }
  const out: number[] = [];
  for (; b >= 0; b = r.parent[b] as number) for (let i = r.refOffsets[b] as number; i < (r.refOffsets[b + 1] as number); i++) out.push(r.refs[i] as number);
  return out.sort((a, b2) => a - b2);
}

function ranges(nets: [string, number][], shared = false): RangeData {
  const b = new RangeBuilder();
  for (const [n, ref] of nets) b.add(parseNetwork(n)!, ref);
  return b.freeze(allocator(shared));
}

describe('address and CIDR lookups', () => {
  it('finds exact addresses and every enclosing block, nested or not', () => {
    const r = ranges([['10.0.0.0/8', 1], ['10.1.0.0/16', 2], ['10.1.2.0/24', 3], ['10.1.2.3', 4], ['192.0.2.0/24', 5], ['10.1.2.3/32', 6]]);
    assert.deepEqual(refsAt(r, '10.1.2.3'), [1, 2, 3, 4, 6]);
    assert.deepEqual(refsAt(r, '10.1.2.4'), [1, 2, 3]);
    assert.deepEqual(refsAt(r, '10.1.3.0'), [1, 2]);
    assert.deepEqual(refsAt(r, '10.2.0.0'), [1]);
    assert.deepEqual(refsAt(r, '11.0.0.0'), []);
    assert.deepEqual(refsAt(r, '9.255.255.255'), []);
    assert.deepEqual(refsAt(r, '192.0.2.255'), [5]);
    assert.deepEqual(refsAt(r, '192.0.3.0'), []);
  });

  it('handles the IPv4 boundaries: /0, /32, the first and last address', () => {
    const r = ranges([['0.0.0.0/0', 1], ['255.255.255.255/32', 2], ['0.0.0.0/32', 3], ['128.0.0.0/1', 4]]);
    assert.deepEqual(refsAt(r, '0.0.0.0'), [1, 3]);
    assert.deepEqual(refsAt(r, '0.0.0.1'), [1]);
    assert.deepEqual(refsAt(r, '127.255.255.255'), [1]);
    assert.deepEqual(refsAt(r, '128.0.0.0'), [1, 4]);
    assert.deepEqual(refsAt(r, '255.255.255.254'), [1, 4]);
    assert.deepEqual(refsAt(r, '255.255.255.255'), [1, 2, 4]);
  });

  it('handles the IPv6 boundaries: ::/0, /128, the last address, nesting', () => {
    const r = ranges([['::/0', 1], ['2001:db8::/32', 2], ['2001:db8::1/128', 3], ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', 4], ['2001:db8:8000::/33', 5]]);
    assert.deepEqual(refsAt(r, '::'), [1]);
    assert.deepEqual(refsAt(r, '2001:db8::1'), [1, 2, 3]);
    assert.deepEqual(refsAt(r, '2001:db8::2'), [1, 2]);
    assert.deepEqual(refsAt(r, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), [1, 2, 5]);
    assert.deepEqual(refsAt(r, '2001:db9::'), [1]);
    assert.deepEqual(refsAt(r, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), [1, 4]);
  });

  it('keeps IPv4 and IPv6 apart; IPv4-mapped blocks are IPv4 blocks', () => {
    const r = ranges([['::ffff:203.0.113.0/120', 1], ['::/0', 2]]);
    assert.deepEqual(refsAt(r, '203.0.113.9'), [1]);
    assert.deepEqual(refsAt(r, '203.0.114.9'), []);
    assert.deepEqual(refsAt(r, '2001:db8::1'), [2]);
  });

  it('agrees with the intel matcher’s containment on random blocks and addresses (shared memory too)', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const nets: [string, number][] = [];
    for (let i = 0; i < 400; i++) {
      // Few distinct /8s so blocks nest often.
      const base = ((rnd() % 4) << 24) | (rnd() & 0xffffff);
      nets.push([`${formatIpv4(base >>> 0)}/${8 + (rnd() % 25)}`, i]);
    }
    const r = ranges(nets, true);
    assert.ok(r.v4Starts.buffer instanceof SharedArrayBuffer);
    for (let k = 0; k < 3000; k++) {
      const addr = formatIpv4((((rnd() % 4) << 24) | (rnd() & 0xffffff)) >>> 0);
      const a = parseIpNetwork(addr)!;
      const want = nets.filter(([n]) => networkContains(parseIpNetwork(n)!, a)).map(([, ref]) => ref).sort((x, y) => x - y);
      assert.deepEqual(refsAt(r, addr), want, addr);
    }
  });
});

function table(entries: [number, string, number][]): KeyTableData {
  const b = new KeyTableBuilder();
  for (const [kind, key, ref] of entries) b.add(kind as 1, key, ref);
  return b.freeze(allocator(false));
}

describe('exact-value table', () => {
  it('walks parent domains at label boundaries only', () => {
    const t = table([[KeyKind.DOMAIN, 'evil.example', 1], [KeyKind.DOMAIN, 'higan.org', 2], [KeyKind.DOMAIN, 'org', 3]]);
    const out: number[] = [];
    const found = (d: string): string[] => {
      const n = lookupDomainSuffixes(t, d, out);
      return out.slice(0, n).map((e) => entryKey(t, e)).sort();
    };
    assert.deepEqual(found('a.b.evil.example'), ['evil.example']);
    assert.deepEqual(found('evil.example'), ['evil.example']);
    assert.deepEqual(found('notevil.example'), []);
    assert.deepEqual(found('michigan.org'), ['org']);
    assert.deepEqual(found('higan.org'), ['higan.org', 'org']);
    assert.deepEqual(found('x.higan.org'), ['higan.org', 'org']);
    assert.deepEqual(found('example'), []);
  });

  it('keeps kinds apart and collects several refs per value', () => {
    const hex = 'd41d8cd98f00b204e9800998ecf8427e';
    const t = table([[KeyKind.MD5, hex, 1], [KeyKind.MD5, hex, 2], [KeyKind.MD5, hex, 2], [KeyKind.DOMAIN, hex, 3]]);
    const e = lookupKey(t, KeyKind.MD5, hex);
    assert.ok(e >= 0);
    assert.deepEqual([...t.refs.subarray(t.refOffsets[e], t.refOffsets[e + 1])], [1, 2]);
    assert.equal(lookupKey(t, KeyKind.SHA256, hex), -1);
    assert.equal(lookupKey(t, KeyKind.MD5, hex.toUpperCase()), -1, 'keys are normal forms: the caller lowercases');
  });

  it('finds every one of many keys and no absent one', () => {
    const keys = Array.from({ length: 20000 }, (_, i) => `h${i.toString(36)}.example`);
    const t = table(keys.map((k, i) => [KeyKind.DOMAIN, k, i]));
    keys.forEach((k, i) => {
      const e = lookupKey(t, KeyKind.DOMAIN, k);
      assert.equal(t.refs[t.refOffsets[e] as number], i);
    });
    for (let i = 0; i < 2000; i++) assert.equal(lookupKey(t, KeyKind.DOMAIN, `x${i}.example`), -1);
  });
});
