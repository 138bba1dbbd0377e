import type { ComparisonExpression, ObservationExpression, Pattern } from './ast.js';
import { formatPathSteps } from './format.js';

/** One `(object type, property path, value)` an indicator matches by plain equality. */
export interface EqualityTerm {
  objectType: string;
  /** Property names and dictionary keys from the object down (no list indexes, no references). */
  path: string[];
  /** The path as pattern text after the colon, e.g. `hashes.'SHA-256'`. */
  pathText: string;
  value: string | number | boolean;
}

/**
 * For the common indicator shape — a disjunction of `[type:path = value]`
 * (comparisons joined by OR, `IN` sets, observations joined by OR, no
 * qualifiers) — returns the terms to put in hash lookups: the pattern matches
 * an observation exactly when one of its SCOs has `path` equal to `value` for
 * one term. Returns `null` for every other shape (negation, ordering, AND,
 * list indexes, dereferenced `_ref` paths, binary/hex/timestamp constants whose
 * equality is not textual), which the caller then hands to `evaluatePattern`.
 */
export function compileEquality(pattern: Pattern): EqualityTerm[] | null {
  const terms: EqualityTerm[] = [];
  const seen = new Set<string>();
  const add = (t: EqualityTerm): void => {
    const key = JSON.stringify([t.objectType, t.path, typeof t.value, t.value]);
    if (!seen.has(key)) {
      seen.add(key);
      terms.push(t);
    }
  };
  const obs = (n: ObservationExpression): boolean => {
    if (n.kind === 'observation') return cmp(n.expression);
    if (n.kind === 'obs-or') return n.operands.every(obs);
    return false;
  };
  const cmp = (e: ComparisonExpression): boolean => {
    if (e.kind === 'or') return e.operands.every(cmp);
    if (e.kind !== 'comparison' || e.negated || (e.operator !== '=' && e.operator !== 'IN')) return false;
    const path: string[] = [];
    for (const [i, step] of e.path.steps.entries()) {
      if (step.kind !== 'key') return false;
      // A key after a reference means following the reference: not a lookup on one object.
      const prev = path[i - 1];
      if (prev !== undefined && (prev.endsWith('_ref') || prev.endsWith('_refs'))) return false;
      path.push(step.name);
    }
    const last = path[path.length - 1] as string;
    if (last.endsWith('_bin') || last.endsWith('_hex')) return false;
    const literals = Array.isArray(e.value) ? e.value : [e.value];
    for (const lit of literals) {
      if (lit.kind !== 'string' && lit.kind !== 'int' && lit.kind !== 'float' && lit.kind !== 'bool') return false;
    }
    for (const lit of literals) add({ objectType: e.path.objectType, path, pathText: formatPathSteps(e.path), value: lit.value as string | number | boolean });
    return true;
  };
  return obs(pattern.root) ? terms : null;
}
