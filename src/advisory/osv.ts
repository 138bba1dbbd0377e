import { resolveProductRef, vulnerabilityLocalId, type Advisory, type CreditType, type Product, type ReferenceType, type VersionRange, type Vulnerability } from './model.js';

/**
 * Renders the advisory model as OSV records (ossf/osv-schema, docs/schema.md), one
 * per vulnerability. OSV describes affected open-source packages only: products
 * without an OSV ecosystem (firmware, appliances) and statuses other than affected
 * are not representable there, so they are listed under `database_specific`
 * instead of being dropped silently.
 */

/** The OSV schema version the records follow (the one validation/schema.json was taken with). */
export const OSV_SCHEMA_VERSION = '1.7.5';

/**
 * The id prefix for databases OSV.dev does not aggregate (the schema requires a registered
 * prefix or `x_`). A coalition that registers its own prefix passes `idPrefix: ''` and
 * tracking ids beginning with it.
 */
export const OSV_LOCAL_PREFIX = 'x_';

export interface OsvOptions {
  /** Default `x_`. */
  idPrefix?: string;
}

export interface OsvEventJson {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: { type: 'SEMVER' | 'ECOSYSTEM' | 'GIT'; repo?: string; events: OsvEventJson[]; database_specific?: Record<string, unknown> }[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}
export interface OsvRecord {
  schema_version: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: { type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu'; score: string }[];
  affected?: OsvAffected[];
  references?: { type: ReferenceType; url: string }[];
  credits?: { name: string; contact?: string[]; type?: CreditType }[];
  database_specific?: Record<string, unknown>;
}

/** The OSV id of the advisory's vulnerability at `index` (0-based): `<prefix><tracking id>-<index + 1>`. */
export function osvId(advisory: Pick<Advisory, 'id'>, index: number, options: OsvOptions = {}): string {
  return `${options.idPrefix ?? OSV_LOCAL_PREFIX}${vulnerabilityLocalId(advisory, index)}`;
}

function rangesJson(ranges: VersionRange[]): NonNullable<OsvAffected['ranges']> {
  return ranges.map((r) => ({ type: r.type, events: r.events.map((e) => ({ ...e })) }));
}

function affectedOf(advisory: Advisory, v: Vulnerability): { affected: OsvAffected[]; unmapped: Record<string, unknown>[] } {
  const affected: OsvAffected[] = [];
  const unmapped: Record<string, unknown>[] = [];
  const leavesWith = (product: Product, status: string) =>
    v.products.filter((e) => e.product === product.key && e.status === status).flatMap((e) => resolveProductRef(advisory, e));
  for (const product of advisory.products) {
    const hit = leavesWith(product, 'known_affected');
    if (hit.length === 0) continue;
    const versions = hit.filter((l) => !l.range).map((l) => l.version!.version);
    const ranges = hit.some((l) => l.range) ? rangesJson(product.ranges) : [];
    const fixed = leavesWith(product, 'fixed').filter((l) => !l.range).map((l) => l.version!.version);
    const described = { vendor: product.vendor, product: product.name, ...(product.cpe ? { cpe: product.cpe } : {}), ...(fixed.length > 0 ? { fixed_versions: fixed } : {}) };
    if (!product.package) {
      unmapped.push({ ...described, ...(versions.length > 0 ? { versions } : {}), ...(ranges.length > 0 ? { ranges } : {}) });
      continue;
    }
    affected.push({
      package: { ecosystem: product.package.ecosystem, name: product.package.name, ...(product.purl ? { purl: product.purl } : {}) },
      ...(ranges.length > 0 ? { ranges } : {}),
      ...(versions.length > 0 ? { versions } : {}),
      database_specific: described,
    });
  }
  return { affected, unmapped };
}

const REMEDIATION_TITLES: Readonly<Record<string, string>> = {
  vendor_fix: 'Fix',
  workaround: 'Workaround',
  mitigation: 'Mitigation',
  none_available: 'No fix available',
  no_fix_planned: 'No fix planned',
};

function details(v: Vulnerability): string {
  if (v.remediations.length === 0) return v.description;
  const lines = v.remediations.map((r) => `- ${REMEDIATION_TITLES[r.category]}: ${r.details}${r.url ? ` (${r.url})` : ''}`);
  return `${v.description}\n\n## Remediation\n\n${lines.join('\n')}`;
}

/** Renders one OSV record per vulnerability of the advisory, in the advisory's order. */
export function toOsv(advisory: Advisory, options: OsvOptions = {}): OsvRecord[] {
  return advisory.vulnerabilities.map((v, i): OsvRecord => {
    const { affected, unmapped } = affectedOf(advisory, v);
    const references: { type: ReferenceType; url: string }[] = [];
    const seen = new Set<string>();
    const ref = (type: ReferenceType, url: string): void => {
      if (seen.has(url)) return;
      seen.add(url);
      references.push({ type, url });
    };
    for (const r of advisory.references) ref(r.type, r.url);
    for (const r of v.references) ref(r.type, r.url);
    for (const r of v.remediations) if (r.url) ref('WEB', r.url);
    const severity: NonNullable<OsvRecord['severity']> = [];
    if (v.cvss3) severity.push({ type: 'CVSS_V3', score: v.cvss3.vector });
    if (v.cvss4) severity.push({ type: 'CVSS_V4', score: v.cvss4.vector });
    return {
      schema_version: OSV_SCHEMA_VERSION,
      id: osvId(advisory, i, options),
      modified: advisory.currentReleaseDate,
      published: advisory.initialReleaseDate,
      ...(v.cve ? { aliases: [v.cve] } : {}),
      summary: v.title,
      details: details(v),
      ...(severity.length > 0 ? { severity } : {}),
      affected,
      ...(references.length > 0 ? { references } : {}),
      ...(v.acknowledgments.length > 0
        ? { credits: v.acknowledgments.map((a) => ({ name: a.organization ? `${a.name} (${a.organization})` : a.name, ...(a.urls.length > 0 ? { contact: a.urls } : {}), ...(a.type ? { type: a.type } : {}) })) }
        : {}),
      database_specific: {
        accord_advisory: advisory.id,
        advisory_version: advisory.version,
        tlp: advisory.tlp,
        ...(v.cwe ? { cwe_ids: [v.cwe.id] } : {}),
        ...(v.cvss3 ? { severity: v.cvss3.baseSeverity } : {}),
        ...(unmapped.length > 0 ? { affected_without_osv_package: unmapped } : {}),
      },
    };
  });
}

/** The bytes of an OSV record: `JSON.stringify` with 2-space indentation and a final newline (deterministic like `serializeCsaf`). */
export function serializeOsv(record: OsvRecord | unknown): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
