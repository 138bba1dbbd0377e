// The pattern module's public surface: parse, print, evaluate, compile to lookups.
export type { Comparison, ComparisonExpression, ComparisonOperator, Exists, Literal, ObjectPath, ObservationExpression, PathStep, Pattern, Qualifier } from './ast.js';
export { parsePattern, DEFAULT_PATTERN_LIMITS, type PatternLimits } from './parser.js';
export { formatPattern, formatPath, formatLiteral } from './format.js';
export { evaluatePattern, matchesObject, matchComparisonExpression, resolvePath, type EvaluateOptions, type EvaluationResult, type Observation, type ObjectResolver } from './evaluate.js';
export { compileEquality, type EqualityTerm } from './compile-equality.js';
