import { isUtf8 } from 'node:buffer';
import { forEachToken, shapeOf, Shape } from './classify.js';
import { semOfShape, type RecordSink } from './engine.js';
import { MatchError } from './errors.js';
import { childNode, FIELD_TREE, Sem, semOfName, type FieldNode, type SemCode } from './fields.js';
import { cutLines, DEFAULT_MAX_LINE_BYTES, emptySkips, forEachLine, type SkipCounts } from './lines.js';

/**
 * Log readers: JSON lines (ECS, Zeek JSON, Suricata EVE and anything else),
 * Zeek TSV, CSV with a header row, and plain text. Each turns one line into
 * one record — the fields that may hold an indicator value, with the value
 * exactly as the log has it and the field's meaning — handed to a RecordSink.
 * Nothing in a line can make a reader throw: unreadable lines are counted in
 * SkipCounts and skipped.
 */

export type LogFormat = 'json' | 'zeek-tsv' | 'csv' | 'text';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'zeek-tsv', 'csv', 'text'];

/** Reads the lines of one format into records. */
export interface LineReader {
  /** Reads `buf[start, end)` (one line, without its newline); `lineNo` is 1-based. */
  line(buf: Buffer, start: number, end: number, lineNo: number): void;
}

/** JSON nesting deeper than this is not walked (the values above it still are). */
const MAX_DEPTH = 32;

/** Reads JSON lines: every string value below known or unknown names, plus ports from known port fields. */
export class JsonLineReader implements LineReader {
  constructor(private readonly sink: RecordSink, private readonly skips: SkipCounts) {}

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    let c = buf[start] as number;
    // Leading blanks: skip; a blank line is no record.
    while ((c === 32 || c === 9) && start < end) c = buf[++start] as number;
    if (start === end) return;
    let obj: unknown;
    if (c !== 123) {
      // Not an object; whether it is JSON at all decides which count it goes to (rare: parse to know).
      let json = false;
      if (c === 91 || (c >= 48 && c <= 57) || c === 34 || c === 116 || c === 102 || c === 110 || c === 45) {
        try {
          JSON.parse(buf.toString('utf8', start, end));
          json = true;
        } catch {
          json = false;
        }
      }
      this.skips[json ? 'notObject' : 'invalidJson']++;
      return;
    }
    try {
      obj = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      this.skips.invalidJson++;
      return;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      this.skips.notObject++;
      return;
    }
    this.sink.begin(lineNo);
    this.walk(obj as Record<string, unknown>, FIELD_TREE, '', 0);
    this.sink.end();
  }

  private walk(obj: Record<string, unknown>, node: FieldNode | undefined, prefix: string, depth: number): void {
    for (const k in obj) {
      const v = obj[k];
      if (v === null || v === undefined) continue;
      // Below an unknown name, known names are looked up from the top again (EVE wrapped as `suricata.eve.*`).
      const child = childNode(node ?? FIELD_TREE, k);
      const t = typeof v;
      if (t === 'string') {
        this.value(prefix, k, v as string, child);
      } else if (t === 'object') {
        if (depth >= MAX_DEPTH) continue;
        const name = prefix === '' ? k : `${prefix}.${k}`;
        if (Array.isArray(v)) this.array(v, child, name, depth + 1);
        else this.walk(v as Record<string, unknown>, child, name, depth + 1);
      } else if (t === 'number' && child !== undefined && (child.sem === Sem.SRC_PORT || child.sem === Sem.DST_PORT)) {
        this.sink.field(prefix === '' ? k : `${prefix}.${k}`, String(v), child.sem);
      }
    }
  }

  private value(prefix: string, k: string, v: string, node: FieldNode | undefined): void {
    let sem: SemCode = node === undefined ? Sem.NONE : node.sem;
    if (sem === Sem.SKIP) return;
    if (sem === Sem.NONE) {
      // Most unknown values are not indicator-shaped: decide before building the field name.
      sem = semOfShape(shapeOf(v));
      if (sem === Sem.NONE) return;
    }
    this.sink.field(prefix === '' ? k : `${prefix}.${k}`, v, sem);
  }

  private array(arr: unknown[], node: FieldNode | undefined, name: string, depth: number): void {
    for (const el of arr) {
      if (typeof el === 'string') {
        let sem: SemCode = node === undefined ? Sem.NONE : node.sem;
        if (sem === Sem.SKIP) continue;
        if (sem === Sem.NONE) sem = semOfShape(shapeOf(el));
        if (sem !== Sem.NONE) this.sink.field(name, el, sem);
      } else if (typeof el === 'object' && el !== null && depth < MAX_DEPTH) {
        if (Array.isArray(el)) this.array(el, node, name, depth + 1);
        else this.walk(el as Record<string, unknown>, node, name, depth + 1);
      } else if (typeof el === 'number' && node !== undefined && (node.sem === Sem.SRC_PORT || node.sem === Sem.DST_PORT)) {
        this.sink.field(name, String(el), node.sem);
      }
    }
  }
}

/** Zeek's `\xHH` escapes (src/threading/formatters/Ascii.cc) decoded. */
function zeekUnescape(s: string): string {
  if (s.indexOf('\\x') < 0) return s;
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Reads Zeek TSV logs: `#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#fields`, `#types` header lines; data lines by field name and type. */
export class ZeekTsvReader implements LineReader {
  private separator = '\t';
  private setSeparator = ',';
  private empty = '(empty)';
  private unset = '-';
  private fields: string[] = [];
  private sems: SemCode[] = [];
  private isSet: boolean[] = [];

  constructor(private readonly sink: RecordSink, private readonly skips: SkipCounts) {}

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    const text = buf.toString('utf8', start, end);
    if (text.charCodeAt(0) === 35) {
      this.header(text);
      return;
    }
    if (this.fields.length === 0) {
      this.skips.malformed++;
      return;
    }
    const cols = text.split(this.separator);
    this.sink.begin(lineNo);
    for (let i = 0; i < cols.length && i < this.fields.length; i++) {
      const raw = cols[i] as string;
      if (raw === this.unset || raw === this.empty || raw === '') continue;
      const sem = this.sems[i] as SemCode;
      if (sem === Sem.SKIP) continue;
      const name = this.fields[i] as string;
      const values = this.isSet[i] ? raw.split(this.setSeparator) : [raw];
      for (const v0 of values) {
        const v = zeekUnescape(v0);
        if (v === '') continue;
        const s = sem === Sem.NONE ? semOfShape(shapeOf(v)) : sem;
        if (s !== Sem.NONE) this.sink.field(name, v, s);
      }
    }
    this.sink.end();
  }

  private header(text: string): void {
    if (text.startsWith('#separator ')) {
      this.separator = zeekUnescape(text.slice('#separator '.length)) || '\t';
      return;
    }
    const sep = text.indexOf(this.separator);
    if (sep < 0) return;
    const key = text.slice(1, sep);
    const rest = text.slice(sep + this.separator.length);
    switch (key) {
      case 'set_separator':
        this.setSeparator = zeekUnescape(rest) || ',';
        break;
      case 'empty_field':
        this.empty = zeekUnescape(rest);
        break;
      case 'unset_field':
        this.unset = zeekUnescape(rest);
        break;
      case 'fields':
        this.fields = rest.split(this.separator);
        this.sems = this.fields.map((f) => semOfName(f));
        this.isSet = this.fields.map(() => false);
        break;
      case 'types': {
        const types = rest.split(this.separator);
        types.forEach((t, i) => {
          if (i >= this.fields.length) return;
          this.isSet[i] = /^(set|vector)\[/.test(t);
          const base = t.replace(/^(set|vector)\[(.*)\]$/, '$2');
          if (this.sems[i] === Sem.NONE) {
            if (base === 'addr') this.sems[i] = Sem.IP;
            else if (base === 'time' || base === 'interval' || base === 'count' || base === 'int' || base === 'double' || base === 'bool' || base === 'enum' || base === 'port') this.sems[i] = Sem.SKIP;
          }
        });
        break;
      }
      default:
        break;
    }
  }
}

/** Splits one CSV record (RFC 4180: `"` quotes, `""` inside quotes); undefined while a quoted field is still open. */
export function splitCsv(text: string, delimiter: string): string[] | undefined {
  const out: string[] = [];
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  for (;;) {
    if (i < n && text.charCodeAt(i) === 34) {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return undefined;
        v += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          v += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the delimiter is kept (lenient, as spreadsheets are).
      const next = text.indexOf(delimiter, j);
      v += next < 0 ? text.slice(j) : text.slice(j, next);
      out.push(v);
      if (next < 0) return out;
      i = next + 1;
    } else {
      let next = i;
      while (next < n && text.charCodeAt(next) !== d) next++;
      out.push(text.slice(i, next));
      if (next >= n) return out;
      i = next + 1;
    }
  }
}

/** Reads CSV with a header row; every column is a candidate, by the header's meaning or the value's shape. A quoted field may span lines. */
export class CsvReader implements LineReader {
  private header: string[] | undefined;
  private sems: SemCode[] = [];
  private pending = '';
  private pendingLine = 0;

  constructor(private readonly sink: RecordSink, private readonly skips: SkipCounts, private delimiter: string | undefined, private readonly maxRecord: number) {}

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    let text = buf.toString('utf8', start, end);
    let first = lineNo;
    if (this.pending !== '') {
      text = `${this.pending}\n${text}`;
      first = this.pendingLine;
      this.pending = '';
    }
    if (this.header === undefined) {
      this.delimiter ??= guessDelimiter(text);
    }
    const cells = splitCsv(text, this.delimiter as string);
    if (!cells) {
      if (text.length > this.maxRecord) {
        this.skips.malformed++;
        return;
      }
      this.pending = text;
      this.pendingLine = first;
      return;
    }
    if (this.header === undefined) {
      this.header = cells.map((c) => c.trim());
      this.sems = this.header.map((h) => semOfName(h));
      return;
    }
    this.sink.begin(first);
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i] as string;
      if (v === '') continue;
      let sem = this.sems[i] ?? Sem.NONE;
      if (sem === Sem.SKIP) continue;
      if (sem === Sem.NONE) sem = semOfShape(shapeOf(v));
      if (sem !== Sem.NONE) this.sink.field(this.header[i] || `column${i + 1}`, v, sem);
    }
    this.sink.end();
  }

  /** A record still open at the end of input is malformed. */
  finish(): void {
    if (this.pending !== '') {
      this.skips.malformed++;
      this.pending = '';
    }
  }
}

function guessDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const count = headerLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Reads plain text: indicator-shaped tokens of each line, as field `text`. */
export class TextReader implements LineReader {
  constructor(private readonly sink: RecordSink, private readonly skips: SkipCounts) {}

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    for (let i = start; i < end; i++) {
      const c = buf[i] as number;
      // NUL and the C0 controls other than tab, and DEL: not text.
      if ((c < 32 && c !== 9 && c !== 12) || c === 127) {
        this.skips.binary++;
        return;
      }
    }
    const text = buf.toString('utf8', start, end);
    this.sink.begin(lineNo);
    forEachToken(text, (s, e, shape) => {
      if (shape !== Shape.NONE) this.sink.field('text', text.slice(s, e), semOfShape(shape));
    });
    this.sink.end();
  }
}

/** True when `buf` holds only blanks and line ends (no format can be told from it yet). */
export function isBlank(buf: Buffer): boolean {
  for (const c of buf) if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  return true;
}

/**
 * The format of a log from its first bytes: `{` JSON lines; `#separator` or
 * `#fields` Zeek TSV; a first line of two or more plain names separated by
 * `,` `;` tab or `|` CSV; anything else plain text.
 */
export function detectFormat(head: Buffer): LogFormat {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  if (head[i] === 123) return 'json';
  const nl = head.indexOf(10, i);
  const first = head.toString('utf8', i, nl < 0 ? Math.min(head.length, i + 65536) : nl).replace(/\r$/, '');
  if (first.startsWith('#separator') || first.startsWith('#fields')) return 'zeek-tsv';
  const d = guessDelimiter(first);
  const cells = splitCsv(first, d);
  if (cells && cells.length >= 2 && cells.every((c) => /^[A-Za-z_@#][\w .@#/()-]{0,63}$/.test(c.trim()))) return 'csv';
  return 'text';
}

export interface ReaderOptions {
  /** Force a format instead of detecting it. */
  format?: LogFormat;
  /** Longest line (or CSV record) kept, in bytes (default 1 MiB). */
  maxLineBytes?: number;
  /** CSV delimiter (default: guessed from the header among `,` `;` tab `|`). */
  csvDelimiter?: string;
}

/** A reader for a format, feeding `sink`. */
export function createReader(format: LogFormat, sink: RecordSink, skips: SkipCounts, options: ReaderOptions = {}): LineReader & { finish?(): void } {
  switch (format) {
    case 'json':
      return new JsonLineReader(sink, skips);
    case 'zeek-tsv':
      return new ZeekTsvReader(sink, skips);
    case 'csv':
      return new CsvReader(sink, skips, options.csvDelimiter, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    case 'text':
      return new TextReader(sink, skips);
    default:
      throw new MatchError('MATCH_OPTIONS_INVALID', `unknown log format ${JSON.stringify(String(format)).slice(0, 40)} (expected one of ${LOG_FORMATS.join(', ')})`);
  }
}

/**
 * Reads a batch of whole lines into `reader`: lines longer than the limit and
 * lines that are not UTF-8 are counted and skipped (the UTF-8 check runs once
 * per batch and per line only when the batch fails it). Returns the number of
 * lines.
 */
export function readBatch(reader: LineReader, buf: Buffer, firstLine: number, maxLine: number, skips: SkipCounts): number {
  const valid = isUtf8(buf);
  return forEachLine(buf, firstLine, maxLine, skips, (s, e, lineNo) => {
    if (!valid && !isUtf8(buf.subarray(s, e))) {
      skips.invalidUtf8++;
      return;
    }
    reader.line(buf, s, e, lineNo);
  });
}

/** One record of a log: its line number (the first line, for a CSV record spanning several) and fields in order. */
export interface LogRecord {
  line: number;
  /** `[field name, value exactly as in the log]`, for the fields that may hold an indicator value (and ports and protocols). */
  fields: [string, string][];
}

/** A stream of records with the counts of what was skipped (final once the stream ends). */
export interface RecordStream extends AsyncIterable<LogRecord> {
  readonly skipped: SkipCounts;
  /** Lines read, the skipped ones included. */
  readonly lines: number;
  /** The format read (detected or forced); undefined until the first bytes arrive. */
  readonly format: LogFormat | undefined;
}

/** Streams the records of a log (files, stdin, HTTP uploads: any AsyncIterable of chunks). */
export function readRecords(input: AsyncIterable<Buffer | Uint8Array | string>, options: ReaderOptions = {}): RecordStream {
  const skipped = emptySkips();
  const state = { lines: 0, format: options.format as LogFormat | undefined };
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (options.format !== undefined && !LOG_FORMATS.includes(options.format)) {
    throw new MatchError('MATCH_OPTIONS_INVALID', `unknown log format ${JSON.stringify(String(options.format)).slice(0, 40)}`);
  }
  async function* gen(): AsyncGenerator<LogRecord> {
    const ready: LogRecord[] = [];
    let current: LogRecord | undefined;
    const sink: RecordSink = {
      begin(line) {
        current = { line, fields: [] };
      },
      field(name, value) {
        current?.fields.push([name, value]);
      },
      end() {
        if (current) ready.push(current);
        current = undefined;
      },
    };
    let reader: (LineReader & { finish?(): void }) | undefined;
    for await (const batch of cutLines(input, { maxLineBytes: maxLine })) {
      state.lines += batch.droppedBefore;
      skipped.tooLong += batch.droppedBefore;
      if (!reader && (options.format !== undefined || !isBlank(batch.buf))) {
        state.format ??= detectFormat(batch.buf);
        reader = createReader(state.format, sink, skipped, options);
      }
      // Blank lines before the first non-blank one still count.
      state.lines += reader ? readBatch(reader, batch.buf, state.lines + 1, maxLine, skipped) : forEachLine(batch.buf, 1, maxLine, skipped, () => undefined);
      yield* ready;
      ready.length = 0;
    }
    reader?.finish?.();
  }
  return {
    skipped,
    get lines() {
      return state.lines;
    },
    get format() {
      return state.format;
    },
    [Symbol.asyncIterator]: gen,
  };
}
