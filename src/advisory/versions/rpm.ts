import { checkText, compareDigits, invalidVersion, isAlphaCode, isDigitCode, type VersionScheme } from './scheme.js';

/**
 * RPM versions `[epoch:]version[-release]` (Red Hat, AlmaLinux, Rocky Linux,
 * openSUSE/SUSE, Photon OS, Mageia, openEuler, Azure Linux), compared with
 * rpm's rpmvercmp (rpmio/rpmvercmp.cc): separators are skipped, alphabetic and
 * numeric runs compare in turn (numbers numerically and newer than letters),
 * "~" sorts before everything including the end, "^" after the end but before
 * anything else. The epoch is a number, 0 when absent.
 *
 * A missing release: rpm's dependency matching skips the release when one
 * side lacks it, which is not a total order. Here an absent release sorts
 * before any release (as rpmvercmp("", release) would), so "1.2" is older
 * than "1.2-1.el9" and a bare version in an SBOM is treated as possibly
 * unpatched rather than silently fixed.
 */
export interface RpmVersion {
  readonly epoch: string;
  readonly version: string;
  readonly release?: string;
}

// Characters rpmbuild accepts in Version and Release (no "-", which separates them).
const PART = /^[A-Za-z0-9._+~^%{}]+$/;
const EPOCH = /^([0-9]+):/;

/** Parses `[epoch:]version[-release]`. */
export function parseRpm(input: string): RpmVersion {
  let text = checkText('rpm', input);
  let epoch = '0';
  const m = EPOCH.exec(text);
  if (m !== null) {
    epoch = m[1]!.replace(/^0+(?=[0-9])/, '');
    text = text.slice(m[0].length);
  }
  const parts = text.split('-');
  if (parts.length > 2) throw invalidVersion('rpm', input, 'more than one "-" (version and release may not contain it)');
  const [version, release] = parts as [string, string | undefined];
  if (!PART.test(version)) throw invalidVersion('rpm', input, 'the version is empty or has an invalid character');
  if (release !== undefined && !PART.test(release)) throw invalidVersion('rpm', input, 'the release is empty or has an invalid character');
  return { epoch, version, ...(release === undefined ? {} : { release }) };
}

const isAlnum = (c: number): boolean => isDigitCode(c) || isAlphaCode(c);
const TILDE = 126;
const CARET = 94;

/** rpm's rpmvercmp. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a.charCodeAt(i)) && a.charCodeAt(i) !== TILDE && a.charCodeAt(i) !== CARET) i++;
    while (j < b.length && !isAlnum(b.charCodeAt(j)) && b.charCodeAt(j) !== TILDE && b.charCodeAt(j) !== CARET) j++;
    const ca = a.charCodeAt(i); // NaN at the end
    const cb = b.charCodeAt(j);
    // tilde sorts before everything else
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // caret is like tilde, except that the end of a string sorts before it
    if (ca === CARET || cb === CARET) {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    let ei = i;
    let ej = j;
    const isnum = isDigitCode(ca);
    if (isnum) {
      while (ei < a.length && isDigitCode(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigitCode(b.charCodeAt(ej))) ej++;
    } else {
      while (ei < a.length && isAlphaCode(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isAlphaCode(b.charCodeAt(ej))) ej++;
    }
    // segments of different types: the numeric one is newer
    if (ej === j) return isnum ? 1 : -1;
    const sa = a.slice(i, ei);
    const sb = b.slice(j, ej);
    const c = isnum ? compareDigits(sa, sb) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (c !== 0) return c;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Epoch, then version, then release (absent release first). */
export function compareRpm(a: RpmVersion, b: RpmVersion): number {
  const c = compareDigits(a.epoch, b.epoch) || rpmvercmp(a.version, b.version);
  if (c !== 0) return c;
  if (a.release === undefined || b.release === undefined) return a.release === b.release ? 0 : a.release === undefined ? -1 : 1;
  return rpmvercmp(a.release, b.release);
}

/** RPM (rpmvercmp with epoch and release). */
export const RPM: VersionScheme<RpmVersion> = { name: 'rpm', parse: parseRpm, compare: compareRpm };
