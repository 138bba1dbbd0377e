import { ReleaseError } from './errors.js';

/**
 * Package URLs (github.com/package-url/purl-spec, "How to parse a purl string"):
 * `pkg:type/namespace/name@version?qualifiers#subpath`. Enough of the spec to
 * identify a release and to decide whether a purl lies within a namespace a
 * signatory may sign for. Purls come from signed statements and from search
 * queries, so parsing is strict and every refusal is `RELEASE_PURL_INVALID`.
 */

export interface Purl {
  /** Lowercase package type (`npm`, `pypi`, `generic`, …). */
  readonly type: string;
  /** Decoded namespace segments (may be empty). */
  readonly namespace: readonly string[];
  readonly name: string;
  readonly version?: string;
  /** Decoded qualifiers, keys lowercase. */
  readonly qualifiers: Readonly<Record<string, string>>;
  /** Decoded subpath segments joined by "/". */
  readonly subpath?: string;
}

/** Longest purl accepted. */
export const MAX_PURL_LENGTH = 2048;

const TYPE = /^[a-z.+-][a-z0-9.+-]*$/;
const QUALIFIER_KEY = /^[a-z.\-_][a-z0-9.\-_]*$/;
// Decoded components must not carry control characters (they end up in terminals and logs).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Types whose namespace and name are case-insensitive, lowercased by the purl spec's type definitions. */
const LOWERCASE_TYPES = new Set(['alpm', 'apk', 'bitbucket', 'composer', 'deb', 'github', 'npm', 'pypi']);

function invalid(text: string, why: string): ReleaseError<'RELEASE_PURL_INVALID'> {
  return new ReleaseError('RELEASE_PURL_INVALID', `${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)} is not a valid purl: ${why}`);
}

function decode(text: string, part: string, whole: string): string {
  let out: string;
  try {
    out = decodeURIComponent(text);
  } catch {
    throw invalid(whole, `bad percent-encoding in the ${part}`);
  }
  if (CONTROL.test(out)) throw invalid(whole, `control character in the ${part}`);
  return out;
}

/** Splits once on the last `sep`: [before, after] or [text, undefined]. */
function splitRight(text: string, sep: string): [string, string | undefined] {
  const at = text.lastIndexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function normaliseSegments(type: string, segments: readonly string[]): string[] {
  return LOWERCASE_TYPES.has(type) ? segments.map((s) => s.toLowerCase()) : [...segments];
}

function normaliseName(type: string, name: string): string {
  if (type === 'pypi') return name.toLowerCase().replace(/_/g, '-');
  return LOWERCASE_TYPES.has(type) ? name.toLowerCase() : name;
}

/** Parses a purl following the spec's algorithm; type-specific lowercasing is applied to namespace and name. */
export function parsePurl(text: string): Purl {
  if (typeof text !== 'string') throw invalid(String(text), 'not text');
  if (text.length > MAX_PURL_LENGTH) throw invalid(text, `longer than ${MAX_PURL_LENGTH} characters`);
  if (!text.startsWith('pkg:')) throw invalid(text, 'it must start with "pkg:"');
  const [beforeHash, subpathText] = splitRight(text.slice(4), '#');
  let rest = beforeHash;
  let subpath: string | undefined;
  if (subpathText !== undefined) {
    const segs = subpathText.split('/').filter((s) => s !== '' && s !== '.' && s !== '..').map((s) => decode(s, 'subpath', text));
    if (segs.some((s) => s.includes('/'))) throw invalid(text, 'a subpath segment contains "/"');
    if (segs.length > 0) subpath = segs.join('/');
  }
  const [beforeQ, qualifierText] = splitRight(rest, '?');
  rest = beforeQ;
  const qualifiers: Record<string, string> = {};
  if (qualifierText !== undefined && qualifierText !== '') {
    for (const pair of qualifierText.split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw invalid(text, 'a qualifier is not key=value');
      const key = pair.slice(0, eq).toLowerCase();
      if (!QUALIFIER_KEY.test(key)) throw invalid(text, `bad qualifier key ${JSON.stringify(key)}`);
      if (Object.prototype.hasOwnProperty.call(qualifiers, key)) throw invalid(text, `qualifier ${JSON.stringify(key)} is repeated`);
      const value = decode(pair.slice(eq + 1), 'qualifiers', text);
      if (value !== '') Object.defineProperty(qualifiers, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  rest = rest.replace(/^\/+/, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  if (slash <= 0) throw invalid(text, 'it has no type and name');
  const type = rest.slice(0, slash).toLowerCase();
  if (!TYPE.test(type)) throw invalid(text, `bad type ${JSON.stringify(type)}`);
  rest = rest.slice(slash + 1);
  let version: string | undefined;
  const [beforeAt, versionText] = splitRight(rest, '@');
  // An "@" followed by a "/" belongs to the namespace (e.g. an unencoded npm scope without a version).
  if (versionText !== undefined && !versionText.includes('/')) {
    rest = beforeAt;
    version = decode(versionText, 'version', text);
    if (version === '') throw invalid(text, 'the version is empty');
  }
  const [nsText, nameText] = splitRight(rest, '/');
  const name = decode(nameText === undefined ? nsText : nameText, 'name', text);
  if (name === '') throw invalid(text, 'the name is empty');
  const namespace = nameText === undefined ? [] : nsText.split('/').filter((s) => s !== '').map((s) => decode(s, 'namespace', text));
  if (namespace.some((s) => s.includes('/'))) throw invalid(text, 'a namespace segment contains "/"');
  return {
    type,
    namespace: normaliseSegments(type, namespace),
    name: normaliseName(type, name),
    ...(version === undefined ? {} : { version }),
    qualifiers,
    ...(subpath === undefined ? {} : { subpath }),
  };
}

const enc = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':');

/** The package without version, qualifiers or subpath: `pkg:type/namespace/name`. */
export function purlPackage(p: Purl): string {
  return `pkg:${p.type}/${[...p.namespace, p.name].map(enc).join('/')}`;
}

/** The canonical text of a parsed purl (qualifiers sorted, percent-encoding normalised). */
export function formatPurl(p: Purl): string {
  let out = purlPackage(p);
  if (p.version !== undefined) out += `@${enc(p.version)}`;
  const keys = Object.keys(p.qualifiers).sort();
  if (keys.length > 0) out += `?${keys.map((k) => `${k}=${enc(p.qualifiers[k]!)}`).join('&')}`;
  if (p.subpath !== undefined) out += `#${p.subpath.split('/').map(enc).join('/')}`;
  return out;
}

/** Parses a purl a release names: the in-toto release predicate requires a version. */
export function parseReleasePurl(text: string): Purl {
  const p = parsePurl(text);
  if (p.version === undefined) throw invalid(text, 'a release purl must include a version (pkg:type/name@version)');
  return p;
}

/**
 * A namespace a key may sign releases under: `pkg:<type>/<segment…>` where
 * type may be `*` (any type) and everything after the type may be `*` (any
 * purl of that type, so `pkg:*\/*` is any purl). A purl lies within it when its type matches and
 * its namespace-and-name segments begin with the pattern's: `pkg:npm/@acme`
 * covers every package of the npm scope `@acme`, `pkg:maven/com.acme` every
 * artifact of that group, and `pkg:pypi/acme-sdk` the one PyPI package
 * `acme-sdk` (PyPI, crates and gems have no namespaces, so a package is
 * named whole). With type `*` the segments are namespace segments only
 * (`pkg:*\/acme` never covers a package named `acme`). Segments are compared
 * whole, never as string prefixes.
 */
export interface PurlScope {
  readonly type: string;
  readonly namespace: readonly string[] | '*';
}

/** Parses a namespace pattern (see `PurlScope`); `RELEASE_PURL_INVALID` if malformed. */
export function parsePurlScope(text: string): PurlScope {
  if (typeof text !== 'string' || text.length > MAX_PURL_LENGTH || !text.startsWith('pkg:')) {
    throw new ReleaseError('RELEASE_PURL_INVALID', `namespace pattern ${JSON.stringify(String(text).slice(0, 120))} must look like pkg:<type|*>/<namespace|*>`);
  }
  const body = text.slice(4);
  const slash = body.indexOf('/');
  const type = slash < 0 ? '' : body.slice(0, slash);
  const rest = slash < 0 ? '' : body.slice(slash + 1);
  // An "@" may open a segment (an npm scope, `pkg:npm/@acme`), never follow one (a version).
  if ((type !== '*' && !TYPE.test(type)) || rest === '' || /[?#]|[^/]@/.test(rest)) {
    throw new ReleaseError('RELEASE_PURL_INVALID', `namespace pattern ${JSON.stringify(text)} must look like pkg:<type|*>/<namespace|*>`);
  }
  if (rest === '*') return { type, namespace: '*' };
  const segments = rest.split('/');
  if (segments.some((s) => s === '' || s === '*')) throw new ReleaseError('RELEASE_PURL_INVALID', `namespace pattern ${JSON.stringify(text)} has an empty or wildcard segment`);
  const decoded = segments.map((s) => decode(s, 'namespace', text));
  return { type, namespace: type === '*' ? decoded : normaliseSegments(type, decoded) };
}

/** Whether `purl` lies within `scope` (see `PurlScope`). */
export function scopeCovers(scope: PurlScope, purl: Purl): boolean {
  if (scope.type !== '*' && scope.type !== purl.type) return false;
  if (scope.namespace === '*') return true;
  const ns = purl.namespace;
  // Only a typed pattern reaches the name: `pkg:*\/acme` is the namespace acme in every ecosystem, never a package called acme.
  if (scope.namespace.length > ns.length + (scope.type === '*' ? 0 : 1)) return false;
  return scope.namespace.every((s, i) => (i < ns.length ? ns[i] === s : normaliseName(scope.type, s) === purl.name));
}

/**
 * Whether some purl could lie within both scopes: their types agree (or one
 * is `*`) and one's segments begin with the other's. Two signatories holding
 * overlapping namespaces could both vouch for one package, so the registry
 * refuses that.
 */
export function scopesOverlap(a: PurlScope, b: PurlScope): boolean {
  if (a.type !== '*' && b.type !== '*' && a.type !== b.type) return false;
  if (a.namespace === '*' || b.namespace === '*') return true;
  const n = Math.min(a.namespace.length, b.namespace.length);
  // Case rules differ by type; with a wildcard type, compare case-insensitively to err on the side of "overlaps".
  const fold = a.type === '*' || b.type === '*' || a.type !== b.type;
  for (let i = 0; i < n; i++) {
    const x = a.namespace[i]!;
    const y = b.namespace[i]!;
    if (fold ? x.toLowerCase() !== y.toLowerCase() : x !== y) return false;
  }
  return true;
}

/**
 * The namespaces a signatory may sign for until the registry records them: any
 * purl type whose first namespace segment is the organisation's slug, e.g.
 * `pkg:generic/demo-northwind/agent@1.2.0` for `demo-northwind`.
 */
export function defaultNamespacesForSlug(slug: string): string[] {
  return [`pkg:*/${enc(slug)}`];
}
