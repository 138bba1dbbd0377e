import { subtle, toHex } from './bytes.js';
import { VerifyError } from './errors.js';

/**
 * Hashing a download in the browser. WebCrypto has no streaming digest, so the
 * whole file is read into memory: files above 2 GiB are refused rather than
 * risking the tab (use `sha256sum` or `accord verify` for those).
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** The part of a File/Blob this needs (structural, so Node tests can pass a stand-in). */
export interface Readable {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Lowercase hex SHA-256 of the file's bytes; `FILE_TOO_LARGE` above 2 GiB, before reading anything. */
export async function sha256File(file: Readable): Promise<string> {
  if (file.size > MAX_FILE_BYTES) {
    throw new VerifyError('FILE_TOO_LARGE', `The file is ${formatBytes(file.size)}; the browser can hash files up to 2 GiB. Use \`sha256sum\` or \`accord verify\` for larger files.`);
  }
  const digest = await subtle().digest('SHA-256', await file.arrayBuffer());
  return toHex(new Uint8Array(digest));
}

/** `1.5 MiB`, `312 bytes`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
