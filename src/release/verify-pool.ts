import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BackPressureError } from '../errors.js';
import { LedgerError, type LedgerErrorCode } from '../ledger/errors.js';
import { ReleaseError, type ReleaseErrorCode } from './errors.js';
import type { CheckedRelease, Publisher } from './publish-check.js';
import { runVerifyRequest, type VerifyOutcome, type VerifyRequest, type VerifyResponse } from './verify-worker.js';

/**
 * Publish checks (`checkRelease`) on worker threads. Signature verification
 * and parsing are the largest cost of a publish (~80 µs an envelope with
 * libsodium's Ed25519); on workers they overlap with HTTP, JSON and the log on
 * the calling thread. Envelopes go in
 * chunks (one message per chunk, not per signature) to the least busy worker.
 * What is in flight is bounded: past `maxPending` envelopes a check is refused
 * with BACK_PRESSURE (503 + Retry-After) instead of queueing without limit.
 */

export interface VerifyPoolOptions {
  /** Worker threads (default: one per core but one, at least 1, at most 8); 0 checks on the calling thread. */
  threads?: number;
  /** Envelopes being checked at most before new checks are refused (default 20,000). */
  maxPending?: number;
  /** Envelopes per worker message at most (default 64). */
  chunk?: number;
}

/** One envelope's result: checked, or the error to answer with for it. */
export type CheckResult = { ok: CheckedRelease } | { error: Error };

/** The inputs of a check: JSON texts as `[start, end)` spans of one buffer, or parsed JSON values. */
export type CheckInput = { bytes: Uint8Array; spans: readonly number[] } | { values: readonly unknown[] };

interface Slot {
  worker: Worker;
  /** Envelopes sent to this worker and not answered yet. */
  load: number;
}

interface Waiting {
  slot: Slot;
  count: number;
  resolve: (o: readonly VerifyOutcome[]) => void;
  reject: (e: unknown) => void;
}

/**
 * Verification threads for `cores`: one core is left to the calling thread (HTTP, JSON, the log),
 * which is busy too: on two cores one worker publishes faster than two, which would share both
 * cores with it and each JIT-compile and collect garbage on their own.
 */
export function defaultVerifyThreads(cores: number): number {
  return Math.max(1, Math.min(cores - 1, 8));
}

/** Starts a worker on verify-worker (the TypeScript source under tsx, the compiled file otherwise). */
function startWorker(): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    // Workers do not inherit tsx's loader hooks: register them before importing the TypeScript source.
    const entry = new URL('./verify-worker.ts', self).href;
    const api = import.meta.resolve('tsx/esm/api');
    return new Worker(`import(${JSON.stringify(api)}).then((a) => { a.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
  }
  return new Worker(new URL('./verify-worker.js', self));
}

function rebuild(outcome: VerifyOutcome): CheckResult {
  if ('ok' in outcome) return outcome;
  const { name, code, message } = outcome.error;
  if (name === 'ReleaseError' && code !== undefined) return { error: new ReleaseError(code as ReleaseErrorCode, message) };
  if (name === 'LedgerError' && code !== undefined) return { error: new LedgerError(code as LedgerErrorCode, message) };
  return { error: new ReleaseError('RELEASE_WORKER_FAILED', `publish check failed: ${message}`) };
}

/** A pool of publish-check workers; `close()` it when done (workers are unref'd, so an idle pool does not keep the process alive). */
export class VerifyPool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private pending = 0;
  private closed = false;
  private readonly threads: number;
  private readonly maxPending: number;
  private readonly chunk: number;
  /** Single publishes waiting for the end of this turn of the event loop, to go out together. */
  private singles: { publisher: Publisher; value: unknown; resolve: (r: CheckResult) => void; reject: (e: unknown) => void }[] = [];
  private singlesTimer: NodeJS.Immediate | null = null;

  constructor(options: VerifyPoolOptions = {}) {
    this.threads = options.threads ?? defaultVerifyThreads(availableParallelism());
    this.maxPending = options.maxPending ?? 20_000;
    this.chunk = options.chunk ?? 64;
  }

  /** Envelopes being checked now. */
  get inFlight(): number {
    return this.pending;
  }

  /** Worker threads running now. */
  get workers(): number {
    return this.slots.length;
  }

  /**
   * Starts the worker threads now rather than on the first check, so a server's
   * first publishes do not wait for them (a thread takes ~40 ms of CPU to start).
   */
  start(): void {
    if (this.closed) return;
    while (this.slots.length < this.threads) this.spawn();
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(), load: 0 };
    slot.worker.unref();
    slot.worker.on('message', (res: VerifyResponse) => {
      const w = this.waiting.get(res.id);
      if (!w) return;
      this.waiting.delete(res.id);
      slot.load -= w.count;
      w.resolve(res.outcomes);
    });
    const fail = (err: unknown) => {
      // A dead worker fails what it held; the next check starts a new one.
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const [id, w] of this.waiting) {
        if (w.slot !== slot) continue;
        this.waiting.delete(id);
        w.reject(new ReleaseError('RELEASE_WORKER_FAILED', 'a signature-verification worker failed', { cause: err }));
      }
      void slot.worker.terminate();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private leastBusy(): Slot {
    if (this.slots.length < this.threads) return this.spawn();
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.load < best.load) best = s;
    return best;
  }

  private send(part: Omit<VerifyRequest, 'id'>, count: number): Promise<readonly VerifyOutcome[]> {
    const slot = this.leastBusy();
    const id = this.nextId++;
    slot.load += count;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { slot, count, resolve, reject });
      const req: VerifyRequest = { id, ...part };
      slot.worker.postMessage(req, part.bytes ? [part.bytes.buffer as ArrayBuffer] : []);
    });
  }

  /** Sends the single publishes queued this turn, a chunk per message (a message per request would cost more than its verification). */
  private flushSingles(): void {
    this.singlesTimer = null;
    const queued = this.singles;
    this.singles = [];
    const per = Math.max(1, Math.min(this.chunk, Math.ceil(queued.length / Math.max(1, this.threads))));
    for (let i = 0; i < queued.length; i += per) {
      const part = queued.slice(i, i + per);
      this.send({ singles: part.map((q) => ({ publisher: q.publisher, value: q.value })) }, part.length).then(
        (outcomes) => part.forEach((q, k) => q.resolve(rebuild(outcomes[k]!))),
        (err: unknown) => part.forEach((q) => q.reject(err)),
      );
    }
  }

  /** Checks one envelope (a parsed JSON value) for `publisher`; BACK_PRESSURE when too many are in flight. */
  async checkOne(publisher: Publisher, value: unknown): Promise<CheckResult> {
    if (this.closed) throw new ReleaseError('RELEASE_WORKER_FAILED', 'the verification pool is closed');
    if (this.threads === 0) return rebuild(runVerifyRequest({ id: 0, publisher, values: [value] })[0]!);
    if (this.pending + 1 > this.maxPending) throw new BackPressureError('Too many release statements are being verified; retry shortly.', 1);
    this.pending++;
    try {
      return await new Promise<CheckResult>((resolve, reject) => {
        this.singles.push({ publisher, value, resolve, reject });
        this.singlesTimer ??= setImmediate(() => this.flushSingles());
      });
    } finally {
      this.pending--;
    }
  }

  /** Checks envelopes for `publisher`; results in input order. BACK_PRESSURE when too many are in flight. */
  async check(publisher: Publisher, input: CheckInput): Promise<CheckResult[]> {
    if (this.closed) throw new ReleaseError('RELEASE_WORKER_FAILED', 'the verification pool is closed');
    const count = 'values' in input ? input.values.length : Math.floor(input.spans.length / 2);
    if (count === 0) return [];
    if (this.threads === 0) return runVerifyRequest({ id: 0, publisher, ...input }).map(rebuild);
    if (this.pending + count > this.maxPending) {
      throw new BackPressureError('Too many release statements are being verified; retry shortly.', 1);
    }
    this.pending += count;
    try {
      const parts: Promise<readonly VerifyOutcome[]>[] = [];
      // Spread a batch over every worker, in chunks small enough to interleave with other requests.
      const per = Math.max(1, Math.min(this.chunk, Math.ceil(count / Math.max(1, this.threads))));
      for (let i = 0; i < count; i += per) {
        const n = Math.min(per, count - i);
        if ('values' in input) {
          parts.push(this.send({ publisher, values: input.values.slice(i, i + n) }, n));
        } else {
          // One copy of the chunk's contiguous bytes, transferred: a view would clone the whole body
          // (and Buffer#slice makes views, so Uint8Array's slice is called).
          const from = input.spans[2 * i]!;
          const to = input.spans[2 * (i + n) - 1]!;
          const spans: number[] = [];
          for (let k = 2 * i; k < 2 * (i + n); k++) spans.push(input.spans[k]! - from);
          parts.push(this.send({ publisher, bytes: Uint8Array.prototype.slice.call(input.bytes, from, to), spans }, n));
        }
      }
      return (await Promise.all(parts)).flat().map(rebuild);
    } finally {
      this.pending -= count;
    }
  }

  /** Stops the workers; pending checks fail. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.singlesTimer) clearImmediate(this.singlesTimer);
    for (const q of this.singles.splice(0)) q.reject(new ReleaseError('RELEASE_WORKER_FAILED', 'the verification pool was closed'));
    const slots = this.slots.splice(0);
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      w.reject(new ReleaseError('RELEASE_WORKER_FAILED', 'the verification pool was closed'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
