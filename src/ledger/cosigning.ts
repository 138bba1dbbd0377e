import { addNoteSignatures } from './note.js';
import type { LogState, LogStore } from './log-store.js';
import type { LedgerLogger } from './ledger.js';
import { parseCosignerVerifierKey } from './cosignature.js';
import type { WitnessConfig } from './policy.js';
import { requestCosignature, type FetchLike } from './witness-client.js';
import { WitnessOldSizeError } from './witness.js';
import { proveConsistency } from './merkle.js';
import { tileHashReader } from './tiles.js';

export interface CosigningOptions {
  store: LogStore;
  witnesses: () => Promise<WitnessConfig[]>;
  fetch: FetchLike;
  timeoutMs?: number;
  log?: LedgerLogger;
}

/**
 * Gathers witness cosignatures for each new checkpoint, concurrently and with
 * a bounded timeout, and stores the checkpoint with them (compare-and-swap on
 * the size: a newer checkpoint is never overwritten by an older one's).
 *
 * Each witness is asked on its own: a witness still answering for an older
 * checkpoint is sent only the newest one when it is done (coalescing), and a
 * slow or dead witness never holds back the others. Cosignatures are stored
 * as they arrive, one write at a time, each adding to the note with the
 * cosignatures already gathered for that checkpoint.
 */
export class Cosigning {
  /** The size each witness last cosigned, as far as this node knows (the witness corrects it with 409). */
  private readonly lastSize = new Map<string, number>();
  /**
   * Per witness (by name): the newest checkpoint waiting for it, whether it is
   * being asked now, and who waits for a size to be settled by it.
   */
  private readonly queues = new Map<string, { next: LogState | null; busy: boolean; waiters: { size: number; resolve: () => void }[] }>();
  /** The checkpoint being cosigned and its note with the cosignatures so far. */
  private current: { size: number; note: string } | null = null;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: CosigningOptions) {}

  /**
   * Asks every witness to cosign `state`; resolves when each has answered,
   * failed or timed out for it (a witness busy with an older checkpoint is
   * asked for this one when it is done, or for a newer one if one came).
   */
  async cosign(state: LogState): Promise<void> {
    const witnesses = await this.o.witnesses();
    await Promise.all(witnesses.map((w) => this.enqueue(w, state)));
  }

  private enqueue(w: WitnessConfig, state: LogState): Promise<void> {
    let q = this.queues.get(w.name);
    if (!q) this.queues.set(w.name, (q = { next: null, busy: false, waiters: [] }));
    const queue = q;
    const settled = new Promise<void>((resolve) => queue.waiters.push({ size: state.size, resolve }));
    queue.next = state;
    if (!queue.busy) {
      queue.busy = true;
      void (async () => {
        try {
          while (queue.next) {
            const s = queue.next;
            queue.next = null;
            try {
              await this.store(s, await this.ask(w, s));
            } catch (err) {
              this.o.log?.warn({ witness: w.name, size: s.size, err: String(err) }, 'witness did not cosign');
            }
            // Whoever waited for this size or an older one (coalesced into this) is settled.
            queue.waiters = queue.waiters.filter((x) => (x.size <= s.size ? (x.resolve(), false) : true));
          }
        } finally {
          queue.busy = false;
        }
      })();
    }
    return settled;
  }

  /** Adds a witness's cosignature lines to the stored checkpoint of that size, unless a newer one replaced it. */
  private store(state: LogState, lines: Awaited<ReturnType<Cosigning['ask']>>): Promise<unknown> {
    this.writing = this.writing
      .catch(() => {})
      .then(async () => {
        if (this.current === null || this.current.size < state.size) this.current = { size: state.size, note: state.checkpoint };
        else if (this.current.size > state.size) return; // superseded: the witness will cosign the newer one
        this.current.note = addNoteSignatures(this.current.note, lines);
        await this.o.store.updateCheckpoint(state.size, this.current.note);
      });
    return this.writing;
  }

  private async ask(w: WitnessConfig, state: LogState) {
    const verifier = parseCosignerVerifierKey(w.vkey);
    const attempt = async (oldSize: number) => {
      const proof = oldSize === 0 || oldSize === state.size ? [] : await proveConsistency(tileHashReader(state.size, this.o.store), oldSize, state.size);
      return requestCosignature({
        url: w.url,
        checkpointNote: state.checkpoint,
        oldSize,
        consistencyProof: proof,
        fetch: this.o.fetch,
        timeoutMs: this.o.timeoutMs ?? 3000,
        verifiers: [verifier],
      });
    };
    let res;
    try {
      res = await attempt(this.lastSize.get(w.name) ?? 0);
    } catch (err) {
      // The witness knows a different old size (first contact, another node's progress): retry once with it.
      if (!(err instanceof WitnessOldSizeError) || err.recordedSize > state.size) throw err;
      res = await attempt(err.recordedSize);
    }
    this.lastSize.set(w.name, state.size);
    return res.signatures;
  }
}
