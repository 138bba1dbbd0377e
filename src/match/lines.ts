/**
 * Cutting a byte stream into batches of whole lines without ever holding more
 * than one over-long line's worth of a partial line: a line longer than the
 * limit is dropped as soon as it exceeds it (the rest of it is skipped as it
 * arrives) and counted, so a 5 GB file without a newline costs the limit in
 * memory, not 5 GB.
 */

/** Lines skipped before a record could be read, by reason. */
export interface SkipCounts {
  /** Longer than the line limit. */
  tooLong: number;
  /** Not valid UTF-8 (binary junk, another encoding). */
  invalidUtf8: number;
  /** JSON lines input: not valid JSON. */
  invalidJson: number;
  /** JSON lines input: valid JSON but not an object. */
  notObject: number;
  /** Text input: control characters (NUL, …) that no log line holds. */
  binary: number;
  /** CSV or Zeek TSV: a line that cannot be read in that format (an unterminated quote, a data line before the header). */
  malformed: number;
}

export function emptySkips(): SkipCounts {
  return { tooLong: 0, invalidUtf8: 0, invalidJson: 0, notObject: 0, binary: 0, malformed: 0 };
}

export function addSkips(into: SkipCounts, from: SkipCounts): void {
  into.tooLong += from.tooLong;
  into.invalidUtf8 += from.invalidUtf8;
  into.invalidJson += from.invalidJson;
  into.notObject += from.notObject;
  into.binary += from.binary;
  into.malformed += from.malformed;
}

/** Whole lines (the last one may lack its newline at the end of input) and what was dropped just before them. */
export interface Batch {
  buf: Buffer;
  /** Over-long lines dropped right before this batch's first line (they still count for line numbers). */
  droppedBefore: number;
  /** Input bytes this batch accounts for, the dropped ones included. */
  bytes: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

export interface CutOptions {
  /** Longest line kept, in bytes (default 1 MiB). */
  maxLineBytes?: number;
  /** Smallest batch emitted before the end of input (default 0: every chunk that completes a line). */
  minBatchBytes?: number;
}

/** Cuts `input` into batches of whole lines (see the module comment). */
export async function* cutLines(input: AsyncIterable<Buffer | Uint8Array | string>, options: CutOptions = {}): AsyncGenerator<Batch> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const minBatch = options.minBatchBytes ?? 0;
  let parts: Buffer[] = [];
  let partsLen = 0;
  /** Offset in the accumulated parts just after the last complete line. */
  let complete = 0;
  let skipping = false;
  let dropped = 0;
  let droppedBytes = 0;

  const take = (upto: number): Batch => {
    const all = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, partsLen);
    const batch: Batch = { buf: all.subarray(0, upto), droppedBefore: dropped, bytes: upto + droppedBytes };
    const rest = all.subarray(upto);
    // The tail is copied: the caller's chunk may be reused, and it is at most one line.
    parts = rest.length > 0 ? [Buffer.from(rest)] : [];
    partsLen = rest.length;
    complete = 0;
    dropped = 0;
    droppedBytes = 0;
    return batch;
  };

  for await (const raw of input) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        droppedBytes += chunk.length;
        continue;
      }
      droppedBytes += nl + 1;
      dropped++;
      skipping = false;
      chunk = chunk.subarray(nl + 1);
      if (chunk.length === 0) continue;
    }
    const last = chunk.lastIndexOf(10);
    const before = partsLen;
    parts.push(chunk);
    partsLen += chunk.length;
    if (last >= 0) complete = before + last + 1;
    if (partsLen - complete > maxLine) {
      // The partial line is already too long: emit the whole lines, drop it, skip the rest of it.
      if (complete > 0) yield take(complete);
      droppedBytes += partsLen;
      parts = [];
      partsLen = 0;
      complete = 0;
      skipping = true;
      continue;
    }
    if (complete > 0 && complete >= minBatch) yield take(complete);
  }
  // A line still being skipped at the end of input is one more dropped line.
  if (skipping) dropped++;
  if (partsLen > 0 || dropped > 0 || droppedBytes > 0) yield take(partsLen);
}

/**
 * Calls `line(start, end, lineNumber)` for each line of a batch (end excludes
 * the newline and a CR before it) and returns the number of lines. Lines
 * longer than `maxLine` are counted in `skips.tooLong` instead; empty lines
 * count as lines but are not passed on.
 */
export function forEachLine(buf: Buffer, firstLine: number, maxLine: number, skips: SkipCounts, line: (start: number, end: number, lineNo: number) => void): number {
  const len = buf.length;
  let pos = 0;
  let n = 0;
  while (pos < len) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = len;
    const lineNo = firstLine + n++;
    let end = nl;
    if (end > pos && buf[end - 1] === 13) end--;
    if (nl - pos > maxLine) skips.tooLong++;
    else if (end > pos) line(pos, end, lineNo);
    pos = nl + 1;
  }
  return n;
}
