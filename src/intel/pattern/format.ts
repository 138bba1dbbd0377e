import type { ComparisonExpression, Literal, ObjectPath, ObservationExpression, Pattern, Qualifier } from './ast.js';

/**
 * Prints a pattern tree back as pattern text that parses to the same tree
 * (offsets aside). Parentheses are added only where precedence (§9.5.3) or a
 * nested group of the same operator needs them.
 */
export function formatPattern(pattern: Pattern | ObservationExpression): string {
  return formatObservation('root' in pattern ? pattern.root : pattern);
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST', 'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES', 'true', 'false']);

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A decimal spelling without exponent, which the grammar has no syntax for. */
export function formatNumber(n: number, asFloat: boolean): string {
  let s = String(n);
  if (/e/i.test(s)) {
    if (Math.abs(n) >= 1) s = BigInt(n).toString();
    else s = n.toFixed(100).replace(/0+$/, '');
  }
  if (asFloat && !s.includes('.')) s += '.0';
  return s;
}

export function formatLiteral(l: Literal): string {
  switch (l.kind) {
    case 'string':
      return quote(l.value);
    case 'int':
      return formatNumber(l.value, false);
    case 'float':
      return formatNumber(l.value, true);
    case 'bool':
      return String(l.value);
    case 'hex':
      return `h'${l.value}'`;
    case 'binary':
      return `b'${l.value}'`;
    case 'timestamp':
      return `t'${l.value}'`;
  }
}

/** `hashes.'SHA-256'`, `sections[*].entropy`: the part of an object path after the colon. */
export function formatPathSteps(path: ObjectPath): string {
  let out = '';
  path.steps.forEach((step, i) => {
    if (step.kind === 'index') out += `[${step.index}]`;
    else {
      const bare = !step.quoted && BARE_KEY.test(step.name) && !RESERVED.has(step.name);
      out += (i === 0 ? '' : '.') + (bare ? step.name : quote(step.name));
    }
  });
  return out;
}

export function formatPath(path: ObjectPath): string {
  return `${path.objectType}:${formatPathSteps(path)}`;
}

function formatComparison(e: ComparisonExpression, parent?: 'and' | 'or'): string {
  switch (e.kind) {
    case 'comparison': {
      const value = Array.isArray(e.value) ? `(${e.value.map(formatLiteral).join(', ')})` : formatLiteral(e.value);
      return `${formatPath(e.path)}${e.negated ? ' NOT' : ''} ${e.operator} ${value}`;
    }
    case 'exists':
      return `${e.negated ? 'NOT ' : ''}EXISTS ${formatPath(e.path)}`;
    default: {
      const inner = e.operands.map((o) => formatComparison(o, e.kind)).join(e.kind === 'and' ? ' AND ' : ' OR ');
      // An OR under an AND needs parentheses; so does any group nested in the same operator (to keep the tree's shape).
      return parent !== undefined && (parent === e.kind || (parent === 'and' && e.kind === 'or')) ? `(${inner})` : inner;
    }
  }
}

const PRECEDENCE = { 'obs-and': 3, 'obs-or': 2, followedby: 1 } as const;
const KEYWORD = { 'obs-and': ' AND ', 'obs-or': ' OR ', followedby: ' FOLLOWEDBY ' } as const;

function formatQualifier(q: Qualifier): string {
  switch (q.kind) {
    case 'within':
      return `WITHIN ${formatNumber(q.seconds, false)} SECONDS`;
    case 'repeats':
      return `REPEATS ${q.times} TIMES`;
    case 'startstop':
      return `START t'${q.start}' STOP t'${q.stop}'`;
  }
}

/** Qualifier kinds applied directly (without parentheses in between) to `e`. */
function chainKinds(e: ObservationExpression): Set<Qualifier['kind']> {
  const kinds = new Set<Qualifier['kind']>();
  while (e.kind === 'qualified') {
    kinds.add(e.qualifier.kind);
    e = e.expression;
  }
  return kinds;
}

function formatObservation(e: ObservationExpression, parent?: ObservationExpression['kind']): string {
  switch (e.kind) {
    case 'observation':
      return `[${formatComparison(e.expression)}]`;
    case 'qualified': {
      const inner = e.expression;
      const needParens = inner.kind !== 'observation' && (inner.kind !== 'qualified' || chainKinds(inner).has(e.qualifier.kind));
      const text = formatObservation(inner, 'qualified');
      return `${needParens ? `(${text})` : text} ${formatQualifier(e.qualifier)}`;
    }
    default: {
      const inner = e.operands.map((o) => formatObservation(o, e.kind)).join(KEYWORD[e.kind]);
      const wrap = parent !== undefined && parent !== 'qualified' && parent in PRECEDENCE
        ? PRECEDENCE[parent as keyof typeof PRECEDENCE] >= PRECEDENCE[e.kind]
        : false;
      return wrap ? `(${inner})` : inner;
    }
  }
}
