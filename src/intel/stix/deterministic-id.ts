import { hash } from 'node:crypto';
import { ID_CONTRIBUTING } from './catalog.js';

/**
 * Deterministic SCO identifiers (STIX 2.1 §2.9, §3.4): UUIDv5 in the STIX
 * namespace over the RFC 8785 (JCS) serialisation of the object's ID
 * contributing properties that are present.
 */
export const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** §6.1/§6.7/§6.18: when `hashes` contributes, only one hash, preferring these in order. */
const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'];

/**
 * RFC 8785 JSON Canonicalization Scheme. ECMAScript's own JSON number and
 * string serialisation is what JCS specifies; keys sort by UTF-16 code units,
 * which is what `Array.prototype.sort` compares. Depth is bounded by the
 * caller's prior limit checks.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('JCS cannot encode a non-finite number');
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`JCS cannot encode ${typeof value}`);
    return s;
  }
  // Built by concatenation: every ingested version's ledger entry is the canonical form of its object.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (out.length === 1 ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return `${out}}`;
}

/** Namespace UUIDs as bytes, kept: every SCO id checked uses the same one. */
const namespaces = new Map<string, Buffer>();

/** RFC 4122 §4.3 name-based UUID, version 5 (SHA-1). */
export function uuidV5(namespace: string, name: string): string {
  let ns = namespaces.get(namespace);
  if (ns === undefined) {
    ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (ns.length !== 16 || !/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(namespace)) throw new TypeError('namespace must be a UUID');
    if (namespaces.size < 16) namespaces.set(namespace, ns);
  }
  const b = hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]), 'buffer').subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The object of ID contributing properties for `sco`, or `undefined` when none is present (then UUIDv4 is required). */
export function idContributingObject(sco: Record<string, unknown>): Record<string, unknown> | undefined {
  const props = ID_CONTRIBUTING[String(sco.type)];
  if (!props) return undefined;
  const out: Record<string, unknown> = {};
  for (const p of props) {
    const v = sco[p];
    if (v === undefined) continue;
    if (p === 'hashes' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const hashes = v as Record<string, unknown>;
      const key = HASH_PREFERENCE.find((k) => k in hashes) ?? Object.keys(hashes)[0];
      if (key === undefined) continue;
      out.hashes = { [key]: hashes[key] };
    } else {
      out[p] = v;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The identifier STIX's default algorithm gives `sco`, or `undefined` when the
 * type is not one the specification defines or none of its ID contributing
 * properties is present.
 */
export function deterministicScoId(sco: Record<string, unknown>): string | undefined {
  const contributing = idContributingObject(sco);
  if (!contributing) return undefined;
  return `${String(sco.type)}--${uuidV5(SCO_NAMESPACE, canonicalJson(contributing))}`;
}
