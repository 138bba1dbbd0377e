import { Worker } from 'node:worker_threads';
import { prepareObject, type Prepared } from './prepare.js';
import type { StixValidationOptions } from './stix.js';
import type { TlpLevel } from './tlp.js';

/**
 * Runs prepare.ts (STIX validation, pattern parsing, JSON and search terms:
 * most of the CPU an ingested object costs before the database) on a worker
 * thread, so the server's thread keeps to HTTP and storage and the two
 * overlap on a second core. Batches are answered in order. The worker is
 * started by the first big batch and used once it has loaded (until then,
 * and for small batches, preparing here is quicker); it is unreferenced when
 * idle, so it never keeps a process alive. If it cannot start, fails, or an
 * input cannot be sent to it, batches are prepared on the calling thread
 * with the same function.
 */

/** Smaller batches are prepared on the calling thread: a round trip would cost more than it saves. */
export const MIN_WORKER_BATCH = 64;

export interface PrepareRequest {
  id: number;
  objects: unknown[];
  defaultTlp: TlpLevel;
  validation?: StixValidationOptions;
}

export type PrepareResponse = { id: number; results: Prepared[] } | { id: number; error: string } | { ready: true };

interface Waiting {
  resolve: (r: Prepared[]) => void;
  fallback: () => void;
}

export class PreparePool {
  private worker: Worker | null = null;
  private broken = false;
  private ready = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly useWorker = true) {}

  prepare(objects: unknown[], defaultTlp: TlpLevel, validation?: StixValidationOptions): Promise<Prepared[]> {
    const inline = () => objects.map((o) => prepareObject(o, defaultTlp, validation));
    const w = this.useWorker && !this.broken && objects.length >= MIN_WORKER_BATCH ? this.start() : null;
    if (w === null || !this.ready) return Promise.resolve(inline());
    return new Promise<Prepared[]>((resolve, reject) => {
      const id = this.nextId++;
      const fallback = () => {
        try {
          resolve(inline());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      this.waiting.set(id, { resolve, fallback });
      try {
        w.postMessage({ id, objects, defaultTlp, validation } satisfies PrepareRequest);
      } catch {
        // Not cloneable (an object nested past the clone's depth, …): this batch stays here.
        this.waiting.delete(id);
        fallback();
        return;
      }
      if (this.waiting.size === 1) w.ref();
    });
  }

  /** Whether batches go to the worker now (it has loaded and not failed). */
  get workerReady(): boolean {
    return this.ready && this.worker !== null;
  }

  /** Stops the worker (tests; a process exits without it, as the worker is unreferenced when idle). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.broken = true;
    this.ready = false;
    if (w) await w.terminate();
    this.failAll();
  }

  private start(): Worker | null {
    if (this.worker) return this.worker;
    try {
      const here = import.meta.url;
      // Under tsx (tests, benchmarks from source) the worker is TypeScript: load it through tsx's loader.
      const w = here.endsWith('.ts')
        ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(new URL('./prepare-worker.ts', here).href)}); })`, { eval: true })
        : new Worker(new URL('./prepare-worker.js', here));
      w.unref();
      w.on('message', (m: PrepareResponse) => {
        if ('ready' in m) {
          this.ready = this.worker === w;
          return;
        }
        const waiting = this.waiting.get(m.id);
        if (!waiting) return;
        this.waiting.delete(m.id);
        if (this.waiting.size === 0) w.unref();
        if ('results' in m) waiting.resolve(m.results);
        else waiting.fallback();
      });
      // Unreferenced again once running: an unref() before then does not hold.
      w.on('online', () => {
        if (this.waiting.size === 0) w.unref();
      });
      w.on('error', () => this.fail(w));
      w.on('exit', () => this.fail(w));
      this.worker = w;
      return w;
    } catch {
      this.broken = true;
      return null;
    }
  }

  /** The worker is gone: everything it held is prepared here, and so is everything after. */
  private fail(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.broken = true;
    this.ready = false;
    this.failAll();
  }

  private failAll(): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const x of waiting) x.fallback();
  }
}
