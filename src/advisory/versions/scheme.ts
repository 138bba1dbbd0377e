import { VersionError } from './errors.js';

/**
 * One ecosystem's version rules: `parse` refuses what the ecosystem's own tool
 * refuses, `compare` is a total order on what `parse` accepts (negative, zero,
 * positive; always -1, 0 or 1 here).
 */
export interface VersionScheme<V = unknown> {
  /** Name of the rules (`semver`, `pep440`, `maven`, …), used in messages. */
  readonly name: string;
  parse(text: string): V;
  compare(a: V, b: V): number;
}

/** Longest version text any scheme accepts; versions come from SBOMs and feeds, so bound the work. */
export const MAX_VERSION_LENGTH = 256;

/** A `VERSION_INVALID` error naming the scheme and the (shortened) text. */
export function invalidVersion(scheme: string, text: string, why: string): VersionError<'VERSION_INVALID'> {
  const shown = typeof text === 'string' ? (text.length > 80 ? `${text.slice(0, 80)}…` : text) : String(text);
  return new VersionError('VERSION_INVALID', `${JSON.stringify(shown)} is not a valid ${scheme} version: ${why}`, {
    details: { scheme, version: shown },
  });
}

/** Common guard: a string, not empty, not longer than MAX_VERSION_LENGTH. */
export function checkText(scheme: string, text: unknown): string {
  if (typeof text !== 'string') throw invalidVersion(scheme, String(text), 'not text');
  if (text.length === 0) throw invalidVersion(scheme, text, 'it is empty');
  if (text.length > MAX_VERSION_LENGTH) throw invalidVersion(scheme, text, `longer than ${MAX_VERSION_LENGTH} characters`);
  return text;
}

/** -1, 0 or 1. */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares two strings by UTF-16 code units (Java's String.compareTo, C's strcmp on ASCII). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares two unsigned decimal digit strings by value, of any length
 * (leading zeros ignored), without converting to a number.
 */
export function compareDigits(a: string, b: string): number {
  let i = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  let j = 0;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (let k = 0; k < la; k++) {
    const d = a.charCodeAt(i + k) - b.charCodeAt(j + k);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Parses with `scheme`, or undefined if the text is not a valid version. */
export function tryParse<V>(scheme: VersionScheme<V>, text: string): V | undefined {
  try {
    return scheme.parse(text);
  } catch (e) {
    if (e instanceof VersionError) return undefined;
    throw e;
  }
}

/** Parses both texts and compares them; `VERSION_INVALID` if either is not a version. */
export function compareText<V>(scheme: VersionScheme<V>, a: string, b: string): number {
  return scheme.compare(scheme.parse(a), scheme.parse(b));
}

export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
export const isAlphaCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Remembers parsed versions (and refusals) per scheme, so that a matcher
 * evaluating many advisories of one package parses each version text once.
 * Bounded: past `limit` texts it stops remembering and just parses.
 */
export class VersionCache {
  readonly #maps = new Map<VersionScheme<unknown>, Map<string, unknown>>();
  #size = 0;
  readonly #limit: number;

  constructor(limit = 500_000) {
    this.#limit = limit;
  }

  /** Like `scheme.parse`, remembered. */
  parse<V>(scheme: VersionScheme<V>, text: string): V {
    const r = this.#lookup(scheme, text);
    if (r instanceof VersionError) throw r;
    return r as V;
  }

  /** Like `tryParse`, remembered. */
  tryParse<V>(scheme: VersionScheme<V>, text: string): V | undefined {
    const r = this.#lookup(scheme, text);
    return r instanceof VersionError ? undefined : (r as V);
  }

  #lookup<V>(scheme: VersionScheme<V>, text: string): V | VersionError {
    let map = this.#maps.get(scheme as VersionScheme<unknown>);
    if (map === undefined) {
      map = new Map();
      this.#maps.set(scheme as VersionScheme<unknown>, map);
    }
    const hit = map.get(text);
    if (hit !== undefined) return hit as V | VersionError;
    let r: V | VersionError;
    try {
      r = scheme.parse(text);
    } catch (e) {
      if (!(e instanceof VersionError)) throw e;
      r = e;
    }
    if (this.#size < this.#limit) {
      map.set(text, r);
      this.#size++;
    }
    return r;
  }
}
