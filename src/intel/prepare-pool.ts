import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { releaseFreedMemory } from '../native-memory.js';
import { collectGarbage } from './heap.js';
import { splitEnvelope, type EnvelopeRefusal } from './envelope.js';
import { intelEntry, type IntelEntrySource } from './ledger-feed.js';
import type { StatusDetail } from './ports.js';
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
/** Envelope texts shorter than this (~50 objects) are parsed and prepared on the calling thread. */
export const MIN_WORKER_TEXT = 32 * 1024;
/** A worker without work for this long is stopped. */
export const IDLE_MS = 3_000;

/** How to prepare a batch of objects. */
export interface PrepareOptions {
  defaultTlp: TlpLevel;
  validation?: StixValidationOptions;
  collectionId?: string;
}

export type PrepareRequest =
  /** `objects`: the batch in V8's serialisation (node:v8 `serialize`). */
  | ({ id: number; kind: 'prepare'; objects: Uint8Array } & PrepareOptions)
  /** A TAXII envelope's text: answered with its details (or refusal), then each chunk's preparation. */
  | ({ id: number; kind: 'envelope'; text: string; chunkSize: number } & PrepareOptions)
  | { id: number; kind: 'entries'; rows: IntelEntrySource[] };

export type PrepareResponse =
  | { id: number; results: Prepared[] | Uint8Array[] }
  | { id: number; details: StatusDetail[] }
  | { id: number; refused: EnvelopeRefusal }
  | { id: number; chunk: number; results: Prepared[] }
  | { id: number; error: string }
  | { ready: true };

type Answer = Exclude<PrepareResponse, { ready: true }>;

/** A posted envelope, parsed: each object's id and version as posted, and each chunk's preparation, in order. */
export interface PreparedEnvelope {
  details: StatusDetail[];
  chunks: Promise<Prepared[]>[];
}

interface Waiting {
  /** Takes an answer from the worker; true once the request is answered in full. */
  take: (m: Answer) => boolean;
  /** Answers whatever is left here (the worker failed, refused the request, or could not be sent it). */
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
  private here = 0;

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
  prepare(objects: unknown[], options: PrepareOptions): Promise<Prepared[]> {
    const inline = () => this.prepareHere(objects, options);
    if (!this.goesToWorker(objects.length)) return Promise.resolve().then(inline);
    let data: Uint8Array;
    try {
      data = serialize(objects);
    } catch {
      // Not serialisable (nested past the serialiser's depth, …): this batch stays here.
      return Promise.resolve().then(inline);
    }
    return this.answer((id) => ({ id, kind: 'prepare', objects: data, ...options }), () => this.prepareHere(deserialize(data) as unknown[], options)) as Promise<Prepared[]>;
  }

  /**
   * A TAXII envelope's text parsed (envelope.ts) and its objects prepared,
   * `chunkSize` at a time. A big one goes to the worker as text: the server's
   * thread then never parses it, walks it or serialises it, and holds one
   * string rather than the envelope's objects; the worker answers with each
   * object's id and version (for the status) and then with each chunk as it
   * is prepared. Resolves with the refusal for a body that is not an envelope.
   */
  envelope(text: string, chunkSize: number, options: PrepareOptions): Promise<PreparedEnvelope | { refused: EnvelopeRefusal }> {
    // Here: parsed again, and only the chunks from `from` on prepared (the worker may have answered the others).
    const here = (from = 0) => {
      const split = splitEnvelope(text, chunkSize);
      if ('refused' in split) return split;
      return { details: split.details, chunks: split.chunks.map((c, n) => (n < from ? Promise.resolve([]) : Promise.resolve().then(() => this.prepareHere(c, options)))) };
    };
    if (text.length < MIN_WORKER_TEXT || !this.goesToWorker(Number.MAX_SAFE_INTEGER)) return Promise.resolve().then(() => here());
    return new Promise((resolve, reject) => {
      let told = false;
      // One settle function per chunk, made once the worker has said how many objects there are.
      let settle: { resolve: (p: Prepared[]) => void; reject: (e: Error) => void }[] = [];
      let next = 0;
      const take = (m: Answer): boolean => {
        if ('refused' in m) {
          told = true;
          resolve({ refused: m.refused });
          return true;
        }
        if ('details' in m) {
          told = true;
          const n = Math.ceil(m.details.length / chunkSize);
          const chunks = Array.from({ length: n }, () => new Promise<Prepared[]>((res, rej) => settle.push({ resolve: res, reject: rej })));
          resolve({ details: m.details, chunks });
          return n === 0;
        }
        if ('chunk' in m && m.chunk === next) {
          settle[next++]!.resolve(m.results);
          return next === settle.length;
        }
        fallback();
        return true;
      };
      // The worker failed part way: parse the text here once more and prepare what it had not answered.
      const fallback = () => {
        try {
          const parsed = here(next);
          if (!told) {
            told = true;
            resolve(parsed);
            return;
          }
          if ('refused' in parsed) throw new Error('the envelope the worker parsed no longer parses');
          for (; next < settle.length; next++) {
            const s = settle[next]!;
            parsed.chunks[next]!.then(s.resolve, s.reject);
          }
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          if (!told) reject(e);
          for (; next < settle.length; next++) settle[next]!.reject(e);
        }
        settle = [];
      };
      this.send((id) => ({ id, kind: 'envelope', text, chunkSize, ...options }), { take, fallback });
    });
  }

  /** ledger-feed.ts's intelEntry for each version, in order. */
  entries(rows: readonly IntelEntrySource[]): Promise<Uint8Array[]> {
    const slim = (): IntelEntrySource[] => rows.map((r) => ({ json: r.json, salt: r.salt, collection_id: r.collection_id, stix_id: r.stix_id, version: r.version }));
    const inline = () => rows.map(intelEntry);
    if (!this.goesToWorker(rows.length)) return Promise.resolve().then(inline);
    return this.answer((id) => ({ id, kind: 'entries', rows: slim() }), inline) as Promise<Uint8Array[]>;
  }

  /** Whether a batch of `size` would be sent to the worker now (starting it if need be). */
  private goesToWorker(size: number): boolean {
    const w = this.useWorker && !this.broken && size >= MIN_WORKER_BATCH ? this.start() : null;
    return w !== null && this.ready;
  }

  /** A request answered by one message of results (callers check goesToWorker first); `fallback` answers it here if the worker fails or cannot take it. */
  private answer(request: (id: number) => PrepareRequest, fallback: () => Prepared[] | Uint8Array[]): Promise<Prepared[] | Uint8Array[]> {
    return new Promise<Prepared[] | Uint8Array[]>((resolve, reject) => {
      const here = () => {
        try {
          resolve(fallback());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      this.send(request, {
        take: (m) => {
          if ('results' in m && !('chunk' in m)) resolve(m.results);
          else here();
          return true;
        },
        fallback: here,
      });
    });
  }

  /** Sends a request to the worker; `waiting` takes its answers, or answers it here if the worker fails or cannot take it. */
  private send(request: (id: number) => PrepareRequest, waiting: Waiting): void {
    const w = this.worker!;
    const id = this.nextId++;
    this.waiting.set(id, waiting);
    try {
      w.postMessage(request(id));
    } catch {
      // Not cloneable (an object nested past the clone's depth, …): this request stays here.
      this.waiting.delete(id);
      waiting.fallback();
      return;
    }
    if (this.idle) {
      clearTimeout(this.idle);
      this.idle = null;
    }
    if (this.waiting.size === 1) w.ref();
  }

  /** Objects prepared on the calling thread so far (small batches, and whatever the worker could not take). */
  get preparedHere(): number {
    return this.here;
  }

  /** Prepares one chunk of objects on this thread. */
  private prepareHere(objects: readonly unknown[], o: PrepareOptions): Prepared[] {
    this.here += objects.length;
    return objects.map((x) => prepareObject(x, o.defaultTlp, o.validation, o.collectionId));
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
        if (!waiting.take(m)) return;
        this.waiting.delete(m.id);
        if (this.waiting.size === 0) this.rest(w);
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
    // Then what the C allocator holds free goes back to the system (native-memory.ts).
    shared.onIdle(() => {
      collectGarbage();
      setTimeout(() => {
        collectGarbage();
        releaseFreedMemory();
      }, 200).unref();
    });
  }
  return shared;
}
