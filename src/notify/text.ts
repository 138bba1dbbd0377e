/** Longest error or response text kept per delivery attempt, in UTF-8 bytes. */
export const MAX_LOGGED_TEXT_BYTES = 1024;

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a
 * character, marking a cut with `…`. Error texts and response bodies come
 * from remote servers, so their length is theirs to choose.
 */
export function truncateUtf8(text: string, maxBytes = MAX_LOGGED_TEXT_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const ellipsis = '…';
  let end = maxBytes - Buffer.byteLength(ellipsis);
  // back up to the first byte of a character (continuation bytes are 10xxxxxx)
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + ellipsis;
}
