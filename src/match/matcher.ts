import type { CompiledIndicators, CompiledTables, GeneralSpec, HitIndicator } from './compile.js';
import { RecordMatcher, type HitKind, type RawHit, type RecordSink } from './engine.js';
import { MatchError } from './errors.js';
import { cutLines, DEFAULT_MAX_LINE_BYTES, emptySkips, forEachLine, type Batch, type SkipCounts } from './lines.js';
import { createReader, detectFormat, isBlank, LOG_FORMATS, readBatch, type LineReader, type LogFormat, type ReaderOptions } from './readers.js';

/**
 * Matching a log stream against compiled indicators, on the calling thread
 * (matchStream) — parallel.ts spreads the same work over worker threads.
 */

/** One observed value that matched one indicator. */
export interface Hit {
  /** 1-based line number (the first line of a CSV record spanning several). */
  line: number;
  /** The field's name: a dotted JSON path (arrays add nothing), a CSV header, a Zeek field, `text`; `host+path` fields combined as a URL are joined by `+`. */
  field: string;
  /** The value exactly as the log has it (for a combined URL, the host and path values concatenated). */
  value: string;
  indicator: HitIndicator;
  kind: HitKind;
}

export type MatchOptions = ReaderOptions;

export interface MatchStats {
  format: LogFormat | undefined;
  /** Lines read, skipped ones included. */
  lines: number;
  /** Records read (lines that were not skipped, blank or headers). */
  records: number;
  bytes: number;
  hits: number;
  linesWithHits: number;
  skipped: SkipCounts;
  /** General patterns evaluated (one pattern on one record each). */
  generalEvaluations: number;
  elapsedMs: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
  /** Worker threads used (0: the calling thread). */
  workers: number;
}

/** Hits as they are found; `stats` is live and final once iteration ends. */
export interface MatchRun extends AsyncIterable<Hit> {
  readonly stats: MatchStats;
}

export function emptyStats(workers = 0): MatchStats {
  return {
    format: undefined, lines: 0, records: 0, bytes: 0, hits: 0, linesWithHits: 0, skipped: emptySkips(), generalEvaluations: 0,
    elapsedMs: 0, recordsPerSecond: 0, bytesPerSecond: 0, workers,
  };
}

/** Counts records on their way to the matcher. */
class CountingSink implements RecordSink {
  records = 0;
  constructor(private readonly inner: RecordSink) {}
  begin(line: number): void {
    this.records++;
    this.inner.begin(line);
  }
  field(name: string, value: string, sem: Parameters<RecordSink['field']>[2]): void {
    this.inner.field(name, value, sem);
  }
  end(): void {
    this.inner.end();
  }
}

/** Matches batches of lines of one format (the unit of work of a thread). */
export class BatchMatcher {
  readonly hits: RawHit[] = [];
  private readonly matcher: RecordMatcher;
  private readonly sink: CountingSink;
  private readonly reader: LineReader & { finish?(): void };
  private readonly maxLine: number;

  constructor(tables: CompiledTables, general: readonly GeneralSpec[], format: LogFormat, options: ReaderOptions = {}, readonly skips: SkipCounts = emptySkips()) {
    this.matcher = new RecordMatcher(tables, general, this.hits);
    this.sink = new CountingSink(this.matcher);
    this.reader = createReader(format, this.sink, this.skips, options);
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Reads and matches the lines of `buf`; hits are appended to `hits`. Returns the number of lines. */
  run(buf: Buffer, firstLine: number): number {
    return readBatch(this.reader, buf, firstLine, this.maxLine, this.skips);
  }

  finish(): void {
    this.reader.finish?.();
  }

  get records(): number {
    return this.sink.records;
  }

  get evaluations(): number {
    return this.matcher.evaluations;
  }
}

export function checkOptions(options: MatchOptions): void {
  if (options.format !== undefined && !LOG_FORMATS.includes(options.format)) {
    throw new MatchError('MATCH_OPTIONS_INVALID', `unknown log format ${JSON.stringify(String(options.format)).slice(0, 40)} (expected one of ${LOG_FORMATS.join(', ')})`);
  }
  const m = options.maxLineBytes;
  if (m !== undefined && (!Number.isInteger(m) || m < 16 || m > 1 << 30)) {
    throw new MatchError('MATCH_OPTIONS_INVALID', 'maxLineBytes must be an integer from 16 to 2^30');
  }
}

export function finishStats(stats: MatchStats, t0: number): void {
  stats.elapsedMs = performance.now() - t0;
  const secs = Math.max(stats.elapsedMs / 1000, 1e-9);
  stats.recordsPerSecond = Math.round(stats.records / secs);
  stats.bytesPerSecond = Math.round(stats.bytes / secs);
}

/** Turns raw hits (refs) into hits (indicators) and counts them. */
export function* resolveHits(compiled: CompiledIndicators, raw: readonly RawHit[], stats: MatchStats, last: { line: number }): Generator<Hit> {
  for (const h of raw) {
    stats.hits++;
    if (h.line !== last.line) {
      stats.linesWithHits++;
      last.line = h.line;
    }
    yield { line: h.line, field: h.field, value: h.value, indicator: compiled.indicator(h.ref), kind: h.kind };
  }
}

/**
 * Matches a log (any AsyncIterable of chunks: a file, stdin, an HTTP upload)
 * against compiled indicators on the calling thread. The format is detected
 * from the first bytes unless `options.format` forces it.
 */
export function matchStream(compiled: CompiledIndicators, input: AsyncIterable<Buffer | Uint8Array | string>, options: MatchOptions = {}): MatchRun {
  checkOptions(options);
  const stats = emptyStats(0);
  return {
    stats,
    [Symbol.asyncIterator]: () => matchBatches(compiled, cutLines(input, { maxLineBytes: options.maxLineBytes }), options, stats),
  };
}

/** The single-thread loop over batches (also parallel.ts's path for formats that cannot be split). */
export async function* matchBatches(compiled: CompiledIndicators, batches: AsyncIterable<Batch>, options: MatchOptions, stats: MatchStats): AsyncGenerator<Hit> {
  const t0 = performance.now();
  let bm: BatchMatcher | undefined;
  const last = { line: 0 };
  try {
    for await (const batch of batches) {
      stats.bytes += batch.bytes;
      stats.lines += batch.droppedBefore;
      stats.skipped.tooLong += batch.droppedBefore;
      if (!bm && (options.format !== undefined || !isBlank(batch.buf))) {
        stats.format = options.format ?? detectFormat(batch.buf);
        bm = new BatchMatcher(compiled.tables, compiled.general, stats.format, options, stats.skipped);
      }
      if (!bm) {
        // Blank lines before the first non-blank one: counted, nothing to read.
        stats.lines += forEachLine(batch.buf, 1, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, stats.skipped, () => undefined);
        continue;
      }
      stats.lines += bm.run(batch.buf, stats.lines + 1);
      stats.records = bm.records;
      stats.generalEvaluations = bm.evaluations;
      if (bm.hits.length > 0) {
        const raw = bm.hits.splice(0);
        yield* resolveHits(compiled, raw, stats, last);
      }
    }
    bm?.finish();
  } finally {
    if (bm) {
      stats.records = bm.records;
      stats.generalEvaluations = bm.evaluations;
    }
    finishStats(stats, t0);
  }
}
