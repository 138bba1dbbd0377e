import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { objectTerms } from '../../../src/intel/export/index.js';
import { TLP2_MARKING_IDS } from '../../../src/intel/tlp.js';
import { compileIndicators, compileIndicatorsSync, indicatorInputFromStix, type IndicatorInput } from '../../../src/match/compile.js';
import { patternTerms } from '../../../src/match/terms.js';

const ind = (n: number, pattern: string, extra: Partial<IndicatorInput> = {}): IndicatorInput => ({
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  pattern,
  pattern_type: 'stix',
  tlp: 'GREEN',
  ...extra,
});

describe('pattern terms', () => {
  // The fast path must give exactly what the parser-based objectTerms gives, or defer to it.
  const patterns = [
    "[ipv4-addr:value = '198.51.100.7']",
    "[ipv4-addr:value = '198.51.100.0/24']",
    "[ipv4-addr:value ISSUBSET '203.0.113.0/24']",
    "[ipv4-addr:value ISSUBSET '203.0.113.9']",
    "[ipv4-addr:value = '2001:db8::1']",
    "[ipv4-addr:value = '999.1.1.1']",
    "[ipv6-addr:value = '2001:db8::1']",
    "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
    "[ipv6-addr:value = '::ffff:198.51.100.7']",
    "[domain-name:value = 'evil.example']",
    "[domain-name:value = 'Bücher.Example.']",
    "[domain-name:value ISSUBSET '10.0.0.0/8']",
    "[url:value = 'http://evil.example/a?b=c']",
    "[url:value = 'http://evil.example/it\\'s']",
    "[email-addr:value = 'Boss@Evil.Example']",
    "[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']",
    "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']",
    "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
    "[file:hashes.SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
    "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    "[file:hashes.SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    `[file:hashes.'SHA-512' = '${'ab'.repeat(64)}']`,
    "[file:hashes.'SHA-256' = 'abcd']",
    "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e'] OR [domain-name:value = 'x.example']",
    "[domain-name:value = 'a.example' OR domain-name:value = 'b.example']",
    "[domain-name:value IN ('a.example', 'b.example')]",
    "[ipv4-addr:value  = '198.51.100.7']",
    "[x509-certificate:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
    "[domain-name:value = '']",
  ];
  for (const p of patterns) {
    it(p, () => {
      const ref = objectTerms({ type: 'indicator', pattern_type: 'stix', pattern: p });
      const mine = patternTerms(p);
      if (ref?.unsupported === 'pattern-invalid') return assert.deepEqual(mine, { unsupported: 'invalid' });
      if (ref?.unsupported || ref?.terms.some((t) => t.kind === undefined || t.kind.startsWith('x509'))) return assert.deepEqual(mine, { unsupported: 'shape' });
      assert.deepEqual(mine, { terms: ref!.terms.map((t) => ({ kind: t.kind, value: t.value })) });
    });
  }
});

describe('compileIndicators', () => {
  it('counts compiled, general (anchored or not) and skipped indicators', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const input = [
      ind(1, "[domain-name:value = 'evil.example']"),
      ind(2, "[ipv4-addr:value ISSUBSET '203.0.113.0/24']"),
      ind(3, "[domain-name:value = 'gone.example']", { revoked: true }),
      ind(4, "[domain-name:value = 'old.example']", { valid_until: '2025-06-01T00:00:00Z' }),
      ind(5, "[domain-name:value = 'later.example']", { valid_until: '2027-06-01T00:00:00Z' }),
      ind(6, 'rule x { condition: true }', { pattern_type: 'yara' }),
      ind(7, "[domain-name:value = 'unterminated]"),
      ind(8, "[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443]"),
      ind(9, "[domain-name:value MATCHES '^c2-[0-9]+\\\\.example$']"),
      ind(10, "[file:name = 'evil.exe']"),
      ind(11, "[domain-name:value = 'not a domain']"),
    ];
    async function* stream(): AsyncGenerator<IndicatorInput> {
      yield* input;
    }
    const c = await compileIndicators(stream(), { now });
    assert.deepEqual(c.stats.skipped, { revoked: 1, expired: 1, patternType: 1, invalid: 1 });
    assert.equal(c.stats.total, 11);
    assert.equal(c.stats.compiled, 3);
    assert.equal(c.stats.general, 4, 'AND, MATCHES, an unindexed property, a value that does not normalise');
    assert.equal(c.stats.anchored, 2, 'the AND on its address; the domain that does not normalise has no usable anchor, so it is never evaluated (no observed domain can equal it)');
    assert.equal(c.size, 7);
    assert.deepEqual(c.general.map((g) => [g.ref, g.anchored]), [[3, true], [4, false], [5, false], [6, true]]);
    assert.equal(c.stats.terms.domain, 2);
    assert.equal(c.stats.terms['ipv4-net'], 1);
    assert.equal(c.stats.terms.ipv4, 1, 'the anchor');
  });

  it('AND across object types inside one observation is not STIX 2.1 (§9.5): refused by the parser, counted as invalid', () => {
    const c = compileIndicatorsSync([
      ind(1, "[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 443]"),
      ind(2, "[network-traffic:dst_ref.value = '1.2.3.4' AND network-traffic:dst_port = 443]"),
      ind(3, "[ipv4-addr:value = '1.2.3.4'] AND [network-traffic:dst_port = 443]"),
    ]);
    assert.equal(c.stats.skipped.invalid, 1);
    assert.deepEqual(c.general.map((g) => g.pattern), [
      "[network-traffic:dst_ref.value = '1.2.3.4' AND network-traffic:dst_port = 443]",
      "[ipv4-addr:value = '1.2.3.4'] AND [network-traffic:dst_port = 443]",
    ]);
  });

  it('keeps id, pattern, TLP and name for hits; an unknown TLP level is treated as RED', () => {
    const c = compileIndicatorsSync([ind(1, "[domain-name:value = 'a.example']", { tlp: 'AMBER', name: 'A' }), ind(2, "[domain-name:value = 'b.example']", { tlp: 'PURPLE' as never })]);
    assert.deepEqual(c.indicator(0), { id: ind(1, '').id, pattern: "[domain-name:value = 'a.example']", tlp: 'AMBER', name: 'A' });
    assert.equal(c.indicator(1).tlp, 'RED');
    assert.equal('name' in c.indicator(1), false);
  });

  it('builds shared tables on request', () => {
    const c = compileIndicatorsSync([ind(1, "[domain-name:value = 'a.example']")], { shared: true });
    assert.ok(c.tables.keys.slots.buffer instanceof SharedArrayBuffer);
    assert.ok(c.tables.ranges.v4Dir.buffer instanceof SharedArrayBuffer);
    assert.ok(c.byteLength() > 0);
  });

  it('reads STIX indicators: TLP from markings, most restrictive wins, default otherwise', () => {
    const base = { type: 'indicator', id: 'indicator--00000000-0000-4000-8000-000000000001', pattern: "[domain-name:value = 'a.example']", pattern_type: 'stix', name: 'n', valid_until: '2030-01-01T00:00:00Z', modified: '2025-01-01T00:00:00Z' };
    assert.equal(indicatorInputFromStix({ ...base, object_marking_refs: [TLP2_MARKING_IDS.GREEN, TLP2_MARKING_IDS.AMBER] }, 'CLEAR')?.tlp, 'AMBER');
    assert.equal(indicatorInputFromStix(base, 'GREEN')?.tlp, 'GREEN');
    assert.deepEqual(indicatorInputFromStix({ ...base, revoked: true }, 'GREEN'), {
      id: base.id, pattern: base.pattern, pattern_type: 'stix', tlp: 'GREEN', name: 'n', valid_until: base.valid_until, revoked: true, modified: base.modified,
    });
    assert.equal(indicatorInputFromStix({ type: 'domain-name', value: 'x' }, 'GREEN'), undefined);
  });
});
