import type { FieldProblem } from '../errors.js';
import { IntelError } from './errors.js';
import type { Pattern } from './pattern/ast.js';
import { DEFAULT_PATTERN_LIMITS, type PatternLimits } from './pattern/parser.js';
import { categoryOf, REQUIRED, type Category } from './stix/catalog.js';
import { checkIdentifier, has, requireProps, type Ctx, type ScoIdCheck } from './stix/checks.js';
import { checkCommon, checkNoEmpties, checkTypeAndId } from './stix/common.js';
import { checkCyberObservable } from './stix/cyber-observables.js';
import { DOMAIN_CHECKS } from './stix/domain-objects.js';
import { checkLimits, DEFAULT_STIX_LIMITS, type StixLimits } from './stix/limits.js';
import { checkMarkingDefinition } from './stix/markings.js';
import { isRecord, pointer, preview, Problems } from './stix/problems.js';

/**
 * STIX 2.1 validation (OASIS STIX Version 2.1 Errata 01). Every problem is
 * reported, each with the RFC 6901 JSON pointer of the offending value, e.g.
 * `{ path: '/objects/3/created', message: '…' }`. Input is parsed JSON from
 * another organisation: limits are checked first, in one iterative pass, and
 * nothing here recurses deeper than those limits allow.
 */

export interface StixValidationOptions {
  limits?: Partial<StixLimits>;
  /** `check` (default): a UUIDv5 SCO id must be the §2.9 deterministic one, and an SCO with no ID contributing property a UUIDv4. */
  scoIds?: ScoIdCheck;
  /** Limits for indicator patterns of pattern_type `stix`, which are parsed and checked. */
  patternLimits?: PatternLimits;
}

export interface StixValidationResult {
  valid: boolean;
  problems: FieldProblem[];
  /** More problems existed than `limits.maxProblems`. */
  truncated: boolean;
  /** The input broke a size limit and was not validated further. */
  tooLarge: boolean;
  /** A valid indicator's `stix` pattern, parsed (validateStixObject only): search terms are compiled from it without parsing again. */
  pattern?: Pattern;
}

export type { StixLimits, ScoIdCheck };
export { DEFAULT_STIX_LIMITS };

function context(options: StixValidationOptions): { ctx: Ctx; limits: StixLimits } {
  const limits = { ...DEFAULT_STIX_LIMITS, ...options.limits };
  return {
    limits,
    ctx: { problems: new Problems(limits.maxProblems), scoIds: options.scoIds ?? 'check', patternLimits: { ...DEFAULT_PATTERN_LIMITS, ...options.patternLimits } },
  };
}

/** Infers the category of a custom object: from an extension definition's new-sdo/new-sco/new-sro, else SDO-like when versioned. */
function inferCategory(obj: Record<string, unknown>): Category | undefined {
  if (isRecord(obj.extensions)) {
    for (const v of Object.values(obj.extensions)) {
      if (isRecord(v) && typeof v.extension_type === 'string') {
        if (v.extension_type === 'new-sdo') return 'sdo';
        if (v.extension_type === 'new-sco') return 'sco';
        if (v.extension_type === 'new-sro') return 'sro';
      }
    }
  }
  return has(obj, 'created') || has(obj, 'modified') ? 'sdo' : 'sco';
}

function validateObjectInto(ctx: Ctx, obj: unknown, path: string): void {
  if (!isRecord(obj)) {
    ctx.problems.add(path, `a STIX object must be a JSON object, not ${preview(obj)}`);
    return;
  }
  const type = checkTypeAndId(ctx, obj, path);
  if (type === undefined) return;
  if (type === 'bundle') {
    ctx.problems.add(pointer(path, 'type'), 'a bundle cannot be nested in a bundle (§8: objects MUST be STIX Objects)');
    return;
  }
  const known = categoryOf(type);
  const category = known ?? inferCategory(obj);
  checkCommon(ctx, obj, path, type, category);
  requireProps(ctx, obj, path, REQUIRED[type] ?? [], type);
  if (category === 'sdo' || category === 'sro') {
    for (const k of ['name', 'description']) if (has(obj, k) && typeof obj[k] !== 'string') ctx.problems.add(pointer(path, k), `${k} must be a string, not ${preview(obj[k])}`);
  }
  if (type === 'marking-definition') checkMarkingDefinition(ctx, obj, path);
  else if (category === 'sco') checkCyberObservable(ctx, obj, path, type);
  DOMAIN_CHECKS[type]?.(ctx, obj, path);
  checkNoEmpties(ctx, obj, path);
}

/** Validates one STIX object (not a bundle). `basePath` prefixes every reported path. */
export function validateStixObject(obj: unknown, options: StixValidationOptions = {}, basePath = ''): StixValidationResult {
  const { ctx, limits } = context(options);
  if (!checkLimits(obj, limits, ctx.problems)) return { valid: false, problems: ctx.problems.list, truncated: ctx.problems.truncated, tooLarge: true };
  validateObjectInto(ctx, obj, basePath);
  const valid = ctx.problems.list.length === 0;
  return { valid, problems: ctx.problems.list, truncated: ctx.problems.truncated, tooLarge: false, ...(valid && ctx.pattern ? { pattern: ctx.pattern } : {}) };
}

/**
 * Validates a bundle (§8: `type` "bundle", `id` "bundle--<UUID>", optional
 * non-empty `objects`; no spec_version is required of a 2.1 bundle) or, when
 * `input.type` is not "bundle", a single object.
 */
export function validateStix(input: unknown, options: StixValidationOptions = {}): StixValidationResult {
  // Something without a type that holds a list of objects or a bundle id is a bundle missing its type, not an object.
  const bundleLike = isRecord(input) && !has(input, 'type') && (Array.isArray(input.objects) || (typeof input.id === 'string' && input.id.startsWith('bundle--')));
  if (!isRecord(input) || (input.type !== 'bundle' && !bundleLike)) return validateStixObject(input, options);
  const { ctx, limits } = context(options);
  if (!checkLimits(input, limits, ctx.problems)) return { valid: false, problems: ctx.problems.list, truncated: ctx.problems.truncated, tooLarge: true };
  if (bundleLike) ctx.problems.add('/type', 'type is required on a bundle and must be "bundle"');
  if (!has(input, 'id')) ctx.problems.add('/id', 'id is required on a bundle');
  else checkIdentifier(ctx, input.id, '/id', 'id', { types: ['bundle'] });
  if (has(input, 'objects')) {
    const objects = input.objects;
    if (!Array.isArray(objects)) ctx.problems.add('/objects', `objects must be a list, not ${preview(objects)}`);
    else {
      if (objects.length === 0) ctx.problems.add('/objects', 'objects must not be an empty list (§2.12); omit it instead');
      let i = 0;
      for (; i < objects.length && !ctx.problems.full; i++) validateObjectInto(ctx, objects[i], pointer('/objects', i));
      if (i < objects.length) ctx.problems.truncated = true;
    }
  }
  return { valid: ctx.problems.list.length === 0, problems: ctx.problems.list, truncated: ctx.problems.truncated, tooLarge: false };
}

/** Validates and throws `IntelError` STIX_TOO_LARGE or STIX_INVALID (with `details.errors`) when the input is not valid. */
export function assertValidStix(input: unknown, options: StixValidationOptions = {}): void {
  const r = validateStix(input, options);
  if (r.valid) return;
  const first = r.problems[0];
  const summary = first ? `${first.path || '/'}: ${first.message}` : 'invalid';
  if (r.tooLarge) throw new IntelError('STIX_TOO_LARGE', `STIX input exceeds a limit: ${summary}`, { details: { errors: r.problems } });
  throw new IntelError('STIX_INVALID', `STIX input is not valid (${r.problems.length}${r.truncated ? '+' : ''} problems; first: ${summary})`, {
    details: { errors: r.problems, truncated: r.truncated },
  });
}

/**
 * Parses STIX JSON text with a byte bound (JSON.parse itself is iterative in
 * V8, but the text must be bounded before it is read). Throws STIX_TOO_LARGE or
 * STIX_INVALID; does not validate.
 */
export function parseStixJson(text: string, maxLength = 64 * 1024 * 1024): unknown {
  if (text.length > maxLength) throw new IntelError('STIX_TOO_LARGE', `STIX document of ${text.length} characters; the limit is ${maxLength}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new IntelError('STIX_INVALID', `STIX document is not JSON: ${(e as Error).message.slice(0, 200)}`, { cause: e });
  }
}
