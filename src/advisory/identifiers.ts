// csaf-validator-lib's CWE catalogue, so that names agree with mandatory test 6.1.11.
import { weaknesses } from '@secvisogram/csaf-validator-lib/cwe.js';
import { formatPurl, parsePurl, type Purl } from '../release/purl.js';

/**
 * The identifiers an advisory is made of, and their rules: package URLs, CPEs, the CWE
 * catalogue, OSV packages, CSAF document versions and RFC 3339 timestamps.
 */

/** The OSV package of a product: an osv-schema ecosystem (optionally with `:suffix`) and the package name. */
export interface OsvPackage {
  ecosystem: string;
  name: string;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** CSAF `version_t`, integer form. */
export const INTEGER_VERSION = /^(0|[1-9][0-9]*)$/;
/** CSAF `version_t`, semantic form (SemVer 2.0). */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** CSAF 2.0 `cpe` pattern (CPE 2.3 formatted string or the CPE 2.2 URI). */
export const CPE =
  /^((cpe:2\.3:[aho*-](:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*-]))(:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){4})|([c][pP][eE]:\/[AHOaho]?(:[A-Za-z0-9._\-~%]*){0,6}))$/;
/** purl types whose OSV ecosystem and package name follow from the purl alone. */
const PURL_ECOSYSTEMS: Readonly<Record<string, { ecosystem: string; sep: string }>> = {
  npm: { ecosystem: 'npm', sep: '/' },
  pypi: { ecosystem: 'PyPI', sep: '/' },
  maven: { ecosystem: 'Maven', sep: ':' },
  golang: { ecosystem: 'Go', sep: '/' },
  cargo: { ecosystem: 'crates.io', sep: '/' },
  gem: { ecosystem: 'RubyGems', sep: '/' },
  nuget: { ecosystem: 'NuGet', sep: '/' },
  composer: { ecosystem: 'Packagist', sep: '/' },
  hex: { ecosystem: 'Hex', sep: '/' },
  pub: { ecosystem: 'Pub', sep: '/' },
  hackage: { ecosystem: 'Hackage', sep: '/' },
  cran: { ecosystem: 'CRAN', sep: '/' },
};

/** The OSV package a purl denotes, for ecosystems with a fixed mapping (npm, PyPI, Maven, Go, crates.io, …). */
export function osvPackageFromPurl(purl: string): OsvPackage | undefined {
  let p: Purl;
  try {
    p = parsePurl(purl);
  } catch {
    return undefined;
  }
  const m = PURL_ECOSYSTEMS[p.type];
  if (!m) return undefined;
  return { ecosystem: m.ecosystem, name: [...p.namespace, p.name].join(m.sep) };
}

let cweNames: Map<string, string> | undefined;

/**
 * The name of a weakness in the CWE catalogue csaf-validator-lib checks documents against
 * (mandatory test 6.1.11), or undefined for an unknown id.
 */
export function cweName(id: string): string | undefined {
  cweNames ??= new Map(weaknesses.map((w) => [w.id, w.name]));
  return cweNames.get(id);
}

/** The purl of one version of a versionless purl. */
export function purlWithVersion(purl: string, version: string): string {
  return formatPurl({ ...parsePurl(purl), version });
}

/** Splits a CPE 2.3 formatted string on unescaped colons. */
export function cpeComponents(cpe: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < cpe.length; i++) {
    const ch = cpe[i]!;
    if (ch === '\\' && i + 1 < cpe.length) {
      cur += ch + cpe[i + 1]!;
      i++;
    } else if (ch === ':') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * The CPE 2.3 of one version: the product CPE with its version component set (CPE 2.3
 * §6.2 quoting: punctuation is escaped with a backslash). Undefined when the version has
 * characters a CPE cannot hold (whitespace, non-ASCII).
 */
export function cpeWithVersion(cpe: string, version: string): string | undefined {
  const parts = cpeComponents(cpe);
  if (parts.length !== 13 || parts[0] !== 'cpe' || parts[1] !== '2.3') return undefined;
  if (!/^[\x21-\x7e]+$/.test(version)) return undefined;
  parts[5] = version.replace(/[^A-Za-z0-9._-]/g, (c) => `\\${c}`);
  return parts.join(':');
}

/** Compares two CSAF document versions of one style (integers, or semantic versions by SemVer 2.0 §11 precedence). */
export function compareDocumentVersions(a: string, b: string): number {
  if (INTEGER_VERSION.test(a) && INTEGER_VERSION.test(b)) return Math.sign(Number(a) - Number(b));
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  const ra = pa[4];
  const rb = pb[4];
  if (ra === undefined || rb === undefined) return ra === rb ? 0 : ra === undefined ? 1 : -1;
  const xa = ra.split('.');
  const xb = rb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const u = xa[i];
    const v = xb[i];
    if (u === undefined) return -1;
    if (v === undefined) return 1;
    const nu = /^\d+$/.test(u);
    const nv = /^\d+$/.test(v);
    if (nu && nv && Number(u) !== Number(v)) return Math.sign(Number(u) - Number(v));
    if (nu !== nv) return nu ? -1 : 1;
    if (!nu && u !== v) return u < v ? -1 : 1;
  }
  return 0;
}

/** True for a semantic version with a pre-release part. */
export function isPrerelease(v: string): boolean {
  return SEMVER.exec(v)?.[4] !== undefined;
}

/** A version CSAF treats as "not yet released": `0`, `0.y.z`, or one with a pre-release part. */
export function isZeroVersion(v: string): boolean {
  return v === '0' || (SEMVER.test(v) && v.startsWith('0.'));
}

/** Normalises an RFC 3339 timestamp to UTC (`YYYY-MM-DDTHH:MM:SS[.sss]Z`); undefined when it is not one. */
export function normaliseTimestamp(text: string): string | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t)) return undefined;
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
