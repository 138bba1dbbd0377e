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
  // Only containers are stacked: a string, number or literal is checked where its container is walked.
  const stack: { v: object; depth: number; loc: Loc | undefined }[] = [];
  let nodes = 0;
  let reported = 0;
  const at = (parent: Loc | undefined, key: string | number | undefined): Loc | undefined => (key === undefined ? parent : { key, parent });
  /** Counts and checks one value, `key` of `parent` (a location is built only for a container or a problem); false stops the walk. */
  const visit = (v: unknown, depth: number, parent: Loc | undefined, key: string | number | undefined): boolean => {
    if (++nodes > limits.maxNodes) {
      report(pathOf(at(parent, key)), `input has more than ${limits.maxNodes} JSON values`);
      return false;
    }
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) {
        report(pathOf(at(parent, key)), `string of ${v.length} characters; the limit is ${limits.maxStringLength}`);
        reported++;
      }
    } else if (typeof v === 'object' && v !== null) {
      if (depth > limits.maxDepth) {
        report(pathOf(at(parent, key)), `nesting deeper than ${limits.maxDepth} levels`);
        reported++;
      } else {
        stack.push({ v, depth, loc: at(parent, key) });
      }
    }
    return reported < 10;
  };
  if (!visit(input, 1, undefined, undefined)) return ok;
  while (stack.length > 0 && reported < 10) {
    const { v, depth, loc } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (!visit(v[i], depth + 1, loc, i)) return ok;
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxProperties) {
      report(pathOf(loc), `object has ${keys.length} properties; the limit is ${limits.maxProperties}`);
      reported++;
      continue;
    }
    for (const k of keys) {
      if (k.length > limits.maxStringLength) {
        report(pathOf(loc), `property name of ${k.length} characters; the limit is ${limits.maxStringLength}`);
        reported++;
        continue;
      }
      if (!visit((v as Record<string, unknown>)[k], depth + 1, loc, k)) return ok;
    }
  }
  return ok;
}
