/**
 * Strict decoders for the text fields of notes, checkpoints and proofs. They
 * return `undefined` instead of throwing so each caller raises its own coded error.
 */

/** Largest index or size the ledger handles: beyond 2^53 - 1 a JS number loses integers. */
export const MAX_SAFE_SIZE = Number.MAX_SAFE_INTEGER;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * Decodes standard, padded base64 (RFC 4648 §4), accepting only the canonical
 * encoding: Node's decoder skips junk and unused bits, which would make the same
 * signature or hash spellable many ways.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Standard, padded base64 (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Parses ASCII decimal with no leading zeros (tlog-checkpoint, tlog-tiles, tlog-proof); `undefined` above 2^53 - 1. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_SAFE_SIZE ? value : undefined;
}

/** True for a non-negative integer the ledger can represent exactly. */
export function isSafeSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Byte-wise equality (hashes here are public, so no constant-time compare is needed). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const UTF8 = new TextEncoder();

/** UTF-8 encoding. */
export function utf8(text: string): Uint8Array {
  return UTF8.encode(text);
}

/** Runs `fn`, turning any exception into `undefined`: for library calls whose failures mean "invalid input". */
export function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, returning `undefined` for invalid sequences instead of replacing them. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  return attempt(() => STRICT_UTF8.decode(bytes));
}

/** True when a JS string has no lone surrogate, i.e. it has a UTF-8 encoding. */
export function isWellFormedUnicode(text: string): boolean {
  // String.prototype.isWellFormed (ES2024) where the runtime has it: no regular expression to run.
  const s = text as string & { isWellFormed?: () => boolean };
  if (typeof s.isWellFormed === 'function') return s.isWellFormed();
  // In `u` mode a surrogate class matches only unpaired halves.
  return !/[\uD800-\uDFFF]/u.test(text);
}
