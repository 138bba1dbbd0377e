import { useEffect, useState } from 'react';
import type { OrgRef } from '../use-org-names.js';
import { concat, fromHex, subtle, toHex, utf8 } from '../verify/bytes.js';

/**
 * Accord gives each organisation a STIX identity whose id is a UUIDv5 of the
 * organisation id (src/intel/identity.ts). Computing the same ids here names
 * `created_by_ref` and `where_sighted_refs` without another request; an
 * identity that is not an organisation's stays an id.
 */
const ACCORD_IDENTITY_NAMESPACE = '3a4e1f8c-8a0c-5d43-9d4e-6a2b7c1f0e51';

/** RFC 4122 §4.3 name-based UUID, version 5 (SHA-1), through WebCrypto. */
async function uuidV5(namespace: string, name: string): Promise<string> {
  const ns = fromHex(namespace.replace(/-/g, ''))!;
  const hash = new Uint8Array(await subtle().digest('SHA-1', concat(ns, utf8(name))));
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Identity id → organisation, for the organisations in `names`. */
export function useOrgIdentities(names: Map<string, OrgRef>): Map<string, OrgRef & { id: string }> {
  const [map, setMap] = useState<Map<string, OrgRef & { id: string }>>(() => new Map());
  useEffect(() => {
    let live = true;
    Promise.all([...names].map(async ([id, ref]) => [`identity--${await uuidV5(ACCORD_IDENTITY_NAMESPACE, id)}`, { ...ref, id }] as const))
      .then((pairs) => live && setMap(new Map(pairs)))
      .catch(() => {
        // No WebCrypto (plain HTTP off localhost): identities stay ids.
      });
    return () => {
      live = false;
    };
  }, [names]);
  return map;
}
