import { randomUUID } from 'node:crypto';
import { uuidV5 } from '../stix/deterministic-id.js';
import { parseStixTimestamp } from '../timestamp.js';
import { mostRestrictive, type TlpLevel } from '../tlp.js';
import { isCurrent, objectTerms, type Exporter, type ExportMeta, type TermKind } from './csv.js';

/**
 * A MISP event in the MISP core format (misp-rfc, "MISP core format",
 * draft-dulaunoy-misp-core-format): `{"Event": {…, "Attribute": [...], "Tag": [...]}}`,
 * streamed — the header opens the event and its Attribute list, each object
 * adds attributes, the footer closes the list and adds the event's TLP tag
 * (the most restrictive level exported, unless one is given), which JSON
 * allows after the attributes since member order is free.
 *
 * Indicators become attributes with to_ids true: one per equality term, or,
 * when a term has no MISP type or the pattern is not a disjunction of
 * equalities, one `stix2-pattern` attribute holding the whole pattern;
 * yara/snort/suricata/sigma patterns become attributes of those types. SCOs
 * become attributes with to_ids false. Each attribute carries its object's TLP
 * and labels as tags; labels that look like TLP tags are dropped so a label
 * cannot contradict the marking. Skipped: revoked objects, SDOs other than
 * indicators, SROs, marking definitions, and SCO values without a MISP type.
 * Attribute uuids are UUIDv5 of the STIX id, type and value, so a re-export
 * updates the same attributes.
 */

export interface MispExportOptions {
  /** Event title (default "Accord intel export"). */
  info?: string;
  /** Event uuid (default a new UUIDv4); give the same one to update an event in MISP. */
  uuid?: string;
  /** Event date `YYYY-MM-DD` (default the day of `now`). */
  date?: string;
  now?: Date;
  /** 1 high, 2 medium, 3 low, 4 undefined (default 4). */
  threatLevelId?: 1 | 2 | 3 | 4;
  /** 0 initial, 1 ongoing, 2 completed (default 2). */
  analysis?: 0 | 1 | 2;
  /** 0 your organisation only (default), 1 this community, 2 connected communities, 3 all communities. */
  distribution?: 0 | 1 | 2 | 3;
  /** The creating organisation. */
  orgc?: { name: string; uuid?: string };
  /** The event's TLP tag; by default the most restrictive level among the exported objects. */
  tlp?: TlpLevel;
}

/** Namespace of the UUIDv5 attribute uuids of MISP exports. */
export const MISP_EXPORT_NAMESPACE = '90299b73-ce18-4987-bc01-be3eefea731f';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const NET = 'Network activity';
const DELIVERY = 'Payload delivery';

/** MISP attribute type and default category (MISP describeTypes.json sane_defaults) of each term kind. */
export const MISP_TYPE_OF_KIND: Readonly<Record<TermKind, { type: string; category: string }>> = {
  ipv4: { type: 'ip-dst', category: NET },
  ipv6: { type: 'ip-dst', category: NET },
  'ipv4-net': { type: 'ip-dst', category: NET },
  'ipv6-net': { type: 'ip-dst', category: NET },
  domain: { type: 'domain', category: NET },
  url: { type: 'url', category: NET },
  email: { type: 'email-src', category: DELIVERY },
  mac: { type: 'mac-address', category: NET },
  md5: { type: 'md5', category: DELIVERY },
  sha1: { type: 'sha1', category: DELIVERY },
  sha256: { type: 'sha256', category: DELIVERY },
  sha512: { type: 'sha512', category: DELIVERY },
  ssdeep: { type: 'ssdeep', category: DELIVERY },
  tlsh: { type: 'tlsh', category: DELIVERY },
  filename: { type: 'filename', category: DELIVERY },
  mutex: { type: 'mutex', category: 'Artifacts dropped' },
  asn: { type: 'AS', category: NET },
  'x509-md5': { type: 'x509-fingerprint-md5', category: NET },
  'x509-sha1': { type: 'x509-fingerprint-sha1', category: NET },
  'x509-sha256': { type: 'x509-fingerprint-sha256', category: NET },
};

/** Indicator pattern types MISP holds as attributes of the same name. */
const RULE_TYPES: Readonly<Record<string, { type: string; category: string }>> = {
  yara: { type: 'yara', category: 'Payload installation' },
  sigma: { type: 'sigma', category: 'Payload installation' },
  snort: { type: 'snort', category: NET },
  suricata: { type: 'suricata', category: NET },
};

/** The MISP taxonomy tag of a TLP level (taxonomies/tlp: `tlp:clear` … `tlp:red`). */
export function mispTlpTag(level: TlpLevel): string {
  return `tlp:${level.toLowerCase()}`;
}

const MAX_TAGS = 50;
const MAX_COMMENT = 4096;

function unixSeconds(v: unknown): string | undefined {
  const t = typeof v === 'string' ? parseStixTimestamp(v) : undefined;
  return t ? String(t.epochSeconds) : undefined;
}

function tagsOf(obj: Record<string, unknown>, meta: ExportMeta): { name: string }[] {
  const names = [mispTlpTag(meta.tlp)];
  if (Array.isArray(obj.labels)) {
    for (const l of obj.labels) {
      if (typeof l !== 'string' || l.trim() === '' || /^\s*tlp\s*:/i.test(l) || names.includes(l)) continue;
      if (names.length >= MAX_TAGS) break;
      names.push(l);
    }
  }
  return names.map((name) => ({ name }));
}

/** A MISP event (see the module comment for the mapping and what is skipped). */
export function mispExporter(options: MispExportOptions = {}): Exporter {
  const now = options.now ?? new Date();
  const uuid = options.uuid !== undefined && UUID_RE.test(options.uuid) ? options.uuid.toLowerCase() : randomUUID();
  const date = options.date !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(options.date) ? options.date : now.toISOString().slice(0, 10);
  const nowSeconds = String(Math.floor(now.getTime() / 1000));
  let count = 0;
  let seenTlp: TlpLevel | undefined;

  const attribute = (obj: Record<string, unknown>, meta: ExportMeta, t: { type: string; category: string }, value: string, toIds: boolean): Record<string, unknown> => {
    const name = typeof obj.name === 'string' ? obj.name : typeof obj.description === 'string' ? obj.description : '';
    const a: Record<string, unknown> = {
      uuid: uuidV5(MISP_EXPORT_NAMESPACE, `${typeof obj.id === 'string' ? obj.id : ''}\n${t.type}\n${value}`),
      type: t.type,
      category: t.category,
      value,
      to_ids: toIds,
      distribution: '5',
      timestamp: unixSeconds(obj.modified) ?? unixSeconds(obj.created) ?? nowSeconds,
      comment: Array.from(name).slice(0, MAX_COMMENT).join(''),
      Tag: tagsOf(obj, meta),
    };
    if (toIds && typeof obj.valid_from === 'string') a.first_seen = obj.valid_from;
    if (toIds && typeof obj.valid_until === 'string') a.last_seen = obj.valid_until;
    return a;
  };

  const attributesOf = (obj: Record<string, unknown>, meta: ExportMeta): Record<string, unknown>[] => {
    if (!isCurrent(obj)) return [];
    if (obj.type === 'indicator' && typeof obj.pattern === 'string' && typeof obj.pattern_type === 'string' && RULE_TYPES[obj.pattern_type]) {
      return [attribute(obj, meta, RULE_TYPES[obj.pattern_type] as { type: string; category: string }, obj.pattern, true)];
    }
    const terms = objectTerms(obj);
    if (!terms) return [];
    const indicator = terms.source === 'indicator';
    const mapped = terms.terms.map((x) => (x.kind ? { m: MISP_TYPE_OF_KIND[x.kind], value: String(x.value) } : undefined));
    if (indicator && (terms.unsupported === 'pattern-shape' || mapped.some((m) => m === undefined))) {
      return typeof obj.pattern === 'string' ? [attribute(obj, meta, { type: 'stix2-pattern', category: 'Payload installation' }, obj.pattern, true)] : [];
    }
    return mapped.filter((m) => m !== undefined).map((m) => attribute(obj, meta, m.m, m.value, indicator));
  };

  return {
    contentType: 'application/json',
    extension: () => 'json',
    header() {
      const event: Record<string, unknown> = {
        uuid,
        info: options.info ?? 'Accord intel export',
        date,
        timestamp: nowSeconds,
        published: false,
        threat_level_id: String(options.threatLevelId ?? 4),
        analysis: String(options.analysis ?? 2),
        distribution: String(options.distribution ?? 0),
      };
      if (options.orgc) event.Orgc = { name: options.orgc.name, ...(options.orgc.uuid && UUID_RE.test(options.orgc.uuid) ? { uuid: options.orgc.uuid } : {}) };
      return `{"Event":${JSON.stringify(event).slice(0, -1)},"Attribute":[`;
    },
    line(obj, meta) {
      const attributes = attributesOf(obj, meta);
      if (attributes.length === 0) return '';
      seenTlp = seenTlp ? mostRestrictive(seenTlp, meta.tlp) : meta.tlp;
      let out = '';
      for (const a of attributes) out += `${count++ === 0 ? '\n' : ',\n'}${JSON.stringify(a)}`;
      return out;
    },
    footer() {
      const tlp = options.tlp ?? seenTlp;
      return `\n]${tlp ? `,"Tag":${JSON.stringify([{ name: mispTlpTag(tlp) }])}` : ''}}}\n`;
    },
  };
}
