import { randomUUID } from 'node:crypto';
import { BackPressureError } from '../errors.js';
import { signCheckpoint } from './checkpoint.js';
import { checkEntrySize } from './entry-bundle.js';
import { commit } from './commitment.js';
import { LedgerError } from './errors.js';
import type { LogState, LogStore, NewEntry, StoredEntry } from './log-store.js';
import { emptyTreeHash, proveConsistency, proveInclusion } from './merkle.js';
import type { NoteSigner } from './note-key.js';
import { formatTlogProof } from './proof.js';
import { TILE_HEIGHT, TILE_WIDTH } from './tile-path.js';
import { tileHashReader } from './tiles.js';
import { Lru } from './lru.js';
import type { HashReader, NodeId } from './merkle.js';
import { appendEntries } from './tile-writer.js';

/** Minimal logger the ledger reports to (pino fits). */
export interface LedgerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LedgerOptions {
  origin: string;
  signer: NoteSigner;
  now: () => Date;
  /** Wait this long after an add before integrating, to batch (the add-to-checkpoint latency floor). */
  integrateDelayMs?: number;
  /** Entries integrated per checkpoint at most. */
  maxIntegrationBatch?: number;
  /** Entries sequenced per transaction at most (group commit). */
  sequenceBatch?: number;
  /** Adds waiting to be sequenced before new ones are refused with BACK_PRESSURE (503). */
  maxQueued?: number;
  /** How often to look for entries other nodes sequenced, and renew the lease. */
  pollMs?: number;
  leaseMs?: number;
  log?: LedgerLogger;
  /**
   * Run by the sequencer (the lease holder) before each integration: each feeds
   * items from elsewhere into the log (registry decisions, …) with idempotency keys.
   */
  feeds?: (() => Promise<void>)[];
  /**
   * Called after each new checkpoint (witnesses cosign it). When it returns a
   * promise, the next checkpoint waits for it, up to `witnessWaitMs`: a new
   * checkpoint signed while the witnesses are still cosigning the last one
   * would supersede it, and with witnesses slower than the batching delay no
   * published checkpoint would ever carry their cosignatures.
   */
  onCheckpoint?: (state: LogState) => unknown;
  /** How long the next checkpoint waits for the last one's cosigning at most (a dead witness must not stall the log). */
  witnessWaitMs?: number;
}

/**
 * Sequenced entries kept in memory for integration at most: bytes, and entries
 * (each also costs a view object). About four integration batches of small entries.
 */
const RECENT_MAX_BYTES = 32 * 2 ** 20;
const RECENT_MAX_ENTRIES = 262_144;

/** Kinds name what an entry is: `registry`, `release`, `advisory`, …; lowercase, dots and dashes. */
const KIND = /^[a-z][a-z0-9.-]{0,63}$/;

/** The adds of one `append` or `appendMany` call: answered together, once every one is sequenced. */
interface AddGroup {
  readonly indexes: number[];
  left: number;
  settled: boolean;
  resolve: (indexes: number[]) => void;
  reject: (err: unknown) => void;
}

interface Pending {
  kind: string;
  data: Uint8Array;
  key?: string;
  group: AddGroup;
  /** This add's place in its group. */
  slot: number;
}

/**
 * The transparency log: `append` returns a durable index (group-committed),
 * a single sequencer (holding a lease) integrates entries in batches into
 * tiles and signs a checkpoint, stored compare-and-swap so the log can never
 * fork, shrink, or lose an acknowledged entry across a crash.
 */
export class Ledger {
  readonly origin: string;
  private readonly nodeId = randomUUID();
  private readonly queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private integrating: Promise<void> | null = null;
  /** Set when a batch is sequenced while an integration runs. */
  private sequencedMeanwhile = false;
  /** When (performance.now()) the last integration round started, and whether it took a whole batch. */
  private lastIntegration = -Infinity;
  private lastRoundFull = false;
  private integrateAll = false;
  private integrateTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly waiters = new Set<{ index: number; resolve: (s: LogState) => void }>();
  private waiterPoll: NodeJS.Timeout | undefined;
  /** Hashes of complete subtrees: immutable in an append-only log, so cached (about 100 bytes each). */
  private readonly nodes = new Lru<number, Uint8Array>(500_000);
  /**
   * Entries this node sequenced and has not integrated yet, as consecutive runs
   * (`start` is the index of `data[0]`), so integration need not read back what
   * it just wrote. Holds copies made before sequencing: the bytes are the stored ones.
   * Bounded; anything not here (another node's entries, a restart) is read from the store.
   */
  private recent: { start: number; data: Uint8Array[]; bytes: number }[] = [];
  private recentBytes = 0;
  private recentCount = 0;
  /** Until when (by `now`, ms) this node holds the sequencer lease as last taken or renewed; 0 if not known to. */
  private leaseUntil = 0;
  private readonly o: Required<Omit<LedgerOptions, 'log' | 'onCheckpoint' | 'feeds'>> & Pick<LedgerOptions, 'log' | 'onCheckpoint' | 'feeds'>;
  /** The cosigning of the last checkpoint, while it runs. */
  private witnessing: Promise<unknown> | null = null;

  constructor(
    private readonly store: LogStore,
    options: LedgerOptions,
  ) {
    this.origin = options.origin;
    this.o = {
      integrateDelayMs: 50,
      maxIntegrationBatch: 65_536,
      sequenceBatch: 8192,
      maxQueued: 200_000,
      pollMs: 1000,
      leaseMs: 10_000,
      witnessWaitMs: 1000,
      ...options,
    };
  }

  /** Creates the empty log's signed checkpoint if needed and starts integrating. */
  async start(): Promise<void> {
    await this.currentState();
    this.stopped = false;
    const poll = () => {
      this.pollTimer = setTimeout(() => {
        void this.integrateBatched(false).finally(() => {
          if (!this.stopped) poll();
        });
      }, this.o.pollMs);
      this.pollTimer.unref();
    };
    poll();
    this.scheduleIntegration();
  }

  /** Stops the timers after sequencing what is queued and integrating what is sequenced. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.integrateTimer) clearTimeout(this.integrateTimer);
    this.pollTimer = this.integrateTimer = null;
    await this.drain();
    await this.integrate();
    this.leaseUntil = 0;
    await this.store.releaseLease(this.nodeId);
  }

  /**
   * Adds an entry; resolves with its index once it is durably stored (not yet in
   * a checkpoint). With `key`, an entry already logged under it is not added again.
   */
  append(kind: string, data: Uint8Array, key?: string): Promise<number> {
    return this.appendMany(kind, [key === undefined ? { data } : { data, key }]).then((indexes) => indexes[0]!);
  }

  /**
   * Adds entries of one kind, as `append` adds each, with one promise for all:
   * it resolves with their indexes (in order) once every one is durably stored,
   * or rejects if any is refused or fails (the others may be stored: a retry
   * with the same keys gets their indexes back). BACK_PRESSURE refuses all of
   * them when the queue cannot take them all.
   */
  appendMany(kind: string, entries: readonly { data: Uint8Array; key?: string }[]): Promise<number[]> {
    if (!KIND.test(kind)) return Promise.reject(new LedgerError('LOG_RANGE_INVALID', `invalid entry kind ${JSON.stringify(kind)}`));
    try {
      for (const e of entries) checkEntrySize(e.data);
    } catch (err) {
      return Promise.reject(err);
    }
    if (entries.length === 0) return Promise.resolve([]);
    if (this.queue.length + entries.length > this.o.maxQueued) {
      return Promise.reject(new BackPressureError('The log has too many entries waiting; retry shortly.', 1));
    }
    return new Promise<number[]>((resolve, reject) => {
      const group: AddGroup = { indexes: new Array<number>(entries.length), left: entries.length, settled: false, resolve, reject };
      entries.forEach((e, slot) => this.queue.push({ kind, data: e.data, key: e.key, group, slot }));
      void this.flush();
    });
  }

  /**
   * Logs a salted commitment to non-CLEAR `content` instead of the content
   * (DESIGN.md, access model). Keep the salt with the content: readers who may
   * see the content get it, and can then check the entry's inclusion.
   */
  async appendCommitment(kind: string, content: Uint8Array, key?: string): Promise<{ index: number; salt: Uint8Array }> {
    const c = commit(kind, content);
    return { index: await this.append(kind, c.entry, key), salt: c.salt };
  }

  /** Sequences queued adds in batches, one transaction each (group commit); one flush runs at a time. */
  private flush(): Promise<void> {
    if (!this.flushing) {
      const run = this.runFlush();
      this.flushing = run;
      void run.then(() => {
        if (this.flushing === run) this.flushing = null;
        // Adds that arrived after the last batch was taken start the next flush.
        if (this.queue.length > 0) void this.flush();
        // A running integration takes these entries in another round rather than leaving them for the timer.
        if (this.integrating) this.sequencedMeanwhile = true;
        this.scheduleIntegration();
      });
    }
    return this.flushing;
  }

  private async runFlush(): Promise<void> {
    // Let the adds of the current tick join this batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.o.sequenceBatch);
      try {
        // One copy of the batch's bytes (a caller may reuse its buffer): stored, and kept for integration.
        const slab = Buffer.concat(batch.map((p) => p.data));
        let at = 0;
        const entries: NewEntry[] = batch.map((p) => {
          const data = new Uint8Array(slab.buffer, slab.byteOffset + at, p.data.length);
          at += p.data.length;
          return { kind: p.kind, data, key: p.key };
        });
        const indexes = await this.store.sequence(entries, this.o.now().toISOString());
        this.remember(indexes, entries, slab.length);
        batch.forEach((p, i) => {
          const g = p.group;
          g.indexes[p.slot] = indexes[i]!;
          if (--g.left === 0 && !g.settled) {
            g.settled = true;
            g.resolve(g.indexes);
          }
        });
      } catch (err) {
        for (const p of batch) {
          if (p.group.settled) continue;
          p.group.settled = true;
          p.group.reject(err);
        }
      }
    }
  }

  /**
   * Keeps a sequenced batch for integration. Only a batch without idempotency keys:
   * each of its entries is then new, with consecutive indexes (a keyed entry may
   * get an earlier entry's index instead).
   */
  private remember(indexes: readonly number[], entries: readonly NewEntry[], bytes: number): void {
    const start = indexes[0];
    if (start === undefined || entries.some((e) => e.key !== undefined)) return;
    for (let i = 1; i < indexes.length; i++) if (indexes[i] !== start + i) return;
    this.recent.push({ start, data: entries.map((e) => e.data), bytes });
    this.recentBytes += bytes;
    // Bounded: when integration lags far behind, the oldest runs are dropped and read back from the store.
    this.recentCount += entries.length;
    while ((this.recentBytes > RECENT_MAX_BYTES || this.recentCount > RECENT_MAX_ENTRIES) && this.recent.length > 0) {
      const run = this.recent.shift()!;
      this.recentBytes -= run.bytes;
      this.recentCount -= run.data.length;
    }
  }

  /** Forgets remembered entries below `size` (integrated). */
  private forget(size: number): void {
    while (this.recent.length > 0) {
      const run = this.recent[0]!;
      if (run.start + run.data.length <= size) {
        this.recent.shift();
        this.recentBytes -= run.bytes;
        this.recentCount -= run.data.length;
      } else if (run.start < size) {
        // The run's bytes stay counted: its slab lives until the whole run is integrated.
        this.recentCount -= size - run.start;
        run.data = run.data.slice(size - run.start);
        run.start = size;
        return;
      } else return;
    }
  }

  /** The bytes of entries `from`, `from + 1`, … (at most `limit`): remembered ones, else read from the store. */
  private async entriesFrom(from: number, limit: number): Promise<Uint8Array[]> {
    this.forget(from);
    const out: Uint8Array[] = [];
    let next = from;
    for (const run of this.recent) {
      if (run.start !== next || out.length >= limit) break;
      const take = run.data.length <= limit - out.length ? run.data : run.data.slice(0, limit - out.length);
      for (const d of take) out.push(d);
      next += take.length;
    }
    if (out.length > 0) return out;
    const entries = await this.store.readEntries(from, limit);
    entries.forEach((e, i) => {
      if (e.index !== from + i) throw new LedgerError('LOG_RANGE_INVALID', `entry ${from + i} is missing from the sequence`);
    });
    return entries.map((e) => e.data);
  }

  /** Waits until every queued add is sequenced. */
  private async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await this.flush();
  }

  /**
   * Integration starts at most once per `integrateDelayMs` (adds arriving meanwhile are batched),
   * but an add to a log that has been idle that long does not wait for a delay that batches nothing.
   */
  private scheduleIntegration(): void {
    if (this.stopped || this.integrateTimer) return;
    const wait = Math.max(0, this.lastIntegration + this.o.integrateDelayMs - performance.now());
    this.integrateTimer = setTimeout(() => {
      this.integrateTimer = null;
      void this.integrateBatched(false);
    }, wait);
  }

  /** Integrates everything sequenced so far (one caller at a time); safe to call from anywhere. */
  integrate(): Promise<void> {
    return this.integrateBatched(true);
  }

  /**
   * Runs integration rounds (one caller at a time). With `all`, until nothing is left; otherwise
   * rounds follow each other at once only while a backlog fills whole batches, and the next one
   * waits for the batching delay (each checkpoint also goes to the witnesses to cosign).
   */
  private integrateBatched(all: boolean): Promise<void> {
    if (this.integrating) {
      // The running rounds go on until nothing is left, for this caller.
      if (all) this.integrateAll = true;
      return this.integrating;
    }
    this.integrateAll = all;
    this.integrating = (async () => {
      try {
        do {
          this.sequencedMeanwhile = false;
          this.lastIntegration = performance.now();
        } while ((await this.integrateOnce()) && (this.integrateAll || this.lastRoundFull));
      } catch (err) {
        this.o.log?.error({ err }, 'log integration failed; will retry');
      } finally {
        this.integrating = null;
        // Entries sequenced while the last round ran may have missed it (and a timer that fired meanwhile).
        if (this.sequencedMeanwhile) this.scheduleIntegration();
      }
    })();
    return this.integrating;
  }

  /** Waits for the last checkpoint's cosigning to end, `witnessWaitMs` at most. */
  private async awaitWitnesses(): Promise<void> {
    const pending = this.witnessing;
    if (pending === null) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.o.witnessWaitMs)))]);
    clearTimeout(timer);
  }

  /** One integration round; true when the log grew. */
  async integrateOnce(): Promise<boolean> {
    await this.awaitWitnesses();
    const now = this.o.now();
    // The lease is renewed once half of it has passed, not on every round: each renewal is a
    // durable write (an fsync on SQLite). Forks are excluded by the compare-and-swap regardless.
    const left = this.leaseUntil - now.getTime();
    if (!(left > this.o.leaseMs / 2 && left <= this.o.leaseMs)) {
      this.leaseUntil = 0;
      if (!(await this.store.acquireLease(this.nodeId, now.toISOString(), new Date(now.getTime() + this.o.leaseMs).toISOString()))) {
        return false;
      }
      this.leaseUntil = now.getTime() + this.o.leaseMs;
    }
    for (const feed of this.o.feeds ?? []) {
      try {
        await feed();
      } catch (err) {
        this.o.log?.error({ err }, 'a ledger feed failed; will retry');
      }
    }
    await this.drain();
    const state = await this.currentState();
    const entries = await this.entriesFrom(state.size, this.o.maxIntegrationBatch);
    this.lastRoundFull = entries.length === this.o.maxIntegrationBatch;
    if (entries.length === 0) return false;
    const update = await appendEntries(this.store, state.size, entries);
    const checkpoint = signCheckpoint({ origin: this.origin, size: update.treeSize, rootHash: update.rootHash, extensions: [] }, [this.o.signer]);
    const next: LogState = { size: update.treeSize, rootHash: update.rootHash, checkpoint, updated_at: now.toISOString() };
    const ok = await this.store.integrate(state.size, {
      state: next,
      tiles: update.tiles.map((t) => ({ level: t.tile.level, index: t.tile.index, data: t.data })),
      fullBundles: update.bundles.filter((b) => b.bundle.width === TILE_WIDTH).map((b) => ({ index: b.bundle.index, data: b.data })),
    });
    if (!ok) {
      this.leaseUntil = 0;
      this.o.log?.warn({ size: state.size }, 'another sequencer advanced the log first');
      return false;
    }
    this.forget(next.size);
    this.wake(next);
    const cosigning = this.o.onCheckpoint?.(next);
    if (cosigning instanceof Promise) {
      const p: Promise<unknown> = cosigning
        .catch((err: unknown) => this.o.log?.warn({ err: String(err) }, 'cosigning failed'))
        .finally(() => {
          if (this.witnessing === p) this.witnessing = null;
        });
      this.witnessing = p;
    }
    return true;
  }

  /** The latest integrated state, creating the empty log's if there is none. */
  async currentState(): Promise<LogState> {
    const state = await this.store.readState();
    if (state) return state;
    const rootHash = emptyTreeHash();
    const checkpoint = signCheckpoint({ origin: this.origin, size: 0, rootHash, extensions: [] }, [this.o.signer]);
    return this.store.initState({ size: 0, rootHash, checkpoint, updated_at: this.o.now().toISOString() });
  }

  /** Waits until entry `index` is in a checkpoint (or `timeoutMs` passes) and returns that state. */
  async waitForIndex(index: number, timeoutMs = 10_000): Promise<LogState> {
    const state = await this.currentState();
    if (state.size > index) return state;
    // Woken by this node's checkpoints; one shared slow poll covers checkpoints another node integrates.
    return new Promise<LogState>((resolve, reject) => {
      const waiter = {
        index,
        resolve: (s: LogState) => {
          clearTimeout(deadline);
          this.waiters.delete(waiter);
          resolve(s);
        },
      };
      const deadline = setTimeout(() => {
        this.waiters.delete(waiter);
        // The entry is durable; only its checkpoint is late (sequencer down or saturated): a retryable 503, not a client error.
        reject(new BackPressureError(`Entry ${index} is logged but not yet in a checkpoint; retry shortly.`, 2));
      }, timeoutMs);
      this.waiters.add(waiter);
      this.waiterPoll ??= setInterval(() => {
        if (this.waiters.size === 0) {
          clearInterval(this.waiterPoll);
          this.waiterPoll = undefined;
          return;
        }
        void this.currentState().then((st) => this.wake(st), () => {});
      }, 250);
      this.scheduleIntegration();
    });
  }

  private wake(state: LogState): void {
    for (const w of this.waiters) if (state.size > w.index) w.resolve(state);
  }

  /**
   * A hash reader over the stored tiles for a tree of `size`, with the hashes of
   * complete subtrees of 256 leaves or more cached (they are shared by many proofs).
   * Smaller ones come from one level-0 tile and are rarely asked for twice: caching
   * them would only churn the cache, and churn of long-lived objects is what makes
   * the garbage collector pause (the p99 of proofs).
   */
  private hashReader(size: number): HashReader {
    const tiles = tileHashReader(size, this.store);
    const cache = this.nodes;
    // level >= 8 and index < 2^53 / 2^8: index * 64 + level is an exact, unique number.
    const key = (n: NodeId) => (n.level >= TILE_HEIGHT ? n.index * 64 + n.level : undefined);
    return {
      async readHashes(wanted: readonly NodeId[]): Promise<readonly Uint8Array[]> {
        const out: (Uint8Array | undefined)[] = wanted.map((n) => {
          const k = key(n);
          return k === undefined ? undefined : cache.get(k);
        });
        const missing = wanted.filter((_, i) => out[i] === undefined);
        if (missing.length > 0) {
          const read = await tiles.readHashes(missing);
          let j = 0;
          wanted.forEach((n, i) => {
            if (out[i] === undefined) {
              out[i] = read[j++]!;
              const k = key(n);
              if (k !== undefined) cache.set(k, out[i]!);
            }
          });
        }
        return out as Uint8Array[];
      },
    };
  }

  private checkRange(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || !Number.isSafeInteger(size) || index >= size) {
      throw new LedgerError('LOG_RANGE_INVALID', `index ${index} is not below tree size ${size}`);
    }
  }

  /** An integrated entry with its kind. */
  async entry(index: number): Promise<StoredEntry> {
    const state = await this.currentState();
    this.checkRange(index, state.size);
    const [e] = await this.store.readEntries(index, 1);
    if (!e || e.index !== index) throw new LedgerError('LOG_HASH_UNAVAILABLE', `entry ${index} is not stored`);
    return e;
  }

  /** The inclusion proof of `index` in the tree of `size` (default: the latest). */
  async inclusionProof(index: number, size?: number): Promise<{ size: number; proof: Uint8Array[] }> {
    const state = await this.currentState();
    const n = size ?? state.size;
    if (n > state.size) throw new LedgerError('LOG_RANGE_INVALID', `tree size ${n} is beyond the log's ${state.size}`);
    this.checkRange(index, n);
    return { size: n, proof: await proveInclusion(this.hashReader(n), index, n) };
  }

  /** The consistency proof from tree size `from` to `to` (default: the latest). */
  async consistencyProof(from: number, to?: number): Promise<{ from: number; to: number; proof: Uint8Array[] }> {
    const state = await this.currentState();
    const n = to ?? state.size;
    if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(n) || from > n || n > state.size) {
      throw new LedgerError('LOG_RANGE_INVALID', `no consistency proof from ${from} to ${n} (log size ${state.size})`);
    }
    return { from, to: n, proof: await proveConsistency(this.hashReader(n), from, n) };
  }

  /** A c2sp.org/tlog-proof file for entry `index` against the latest checkpoint. */
  async tlogProof(index: number): Promise<string> {
    const state = await this.currentState();
    this.checkRange(index, state.size);
    const proof = await proveInclusion(this.hashReader(state.size), index, state.size);
    return formatTlogProof({ index, inclusionProof: proof, checkpoint: state.checkpoint });
  }
}
