/**
 * Type names and identifiers (STIX 2.1 §2.9, §3.1; cti-stix2-json-schemas
 * schemas/common/identifier.json and core.json).
 */

/** Lowercase ASCII letters, digits and single hyphens, starting with a letter, 3–250 characters (§3.1, §11.2.1). */
const TYPE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** RFC 4122 text form; versions 1–5 and the RFC 4122 variant (identifier.json). */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
/** Property names: lowercase ASCII, digits, underscore, starting with a letter, 3–250 characters (§3.1, §11.1.1). */
const PROPERTY_NAME = /^[a-z][a-z0-9_]{2,249}$/;

export function isTypeName(s: string): boolean {
  return s.length >= 3 && s.length <= 250 && TYPE_NAME.test(s);
}

export function isPropertyName(s: string): boolean {
  return PROPERTY_NAME.test(s) || s === 'id';
}

export interface ParsedIdentifier {
  type: string;
  uuid: string;
  version: number;
}

/** Splits `<type>--<uuid>`; `undefined` when either half is malformed. */
export function parseIdentifier(id: string): ParsedIdentifier | undefined {
  if (id.length > 300) return undefined;
  const sep = id.lastIndexOf('--');
  if (sep < 0) return undefined;
  const type = id.slice(0, sep);
  const uuid = id.slice(sep + 2);
  if (!isTypeName(type) || !UUID.test(uuid)) return undefined;
  return { type, uuid: uuid.toLowerCase(), version: parseInt(uuid.charAt(14), 16) };
}

/** A human explanation of why `id` is not an identifier. */
export function identifierProblem(id: string): string {
  const sep = id.lastIndexOf('--');
  if (sep < 0) return `${JSON.stringify(id.slice(0, 80))} is not an identifier (<type>--<UUID>)`;
  const type = id.slice(0, sep);
  const uuid = id.slice(sep + 2);
  if (!isTypeName(type)) return `${JSON.stringify(type.slice(0, 80))} is not a valid type name in identifier`;
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid)) return `${JSON.stringify(uuid.slice(0, 80))} is not a UUID`;
  if (!/^[89abAB]$/.test(uuid.charAt(19))) return `UUID ${uuid} is not of the RFC 4122 variant`;
  return `UUID ${uuid} has version ${uuid.charAt(14)}; RFC 4122 defines versions 1 to 5`;
}
