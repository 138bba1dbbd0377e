import { checkText, compareDigits, invalidVersion, type VersionScheme } from './scheme.js';

/**
 * NuGet versions (NuGet.Versioning's NuGetVersion.TryParse and
 * VersionComparer.Default): one to four numbers (System.Version; missing
 * parts are 0, a fourth "revision" part is allowed, leading zeros are fine),
 * then optional "-" release labels and "+" metadata. Release labels compare
 * like SemVer 2.0 but case-insensitively; labels of int32 digits compare as
 * numbers; metadata is ignored. Surrounding whitespace is trimmed (NuGet trims).
 */
export interface NuGetVersion {
  /** major, minor, patch, revision as digit strings without leading zeros. */
  readonly numbers: readonly [string, string, string, string];
  readonly labels: readonly string[];
  readonly metadata: string;
}

const LABEL = /^[0-9A-Za-z-]+$/;
const DIGITS = /^[0-9]+$/;
const INT32_MAX = '2147483647';

const isInt32 = (s: string): boolean => DIGITS.test(s) && compareDigits(s, INT32_MAX) <= 0;

/** Parses a NuGet version; `VERSION_INVALID` where NuGetVersion.TryParse fails. */
export function parseNuGet(input: string): NuGetVersion {
  const text = checkText('nuget', input).trim();
  // ParseSections: the version ends at the first "-" or "+", the labels at the first "+" after that.
  const cut = text.search(/[-+]/);
  const versionPart = cut < 0 ? text : text.slice(0, cut);
  let labelPart: string | undefined;
  let metadata: string | undefined;
  if (cut >= 0) {
    if (text[cut] === '+') metadata = text.slice(cut + 1);
    else {
      const plus = text.indexOf('+', cut + 1);
      labelPart = plus < 0 ? text.slice(cut + 1) : text.slice(cut + 1, plus);
      if (plus >= 0) metadata = text.slice(plus + 1);
    }
  }
  const parts = versionPart.split('.');
  if (parts.length < 1 || parts.length > 4 || !parts.every(isInt32)) {
    throw invalidVersion('nuget', input, 'it must be 1 to 4 dot-separated numbers (each at most 2147483647)');
  }
  const numbers = [0, 1, 2, 3].map((i) => (parts[i] ?? '0').replace(/^0+(?=[0-9])/, '')) as [string, string, string, string];
  const labels = labelPart === undefined ? [] : labelPart.split('.');
  for (const l of labels) {
    if (!LABEL.test(l)) throw invalidVersion('nuget', input, 'release labels must be non-empty [0-9A-Za-z-]');
    if (l.length > 1 && l[0] === '0' && DIGITS.test(l)) throw invalidVersion('nuget', input, `numeric release label ${l} has a leading zero`);
  }
  if (metadata !== undefined && !metadata.split('.').every((m) => LABEL.test(m))) {
    throw invalidVersion('nuget', input, 'metadata must be dot-separated [0-9A-Za-z-]');
  }
  return { numbers, labels, metadata: metadata ?? '' };
}

function compareLabel(a: string, b: string): number {
  const an = isInt32(a);
  const bn = isInt32(b);
  if (an && bn) return compareDigits(a, b);
  if (an) return -1;
  if (bn) return 1;
  // StringComparer.OrdinalIgnoreCase: ordinal comparison of the upper-cased strings.
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** VersionComparer.Default: numbers (4th defaults to 0), then release labels; metadata ignored. */
export function compareNuGet(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const c = compareDigits(a.numbers[i]!, b.numbers[i]!);
    if (c !== 0) return c;
  }
  const x = a.labels;
  const y = b.labels;
  if (x.length === 0 || y.length === 0) return x.length === y.length ? 0 : x.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (i >= x.length) return -1;
    if (i >= y.length) return 1;
    const c = compareLabel(x[i]!, y[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** NuGet (NuGet.Versioning). */
export const NUGET: VersionScheme<NuGetVersion> = { name: 'nuget', parse: parseNuGet, compare: compareNuGet };
