import type { StixObject } from './types.js';

/**
 * Reading STIX objects for tables and detail pages. Objects come from other
 * signatories and TAXII clients: every property is checked before use and
 * anything unexpected falls back to the object's id.
 */

/** Accord's property extension naming who an AMBER or RED object is shared with (src/intel/service.ts). */
export const SHARING_EXTENSION_ID = 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** `indicator--1234abcd-…` → `indicator--1234abcd` */
export function shortStixId(id: string): string {
  const i = id.indexOf('--');
  return i < 0 ? id.slice(0, 20) : id.slice(0, i + 10);
}

/** The type part of a STIX id (`indicator--…` → `indicator`). */
export function typeOfId(id: string): string {
  const i = id.indexOf('--');
  return i < 0 ? '' : id.slice(0, i);
}

/** What people call an object: its name, its value (observables), a relationship's verb, else its short id. */
export function objectTitle(o: StixObject): string {
  const name = str(o.name) ?? str(o.value);
  if (name) return name;
  if (o.type === 'relationship') return `${str(o.relationship_type) ?? 'related-to'} relationship`;
  if (o.type === 'sighting') return `Sighting${typeof o.count === 'number' ? ` ×${o.count}` : ''}`;
  const hashes = o.hashes;
  if (hashes && typeof hashes === 'object' && !Array.isArray(hashes)) {
    const first = Object.entries(hashes as Record<string, unknown>).find(([, v]) => typeof v === 'string');
    if (first) return `${first[0]} ${String(first[1])}`;
  }
  return shortStixId(o.id);
}

/** The technical line under the title: a pattern, an observable's value, what a relationship or sighting links. */
export function objectDetail(o: StixObject): string | undefined {
  if (str(o.pattern)) return o.pattern;
  if (o.type === 'relationship') return `${shortStixId(String(o.source_ref ?? '?'))} → ${shortStixId(String(o.target_ref ?? '?'))}`;
  if (o.type === 'sighting') {
    const first = str(o.first_seen)?.slice(0, 10);
    const last = str(o.last_seen)?.slice(0, 10);
    const seen = first || last ? ` · seen ${first ?? '?'}${last && last !== first ? ` → ${last}` : ''}` : '';
    return `of ${shortStixId(String(o.sighting_of_ref ?? '?'))}${seen}`;
  }
  if (str(o.name) && str(o.value)) return o.value;
  if (o.type === 'report' && Array.isArray(o.object_refs)) return `${o.object_refs.length} referenced object${o.object_refs.length === 1 ? '' : 's'}`;
  const kinds = o.malware_types ?? o.indicator_types ?? o.threat_actor_types ?? o.report_types;
  if (Array.isArray(kinds) && kinds.every((k) => typeof k === 'string')) return kinds.join(', ');
  return undefined;
}

export function labelsOf(o: StixObject): string[] {
  return Array.isArray(o.labels) ? o.labels.filter((l): l is string => typeof l === 'string') : [];
}

/** Who an AMBER or RED object names as recipients (`org:<slug>`, `group:<slug>`, `user:<email>`, `org-id:<uuid>`). */
export function recipientsOf(o: StixObject): string[] {
  const ext = o.extensions;
  if (!ext || typeof ext !== 'object') return [];
  const sharing = (ext as Record<string, unknown>)[SHARING_EXTENSION_ID];
  if (!sharing || typeof sharing !== 'object') return [];
  const r = (sharing as Record<string, unknown>).recipients;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}

/** STIX ids this object points at, with the property that names them (for links on the detail page). */
export function refsOf(o: StixObject): { prop: string; id: string }[] {
  const out: { prop: string; id: string }[] = [];
  for (const prop of ['source_ref', 'target_ref', 'sighting_of_ref', 'created_by_ref']) {
    const v = o[prop];
    if (typeof v === 'string') out.push({ prop, id: v });
  }
  for (const prop of ['object_refs', 'where_sighted_refs', 'observed_data_refs']) {
    const v = o[prop];
    if (Array.isArray(v)) for (const id of v.slice(0, 200)) if (typeof id === 'string') out.push({ prop, id });
  }
  return out;
}

/** STIX cyber-observable types (STIX 2.1 §6): they have no `created` and are matched by value. */
const OBSERVABLE_TYPES = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

/** A colour per kind of object, the same on every intel page (tone-* classes). */
export function typeTone(type: string): string {
  if (type === 'indicator') return 'blue';
  if (type === 'malware' || type === 'threat-actor' || type === 'intrusion-set' || type === 'campaign' || type === 'tool') return 'red';
  if (type === 'sighting' || type === 'observed-data') return 'purple';
  if (type === 'report' || type === 'note' || type === 'opinion' || type === 'vulnerability' || type === 'attack-pattern') return 'amber';
  if (OBSERVABLE_TYPES.has(type)) return 'green';
  return 'gray';
}

/** Types offered in the search filter, most used first; any other type still shows in results. */
export const SEARCH_TYPES: readonly string[] = [
  'indicator',
  'malware',
  'sighting',
  'relationship',
  'report',
  'threat-actor',
  'campaign',
  'attack-pattern',
  'vulnerability',
  'tool',
  'observed-data',
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'file',
  'email-addr',
];

/** A date-time property for display, or undefined when absent or not a string. */
export function timestampOf(o: StixObject, prop: string): string | undefined {
  return str(o[prop]);
}
