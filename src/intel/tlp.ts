import { IntelError } from './errors.js';

/**
 * Traffic Light Protocol levels and the STIX marking definitions that carry
 * them. Mapping only: who may read what is decided elsewhere (DESIGN.md,
 * Access model).
 *
 * Sources:
 * - TLP 1.0: STIX 2.1 §7.2.1.4, the four predefined marking definitions
 *   (oasis-tcs/cti-stix2 spec/stix-v2.1.md; cti-stix2-json-schemas
 *   schemas/common/marking-definition.json `tlp_white` … `tlp_red`).
 * - TLP 2.0: oasis-open/cti-stix-common-objects
 *   extension-definition-specifications/tlp-2.0/marking-definition.json and
 *   examples/tlp-*.json, marked through the property extension
 *   extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.
 */

export type TlpLevel = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';

/** From least to most restrictive. */
export const TLP_LEVELS: readonly TlpLevel[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const TLP2_CREATED = '2022-10-01T00:00:00.000Z';
export const TLP1_CREATED = '2017-01-20T00:00:00.000Z';

/** TLP 2.0 marking definitions (cti-stix-common-objects tlp-2.0/marking-definition.json). */
export const TLP2_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** TLP 1.0 marking definitions predefined by STIX 2.1 §7.2.1.4 (WHITE became CLEAR in TLP 2.0; 1.0 had no AMBER+STRICT). */
export const TLP1_MARKING_IDS: Readonly<Record<'WHITE' | 'GREEN' | 'AMBER' | 'RED', string>> = {
  WHITE: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  GREEN: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  AMBER: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  RED: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

const BY_ID: ReadonlyMap<string, { level: TlpLevel; version: 1 | 2 }> = new Map<string, { level: TlpLevel; version: 1 | 2 }>([
  ...TLP_LEVELS.map((level): [string, { level: TlpLevel; version: 1 | 2 }] => [TLP2_MARKING_IDS[level], { level, version: 2 }]),
  [TLP1_MARKING_IDS.WHITE, { level: 'CLEAR', version: 1 }],
  [TLP1_MARKING_IDS.GREEN, { level: 'GREEN', version: 1 }],
  [TLP1_MARKING_IDS.AMBER, { level: 'AMBER', version: 1 }],
  [TLP1_MARKING_IDS.RED, { level: 'RED', version: 1 }],
]);

/** The TLP level a marking-definition id stands for, or `undefined` for any other marking. */
export function tlpLevelOfMarking(id: string): TlpLevel | undefined {
  return BY_ID.get(id)?.level;
}

/** The TLP version (1 or 2) of a TLP marking-definition id, or `undefined`. */
export function tlpVersionOfMarking(id: string): 1 | 2 | undefined {
  return BY_ID.get(id)?.version;
}

/** True when `a` restricts at least as much as `b`. */
export function tlpAtLeast(a: TlpLevel, b: TlpLevel): boolean {
  return TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b);
}

/** The more restrictive of two levels. */
export function mostRestrictive(a: TlpLevel, b: TlpLevel): TlpLevel {
  return tlpAtLeast(a, b) ? a : b;
}

/**
 * Reads a level name: `CLEAR`, `TLP:AMBER+STRICT`, `amber+strict`, or the TLP
 * 1.0 `WHITE` (read as CLEAR, as TLP 2.0 renamed it). Throws TLP_UNKNOWN otherwise.
 */
export function parseTlpLevel(name: string): TlpLevel {
  const n = String(name).trim().toUpperCase().replace(/^TLP:/, '');
  if (n === 'WHITE') return 'CLEAR';
  if ((TLP_LEVELS as readonly string[]).includes(n)) return n as TlpLevel;
  throw new IntelError('TLP_UNKNOWN', `unknown TLP level ${JSON.stringify(String(name).slice(0, 40))}`);
}

/** The TLP 2.0 marking-definition id of a level. */
export function tlpMarkingId(level: TlpLevel): string {
  const id = TLP2_MARKING_IDS[level];
  if (!id) throw new IntelError('TLP_UNKNOWN', `unknown TLP level ${JSON.stringify(String(level).slice(0, 40))}`);
  return id;
}

/** The TLP 2.0 marking-definition object of a level, exactly as cti-stix-common-objects publishes it. */
export function tlpMarkingDefinition(level: TlpLevel): Record<string, unknown> {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: tlpMarkingId(level),
    created: TLP2_CREATED,
    name: `TLP:${level}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level.toLowerCase() } },
  };
}

/** TLP markings found on an object: the object-level one (most restrictive of several) and per granular marking. */
export interface TlpMarkings {
  object: TlpLevel | undefined;
  granular: { selectors: string[]; level: TlpLevel }[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lists the TLP markings of a STIX object (object_marking_refs and granular_markings). Non-TLP markings are ignored. */
export function tlpMarkingsOf(object: unknown): TlpMarkings {
  const out: TlpMarkings = { object: undefined, granular: [] };
  if (!isRecord(object)) return out;
  if (Array.isArray(object.object_marking_refs)) {
    for (const ref of object.object_marking_refs) {
      const level = typeof ref === 'string' ? tlpLevelOfMarking(ref) : undefined;
      if (level) out.object = out.object ? mostRestrictive(out.object, level) : level;
    }
  }
  if (Array.isArray(object.granular_markings)) {
    for (const gm of object.granular_markings) {
      if (!isRecord(gm) || typeof gm.marking_ref !== 'string') continue;
      const level = tlpLevelOfMarking(gm.marking_ref);
      if (level) out.granular.push({ selectors: Array.isArray(gm.selectors) ? gm.selectors.filter((s): s is string => typeof s === 'string') : [], level });
    }
  }
  return out;
}

/**
 * The TLP level that governs an object: the most restrictive TLP marking it
 * carries, object-level or granular (a part marked RED makes the whole object
 * RED for anyone who would receive it unredacted), or `collectionDefault` when
 * it carries none. An object can never come out less restrictive than what it
 * is marked with; whether the collection default may raise it is the caller's
 * policy, so it is used only as the fallback.
 */
export function tlpOf(object: unknown, collectionDefault: TlpLevel): TlpLevel {
  const m = tlpMarkingsOf(object);
  let level = m.object;
  for (const g of m.granular) level = level ? mostRestrictive(level, g.level) : g.level;
  return level ?? collectionDefault;
}
