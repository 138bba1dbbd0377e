import { IntelError } from '../errors.js';
import { parseStixTimestamp } from '../timestamp.js';

/**
 * Tokens of the STIX 2.1 patterning language, following the lexer rules of
 * STIXPattern.g4 (oasis-open/cti-stix2-json-schemas pattern_grammar/). Patterns
 * are attacker-controlled (they arrive in shared indicators), so the lexer is a
 * single linear pass with no backtracking and every failure is a typed error
 * carrying the offset of the offending character.
 */
export type Token =
  | { kind: '[' | ']' | '(' | ')' | ':' | '.' | ',' | '*' | 'eof'; offset: number; text: string }
  | { kind: 'op'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; offset: number; text: string }
  | { kind: 'keyword'; keyword: Keyword; offset: number; text: string }
  | { kind: 'ident'; hyphen: boolean; offset: number; text: string }
  | { kind: 'string'; value: string; offset: number; text: string }
  | { kind: 'int'; value: number; positive: boolean; offset: number; text: string }
  | { kind: 'float'; value: number; positive: boolean; offset: number; text: string }
  | { kind: 'bool'; value: boolean; offset: number; text: string }
  | { kind: 'hex'; value: string; offset: number; text: string }
  | { kind: 'binary'; value: string; offset: number; text: string }
  | { kind: 'timestamp'; value: string; offset: number; text: string };

export type Keyword =
  | 'AND' | 'OR' | 'NOT' | 'FOLLOWEDBY' | 'LIKE' | 'MATCHES' | 'ISSUPERSET' | 'ISSUBSET' | 'EXISTS'
  | 'LAST' | 'IN' | 'START' | 'STOP' | 'SECONDS' | 'WITHIN' | 'REPEATS' | 'TIMES';

const KEYWORDS: ReadonlySet<string> = new Set<Keyword>([
  'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS',
  'LAST', 'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES',
]);

/** The grammar's WS rule: every Unicode White_Space code point (VT and FF included, written as code points). */
const WHITESPACE_CODES: ReadonlySet<number> = new Set([
  0x20, 0x09, 0x0d, 0x0a, 0x0b, 0x0c, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;
const DIGIT = /[0-9]/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
// Base64 (RFC 4648) with the grammar's shape: at least one quantum, padding only at the end.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;

/**
 * Builds the PATTERN_INVALID error every pattern failure uses: "<message> at <offset>",
 * then "(found <token>)" when known. `details.offset` is a UTF-16 code unit index into the pattern.
 */
export function patternError(message: string, offset: number, extra: { found?: string; expected?: string } = {}): IntelError<'PATTERN_INVALID'> {
  const suffix = extra.found === undefined ? '' : ` (found ${extra.found})`;
  return new IntelError('PATTERN_INVALID', `${message} at ${offset}${suffix}`, { details: { offset, ...extra } });
}

function describe(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
}

/** Reads a quoted body starting at the opening quote `at`; returns the decoded text and the index after the closing quote. */
function readQuoted(src: string, at: number, escapes: boolean): { body: string; end: number } {
  let body = '';
  let i = at + 1;
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === "'") return { body, end: i + 1 };
    if (ch === '\\' && escapes) {
      const next = src[i + 1];
      // §9.2: "Only the apostrophe or the backslash may follow" the escape character.
      if (next !== "'" && next !== '\\') throw patternError(next === undefined ? 'unterminated string literal' : `invalid escape '\\${next}' in string literal (only \\' and \\\\ are allowed)`, i);
      body += next;
      i += 2;
      continue;
    }
    body += ch;
    i++;
  }
  throw patternError('unterminated string literal', at);
}

/** Splits a pattern into tokens; throws PATTERN_INVALID at the first character no token rule accepts. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    const start = i;
    if (WHITESPACE_CODES.has(ch.charCodeAt(0))) {
      i++;
      continue;
    }
    if (ch === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw patternError('unterminated comment', i);
      i = close + 2;
      continue;
    }
    if (ch === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    switch (ch) {
      case '[': case ']': case '(': case ')': case ':': case ',': case '*':
        tokens.push({ kind: ch, offset: i, text: ch });
        i++;
        continue;
      case '=':
        if (src[i + 1] === '=') { tokens.push({ kind: 'op', op: '=', offset: i, text: '==' }); i += 2; } else { tokens.push({ kind: 'op', op: '=', offset: i, text: '=' }); i++; }
        continue;
      case '!':
        if (src[i + 1] !== '=') throw patternError(`unexpected character '!'`, i);
        tokens.push({ kind: 'op', op: '!=', offset: i, text: '!=' });
        i += 2;
        continue;
      case '<':
        if (src[i + 1] === '=') { tokens.push({ kind: 'op', op: '<=', offset: i, text: '<=' }); i += 2; }
        else if (src[i + 1] === '>') { tokens.push({ kind: 'op', op: '!=', offset: i, text: '<>' }); i += 2; }
        else { tokens.push({ kind: 'op', op: '<', offset: i, text: '<' }); i++; }
        continue;
      case '>':
        if (src[i + 1] === '=') { tokens.push({ kind: 'op', op: '>=', offset: i, text: '>=' }); i += 2; } else { tokens.push({ kind: 'op', op: '>', offset: i, text: '>' }); i++; }
        continue;
      case "'": {
        const { body, end } = readQuoted(src, i, true);
        tokens.push({ kind: 'string', value: body, offset: start, text: src.slice(start, end) });
        i = end;
        continue;
      }
    }
    if ((ch === 't' || ch === 'h' || ch === 'b') && src[i + 1] === "'") {
      const { body, end } = readQuoted(src, i + 1, false);
      const text = src.slice(start, end);
      if (ch === 't') {
        if (!parseStixTimestamp(body)) throw patternError(`invalid timestamp literal ${text} (expected YYYY-MM-DDTHH:mm:ss[.s+]Z)`, start);
        tokens.push({ kind: 'timestamp', value: body, offset: start, text });
      } else if (ch === 'h') {
        if (!HEX.test(body)) throw patternError(`invalid hex literal ${text} (expected an even number of hex digits)`, start);
        tokens.push({ kind: 'hex', value: body.toLowerCase(), offset: start, text });
      } else {
        // §9.2: line feeds inside a binary constant "MUST be supported and ignored".
        const b64 = body.replace(/[\r\n]/g, '');
        if (!BASE64.test(b64)) throw patternError(`invalid binary literal ${text} (expected base64)`, start);
        tokens.push({ kind: 'binary', value: b64, offset: start, text });
      }
      i = end;
      continue;
    }
    if (IDENT_START.test(ch)) {
      let hyphen = false;
      i++;
      while (i < src.length && IDENT_PART.test(src[i] as string)) {
        if (src[i] === '-') hyphen = true;
        i++;
      }
      const text = src.slice(start, i);
      if (text === 'true' || text === 'false') tokens.push({ kind: 'bool', value: text === 'true', offset: start, text });
      else if (KEYWORDS.has(text)) tokens.push({ kind: 'keyword', keyword: text as Keyword, offset: start, text });
      else tokens.push({ kind: 'ident', hyphen, offset: start, text });
      continue;
    }
    if (DIGIT.test(ch) || ch === '.' || ch === '+' || ch === '-') {
      let j = i;
      const sign = src[j] === '+' || src[j] === '-' ? src[j++] : '';
      const intStart = j;
      while (j < src.length && DIGIT.test(src[j] as string)) j++;
      const intDigits = src.slice(intStart, j);
      let fracDigits = '';
      if (src[j] === '.' && DIGIT.test(src[j + 1] ?? '')) {
        const fracStart = ++j;
        while (j < src.length && DIGIT.test(src[j] as string)) j++;
        fracDigits = src.slice(fracStart, j);
      }
      if (intDigits === '' && fracDigits === '') {
        if (ch === '.') {
          tokens.push({ kind: '.', offset: i, text: '.' });
          i++;
          continue;
        }
        throw patternError(`unexpected character ${describe(ch)}`, i);
      }
      const text = src.slice(start, j);
      const value = Number(sign === '-' ? text : text.replace(/^\+/, ''));
      if (fracDigits !== '') {
        if (!Number.isFinite(value)) throw patternError(`float literal ${text} out of range`, start);
        tokens.push({ kind: 'float', value, positive: sign !== '-', offset: start, text });
      } else {
        // IntPosLiteral / IntNegLiteral: '0' or no leading zero.
        if (intDigits.length > 1 && intDigits.startsWith('0')) throw patternError(`invalid integer literal ${text} (no leading zeros)`, start);
        if (!Number.isSafeInteger(value)) throw patternError(`integer literal ${text} out of range`, start);
        tokens.push({ kind: 'int', value, positive: sign !== '-', offset: start, text });
      }
      i = j;
      continue;
    }
    throw patternError(`unexpected character ${describe(String.fromCodePoint(src.codePointAt(i) ?? 0))}`, i);
  }
  tokens.push({ kind: 'eof', offset: src.length, text: '' });
  return tokens;
}
