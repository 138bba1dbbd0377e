import { readFileSync } from 'node:fs';

/** Reads a vector file of test/vectors/stix/. */
export function vectors<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../vectors/stix/${name}`, import.meta.url), 'utf8')) as T;
}

/** A valid STIX 2.1 indicator (one `stix` equality pattern); tests spread it and override what they exercise. */
export const VALID_INDICATOR = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2016-04-06T20:03:48.000Z',
  modified: '2016-04-06T20:03:48.000Z',
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: 'stix',
  valid_from: '2016-01-01T00:00:00Z',
} as const;

/** A small deterministic PRNG (mulberry32) so fuzz runs are reproducible. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(a: readonly T[]): T } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (a) => a[Math.floor(next() * a.length)] as any };
}

/** Drops `offset` fields so trees parsed from different spellings compare equal. */
export function stripOffsets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripOffsets);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'offset' && k !== 'text').map(([k, x]) => [k, stripOffsets(x)]));
  }
  return v;
}
