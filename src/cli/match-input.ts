/**
 * Opening logs and indicator files for `accord match`: a file path or `-` for
 * stdin becomes an AsyncIterable of Buffers (what the matcher reads), with
 * the total size when it is known so the command can show progress. The
 * matcher itself (src/match) never opens anything.
 */
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface MatchInput {
  /** The chunks of the input, in order. */
  chunks: AsyncIterable<Buffer>;
  /** Total bytes, when known (regular files, not compressed): for a progress bar. */
  size: number | undefined;
  /** A name for messages (`stdin` or the path). */
  name: string;
  /** Bytes read so far (compressed bytes for a .gz file), updated as chunks are read. */
  readonly bytesRead: number;
}

export interface OpenOptions {
  /** Read size (default 1 MiB: large reads keep the per-chunk overhead negligible). */
  highWaterMark?: number;
  /** Decompress gzip; default: when the path ends in `.gz`. */
  gunzip?: boolean;
}

/** Opens a file, or stdin for `-`, as chunks of at most `highWaterMark` bytes. */
export function openMatchInput(path: string, options: OpenOptions = {}): MatchInput {
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const isStdin = path === '-';
  const gunzip = options.gunzip ?? (!isStdin && path.endsWith('.gz'));
  let size: number | undefined;
  if (!isStdin) {
    const st = statSync(path);
    if (st.isFile()) size = st.size;
  }
  const raw = isStdin ? process.stdin : createReadStream(path, { highWaterMark });
  let bytesRead = 0;
  const counted = (async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of raw) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      bytesRead += b.length;
      yield b;
    }
  })();
  let chunks: AsyncIterable<Buffer> = counted;
  if (gunzip) {
    const gz = createGunzip({ chunkSize: Math.min(highWaterMark, 1 << 20) });
    const feed = async (): Promise<void> => {
      try {
        for await (const b of counted) if (!gz.write(b)) await new Promise((r) => gz.once('drain', r));
        gz.end();
      } catch (e) {
        gz.destroy(e as Error);
      }
    };
    void feed();
    chunks = gz as AsyncIterable<Buffer>;
  }
  return {
    chunks,
    size,
    name: isStdin ? 'stdin' : path,
    get bytesRead() {
      return bytesRead;
    },
  };
}

/**
 * Parses JSON lines (indicator lists, `accord intel pull` output) from
 * chunks, one value per non-blank line. A line that is not JSON is reported
 * to `onError` with its number and skipped.
 */
export async function* readJsonLines(chunks: AsyncIterable<Buffer>, onError?: (line: number, error: Error) => void): AsyncGenerator<unknown> {
  let rest = '';
  let line = 0;
  const parse = (text: string): { ok: true; value: unknown } | { ok: false } => {
    line++;
    if (text.trim() === '') return { ok: false };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (e) {
      onError?.(line, e as Error);
      return { ok: false };
    }
  };
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const r = parse(text.slice(start, nl));
      if (r.ok) yield r.value;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest !== '') {
    const r = parse(rest);
    if (r.ok) yield r.value;
  }
}
