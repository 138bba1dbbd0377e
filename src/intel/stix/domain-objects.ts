import { IntelError } from '../errors.js';
import { parsePattern } from '../pattern/parser.js';
import { EXTENSION_TYPES } from './catalog.js';
import {
  checkBoolean, checkDictionary, checkEnum, checkInteger, checkNumber, checkOrder, checkString, checkStringList, checkTimestamp, has, type Ctx,
} from './checks.js';
import { isRecord, pointer, preview } from './problems.js';

type Obj = Record<string, unknown>;

/** §2.11 kill-chain-phase: kill_chain_name and phase_name, both strings. */
function checkKillChainPhases(ctx: Ctx, obj: Obj, path: string): void {
  if (!has(obj, 'kill_chain_phases')) return;
  const v = obj.kill_chain_phases;
  const p = pointer(path, 'kill_chain_phases');
  if (!Array.isArray(v)) {
    ctx.problems.add(p, `kill_chain_phases must be a list, not ${preview(v)}`);
    return;
  }
  v.forEach((k, i) => {
    const kp = pointer(p, i);
    if (!isRecord(k)) {
      ctx.problems.add(kp, `kill chain phase must be an object, not ${preview(k)}`);
      return;
    }
    for (const f of ['kill_chain_name', 'phase_name']) {
      if (!has(k, f)) ctx.problems.add(pointer(kp, f), `${f} is required on a kill chain phase`);
      else checkString(ctx, k, f, kp);
    }
  });
}

/** first_seen ≤ last_seen (campaign, intrusion-set, threat-actor, infrastructure, malware; sighting). */
function checkSeen(ctx: Ctx, obj: Obj, path: string): void {
  const first = checkTimestamp(ctx, obj, 'first_seen', path);
  const last = checkTimestamp(ctx, obj, 'last_seen', path);
  checkOrder(ctx, path, 'first_seen', first, 'last_seen', last, false);
}

function checkIndicator(ctx: Ctx, obj: Obj, path: string): void {
  const pattern = checkString(ctx, obj, 'pattern', path);
  const patternType = checkString(ctx, obj, 'pattern_type', path);
  checkString(ctx, obj, 'pattern_version', path);
  checkStringList(ctx, obj, 'indicator_types', path);
  const from = checkTimestamp(ctx, obj, 'valid_from', path);
  const until = checkTimestamp(ctx, obj, 'valid_until', path);
  // §4.7.1: "If the valid_until property is present, it MUST be greater than the value of the valid_from property."
  checkOrder(ctx, path, 'valid_from', from, 'valid_until', until, true);
  checkKillChainPhases(ctx, obj, path);
  if (pattern !== undefined && patternType === 'stix') {
    try {
      ctx.pattern = parsePattern(pattern, ctx.patternLimits);
    } catch (e) {
      if (!(e instanceof IntelError)) throw e;
      ctx.problems.add(pointer(path, 'pattern'), `${e.code}: ${e.message}`);
    }
  }
}

function checkLocation(ctx: Ctx, obj: Obj, path: string): void {
  checkNumber(ctx, obj, 'latitude', path, -90, 90);
  checkNumber(ctx, obj, 'longitude', path, -180, 180);
  checkNumber(ctx, obj, 'precision', path, 0, Number.MAX_VALUE);
  for (const k of ['name', 'description', 'region', 'country', 'administrative_area', 'city', 'street_address', 'postal_code']) checkString(ctx, obj, k, path);
  // §4.10.1: latitude and longitude go together; precision needs them; one of region, country or both coordinates is required.
  if (has(obj, 'latitude') !== has(obj, 'longitude')) ctx.problems.add(path, 'latitude and longitude must be present together');
  if (has(obj, 'precision') && !(has(obj, 'latitude') && has(obj, 'longitude'))) ctx.problems.add(pointer(path, 'precision'), 'precision needs latitude and longitude');
  if (!has(obj, 'region') && !has(obj, 'country') && !(has(obj, 'latitude') && has(obj, 'longitude'))) {
    ctx.problems.add(path, 'a location needs at least one of region, country, or latitude and longitude');
  }
}

function checkMalware(ctx: Ctx, obj: Obj, path: string): void {
  const isFamily = checkBoolean(ctx, obj, 'is_family', path);
  // §4.11.1: name is required when is_family is true.
  if (isFamily === true && !has(obj, 'name')) ctx.problems.add(pointer(path, 'name'), 'name is required on malware when is_family is true');
  checkString(ctx, obj, 'name', path);
  for (const k of ['malware_types', 'aliases', 'architecture_execution_envs', 'implementation_languages', 'capabilities']) checkStringList(ctx, obj, k, path);
  checkSeen(ctx, obj, path);
  checkKillChainPhases(ctx, obj, path);
}

function checkMalwareAnalysis(ctx: Ctx, obj: Obj, path: string): void {
  checkString(ctx, obj, 'product', path);
  checkTimestamp(ctx, obj, 'submitted', path);
  const started = checkTimestamp(ctx, obj, 'analysis_started', path);
  const ended = checkTimestamp(ctx, obj, 'analysis_ended', path);
  checkOrder(ctx, path, 'analysis_started', started, 'analysis_ended', ended, false);
  // §4.12.1: "One of result or analysis_sco_refs properties MUST be provided."
  if (!has(obj, 'result') && !has(obj, 'analysis_sco_refs')) ctx.problems.add(path, 'malware-analysis needs result or analysis_sco_refs');
}

function checkObservedData(ctx: Ctx, obj: Obj, path: string): void {
  const first = checkTimestamp(ctx, obj, 'first_observed', path);
  const last = checkTimestamp(ctx, obj, 'last_observed', path);
  checkOrder(ctx, path, 'first_observed', first, 'last_observed', last, false);
  checkInteger(ctx, obj, 'number_observed', path, 1, 999_999_999);
  // §4.14: "either the objects property or the object_refs property MUST be provided, but both MUST NOT be present".
  const hasObjects = has(obj, 'objects');
  const hasRefs = has(obj, 'object_refs');
  if (hasObjects === hasRefs) ctx.problems.add(path, 'observed-data needs exactly one of objects (deprecated) and object_refs');
  if (hasObjects) {
    const container = checkDictionary(ctx, obj, 'objects', path);
    if (container) {
      for (const [k, sco] of Object.entries(container)) {
        if (!isRecord(sco) || typeof sco.type !== 'string') ctx.problems.add(pointer(path, 'objects', k), 'each entry of objects must be a cyber-observable object with a type');
      }
    }
  }
}

const OPINIONS = ['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'];

function checkRelationship(ctx: Ctx, obj: Obj, path: string): void {
  const rt = checkString(ctx, obj, 'relationship_type', path);
  // §3.1: string literals of this kind are lowercase words separated by hyphens, 3–250 characters.
  if (rt !== undefined && (rt.length < 3 || rt.length > 250 || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(rt))) {
    ctx.problems.add(pointer(path, 'relationship_type'), `relationship_type ${preview(rt)} must be 3–250 characters of a–z, 0–9 and single hyphens`);
  }
  checkString(ctx, obj, 'description', path);
  const start = checkTimestamp(ctx, obj, 'start_time', path);
  const stop = checkTimestamp(ctx, obj, 'stop_time', path);
  // §5.1.2: "If start_time and stop_time are both defined, then stop_time MUST be later than the start_time value."
  checkOrder(ctx, path, 'start_time', start, 'stop_time', stop, true);
}

function checkSighting(ctx: Ctx, obj: Obj, path: string): void {
  checkSeen(ctx, obj, path);
  checkInteger(ctx, obj, 'count', path, 0, 999_999_999);
  checkString(ctx, obj, 'description', path);
  checkBoolean(ctx, obj, 'summary', path);
}

function checkLanguageContent(ctx: Ctx, obj: Obj, path: string): void {
  checkTimestamp(ctx, obj, 'object_modified', path);
  const contents = checkDictionary(ctx, obj, 'contents', path);
  if (!contents) return;
  for (const [lang, body] of Object.entries(contents)) {
    if (!isRecord(body)) ctx.problems.add(pointer(path, 'contents', lang), `contents[${preview(lang)}] must be a dictionary of translated properties`);
    if (!/^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/.test(lang)) ctx.problems.add(pointer(path, 'contents', lang), `contents key ${preview(lang)} must be an RFC 5646 language code`);
  }
}

function checkExtensionDefinition(ctx: Ctx, obj: Obj, path: string): void {
  for (const k of ['name', 'description', 'schema', 'version']) checkString(ctx, obj, k, path);
  const types = checkStringList(ctx, obj, 'extension_types', path);
  types?.forEach((t, i) => {
    if (!EXTENSION_TYPES.has(t)) ctx.problems.add(pointer(path, 'extension_types', i), `extension type must be one of ${[...EXTENSION_TYPES].join(', ')}, not ${preview(t)}`);
  });
  const props = checkStringList(ctx, obj, 'extension_properties', path);
  // §7.3.1: extension_properties only with toplevel-property-extension.
  if (props && types && !types.includes('toplevel-property-extension')) {
    ctx.problems.add(pointer(path, 'extension_properties'), 'extension_properties is only for extension definitions of type toplevel-property-extension');
  }
}

/** Type-specific rules of the SDOs, SROs and meta objects (required properties are checked by the caller). */
export const DOMAIN_CHECKS: Readonly<Record<string, (ctx: Ctx, obj: Obj, path: string) => void>> = {
  'attack-pattern': (ctx, o, p) => {
    checkStringList(ctx, o, 'aliases', p);
    checkKillChainPhases(ctx, o, p);
  },
  campaign: (ctx, o, p) => {
    checkStringList(ctx, o, 'aliases', p);
    checkSeen(ctx, o, p);
  },
  grouping: (ctx, o, p) => checkString(ctx, o, 'context', p),
  identity: (ctx, o, p) => {
    checkStringList(ctx, o, 'roles', p);
    checkStringList(ctx, o, 'sectors', p);
    checkString(ctx, o, 'identity_class', p);
  },
  indicator: checkIndicator,
  infrastructure: (ctx, o, p) => {
    checkStringList(ctx, o, 'infrastructure_types', p);
    checkStringList(ctx, o, 'aliases', p);
    checkSeen(ctx, o, p);
    checkKillChainPhases(ctx, o, p);
  },
  'intrusion-set': (ctx, o, p) => {
    checkStringList(ctx, o, 'aliases', p);
    checkStringList(ctx, o, 'goals', p);
    checkSeen(ctx, o, p);
  },
  location: checkLocation,
  malware: checkMalware,
  'malware-analysis': checkMalwareAnalysis,
  note: (ctx, o, p) => {
    checkString(ctx, o, 'content', p);
    checkString(ctx, o, 'abstract', p);
    checkStringList(ctx, o, 'authors', p);
  },
  'observed-data': checkObservedData,
  opinion: (ctx, o, p) => {
    checkEnum(ctx, o, 'opinion', p, OPINIONS);
    checkStringList(ctx, o, 'authors', p);
  },
  report: (ctx, o, p) => {
    checkTimestamp(ctx, o, 'published', p);
    checkStringList(ctx, o, 'report_types', p);
  },
  'threat-actor': (ctx, o, p) => {
    for (const k of ['threat_actor_types', 'aliases', 'roles', 'goals', 'secondary_motivations', 'personal_motivations']) checkStringList(ctx, o, k, p);
    checkSeen(ctx, o, p);
  },
  tool: (ctx, o, p) => {
    checkStringList(ctx, o, 'tool_types', p);
    checkStringList(ctx, o, 'aliases', p);
    checkKillChainPhases(ctx, o, p);
  },
  relationship: checkRelationship,
  sighting: checkSighting,
  'language-content': checkLanguageContent,
  'extension-definition': checkExtensionDefinition,
};

