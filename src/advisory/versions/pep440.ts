import { checkText, compareDigits, compareStrings, invalidVersion, type VersionScheme } from './scheme.js';

/**
 * PEP 440 versions (PyPI), as the Python Packaging Authority's `packaging`
 * library parses and orders them (packaging.version.Version):
 * `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spellings PEP 440
 * normalises (case-insensitive, "v" prefix, alpha/beta/c/pre/preview, rev/r,
 * "-N" as an implicit post-release, separators ". - _", implicit numbers 0,
 * surrounding whitespace). Trailing zeros of the release never matter
 * (1.0 == 1.0.0).
 */
export interface Pep440 {
  readonly epoch: string;
  /** Release numbers with trailing zeros removed. */
  readonly release: readonly string[];
  readonly pre?: { readonly kind: 'a' | 'b' | 'rc'; readonly n: string };
  readonly post?: string;
  readonly dev?: string;
  /** Lowercased local segments, split on ". - _". */
  readonly local?: readonly string[];
}

// packaging's VERSION_PATTERN (case-insensitive), anchored. Input length is
// bounded by checkText, so the optional groups cannot backtrack far.
const PATTERN = new RegExp(
  '^v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$',
  'i',
);

// Python's str.strip() removes Unicode whitespace too; packaging's tests rely on it.
const WHITESPACE = /^\s+|\s+$/gu;

const stripZeros = (d: string): string => d.replace(/^0+(?=[0-9])/, '');

/** Parses a PEP 440 version; `VERSION_INVALID` otherwise. */
export function parsePep440(input: string): Pep440 {
  const text = checkText('pep440', input).replace(WHITESPACE, '');
  const m = PATTERN.exec(text);
  if (m === null || m.groups === undefined) throw invalidVersion('pep440', input, 'it does not follow PEP 440');
  const g = m.groups;
  const release = g.release!.split('.').map(stripZeros);
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  let pre: Pep440['pre'];
  if (g.pre_l !== undefined) {
    const l = g.pre_l.toLowerCase();
    const kind = l === 'a' || l === 'alpha' ? 'a' : l === 'b' || l === 'beta' ? 'b' : 'rc';
    pre = { kind, n: stripZeros(g.pre_n ?? '0') };
  }
  const postN = g.post_n1 ?? g.post_n2;
  const post = g.post === undefined ? undefined : stripZeros(postN ?? '0');
  const dev = g.dev === undefined ? undefined : stripZeros(g.dev_n ?? '0');
  const local = g.local === undefined ? undefined : g.local.toLowerCase().split(/[-_.]/);
  return {
    epoch: stripZeros(g.epoch ?? '0'),
    release,
    ...(pre === undefined ? {} : { pre }),
    ...(post === undefined ? {} : { post }),
    ...(dev === undefined ? {} : { dev }),
    ...(local === undefined ? {} : { local }),
  };
}

const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;
const DIGITS = /^[0-9]+$/;

function compareRelease(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Rank of the pre-release slot in packaging's _cmpkey: a dev-only release sorts before any pre-release, a final after. */
function preSlot(v: Pep440): number {
  if (v.pre === undefined && v.post === undefined && v.dev !== undefined) return -1;
  if (v.pre === undefined) return 1;
  return 0;
}

function compareLocal(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = DIGITS.test(x);
    const yn = DIGITS.test(y);
    // Numeric segments sort after alphanumeric ones; alphanumerics compare lexically.
    const c = xn && yn ? compareDigits(x, y) : xn ? 1 : yn ? -1 : compareStrings(x, y);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** PEP 440 ordering (packaging's _cmpkey). */
export function comparePep440(a: Pep440, b: Pep440): number {
  let c = compareDigits(a.epoch, b.epoch) || compareRelease(a.release, b.release);
  if (c !== 0) return c;
  const sa = preSlot(a);
  const sb = preSlot(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) {
    c = PRE_RANK[a.pre!.kind] - PRE_RANK[b.pre!.kind];
    if (c !== 0) return c < 0 ? -1 : 1;
    c = compareDigits(a.pre!.n, b.pre!.n);
    if (c !== 0) return c;
  }
  // No post-release sorts before any post-release.
  if (a.post !== b.post) {
    if (a.post === undefined) return -1;
    if (b.post === undefined) return 1;
    c = compareDigits(a.post, b.post);
    if (c !== 0) return c;
  }
  // No dev-release sorts after any dev-release.
  if (a.dev !== b.dev) {
    if (a.dev === undefined) return 1;
    if (b.dev === undefined) return -1;
    c = compareDigits(a.dev, b.dev);
    if (c !== 0) return c;
  }
  return compareLocal(a.local, b.local);
}

/** PEP 440 (PyPI). */
export const PEP440: VersionScheme<Pep440> = { name: 'pep440', parse: parsePep440, compare: comparePep440 };
