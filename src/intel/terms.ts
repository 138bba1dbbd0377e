import { compileEquality, parsePattern, type Pattern } from './pattern/index.js';

/**
 * Search terms of a STIX object, for "have we seen this value?" lookups:
 * `v:<value>` for observable values (SCO values, hashes, file names, and the
 * values an indicator's pattern compares by equality), `l:<label>`, and
 * `r:<stix id>` for the objects it points at (relationships, sightings,
 * reports). Values are lower-cased, so lookups ignore case.
 */

const MAX_TERMS = 64;
const MAX_TERM = 512;
const REF_PROPS = ['source_ref', 'target_ref', 'sighting_of_ref'];
const REF_LIST_PROPS = ['object_refs', 'where_sighted_refs', 'observed_data_refs'];
const VALUE_PROPS = ['value', 'name', 'path', 'number', 'body'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The normalised term for an observable value (what a search for `value` looks up). */
export function valueTerm(value: string): string {
  return `v:${value.trim().toLowerCase()}`.slice(0, MAX_TERM);
}

export function labelTerm(label: string): string {
  return `l:${label.trim().toLowerCase()}`.slice(0, MAX_TERM);
}

export function refTerm(id: string): string {
  return `r:${id}`;
}

/** `pattern`: the indicator's pattern as validation parsed it, when the caller has it (else it is parsed here). */
export function termsOf(obj: Record<string, unknown>, pattern?: Pattern): string[] {
  const out = new Set<string>();
  const type = obj.type;
  const addValue = (v: unknown): void => {
    if (typeof v === 'string' && v.length > 0) out.add(valueTerm(v));
    else if (typeof v === 'number' && Number.isFinite(v)) out.add(valueTerm(String(v)));
  };
  if (type === 'indicator' && obj.pattern_type === 'stix' && typeof obj.pattern === 'string') {
    try {
      const terms = compileEquality(pattern ?? parsePattern(obj.pattern));
      if (terms) for (const t of terms) addValue(t.value);
    } catch {
      // Validation refuses bad patterns before this; nothing to index otherwise.
    }
  }
  if (typeof obj.id === 'string' && !('created' in obj)) {
    // A cyber observable: its own values and hashes.
    for (const k of VALUE_PROPS) if (k !== 'name' || type === 'file' || type === 'directory' || type === 'software') addValue(obj[k]);
    if (isRecord(obj.hashes)) for (const h of Object.values(obj.hashes)) addValue(h);
  }
  if (Array.isArray(obj.labels)) for (const l of obj.labels) if (typeof l === 'string' && l.length > 0) out.add(labelTerm(l));
  for (const k of REF_PROPS) if (typeof obj[k] === 'string') out.add(refTerm(obj[k]));
  for (const k of REF_LIST_PROPS) {
    const list = obj[k];
    if (Array.isArray(list)) for (const r of list.slice(0, MAX_TERMS)) if (typeof r === 'string') out.add(refTerm(r));
  }
  return [...out].slice(0, MAX_TERMS);
}
