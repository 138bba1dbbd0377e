import { VersionError } from './errors.js';
import { APK } from './alpine.js';
import { DEBIAN } from './debian.js';
import { OPAM, R_VERSION, SEMVER_LIKE } from './generic.js';
import { MAVEN } from './maven.js';
import { NUGET } from './nuget.js';
import { PEP440 } from './pep440.js';
import { RPM } from './rpm.js';
import { RUBYGEMS } from './rubygems.js';
import { type VersionScheme } from './scheme.js';
import { GO, NPM, SEMVER } from './semver.js';

/** An ecosystem's identity and its version rules. */
export interface Ecosystem {
  /** The OSV ecosystem name without a release suffix ("Debian" for "Debian:12"). */
  readonly osv: string;
  /** The release suffix of an OSV name ("12" of "Debian:12", "v3.18" of "Alpine:v3.18"), if any. */
  readonly release?: string;
  /** The purl type of its packages. */
  readonly purlType: string;
  /** How versions parse and order. */
  readonly versions: VersionScheme<unknown>;
  /** False when the ecosystem has no rules of its own here and the SemVer-like fallback orders its versions. */
  readonly ownRules: boolean;
}

interface Entry {
  osv: string;
  purlType: string;
  versions: VersionScheme<unknown>;
  ownRules: boolean;
}

const own = (osv: string, purlType: string, versions: VersionScheme<unknown>): Entry => ({ osv, purlType, versions, ownRules: true });
const fallback = (osv: string, purlType: string): Entry => ({ osv, purlType, versions: SEMVER_LIKE, ownRules: false });

/** OSV ecosystems (ossf/osv-schema ecosystems.json) that Accord can order versions for. */
const OSV: readonly Entry[] = [
  own('npm', 'npm', NPM),
  own('PyPI', 'pypi', PEP440),
  own('Maven', 'maven', MAVEN),
  own('RubyGems', 'gem', RUBYGEMS),
  own('NuGet', 'nuget', NUGET),
  own('Go', 'golang', GO),
  own('Kubernetes', 'golang', GO),
  own('crates.io', 'cargo', SEMVER),
  own('Hex', 'hex', SEMVER), // Elixir's Version is SemVer 2.0
  own('Julia', 'julia', SEMVER), // VersionNumber follows SemVer
  own('SwiftURL', 'swift', SEMVER), // "Versions are Git tags that conform to SemVer 2.0"
  own('CRAN', 'cran', R_VERSION),
  own('Bioconductor', 'cran', R_VERSION),
  own('opam', 'opam', OPAM),
  own('Debian', 'deb', DEBIAN),
  own('Ubuntu', 'deb', DEBIAN),
  own('Alpine', 'apk', APK),
  own('Wolfi', 'apk', APK),
  own('Chainguard', 'apk', APK),
  own('MinimOS', 'apk', APK),
  own('Alpaquita', 'apk', APK),
  own('Red Hat', 'rpm', RPM),
  own('AlmaLinux', 'rpm', RPM),
  own('Rocky Linux', 'rpm', RPM),
  own('openSUSE', 'rpm', RPM),
  own('SUSE', 'rpm', RPM),
  own('Photon OS', 'rpm', RPM),
  own('Mageia', 'rpm', RPM),
  own('openEuler', 'rpm', RPM),
  own('Azure Linux', 'rpm', RPM),
  fallback('Packagist', 'composer'),
  fallback('Pub', 'pub'),
  fallback('ConanCenter', 'conan'),
  fallback('Bitnami', 'bitnami'),
  fallback('Hackage', 'hackage'),
  fallback('GitHub Actions', 'github'),
];

/** purl types (package-url/purl-spec types/) and the OSV ecosystem their packages belong to by default. */
const PURL_TYPES: Readonly<Record<string, string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  gem: 'RubyGems',
  nuget: 'NuGet',
  golang: 'Go',
  cargo: 'crates.io',
  hex: 'Hex',
  julia: 'Julia',
  swift: 'SwiftURL',
  cran: 'CRAN',
  opam: 'opam',
  // The distro families: the purl namespace (debian/ubuntu, alpine/wolfi, redhat/almalinux/…) picks the OSV ecosystem.
  deb: 'Debian',
  apk: 'Alpine',
  rpm: 'Red Hat',
  composer: 'Packagist',
  pub: 'Pub',
  conan: 'ConanCenter',
  bitnami: 'Bitnami',
  hackage: 'Hackage',
};

const BY_NAME = new Map<string, Entry>(OSV.map((e) => [e.osv.toLowerCase(), e]));
for (const [type, osv] of Object.entries(PURL_TYPES)) {
  if (!BY_NAME.has(type)) BY_NAME.set(type, BY_NAME.get(osv.toLowerCase())!);
}

/**
 * The ecosystem of an OSV ecosystem string ("npm", "PyPI", "Debian:12",
 * "Alpine:v3.18", "Red Hat:rhel_aus:8.4::appstream", …) or of a purl type
 * ("pypi", "gem", "golang", "deb", …); case-insensitive. Undefined when
 * Accord knows no version order for it (GIT-only ecosystems such as "Linux",
 * "OSS-Fuzz", "Android").
 */
export function ecosystemOf(name: string): Ecosystem | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  const known = RESOLVED.get(name);
  if (known !== undefined || RESOLVED.has(name)) return known;
  const e = resolve(name);
  // Feeds use a few hundred distinct ecosystem strings; remember them (bounded) so records share one object.
  if (RESOLVED.size < 10_000) RESOLVED.set(name, e);
  return e;
}

const RESOLVED = new Map<string, Ecosystem | undefined>();

function resolve(name: string): Ecosystem | undefined {
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  const entry = BY_NAME.get(base.toLowerCase());
  if (entry === undefined) return undefined;
  const release = colon < 0 ? '' : name.slice(colon + 1);
  return Object.freeze({ osv: entry.osv, purlType: entry.purlType, versions: entry.versions, ownRules: entry.ownRules, ...(release === '' ? {} : { release }) });
}

/** Like `ecosystemOf`, but `VERSION_ECOSYSTEM_UNKNOWN` when there is none. */
export function requireEcosystem(name: string): Ecosystem {
  const e = ecosystemOf(name);
  if (e === undefined) {
    throw new VersionError('VERSION_ECOSYSTEM_UNKNOWN', `No version ordering is known for ecosystem ${JSON.stringify(String(name).slice(0, 80))}.`, {
      details: { ecosystem: String(name).slice(0, 80) },
    });
  }
  return e;
}

/** The OSV ecosystem names Accord orders versions for (base names, without release suffixes). */
export const KNOWN_ECOSYSTEMS: readonly string[] = OSV.map((e) => e.osv);
