/**
 * Base64 as DSSE uses it: "Either standard or URL-safe base64 encodings are
 * allowed. Signers may use either, and verifiers MUST accept either"
 * (secure-systems-lab/dsse protocol.md). Accepted here: the standard alphabet
 * with its padding (RFC 4648 §4), or the URL-safe alphabet with or without
 * padding (§5). Refused: mixed alphabets, whitespace, wrong padding and
 * non-zero unused bits, so each byte string has few spellings and none hides junk.
 */

const URL_SAFE_PADDED = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;
const URL_SAFE_BARE = /^[A-Za-z0-9_-]*$/;

/** Decodes DSSE base64 (see above); `undefined` when `text` is not canonical base64 in one alphabet. */
export function decodeDsseBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  // Standard base64 is canonical exactly when it is what encoding its bytes gives back: the decoder
  // skips characters outside the alphabet, and the encoder writes only the standard alphabet, padded,
  // with zero unused bits. (A regular expression checking the alphabet first would be redundant.)
  const std = Buffer.from(text, 'base64');
  if (std.toString('base64') === text) return new Uint8Array(std.buffer, std.byteOffset, std.byteLength);
  if (!URL_SAFE_PADDED.test(text) && !URL_SAFE_BARE.test(text)) return undefined;
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1) return undefined;
  const bytes = Buffer.from(bare, 'base64url');
  if (bytes.toString('base64url') !== bare) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Standard, padded base64: the only spelling Accord writes. */
export function encodeStdBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
