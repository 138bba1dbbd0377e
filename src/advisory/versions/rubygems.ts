import { checkText, compareDigits, compareStrings, invalidVersion, type VersionScheme } from './scheme.js';

/**
 * RubyGems versions (Gem::Version, rubygems/lib/rubygems/version.rb): digits
 * then dot-separated alphanumeric segments, optionally "-" and more segments
 * ("-" is read as ".pre."). Segments are runs of digits or of letters; any
 * letter makes a prerelease, and a string segment sorts before every number,
 * so 1.0.a < 1.0. Trailing zeros and zeros right before the first letter do
 * not count (canonical_segments), so 1.0 == 1.0.0 and 0.beta.1 == 0.0.beta.1.
 * Surrounding whitespace is allowed; an empty version (Gem's "0") is refused
 * here because an SBOM without a version has no version.
 */
export interface GemVersion {
  readonly canonical: readonly (string | number)[];
  /** Numbers as digit strings, letters as strings; tagged to keep them apart. */
  readonly segments: readonly Segment[];
}

type Segment = { readonly n: string } | { readonly s: string };

const MAIN_SEGMENT = /^[0-9a-zA-Z]+$/;
const PRE_SEGMENT = /^[0-9A-Za-z-]+$/;
const DIGITS = /^[0-9]+$/;

/** Gem::Version.correct? without a regex that can backtrack (CVE-2013-4287 was a ReDoS in this pattern). */
function correct(v: string): boolean {
  const dash = v.indexOf('-');
  const main = dash < 0 ? v : v.slice(0, dash);
  const parts = main.split('.');
  if (!DIGITS.test(parts[0]!)) return false;
  if (!parts.slice(1).every((p) => MAIN_SEGMENT.test(p))) return false;
  if (dash < 0) return true;
  return v
    .slice(dash + 1)
    .split('.')
    .every((p) => PRE_SEGMENT.test(p));
}

function partition(v: string): Segment[] {
  return (v.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (DIGITS.test(s) ? { n: s.replace(/^0+(?=[0-9])/, '') } : { s }));
}

/** Parses a gem version; `VERSION_INVALID` if Gem::Version would raise "Malformed version number string". */
export function parseGem(input: string): GemVersion {
  const stripped = checkText('rubygems', input).replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
  if (stripped === '') throw invalidVersion('rubygems', input, 'it is empty');
  if (!correct(stripped)) throw invalidVersion('rubygems', input, 'Malformed version number string');
  const version = stripped.replace(/-/g, '.pre.');
  const prerelease = /[a-zA-Z]/.test(version);
  let canonical = version.replace(/(?<=[a-zA-Z.])[.0]+$/, '');
  if (prerelease) canonical = canonical.replace(/(?<=\.|^)[0.]+(?=[a-zA-Z])/, '');
  const segments = partition(canonical);
  return { segments, canonical: segments.map((x) => ('n' in x ? Number(x.n) : x.s)) };
}

const isZero = (s: Segment): boolean => 'n' in s && s.n === '0';

/** Gem::Version#<=>. */
export function compareGem(a: GemVersion, b: GemVersion): number {
  const l = a.segments;
  const r = b.segments;
  const limit = Math.min(l.length, r.length);
  let i = 0;
  for (; i < limit; i++) {
    const x = l[i]!;
    const y = r[i]!;
    const xn = 'n' in x;
    const yn = 'n' in y;
    if (xn && yn) {
      const c = compareDigits(x.n, y.n);
      if (c !== 0) return c;
    } else if (!xn && !yn) {
      const c = compareStrings(x.s, y.s);
      if (c !== 0) return c;
    } else {
      return xn ? 1 : -1;
    }
  }
  // The longer one decides: a further string means a prerelease (older), a further non-zero number newer.
  if (l.length === r.length) return 0;
  const longer = l.length > r.length ? l : r;
  const sgn = l.length > r.length ? 1 : -1;
  for (; i < longer.length; i++) {
    const s = longer[i]!;
    if (!('n' in s)) return -sgn;
    if (!isZero(s)) return sgn;
  }
  return 0;
}

/** RubyGems (Gem::Version). */
export const RUBYGEMS: VersionScheme<GemVersion> = { name: 'rubygems', parse: parseGem, compare: compareGem };
