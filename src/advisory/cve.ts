import { cvss31Json, type CvssV31Json } from './cvss.js';
import { resolveProductRef, type Advisory, type CreditType, type Product, type ProductLeaf, type ReferenceType, type Vulnerability } from './model.js';

/**
 * Drafts CVE JSON 5.1 records (CVEProject/cve-schema, CVE_Record_Format.json) for the
 * vulnerabilities of an advisory that have a CVE id: what a CNA submits (the `cna`
 * container) wrapped in a full record. These are drafts for the CNA's tooling; they are
 * not validated against the CVE schema here.
 */

export interface CveOptions {
  /** The CNA's organisation UUID at the CVE Program. */
  assignerOrgId: string;
  assignerShortName?: string;
}

export interface CveVersion {
  version: string;
  status: 'affected' | 'unaffected' | 'unknown';
  versionType?: string;
  lessThan?: string;
  lessThanOrEqual?: string;
}
export interface CveAffected {
  vendor: string;
  product: string;
  packageName?: string;
  collectionURL?: string;
  cpes?: string[];
  defaultStatus: 'affected' | 'unaffected' | 'unknown';
  versions: CveVersion[];
}
export interface CveRecord {
  dataType: 'CVE_RECORD';
  dataVersion: '5.1';
  cveMetadata: {
    cveId: string;
    assignerOrgId: string;
    assignerShortName?: string;
    state: 'PUBLISHED';
    datePublished: string;
    dateUpdated: string;
  };
  containers: {
    cna: {
      providerMetadata: { orgId: string; shortName?: string; dateUpdated: string };
      title: string;
      datePublic: string;
      descriptions: { lang: string; value: string }[];
      affected: CveAffected[];
      problemTypes?: { descriptions: { lang: string; description: string; cweId: string; type: 'CWE' }[] }[];
      references: { url: string; name?: string; tags?: string[] }[];
      metrics?: ({ format: 'CVSS'; scenarios: { lang: string; value: string }[] } & ({ cvssV3_1: CvssV31Json } | { cvssV4_0: { version: '4.0'; vectorString: string; baseScore: number; baseSeverity: string } }))[];
      solutions?: { lang: string; value: string }[];
      workarounds?: { lang: string; value: string }[];
      credits?: { lang: string; value: string; type: string }[];
    };
  };
}

/** Package registries CVE's `collectionURL` names, for the OSV ecosystems with one. */
const COLLECTION_URLS: Readonly<Record<string, string>> = {
  npm: 'https://www.npmjs.com',
  PyPI: 'https://pypi.org',
  Maven: 'https://repo.maven.apache.org/maven2',
  'crates.io': 'https://crates.io',
  RubyGems: 'https://rubygems.org',
  NuGet: 'https://www.nuget.org',
  Packagist: 'https://packagist.org',
  Go: 'https://pkg.go.dev',
  Hex: 'https://hex.pm',
  Pub: 'https://pub.dev',
};

const REFERENCE_TAGS: Partial<Record<ReferenceType, string>> = { ADVISORY: 'vendor-advisory', FIX: 'patch', REPORT: 'issue-tracking', ARTICLE: 'technical-description' };

/** CVE credit types are the OSV ones in lower case with spaces. */
const creditType = (t: CreditType | undefined): string => (t ?? 'OTHER').toLowerCase().replace(/_/g, ' ');

function rangeVersions(product: Product): CveVersion[] {
  const out: CveVersion[] = [];
  for (const range of product.ranges) {
    const versionType = range.type === 'SEMVER' ? 'semver' : 'custom';
    let start: string | undefined;
    for (const e of range.events) {
      if ('introduced' in e) {
        if (start !== undefined) out.push({ version: start, status: 'affected', versionType, lessThan: '*' });
        start = e.introduced;
      } else if (start !== undefined) {
        if ('fixed' in e) out.push({ version: start, status: 'affected', versionType, lessThan: e.fixed });
        else if ('last_affected' in e) out.push({ version: start, status: 'affected', versionType, lessThanOrEqual: e.last_affected });
        else out.push({ version: start, status: 'affected', versionType, lessThan: e.limit });
        start = undefined;
      }
    }
    if (start !== undefined) out.push({ version: start, status: 'affected', versionType, lessThan: '*' });
  }
  return out;
}

function affected(advisory: Advisory, v: Vulnerability): CveAffected[] {
  const out: CveAffected[] = [];
  for (const product of advisory.products) {
    const versions: CveVersion[] = [];
    const entries = v.products.filter((e) => e.product === product.key);
    if (entries.length === 0) continue;
    for (const e of entries) {
      const status = e.status === 'known_affected' ? 'affected' : e.status === 'under_investigation' ? 'unknown' : 'unaffected';
      for (const leaf of resolveProductRef(advisory, e) as ProductLeaf[]) {
        if (leaf.range) versions.push(...(status === 'affected' ? rangeVersions(product) : []));
        else versions.push({ version: leaf.version!.version, status });
      }
    }
    const pkg = product.package;
    const collectionURL = pkg ? COLLECTION_URLS[pkg.ecosystem.split(':')[0]!] : undefined;
    out.push({
      vendor: product.vendor,
      product: product.name,
      ...(pkg ? { packageName: pkg.name } : {}),
      ...(collectionURL ? { collectionURL } : {}),
      ...(product.cpe ? { cpes: [product.cpe] } : {}),
      defaultStatus: 'unknown',
      versions,
    });
  }
  return out;
}

/** One CVE JSON 5.1 record draft per vulnerability with a CVE id, in the advisory's order. */
export function toCveRecords(advisory: Advisory, options: CveOptions): CveRecord[] {
  const lang = advisory.lang;
  const general = [{ lang, value: 'GENERAL' }];
  return advisory.vulnerabilities.flatMap((v): CveRecord[] => {
    if (!v.cve) return [];
    const metrics: NonNullable<CveRecord['containers']['cna']['metrics']> = [];
    if (v.cvss3) metrics.push({ format: 'CVSS', scenarios: general, cvssV3_1: cvss31Json(v.cvss3.vector) });
    if (v.cvss4?.baseScore !== undefined) {
      metrics.push({ format: 'CVSS', scenarios: general, cvssV4_0: { version: '4.0', vectorString: v.cvss4.vector, baseScore: v.cvss4.baseScore, baseSeverity: v.cvss4.baseSeverity! } });
    }
    const solutions = v.remediations.filter((r) => r.category !== 'workaround').map((r) => ({ lang, value: r.url ? `${r.details} ${r.url}` : r.details }));
    const workarounds = v.remediations.filter((r) => r.category === 'workaround').map((r) => ({ lang, value: r.details }));
    const seen = new Set<string>();
    const references = [...advisory.references, ...v.references]
      .filter((r) => !seen.has(r.url) && seen.add(r.url))
      .map((r) => ({ url: r.url, name: r.summary, ...(REFERENCE_TAGS[r.type] ? { tags: [REFERENCE_TAGS[r.type]!] } : {}) }));
    return [
      {
        dataType: 'CVE_RECORD',
        dataVersion: '5.1',
        cveMetadata: {
          cveId: v.cve,
          assignerOrgId: options.assignerOrgId,
          ...(options.assignerShortName ? { assignerShortName: options.assignerShortName } : {}),
          state: 'PUBLISHED',
          datePublished: advisory.initialReleaseDate,
          dateUpdated: advisory.currentReleaseDate,
        },
        containers: {
          cna: {
            providerMetadata: { orgId: options.assignerOrgId, ...(options.assignerShortName ? { shortName: options.assignerShortName } : {}), dateUpdated: advisory.currentReleaseDate },
            title: v.title,
            datePublic: advisory.initialReleaseDate,
            descriptions: [{ lang, value: v.description }],
            affected: affected(advisory, v),
            ...(v.cwe ? { problemTypes: [{ descriptions: [{ lang, description: `${v.cwe.id} ${v.cwe.name}`, cweId: v.cwe.id, type: 'CWE' as const }] }] } : {}),
            references,
            ...(metrics.length > 0 ? { metrics } : {}),
            ...(solutions.length > 0 ? { solutions } : {}),
            ...(workarounds.length > 0 ? { workarounds } : {}),
            ...(v.acknowledgments.length > 0
              ? { credits: v.acknowledgments.map((a) => ({ lang, value: a.organization ? `${a.name} (${a.organization})` : a.name, type: creditType(a.type) })) }
              : {}),
          },
        },
      },
    ];
  });
}
