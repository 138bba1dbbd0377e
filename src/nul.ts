/**
 * Whether a parsed JSON value holds a NUL character in any string or key (depth-bounded by the body limit).
 * No Accord text may hold NUL: PostgreSQL cannot store it. The HTTP layer checks every parsed body with
 * this; bodies parsed elsewhere (TAXII envelopes, on the preparation worker) are checked where they are parsed.
 */
export function holdsNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (v === null || typeof v !== 'object' || depth > 64) return false;
  // Only parsed JSON is walked: raw bodies (SBOMs, logs) arrive as buffers or streams and are checked by their own parsers.
  if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
  for (const [k, x] of Object.entries(v)) if (k.includes('\u0000') || holdsNul(x, depth + 1)) return true;
  return false;
}
