// csaf-validator-lib's language tag check, so that the model agrees with mandatory test 6.1.12.
import isLanguageTag from '@secvisogram/csaf-validator-lib/lib/shared/bcpLanguageTagChecker.js';
import type { FieldProblem } from '../errors.js';
import { formatPurl, parsePurl } from '../release/purl.js';
import { cvssSeverity, isCvss40Vector, parseCvss31, scoreCvss31, type CvssSeverity } from './cvss.js';
import { AdvisoryError } from './errors.js';
import {
  CPE,
  INTEGER_VERSION,
  SEMVER,
  compareDocumentVersions,
  cpeComponents,
  cpeWithVersion,
  cweName,
  isPrerelease,
  isZeroVersion,
  normaliseTimestamp,
  osvPackageFromPurl,
  purlWithVersion,
  type OsvPackage,
} from './identifiers.js';
import { OSV_SCHEMA } from './schemas/osv-schema.js';

// The identifier helpers lived here first; callers import them from either module.
export { compareDocumentVersions, cpeWithVersion, cweName, normaliseTimestamp, osvPackageFromPurl, purlWithVersion, type OsvPackage };

/**
 * Accord's one internal advisory model. CSAF 2.0 (csaf.ts), OSV (osv.ts) and CVE
 * JSON 5 (cve.ts) are renderings of it; nothing else is stored. Vulnerabilities are
 * identified by position (`<tracking id>-<n>`, see `vulnerabilityLocalId`), so a new
 * revision appends vulnerabilities and never reorders them. `createAdvisory`
 * validates untrusted input (an API body, a file) and returns the normalised
 * advisory, or throws `AdvisoryError` ADVISORY_INVALID listing every problem with
 * a JSON pointer into the input.
 *
 * The rules include those of CSAF 2.0's mandatory tests that can be stated on the
 * model (revision history 6.1.14–6.1.22 and 6.1.30, contradicting product status
 * 6.1.6, version ranges in product versions 6.1.31, one VEX justification per
 * product 6.1.33), so that a valid advisory renders to a valid CSAF document.
 */

/** TLP 2.0 labels, as used across Accord (CSAF 2.0 itself knows TLP v1 labels; see csaf.ts). */
export const ADVISORY_TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type AdvisoryTlp = (typeof ADVISORY_TLP_LEVELS)[number];

/** Document status, as CSAF 2.0 `/document/tracking/status`. */
export const ADVISORY_STATUSES = ['draft', 'interim', 'final'] as const;
export type AdvisoryStatus = (typeof ADVISORY_STATUSES)[number];

/** CSAF 2.0 publisher categories (§3.2.1.8.1). */
export const PUBLISHER_CATEGORIES = ['coordinator', 'discoverer', 'other', 'translator', 'user', 'vendor'] as const;
export type PublisherCategory = (typeof PUBLISHER_CATEGORIES)[number];

/** CSAF 2.0 note categories (§3.1.8.1). */
export const NOTE_CATEGORIES = ['description', 'details', 'faq', 'general', 'legal_disclaimer', 'other', 'summary'] as const;
export type NoteCategory = (typeof NOTE_CATEGORIES)[number];

/** OSV reference types (osv-schema `references[].type`). */
export const REFERENCE_TYPES = ['ADVISORY', 'ARTICLE', 'DETECTION', 'DISCUSSION', 'REPORT', 'FIX', 'INTRODUCED', 'GIT', 'PACKAGE', 'EVIDENCE', 'WEB'] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

/** OSV credit types (the MITRE CVE credit types in upper case). */
export const CREDIT_TYPES = [
  'FINDER',
  'REPORTER',
  'ANALYST',
  'COORDINATOR',
  'REMEDIATION_DEVELOPER',
  'REMEDIATION_REVIEWER',
  'REMEDIATION_VERIFIER',
  'TOOL',
  'SPONSOR',
  'OTHER',
] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

/** Per-product status of a vulnerability (the CSAF 2.0 product status groups a VEX statement uses). */
export const PRODUCT_STATUSES = ['known_affected', 'known_not_affected', 'fixed', 'under_investigation'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** VEX justifications for `known_not_affected` (CSAF 2.0 flag labels, §3.2.3.5). */
export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'inline_mitigations_already_exist',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_not_present',
] as const;
export type VexJustification = (typeof VEX_JUSTIFICATIONS)[number];

/** CSAF 2.0 remediation categories (§3.2.3.12.1). */
export const REMEDIATION_CATEGORIES = ['vendor_fix', 'workaround', 'mitigation', 'none_available', 'no_fix_planned'] as const;
export type RemediationCategory = (typeof REMEDIATION_CATEGORIES)[number];

/** OSV range types Accord uses (GIT ranges need a repository and commit hashes; not modelled). */
export const RANGE_TYPES = ['SEMVER', 'ECOSYSTEM'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

export interface Publisher {
  name: string;
  /** The publisher's web namespace (an https URL), CSAF `publisher.namespace`. */
  namespace: string;
  category: PublisherCategory;
  contactDetails?: string;
  issuingAuthority?: string;
}

export interface Note {
  category: NoteCategory;
  title?: string;
  text: string;
}

export interface Reference {
  url: string;
  summary: string;
  /** OSV reference type; CSAF has only self/external. */
  type: ReferenceType;
  /** The advisory itself at its canonical place (CSAF reference category `self`). */
  self: boolean;
}

/** One OSV range event: exactly one of the four keys. */
export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

/** Affected versions in OSV terms. `introduced: "0"` means "from the first version". */
export interface VersionRange {
  type: RangeType;
  events: RangeEvent[];
}

export interface ProductVersion {
  version: string;
  /** Package URL of this version; derived from the product's purl when absent. */
  purl?: string;
  /** CPE of this version; derived from the product's CPE 2.3 when absent. */
  cpe?: string;
}

export interface Product {
  /** The advisory-local key vulnerabilities refer to (`[a-z0-9][a-z0-9._-]*`); product ids derive from it. */
  key: string;
  vendor: string;
  name: string;
  /** Package URL of the product without version (`pkg:npm/foo`). */
  purl?: string;
  /** CPE 2.3 of the product; its version component is replaced per version. */
  cpe?: string;
  /** OSV package; derived from the purl for ecosystems with a fixed mapping when absent. */
  package?: OsvPackage;
  /** Concrete versions the advisory speaks about (each a CSAF product_version). */
  versions: ProductVersion[];
  /** Affected version ranges (OSV terms; rendered as a CSAF product_version_range in `vers`). */
  ranges: VersionRange[];
}

/**
 * A reference to products of the advisory: `versions` lists concrete versions; without it
 * the reference means the product's range leaf when the product has ranges, and every
 * listed version otherwise.
 */
export interface ProductRef {
  product: string;
  versions?: string[];
}

export interface ProductStatusEntry extends ProductRef {
  status: ProductStatus;
  /** For `known_not_affected`: the VEX justification (a CSAF flag). */
  justification?: VexJustification;
  /** For `known_not_affected`: an impact statement (a CSAF threat of category impact). */
  impact?: string;
}

export interface Remediation {
  category: RemediationCategory;
  details: string;
  url?: string;
  date?: string;
  products: ProductRef[];
}

export interface Cvss3 {
  vector: string;
  baseScore: number;
  baseSeverity: CvssSeverity;
}

export interface Cvss4 {
  vector: string;
  /** Author-supplied (Accord does not compute v4.0 scores); needed for CVE records' cvssV4_0. */
  baseScore?: number;
  baseSeverity?: CvssSeverity;
}

export interface Cwe {
  /** `CWE-<n>`, a weakness of the CWE catalogue. */
  id: string;
  /** The weakness name exactly as in the CWE catalogue (CSAF mandatory test 6.1.11 compares it); filled in when omitted. */
  name: string;
}

export interface Acknowledgment {
  name: string;
  organization?: string;
  urls: string[];
  type?: CreditType;
}

export interface Vulnerability {
  cve?: string;
  title: string;
  description: string;
  cwe?: Cwe;
  discoveryDate?: string;
  products: ProductStatusEntry[];
  remediations: Remediation[];
  cvss3?: Cvss3;
  cvss4?: Cvss4;
  acknowledgments: Acknowledgment[];
  references: Reference[];
}

export interface Revision {
  /** Integer (`"1"`) or semantic version (`"1.0.0"`), one style per advisory. */
  number: string;
  date: string;
  summary: string;
}

/** A valid, normalised advisory (timestamps in UTC `…Z`, revisions sorted by number, defaults filled). */
export interface Advisory {
  /** Tracking id, e.g. `ACCORD-2026-0001`. */
  id: string;
  title: string;
  publisher: Publisher;
  tlp: AdvisoryTlp;
  lang: string;
  summary: string;
  notes: Note[];
  references: Reference[];
  products: Product[];
  vulnerabilities: Vulnerability[];
  revisions: Revision[];
  /** The current version: the highest revision number (a draft may add a pre-release part: `1.0.0-rc.1` after revision `1.0.0`). */
  version: string;
  status: AdvisoryStatus;
  initialReleaseDate: string;
  currentReleaseDate: string;
}

export interface ReferenceInput {
  url: string;
  /** Default: a label for the type ("Advisory", "Fix", …). */
  summary?: string;
  /** Default WEB. */
  type?: ReferenceType;
  self?: boolean;
}

export interface ProductInput extends Omit<Product, 'versions' | 'ranges'> {
  versions?: ProductVersion[];
  ranges?: VersionRange[];
}

export interface VulnerabilityInput extends Omit<Vulnerability, 'cwe' | 'remediations' | 'cvss3' | 'cvss4' | 'acknowledgments' | 'references'> {
  /** The name is filled in from the CWE catalogue; a given one must match it. */
  cwe?: { id: string; name?: string };
  remediations?: Remediation[];
  /** The base score is computed from the vector; a given one must agree. */
  cvss3?: { vector: string; baseScore?: number };
  cvss4?: { vector: string; baseScore?: number };
  acknowledgments?: (Omit<Acknowledgment, 'urls'> & { urls?: string[] })[];
  references?: ReferenceInput[];
}

/** What `createAdvisory` accepts (typed callers; untrusted input is checked field by field all the same). */
export interface AdvisoryInput extends Omit<Advisory, 'lang' | 'notes' | 'references' | 'products' | 'vulnerabilities' | 'version'> {
  /** Default "en". */
  lang?: string;
  notes?: Note[];
  references?: ReferenceInput[];
  products: ProductInput[];
  vulnerabilities: VulnerabilityInput[];
  /** Derived from the revisions; when given it must be the latest revision's number (plus, in a draft, a pre-release part). */
  version?: string;
}

/** A leaf of the product tree: one concrete version, or a product's range. */
export interface ProductLeaf {
  /** CSAF product_id: `<key>@<version>`, or `<key>` for the range leaf (keys cannot contain "@"). */
  id: string;
  product: Product;
  version?: ProductVersion;
  range: boolean;
}

const LIMITS = { text: 100_000, line: 1_000, list: 5_000, problems: 200 };
const TRACKING_ID = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$/;
const PRODUCT_KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const CVE_ID = /^CVE-[0-9]{4}-[0-9]{4,}$/;
const CWE_ID = /^CWE-[1-9]\d{0,5}$/;
const LANG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
/** Words and operators CSAF mandatory test 6.1.31 takes for a version range inside a product version. */
const RANGE_WORDS = new Set(['after', 'all', 'before', 'earlier', 'later', 'prior', 'versions']);
const OSV_ECOSYSTEM = new RegExp(OSV_SCHEMA.$defs.ecosystemWithSuffix.pattern);

/** The leaves of a product: one per listed version, plus the range leaf when it has ranges. */
export function productLeaves(product: Product): ProductLeaf[] {
  const out: ProductLeaf[] = product.versions.map((v) => ({ id: `${product.key}@${v.version}`, product, version: v, range: false }));
  if (product.ranges.length > 0) out.push({ id: product.key, product, range: true });
  return out;
}

/** Resolves a product reference to leaves (see `ProductRef`); unknown products or versions resolve to nothing. */
export function resolveProductRef(advisory: Pick<Advisory, 'products'>, ref: ProductRef): ProductLeaf[] {
  const product = advisory.products.find((p) => p.key === ref.product);
  if (!product) return [];
  const leaves = productLeaves(product);
  if (ref.versions !== undefined) return ref.versions.flatMap((v) => leaves.filter((l) => l.version?.version === v));
  const range = leaves.filter((l) => l.range);
  return range.length > 0 ? range : leaves;
}

/** The local id of an advisory's n-th vulnerability (0-based `index`): `<tracking id>-<index + 1>`. */
export function vulnerabilityLocalId(advisory: Pick<Advisory, 'id'>, index: number): string {
  return `${advisory.id}-${index + 1}`;
}

/** Every leaf of the advisory in product order. */
export function allProductLeaves(advisory: Pick<Advisory, 'products'>): ProductLeaf[] {
  return advisory.products.flatMap(productLeaves);
}

// ---------------------------------------------------------------------------------------------
// Validation of untrusted input

type Json = Record<string, unknown>;
interface StrOpts {
  required?: boolean;
  max?: number;
  pattern?: RegExp;
  hint?: string;
}

class Checker {
  readonly problems: FieldProblem[] = [];
  add(path: string, message: string): void {
    if (this.problems.length < LIMITS.problems) this.problems.push({ path, message });
  }
  obj(v: unknown, path: string): Json | undefined {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Json;
    this.add(path, 'must be an object');
    return undefined;
  }
  /** Reports fields not in `known` (typos would otherwise be silently dropped). */
  known(o: Json, path: string, known: readonly string[]): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.add(`${path}/${escapePointer(k)}`, 'is not a field of the advisory model');
  }
  str(o: Json, key: string, path: string, opts: StrOpts = {}): string | undefined {
    return this.strAt(o[key], `${path}/${key}`, opts);
  }
  strAt(v: unknown, p: string, opts: StrOpts = {}): string | undefined {
    if (v === undefined || v === null) {
      if (opts.required) this.add(p, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(p, 'must be a string');
      return undefined;
    }
    if (v.trim() === '') {
      this.add(p, 'must not be empty');
      return undefined;
    }
    if (v.length > (opts.max ?? LIMITS.line)) {
      this.add(p, `must be at most ${opts.max ?? LIMITS.line} characters`);
      return undefined;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) {
      this.add(p, 'must not contain control characters');
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      this.add(p, opts.hint ?? `must match ${opts.pattern}`);
      return undefined;
    }
    return v;
  }
  oneOf<T extends string>(o: Json, key: string, path: string, values: readonly T[], required = true): T | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.add(`${path}/${key}`, `is required (one of ${values.join(', ')})`);
      return undefined;
    }
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.add(`${path}/${key}`, `must be one of ${values.join(', ')}`);
      return undefined;
    }
    return v as T;
  }
  list(o: Json, key: string, path: string, opts: { min?: number } = {}): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) {
      if ((opts.min ?? 0) > 0) this.add(`${path}/${key}`, 'is required');
      return [];
    }
    if (!Array.isArray(v)) {
      this.add(`${path}/${key}`, 'must be a list');
      return [];
    }
    if (v.length < (opts.min ?? 0)) this.add(`${path}/${key}`, `must have at least ${opts.min} item${opts.min === 1 ? '' : 's'}`);
    if (v.length > LIMITS.list) {
      this.add(`${path}/${key}`, `must have at most ${LIMITS.list} items`);
      return [];
    }
    return v;
  }
  url(o: Json, key: string, path: string, required = false): string | undefined {
    return this.urlAt(o[key], `${path}/${key}`, required);
  }
  urlAt(value: unknown, p: string, required = false): string | undefined {
    const v = this.strAt(value, p, { required, max: 2048 });
    if (v === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      this.add(p, 'must be an absolute URL');
      return undefined;
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      this.add(p, 'must be an http(s) URL');
      return undefined;
    }
    return v;
  }
  timestamp(o: Json, key: string, path: string, required = false): string | undefined {
    const v = this.str(o, key, path, { required, max: 64 });
    if (v === undefined) return undefined;
    const n = normaliseTimestamp(v);
    if (n === undefined) this.add(`${path}/${key}`, 'must be an RFC 3339 date-time with a time zone, e.g. 2026-01-15T10:00:00Z');
    return n;
  }
  score(o: Json, key: string, path: string): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 10 || Math.round(v * 10) !== v * 10) {
      this.add(`${path}/${key}`, 'must be a number from 0.0 to 10.0 with one decimal');
      return undefined;
    }
    return v;
  }
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

const DEFAULT_REFERENCE_SUMMARY: Readonly<Record<ReferenceType, string>> = {
  ADVISORY: 'Advisory',
  ARTICLE: 'Article',
  DETECTION: 'Detection',
  DISCUSSION: 'Discussion',
  REPORT: 'Report',
  FIX: 'Fix',
  INTRODUCED: 'Change that introduced the vulnerability',
  GIT: 'Source repository',
  PACKAGE: 'Package',
  EVIDENCE: 'Evidence',
  WEB: 'Web page',
};

function readPublisher(c: Checker, v: unknown, path: string): Publisher | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  c.known(o, path, ['name', 'namespace', 'category', 'contactDetails', 'issuingAuthority']);
  const name = c.str(o, 'name', path, { required: true });
  const namespace = c.url(o, 'namespace', path, true);
  const category = c.oneOf(o, 'category', path, PUBLISHER_CATEGORIES);
  const contactDetails = c.str(o, 'contactDetails', path, { max: LIMITS.text });
  const issuingAuthority = c.str(o, 'issuingAuthority', path, { max: LIMITS.text });
  if (name === undefined || namespace === undefined || category === undefined) return undefined;
  return { name, namespace, category, ...(contactDetails ? { contactDetails } : {}), ...(issuingAuthority ? { issuingAuthority } : {}) };
}

function readNotes(c: Checker, o: Json, path: string): Note[] {
  const out: Note[] = [];
  c.list(o, 'notes', path).forEach((v, i) => {
    const p = `${path}/notes/${i}`;
    const n = c.obj(v, p);
    if (!n) return;
    c.known(n, p, ['category', 'title', 'text']);
    const category = c.oneOf(n, 'category', p, NOTE_CATEGORIES);
    const title = c.str(n, 'title', p);
    const text = c.str(n, 'text', p, { required: true, max: LIMITS.text });
    if (category && text) out.push({ category, ...(title ? { title } : {}), text });
  });
  return out;
}

function readReferences(c: Checker, o: Json, path: string): Reference[] {
  const out: Reference[] = [];
  c.list(o, 'references', path).forEach((v, i) => {
    const p = `${path}/references/${i}`;
    const r = c.obj(v, p);
    if (!r) return;
    c.known(r, p, ['url', 'summary', 'type', 'self']);
    const url = c.url(r, 'url', p, true);
    const type = c.oneOf(r, 'type', p, REFERENCE_TYPES, false) ?? 'WEB';
    const summary = c.str(r, 'summary', p, { max: LIMITS.text }) ?? DEFAULT_REFERENCE_SUMMARY[type];
    if (r.self !== undefined && typeof r.self !== 'boolean') c.add(`${p}/self`, 'must be true or false');
    if (url) out.push({ url, summary, type, self: r.self === true });
  });
  return out;
}

function readAcknowledgments(c: Checker, o: Json, path: string): Acknowledgment[] {
  const out: Acknowledgment[] = [];
  c.list(o, 'acknowledgments', path).forEach((v, i) => {
    const p = `${path}/acknowledgments/${i}`;
    const a = c.obj(v, p);
    if (!a) return;
    c.known(a, p, ['name', 'organization', 'urls', 'type']);
    const name = c.str(a, 'name', p, { required: true });
    const organization = c.str(a, 'organization', p);
    const urls: string[] = [];
    c.list(a, 'urls', p).forEach((u, j) => {
      const url = c.urlAt(u, `${p}/urls/${j}`, true);
      if (url) urls.push(url);
    });
    const type = c.oneOf(a, 'type', p, CREDIT_TYPES, false);
    if (name) out.push({ name, ...(organization ? { organization } : {}), urls, ...(type ? { type } : {}) });
  });
  return out;
}

function checkVersionName(c: Checker, version: string, path: string): void {
  const lower = version.toLowerCase();
  if (['<', '>'].some((s) => lower.includes(s)) || lower.split(/\s/).some((w) => RANGE_WORDS.has(w))) {
    c.add(path, 'must be one version, not a range (CSAF 6.1.31); describe ranges with "ranges"');
  }
}

function readRanges(c: Checker, o: Json, path: string): VersionRange[] {
  const out: VersionRange[] = [];
  c.list(o, 'ranges', path).forEach((v, i) => {
    const p = `${path}/ranges/${i}`;
    const r = c.obj(v, p);
    if (!r) return;
    c.known(r, p, ['type', 'events']);
    const type = c.oneOf(r, 'type', p, RANGE_TYPES);
    const events: RangeEvent[] = [];
    const kinds = new Set<string>();
    c.list(r, 'events', p, { min: 1 }).forEach((e, j) => {
      const ep = `${p}/events/${j}`;
      const ev = c.obj(e, ep);
      if (!ev) return;
      const keys = Object.keys(ev);
      const key = keys[0];
      if (keys.length !== 1 || !['introduced', 'fixed', 'last_affected', 'limit'].includes(key!)) {
        c.add(ep, 'must have exactly one of introduced, fixed, last_affected, limit');
        return;
      }
      const value = c.str(ev, key!, ep, { required: true, max: 256 });
      if (value === undefined) return;
      if (j === 0 && key !== 'introduced') c.add(ep, 'the first event must be "introduced"');
      const special = (key === 'introduced' && value === '0') || (key === 'limit' && value === '*');
      if (type === 'SEMVER' && !special && !SEMVER.test(value)) c.add(`${ep}/${key}`, 'must be a semantic version (no "v" prefix) for a SEMVER range');
      kinds.add(key!);
      events.push({ [key!]: value } as RangeEvent);
    });
    if (events.length > 0 && !kinds.has('introduced')) c.add(`${p}/events`, 'must have an "introduced" event (OSV)');
    if (kinds.has('fixed') && kinds.has('last_affected')) c.add(`${p}/events`, 'must not have both fixed and last_affected events (OSV)');
    if (type && events.length > 0) out.push({ type, events });
  });
  return out;
}

function readProducts(c: Checker, list: unknown[], path: string): Product[] {
  const out: Product[] = [];
  const keys = new Set<string>();
  list.forEach((v, i) => {
    const p = `${path}/${i}`;
    const o = c.obj(v, p);
    if (!o) return;
    c.known(o, p, ['key', 'vendor', 'name', 'purl', 'cpe', 'package', 'versions', 'ranges']);
    const key = c.str(o, 'key', p, { required: true, max: 64, pattern: PRODUCT_KEY, hint: 'must be lower-case letters, digits, ".", "_" or "-", starting with a letter or digit' });
    if (key !== undefined) {
      if (keys.has(key)) c.add(`${p}/key`, `duplicates the key of another product`);
      keys.add(key);
    }
    const vendor = c.str(o, 'vendor', p, { required: true });
    const name = c.str(o, 'name', p, { required: true });
    let purl = c.str(o, 'purl', p, { max: 2048 });
    if (purl !== undefined) {
      try {
        const parsed = parsePurl(purl);
        if (parsed.version !== undefined) c.add(`${p}/purl`, 'must not include a version (versions get theirs from "versions")');
        purl = formatPurl(parsed);
      } catch (e) {
        c.add(`${p}/purl`, (e as Error).message);
        purl = undefined;
      }
    }
    const cpe = c.str(o, 'cpe', p, { max: 2048 });
    if (cpe !== undefined && (!CPE.test(cpe) || cpeComponents(cpe).length !== 13)) c.add(`${p}/cpe`, 'must be a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:…)');
    let pkg: OsvPackage | undefined;
    if (o.package !== undefined) {
      const po = c.obj(o.package, `${p}/package`);
      if (po) {
        c.known(po, `${p}/package`, ['ecosystem', 'name']);
        const ecosystem = c.str(po, 'ecosystem', `${p}/package`, { required: true, pattern: OSV_ECOSYSTEM, hint: 'must be an OSV ecosystem (osv-schema "ecosystemWithSuffix"), e.g. npm, PyPI, Maven, Debian:12' });
        const pname = c.str(po, 'name', `${p}/package`, { required: true });
        if (ecosystem && pname) pkg = { ecosystem, name: pname };
      }
    } else if (purl !== undefined) pkg = osvPackageFromPurl(purl);
    const versions: ProductVersion[] = [];
    const seen = new Set<string>();
    c.list(o, 'versions', p).forEach((vv, j) => {
      const vp = `${p}/versions/${j}`;
      const vo = c.obj(vv, vp);
      if (!vo) return;
      c.known(vo, vp, ['version', 'purl', 'cpe']);
      const version = c.str(vo, 'version', vp, { required: true, max: 256 });
      if (version === undefined) return;
      checkVersionName(c, version, `${vp}/version`);
      if (seen.has(version)) c.add(`${vp}/version`, 'is listed twice');
      seen.add(version);
      let vpurl = c.str(vo, 'purl', vp, { max: 2048 });
      if (vpurl !== undefined) {
        try {
          vpurl = formatPurl(parsePurl(vpurl));
        } catch (e) {
          c.add(`${vp}/purl`, (e as Error).message);
          vpurl = undefined;
        }
      } else if (purl !== undefined) vpurl = purlWithVersion(purl, version);
      let vcpe = c.str(vo, 'cpe', vp, { max: 2048 });
      if (vcpe !== undefined && !CPE.test(vcpe)) {
        c.add(`${vp}/cpe`, 'must be a CPE (2.3 formatted string or 2.2 URI)');
        vcpe = undefined;
      } else if (vcpe === undefined && cpe !== undefined) {
        vcpe = cpeWithVersion(cpe, version);
        if (vcpe === undefined) c.add(`${vp}/version`, 'cannot be put into a CPE (whitespace or non-ASCII); give this version its own "cpe"');
      }
      if (vpurl === undefined && vcpe === undefined && vo.purl === undefined && vo.cpe === undefined && o.purl === undefined && o.cpe === undefined) {
        c.add(vp, 'needs a purl or a cpe (on the version or the product)');
      }
      versions.push({ version, ...(vpurl ? { purl: vpurl } : {}), ...(vcpe ? { cpe: vcpe } : {}) });
    });
    const ranges = readRanges(c, o, p);
    if (ranges.length > 0 && o.purl === undefined && o.cpe === undefined) c.add(p, 'a product with ranges needs a purl or a cpe');
    if (versions.length === 0 && ranges.length === 0) c.add(p, 'needs "versions" or "ranges"');
    if (key && vendor && name) {
      out.push({ key, vendor, name, ...(purl ? { purl } : {}), ...(cpe ? { cpe } : {}), ...(pkg ? { package: pkg } : {}), versions, ranges });
    }
  });
  return out;
}

function readRef(c: Checker, v: unknown, path: string, products: Product[], known: readonly string[]): (ProductRef & { leaves: ProductLeaf[]; o: Json }) | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  c.known(o, path, known);
  const product = c.str(o, 'product', path, { required: true, max: 64 });
  if (product === undefined) return undefined;
  const prod = products.find((x) => x.key === product);
  if (!prod) {
    c.add(`${path}/product`, `names no product of this advisory`);
    return undefined;
  }
  let versions: string[] | undefined;
  if (o.versions !== undefined) {
    versions = [];
    c.list(o, 'versions', path, { min: 1 }).forEach((x, j) => {
      if (typeof x !== 'string' || !prod.versions.some((pv) => pv.version === x)) c.add(`${path}/versions/${j}`, `is not a listed version of product ${product}`);
      else versions!.push(x);
    });
  }
  const ref: ProductRef = { product, ...(versions ? { versions } : {}) };
  const leaves = resolveProductRef({ products }, ref);
  if (leaves.length === 0 && versions === undefined) c.add(path, `product ${product} has no versions or ranges to refer to`);
  return { ...ref, leaves, o };
}

function readVulnerabilities(c: Checker, list: unknown[], path: string, products: Product[]): Vulnerability[] {
  const out: Vulnerability[] = [];
  const cves = new Set<string>();
  list.forEach((v, i) => {
    const p = `${path}/${i}`;
    const o = c.obj(v, p);
    if (!o) return;
    c.known(o, p, ['cve', 'title', 'description', 'cwe', 'discoveryDate', 'products', 'remediations', 'cvss3', 'cvss4', 'acknowledgments', 'references']);
    const cve = c.str(o, 'cve', p, { pattern: CVE_ID, hint: 'must be a CVE id (CVE-YYYY-NNNN…)' });
    if (cve !== undefined) {
      if (cves.has(cve)) c.add(`${p}/cve`, 'is used by another vulnerability of this advisory (CSAF 6.1.23)');
      cves.add(cve);
    }
    const title = c.str(o, 'title', p, { required: true });
    const description = c.str(o, 'description', p, { required: true, max: LIMITS.text });
    let cwe: Cwe | undefined;
    if (o.cwe !== undefined) {
      const w = c.obj(o.cwe, `${p}/cwe`);
      if (w) {
        c.known(w, `${p}/cwe`, ['id', 'name']);
        const id = c.str(w, 'id', `${p}/cwe`, { required: true, pattern: CWE_ID, hint: 'must be CWE-<number>' });
        const name = c.str(w, 'name', `${p}/cwe`);
        const known = id === undefined ? undefined : cweName(id);
        if (id !== undefined && known === undefined) c.add(`${p}/cwe/id`, 'is not in the CWE catalogue (CSAF 6.1.11)');
        else if (name !== undefined && known !== undefined && name !== known) c.add(`${p}/cwe/name`, `must be the catalogue's name for ${id}: ${JSON.stringify(known)} (CSAF 6.1.11)`);
        if (id && known) cwe = { id, name: known };
      }
    }
    const discoveryDate = c.timestamp(o, 'discoveryDate', p);

    // Per-product status: each leaf at most once per vulnerability (CSAF 6.1.6 forbids contradicting groups).
    const statuses: ProductStatusEntry[] = [];
    const statusOf = new Map<string, ProductStatus>();
    c.list(o, 'products', p, { min: 1 }).forEach((e, j) => {
      const ep = `${p}/products/${j}`;
      const ref = readRef(c, e, ep, products, ['product', 'versions', 'status', 'justification', 'impact']);
      if (!ref) return;
      const status = c.oneOf(ref.o, 'status', ep, PRODUCT_STATUSES);
      const justification = c.oneOf(ref.o, 'justification', ep, VEX_JUSTIFICATIONS, false);
      const impact = c.str(ref.o, 'impact', ep, { max: LIMITS.text });
      if (!status) return;
      if (status !== 'known_not_affected' && (justification || impact)) c.add(ep, 'justification and impact are for known_not_affected only');
      if (status === 'known_not_affected' && !justification && !impact) c.add(ep, 'known_not_affected needs a justification or an impact statement (VEX; CSAF 6.1.27.9)');
      for (const leaf of ref.leaves) {
        if (statusOf.has(leaf.id)) c.add(ep, `product ${leaf.id} already has a status in this vulnerability`);
        statusOf.set(leaf.id, status);
      }
      statuses.push({ product: ref.product, ...(ref.versions ? { versions: ref.versions } : {}), status, ...(justification ? { justification } : {}), ...(impact ? { impact } : {}) });
    });

    const remediations: Remediation[] = [];
    c.list(o, 'remediations', p).forEach((e, j) => {
      const rp = `${p}/remediations/${j}`;
      const r = c.obj(e, rp);
      if (!r) return;
      c.known(r, rp, ['category', 'details', 'url', 'date', 'products']);
      const category = c.oneOf(r, 'category', rp, REMEDIATION_CATEGORIES);
      const details = c.str(r, 'details', rp, { required: true, max: LIMITS.text });
      const url = c.url(r, 'url', rp);
      const date = c.timestamp(r, 'date', rp);
      const refs: ProductRef[] = [];
      c.list(r, 'products', rp, { min: 1 }).forEach((x, k) => {
        const xp = `${rp}/products/${k}`;
        const ref = readRef(c, x, xp, products, ['product', 'versions']);
        if (!ref) return;
        for (const leaf of ref.leaves) if (!statusOf.has(leaf.id)) c.add(xp, `product ${leaf.id} has no status in this vulnerability`);
        refs.push({ product: ref.product, ...(ref.versions ? { versions: ref.versions } : {}) });
      });
      if (category && details && refs.length > 0) remediations.push({ category, details, ...(url ? { url } : {}), ...(date ? { date } : {}), products: refs });
    });

    let cvss3: Cvss3 | undefined;
    if (o.cvss3 !== undefined) {
      const s = c.obj(o.cvss3, `${p}/cvss3`);
      if (s) {
        c.known(s, `${p}/cvss3`, ['vector', 'baseScore']);
        const vector = c.str(s, 'vector', `${p}/cvss3`, { required: true, max: 256 });
        const given = c.score(s, 'baseScore', `${p}/cvss3`);
        if (vector !== undefined) {
          try {
            const scores = scoreCvss31(parseCvss31(vector));
            if (given !== undefined && given !== scores.baseScore) c.add(`${p}/cvss3/baseScore`, `is ${given} but the vector's base score is ${scores.baseScore}`);
            cvss3 = { vector, baseScore: scores.baseScore, baseSeverity: scores.baseSeverity };
          } catch (e) {
            c.add(`${p}/cvss3/vector`, (e as Error).message);
          }
        }
      }
    }
    let cvss4: Cvss4 | undefined;
    if (o.cvss4 !== undefined) {
      const s = c.obj(o.cvss4, `${p}/cvss4`);
      if (s) {
        c.known(s, `${p}/cvss4`, ['vector', 'baseScore']);
        const vector = c.str(s, 'vector', `${p}/cvss4`, { required: true, max: 256 });
        const baseScore = c.score(s, 'baseScore', `${p}/cvss4`);
        if (vector !== undefined && !isCvss40Vector(vector)) c.add(`${p}/cvss4/vector`, 'must be a CVSS v4.0 vector (CVSS:4.0/AV:…/AC:…/AT:…/PR:…/UI:…/VC:…/VI:…/VA:…/SC:…/SI:…/SA:…)');
        else if (vector !== undefined) cvss4 = { vector, ...(baseScore !== undefined ? { baseScore, baseSeverity: cvssSeverity(baseScore) } : {}) };
      }
    }
    const acknowledgments = readAcknowledgments(c, o, p);
    const references = readReferences(c, o, p);
    if (title && description) {
      out.push({
        ...(cve ? { cve } : {}),
        title,
        description,
        ...(cwe ? { cwe } : {}),
        ...(discoveryDate ? { discoveryDate } : {}),
        products: statuses,
        remediations,
        ...(cvss3 ? { cvss3 } : {}),
        ...(cvss4 ? { cvss4 } : {}),
        acknowledgments,
        references,
      });
    }
  });
  return out;
}

function readRevisions(c: Checker, o: Json, status: AdvisoryStatus | undefined): { revisions: Revision[]; version?: string } {
  const revisions: Revision[] = [];
  const seen = new Set<string>();
  c.list(o, 'revisions', '', { min: 1 }).forEach((v, i) => {
    const p = `/revisions/${i}`;
    const r = c.obj(v, p);
    if (!r) return;
    c.known(r, p, ['number', 'date', 'summary']);
    const number = c.str(r, 'number', p, { required: true, max: 64 });
    const date = c.timestamp(r, 'date', p, true);
    const summary = c.str(r, 'summary', p, { required: true, max: LIMITS.text });
    if (number !== undefined && !INTEGER_VERSION.test(number) && !SEMVER.test(number)) {
      c.add(`${p}/number`, 'must be an integer ("1") or a semantic version ("1.0.0")');
      return;
    }
    if (number !== undefined) {
      if (seen.has(number)) c.add(`${p}/number`, 'is used by another revision (CSAF 6.1.22)');
      seen.add(number);
      if (status !== undefined && status !== 'draft' && isZeroVersion(number)) c.add(`${p}/number`, `a ${status} advisory's history must not have version 0 or 0.y.z (CSAF 6.1.18)`);
      if (isPrerelease(number)) c.add(`${p}/number`, 'must not be a pre-release; a draft shows one in "version" only (CSAF 6.1.19)');
    }
    if (number !== undefined && date !== undefined && summary !== undefined) revisions.push({ number, date, summary });
  });
  if (revisions.length === 0) return { revisions };
  const integers = revisions.filter((r) => INTEGER_VERSION.test(r.number)).length;
  if (integers !== 0 && integers !== revisions.length) {
    c.add('/revisions', 'must use integer or semantic versions, not both (CSAF 6.1.30)');
    return { revisions };
  }
  revisions.sort((a, b) => compareDocumentVersions(a.number, b.number));
  for (let i = 1; i < revisions.length; i++) {
    if (Date.parse(revisions[i]!.date) < Date.parse(revisions[i - 1]!.date)) {
      c.add('/revisions', `revision ${revisions[i]!.number} is dated before revision ${revisions[i - 1]!.number} (CSAF 6.1.14)`);
    }
  }
  // CSAF 6.1.21: the major versions, in date order, start at 0 or 1 and skip none.
  const majors = [...new Set(revisions.map((r) => parseInt(r.number, 10)))];
  if (majors[0] !== 0 && majors[0] !== 1) c.add('/revisions', 'the first revision must have version 0 or 1 (or 0.y.z / 1.y.z) (CSAF 6.1.21)');
  for (let i = 1; i < majors.length; i++) if (majors[i]! > majors[i - 1]! + 1) c.add('/revisions', `major version ${majors[i - 1]! + 1} is missing (CSAF 6.1.21)`);
  return { revisions, version: revisions[revisions.length - 1]!.number };
}

/**
 * Validates and normalises an advisory. Throws `AdvisoryError` ADVISORY_INVALID with
 * `details.errors` (every problem, `{ path, message }`, paths are JSON pointers into `input`).
 */
export function createAdvisory(input: unknown): Advisory {
  const c = new Checker();
  const o = c.obj(input, '');
  if (!o) throw invalidAdvisory(c.problems);
  c.known(o, '', [
    'id',
    'title',
    'publisher',
    'tlp',
    'lang',
    'summary',
    'notes',
    'references',
    'products',
    'vulnerabilities',
    'revisions',
    'version',
    'status',
    'initialReleaseDate',
    'currentReleaseDate',
  ]);
  const id = c.str(o, 'id', '', { required: true, max: 128, pattern: TRACKING_ID, hint: 'must be letters, digits and . _ : + - (e.g. ACCORD-2026-0001)' });
  const title = c.str(o, 'title', '', { required: true });
  const publisher = o.publisher === undefined ? (c.add('/publisher', 'is required'), undefined) : readPublisher(c, o.publisher, '/publisher');
  const tlp = c.oneOf(o, 'tlp', '', ADVISORY_TLP_LEVELS);
  const lang = c.str(o, 'lang', '', { max: 35, pattern: LANG, hint: 'must be a BCP 47 language tag, e.g. en or en-GB' }) ?? 'en';
  if (o.lang !== undefined && LANG.test(lang) && !isLanguageTag(lang)) c.add('/lang', 'must be a BCP 47 language tag with registered subtags, e.g. en or en-GB (CSAF 6.1.12)');
  const summary = c.str(o, 'summary', '', { required: true, max: LIMITS.text });
  const notes = readNotes(c, o, '');
  const references = readReferences(c, o, '');
  if (references.filter((r) => r.self).length > 1) c.add('/references', 'at most one reference may be the advisory itself ("self")');
  const products = readProducts(c, c.list(o, 'products', '', { min: 1 }), '/products');
  const vulnerabilities = readVulnerabilities(c, c.list(o, 'vulnerabilities', '', { min: 1 }), '/vulnerabilities', products);
  const status = c.oneOf(o, 'status', '', ADVISORY_STATUSES);
  const { revisions, version: latest } = readRevisions(c, o, status);
  const given = c.str(o, 'version', '', { max: 64, pattern: new RegExp(`${INTEGER_VERSION.source}|${SEMVER.source}`), hint: 'must be an integer or a semantic version' });
  // CSAF 6.1.16: the version is the latest revision's number, ignoring build metadata and, in a draft, a pre-release part.
  const strip = (v: string): string => (status === 'draft' ? v.replace(/[-+].*$/, '') : v.replace(/\+.*$/, ''));
  if (given !== undefined && latest !== undefined && strip(given) !== strip(latest)) c.add('/version', `must be the latest revision's number, ${latest} (CSAF 6.1.16)`);
  const version = given ?? latest;
  if (version !== undefined && status !== undefined && status !== 'draft' && (isZeroVersion(version) || isPrerelease(version))) {
    c.add('/status', `a ${status} advisory cannot have version ${version}; 0, 0.y.z and pre-releases are drafts (CSAF 6.1.17, 6.1.20)`);
  }
  const initialReleaseDate = c.timestamp(o, 'initialReleaseDate', '', true);
  const currentReleaseDate = c.timestamp(o, 'currentReleaseDate', '', true);
  if (initialReleaseDate && currentReleaseDate && Date.parse(currentReleaseDate) < Date.parse(initialReleaseDate)) {
    c.add('/currentReleaseDate', 'must not be before initialReleaseDate');
  }
  const lastRevision = revisions[revisions.length - 1];
  if (lastRevision && currentReleaseDate && Date.parse(lastRevision.date) > Date.parse(currentReleaseDate)) {
    c.add('/currentReleaseDate', `must not be before the latest revision's date (${lastRevision.date})`);
  }
  if (c.problems.length > 0 || !id || !title || !publisher || !tlp || !summary || !status || !version || !initialReleaseDate || !currentReleaseDate) {
    throw invalidAdvisory(c.problems);
  }
  return {
    id,
    title,
    publisher,
    tlp,
    lang,
    summary,
    notes,
    references,
    products,
    vulnerabilities,
    revisions,
    version,
    status,
    initialReleaseDate,
    currentReleaseDate,
  };
}

function invalidAdvisory(problems: FieldProblem[]): AdvisoryError<'ADVISORY_INVALID'> {
  const first = problems[0];
  const summary = first ? `${first.path || '/'}: ${first.message}` : 'invalid';
  return new AdvisoryError('ADVISORY_INVALID', `The advisory is not valid (${problems.length}${problems.length >= LIMITS.problems ? '+' : ''} problems; first: ${summary})`, {
    details: { errors: problems },
  });
}
