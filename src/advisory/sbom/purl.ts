import { MAX_PURL_LENGTH, type Purl } from '../../release/purl.js';
import { SbomError } from './errors.js';

/**
 * Package URLs as SBOMs carry them (package-url/purl-spec, "How to parse a
 * PURL" and the type definitions in types/*.json). This is not
 * src/release/purl.ts: that parser lowercases npm names, which the current
 * npm type definition declares case-sensitive (legacy mixed-case packages
 * such as "JSONStream" exist), and it predates the type table below. A purl
 * that breaks the specification is refused with `SBOM_PURL_INVALID`; SBOM
 * parsing turns that into a per-component warning.
 *
 * Normalisation (`formatPurl`): lowercase type and qualifier keys; namespace,
 * name and version lowercased where the type definition says they are not
 * case-sensitive; pypi "_" → "-"; empty qualifiers dropped and the rest sorted;
 * "", "." and ".." subpath segments dropped; percent-encoding re-done so that
 * only A-Z a-z 0-9 . - _ ~ and ":" stay unencoded.
 */
export type { Purl };

// From the "case_sensitive": false entries of purl-spec types/*-definition.json.
const NAMESPACE_LOWER = new Set(['alpm', 'apk', 'bitbucket', 'brew', 'composer', 'deb', 'github', 'hex', 'luarocks', 'qpkg', 'rpm', 'vscode-extension', 'yocto']);
const NAME_LOWER = new Set(['alpm', 'apk', 'bitbucket', 'bitnami', 'brew', 'chrome-extension', 'composer', 'deb', 'github', 'hex', 'luarocks', 'oci', 'otp', 'pub', 'pypi', 'vscode-extension']);
const VERSION_LOWER = new Set(['huggingface', 'oci', 'pypi', 'vscode-extension']);

const TYPE = /^[a-z][a-z0-9.-]*$/;
const KEY = /^[a-z][a-z0-9._-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function invalid(text: string, why: string): SbomError<'SBOM_PURL_INVALID'> {
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return new SbomError('SBOM_PURL_INVALID', `${JSON.stringify(shown)} is not a valid purl: ${why}`, { details: { purl: shown } });
}

function decode(part: string, what: string, whole: string): string {
  let out: string;
  try {
    out = decodeURIComponent(part);
  } catch {
    throw invalid(whole, `bad percent-encoding in the ${what}`);
  }
  if (CONTROL.test(out)) throw invalid(whole, `control character in the ${what}`);
  return out;
}

/** Parses a purl (spec algorithm, right to left) and applies the type's normalisation. */
export function parsePurl(text: string): Purl {
  if (typeof text !== 'string') throw invalid(String(text), 'not text');
  if (text.length > MAX_PURL_LENGTH) throw invalid(text, `longer than ${MAX_PURL_LENGTH} characters`);
  if (text.trim() !== text || text === '') throw invalid(text, 'empty or surrounded by whitespace');
  let rest = text;
  let subpath: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const segs = rest
      .slice(hash + 1)
      .split('/')
      .filter((s) => s !== '' && s !== '.' && s !== '..')
      .map((s) => decode(s, 'subpath', text));
    if (segs.some((s) => s.includes('/'))) throw invalid(text, 'a subpath segment contains "/"');
    if (segs.length > 0) subpath = segs.join('/');
    rest = rest.slice(0, hash);
  }
  const qualifiers: Record<string, string> = {};
  const q = rest.lastIndexOf('?');
  if (q >= 0) {
    const qs = rest.slice(q + 1);
    rest = rest.slice(0, q);
    if (qs !== '') {
      for (const pair of qs.split('&')) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw invalid(text, 'a qualifier is not key=value');
        const key = pair.slice(0, eq).toLowerCase();
        if (!KEY.test(key)) throw invalid(text, `bad qualifier key ${JSON.stringify(key)}`);
        if (Object.prototype.hasOwnProperty.call(qualifiers, key)) throw invalid(text, `qualifier ${JSON.stringify(key)} is repeated`);
        const value = decode(pair.slice(eq + 1), 'qualifiers', text);
        if (value !== '') Object.defineProperty(qualifiers, key, { value, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  const colon = rest.indexOf(':');
  if (colon < 0 || rest.slice(0, colon).toLowerCase() !== 'pkg') throw invalid(text, 'it must start with "pkg:"');
  rest = rest.slice(colon + 1).replace(/^\/+/, '');
  const slash = rest.indexOf('/');
  if (slash <= 0) throw invalid(text, 'it has no type and name');
  const type = rest.slice(0, slash).toLowerCase();
  if (!TYPE.test(type)) throw invalid(text, `bad type ${JSON.stringify(rest.slice(0, slash))}`);
  rest = rest.slice(slash + 1);
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  // An "@" followed by a "/" belongs to the namespace (an unencoded npm scope without a version).
  if (at >= 0 && !rest.slice(at + 1).includes('/')) {
    version = decode(rest.slice(at + 1), 'version', text);
    if (version === '') throw invalid(text, 'the version is empty');
    rest = rest.slice(0, at);
  }
  rest = rest.replace(/\/+$/, '');
  const lastSlash = rest.lastIndexOf('/');
  const name = decode(rest.slice(lastSlash + 1), 'name', text);
  if (name === '') throw invalid(text, 'the name is empty');
  const namespace = lastSlash < 0 ? [] : rest.slice(0, lastSlash).split('/').filter((s) => s !== '').map((s) => decode(s, 'namespace', text));
  if (namespace.some((s) => s.includes('/'))) throw invalid(text, 'a namespace segment contains "/"');
  let normalName = NAME_LOWER.has(type) ? name.toLowerCase() : name;
  if (type === 'pypi') normalName = normalName.replace(/_/g, '-');
  if (version !== undefined && VERSION_LOWER.has(type)) version = version.toLowerCase();
  return {
    type,
    namespace: NAMESPACE_LOWER.has(type) ? namespace.map((s) => s.toLowerCase()) : namespace,
    name: normalName,
    ...(version === undefined ? {} : { version }),
    qualifiers,
    ...(subpath === undefined ? {} : { subpath }),
  };
}

/** Percent-encodes all but A-Z a-z 0-9 . - _ ~ and ":" (purl-spec "Character encoding"). */
export function encodePurlPart(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%3A/gi, ':');
}

/** `pkg:type/namespace/name` (no version, qualifiers or subpath). */
export function purlPackage(p: Purl): string {
  return `pkg:${p.type}/${[...p.namespace, p.name].map(encodePurlPart).join('/')}`;
}

/** The canonical text of a parsed purl. */
export function formatPurl(p: Purl): string {
  let out = purlPackage(p);
  if (p.version !== undefined) out += `@${encodePurlPart(p.version)}`;
  const keys = Object.keys(p.qualifiers).sort();
  if (keys.length > 0) out += `?${keys.map((k) => `${k}=${encodePurlPart(p.qualifiers[k]!)}`).join('&')}`;
  if (p.subpath !== undefined) out += `#${p.subpath.split('/').map(encodePurlPart).join('/')}`;
  return out;
}

/** Parses and re-formats: the normalised form of a purl text. */
export function normalisePurl(text: string): string {
  return formatPurl(parsePurl(text));
}
