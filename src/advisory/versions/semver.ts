import { checkText, compareDigits, compareStrings, invalidVersion, type VersionScheme } from './scheme.js';

/**
 * Semantic Versioning 2.0.0 (semver.org): MAJOR.MINOR.PATCH, an optional
 * pre-release after "-" and build metadata after "+". Precedence follows
 * §11: numbers compare numerically, a pre-release sorts before its release,
 * identifiers compare numerically when both are numeric, numeric identifiers
 * sort before alphanumeric ones, and build metadata is ignored.
 *
 * Variants differ only in what they accept:
 * - `SEMVER` (crates.io, Hex, OSV `SEMVER` ranges): the strict grammar; an
 *   optional leading "v" is tolerated because OSV range strings lack it and
 *   SBOM versions sometimes carry it — both sides are normalised alike.
 * - `NPM`: node-semver's strict mode: surrounding whitespace and one leading
 *   "v" are allowed.
 * - `GO`: golang.org/x/mod/semver: "v" prefix (optional here, because OSV's Go
 *   feed omits it), shorthands "v1" and "v1.2" meaning v1.0.0 and v1.2.0 when
 *   no pre-release or build follows. Pseudo-versions such as
 *   v0.0.0-20191109021931-daa7c04131f5 are ordinary pre-releases and
 *   "+incompatible" is build metadata, so both order by plain SemVer rules.
 */
export interface SemVer {
  /** Decimal digit strings without leading zeros (any length). */
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly string[];
  readonly build: readonly string[];
}

const NUMERIC = /^(0|[1-9][0-9]*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;
const DIGITS = /^[0-9]+$/;

interface Options {
  name: string;
  trim: boolean;
  goShorthand: boolean;
  /** node-semver refuses MAJOR, MINOR or PATCH above Number.MAX_SAFE_INTEGER. */
  maxSafe: boolean;
}

const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);

function parseWith(o: Options, input: string): SemVer {
  let text = checkText(o.name, input);
  if (o.trim) text = text.trim();
  if (text.startsWith('v')) text = text.slice(1);
  let build: string[] = [];
  let prerelease: string[] = [];
  const plus = text.indexOf('+');
  if (plus >= 0) {
    build = text.slice(plus + 1).split('.');
    if (build.some((b) => !IDENT.test(b))) throw invalidVersion(o.name, input, 'build metadata must be dot-separated [0-9A-Za-z-] identifiers');
    text = text.slice(0, plus);
  }
  const dash = text.indexOf('-');
  if (dash >= 0) {
    prerelease = text.slice(dash + 1).split('.');
    for (const p of prerelease) {
      if (!IDENT.test(p)) throw invalidVersion(o.name, input, 'pre-release identifiers must be non-empty [0-9A-Za-z-]');
      if (DIGITS.test(p) && !NUMERIC.test(p)) throw invalidVersion(o.name, input, `numeric pre-release identifier ${p} has a leading zero`);
    }
    text = text.slice(0, dash);
  }
  const core = text.split('.');
  if (o.goShorthand && core.length < 3 && core.length >= 1 && dash < 0 && plus < 0) {
    while (core.length < 3) core.push('0');
  }
  if (core.length !== 3) throw invalidVersion(o.name, input, 'it must be MAJOR.MINOR.PATCH');
  for (const n of core) {
    if (!NUMERIC.test(n)) throw invalidVersion(o.name, input, `${JSON.stringify(n)} is not a number without leading zeros`);
    if (o.maxSafe && compareDigits(n, MAX_SAFE) > 0) throw invalidVersion(o.name, input, `${n} is larger than ${MAX_SAFE}`);
  }
  return { major: core[0]!, minor: core[1]!, patch: core[2]!, prerelease, build };
}

function compareIdentifiers(a: string, b: string): number {
  const an = DIGITS.test(a);
  const bn = DIGITS.test(b);
  if (an && bn) return compareDigits(a, b);
  if (an) return -1;
  if (bn) return 1;
  return compareStrings(a, b);
}

/** SemVer 2.0 §11 precedence; build metadata is ignored. */
export function compareSemver(a: SemVer, b: SemVer): number {
  const r = compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (r !== 0) return r;
  const ap = a.prerelease;
  const bp = b.prerelease;
  if (ap.length === 0 || bp.length === 0) return ap.length === bp.length ? 0 : ap.length === 0 ? 1 : -1;
  const n = Math.min(ap.length, bp.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(ap[i]!, bp[i]!);
    if (c !== 0) return c;
  }
  return ap.length === bp.length ? 0 : ap.length < bp.length ? -1 : 1;
}

function scheme(o: Options): VersionScheme<SemVer> {
  return { name: o.name, parse: (t) => parseWith(o, t), compare: compareSemver };
}

/** Strict SemVer 2.0 (crates.io, Hex, OSV `SEMVER` ranges); a leading "v" is tolerated. */
export const SEMVER = scheme({ name: 'semver', trim: false, goShorthand: false, maxSafe: false });
/** npm (node-semver strict mode). */
export const NPM = scheme({ name: 'npm', trim: true, goShorthand: false, maxSafe: true });
/** Go modules (golang.org/x/mod/semver), "v" optional. */
export const GO = scheme({ name: 'go', trim: false, goShorthand: true, maxSafe: false });
