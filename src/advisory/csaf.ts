import { cvss31Json, type CvssV31Json } from './cvss.js';
import { AdvisoryError } from './errors.js';
import {
  allProductLeaves,
  resolveProductRef,
  vulnerabilityLocalId,
  type Acknowledgment,
  type Advisory,
  type AdvisoryTlp,
  type NoteCategory,
  type Product,
  type ProductLeaf,
  type ProductStatus,
  type PublisherCategory,
  type Reference,
  type RemediationCategory,
  type VexJustification,
} from './model.js';

/**
 * Renders the advisory model as a CSAF 2.0 document (OASIS CSAF v2.0, profiles
 * §4.4 "Security Advisory" and §4.5 "VEX"). The output is a pure function of the
 * advisory and the options (no clock, no randomness), and `serializeCsaf` fixes
 * the bytes, so the same advisory always yields the same file, hash and signature.
 */

export type CsafProfile = 'csaf_security_advisory' | 'csaf_vex';
export const CSAF_PROFILES: readonly CsafProfile[] = ['csaf_security_advisory', 'csaf_vex'];

/** CSAF 2.0 uses TLP v1 labels. */
export type CsafTlpLabel = 'WHITE' | 'GREEN' | 'AMBER' | 'RED';
export const TLP_URL = 'https://www.first.org/tlp/';

export interface CsafOptions {
  /** Default `csaf_security_advisory`. */
  profile?: CsafProfile;
  /** `document.tracking.generator.engine`; default name "Accord", no version. */
  engine?: { name?: string; version?: string };
  /** `document.tracking.generator.date`; omitted by default (it would make the bytes depend on when they were made). */
  generatedAt?: string;
}

export interface CsafNote {
  category: NoteCategory;
  text: string;
  title?: string;
}
export interface CsafReference {
  category: 'self' | 'external';
  summary: string;
  url: string;
}
export interface CsafAcknowledgment {
  names?: string[];
  organization?: string;
  summary?: string;
  urls?: string[];
}
export interface CsafProductIdentificationHelper {
  cpe?: string;
  purl?: string;
}
export interface CsafFullProductName {
  name: string;
  product_id: string;
  product_identification_helper?: CsafProductIdentificationHelper;
}
export interface CsafBranch {
  category: 'vendor' | 'product_name' | 'product_version' | 'product_version_range' | 'product_family' | 'architecture' | 'host_name' | 'language' | 'legacy' | 'patch_level' | 'service_pack' | 'specification';
  name: string;
  branches?: CsafBranch[];
  product?: CsafFullProductName;
}
export type CsafProductStatus = Partial<Record<ProductStatus | 'first_affected' | 'first_fixed' | 'last_affected' | 'recommended', string[]>>;
export interface CsafRemediation {
  category: RemediationCategory;
  details: string;
  product_ids?: string[];
  group_ids?: string[];
  url?: string;
  date?: string;
}
export interface CsafVulnerability {
  acknowledgments?: CsafAcknowledgment[];
  cve?: string;
  cwe?: { id: string; name: string };
  discovery_date?: string;
  flags?: { label: VexJustification; product_ids?: string[]; group_ids?: string[]; date?: string }[];
  ids?: { system_name: string; text: string }[];
  notes?: CsafNote[];
  product_status?: CsafProductStatus;
  references?: CsafReference[];
  remediations?: CsafRemediation[];
  scores?: { cvss_v3?: CvssV31Json; cvss_v2?: Record<string, unknown>; products: string[] }[];
  threats?: { category: 'exploit_status' | 'impact' | 'target_set'; details: string; product_ids?: string[]; group_ids?: string[]; date?: string }[];
  title?: string;
}
export interface CsafRevision {
  date: string;
  number: string;
  summary: string;
  legacy_version?: string;
}
export interface CsafDocument {
  document: {
    aggregate_severity?: { namespace?: string; text: string };
    category: string;
    csaf_version: '2.0';
    distribution?: { text?: string; tlp?: { label: CsafTlpLabel; url?: string } };
    lang?: string;
    notes?: CsafNote[];
    publisher: { category: PublisherCategory; contact_details?: string; issuing_authority?: string; name: string; namespace: string };
    references?: CsafReference[];
    title: string;
    tracking: {
      current_release_date: string;
      generator?: { date?: string; engine: { name: string; version?: string } };
      id: string;
      initial_release_date: string;
      revision_history: CsafRevision[];
      status: 'draft' | 'final' | 'interim';
      version: string;
    };
  };
  product_tree?: { branches?: CsafBranch[]; full_product_names?: CsafFullProductName[] };
  vulnerabilities?: CsafVulnerability[];
}

/** TLP 2.0 → the TLP v1 label CSAF 2.0 allows: CLEAR → WHITE, AMBER+STRICT → AMBER (the closest, broader label). */
export function csafTlpLabel(tlp: AdvisoryTlp): CsafTlpLabel {
  if (tlp === 'CLEAR') return 'WHITE';
  if (tlp === 'AMBER+STRICT') return 'AMBER';
  return tlp;
}

/** CSAF 2.0 §5.1: the tracking id in lower case, each run of characters outside [+\-a-z0-9] replaced by one "_", then ".json". */
export function csafFilename(trackingId: string): string {
  return `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;
}

/**
 * A product's OSV ranges as a `vers` range specifier (package-url/vers-spec):
 * the scheme is the purl type (or `semver` / `generic` without a purl).
 */
export function versOf(product: Pick<Product, 'purl' | 'ranges'>): string {
  const purlType = product.purl ? /^pkg:([^/]+)\//.exec(product.purl)?.[1] : undefined;
  const scheme = purlType ?? (product.ranges.every((r) => r.type === 'SEMVER') ? 'semver' : 'generic');
  const enc = (v: string): string => v.replace(/[%|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const constraints: string[] = [];
  let unbounded = false;
  for (const range of product.ranges) {
    const before = constraints.length;
    for (const e of range.events) {
      if ('introduced' in e) {
        if (e.introduced !== '0') constraints.push(`>=${enc(e.introduced)}`);
      } else if ('fixed' in e) {
        constraints.push(`<${enc(e.fixed)}`);
      } else if ('last_affected' in e) {
        constraints.push(`<=${enc(e.last_affected)}`);
      } else if (e.limit !== '*') {
        constraints.push(`<${enc(e.limit)}`);
      }
    }
    // introduced "0" with no upper bound is every version.
    if (constraints.length === before) unbounded = true;
  }
  return `vers:${scheme}/${unbounded ? '*' : constraints.join('|')}`;
}

function leafName(leaf: ProductLeaf): string {
  const p = leaf.product;
  return `${p.vendor} ${p.name} ${leaf.range ? versOf(p) : leaf.version!.version}`;
}

function helper(leaf: ProductLeaf): CsafProductIdentificationHelper | undefined {
  const purl = leaf.range ? leaf.product.purl : leaf.version!.purl;
  const cpe = leaf.range ? leaf.product.cpe : leaf.version!.cpe;
  if (!purl && !cpe) return undefined;
  return { ...(cpe ? { cpe } : {}), ...(purl ? { purl } : {}) };
}

function fullProductName(leaf: ProductLeaf): CsafFullProductName {
  const h = helper(leaf);
  return { name: leafName(leaf), product_id: leaf.id, ...(h ? { product_identification_helper: h } : {}) };
}

/** The product tree: vendor → product_name → product_version (and product_version_range for ranges), vendors in order of first appearance. */
function productTree(advisory: Advisory): CsafBranch[] {
  const vendors: CsafBranch[] = [];
  for (const product of advisory.products) {
    let vendor = vendors.find((v) => v.name === product.vendor);
    if (!vendor) {
      vendor = { category: 'vendor', name: product.vendor, branches: [] };
      vendors.push(vendor);
    }
    const leaves = allProductLeaves({ products: [product] });
    vendor.branches!.push({
      category: 'product_name',
      name: product.name,
      branches: leaves.map((leaf) => ({
        category: leaf.range ? 'product_version_range' : 'product_version',
        name: leaf.range ? versOf(product) : leaf.version!.version,
        product: fullProductName(leaf),
      })),
    });
  }
  return vendors;
}

function references(refs: Reference[]): CsafReference[] {
  return refs.map((r) => ({ category: r.self ? 'self' : 'external', summary: r.summary, url: r.url }));
}

function acknowledgments(acks: Acknowledgment[]): CsafAcknowledgment[] {
  return acks.map((a) => ({ names: [a.name], ...(a.organization ? { organization: a.organization } : {}), ...(a.urls.length > 0 ? { urls: a.urls } : {}) }));
}

const SEVERITY_ORDER = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const capitalise = (s: string): string => s.charAt(0) + s.slice(1).toLowerCase();

/**
 * Renders the advisory as CSAF 2.0. Throws `AdvisoryError` ADVISORY_INVALID when the
 * advisory cannot satisfy the profile (VEX: every known_affected product needs a
 * remediation, CSAF 6.1.27.10).
 */
export function toCsaf(advisory: Advisory, options: CsafOptions = {}): CsafDocument {
  const profile = options.profile ?? 'csaf_security_advisory';
  const order = new Map(allProductLeaves(advisory).map((l, i) => [l.id, i]));
  const sorted = (ids: Iterable<string>): string[] => [...new Set(ids)].sort((a, b) => order.get(a)! - order.get(b)!);
  const problems: { path: string; message: string }[] = [];

  const vulnerabilities = advisory.vulnerabilities.map((v, vi): CsafVulnerability => {
    const byStatus = new Map<ProductStatus, string[]>();
    const flags = new Map<VexJustification, string[]>();
    const threats: NonNullable<CsafVulnerability['threats']> = [];
    for (const entry of v.products) {
      const ids = resolveProductRef(advisory, entry).map((l) => l.id);
      byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), ...ids]);
      if (entry.justification) flags.set(entry.justification, [...(flags.get(entry.justification) ?? []), ...ids]);
      if (entry.impact) threats.push({ category: 'impact', details: entry.impact, product_ids: sorted(ids) });
    }
    const productStatus: CsafProductStatus = {};
    for (const s of ['fixed', 'known_affected', 'known_not_affected', 'under_investigation'] as const) {
      const ids = byStatus.get(s);
      if (ids && ids.length > 0) productStatus[s] = sorted(ids);
    }
    const remediations: CsafRemediation[] = v.remediations.map((r) => ({
      category: r.category,
      details: r.details,
      product_ids: sorted(r.products.flatMap((ref) => resolveProductRef(advisory, ref).map((l) => l.id))),
      ...(r.url ? { url: r.url } : {}),
      ...(r.date ? { date: r.date } : {}),
    }));
    if (profile === 'csaf_vex') {
      const remediated = new Set(remediations.flatMap((r) => r.product_ids ?? []));
      v.products.forEach((entry, ei) => {
        if (entry.status !== 'known_affected') return;
        for (const leaf of resolveProductRef(advisory, entry)) {
          if (!remediated.has(leaf.id)) problems.push({ path: `/vulnerabilities/${vi}/products/${ei}`, message: `a VEX document needs a remediation for known_affected product ${leaf.id} (CSAF 6.1.27.10)` });
        }
      });
    }
    const affected = productStatus.known_affected ?? [];
    const notes: CsafNote[] = [{ category: 'description', title: 'Description', text: v.description }];
    if (v.cvss4) {
      // CSAF 2.0 scores hold CVSS v2 and v3 only; a v4.0 vector travels as a note (OSV and CVE records carry it as a score).
      notes.push({ category: 'other', title: 'CVSS v4.0', text: v.cvss4.baseScore === undefined ? v.cvss4.vector : `${v.cvss4.vector} (base score ${v.cvss4.baseScore.toFixed(1)})` });
    }
    return {
      ...(v.acknowledgments.length > 0 ? { acknowledgments: acknowledgments(v.acknowledgments) } : {}),
      ...(v.cve ? { cve: v.cve } : {}),
      ...(v.cwe ? { cwe: { id: v.cwe.id, name: v.cwe.name } } : {}),
      ...(v.discoveryDate ? { discovery_date: v.discoveryDate } : {}),
      ...(flags.size > 0 ? { flags: [...flags].map(([label, ids]) => ({ label, product_ids: sorted(ids) })) } : {}),
      // A VEX document needs a cve or ids for every vulnerability (6.1.27.8); the local id serves when there is no CVE.
      ...(v.cve ? {} : { ids: [{ system_name: advisory.publisher.name, text: vulnerabilityLocalId(advisory, vi) }] }),
      notes,
      product_status: productStatus,
      ...(v.references.length > 0 ? { references: references(v.references) } : {}),
      ...(remediations.length > 0 ? { remediations } : {}),
      // A score applies to the products it affects; with no known_affected product there is nothing to score.
      ...(v.cvss3 && affected.length > 0 ? { scores: [{ cvss_v3: cvss31Json(v.cvss3.vector), products: affected }] } : {}),
      ...(threats.length > 0 ? { threats } : {}),
      title: v.title,
    };
  });
  if (problems.length > 0) {
    throw new AdvisoryError('ADVISORY_INVALID', `The advisory cannot be rendered as ${profile}: ${problems[0]!.message}`, { details: { errors: problems } });
  }

  const severities = advisory.vulnerabilities.flatMap((v) => (v.cvss3 ? [v.cvss3.baseSeverity] : []));
  const worst = severities.sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0];
  const label = csafTlpLabel(advisory.tlp);
  const p = advisory.publisher;
  const engine = { name: options.engine?.name ?? 'Accord', ...(options.engine?.version ? { version: options.engine.version } : {}) };
  return {
    document: {
      ...(worst ? { aggregate_severity: { text: capitalise(worst) } } : {}),
      category: profile,
      csaf_version: '2.0',
      distribution: {
        ...(advisory.tlp === 'AMBER+STRICT'
          ? { text: 'TLP:AMBER+STRICT (TLP 2.0): share only within the recipient organisation. CSAF 2.0 carries TLP v1 labels, hence TLP:AMBER below.' }
          : {}),
        tlp: { label, url: TLP_URL },
      },
      lang: advisory.lang,
      notes: [{ category: 'summary', title: 'Summary', text: advisory.summary }, ...advisory.notes.map((n) => ({ category: n.category, text: n.text, ...(n.title ? { title: n.title } : {}) }))],
      publisher: {
        category: p.category,
        ...(p.contactDetails ? { contact_details: p.contactDetails } : {}),
        ...(p.issuingAuthority ? { issuing_authority: p.issuingAuthority } : {}),
        name: p.name,
        namespace: p.namespace,
      },
      ...(advisory.references.length > 0 ? { references: references(advisory.references) } : {}),
      title: advisory.title,
      tracking: {
        current_release_date: advisory.currentReleaseDate,
        generator: { ...(options.generatedAt ? { date: options.generatedAt } : {}), engine },
        id: advisory.id,
        initial_release_date: advisory.initialReleaseDate,
        revision_history: advisory.revisions.map((r) => ({ date: r.date, number: r.number, summary: r.summary })),
        status: advisory.status,
        version: advisory.version,
      },
    },
    product_tree: { branches: productTree(advisory) },
    vulnerabilities,
  };
}

/**
 * The bytes of a CSAF document: `JSON.stringify` with 2-space indentation and a final
 * newline. Deterministic because `toCsaf` builds every object in a fixed key order and
 * every list in model order; documents read from elsewhere keep their own key order.
 */
export function serializeCsaf(doc: CsafDocument | unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
