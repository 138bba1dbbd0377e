import { randomBytes } from 'node:crypto';
import { idKey } from './id-key.js';
import { intelEntryOf } from './ledger-feed.js';
import { canonicalJson } from './stix/deterministic-id.js';
import type { NewIntelObjectVersion, StatusDetail } from './ports.js';
import { validateStixObject, type StixValidationOptions } from './stix.js';
import { termsOf } from './terms.js';
import { tlpOf, type TlpLevel } from './tlp.js';

/**
 * The CPU-bound part of storing a posted object, free of any I/O and any
 * state, so it can run on a worker thread (prepare-pool.ts): STIX validation
 * (patterns included), the TLP level, the shape of the sharing extension,
 * the stored JSON, the search terms and the id key. Who posts, the salt and the
 * recipients' ids are added by the service.
 */

/** Accord's property extension naming who an AMBER or RED object is shared with. */
export const SHARING_EXTENSION_ID = 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1';

export type PreparedRow = Omit<NewIntelObjectVersion, 'author_org_id' | 'author_user_id' | 'recipients' | 'created' | 'id_key'> & {
  /** null when the object has no `created` (an SCO): the service uses the time it stores it. */
  created: string | null;
  id_key: number;
};

export type Prepared =
  | { failure: StatusDetail }
  | {
      row: PreparedRow;
      /** The recipients the sharing extension names, as written (`org:<slug>` …), to resolve; null without the extension. */
      recipientRefs: string[] | null;
      /** For a failure found later (an unknown recipient). */
      id: string;
      version: string;
      /** The version's ledger entry (ledger-feed.ts intelEntry of the row), when prepared for a collection. */
      entry?: Uint8Array;
    };

let salts = Buffer.alloc(0);
let saltAt = 0;

/** A fresh 32-byte commitment salt, hex; drawn from the CSPRNG 1,024 at a time (one call per salt was 4% of ingestion). */
export function freshSalt(): string {
  if (saltAt + 32 > salts.length) {
    salts = randomBytes(32 * 1024);
    saltAt = 0;
  }
  const hex = salts.toString('hex', saltAt, saltAt + 32);
  // Each salt is used once: wipe it from the pool.
  salts.fill(0, saltAt, saltAt + 32);
  saltAt += 32;
  return hex;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `version` per TAXII 2.1 §3.4.2 note: `modified`, else `created`; objects with neither are versioned by date_added (empty here, set by the store). */
export function versionOf(obj: Record<string, unknown>): string {
  if (typeof obj.modified === 'string') return obj.modified;
  if (typeof obj.created === 'string') return obj.created;
  return '';
}

/** How a status names a posted object: its id and version as posted (cut to a sane length), empty where it has none. */
export function detailOf(o: unknown): StatusDetail {
  return { id: isRecord(o) && typeof o.id === 'string' ? o.id.slice(0, 200) : '', version: isRecord(o) ? versionOf(o).slice(0, 40) : '' };
}

/**
 * Validates and prepares one posted object. With `collectionId` (what ingestion passes), non-CLEAR
 * rows get their commitment salt here and the result carries the version's ledger entry, computed
 * from the object already parsed; without it, the salt is left to the caller (null).
 */
export function prepareObject(obj: unknown, defaultTlp: TlpLevel, validation?: StixValidationOptions, collectionId?: string): Prepared {
  const { id, version } = detailOf(obj);
  const v = validateStixObject(obj, validation);
  if (!v.valid) {
    const msg = v.problems
      .slice(0, 5)
      .map((p) => `${p.path || '/'}: ${p.message}`)
      .join('; ');
    return { failure: { id, version, message: `not valid STIX 2.1: ${msg}${v.problems.length > 5 ? ` (+${v.problems.length - 5} more)` : ''}` } };
  }
  const o = obj as Record<string, unknown>;
  const tlp = tlpOf(o, defaultTlp);
  let recipientRefs: string[] | null = null;
  const ext = isRecord(o.extensions) ? o.extensions[SHARING_EXTENSION_ID] : undefined;
  if (ext !== undefined) {
    const list = isRecord(ext) ? ext.recipients : undefined;
    if (!Array.isArray(list) || list.length > 200 || !list.every((r): r is string => typeof r === 'string' && r.length <= 320)) {
      return { failure: { id, version, message: `extensions.${SHARING_EXTENSION_ID}.recipients must be a list of up to 200 "org:<slug>", "group:<slug>" or "user:<email>"` } };
    }
    recipientRefs = list;
  }
  const row: PreparedRow = {
    stix_id: o.id as string,
    type: o.type as string,
    version: versionOf(o),
    spec_version: typeof o.spec_version === 'string' ? o.spec_version : '2.1',
    tlp,
    revoked: o.revoked === true,
    json: JSON.stringify(o),
    salt: collectionId !== undefined && tlp !== 'CLEAR' ? freshSalt() : null,
    terms: termsOf(o, v.pattern),
    created: typeof o.created === 'string' ? o.created : null,
    id_key: idKey(o.id as string),
  };
  if (collectionId === undefined) return { row, recipientRefs, id, version };
  const entry = intelEntryOf(canonicalJson(o), { salt: row.salt, collection_id: collectionId, stix_id: row.stix_id, version: row.version });
  return { row, recipientRefs, id, version, entry };
}
