import { hashValueProblem } from '../hashes.js';
import { EXTENSION_TYPES, PREDEFINED_EXTENSIONS, REF_RULES, RESERVED_PROPERTIES, type Category, type RefRule } from './catalog.js';
import {
  checkBoolean, checkDictionary, checkIdentifier, checkInteger, checkOrder, checkRef, checkRefs, checkString, checkStringList,
  checkTimestamp, has, type Ctx,
} from './checks.js';
import { identifierProblem, isPropertyName, isTypeName, parseIdentifier } from './identifier.js';
import { checkGranularMarkings } from './markings.js';
import { isRecord, pointer, preview } from './problems.js';

type Obj = Record<string, unknown>;

/** RFC 5646 language tag, syntax only (langtag, privateuse; grandfathered tags are not accepted). */
const LANG_TAG = /^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-x(?:-[A-Za-z0-9]{1,8})+)?|x(?:-[A-Za-z0-9]{1,8})+)$/;

export function checkLang(ctx: Ctx, obj: Obj, key: string, path: string): void {
  const v = checkString(ctx, obj, key, path);
  if (v !== undefined && !LANG_TAG.test(v)) ctx.problems.add(pointer(path, key), `${key} ${preview(v)} is not an RFC 5646 language tag`);
}

/** §2.5 external-reference: source_name plus one of description/url/external_id; CVE and CAPEC ids in their formats. */
function checkExternalReferences(ctx: Ctx, obj: Obj, path: string): void {
  if (!has(obj, 'external_references')) return;
  const v = obj.external_references;
  const p = pointer(path, 'external_references');
  if (!Array.isArray(v)) {
    ctx.problems.add(p, `external_references must be a list, not ${preview(v)}`);
    return;
  }
  v.forEach((ref, i) => {
    const rp = pointer(p, i);
    if (!isRecord(ref)) {
      ctx.problems.add(rp, `external reference must be an object, not ${preview(ref)}`);
      return;
    }
    const source = checkString(ctx, ref, 'source_name', rp);
    if (!has(ref, 'source_name')) ctx.problems.add(pointer(rp, 'source_name'), 'source_name is required on an external reference');
    checkString(ctx, ref, 'description', rp);
    checkString(ctx, ref, 'url', rp);
    const extId = checkString(ctx, ref, 'external_id', rp);
    if (!has(ref, 'description') && !has(ref, 'url') && !has(ref, 'external_id')) {
      ctx.problems.add(rp, 'an external reference needs at least one of description, url or external_id');
    }
    // §2.5.2: for source_name cve/capec, external_id MUST be the CVE / CAPEC id.
    if (source === 'cve' && (extId === undefined || !/^CVE-\d{4}-(?:0\d{3}|[1-9]\d{3,})$/.test(extId))) {
      ctx.problems.add(pointer(rp, 'external_id'), `a cve external reference needs an external_id of the form CVE-YYYY-NNNN, not ${preview(extId)}`);
    }
    if (source === 'capec' && (extId === undefined || !/^CAPEC-\d+$/.test(extId))) {
      ctx.problems.add(pointer(rp, 'external_id'), `a capec external reference needs an external_id of the form CAPEC-N, not ${preview(extId)}`);
    }
    checkHashes(ctx, ref, 'hashes', rp);
  });
}

/** §2.7 hashes: a dictionary of algorithm → value; known algorithms must have well-formed values. */
export function checkHashes(ctx: Ctx, obj: Obj, key: string, path: string): void {
  const d = checkDictionary(ctx, obj, key, path);
  if (!d) return;
  for (const [alg, value] of Object.entries(d)) {
    const hp = pointer(path, key, alg);
    if (typeof value !== 'string') {
      ctx.problems.add(hp, `hash value must be a string, not ${preview(value)}`);
      continue;
    }
    if (alg.length < 3 || alg.length > 250 || !/^[A-Za-z0-9_-]+$/.test(alg)) ctx.problems.add(hp, `hash algorithm name ${preview(alg)} must be 3–250 characters of letters, digits, '-' or '_'`);
    const problem = hashValueProblem(alg, value);
    if (problem) ctx.problems.add(hp, problem);
  }
}

/** §3.2 `extensions` with §7.3 extension definitions and §3.10/§11.3 predefined or custom SCO extensions. */
export function checkExtensions(ctx: Ctx, obj: Obj, path: string, category: Category | undefined, type: string): { toplevel: boolean; newObject: string | undefined } {
  const result = { toplevel: false, newObject: undefined as string | undefined };
  const ext = checkDictionary(ctx, obj, 'extensions', path);
  if (!ext) return result;
  for (const [name, value] of Object.entries(ext)) {
    const ep = pointer(path, 'extensions', name);
    if (!isRecord(value)) {
      ctx.problems.add(ep, `extension ${preview(name)} must be an object, not ${preview(value)}`);
      continue;
    }
    if (name.startsWith('extension-definition--')) {
      const id = parseIdentifier(name);
      if (!id || id.type !== 'extension-definition') ctx.problems.add(ep, `extension key ${preview(name)}: ${identifierProblem(name)}`);
      // §3.2: "When this extension facility is used the extension_type property MUST be present."
      if (!has(value, 'extension_type')) ctx.problems.add(pointer(ep, 'extension_type'), 'extension_type is required on an extension-definition extension');
      else {
        const et = value.extension_type;
        if (typeof et !== 'string' || !EXTENSION_TYPES.has(et)) ctx.problems.add(pointer(ep, 'extension_type'), `extension_type must be one of ${[...EXTENSION_TYPES].join(', ')}, not ${preview(et)}`);
        else if (et === 'toplevel-property-extension') result.toplevel = true;
        else if (et.startsWith('new-')) result.newObject = et;
      }
      checkPropertyNames(ctx, value, ep, ['extension_type']);
      continue;
    }
    // §3.10: predefined extensions belong to one SCO type; §11.3.1: custom (deprecated) ones end in -ext and only go on SCOs.
    const predefinedFor = PREDEFINED_EXTENSIONS[name];
    if (predefinedFor !== undefined) {
      if (predefinedFor !== type) ctx.problems.add(ep, `${name} is defined for ${predefinedFor} objects, not ${type}`);
    } else if (!name.endsWith('-ext') || !isTypeName(name)) {
      ctx.problems.add(ep, `extension key ${preview(name)} must be an extension-definition id or an extension name ending in -ext`);
    } else if (category !== 'sco' && category !== undefined) {
      ctx.problems.add(ep, `custom extension ${preview(name)} is allowed on SCOs only; use an extension definition (§7.3)`);
    }
    if (has(value, 'extension_type')) ctx.problems.add(pointer(ep, 'extension_type'), 'extension_type belongs only on extension-definition extensions');
    if (Object.keys(value).length === 0) ctx.problems.add(ep, `extension ${preview(name)} must have at least one property`);
    checkPropertyNames(ctx, value, ep, []);
    checkSuffixes(ctx, value, ep, name);
  }
  return result;
}

/** §3.1, §11.1.1: property names are lowercase ASCII letters, digits and '_', start with a letter, 3–250 long. */
export function checkPropertyNames(ctx: Ctx, obj: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    if (!isPropertyName(k)) ctx.problems.add(pointer(path, k), `property name ${preview(k)} must be 3–250 characters of a–z, 0–9 and '_', starting with a letter`);
  }
}

/** §3.1 name suffixes: `_ref` holds an identifier, `_refs` a list of them, `_bin` base64, `_hex` hex. */
/** The reference rules of each type the catalogue names, merged with the common ones once (not per object). */
const MERGED_REF_RULES = new Map(Object.entries(REF_RULES).map(([type, rules]) => [type, { ...REF_RULES['*'], ...rules }]));

export function checkSuffixes(ctx: Ctx, obj: Obj, path: string, type: string): void {
  // Other types (custom ones, whatever the poster names) have the common rules only.
  const rules: Readonly<Record<string, RefRule | undefined>> = MERGED_REF_RULES.get(type) ?? REF_RULES['*']!;
  for (const k of Object.keys(obj)) {
    // Most names end in none of the four suffixes: one character rules them out.
    const last = k.charCodeAt(k.length - 1);
    if (last !== 102 /* f */ && last !== 115 /* s */ && last !== 110 /* n */ && last !== 120 /* x */) continue;
    const v = obj[k];
    if (k.endsWith('_ref')) checkRef(ctx, obj, k, path, rules[k]);
    else if (k.endsWith('_refs')) checkRefs(ctx, obj, k, path, rules[k]);
    else if (k.endsWith('_bin')) {
      if (typeof v !== 'string' || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) ctx.problems.add(pointer(path, k), `${k} must be base64 (§2.1), not ${preview(v)}`);
    } else if (k.endsWith('_hex')) {
      if (typeof v !== 'string' || v.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(v)) ctx.problems.add(pointer(path, k), `${k} must be an even number of hex digits (§2.8), not ${preview(v)}`);
    }
  }
}

/** §2.3 and §2.12: empty dictionaries and empty lists are prohibited anywhere in STIX content. */
export function checkNoEmpties(ctx: Ctx, v: unknown, path: string): void {
  if (ctx.problems.full) return;
  if (Array.isArray(v)) {
    if (v.length === 0) ctx.problems.add(path, 'empty lists are prohibited (§2.12); omit the property instead');
    v.forEach((x, i) => {
      if (typeof x === 'object' && x !== null) checkNoEmpties(ctx, x, pointer(path, i));
    });
  } else if (isRecord(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) ctx.problems.add(path, 'empty dictionaries are prohibited (§2.3); omit the property instead');
    for (const [k, x] of entries) if (typeof x === 'object' && x !== null) checkNoEmpties(ctx, x, pointer(path, k));
  }
}

export interface CommonResult {
  /** A toplevel-property-extension is in use, so unknown top-level properties are expected. */
  toplevel: boolean;
}

/**
 * The §3.2 common properties: required ones by category, and the format of
 * every one present. `category` is the specification's, or the one inferred
 * for a custom object.
 */
export function checkCommon(ctx: Ctx, obj: Obj, path: string, type: string, category: Category | undefined): CommonResult {
  const versioned = category === 'sdo' || category === 'sro' || type === 'language-content' || type === 'extension-definition';
  const mustHaveSpecVersion = category !== 'sco';
  if (!has(obj, 'spec_version')) {
    if (mustHaveSpecVersion) ctx.problems.add(pointer(path, 'spec_version'), `spec_version is required on ${type}`);
  } else if (obj.spec_version !== '2.1') {
    ctx.problems.add(pointer(path, 'spec_version'), `spec_version must be "2.1", not ${preview(obj.spec_version)}`);
  }
  const created = checkTimestamp(ctx, obj, 'created', path, true);
  const modified = checkTimestamp(ctx, obj, 'modified', path, true);
  if (versioned || type === 'marking-definition') {
    if (!has(obj, 'created')) ctx.problems.add(pointer(path, 'created'), `created is required on ${type}`);
  }
  if (versioned && !has(obj, 'modified')) ctx.problems.add(pointer(path, 'modified'), `modified is required on ${type}`);
  // §3.6.1: "The modified time MUST NOT be earlier than the created time."
  checkOrder(ctx, path, 'created', created, 'modified', modified, false);
  if (type === 'extension-definition' && !has(obj, 'created_by_ref')) ctx.problems.add(pointer(path, 'created_by_ref'), 'created_by_ref is required on extension-definition');
  checkBoolean(ctx, obj, 'revoked', path);
  checkStringList(ctx, obj, 'labels', path);
  checkInteger(ctx, obj, 'confidence', path, 0, 100);
  if (has(obj, 'lang')) checkLang(ctx, obj, 'lang', path);
  checkExternalReferences(ctx, obj, path);
  // §3.2: defanged "MUST NOT be used on any STIX Objects other than SCOs".
  if (has(obj, 'defanged')) {
    if (category !== 'sco' && category !== undefined) ctx.problems.add(pointer(path, 'defanged'), `defanged is only for SCOs, not ${type}`);
    else checkBoolean(ctx, obj, 'defanged', path);
  }
  // §7.2.1: marking definitions cannot be versioned.
  if (type === 'marking-definition') {
    for (const k of ['modified', 'revoked', 'labels', 'confidence', 'lang']) if (has(obj, k)) ctx.problems.add(pointer(path, k), `${k} is not applicable to marking-definition (marking definitions cannot be versioned)`);
  }
  for (const r of RESERVED_PROPERTIES) if (has(obj, r)) ctx.problems.add(pointer(path, r), `${r} is a reserved property name (§3.8)`);
  checkPropertyNames(ctx, obj, path, []);
  checkSuffixes(ctx, obj, path, type);
  if (has(obj, 'object_marking_refs') && Array.isArray(obj.object_marking_refs) && type === 'marking-definition' && obj.object_marking_refs.includes(obj.id)) {
    ctx.problems.add(pointer(path, 'object_marking_refs'), 'a marking definition must not mark itself (§3.2: no circular references)');
  }
  checkGranularMarkings(ctx, obj, path);
  const ext = type === 'extension-definition' ? undefined : checkExtensions(ctx, obj, path, category, type);
  if (type === 'extension-definition' && has(obj, 'extensions')) ctx.problems.add(pointer(path, 'extensions'), 'extensions is not applicable to extension-definition');
  return { toplevel: ext?.toplevel ?? false };
}

/** `type` and `id` of any object: type name rules (§3.1, §11.2.1) and `<type>--<UUID>` with matching prefix (§2.9). */
export function checkTypeAndId(ctx: Ctx, obj: Obj, path: string): string | undefined {
  let type: string | undefined;
  if (!has(obj, 'type')) ctx.problems.add(pointer(path, 'type'), 'type is required');
  else if (typeof obj.type !== 'string') ctx.problems.add(pointer(path, 'type'), `type must be a string, not ${preview(obj.type)}`);
  else if (!isTypeName(obj.type)) ctx.problems.add(pointer(path, 'type'), `type ${preview(obj.type)} must be 3–250 characters of a–z, 0–9 and single hyphens, starting with a letter`);
  else type = obj.type;
  if (!has(obj, 'id')) ctx.problems.add(pointer(path, 'id'), 'id is required');
  else {
    const id = checkIdentifier(ctx, obj.id, pointer(path, 'id'), 'id');
    if (id && type && id.type !== type) ctx.problems.add(pointer(path, 'id'), `id must start with "${type}--", not "${id.type}--"`);
  }
  return type;
}

