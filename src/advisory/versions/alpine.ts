import { checkText, compareDigits, invalidVersion, type VersionScheme } from './scheme.js';

/**
 * Alpine package versions as apk-tools (src/version.c) validates and orders
 * them: `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`. Tokens
 * compare in turn: numbers numerically (but a later number with a leading zero
 * compares as a string, like Gentoo), the single letter by character, suffixes
 * by rank _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p,
 * the commit hash as a string, the -rN revision numerically. When one version
 * runs out of tokens first, it is older, unless the other continues with a
 * pre-release suffix (alpha..rc): 1.0_rc1 < 1.0 < 1.0_p1 < 1.0.1, 1.0 < 1.0-r1.
 * Also used for Wolfi and Chainguard, whose packages are apk packages.
 */
export interface ApkVersion {
  readonly tokens: readonly Token[];
}

const enum T {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
}

interface Token {
  readonly t: T;
  /** The raw text (digits, letter, hash); for suffixes their rank. */
  readonly v: string;
  readonly rank?: number;
}

// Rank order of apk's DECLARE_SUFFIXES: alpha, beta, pre, rc, (none = 4), cvs, svn, git, hg, p.
const SUFFIX_RANK: Record<string, number> = { alpha: 0, beta: 1, pre: 2, rc: 3, cvs: 5, svn: 6, git: 7, hg: 8, p: 9 };
const SUFFIX_NONE = 4;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isHex = (c: string | undefined): boolean => isDigit(c) || (c !== undefined && c >= 'a' && c <= 'f');

/** Tokenises and validates like apk_version_validate; `VERSION_INVALID` where apk would say the version is invalid. */
export function parseApk(input: string): ApkVersion {
  const text = checkText('apk', input);
  const bad = (why: string) => invalidVersion('apk', input, why);
  const tokens: Token[] = [];
  let i = 0;
  const digits = (): string => {
    const s = i;
    while (isDigit(text[i])) i++;
    return text.slice(s, i);
  };
  const first = digits();
  if (first === '') throw bad('it must start with a number');
  tokens.push({ t: T.InitialDigit, v: first });
  let prev = T.InitialDigit;
  while (i < text.length) {
    const c = text[i]!;
    if (isLower(c)) {
      if (prev > T.Digit) throw bad('a letter may only follow a number');
      tokens.push({ t: T.Letter, v: c });
      prev = T.Letter;
      i++;
    } else if (c === '.' || isDigit(c)) {
      if (c === '.') {
        if (prev > T.Digit) throw bad('"." may only follow a number');
        i++;
      }
      let t: T;
      if (prev === T.InitialDigit || prev === T.Digit) t = T.Digit;
      else if (prev === T.Suffix) t = T.SuffixNo;
      else throw bad(`unexpected ${JSON.stringify(c)}`);
      const v = digits();
      if (v === '') throw bad('a number is missing');
      tokens.push({ t, v });
      prev = t;
    } else if (c === '_') {
      if (prev > T.SuffixNo) throw bad('a suffix may not follow a commit hash or revision');
      i++;
      const s = i;
      while (isLower(text[i])) i++;
      const name = text.slice(s, i);
      const rank = SUFFIX_RANK[name];
      if (rank === undefined || !Object.prototype.hasOwnProperty.call(SUFFIX_RANK, name)) throw bad(`unknown suffix _${name}`);
      tokens.push({ t: T.Suffix, v: name, rank });
      prev = T.Suffix;
    } else if (c === '~') {
      if (prev >= T.CommitHash) throw bad('a second commit hash or one after the revision');
      i++;
      const s = i;
      while (isHex(text[i])) i++;
      if (i === s) throw bad('"~" must be followed by a lowercase hex commit hash');
      tokens.push({ t: T.CommitHash, v: text.slice(s, i) });
      prev = T.CommitHash;
    } else if (c === '-') {
      if (prev >= T.RevisionNo || text[i + 1] !== 'r') throw bad('"-" must start the final -rN revision');
      i += 2;
      const v = digits();
      if (v === '') throw bad('the revision number is missing');
      tokens.push({ t: T.RevisionNo, v });
      prev = T.RevisionNo;
    } else {
      throw bad(`unexpected ${JSON.stringify(c)}`);
    }
  }
  return { tokens };
}

/** apk_blob_sort: memcmp over the shorter length, then the shorter first. */
function blobSort(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tokenCmp(a: Token, b: Token): number {
  switch (a.t) {
    case T.Digit:
      // A leading zero in either makes it a string comparison, as in Gentoo.
      if (a.v[0] === '0' || b.v[0] === '0') return blobSort(a.v, b.v);
      return compareDigits(a.v, b.v);
    case T.InitialDigit:
    case T.SuffixNo:
    case T.RevisionNo:
      return compareDigits(a.v, b.v);
    case T.Letter:
      return blobSort(a.v, b.v);
    case T.Suffix:
      return a.rank! < b.rank! ? -1 : a.rank! > b.rank! ? 1 : 0;
    default:
      return blobSort(a.v, b.v);
  }
}

/** apk_version_compare. */
export function compareApk(a: ApkVersion, b: ApkVersion): number {
  const x = a.tokens;
  const y = b.tokens;
  let i = 0;
  for (; i < x.length && i < y.length && x[i]!.t === y[i]!.t; i++) {
    const r = tokenCmp(x[i]!, y[i]!);
    if (r !== 0) return r;
  }
  const ta = x[i];
  const tb = y[i];
  const at = ta === undefined ? T.End : ta.t;
  const bt = tb === undefined ? T.End : tb.t;
  if (at === bt) return 0;
  // The non-terminating version is newer unless it continues with a pre-release suffix.
  if (at === T.Suffix && ta!.rank! < SUFFIX_NONE) return -1;
  if (bt === T.Suffix && tb!.rank! < SUFFIX_NONE) return 1;
  return at > bt ? -1 : 1;
}

/** Alpine, Wolfi, Chainguard (apk-tools). */
export const APK: VersionScheme<ApkVersion> = { name: 'apk', parse: parseApk, compare: compareApk };
