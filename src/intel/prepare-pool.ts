import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { collectGarbage } from './heap.js';
import { intelEntry, type IntelEntrySource } from './ledger-feed.js';
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
 * idle, so it never keeps a process alive, and stopped after IDLE_MS without
 * work (its memory goes back; the next big batch starts it again). If it
 * cannot start, fails, or an input cannot be sent to it, batches are
 * prepared on the calling thread with the same function. It also computes
 * the ledger feed's entries (canonical JSON and salted commitments).
 */

/** Smaller batches are prepared on the calling thread: a round trip would cost more than it saves. */
export const MIN_WORKER_BATCH = 64;
/** A worker without work for this long is stopped. */
export const IDLE_MS = 3_000;

export type PrepareRequest =
  /** `objects`: the batch in V8's serialisation (node:v8 `serialize`). */
  | { id: number; kind: 'prepare'; objects: Uint8Array; defaultTlp: TlpLevel; validation?: StixValidationOptions; collectionId?: string }
  | { id: number; kind: 'entries'; rows: IntelEntrySource[] };

export type PrepareResponse = { id: number; results: Prepared[] | Uint8Array[] } | { id: number; error: string } | { ready: true };

interface Waiting {
  resolve: (r: Prepared[] | Uint8Array[]) => void;
  fallback: () => void;
}

export class PreparePool {
  private worker: Worker | null = null;
  private broken = false;
  private ready = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private idle: NodeJS.Timeout | null = null;
  private readonly idleListeners = new Set<() => void>();

  constructor(private readonly useWorker = true) {}

  /**
   * Calls `listener` each time the worker is stopped for want of work (IDLE_MS
   * after the last batch of an ingest and of its ledger entries): the moment
   * to give back memory held for the ingest. Returns its removal.
   */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => this.idleListeners.delete(listener);
  }

  /**
   * prepare.ts's prepareObject for each object, in order. For the worker, the
   * batch is serialised at once into one buffer, which the caller keeps (to
   * prepare here should the worker fail) instead of the objects: the server's
   * heap then holds a 1,000-object batch as one buffer outside it, not as
   * ~15,000 objects that every scavenge copies until the worker answers.
   */
  prepare(objects: unknown[], defaultTlp: TlpLevel, validation?: StixValidationOptions, collectionId?: string): Promise<Prepared[]> {
    const inline = () => objects.map((o) => prepareObject(o, defaultTlp, validation, collectionId));
    if (!this.goesToWorker(objects.length)) return Promise.resolve().then(inline);
    let data: Uint8Array;
    try {
      data = serialize(objects);
    } catch {
      // Not serialisable (nested past the serialiser's depth, …): this batch stays here.
      return Promise.resolve().then(inline);
    }
    return this.run(
      (id) => ({ id, kind: 'prepare', objects: data, defaultTlp, validation, collectionId }),
      () => (deserialize(data) as unknown[]).map((o) => prepareObject(o, defaultTlp, validation, collectionId)),
    ) as Promise<Prepared[]>;
  }

  /** ledger-feed.ts's intelEntry for each version, in order. */
  entries(rows: readonly IntelEntrySource[]): Promise<Uint8Array[]> {
    const slim = (): IntelEntrySource[] => rows.map((r) => ({ json: r.json, salt: r.salt, collection_id: r.collection_id, stix_id: r.stix_id, version: r.version }));
    const inline = () => rows.map(intelEntry);
    if (!this.goesToWorker(rows.length)) return Promise.resolve().then(inline);
    return this.run((id) => ({ id, kind: 'entries', rows: slim() }), inline) as Promise<Uint8Array[]>;
  }

  /** Whether a batch of `size` would be sent to the worker now (starting it if need be). */
  private goesToWorker(size: number): boolean {
    const w = this.useWorker && !this.broken && size >= MIN_WORKER_BATCH ? this.start() : null;
    return w !== null && this.ready;
  }

  /** Sends a request to the worker (callers check goesToWorker first); `fallback` answers it here if the worker fails or cannot take it. */
  private run(request: (id: number) => PrepareRequest, fallback: () => Prepared[] | Uint8Array[]): Promise<Prepared[] | Uint8Array[]> {
    const w = this.worker!;
    return new Promise<Prepared[] | Uint8Array[]>((resolve, reject) => {
      const id = this.nextId++;
      const here = () => {
        try {
          resolve(fallback());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      this.waiting.set(id, { resolve, fallback: here });
      try {
        w.postMessage(request(id));
      } catch {
        // Not cloneable (an object nested past the clone's depth, …): this batch stays here.
        this.waiting.delete(id);
        here();
        return;
      }
      if (this.idle) {
        clearTimeout(this.idle);
        this.idle = null;
      }
      if (this.waiting.size === 1) w.ref();
    });
  }

  /** Whether batches go to the worker now (it has loaded and not failed). */
  get workerReady(): boolean {
    return this.ready && this.worker !== null;
  }

  /** Stops the worker for good (tests; a process exits without it, as the worker is unreferenced when idle). */
  async close(): Promise<void> {
    this.broken = true;
    await this.stop();
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = false;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
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
        if (this.waiting.size === 0) this.rest(w);
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

  /** No work left: unreferenced, and stopped if none comes for IDLE_MS. */
  private rest(w: Worker): void {
    w.unref();
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.worker === w && this.waiting.size === 0) {
        void this.stop().then(() => {
          for (const listener of this.idleListeners) listener();
        });
      }
    }, IDLE_MS);
    this.idle.unref();
  }

  /** The worker failed: everything it held is prepared here, and so is everything after. */
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

let shared: PreparePool | undefined;

/**
 * The process's one pool (a worker thread each would only compete for the
 * same cores). When it goes idle, the heap the ingest left is collected.
 */
export function sharedPreparePool(): PreparePool {
  if (shared === undefined) {
    shared = new PreparePool(true);
    // Two passes, apart, rather than one pause twice as long (heap.ts).
    shared.onIdle(() => {
      if (collectGarbage()) setTimeout(collectGarbage, 200).unref();
    });
  }
  return shared;
}
