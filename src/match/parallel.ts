import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CompiledIndicators, CompiledTables } from './compile.js';
import type { RawHit } from './engine.js';
import { MatchError } from './errors.js';
import { addSkips, cutLines, emptySkips, type Batch } from './lines.js';
import { checkOptions, emptyStats, finishStats, matchBatches, resolveHits, type Hit, type MatchOptions, type MatchRun, type MatchStats } from './matcher.js';
import type { WorkerBatch, WorkerInit, WorkerResult, WorkerRun } from './match-worker.js';
import { detectFormat, isBlank } from './readers.js';

/**
 * matchStream over worker threads. The calling thread cuts the input into
 * batches of whole lines (~1 MiB), copies each into a SharedArrayBuffer and
 * hands it to the least busy worker; workers match and answer with raw hits;
 * the calling thread puts answers back in input order, numbers the lines and
 * attaches indicator metadata. At most two batches per worker are in flight,
 * so memory stays flat whatever the input size and a slow consumer of hits
 * slows the reading down. The compiled tables are shared, not copied: each
 * worker adds its own code and heap (~10–20 MB), not another table set.
 *
 * JSON lines and plain text split anywhere between lines. CSV (a quoted field
 * may span lines, the header comes first) and Zeek TSV (header lines may
 * change the fields mid-file) are read on the calling thread.
 */

export interface ParallelOptions extends MatchOptions {
  /** Bytes per batch (default 1 MiB). */
  batchBytes?: number;
}

export interface PoolOptions {
  /** Worker threads (default: available parallelism, at most 8). */
  workers?: number;
}

type AnyArray = Int32Array | Uint32Array | Uint8Array;

/** The tables on SharedArrayBuffers (copied once if they were built without `shared`). */
export function shareTables(t: CompiledTables): CompiledTables {
  const share = <T extends AnyArray>(a: T): T => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
    const b = new Ctor(new SharedArrayBuffer(a.byteLength));
    (b as AnyArray).set(a as never);
    return b;
  };
  const each = <O extends object>(o: O): O => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, share(v as AnyArray)])) as O;
  return { keys: each(t.keys), ranges: each(t.ranges), general: share(t.general) };
}

/** Starts a worker on match-worker (the TypeScript source under tsx, the compiled file otherwise). */
function startWorker(): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const entry = new URL('./match-worker.ts', self).href;
    let api: string;
    try {
      api = import.meta.resolve('tsx/esm/api');
    } catch (e) {
      throw new MatchError('MATCH_WORKER_FAILED', 'running from TypeScript sources needs tsx to start worker threads', { cause: e });
    }
    return new Worker(`import(${JSON.stringify(api)}).then((a) => { a.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
  }
  return new Worker(new URL('./match-worker.js', self));
}

interface Slot {
  worker: Worker;
  queue: { resolve: (r: WorkerResult) => void; reject: (e: unknown) => void }[];
}

/**
 * Worker threads holding one compiled indicator set, for any number of match
 * runs one after the other (a server matching uploads keeps one pool). Close
 * it when done; an idle pool keeps the process alive.
 */
export class MatcherPool {
  private readonly slots: Slot[] = [];
  private failure: unknown;
  private busy: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(readonly compiled: CompiledIndicators, options: PoolOptions = {}) {
    const n = Math.max(1, Math.min(options.workers ?? Math.min(availableParallelism(), 8), 64));
    const init: WorkerInit = { type: 'init', tables: shareTables(compiled.tables), general: [...compiled.general] };
    for (let i = 0; i < n; i++) {
      const worker = startWorker();
      const slot: Slot = { worker, queue: [] };
      worker.on('message', (r: WorkerResult) => slot.queue.shift()?.resolve(r));
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`worker exited with code ${code}`));
      });
      worker.postMessage(init);
      this.slots.push(slot);
    }
  }

  get workers(): number {
    return this.slots.length;
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof MatchError ? e : new MatchError('MATCH_WORKER_FAILED', 'a matcher worker thread failed', { cause: e });
    for (const s of this.slots) for (const q of s.queue.splice(0)) q.reject(this.failure);
  }

  private submit(b: Batch, seq: number): Promise<WorkerResult> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.queue.length < slot.queue.length) slot = s;
    // A copy in shared memory: the input's own buffer may be reused by its producer, and nothing is transferred back.
    const data = new SharedArrayBuffer(b.buf.length);
    new Uint8Array(data).set(b.buf);
    const p = new Promise<WorkerResult>((resolve, reject) => slot.queue.push({ resolve, reject }));
    const msg: WorkerBatch = { type: 'batch', seq, data };
    slot.worker.postMessage(msg);
    return p;
  }

  /** Matches one log (runs on one pool take turns). Same hits, in the same order, as matchStream. */
  match(input: AsyncIterable<Buffer | Uint8Array | string>, options: ParallelOptions = {}): MatchRun {
    checkOptions(options);
    if (this.closed) throw new MatchError('MATCH_OPTIONS_INVALID', 'the matcher pool is closed');
    const stats = emptyStats(this.slots.length);
    const turn = async function* (this: MatcherPool): AsyncGenerator<Hit> {
      const previous = this.busy;
      let release = (): void => undefined;
      this.busy = new Promise<void>((r) => (release = r));
      await previous;
      try {
        yield* this.run(input, options, stats);
      } finally {
        release();
      }
    };
    return { stats, [Symbol.asyncIterator]: () => turn.call(this) };
  }

  private async *run(input: AsyncIterable<Buffer | Uint8Array | string>, options: ParallelOptions, stats: MatchStats): AsyncGenerator<Hit> {
    const compiled = this.compiled;
    const batches = cutLines(input, { maxLineBytes: options.maxLineBytes, minBatchBytes: options.batchBytes ?? 1 << 20 })[Symbol.asyncIterator]();
    // The format comes from the first non-blank bytes; batches of only dropped or blank lines carry none.
    const head: Batch[] = [];
    let first = await batches.next();
    while (!first.done && options.format === undefined && isBlank(first.value.buf)) {
      head.push(first.value);
      first = await batches.next();
    }
    if (!first.done) head.push(first.value);
    const rest = async function* (): AsyncGenerator<Batch> {
      yield* head;
      if (first.done) return;
      for (let r = await batches.next(); !r.done; r = await batches.next()) yield r.value;
    };
    const format = options.format ?? (first.done ? 'json' : detectFormat(first.value.buf));
    if (first.done || format === 'csv' || format === 'zeek-tsv') {
      stats.workers = 0;
      yield* matchBatches(compiled, rest(), first.done ? options : { ...options, format }, stats);
      return;
    }
    stats.format = format;
    const t0 = performance.now();
    const runMsg: WorkerRun = { type: 'run', format, options: { maxLineBytes: options.maxLineBytes, csvDelimiter: options.csvDelimiter } };
    for (const s of this.slots) s.worker.postMessage(runMsg);
    const source = rest();
    const inflight: { batch: Batch; result: Promise<WorkerResult> }[] = [];
    const limit = 2 * this.slots.length;
    let seq = 0;
    let done = false;
    let refilling: Promise<void> = Promise.resolve();
    const last = { line: 0 };
    const refill = async (): Promise<void> => {
      while (!done && inflight.length < limit) {
        const r = await source.next();
        if (r.done || done) {
          done = true;
          break;
        }
        const b = r.value;
        const result = b.buf.length > 0 ? this.submit(b, seq++) : Promise.resolve(emptyResult(seq++));
        // A rejection is observed when the batch's turn comes; keep Node from reporting it earlier.
        result.catch(() => undefined);
        inflight.push({ batch: b, result });
      }
    };
    try {
      await (refilling = refill());
      while (inflight.length > 0) {
        const { batch, result } = inflight.shift() as { batch: Batch; result: Promise<WorkerResult> };
        const r = await result;
        stats.bytes += batch.bytes;
        stats.lines += batch.droppedBefore;
        stats.skipped.tooLong += batch.droppedBefore;
        const base = stats.lines;
        stats.lines += r.lines;
        stats.records += r.records;
        stats.generalEvaluations += r.evaluations;
        addSkips(stats.skipped, r.skips);
        // Read and hand out the next batches while this one's hits are consumed.
        refilling = refill();
        if (r.hits.length > 0) {
          for (const h of r.hits) h.line += base;
          yield* resolveHits(compiled, r.hits as RawHit[], stats, last);
        }
        await refilling;
      }
    } finally {
      // An abandoned run stops reading, closes its input and waits for its batches in flight,
      // so that the next run on this pool gets only its own answers.
      done = true;
      await refilling.catch(() => undefined);
      await Promise.allSettled(inflight.map((x) => x.result));
      await source.return(undefined).catch(() => undefined);
      finishStats(stats, t0);
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function emptyResult(seq: number): WorkerResult {
  return { seq, lines: 0, records: 0, evaluations: 0, skips: emptySkips(), hits: [] };
}

/**
 * Matches one log on a pool started for it and closed afterwards (see
 * MatcherPool; `workers: 0` matches on the calling thread).
 */
export function matchStreamParallel(compiled: CompiledIndicators, input: AsyncIterable<Buffer | Uint8Array | string>, options: ParallelOptions & PoolOptions = {}): MatchRun {
  checkOptions(options);
  if (options.workers === 0) {
    const stats = emptyStats(0);
    return { stats, [Symbol.asyncIterator]: () => matchBatches(compiled, cutLines(input, { maxLineBytes: options.maxLineBytes }), options, stats) };
  }
  let run: MatchRun | undefined;
  const stats = emptyStats(options.workers ?? 0);
  async function* gen(): AsyncGenerator<Hit> {
    const pool = new MatcherPool(compiled, options);
    try {
      run = pool.match(input, options);
      yield* run;
    } finally {
      if (run) Object.assign(stats, run.stats);
      await pool.close();
    }
  }
  return {
    get stats() {
      return run ? run.stats : stats;
    },
    [Symbol.asyncIterator]: gen,
  };
}
