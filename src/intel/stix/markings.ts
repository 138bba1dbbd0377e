import { TLP1_CREATED, TLP1_MARKING_IDS, TLP2_CREATED, TLP2_EXTENSION_ID, TLP2_MARKING_IDS, tlpVersionOfMarking, type TlpLevel } from '../tlp.js';
import { checkIdentifier, checkString, has, type Ctx } from './checks.js';
import { isRecord, pointer, preview } from './problems.js';

type Obj = Record<string, unknown>;

const LANG_TAG_LOOSE = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

/**
 * §7.2.3 granular markings: each names its content with `selectors` that MUST
 * refer to properties or list items actually present, and carries exactly one
 * of `marking_ref` (a marking-definition) or `lang`.
 */
export function checkGranularMarkings(ctx: Ctx, obj: Obj, path: string): void {
  if (!has(obj, 'granular_markings')) return;
  const gms = obj.granular_markings;
  const p = pointer(path, 'granular_markings');
  if (!Array.isArray(gms)) {
    ctx.problems.add(p, `granular_markings must be a list, not ${preview(gms)}`);
    return;
  }
  gms.forEach((gm, i) => {
    const gp = pointer(p, i);
    if (!isRecord(gm)) {
      ctx.problems.add(gp, `granular marking must be an object, not ${preview(gm)}`);
      return;
    }
    const hasRef = has(gm, 'marking_ref');
    const hasLang = has(gm, 'lang');
    if (hasRef === hasLang) ctx.problems.add(gp, 'a granular marking needs exactly one of marking_ref and lang');
    if (hasRef) checkIdentifier(ctx, gm.marking_ref, pointer(gp, 'marking_ref'), 'marking_ref', { types: ['marking-definition'] });
    if (hasLang) {
      const lang = checkString(ctx, gm, 'lang', gp);
      if (lang !== undefined && !LANG_TAG_LOOSE.test(lang)) ctx.problems.add(pointer(gp, 'lang'), `lang ${preview(lang)} is not an RFC 5646 language tag`);
    }
    if (!has(gm, 'selectors')) {
      ctx.problems.add(pointer(gp, 'selectors'), 'selectors is required on a granular marking');
      return;
    }
    const sels = gm.selectors;
    if (!Array.isArray(sels)) {
      ctx.problems.add(pointer(gp, 'selectors'), `selectors must be a list of strings, not ${preview(sels)}`);
      return;
    }
    sels.forEach((s, j) => {
      const sp = pointer(gp, 'selectors', j);
      if (typeof s !== 'string') ctx.problems.add(sp, `selector must be a string, not ${preview(s)}`);
      else {
        const problem = selectorProblem(obj, s);
        if (problem) ctx.problems.add(sp, problem);
      }
    });
  });
}

/** Resolves a §7.2.3 selector (`description`, `external_references.[0].source_name`) on `obj`; a message when it selects nothing. */
export function selectorProblem(obj: Obj, selector: string): string | undefined {
  if (selector === '' || selector.length > 1000) return `selector ${preview(selector)} is empty or too long`;
  let cur: unknown = obj;
  for (const part of selector.split('.')) {
    const idx = /^\[(0|[1-9][0-9]*)\]$/.exec(part);
    if (idx) {
      const i = Number(idx[1]);
      if (!Array.isArray(cur) || i >= cur.length) return `selector ${preview(selector)} selects nothing: ${part} is not an index of a list here`;
      cur = cur[i];
    } else {
      if (part === '' || !isRecord(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return `selector ${preview(selector)} selects nothing: no property ${preview(part)} here`;
      cur = cur[part];
    }
  }
  return undefined;
}

const TLP1_BY_WORD: Readonly<Record<string, keyof typeof TLP1_MARKING_IDS>> = { white: 'WHITE', green: 'GREEN', amber: 'AMBER', red: 'RED' };

/**
 * §7.2.1 marking definitions: `definition_type`+`definition` unless an
 * extension carries the marking; Statement markings; TLP 1.0 markings MUST be
 * the four predefined objects (§7.2.1.4); TLP 2.0 markings (cti-stix-common-objects
 * tlp-2.0) must be the five published objects.
 */
export function checkMarkingDefinition(ctx: Ctx, obj: Obj, path: string): void {
  const id = typeof obj.id === 'string' ? obj.id : '';
  const hasExt = has(obj, 'extensions');
  if (!hasExt) {
    if (!has(obj, 'definition_type')) ctx.problems.add(pointer(path, 'definition_type'), 'definition_type is required on a marking-definition without extensions');
    if (!has(obj, 'definition')) ctx.problems.add(pointer(path, 'definition'), 'definition is required on a marking-definition without extensions');
  }
  checkString(ctx, obj, 'name', path);
  const dt = checkString(ctx, obj, 'definition_type', path);
  const def = obj.definition;
  if (has(obj, 'definition') && !isRecord(def)) ctx.problems.add(pointer(path, 'definition'), `definition must be an object, not ${preview(def)}`);
  const tlp1 = tlpVersionOfMarking(id) === 1;
  if (dt === 'tlp' || tlp1) {
    const word = isRecord(def) ? def.tlp : undefined;
    const level = typeof word === 'string' ? TLP1_BY_WORD[word] : undefined;
    if (dt !== 'tlp') ctx.problems.add(pointer(path, 'definition_type'), `${id} is a predefined TLP marking, so definition_type must be "tlp"`);
    if (!level) ctx.problems.add(pointer(path, 'definition', 'tlp'), `definition.tlp must be one of white, green, amber, red, not ${preview(word)}`);
    else {
      const expected = TLP1_MARKING_IDS[level];
      // §7.2.1.4: "Other instances of tlp-marking MUST NOT be used or created".
      if (id !== expected) ctx.problems.add(pointer(path, 'id'), `a TLP:${level} marking must be the predefined ${expected}`);
      if (has(obj, 'name') && obj.name !== `TLP:${level}`) ctx.problems.add(pointer(path, 'name'), `name of the TLP:${level} marking must be "TLP:${level}"`);
      if (obj.created !== TLP1_CREATED) ctx.problems.add(pointer(path, 'created'), `created of a predefined TLP marking must be ${TLP1_CREATED}`);
    }
  } else if (dt === 'statement') {
    if (isRecord(def) && typeof def.statement !== 'string') ctx.problems.add(pointer(path, 'definition', 'statement'), 'definition.statement must be a string');
  }
  const ext = isRecord(obj.extensions) ? obj.extensions[TLP2_EXTENSION_ID] : undefined;
  const tlp2Id = tlpVersionOfMarking(id) === 2;
  if (ext !== undefined || tlp2Id) {
    const ep = pointer(path, 'extensions', TLP2_EXTENSION_ID);
    if (!isRecord(ext)) {
      ctx.problems.add(ep, `${id} is a TLP 2.0 marking and must carry the ${TLP2_EXTENSION_ID} extension`);
      return;
    }
    if (ext.extension_type !== 'property-extension') ctx.problems.add(pointer(ep, 'extension_type'), 'the TLP 2.0 extension_type must be "property-extension"');
    const word = ext.tlp_2_0;
    const level = typeof word === 'string' && word === word.toLowerCase() ? (word.toUpperCase() as TlpLevel) : undefined;
    if (!level || !(level in TLP2_MARKING_IDS)) {
      ctx.problems.add(pointer(ep, 'tlp_2_0'), `tlp_2_0 must be one of clear, green, amber, amber+strict, red, not ${preview(word)}`);
      return;
    }
    for (const k of Object.keys(ext)) if (k !== 'extension_type' && k !== 'tlp_2_0') ctx.problems.add(pointer(ep, k), `${k} is not a property of the TLP 2.0 extension`);
    const expected = TLP2_MARKING_IDS[level];
    if (id !== expected) ctx.problems.add(pointer(path, 'id'), `a TLP:${level} (TLP 2.0) marking must be ${expected}`);
    if (obj.name !== `TLP:${level}`) ctx.problems.add(pointer(path, 'name'), `name of the TLP 2.0 ${level} marking must be "TLP:${level}"`);
    if (obj.created !== TLP2_CREATED) ctx.problems.add(pointer(path, 'created'), `created of a TLP 2.0 marking must be ${TLP2_CREATED}`);
    if (has(obj, 'definition_type') || has(obj, 'definition')) ctx.problems.add(path, 'a TLP 2.0 marking carries no definition_type or definition');
  }
}
