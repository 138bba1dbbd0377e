import { checkText, compareDigits, compareStrings, invalidVersion, type VersionScheme } from './scheme.js';

/**
 * Maven versions, ordered as org.apache.maven.artifact.versioning.ComparableVersion
 * of Maven 3.9.x orders them (the "Version Order Specification" of the POM
 * reference). The text is split into a list of items on ".", "-" and on
 * transitions between digits and letters; "-" (and a letter/digit transition)
 * opens a sub-list. Numbers compare numerically; qualifiers rank
 * alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp,
 * unknown qualifiers come after sp in lexical order; "a1", "b1", "m1" mean
 * alpha-1, beta-1, milestone-1; trailing "null" items (0, "", ga…) are dropped,
 * so 1 == 1.0 == 1-0 == 1.ga. Comparison is case-insensitive.
 *
 * Maven itself accepts any string. Here control characters, whitespace and
 * non-ASCII text are refused: they never occur in real repository versions,
 * and `Character.isDigit` would treat non-ASCII digits differently from us.
 */
export type MavenItem =
  | { readonly t: 'int'; readonly v: string }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'list'; readonly items: MavenItem[] };

export interface MavenVersion {
  readonly items: MavenItem & { t: 'list' };
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));
const ALLOWED = /^[\x21-\x7e]+$/;

const list = (): MavenItem & { t: 'list' } => ({ t: 'list', items: [] });

function stringItem(value: string, followedByDigit: boolean): MavenItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  return { t: 'str', v: Object.prototype.hasOwnProperty.call(ALIASES, v) ? ALIASES[v]! : v };
}

function parseItem(isDigit: boolean, buf: string): MavenItem {
  if (isDigit) return { t: 'int', v: buf.replace(/^0+(?=[0-9])/, '') || '0' };
  return stringItem(buf, false);
}

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function isNull(item: MavenItem): boolean {
  if (item.t === 'int') return item.v === '0';
  if (item.t === 'str') return comparableQualifier(item.v) === RELEASE_INDEX;
  return item.items.length === 0;
}

function normalize(l: MavenItem & { t: 'list' }): void {
  for (let i = l.items.length - 1; i >= 0; i--) {
    const last = l.items[i]!;
    if (isNull(last)) l.items.splice(i, 1); // remove null trailing items: 0, "", empty list
    else if (last.t !== 'list') break;
  }
}

const isDigitChar = (c: string): boolean => c >= '0' && c <= '9';

/** Parses a Maven version into ComparableVersion's item tree. */
export function parseMaven(input: string): MavenVersion {
  const text = checkText('maven', input);
  if (!ALLOWED.test(text)) throw invalidVersion('maven', input, 'only printable ASCII without spaces is accepted');
  const version = text.toLowerCase();
  const items = list();
  let cur = items;
  const stack: (MavenItem & { t: 'list' })[] = [cur];
  const push = (): void => {
    const next = list();
    cur.items.push(next);
    cur = next;
    stack.push(next);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version[i]!;
    if (c === '.') {
      cur.items.push(i === start ? { t: 'int', v: '0' } : parseItem(isDigit, version.slice(start, i)));
      start = i + 1;
    } else if (c === '-') {
      cur.items.push(i === start ? { t: 'int', v: '0' } : parseItem(isDigit, version.slice(start, i)));
      start = i + 1;
      push();
    } else if (isDigitChar(c)) {
      if (!isDigit && i > start) {
        // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X
        if (cur.items.length > 0) push();
        cur.items.push(stringItem(version.slice(start, i), true));
        start = i;
        push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        cur.items.push(parseItem(true, version.slice(start, i)));
        start = i;
        push();
      }
      isDigit = false;
    }
  }
  if (version.length > start) {
    if (!isDigit && cur.items.length > 0) push();
    cur.items.push(parseItem(isDigit, version.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return { items };
}

function compareItem(a: MavenItem, b: MavenItem | undefined): number {
  switch (a.t) {
    case 'int':
      if (b === undefined) return a.v === '0' ? 0 : 1; // 1.0 == 1, 1.1 > 1
      if (b.t === 'int') return compareDigits(a.v, b.v);
      return 1; // 1.1 > 1-sp, 1.1 > 1-1
    case 'str':
      if (b === undefined) return compareStrings(comparableQualifier(a.v), RELEASE_INDEX); // 1-rc < 1, 1-ga > 1
      if (b.t === 'str') return compareStrings(comparableQualifier(a.v), comparableQualifier(b.v));
      return -1; // 1.any < 1.1, 1.any < 1-1
    case 'list':
      if (b === undefined) {
        for (const item of a.items) {
          const r = compareItem(item, undefined);
          if (r !== 0) return r;
        }
        return 0;
      }
      if (b.t === 'int') return -1; // 1-1 < 1.0.x
      if (b.t === 'str') return 1; // 1-1 > 1-sp
      for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
        const l = a.items[i];
        const r = b.items[i];
        const c = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (c !== 0) return c;
      }
      return 0;
  }
}

/** ComparableVersion.compareTo. */
export function compareMaven(a: MavenVersion, b: MavenVersion): number {
  const c = compareItem(a.items, b.items);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

/** The canonical form ComparableVersion.getCanonical() prints (for tests and messages). */
export function mavenCanonical(v: MavenVersion): string {
  const show = (item: MavenItem): string =>
    item.t === 'list' ? item.items.map((x, i) => (i === 0 ? '' : x.t === 'list' ? '-' : '.') + show(x)).join('') : item.v;
  return show(v.items);
}

/** Maven (ComparableVersion, Maven 3.9). */
export const MAVEN: VersionScheme<MavenVersion> = { name: 'maven', parse: parseMaven, compare: compareMaven };
