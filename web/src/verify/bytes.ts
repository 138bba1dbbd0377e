import { VerifyError } from './errors.js';

/**
 * Byte helpers for the in-browser verifiers. Everything here also runs under
 * Node 20 (test/e2e/verify.test.ts), so only ECMAScript and WebCrypto globals
 * are used: no DOM types, no Node built-ins.
 */

/** Concatenates byte strings into one fresh, ArrayBuffer-backed array (what WebCrypto accepts). */
export function concat(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-shape comparison; the inputs here are public hashes, so timing does not matter. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical standard base64 (RFC 4648 §4, padded); undefined for
 * anything else. Canonical only: signed notes and proofs come from servers we
 * do not trust, and two spellings of one value must not both be accepted.
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (typeof text !== 'string' || !STD_BASE64.test(text)) return undefined;
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  // Non-zero padding bits decode too; re-encoding catches them.
  return encodeBase64(out) === text ? out : undefined;
}

/** Decodes standard or URL-safe base64, padded or not (DSSE allows either); undefined when malformed. */
export function decodeBase64Lenient(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  const std = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (std.length % 4 === 1) return undefined;
  try {
    const bin = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** Standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let bin = '';
  // Chunked: String.fromCharCode with a huge spread overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Lowercase or uppercase hex to bytes; undefined unless an even number of hex digits. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** Strict UTF-8 decoding; undefined for invalid sequences. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * WebCrypto's SubtleCrypto. Browsers offer it only in secure contexts (HTTPS,
 * or http://localhost), so a console served over plain HTTP elsewhere gets a
 * clear refusal instead of a TypeError.
 */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new VerifyError('CRYPTO_UNAVAILABLE', 'This page cannot use WebCrypto: browsers provide it only over HTTPS or on localhost. Open the console over HTTPS, or use `accord verify`.');
  }
  return s;
}

/** SHA-256 of the concatenation of `parts`, through WebCrypto. */
export async function sha256(...parts: readonly Uint8Array[]): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().digest('SHA-256', concat(...parts)));
}
