import { isWellFormedUnicode } from '../ledger/text-codec.js';
import { ReleaseError, type ReleaseErrorCode } from './errors.js';

/** A JSON value as `parseStrictJson` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused (statements and trust files need far less). */
export const MAX_JSON_DEPTH = 64;

/** What ends the fast path of a string: a backslash or a control character (the quote is found by indexOf). */
// eslint-disable-next-line no-control-regex -- finding raw control characters (which JSON strings may not hold) is the point
const ESCAPE_OR_CONTROL = /[\\\u0000-\u001f]/;

/**
 * Parses RFC 8259 JSON strictly, for attacker-controlled envelopes and statements.
 * Unlike `JSON.parse` it refuses duplicate member names (two parsers could
 * otherwise read two different statements from the same signed bytes), lone
 * surrogates (RFC 7493 I-JSON), a byte-order mark, numbers beyond ±1.8e308 and
 * nesting beyond `MAX_JSON_DEPTH`. Every refusal is a `ReleaseError` with `code`.
 */
export function parseStrictJson(text: string, what: string, code: ReleaseErrorCode): JsonValue {
  const fail = (message: string, at: number): never => {
    throw new ReleaseError(code, `${what} is not valid JSON: ${message} at offset ${at}`);
  };
  if (typeof text !== 'string') fail('not text', 0);
  if (!isWellFormedUnicode(text)) fail('lone surrogate', 0);
  let i = 0;
  const n = text.length;

  const skipWs = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    }
  };

  const parseString = (): string => {
    // text[i] is the opening quote.
    i++;
    // Most strings hold no escape or control character: then they are the text up to the next quote.
    const close = text.indexOf('"', i);
    if (close >= 0) {
      const plain = text.slice(i, close);
      if (!ESCAPE_OR_CONTROL.test(plain)) {
        i = close + 1;
        return plain;
      }
    }
    let out = '';
    let run = i;
    for (;;) {
      if (i >= n) fail('unterminated string', i);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(run, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string', i);
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(run, i);
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const unit = readHex4();
          if (unit >= 0xd800 && unit <= 0xdbff) {
            if (text[i] !== '\\' || text[i + 1] !== 'u') fail('lone surrogate escape', i);
            i += 2;
            const low = readHex4();
            if (low < 0xdc00 || low > 0xdfff) fail('lone surrogate escape', i);
            out += String.fromCharCode(unit, low);
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            fail('lone surrogate escape', i);
          } else {
            out += String.fromCharCode(unit);
          }
          break;
        }
        default:
          fail('invalid escape', i - 1);
      }
      run = i;
    }
  };

  const readHex4 = (): number => {
    const hex = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape', i);
    i += 4;
    return Number.parseInt(hex, 16);
  };

  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const parseNumber = (): number => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0].length === 0 || m[0] === '-') return fail('invalid number', i);
    const value = Number(m[0]);
    if (!Number.isFinite(value)) fail('number out of range', i);
    i += m[0].length;
    return value;
  };

  const literal = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail('unexpected token', i);
  };

  const parseValue = (depth: number): JsonValue => {
    skipWs();
    if (i >= n) fail('unexpected end', i);
    const c = text[i];
    if (c === '{') {
      if (depth >= MAX_JSON_DEPTH) fail('nested too deeply', i);
      i++;
      const obj: { [key: string]: JsonValue } = {};
      skipWs();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail('expected a member name', i);
        const at = i;
        const key = parseString();
        // Every member is an own property, so this sees every name read so far in this object.
        if (Object.hasOwn(obj, key)) fail(`duplicate member ${JSON.stringify(key)}`, at);
        skipWs();
        if (text[i] !== ':') fail('expected ":"', i);
        i++;
        const value = parseValue(depth + 1);
        // An own property even for "__proto__" (assigning it would set the prototype instead).
        if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        else obj[key] = value;
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('expected "," or "}"', i);
      }
    }
    if (c === '[') {
      if (depth >= MAX_JSON_DEPTH) fail('nested too deeply', i);
      i++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('expected "," or "]"', i);
      }
    }
    if (c === '"') return parseString();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    return parseNumber();
  };

  const value = parseValue(0);
  skipWs();
  if (i !== n) fail('trailing characters', i);
  return value;
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
