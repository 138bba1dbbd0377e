/**
 * Reading a published CSAF 2.0 document for the public advisory page. The
 * document comes from the server but is data, not trusted markup: every
 * field is read defensively (wrong types become absent) and shown as text.
 */

export interface CsafProduct {
  id: string;
  name: string;
  vendor: string | null;
  product: string | null;
  version: string | null;
  /** A `product_version_range` branch (a `vers:` range) rather than one version. */
  range: boolean;
  purl: string | null;
  cpe: string | null;
}

export interface CsafScore {
  version: string;
  vector: string;
  score: number | null;
  severity: string | null;
  products: string[];
}

export interface CsafRemediation {
  category: string;
  details: string;
  url: string | null;
  products: string[];
}

export interface CsafVulnerability {
  cve: string | null;
  title: string | null;
  cwe: { id: string; name: string } | null;
  description: string | null;
  /** Product status group (`fixed`, `known_affected`…) → product ids. */
  status: [string, string[]][];
  remediations: CsafRemediation[];
  scores: CsafScore[];
  acknowledgments: string[];
}

export interface CsafReading {
  title: string | null;
  summary: string | null;
  notes: { category: string; title: string | null; text: string }[];
  publisher: string | null;
  status: string | null;
  revisions: { number: string; date: string; summary: string }[];
  references: { url: string; summary: string; category: string }[];
  products: Map<string, CsafProduct>;
  vulnerabilities: CsafVulnerability[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Walks the product tree's branches (vendor → product_name → product_version[_range]) and its full product names. */
function flattenProducts(tree: Obj | null): Map<string, CsafProduct> {
  const out = new Map<string, CsafProduct>();
  const visit = (branch: Obj, path: { vendor: string | null; product: string | null }) => {
    const category = str(branch.category);
    const name = str(branch.name);
    const here = {
      vendor: category === 'vendor' ? name : path.vendor,
      product: category === 'product_name' || category === 'product_family' ? name : path.product,
    };
    const p = obj(branch.product);
    const id = str(p?.product_id);
    if (p && id) {
      const helper = obj(p.product_identification_helper);
      out.set(id, {
        id,
        name: str(p.name) ?? id,
        vendor: here.vendor,
        product: here.product,
        version: category === 'product_version' || category === 'product_version_range' ? name : null,
        range: category === 'product_version_range',
        purl: str(helper?.purl),
        cpe: str(helper?.cpe),
      });
    }
    for (const b of arr(branch.branches)) {
      const child = obj(b);
      if (child) visit(child, here);
    }
  };
  for (const b of arr(tree?.branches)) {
    const child = obj(b);
    if (child) visit(child, { vendor: null, product: null });
  }
  for (const f of arr(tree?.full_product_names)) {
    const p = obj(f);
    const id = str(p?.product_id);
    if (p && id && !out.has(id)) {
      const helper = obj(p.product_identification_helper);
      out.set(id, { id, name: str(p.name) ?? id, vendor: null, product: null, version: null, range: false, purl: str(helper?.purl), cpe: str(helper?.cpe) });
    }
  }
  return out;
}

const STATUS_ORDER = ['known_affected', 'first_affected', 'last_affected', 'under_investigation', 'known_not_affected', 'fixed', 'first_fixed', 'recommended'];

export function readCsaf(doc: unknown): CsafReading {
  const root = obj(doc);
  const d = obj(root?.document);
  const notes = arr(d?.notes)
    .map(obj)
    .filter((n): n is Obj => n !== null && typeof n.text === 'string')
    .map((n) => ({ category: str(n.category) ?? 'general', title: str(n.title), text: str(n.text)! }));
  const tracking = obj(d?.tracking);
  const vulnerabilities = arr(root?.vulnerabilities)
    .map(obj)
    .filter((v): v is Obj => v !== null)
    .map((v): CsafVulnerability => {
      const ps = obj(v.product_status);
      const status = STATUS_ORDER.filter((k) => arr(ps?.[k]).length > 0).map((k): [string, string[]] => [k, arr(ps?.[k]).map(str).filter((s): s is string => s !== null)]);
      const cwe = obj(v.cwe);
      const vnotes = arr(v.notes).map(obj);
      return {
        cve: str(v.cve),
        title: str(v.title),
        cwe: cwe && str(cwe.id) ? { id: str(cwe.id)!, name: str(cwe.name) ?? '' } : null,
        description: vnotes.map((n) => (n && (n.category === 'description' || n.category === 'summary') ? str(n.text) : null)).find((t) => t !== null) ?? null,
        status,
        remediations: arr(v.remediations)
          .map(obj)
          .filter((r): r is Obj => r !== null)
          .map((r) => ({ category: str(r.category) ?? 'other', details: str(r.details) ?? '', url: str(r.url), products: arr(r.product_ids).map(str).filter((s): s is string => s !== null) })),
        scores: arr(v.scores)
          .map(obj)
          .filter((s): s is Obj => s !== null)
          .flatMap((s) => {
            const products = arr(s.products).map(str).filter((x): x is string => x !== null);
            const out: CsafScore[] = [];
            const v3 = obj(s.cvss_v3);
            if (v3) out.push({ version: str(v3.version) ?? '3.1', vector: str(v3.vectorString) ?? '', score: num(v3.baseScore), severity: str(v3.baseSeverity), products });
            const v4 = obj(s.cvss_v4);
            if (v4) out.push({ version: '4.0', vector: str(v4.vectorString) ?? '', score: num(v4.baseScore), severity: str(v4.baseSeverity), products });
            return out;
          }),
        acknowledgments: arr(v.acknowledgments).flatMap((a) => {
          const o = obj(a);
          const names = arr(o?.names).map(str).filter((s): s is string => s !== null);
          const org = str(o?.organization);
          return names.length > 0 ? names.map((n) => (org ? `${n} (${org})` : n)) : org ? [org] : [];
        }),
      };
    });
  return {
    title: str(d?.title),
    summary: notes.find((n) => n.category === 'summary')?.text ?? null,
    notes: notes.filter((n) => n.category !== 'summary'),
    publisher: str(obj(d?.publisher)?.name),
    status: str(tracking?.status),
    revisions: arr(tracking?.revision_history)
      .map(obj)
      .filter((r): r is Obj => r !== null)
      .map((r) => ({ number: str(r.number) ?? '?', date: str(r.date) ?? '', summary: str(r.summary) ?? '' })),
    references: arr(d?.references)
      .map(obj)
      .filter((r): r is Obj => r !== null && typeof r.url === 'string')
      .map((r) => ({ url: str(r.url)!, summary: str(r.summary) ?? str(r.url)!, category: str(r.category) ?? 'external' })),
    products: flattenProducts(obj(root?.product_tree)),
    vulnerabilities,
  };
}
