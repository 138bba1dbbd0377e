import assert from 'node:assert/strict';
import { it } from 'node:test';
import { VersionError } from '../../../../src/advisory/versions/errors.js';
import type { VersionScheme } from '../../../../src/advisory/versions/scheme.js';

/** compare(a, b) of two texts, after parsing each. */
export function cmp<V>(scheme: VersionScheme<V>, a: string, b: string): number {
  return scheme.compare(scheme.parse(a), scheme.parse(b));
}

/**
 * Every earlier entry sorts strictly before every later one, both ways round
 * (the shape of Maven's checkVersionsOrder and packaging's VERSIONS list).
 * Also checks that sorting a reversed copy restores the list.
 */
export function itOrders<V>(scheme: VersionScheme<V>, list: readonly string[], label: string): void {
  it(`${label}: ${list.length} versions in order (${list.length * (list.length - 1) / 2} pairs)`, () => {
    const parsed = list.map((v) => scheme.parse(v));
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        assert.equal(scheme.compare(parsed[i]!, parsed[j]!), -1, `expected ${list[i]} < ${list[j]}`);
        assert.equal(scheme.compare(parsed[j]!, parsed[i]!), 1, `expected ${list[j]} > ${list[i]}`);
      }
      assert.equal(scheme.compare(parsed[i]!, parsed[i]!), 0, `expected ${list[i]} == itself`);
    }
    const sorted = [...list].reverse().sort((a, b) => cmp(scheme, a, b));
    assert.deepEqual(sorted, list);
  });
}

/** Pairs `[a, op, b]` where op is "<", "=" or ">". */
export function itCompares<V>(scheme: VersionScheme<V>, pairs: readonly (readonly [string, '<' | '=' | '>', string])[], label: string): void {
  for (const [a, op, b] of pairs) {
    const want = op === '<' ? -1 : op === '>' ? 1 : 0;
    it(`${label}: ${a} ${op} ${b}`, () => {
      assert.equal(cmp(scheme, a, b), want, `${a} ${op} ${b}`);
      assert.equal(cmp(scheme, b, a), want === 0 ? 0 : -want, `${b} ${op === '<' ? '>' : op === '>' ? '<' : '='} ${a}`);
    });
  }
}

/** The scheme refuses each text with VERSION_INVALID. */
export function itRefuses<V>(scheme: VersionScheme<V>, texts: readonly string[], label: string): void {
  for (const t of texts) {
    it(`${label}: refuses ${JSON.stringify(t)}`, () => {
      assert.throws(() => scheme.parse(t), (e: unknown) => e instanceof VersionError && e.code === 'VERSION_INVALID');
    });
  }
}

/** The scheme accepts each text. */
export function itAccepts<V>(scheme: VersionScheme<V>, texts: readonly string[], label: string): void {
  it(`${label}: accepts ${texts.length} versions`, () => {
    for (const t of texts) assert.doesNotThrow(() => scheme.parse(t), `accepts ${JSON.stringify(t)}`);
  });
}
