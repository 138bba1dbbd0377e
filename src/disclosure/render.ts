import { createAdvisory, osvPackageFromPurl } from '../advisory/model.js';
import { serializeCsaf, toCsaf } from '../advisory/csaf.js';
import { toOsv } from '../advisory/osv.js';
import { toCveRecords } from '../advisory/cve.js';
import { validateCsaf, validateOsv } from '../advisory/validate.js';
import { AccordError } from '../errors.js';
import { formatPurl, parsePurl } from '../release/purl.js';
import type { AdvisoryRenderer, RenderProblem, Rendered } from './advisories.js';
import type { Participant, VendorStatus } from './types.js';

export interface RendererOptions {
  /** The coordinator's name and web namespace (CSAF `document.publisher`). */
  publisher: { name: string; namespace: string };
  /** Where published advisories live (`<base>/api/v1/advisories/<id>`), for the CSAF `self` reference. */
  publicUrl: string;
  /** OSV id prefix (default `x_`: the OSV schema admits only registered database prefixes or `x_`). */
  osvIdPrefix?: string;
}

const STATUS_MAP: Record<VendorStatus['status'], string> = {
  affected: 'known_affected',
  not_affected: 'known_not_affected',
  fixed: 'fixed',
  under_investigation: 'under_investigation',
};

function keyOf(text: string, taken: Set<string>): string {
  const base = text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 56) || 'product';
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}-${i}`;
  taken.add(key);
  return key;
}

/** Versionless purl (the advisory's products name packages; versions go in ranges). */
function productPurl(purl: string | null): string | undefined {
  if (!purl) return undefined;
  try {
    const p = parsePurl(purl);
    return formatPurl({ ...p, version: undefined, qualifiers: {} });
  } catch {
    return undefined;
  }
}

/** The advisory renderer of a running server: Accord's advisory model rendered and checked by the reference validators. */
export function advisoryRenderer(o: RendererOptions): AdvisoryRenderer {
  return {
    draftFromCase({ record, participants, vulnerabilities, statuses }, trackingId) {
      const taken = new Set<string>();
      const vendors = participants.filter((p) => p.kind === 'vendor');
      const products = record.products.map((p) => {
        const purl = productPurl(p.purl);
        const pkg = purl ? osvPackageFromPurl(purl) : undefined;
        return {
          key: keyOf(p.name, taken),
          vendor: p.vendor ?? vendors[0]?.name ?? 'Unknown vendor',
          name: p.name,
          ...(purl ? { purl } : {}),
          ...(p.cpe ? { cpe: p.cpe } : {}),
          ...(pkg ? { package: pkg } : {}),
          versions: [],
          ranges: [],
        };
      });
      const vendorOf = (s: VendorStatus): Participant | undefined => vendors.find((v) => v.id === s.participant_id);
      const vulns = (vulnerabilities.length > 0 ? vulnerabilities : [{ id: '', cve: null, title: record.title, description: record.description, cwe: null, cvss: null }]).map((v) => {
        const mine = statuses.filter((s) => s.vulnerability_id === v.id);
        return {
          ...(v.cve ? { cve: v.cve } : {}),
          title: v.title,
          description: v.description,
          ...(v.cwe ? { cwe: v.cwe } : {}),
          ...(v.cvss && v.cvss.version === '3.1' ? { cvss3: { vector: v.cvss.vector } } : {}),
          // Each product takes the status its vendor gave (matched by vendor name); the coordinator refines it.
          products: products.map((p) => {
            const s = mine.find((x) => vendorOf(x)?.name === p.vendor) ?? mine[0];
            const status = s ? STATUS_MAP[s.status] : 'under_investigation';
            return { product: p.key, status, ...(s?.justification ? { justification: s.justification } : {}), ...(s?.status === 'not_affected' && s.statement ? { impact: s.statement } : {}) };
          }),
          remediations: [],
          acknowledgments: record.wishes.credit ? [{ name: record.wishes.credit, type: 'FINDER' }] : [],
          references: [],
        };
      });
      const draft = {
        id: trackingId,
        title: record.title,
        publisher: { name: o.publisher.name, namespace: o.publisher.namespace, category: 'coordinator' },
        tlp: 'CLEAR',
        lang: 'en',
        summary: record.description.slice(0, 4000),
        notes: [],
        products,
        vulnerabilities: vulns,
      };
      return draft satisfies Record<string, unknown>;
    },

    async render(draft, meta): Promise<Rendered> {
      const problems: RenderProblem[] = [];
      let advisory;
      try {
        advisory = createAdvisory({
          ...draft,
          id: meta.trackingId,
          status: 'final',
          revisions: meta.revisions,
          initialReleaseDate: meta.initialReleaseDate,
          currentReleaseDate: meta.currentReleaseDate,
          references: [
            ...((draft.references as unknown[] | undefined) ?? []).filter((r) => !(r as { self?: boolean }).self),
            { url: `${o.publicUrl}/api/v1/advisories/${encodeURIComponent(meta.trackingId)}/csaf`, summary: 'This advisory (CSAF 2.0)', type: 'ADVISORY', self: true },
          ],
        });
      } catch (err) {
        const errors = err instanceof AccordError && Array.isArray(err.details?.errors) ? (err.details.errors as { path: string; message: string }[]) : [{ path: '', message: (err as Error).message }];
        return { csaf: '', osv: '[]', cve: null, title: String(draft.title ?? ''), tlp: String(draft.tlp ?? ''), problems: errors.map((e) => ({ ...e, source: 'model' })) };
      }
      let csafText = '';
      try {
        const doc = toCsaf(advisory, { profile: 'csaf_security_advisory', engine: { name: 'Accord' } });
        csafText = serializeCsaf(doc);
        for (const p of await validateCsaf(JSON.parse(csafText))) problems.push({ path: p.path, message: p.message, source: `csaf:${p.test}` });
      } catch (err) {
        const errors = err instanceof AccordError && Array.isArray(err.details?.errors) ? (err.details.errors as { path: string; message: string }[]) : [{ path: '', message: (err as Error).message }];
        problems.push(...errors.map((e) => ({ ...e, source: 'csaf' })));
      }
      const records = toOsv(advisory, o.osvIdPrefix === undefined ? {} : { idPrefix: o.osvIdPrefix });
      records.forEach((r, i) => {
        for (const p of validateOsv(r)) problems.push({ path: `/${i}${p.path}`, message: p.message, source: 'osv' });
      });
      const cves = toCveRecords(advisory, { assignerOrgId: '00000000-0000-4000-8000-000000000000', assignerShortName: 'accord-draft' });
      return {
        csaf: csafText,
        osv: `${JSON.stringify(records, null, 2)}\n`,
        cve: cves.length > 0 ? `${JSON.stringify(cves.length === 1 ? cves[0] : cves, null, 2)}\n` : null,
        title: advisory.title,
        tlp: advisory.tlp,
        problems,
      };
    },
  };
}
