import { checkText, compareDigits, invalidVersion, isAlphaCode, isDigitCode, type VersionScheme } from './scheme.js';

/**
 * Debian versions (Debian Policy §5.6.12, dpkg's lib/dpkg/version.c and
 * parsehelp.c): `[epoch:]upstream_version[-debian_revision]`. The epoch is a
 * number; the revision is what follows the last hyphen; upstream may contain
 * `. + ~ - :` besides alphanumerics (hyphens only when there is a revision,
 * colons only when there is an epoch — both fall out of the split), the
 * revision `. + ~`. Parts compare with dpkg's verrevcmp: alternating non-digit
 * and digit runs; in non-digit runs letters sort before non-letters and "~"
 * before everything, even the end of the part; digit runs compare numerically.
 *
 * Refused as dpkg's parseversion refuses them (and `dpkg --validate-version`):
 * empty versions, embedded spaces, empty, non-numeric or huge epochs, empty
 * upstream versions or revisions ("1.0-"), an upstream version that does not
 * start with a digit, and characters outside those sets.
 */
export interface DebianVersion {
  readonly epoch: string;
  readonly upstream: string;
  readonly revision: string;
}

const UPSTREAM = /^[A-Za-z0-9.+~:-]+$/;
const REVISION = /^[A-Za-z0-9.+~]*$/;
const DIGITS = /^[0-9]+$/;
const INT_MAX = '2147483647';

/** Parses a Debian version as dpkg's parseversion does. */
export function parseDebian(input: string): DebianVersion {
  // dpkg skips leading and trailing blanks.
  const text = checkText('debian', input).replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
  if (text === '') throw invalidVersion('debian', input, 'it is empty');
  if (/\s/.test(text)) throw invalidVersion('debian', input, 'it contains embedded spaces');
  let rest = text;
  let epoch = '0';
  const colon = text.indexOf(':');
  if (colon >= 0) {
    epoch = text.slice(0, colon);
    if (epoch === '') throw invalidVersion('debian', input, 'the epoch is empty');
    if (!DIGITS.test(epoch)) throw invalidVersion('debian', input, 'the epoch is not a number');
    if (compareDigits(epoch, INT_MAX) > 0) throw invalidVersion('debian', input, 'the epoch is too big');
    epoch = epoch.replace(/^0+(?=[0-9])/, '');
    rest = text.slice(colon + 1);
    if (rest === '') throw invalidVersion('debian', input, 'nothing after the colon');
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen < 0 ? rest : rest.slice(0, hyphen);
  const revision = hyphen < 0 ? '' : rest.slice(hyphen + 1);
  if (upstream === '') throw invalidVersion('debian', input, 'the upstream version is empty');
  if (hyphen >= 0 && revision === '') throw invalidVersion('debian', input, 'the revision is empty');
  if (!isDigitCode(upstream.charCodeAt(0))) throw invalidVersion('debian', input, 'the upstream version does not start with a digit');
  if (!UPSTREAM.test(upstream)) throw invalidVersion('debian', input, 'invalid character in the upstream version');
  if (!REVISION.test(revision)) throw invalidVersion('debian', input, 'invalid character in the revision');
  return { epoch, upstream, revision };
}

/** dpkg's order(): digits 0 (they end the run), letters their code, "~" -1, others code + 256, end 0. */
function order(c: number): number {
  if (Number.isNaN(c)) return 0;
  if (isDigitCode(c)) return 0;
  if (isAlphaCode(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}

/** dpkg's verrevcmp. */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigitCode(a.charCodeAt(i))) || (j < b.length && !isDigitCode(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (isDigitCode(a.charCodeAt(i)) && isDigitCode(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigitCode(a.charCodeAt(i))) return 1;
    if (isDigitCode(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

/** dpkg_version_compare: epoch, then upstream, then revision. */
export function compareDebian(a: DebianVersion, b: DebianVersion): number {
  return compareDigits(a.epoch, b.epoch) || verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision);
}

/** Debian and Ubuntu (dpkg). */
export const DEBIAN: VersionScheme<DebianVersion> = { name: 'debian', parse: parseDebian, compare: compareDebian };
