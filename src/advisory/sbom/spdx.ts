import { SbomCollector, str } from './collect.js';
import { SbomError } from './errors.js';
import type { ParsedSbom } from './model.js';

/**
 * SPDX 2.3 JSON (spdx/spdx-spec, schemas/spdx-schema.json): `packages[]` with
 * `SPDXID`, `name`, `versionInfo` and `externalRefs[]` — a PACKAGE-MANAGER
 * reference of type "purl" gives the purl, a SECURITY reference of type
 * "cpe23Type" (or "cpe22Type") the CPE; the JSON schema spells the category
 * with "-" or "_", both are read. `relationships[]` (DESCRIBES, DEPENDS_ON,
 * CONTAINS and their inverses DESCRIBED_BY, DEPENDENCY_OF, CONTAINED_BY) and
 * `documentDescribes` give the dependency depths. SPDX 2.2 has the same shape
 * and is read too.
 */
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const category = (v: unknown): string => (typeof v === 'string' ? v.toUpperCase().replace(/_/g, '-') : '');

export function readSpdx(doc: Record<string, unknown>): ParsedSbom {
  const c = new SbomCollector();
  const version = doc.spdxVersion as string;
  if (version !== 'SPDX-2.3' && version !== 'SPDX-2.2') {
    c.warn({ code: 'SPEC_VERSION_UNSUPPORTED', message: `${JSON.stringify(version.slice(0, 40))} is not SPDX 2.3; read with the 2.3 field names.`, path: '/spdxVersion' });
  }
  if (doc.packages !== undefined && !Array.isArray(doc.packages)) throw new SbomError('SBOM_INVALID', '"packages" must be an array.', { details: { path: '/packages' } });
  const packages = (doc.packages ?? []) as unknown[];
  packages.forEach((p, i) => {
    const path = `/packages/${i}`;
    if (!isObject(p)) {
      c.warn({ code: 'COMPONENT_MALFORMED', message: 'A package is not an object; skipped.', path });
      return;
    }
    const ref = str(p.SPDXID);
    const purls: string[] = [];
    let cpe: string | null = null;
    if (Array.isArray(p.externalRefs)) {
      for (const r of p.externalRefs) {
        if (!isObject(r) || typeof r.referenceLocator !== 'string') continue;
        const cat = category(r.referenceCategory);
        if (cat === 'PACKAGE-MANAGER' && r.referenceType === 'purl') purls.push(r.referenceLocator);
        else if (cat === 'SECURITY' && (r.referenceType === 'cpe23Type' || r.referenceType === 'cpe22Type') && cpe === null) cpe = r.referenceLocator;
      }
    }
    if (new Set(purls).size > 1) c.warn({ code: 'MULTIPLE_PURLS', message: `The package lists ${purls.length} purls; the first is used.`, path, ...(ref === null ? {} : { ref }) });
    const name = str(p.name);
    if (name === null) c.warn({ code: 'COMPONENT_MALFORMED', message: 'A package has no "name".', path, ...(ref === null ? {} : { ref }) });
    c.add({ ref, name, version: str(p.versionInfo), group: null, purl: purls[0] ?? null, cpe, path });
  });

  const documentId = str(doc.SPDXID) ?? 'SPDXRef-DOCUMENT';
  // Relationships also name files, snippets, the document and other documents' elements: only package-to-package
  // edges matter for depths, and only ids that are nowhere in the document are worth a warning.
  const elements = new Set<string>([documentId]);
  for (const list of [doc.files, doc.snippets]) {
    if (Array.isArray(list)) for (const e of list) if (isObject(e) && typeof e.SPDXID === 'string') elements.add(e.SPDXID);
  }
  const endpoint = (id: string, path: string): boolean => {
    if (c.has(id)) return true;
    if (!elements.has(id) && !id.startsWith('DocumentRef-') && id !== 'NOASSERTION' && id !== 'NONE') c.known(id, path);
    return false;
  };
  const edge = (from: string, to: string, path: string): void => {
    const a = endpoint(from, path);
    const b = endpoint(to, path);
    if (a && b) c.edge(from, to, path);
  };
  const roots = new Set<string>(Array.isArray(doc.documentDescribes) ? doc.documentDescribes.filter((x): x is string => typeof x === 'string') : []);
  if (Array.isArray(doc.relationships)) {
    doc.relationships.forEach((r, i) => {
      const path = `/relationships/${i}`;
      if (!isObject(r) || typeof r.spdxElementId !== 'string' || typeof r.relatedSpdxElement !== 'string') return;
      const a = r.spdxElementId;
      const b = r.relatedSpdxElement;
      switch (r.relationshipType) {
        case 'DESCRIBES':
          if (a === documentId) roots.add(b);
          break;
        case 'DESCRIBED_BY':
          if (b === documentId) roots.add(a);
          break;
        case 'DEPENDS_ON':
        case 'CONTAINS':
          edge(a, b, path);
          break;
        case 'DEPENDENCY_OF':
        case 'CONTAINED_BY':
          edge(b, a, path);
          break;
        default:
          endpoint(a, path);
          endpoint(b, path);
      }
    });
  }
  c.computeDepths([...roots]);
  return c.finish('spdx', version);
}
