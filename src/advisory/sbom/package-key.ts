import type { Purl } from '../../release/purl.js';
import { ecosystemOf, type Ecosystem } from '../versions/registry.js';

/**
 * Index keys that put an OSV `affected[].package` (ecosystem + name) and a
 * purl on the same string, following how each ecosystem compares package
 * names: PyPI by PEP 503 normalisation, crates.io case- and "-"/"_"-
 * insensitively, NuGet/Packagist/Hex/Pub case-insensitively, npm, Maven, Go
 * and RubyGems exactly. Distro ecosystems are keyed by distribution
 * ("debian:openssl", "alpine:openssl", "almalinux:openssl"); the release
 * ("Debian:12", distro=debian-12) is compared separately.
 */

/** PEP 503: runs of "-", "_", "." become "-", lowercased. */
export function pep503(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** The distribution part of a key for a distro ecosystem ("Rocky Linux" → "rocky-linux"). */
const family = (osv: string): string => osv.toLowerCase().replace(/\s+/g, '-');

const DISTRO_TYPES = new Set(['deb', 'apk', 'rpm']);

/** The key of an OSV package in an ecosystem; undefined for an empty name. */
export function recordKey(e: Ecosystem, name: string): string | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  switch (e.osv) {
    case 'PyPI':
      return `pypi:${pep503(name)}`;
    case 'crates.io':
      return `cargo:${name.toLowerCase().replace(/_/g, '-')}`;
    case 'NuGet':
    case 'Packagist':
    case 'Hex':
    case 'Pub':
      return `${e.purlType}:${name.toLowerCase()}`;
    default:
      if (DISTRO_TYPES.has(e.purlType)) return `${family(e.osv)}:${e.purlType === 'rpm' ? name : name.toLowerCase()}`;
      return `${e.purlType}:${name}`;
  }
}

// purl namespaces of distro purls → OSV ecosystems (purl-spec types deb/apk/rpm; namespaces as SBOM tools write them).
const DEB_NS: Record<string, string> = { debian: 'Debian', ubuntu: 'Ubuntu' };
const APK_NS: Record<string, string> = { alpine: 'Alpine', wolfi: 'Wolfi', chainguard: 'Chainguard', minimos: 'MinimOS', alpaquita: 'Alpaquita' };
const RPM_NS: Record<string, string> = {
  redhat: 'Red Hat',
  rhel: 'Red Hat',
  almalinux: 'AlmaLinux',
  rocky: 'Rocky Linux',
  rockylinux: 'Rocky Linux',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE',
  'opensuse-tumbleweed': 'openSUSE',
  suse: 'SUSE',
  sles: 'SUSE',
  photon: 'Photon OS',
  mageia: 'Mageia',
  openeuler: 'openEuler',
  azurelinux: 'Azure Linux',
  mariner: 'Azure Linux',
};

// Codenames in distro= qualifiers (debian.pages.debian.net/distro-info-data/{debian,ubuntu}.csv).
const CODENAMES: Record<string, string> = {
  wheezy: '7', jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14', sid: 'sid',
  xenial: '16.04', bionic: '18.04', focal: '20.04', jammy: '22.04', noble: '24.04', oracular: '24.10', plucky: '25.04',
};

/** What a purl is looked up by. */
export interface PurlLookup {
  /** Keys to look up (a binary package and, when the purl names it, its source package). */
  readonly keys: readonly string[];
  readonly ecosystem: Ecosystem;
  /** The distribution release the purl names (distro= qualifier), if any. */
  readonly release: string | null;
  /** The version to evaluate (rpm epoch qualifier folded in), or null. */
  readonly version: string | null;
}

/** The lookup for a parsed purl; undefined when its type maps to no known ecosystem. */
export function purlLookup(p: Purl, fallbackVersion: string | null): PurlLookup | undefined {
  let version = p.version ?? fallbackVersion;
  const ns0 = (p.namespace[0] ?? '').toLowerCase();
  let osv: string | undefined;
  // A distro purl's namespace names the distribution; an unknown one is not guessed (pkg:deb/kali/… is not Debian's advisory).
  if (p.type === 'deb') osv = DEB_NS[ns0];
  else if (p.type === 'apk') osv = APK_NS[ns0];
  else if (p.type === 'rpm') osv = RPM_NS[ns0];
  if (DISTRO_TYPES.has(p.type) && osv === undefined) return undefined;
  const e = ecosystemOf(osv ?? p.type);
  if (e === undefined) return undefined;
  const keys: string[] = [];
  const push = (k: string | undefined) => {
    if (k !== undefined && !keys.includes(k)) keys.push(k);
  };
  switch (p.type) {
    case 'npm':
    case 'golang':
    case 'composer':
    case 'swift':
      push(recordKey(e, [...p.namespace, p.name].join('/')));
      break;
    case 'maven':
      push(recordKey(e, `${p.namespace.join('.')}:${p.name}`));
      break;
    case 'deb':
    case 'apk':
    case 'rpm': {
      push(recordKey(e, p.name));
      // SBOM tools name the source package in "upstream" (deb, apk) or "source"/"srpm"… ("name" or "name@version" or "name (version)").
      for (const q of ['upstream', 'source', 'origin']) {
        const src = p.qualifiers[q];
        if (src !== undefined) push(recordKey(e, src.split(/[@ (]/)[0]!));
      }
      if (p.type === 'rpm' && version !== null && p.qualifiers.epoch !== undefined && !version.includes(':')) version = `${p.qualifiers.epoch}:${version}`;
      break;
    }
    default:
      push(recordKey(e, p.namespace.length > 0 ? [...p.namespace, p.name].join('/') : p.name));
  }
  return { keys, ecosystem: e, release: distroRelease(p), version };
}

function distroRelease(p: Purl): string | null {
  const d = p.qualifiers.distro;
  if (d === undefined || d === '') return null;
  return d.toLowerCase();
}

/** The first dotted number in a release string ("debian-12.5" → "12.5", "v3.18" → "3.18", "rhel_aus:8.4::appstream" → "8.4"). */
const CODENAME_PATTERNS = Object.entries(CODENAMES).map(([name, num]) => [new RegExp(`(^|[^a-z])${name}([^a-z]|$)`), num] as const);
const releaseCache = new Map<string, string | null>();

function releaseNumber(s: string): string | null {
  let r = releaseCache.get(s);
  if (r === undefined && !releaseCache.has(s)) {
    r = computeReleaseNumber(s);
    if (releaseCache.size < 10_000) releaseCache.set(s, r);
  }
  return r ?? null;
}

function computeReleaseNumber(s: string): string | null {
  const lower = s.toLowerCase();
  for (const [re, num] of CODENAME_PATTERNS) if (re.test(lower)) return num;
  const m = /[0-9]+(\.[0-9]+)*/.exec(lower);
  return m === null ? null : m[0];
}

/**
 * Whether an advisory's release ("12", "v3.18", "22.04:LTS", "rhel_aus:8.4::appstream")
 * and an SBOM's distro qualifier ("debian-12", "bookworm", "alpine-3.18.4", "rhel-8.4")
 * name the same release: equal numbers, or one a dotted prefix of the other.
 */
export function releasesMatch(advisory: string, sbom: string): boolean {
  const a = releaseNumber(advisory);
  const b = releaseNumber(sbom);
  if (a === null || b === null) return advisory.toLowerCase() === sbom.toLowerCase();
  if (a === 'sid' || b === 'sid') return a === b;
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}
