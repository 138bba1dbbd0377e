import type { Comparison, ComparisonExpression, Literal, ObjectPath, ObservationExpression, Pattern } from './ast.js';
import { networkContains, parseIpNetwork } from './ip.js';
import { compileMatches, likeMatches, MAX_REGEX_SUBJECT } from './regex.js';
import { compareTimestamps, parseStixTimestamp } from '../timestamp.js';

/**
 * Evaluation of STIX 2.1 patterns (§9) against observed data.
 *
 * - `matchComparisonExpression` is exact for one observation expression and one
 *   SCO: every comparison starts at the same object (§9.5), references are
 *   followed through `resolve`, a missing path is false whatever the operator
 *   (§9.6), incompatible types are false except for `!=` (§9.6.1), strings are
 *   compared by code point (§9.6.2), `_bin`/`_hex` properties as octets (§9.6.3-4).
 * - `evaluatePattern` handles observation operators and qualifiers over a list
 *   of observations, best effort: each observation expression is bound to a
 *   distinct observation; FOLLOWEDBY needs every observation of its right side
 *   at or after every one of its left side; WITHIN needs the span of the bound
 *   observations to be below the window; START/STOP needs each in [start, stop).
 *   Observations without a time satisfy none of the temporal tests. The search
 *   keeps at most `maxBindings` partial matches per node; past that it reports
 *   `truncated` and may miss a match (never invents one).
 */

/** Looks up the object a `*_ref`/`*_refs` value points to (an id, or a key of the deprecated observable container). */
export type ObjectResolver = (ref: string) => Record<string, unknown> | undefined;

/** One observation: its SCOs and, for temporal operators, when it was observed (ms since epoch or a STIX timestamp). */
export interface Observation {
  time?: number | string;
  /** A list of SCOs (references resolve by `id`) or the deprecated container keyed by local id. */
  objects: Record<string, unknown>[] | Record<string, Record<string, unknown>>;
  /** Consulted for references the observation's own objects do not hold (e.g. a store lookup). */
  resolve?: ObjectResolver | undefined;
}

export interface EvaluateOptions {
  /** Largest number of partial matches kept per node (default 10,000). */
  maxBindings?: number;
}

export interface EvaluationResult {
  matched: boolean;
  /** True when a bound was hit and a match may have been missed. */
  truncated: boolean;
}

const MAX_FANOUT = 10_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The values an object path reaches from `root` (several through `[*]`); empty when the path is absent. */
export function resolvePath(root: Record<string, unknown>, path: ObjectPath, resolve?: ObjectResolver): unknown[] {
  if (root.type !== path.objectType) return [];
  let current: unknown[] = [root];
  let lastKey = '';
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (let v of current) {
      if (step.kind === 'key') {
        // §9.7: a reference is dereferenced so the target's properties read as nested ones.
        if (typeof v === 'string' && (lastKey.endsWith('_ref') || lastKey.endsWith('_refs'))) v = resolve?.(v);
        if (isRecord(v) && Object.prototype.hasOwnProperty.call(v, step.name)) {
          const got = v[step.name];
          if (got !== undefined && got !== null) next.push(got);
        }
      } else if (Array.isArray(v)) {
        if (step.index === '*') next.push(...v.slice(0, MAX_FANOUT));
        else if (step.index >= 0 && step.index < v.length) next.push(v[step.index]);
      } else if (isRecord(v) && step.index === '*') {
        // Best effort: `[*]` over a dictionary (e.g. `file:hashes[*]`) tries every value.
        next.push(...Object.values(v).slice(0, MAX_FANOUT));
      }
      if (next.length >= MAX_FANOUT) break;
    }
    if (step.kind === 'key') lastKey = step.name;
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

function codePointCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function bytesCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function decodeBase64(s: string): Uint8Array | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return new Uint8Array(Buffer.from(t, 'base64'));
}

function decodeHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function latin1Bytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}

function literalBytes(l: Literal): Uint8Array | undefined {
  if (l.kind === 'binary') return decodeBase64(l.value);
  if (l.kind === 'hex') return decodeHex(l.value);
  // §9.6.4: a string constant becomes octets when every code point is below U+0100.
  if (l.kind === 'string') return latin1Bytes(l.value);
  return undefined;
}

/** -1/0/1 for an ordering comparison, or undefined when the two are not comparable (§9.6.1). */
function order(value: unknown, lit: Literal, binaryProp: 'bin' | 'hex' | undefined): number | undefined {
  if (binaryProp) {
    if (typeof value !== 'string') return undefined;
    const a = binaryProp === 'bin' ? decodeBase64(value) : decodeHex(value);
    const b = literalBytes(lit);
    return a && b ? bytesCompare(a, b) : undefined;
  }
  switch (lit.kind) {
    case 'string':
      return typeof value === 'string' ? codePointCompare(value, lit.value) : undefined;
    case 'int':
    case 'float':
      return typeof value === 'number' ? (value === lit.value ? 0 : value < lit.value ? -1 : 1) : undefined;
    case 'bool':
      return typeof value === 'boolean' ? (value === lit.value ? 0 : 1) : undefined;
    case 'timestamp': {
      const a = typeof value === 'string' ? parseStixTimestamp(value) : undefined;
      const b = parseStixTimestamp(lit.value);
      return a && b ? compareTimestamps(a, b) : undefined;
    }
    default:
      return undefined;
  }
}

function binaryKind(path: ObjectPath): 'bin' | 'hex' | undefined {
  const last = path.steps[path.steps.length - 1];
  if (!last || last.kind !== 'key') return undefined;
  return last.name.endsWith('_bin') ? 'bin' : last.name.endsWith('_hex') ? 'hex' : undefined;
}

function testValue(c: Comparison, value: unknown): boolean {
  const bin = binaryKind(c.path);
  const lit = c.value;
  switch (c.operator) {
    case '=':
    case '!=': {
      const o = order(value, lit as Literal, bin);
      if (o === undefined) return c.operator === '!=';
      return c.operator === '=' ? o === 0 : o !== 0;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const o = order(value, lit as Literal, bin);
      if (o === undefined) return false;
      return c.operator === '<' ? o < 0 : c.operator === '<=' ? o <= 0 : c.operator === '>' ? o > 0 : o >= 0;
    }
    case 'IN':
      return (lit as Literal[]).some((l) => order(value, l, bin) === 0);
    case 'LIKE':
      return typeof value === 'string' && !bin && likeMatches((lit as Literal & { kind: 'string' }).value, value);
    case 'MATCHES': {
      if (typeof value !== 'string' || value.length > MAX_REGEX_SUBJECT) return false;
      let subject: string;
      if (bin) {
        const bytes = bin === 'bin' ? decodeBase64(value) : decodeHex(value);
        if (!bytes) return false;
        subject = Buffer.from(bytes).toString('latin1');
      } else {
        subject = value.normalize('NFC');
      }
      const re = compileMatches((lit as Literal & { kind: 'string' }).value, bin !== undefined);
      return re !== null && re.test(subject);
    }
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      if (typeof value !== 'string') return false;
      const a = parseIpNetwork(value);
      const b = parseIpNetwork((lit as Literal & { kind: 'string' }).value);
      if (!a || !b) return false;
      return c.operator === 'ISSUBSET' ? networkContains(b, a) : networkContains(a, b);
    }
  }
}

/** Evaluates the comparison expression of one observation expression against one SCO. */
export function matchComparisonExpression(expr: ComparisonExpression, object: Record<string, unknown>, resolve?: ObjectResolver): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.operands.every((o) => matchComparisonExpression(o, object, resolve));
    case 'or':
      return expr.operands.some((o) => matchComparisonExpression(o, object, resolve));
    case 'exists': {
      const found = resolvePath(object, expr.path, resolve).length > 0;
      // A missing path is false "regardless of the operators" (§9.6); NOT EXISTS is the one way to test absence.
      return expr.negated ? !found && object.type === expr.path.objectType : found;
    }
    case 'comparison': {
      const values = resolvePath(object, expr.path, resolve);
      if (values.length === 0) return false;
      const any = values.some((v) => testValue(expr, v));
      return expr.negated ? !any : any;
    }
  }
}

interface Binding {
  used: number[];
  first: number | undefined;
  last: number | undefined;
}

function timeOf(o: Observation): number | undefined {
  if (typeof o.time === 'number') return Number.isFinite(o.time) ? o.time : undefined;
  if (typeof o.time === 'string') return parseStixTimestamp(o.time)?.epochMs;
  return undefined;
}

function scosOf(o: Observation): { list: Record<string, unknown>[]; resolve: ObjectResolver } {
  if (Array.isArray(o.objects)) {
    const byId = new Map<string, Record<string, unknown>>();
    for (const obj of o.objects) if (isRecord(obj) && typeof obj.id === 'string') byId.set(obj.id, obj);
    return { list: o.objects.filter(isRecord), resolve: (ref) => byId.get(ref) ?? o.resolve?.(ref) };
  }
  const container = o.objects;
  return {
    list: Object.values(container).filter(isRecord),
    resolve: (ref) => (Object.prototype.hasOwnProperty.call(container, ref) && isRecord(container[ref]) ? container[ref] : o.resolve?.(ref)),
  };
}

function merge(a: Binding, b: Binding): Binding | undefined {
  for (const i of b.used) if (a.used.includes(i)) return undefined;
  const undefinedTime = a.first === undefined || b.first === undefined;
  return {
    used: [...a.used, ...b.used],
    first: undefinedTime ? undefined : Math.min(a.first as number, b.first as number),
    last: undefinedTime ? undefined : Math.max(a.last as number, b.last as number),
  };
}

class Evaluator {
  truncated = false;
  private readonly prepared: { time: number | undefined; list: Record<string, unknown>[]; resolve: ObjectResolver }[];

  constructor(observations: Observation[], private readonly max: number) {
    this.prepared = observations.map((o) => ({ time: timeOf(o), ...scosOf(o) }));
  }

  private push(out: Binding[], b: Binding): boolean {
    if (out.length >= this.max) {
      this.truncated = true;
      return false;
    }
    out.push(b);
    return true;
  }

  eval(node: ObservationExpression): Binding[] {
    const out: Binding[] = [];
    switch (node.kind) {
      case 'observation':
        this.prepared.forEach((o, i) => {
          if (o.list.some((sco) => matchComparisonExpression(node.expression, sco, o.resolve))) this.push(out, { used: [i], first: o.time, last: o.time });
        });
        return out;
      case 'obs-or':
        for (const op of node.operands) for (const b of this.eval(op)) if (!this.push(out, b)) return out;
        return out;
      case 'obs-and':
      case 'followedby': {
        let acc = this.eval(node.operands[0] as ObservationExpression);
        for (const op of node.operands.slice(1)) {
          const right = this.eval(op);
          const next: Binding[] = [];
          outer: for (const a of acc) {
            for (const b of right) {
              if (node.kind === 'followedby' && (a.last === undefined || b.first === undefined || b.first < a.last)) continue;
              const m = merge(a, b);
              if (m && !this.push(next, m)) break outer;
            }
          }
          acc = next;
          if (acc.length === 0) break;
        }
        return acc;
      }
      case 'qualified': {
        const inner = this.eval(node.expression);
        const q = node.qualifier;
        if (q.kind === 'within') {
          return inner.filter((b) => b.used.length === 1 || (b.first !== undefined && (b.last as number) - b.first < q.seconds * 1000));
        }
        if (q.kind === 'startstop') {
          const start = parseStixTimestamp(q.start)?.epochMs ?? Infinity;
          const stop = parseStixTimestamp(q.stop)?.epochMs ?? -Infinity;
          return inner.filter((b) => b.used.every((i) => {
            const t = this.prepared[i]?.time;
            return t !== undefined && t >= start && t < stop;
          }));
        }
        // REPEATS n: n matches of the inner expression on distinct observations.
        let acc: { b: Binding; k: number }[] = inner.map((b, k) => ({ b, k }));
        for (let r = 1; r < q.times && acc.length > 0; r++) {
          const next: { b: Binding; k: number }[] = [];
          outer: for (const { b, k } of acc) {
            for (let j = k + 1; j < inner.length; j++) {
              const m = merge(b, inner[j] as Binding);
              if (!m) continue;
              if (next.length >= this.max) {
                this.truncated = true;
                break outer;
              }
              next.push({ b: m, k: j });
            }
          }
          acc = next;
        }
        return acc.map((x) => x.b);
      }
    }
  }
}

/** Evaluates a whole pattern over a list of observations (see the module comment for the semantics kept). */
export function evaluatePattern(pattern: Pattern, observations: Observation[], options: EvaluateOptions = {}): EvaluationResult {
  const ev = new Evaluator(observations, options.maxBindings ?? 10_000);
  const matched = ev.eval(pattern.root).length > 0;
  return { matched, truncated: ev.truncated };
}

/** True when the pattern matches one observation holding `object` (references resolved through `resolve`). */
export function matchesObject(pattern: Pattern, object: Record<string, unknown>, resolve?: ObjectResolver): boolean {
  return evaluatePattern(pattern, [{ objects: [object], resolve }]).matched;
}
