import type { Pattern } from '../pattern/ast.js';
import type { PatternLimits } from '../pattern/parser.js';
import { compareTimestamps, parseStixTimestamp, type StixTimestamp } from '../timestamp.js';
import { categoryOf, type RefRule } from './catalog.js';
import { identifierProblem, parseIdentifier, type ParsedIdentifier } from './identifier.js';
import { isRecord, pointer, preview, type Problems } from './problems.js';

/** How strictly SCO identifiers are checked against their ID contributing properties. */
export type ScoIdCheck = 'check' | 'off';

/** What every check needs: where to report, and the options in force. */
export interface Ctx {
  problems: Problems;
  scoIds: ScoIdCheck;
  patternLimits: PatternLimits;
  /** The last `stix` pattern parsed (an indicator's), for the caller to reuse. */
  pattern?: Pattern;
}

type Obj = Record<string, unknown>;

export function has(obj: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== undefined;
}

export function requireProps(ctx: Ctx, obj: Obj, path: string, names: readonly string[], what: string): void {
  for (const n of names) if (!has(obj, n)) ctx.problems.add(pointer(path, n), `${n} is required on ${what}`);
}

export function checkString(ctx: Ctx, obj: Obj, key: string, path: string): string | undefined {
  if (!has(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'string') {
    ctx.problems.add(pointer(path, key), `${key} must be a string, not ${preview(v)}`);
    return undefined;
  }
  return v;
}

export function checkBoolean(ctx: Ctx, obj: Obj, key: string, path: string): boolean | undefined {
  if (!has(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'boolean') {
    ctx.problems.add(pointer(path, key), `${key} must be a boolean, not ${preview(v)}`);
    return undefined;
  }
  return v;
}

/** §2.10: integers; `min`/`max` inclusive. */
export function checkInteger(ctx: Ctx, obj: Obj, key: string, path: string, min?: number, max?: number): number | undefined {
  if (!has(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    ctx.problems.add(pointer(path, key), `${key} must be an integer, not ${preview(v)}`);
    return undefined;
  }
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    ctx.problems.add(pointer(path, key), `${key} must be between ${min ?? '-∞'} and ${max ?? '∞'}, not ${v}`);
    return undefined;
  }
  return v;
}

export function checkNumber(ctx: Ctx, obj: Obj, key: string, path: string, min: number, max: number): number | undefined {
  if (!has(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    ctx.problems.add(pointer(path, key), `${key} must be a number between ${min} and ${max}, not ${preview(v)}`);
    return undefined;
  }
  return v;
}

/** §2.16 timestamps; `millis` adds §3.2's "minimum precision MUST be milliseconds" for created/modified. */
export function checkTimestamp(ctx: Ctx, obj: Obj, key: string, path: string, millis = false): StixTimestamp | undefined {
  if (!has(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'string') {
    ctx.problems.add(pointer(path, key), `${key} must be a timestamp string, not ${preview(v)}`);
    return undefined;
  }
  const ts = parseStixTimestamp(v);
  if (!ts) {
    ctx.problems.add(pointer(path, key), `${key} ${preview(v)} is not an RFC 3339 UTC timestamp of the form YYYY-MM-DDTHH:mm:ss[.s+]Z`);
    return undefined;
  }
  if (millis && ts.fraction.length < 3) {
    ctx.problems.add(pointer(path, key), `${key} ${preview(v)} must be precise to at least milliseconds (three digits after the seconds)`);
  }
  return ts;
}

/** Reports when `later` is before `earlier` (or equal, when `strict`). */
export function checkOrder(ctx: Ctx, path: string, earlierKey: string, earlier: StixTimestamp | undefined, laterKey: string, later: StixTimestamp | undefined, strict: boolean): void {
  if (!earlier || !later) return;
  const c = compareTimestamps(later, earlier);
  if (c < 0 || (strict && c === 0)) {
    ctx.problems.add(pointer(path, laterKey), `${laterKey} must be ${strict ? 'later than' : 'later than or equal to'} ${earlierKey} (${earlier.text})`);
  }
}

function ruleText(rule: RefRule): string {
  const parts = [...(rule.types ?? []), ...(rule.categories ?? []).map((c) => `any ${c.toUpperCase()}`)];
  return parts.join(', ');
}

/** An identifier value, with its target type checked against `rule` when given. */
export function checkIdentifier(ctx: Ctx, v: unknown, p: string, label: string, rule?: RefRule): ParsedIdentifier | undefined {
  if (typeof v !== 'string') {
    ctx.problems.add(p, `${label} must be an identifier string, not ${preview(v)}`);
    return undefined;
  }
  const id = parseIdentifier(v);
  if (!id) {
    ctx.problems.add(p, `${label}: ${identifierProblem(v)}`);
    return undefined;
  }
  if (rule) {
    const typeOk = rule.types?.includes(id.type) ?? false;
    const cat = categoryOf(id.type);
    const catOk = rule.categories !== undefined && (cat === undefined ? id.type !== 'bundle' : rule.categories.includes(cat));
    if (!typeOk && !catOk) ctx.problems.add(p, `${label} must point to ${ruleText(rule)}, not ${id.type}`);
  }
  return id;
}

/** A `*_ref` property: one identifier. */
export function checkRef(ctx: Ctx, obj: Obj, key: string, path: string, rule?: RefRule): void {
  if (has(obj, key)) checkIdentifier(ctx, obj[key], pointer(path, key), key, rule);
}

/** A `*_refs` property: a non-empty list of identifiers. */
export function checkRefs(ctx: Ctx, obj: Obj, key: string, path: string, rule?: RefRule): void {
  if (!has(obj, key)) return;
  const v = obj[key];
  const p = pointer(path, key);
  if (!Array.isArray(v)) {
    ctx.problems.add(p, `${key} must be a list of identifiers, not ${preview(v)}`);
    return;
  }
  v.forEach((item, i) => checkIdentifier(ctx, item, pointer(p, i), `${key}[${i}]`, rule));
}

/** A list of strings (emptiness is reported by the generic walk). */
export function checkStringList(ctx: Ctx, obj: Obj, key: string, path: string): string[] | undefined {
  if (!has(obj, key)) return undefined;
  const v = obj[key];
  const p = pointer(path, key);
  if (!Array.isArray(v)) {
    ctx.problems.add(p, `${key} must be a list of strings, not ${preview(v)}`);
    return undefined;
  }
  let ok = true;
  v.forEach((s, i) => {
    if (typeof s !== 'string') {
      ok = false;
      ctx.problems.add(pointer(p, i), `${key}[${i}] must be a string, not ${preview(s)}`);
    }
  });
  return ok ? (v as string[]) : undefined;
}

export function checkDictionary(ctx: Ctx, obj: Obj, key: string, path: string): Obj | undefined {
  if (!has(obj, key)) return undefined;
  const v = obj[key];
  if (!isRecord(v)) {
    ctx.problems.add(pointer(path, key), `${key} must be a dictionary (JSON object), not ${preview(v)}`);
    return undefined;
  }
  return v;
}

/** An open-vocabulary or enumeration value (§2.4, §2.14): enums are closed, so a value outside `allowed` is reported. */
export function checkEnum(ctx: Ctx, obj: Obj, key: string, path: string, allowed: readonly string[]): void {
  const v = checkString(ctx, obj, key, path);
  if (v !== undefined && !allowed.includes(v)) ctx.problems.add(pointer(path, key), `${key} must be one of ${allowed.join(', ')}, not ${preview(v)}`);
}
