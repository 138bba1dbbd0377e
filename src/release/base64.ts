/**
 * Base64 as DSSE uses it: "Either standard or URL-safe base64 encodings are
 * allowed. Signers may use either, and verifiers MUST accept either"
 * (secure-systems-lab/dsse protocol.md). Accepted here: the standard alphabet
 * with its padding (RFC 4648 §4), or the URL-safe alphabet with or without
 * padding (§5). Refused: mixed alphabets, whitespace, wrong padding and
 * non-zero unused bits, so each byte string has few spellings and none hides junk.
 */

const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_SAFE_PADDED = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;
const URL_SAFE_BARE = /^[A-Za-z0-9_-]*$/;

/** Decodes DSSE base64 (see above); `undefined` when `text` is not canonical base64 in one alphabet. */
export function decodeDsseBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  let bytes: Buffer;
  if (STANDARD.test(text)) {
    bytes = Buffer.from(text, 'base64');
    if (bytes.toString('base64') !== text) return undefined;
  } else if (URL_SAFE_PADDED.test(text) || URL_SAFE_BARE.test(text)) {
    const bare = text.replace(/=+$/, '');
    if (bare.length % 4 === 1) return undefined;
    bytes = Buffer.from(bare, 'base64url');
    if (bytes.toString('base64url') !== bare) return undefined;
  } else {
    return undefined;
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Standard, padded base64: the only spelling Accord writes. */
export function encodeStdBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
