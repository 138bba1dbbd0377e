import type { AttachmentUpload } from '../../../src/http/api-types.js';

/** The server's limit per attachment (src/disclosure/service.ts): 5 MiB decoded. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Files a report may carry (the API's maxItems). */
export const MAX_REPORT_FILES = 5;
/**
 * All of a report's files together: the report body is limited to 12 MiB and
 * base64 grows files by a third, so more than about 8 MiB of files cannot be
 * sent in one report (the rest can be attached on the case page).
 */
export const MAX_REPORT_TOTAL_BYTES = 8 * 1024 * 1024;

/** "1.2 MiB", "930 KiB", "93 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Why a file cannot be attached, or null. */
export function refuseFile(file: File): string | null {
  if (file.size > MAX_ATTACHMENT_BYTES) return `${file.name} is ${formatBytes(file.size)}; an attachment may be at most 5 MiB. Compress it or share it another way.`;
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}

/** Reads a file into the API's attachment shape (base64 content, the browser's media type or octet-stream). */
export function toUpload(file: File): Promise<AttachmentUpload> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onerror = () => reject(r.error ?? new Error(`Could not read ${file.name}.`));
    r.onload = () => {
      const url = String(r.result);
      const comma = url.indexOf(',');
      resolve({ filename: file.name, media_type: file.type || 'application/octet-stream', content_base64: comma >= 0 ? url.slice(comma + 1) : '' });
    };
    r.readAsDataURL(file);
  });
}
