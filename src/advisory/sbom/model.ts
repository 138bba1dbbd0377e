import type { Purl } from '../../release/purl.js';
import type { Cpe } from './cpe.js';

/** Largest SBOM accepted, in bytes (50 MiB); checked before any parsing. */
export const MAX_SBOM_BYTES = 50 * 1024 * 1024;
/** Most components accepted in one SBOM (nested components count). */
export const MAX_SBOM_COMPONENTS = 100_000;
/** Warnings kept per SBOM; further ones are only counted. */
export const MAX_SBOM_WARNINGS = 1000;

export type SbomFormat = 'cyclonedx' | 'spdx' | 'purl-list';

/** One component (CycloneDX component, SPDX package, or a line of a purl list). */
export interface SbomComponent {
  /** bom-ref, SPDXID, or a generated reference ("line:3", "#/components/2") when the document gives none. */
  readonly ref: string;
  readonly name: string | null;
  readonly version: string | null;
  /** CycloneDX group (Maven groupId, npm scope…). */
  readonly group: string | null;
  /** The purl exactly as the document gives it. */
  readonly purl_raw: string | null;
  /** The purl normalised by the purl specification, or null when absent or invalid. */
  readonly purl: string | null;
  readonly purl_parsed: Purl | null;
  readonly cpe: string | null;
  readonly cpe_parsed: Cpe | null;
  /** Distance from the document's subject in the dependency graph (0 = the subject, 1 = direct), or null when unknown. */
  depth: number | null;
  /** Where the component is in the document (JSON pointer, or "line N"). */
  readonly path: string;
}

export type SbomWarningCode =
  /** A component's purl breaks the purl specification; the component is kept without a purl. */
  | 'PURL_INVALID'
  /** A component's CPE is neither a CPE 2.3 formatted string nor a 2.2 URI. */
  | 'CPE_INVALID'
  /** Two components share a bom-ref / SPDXID; dependency edges go to the first. */
  | 'DUPLICATE_REF'
  /** A dependency or relationship names a ref no component has. */
  | 'UNKNOWN_REF'
  /** A component entry is not an object or lacks a name; it is skipped or kept with what it has. */
  | 'COMPONENT_MALFORMED'
  /** An SPDX package lists several different purls; the first is used. */
  | 'MULTIPLE_PURLS'
  /** A spec version outside the supported range; parsed as the nearest supported one. */
  | 'SPEC_VERSION_UNSUPPORTED';

export interface SbomWarning {
  readonly code: SbomWarningCode;
  readonly message: string;
  /** The component's ref, when the warning is about one. */
  readonly ref?: string;
  readonly path?: string;
}

/** A parsed SBOM. */
export interface ParsedSbom {
  readonly format: SbomFormat;
  readonly spec_version: string | null;
  readonly components: SbomComponent[];
  readonly warnings: SbomWarning[];
  /** Warnings beyond MAX_SBOM_WARNINGS that were dropped. */
  readonly warnings_dropped: number;
}
