import { verrevcmp } from './debian.js';
import { checkText, compareDigits, compareStrings, invalidVersion, type VersionScheme } from './scheme.js';

/**
 * Fallback and small schemes for ecosystems without rules of their own here.
 *
 * `SEMVER_LIKE` — the fallback: an optional "v", one or more dot-separated
 * numbers (missing parts are 0, leading zeros allowed), an optional
 * "-"pre-release of dot-separated identifiers and "+"build metadata (ignored).
 * Pre-releases order as in SemVer, except that alphanumeric identifiers
 * compare case-insensitively, so Composer's "1.0.0-RC1" stays after
 * "1.0.0-beta2". Used for Packagist, Pub, ConanCenter, Bitnami, Hackage,
 * GitHub Actions and FreeBSD ports, whose own orderings differ only in corners
 * (Composer's "patch"/"pl" suffixes, pub's build ordering, Haskell's
 * 1.2 < 1.2.0) that this fallback does not reproduce.
 */
export interface LooseVersion {
  readonly release: readonly string[];
  readonly prerelease: readonly string[];
}

const NUMBERS = /^[0-9]+(\.[0-9]+)*$/;
const IDENT = /^[0-9A-Za-z-]+$/;
const DIGITS = /^[0-9]+$/;

export function parseSemverLike(input: string): LooseVersion {
  let text = checkText('semver-like', input);
  if (text[0] === 'v' || text[0] === 'V') text = text.slice(1);
  const plus = text.indexOf('+');
  if (plus >= 0) {
    if (!text.slice(plus + 1).split('.').every((b) => IDENT.test(b))) throw invalidVersion('semver-like', input, 'bad build metadata');
    text = text.slice(0, plus);
  }
  const dash = text.indexOf('-');
  const core = dash < 0 ? text : text.slice(0, dash);
  const prerelease = dash < 0 ? [] : text.slice(dash + 1).split('.');
  if (!NUMBERS.test(core)) throw invalidVersion('semver-like', input, 'it must start with dot-separated numbers');
  if (!prerelease.every((p) => IDENT.test(p))) throw invalidVersion('semver-like', input, 'bad pre-release identifier');
  const release = core.split('.').map((n) => n.replace(/^0+(?=[0-9])/, ''));
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  return { release, prerelease: prerelease.map((p) => p.toLowerCase()) };
}

export function compareSemverLike(a: LooseVersion, b: LooseVersion): number {
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const c = compareDigits(a.release[i] ?? '0', b.release[i] ?? '0');
    if (c !== 0) return c;
  }
  const x = a.prerelease;
  const y = b.prerelease;
  if (x.length === 0 || y.length === 0) return x.length === y.length ? 0 : x.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    const pn = DIGITS.test(p);
    const qn = DIGITS.test(q);
    const c = pn && qn ? compareDigits(p, q) : pn ? -1 : qn ? 1 : compareStrings(p, q);
    if (c !== 0) return c;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** The SemVer-like fallback. */
export const SEMVER_LIKE: VersionScheme<LooseVersion> = { name: 'semver-like', parse: parseSemverLike, compare: compareSemverLike };

/**
 * R package versions (CRAN, Bioconductor; base R's package_version): at least
 * two non-negative integers separated by "." or "-", compared as integer lists
 * (a missing part sorts first: 1.2 < 1.2.0, as R's compareVersion does).
 */
export interface RVersion {
  readonly parts: readonly string[];
}

export function parseRVersion(input: string): RVersion {
  const text = checkText('r', input);
  if (!/^[0-9]+([.-][0-9]+)+$/.test(text)) throw invalidVersion('r', input, 'it must be at least two numbers separated by "." or "-"');
  return { parts: text.split(/[.-]/) };
}

export function compareRVersion(a: RVersion, b: RVersion): number {
  for (let i = 0; i < Math.min(a.parts.length, b.parts.length); i++) {
    const c = compareDigits(a.parts[i]!, b.parts[i]!);
    if (c !== 0) return c;
  }
  return a.parts.length === b.parts.length ? 0 : a.parts.length < b.parts.length ? -1 : 1;
}

/** R (CRAN, Bioconductor). */
export const R_VERSION: VersionScheme<RVersion> = { name: 'r', parse: parseRVersion, compare: compareRVersion };

/**
 * opam versions: the opam manual defines the order as Debian's algorithm
 * applied to the whole string (no epoch or revision): "~" first, letters
 * before other non-digits, digit runs numerically.
 */
export interface OpamVersion {
  readonly text: string;
}

export function parseOpam(input: string): OpamVersion {
  const text = checkText('opam', input);
  if (!/^[A-Za-z0-9+.~_-]+$/.test(text)) throw invalidVersion('opam', input, 'opam versions are made of letters, digits and "+.~_-"');
  return { text };
}

/** opam (Debian's verrevcmp over the whole version). */
export const OPAM: VersionScheme<OpamVersion> = { name: 'opam', parse: parseOpam, compare: (a, b) => verrevcmp(a.text, b.text) };
