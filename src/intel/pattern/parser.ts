import { IntelError } from '../errors.js';
import { hashValueProblem } from '../hashes.js';
import type { Comparison, ComparisonExpression, ComparisonOperator, Literal, ObjectPath, ObservationExpression, PathStep, Pattern, Qualifier } from './ast.js';
import { parseIpNetwork } from './ip.js';
import { patternError, tokenize, type Keyword, type Token } from './lexer.js';
import { compareTimestamps, parseStixTimestamp } from '../timestamp.js';

/** Bounds that keep hostile patterns from exhausting memory or the stack. */
export interface PatternLimits {
  /** Longest pattern accepted, in UTF-16 code units (default 65,536). */
  maxLength?: number;
  /** Deepest nesting of `(`/`[` accepted (default 64). */
  maxDepth?: number;
}

export const DEFAULT_PATTERN_LIMITS: Required<PatternLimits> = { maxLength: 65_536, maxDepth: 64 };

const COMPARISON_KEYWORDS: ReadonlySet<Keyword> = new Set(['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

function show(t: Token): string {
  return t.kind === 'eof' ? 'end of pattern' : `'${t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}'`;
}

/** Recursive descent over STIXPattern.g4, one method per precedence level (§9.5.3: AND > OR > FOLLOWEDBY). */
class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly maxDepth: number,
  ) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }

  private next(): Token {
    const t = this.tokens[this.pos] as Token;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isKeyword(k: Keyword, t: Token = this.peek()): boolean {
    return t.kind === 'keyword' && t.keyword === k;
  }

  private fail(expected: string, t: Token = this.peek()): never {
    throw patternError(`expected ${expected}`, t.offset, { found: show(t), expected });
  }

  private expect<K extends Token['kind']>(kind: K, what: string): Extract<Token, { kind: K }> {
    const t = this.peek();
    if (t.kind !== kind) this.fail(what, t);
    this.pos++;
    return t as Extract<Token, { kind: K }>;
  }

  private enter(at: Token): void {
    if (++this.depth > this.maxDepth) {
      throw new IntelError('PATTERN_TOO_COMPLEX', `pattern nests deeper than ${this.maxDepth} levels at ${at.offset}`, { details: { offset: at.offset } });
    }
  }

  pattern(): ObservationExpression {
    const root = this.followedBy();
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t.kind === 'keyword' || t.kind === 'ident' ? 'AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern' : 'the end of the pattern', t);
    return root;
  }

  private chain(op: Keyword, kind: 'obs-and' | 'obs-or' | 'followedby', sub: () => ObservationExpression): ObservationExpression {
    const first = sub();
    if (!this.isKeyword(op)) return first;
    const operands = [first];
    while (this.isKeyword(op)) {
      this.next();
      operands.push(sub());
    }
    return { kind, operands, offset: first.offset };
  }

  private followedBy(): ObservationExpression {
    return this.chain('FOLLOWEDBY', 'followedby', () => this.obsOr());
  }

  private obsOr(): ObservationExpression {
    return this.chain('OR', 'obs-or', () => this.obsAnd());
  }

  private obsAnd(): ObservationExpression {
    return this.chain('AND', 'obs-and', () => this.qualified());
  }

  /** An observation expression with its qualifiers; §9.5.1: at most one qualifier of each type. */
  private qualified(): ObservationExpression {
    let expr = this.primary();
    const seen = new Set<Qualifier['kind']>();
    for (;;) {
      const t = this.peek();
      let q: Qualifier;
      if (this.isKeyword('WITHIN', t)) {
        this.next();
        const n = this.peek();
        if ((n.kind !== 'int' && n.kind !== 'float') || !n.positive) this.fail('a positive number of seconds', n);
        this.next();
        if (n.value <= 0) throw patternError('WITHIN needs a positive number of seconds', n.offset);
        if (!this.isKeyword('SECONDS')) this.fail("'SECONDS'");
        this.next();
        q = { kind: 'within', seconds: n.value, offset: t.offset };
      } else if (this.isKeyword('REPEATS', t)) {
        this.next();
        const n = this.peek();
        if (n.kind !== 'int' || !n.positive) this.fail('a positive integer', n);
        this.next();
        if (n.value <= 0) throw patternError('REPEATS needs a positive integer', n.offset);
        if (!this.isKeyword('TIMES')) this.fail("'TIMES'");
        this.next();
        q = { kind: 'repeats', times: n.value, offset: t.offset };
      } else if (this.isKeyword('START', t)) {
        this.next();
        const a = this.expect('timestamp', "a timestamp t'…'");
        if (!this.isKeyword('STOP')) this.fail("'STOP'");
        this.next();
        const b = this.expect('timestamp', "a timestamp t'…'");
        q = { kind: 'startstop', start: a.value, stop: b.value, offset: t.offset };
      } else {
        return expr;
      }
      if (seen.has(q.kind)) {
        const name = q.kind === 'startstop' ? 'START/STOP' : q.kind.toUpperCase();
        throw patternError(`duplicate ${name} qualifier on one observation expression`, t.offset);
      }
      seen.add(q.kind);
      expr = { kind: 'qualified', expression: expr, qualifier: q, offset: expr.offset };
    }
  }

  private primary(): ObservationExpression {
    const t = this.peek();
    if (t.kind === '[') {
      this.enter(t);
      this.next();
      const { expr } = this.compOr();
      this.expect(']', "']'");
      this.depth--;
      return { kind: 'observation', expression: expr, offset: t.offset };
    }
    if (t.kind === '(') {
      this.enter(t);
      this.next();
      const inner = this.followedBy();
      this.expect(')', "')'");
      this.depth--;
      return inner;
    }
    return this.fail("'[' or '('", t);
  }

  private compOr(): { expr: ComparisonExpression; types: Set<string> } {
    const first = this.compAnd();
    if (!this.isKeyword('OR')) return first;
    const operands = [first.expr];
    const types = new Set(first.types);
    while (this.isKeyword('OR')) {
      this.next();
      const r = this.compAnd();
      operands.push(r.expr);
      for (const ty of r.types) types.add(ty);
    }
    return { expr: { kind: 'or', operands, offset: first.expr.offset }, types };
  }

  /** §9.5: "All operands of AND in an Observation Expression MUST be satisfiable with the same object." */
  private compAnd(): { expr: ComparisonExpression; types: Set<string> } {
    const first = this.propTest();
    if (!this.isKeyword('AND')) return first;
    const operands = [first.expr];
    let types = first.types;
    while (this.isKeyword('AND')) {
      const andTok = this.next();
      const r = this.propTest();
      const both = new Set([...types].filter((ty) => r.types.has(ty)));
      if (both.size === 0) {
        throw patternError(
          `AND joins comparisons on different object types (${[...types].join(', ')} and ${[...r.types].join(', ')}); operands of AND must be satisfiable by the same object`,
          andTok.offset,
        );
      }
      types = both;
      operands.push(r.expr);
    }
    return { expr: { kind: 'and', operands, offset: first.expr.offset }, types };
  }

  private propTest(): { expr: ComparisonExpression; types: Set<string> } {
    const t = this.peek();
    if (t.kind === '(') {
      this.enter(t);
      this.next();
      const inner = this.compOr();
      this.expect(')', "')'");
      this.depth--;
      return inner;
    }
    if (this.isKeyword('EXISTS') || (this.isKeyword('NOT') && this.isKeyword('EXISTS', this.tokens[this.pos + 1]))) {
      const negated = this.isKeyword('NOT');
      if (negated) this.next();
      this.next();
      const path = this.objectPath();
      return { expr: { kind: 'exists', path, negated, offset: t.offset }, types: new Set([path.objectType]) };
    }
    const path = this.objectPath();
    let negated = false;
    if (this.isKeyword('NOT')) {
      negated = true;
      this.next();
    }
    const opTok = this.peek();
    let operator: ComparisonOperator;
    if (opTok.kind === 'op') operator = opTok.op;
    else if (opTok.kind === 'keyword' && COMPARISON_KEYWORDS.has(opTok.keyword)) operator = opTok.keyword as ComparisonOperator;
    else return this.fail('a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)', opTok);
    this.next();
    let value: Literal | Literal[];
    switch (operator) {
      case '=':
      case '!=':
        value = this.literal(true);
        break;
      case '<':
      case '<=':
      case '>':
      case '>=':
        value = this.literal(false);
        break;
      case 'IN':
        value = this.set();
        break;
      default: {
        const s = this.expect('string', 'a string constant');
        value = { kind: 'string', value: s.value, offset: s.offset };
        if ((operator === 'ISSUBSET' || operator === 'ISSUPERSET') && !parseIpNetwork(s.value)) {
          throw patternError(`${operator} needs an IPv4 or IPv6 address or CIDR block, not '${s.value.slice(0, 60)}'`, s.offset);
        }
      }
    }
    const cmp: Comparison = { kind: 'comparison', path, operator, negated, value, offset: path.offset };
    this.checkHashes(cmp);
    return { expr: cmp, types: new Set([path.objectType]) };
  }

  /** The cti-pattern-validator check: a literal compared with `hashes.<known algorithm>` must have that algorithm's shape. */
  private checkHashes(cmp: Comparison): void {
    if (cmp.operator !== '=' && cmp.operator !== '!=' && cmp.operator !== 'IN') return;
    const steps = cmp.path.steps;
    const last = steps[steps.length - 1];
    const parent = steps[steps.length - 2];
    if (!last || last.kind !== 'key' || !parent || parent.kind !== 'key' || parent.name !== 'hashes') return;
    for (const lit of Array.isArray(cmp.value) ? cmp.value : [cmp.value]) {
      if (lit.kind !== 'string') continue;
      const problem = hashValueProblem(last.name, lit.value);
      if (problem) throw patternError(problem, lit.offset);
    }
  }

  private set(): Literal[] {
    this.expect('(', "'(' to open the IN set");
    const items: Literal[] = [];
    if (this.peek().kind !== ')') {
      items.push(this.literal(true));
      while (this.peek().kind === ',') {
        this.next();
        items.push(this.literal(true));
      }
    }
    this.expect(')', "',' or ')'");
    // §9.6.1: "The set values in b MUST be constants of homogeneous data type" (integers and floats are both numbers).
    const family = (l: Literal): string => (l.kind === 'int' || l.kind === 'float' ? 'number' : l.kind);
    const first = items[0];
    for (const it of items) {
      if (first && family(it) !== family(first)) throw patternError(`IN set mixes ${family(first)} and ${family(it)} constants`, it.offset);
    }
    return items;
  }

  private literal(allowBool: boolean): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
      case 'int':
      case 'float':
      case 'hex':
      case 'binary':
      case 'timestamp':
        this.next();
        return { kind: t.kind, value: t.value, offset: t.offset } as Literal;
      case 'bool':
        if (allowBool) {
          this.next();
          return { kind: 'bool', value: t.value, offset: t.offset };
        }
        return this.fail('an orderable constant (number, string, binary, hex or timestamp)', t);
      default:
        return this.fail(allowBool ? 'a constant' : 'an orderable constant (number, string, binary, hex or timestamp)', t);
    }
  }

  private objectPath(): ObjectPath {
    const typeTok = this.peek();
    if (typeTok.kind !== 'ident') this.fail('an object path (<object-type>:<property>)', typeTok);
    this.next();
    this.expect(':', "':' after the object type");
    const steps: PathStep[] = [this.key('a property name')];
    for (;;) {
      const t = this.peek();
      if (t.kind === '.') {
        this.next();
        steps.push(this.key('a property name or quoted key'));
      } else if (t.kind === '[') {
        this.next();
        const i = this.peek();
        if (i.kind === '*') steps.push({ kind: 'index', index: '*' });
        else if (i.kind === 'int') steps.push({ kind: 'index', index: i.value });
        else this.fail("a list index (an integer or '*')", i);
        this.next();
        this.expect(']', "']' to close the list index");
      } else {
        return { objectType: typeTok.text, steps, offset: typeTok.offset };
      }
    }
  }

  private key(what: string): PathStep {
    const t = this.peek();
    if (t.kind === 'ident' && !t.hyphen) {
      this.next();
      return { kind: 'key', name: t.text, quoted: false };
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'key', name: t.value, quoted: true };
    }
    if (t.kind === 'ident') throw patternError(`property name '${t.text}' contains '-' and must be quoted`, t.offset);
    return this.fail(what, t);
  }
}

/**
 * Parses a STIX 2.1 pattern (§9) into its syntax tree. Throws `IntelError`
 * `PATTERN_INVALID` (message "… at <offset>", `details.offset`) for anything the
 * grammar or §9's MUST rules reject, and `PATTERN_TOO_COMPLEX` past the limits.
 */
export function parsePattern(text: string, limits: PatternLimits = {}): Pattern {
  const { maxLength, maxDepth } = { ...DEFAULT_PATTERN_LIMITS, ...limits };
  if (typeof text !== 'string') throw new IntelError('PATTERN_INVALID', 'a pattern must be a string', { details: { offset: 0 } });
  if (text.length > maxLength) {
    throw new IntelError('PATTERN_TOO_COMPLEX', `pattern is ${text.length} characters long; the limit is ${maxLength}`, { details: { offset: maxLength } });
  }
  const root = new Parser(tokenize(text), maxDepth).pattern();
  checkStartStop(root);
  return { text, root };
}

/** START must come before STOP, otherwise no observation can ever match (§9.5.1: time >= x and < y). */
function checkStartStop(node: ObservationExpression): void {
  if (node.kind === 'qualified') {
    const q = node.qualifier;
    if (q.kind === 'startstop') {
      const a = parseStixTimestamp(q.start);
      const b = parseStixTimestamp(q.stop);
      if (a && b && compareTimestamps(a, b) >= 0) throw patternError('START must be earlier than STOP', q.offset);
    }
    checkStartStop(node.expression);
  } else if (node.kind !== 'observation') {
    for (const o of node.operands) checkStartStop(o);
  }
}
