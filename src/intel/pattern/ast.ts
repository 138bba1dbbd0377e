/**
 * The syntax tree of a STIX 2.1 pattern (§9; grammar: oasis-open/cti-stix2-json-schemas
 * pattern_grammar/STIXPattern.g4). Boolean and observation operators are n-ary
 * (`operands`), so a pattern of ten thousand ORs is a flat node, not a ten
 * thousand deep tree that would overflow the stack of every walker.
 * Every node carries `offset`: the index (UTF-16 code unit) of its first character.
 */

/** A constant of the patterning language (§9.2). */
export type Literal =
  | { kind: 'string'; value: string; offset: number }
  | { kind: 'int'; value: number; offset: number }
  | { kind: 'float'; value: number; offset: number }
  | { kind: 'bool'; value: boolean; offset: number }
  /** Lowercase hex digits, even in number. */
  | { kind: 'hex'; value: string; offset: number }
  /** The base64 text as written. */
  | { kind: 'binary'; value: string; offset: number }
  /** The timestamp text inside `t'…'`. */
  | { kind: 'timestamp'; value: string; offset: number };

export type PathStep =
  /** A property name or dictionary key; `quoted` when written as a string literal (`hashes.'SHA-256'`). */
  | { kind: 'key'; name: string; quoted: boolean }
  /** A list index: a (possibly negative) integer, or `*` for every item. */
  | { kind: 'index'; index: number | '*' };

/** `<object-type>:<property>…` (§9.7). `steps` is never empty and starts with a key. */
export interface ObjectPath {
  objectType: string;
  steps: PathStep[];
  offset: number;
}

export type ComparisonOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

export interface Comparison {
  kind: 'comparison';
  path: ObjectPath;
  operator: ComparisonOperator;
  /** `NOT` before the operator (§9.6.1). */
  negated: boolean;
  /** A set for `IN`, a single constant otherwise. */
  value: Literal | Literal[];
  offset: number;
}

export interface Exists {
  kind: 'exists';
  path: ObjectPath;
  negated: boolean;
  offset: number;
}

/** Comparisons joined by the Boolean operators inside one `[…]`. */
export type ComparisonExpression =
  | Comparison
  | Exists
  | { kind: 'and' | 'or'; operands: ComparisonExpression[]; offset: number };

export type Qualifier =
  | { kind: 'within'; seconds: number; offset: number }
  | { kind: 'repeats'; times: number; offset: number }
  | { kind: 'startstop'; start: string; stop: string; offset: number };

/** Observation expressions and the observation operators between them (§9.5). */
export type ObservationExpression =
  | { kind: 'observation'; expression: ComparisonExpression; offset: number }
  | { kind: 'obs-and' | 'obs-or' | 'followedby'; operands: ObservationExpression[]; offset: number }
  | { kind: 'qualified'; expression: ObservationExpression; qualifier: Qualifier; offset: number };

/** A parsed pattern; `text` is the source it came from. */
export interface Pattern {
  text: string;
  root: ObservationExpression;
}
