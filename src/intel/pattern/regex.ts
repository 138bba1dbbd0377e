/**
 * Regular expressions for MATCHES (PCRE per §9.6.1, run here on the JavaScript
 * engine) and LIKE (SQL wildcards). Patterns come from other organisations, so
 * a regex is a potential denial of service: sources and subjects are bounded,
 * the classic catastrophic shape (a quantified group that itself contains a
 * quantifier, such as `(a+)+`) is refused, and compiled expressions are cached.
 * A refused or uncompilable expression matches nothing (§9.4: an invalid
 * constant MUST NOT match).
 */
export const MAX_REGEX_SOURCE = 4096;
export const MAX_REGEX_SUBJECT = 1 << 20;

const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,?\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,?\d*\})/s;
const cache = new Map<string, RegExp | null>();

function remember(key: string, re: RegExp | null): RegExp | null {
  if (cache.size >= 1000) cache.clear();
  cache.set(key, re);
  return re;
}

/**
 * Compiles a MATCHES expression with the DOTALL flag (`s`) the spec requires; the
 * Unicode flag only for string subjects (§9.6.1: not for binary ones). PCRE allows
 * identity escapes such as `\@` that Unicode-mode JavaScript rejects, so a
 * non-Unicode compile is the fallback. Returns null when refused or uncompilable.
 */
export function compileMatches(source: string, binary: boolean): RegExp | null {
  const key = `${binary ? 'b' : 'u'}:${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (source.length > MAX_REGEX_SOURCE || NESTED_QUANTIFIER.test(source)) return remember(key, null);
  const attempts = binary ? ['s'] : ['su', 's'];
  for (const flags of attempts) {
    try {
      return remember(key, new RegExp(source, flags));
    } catch {
      // try the next flag set
    }
  }
  return remember(key, null);
}

/**
 * SQL LIKE (§9.6.1): '%' is any run of characters, '_' exactly one; both sides
 * NFC-normalised and compared by code point. Uses the two-pointer wildcard walk
 * (at most pattern × subject steps) instead of a backtracking regex.
 */
export function likeMatches(pattern: string, subject: string): boolean {
  if (pattern.length > MAX_REGEX_SOURCE || subject.length > MAX_REGEX_SUBJECT) return false;
  const p = Array.from(pattern.normalize('NFC'));
  const s = Array.from(subject.normalize('NFC'));
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '_' || (p[pi] !== '%' && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '%') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '%') pi++;
  return pi === p.length;
}
