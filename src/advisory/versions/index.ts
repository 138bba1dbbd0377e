// Public boundary of version parsing, ordering and OSV range evaluation.
export { VersionError, VERSION_ERROR_CODES, type VersionErrorCode } from './errors.js';
export { compareText, tryParse, VersionCache, MAX_VERSION_LENGTH, type VersionScheme } from './scheme.js';
export { SEMVER, NPM, GO, compareSemver, type SemVer } from './semver.js';
export { PEP440, parsePep440, comparePep440, type Pep440 } from './pep440.js';
export { MAVEN, parseMaven, compareMaven, mavenCanonical, type MavenVersion } from './maven.js';
export { RUBYGEMS, parseGem, compareGem, type GemVersion } from './rubygems.js';
export { NUGET, parseNuGet, compareNuGet, type NuGetVersion } from './nuget.js';
export { DEBIAN, parseDebian, compareDebian, verrevcmp, type DebianVersion } from './debian.js';
export { RPM, parseRpm, compareRpm, rpmvercmp, type RpmVersion } from './rpm.js';
export { APK, parseApk, compareApk, type ApkVersion } from './alpine.js';
export { SEMVER_LIKE, R_VERSION, OPAM } from './generic.js';
export { ecosystemOf, requireEcosystem, KNOWN_ECOSYSTEMS, type Ecosystem } from './registry.js';
export {
  compileAffected,
  compileRange,
  isAffected,
  fixedVersionFor,
  CompiledAffected,
  type OsvAffected,
  type OsvRange,
  type OsvEvent,
  type Verdict,
} from './ranges.js';
