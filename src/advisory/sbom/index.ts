// Public boundary of SBOM parsing and "am I affected?" matching.
export { SbomError, SBOM_ERROR_CODES, type SbomErrorCode } from './errors.js';
export { parseSbom } from './parse.js';
export { readPurls } from './purl-list.js';
export { parsePurl, formatPurl, normalisePurl, purlPackage, type Purl } from './purl.js';
export { parseCpe, type Cpe } from './cpe.js';
export { MAX_SBOM_BYTES, MAX_SBOM_COMPONENTS, MAX_SBOM_WARNINGS, type ParsedSbom, type SbomComponent, type SbomWarning, type SbomWarningCode, type SbomFormat } from './model.js';
export { pep503, purlLookup, recordKey, releasesMatch } from './package-key.js';
export { AdvisoryMatcher, type VulnerabilityRecord, type Finding, type Confidence, type CheckResult } from './matcher.js';
