import { isRecord, pointer, type Problems } from './problems.js';

/**
 * Bounds on STIX input, checked before any validation so a hostile bundle
 * (a million objects, a thousand-deep nest, a 100 MB string) is refused in one
 * linear, non-recursive pass.
 */
export interface StixLimits {
  /** Objects in one bundle (default 10,000). */
  maxObjects: number;
  /** Nesting of JSON arrays/objects, the bundle itself being depth 1 (default 32). */
  maxDepth: number;
  /** Characters in one string or property name (default 1,048,576). */
  maxStringLength: number;
  /** Properties of one JSON object (default 1,000). */
  maxProperties: number;
  /** JSON values in the whole input (default 2,000,000). */
  maxNodes: number;
  /** Problems reported before the list is cut (default 1,000). */
  maxProblems: number;
}

export const DEFAULT_STIX_LIMITS: StixLimits = {
  maxObjects: 10_000,
  maxDepth: 32,
  maxStringLength: 1_048_576,
  maxProperties: 1_000,
  maxNodes: 2_000_000,
  maxProblems: 1_000,
};

/** Walks `input` iteratively and reports every limit it breaks (a handful at most). Returns true when within limits. */
export function checkLimits(input: unknown, limits: StixLimits, problems: Problems): boolean {
  let ok = true;
  const report = (path: string, message: string): void => {
    ok = false;
    problems.add(path, message);
  };
  if (isRecord(input) && input.type === 'bundle' && Array.isArray(input.objects) && input.objects.length > limits.maxObjects) {
    report('/objects', `bundle has ${input.objects.length} objects; the limit is ${limits.maxObjects}`);
    return false;
  }
  // Locations are kept as parent links and spelled out only when a problem is reported.
  interface Loc {
    key: string | number;
    parent: Loc | undefined;
  }
  const pathOf = (loc: Loc | undefined): string => {
    const keys: (string | number)[] = [];
    for (let l = loc; l; l = l.parent) keys.push(l.key);
    return pointer('', ...keys.reverse());
  };
  const stack: { v: unknown; depth: number; loc: Loc | undefined }[] = [{ v: input, depth: 1, loc: undefined }];
  let nodes = 0;
  let reported = 0;
  while (stack.length > 0 && reported < 10) {
    const { v, depth, loc } = stack.pop() as { v: unknown; depth: number; loc: Loc | undefined };
    if (++nodes > limits.maxNodes) {
      report(pathOf(loc), `input has more than ${limits.maxNodes} JSON values`);
      return false;
    }
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) {
        report(pathOf(loc), `string of ${v.length} characters; the limit is ${limits.maxStringLength}`);
        reported++;
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limits.maxDepth) {
      report(pathOf(loc), `nesting deeper than ${limits.maxDepth} levels`);
      reported++;
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, loc: { key: i, parent: loc } });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxProperties) {
      report(pathOf(loc), `object has ${keys.length} properties; the limit is ${limits.maxProperties}`);
      reported++;
      continue;
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      if (k.length > limits.maxStringLength) {
        report(pathOf(loc), `property name of ${k.length} characters; the limit is ${limits.maxStringLength}`);
        reported++;
        continue;
      }
      stack.push({ v: (v as Record<string, unknown>)[k], depth: depth + 1, loc: { key: k, parent: loc } });
    }
  }
  return ok;
}
