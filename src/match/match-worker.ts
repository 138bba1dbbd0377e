/**
 * Worker thread of matchStreamParallel: matches the batches of whole lines it
 * is sent and answers with raw hits (indicator refs) and counts. The compiled
 * tables arrive once, on SharedArrayBuffers, so every worker reads the same
 * memory. Line numbers in answers are relative to the batch (1-based); the
 * parent adds each batch's base.
 */
import { parentPort } from 'node:worker_threads';
import type { CompiledTables, GeneralSpec } from './compile.js';
import { emptySkips, type SkipCounts } from './lines.js';
import { BatchMatcher } from './matcher.js';
import type { LogFormat, ReaderOptions } from './readers.js';

/** Once per worker: the shared tables and the general patterns. */
export interface WorkerInit {
  type: 'init';
  tables: CompiledTables;
  general: GeneralSpec[];
}

/** Once per run: the format and reader options (a new matcher, fresh counts). */
export interface WorkerRun {
  type: 'run';
  format: LogFormat;
  options: ReaderOptions;
}

export interface WorkerBatch {
  type: 'batch';
  seq: number;
  data: SharedArrayBuffer;
}

export interface WorkerResult {
  seq: number;
  lines: number;
  records: number;
  evaluations: number;
  skips: SkipCounts;
  hits: { line: number; field: string; value: string; ref: number; kind: string }[];
}

const port = parentPort;
if (port) {
  let init: WorkerInit | undefined;
  let bm: BatchMatcher | undefined;
  let records = 0;
  let evaluations = 0;
  port.on('message', (m: WorkerInit | WorkerRun | WorkerBatch) => {
    if (m.type === 'init') {
      init = m;
      return;
    }
    if (m.type === 'run') {
      if (!init) throw new Error('run before init');
      bm = new BatchMatcher(init.tables, init.general, m.format, m.options);
      records = 0;
      evaluations = 0;
      return;
    }
    if (!bm) throw new Error('batch before init');
    const skips = emptySkips();
    const before = { ...bm.skips };
    const lines = bm.run(Buffer.from(m.data), 1);
    for (const k of Object.keys(skips) as (keyof SkipCounts)[]) skips[k] = bm.skips[k] - before[k];
    const result: WorkerResult = { seq: m.seq, lines, records: bm.records - records, evaluations: bm.evaluations - evaluations, skips, hits: bm.hits.splice(0) };
    records = bm.records;
    evaluations = bm.evaluations;
    port.postMessage(result);
  });
}
