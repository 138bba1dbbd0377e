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
 */
export class Cosigning {
  /** The size each witness last cosigned, as far as this node knows (the witness corrects it with 409). */
  private readonly lastSize = new Map<string, number>();
  private running: Promise<void> | null = null;
  private latest: LogState | null = null;

  constructor(private readonly o: CosigningOptions) {}

  /** Asks the witnesses to cosign `state` (coalescing: only the newest pending checkpoint is sent). */
  cosign(state: LogState): Promise<void> {
    this.latest = state;
    this.running ??= (async () => {
      try {
        while (this.latest) {
          const s = this.latest;
          this.latest = null;
          await this.round(s);
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async round(state: LogState): Promise<void> {
    const witnesses = await this.o.witnesses();
    if (witnesses.length === 0) return;
    const results = await Promise.allSettled(witnesses.map((w) => this.ask(w, state)));
    const lines = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.o.log?.warn({ witness: witnesses[i]!.name, err: String(r.reason) }, 'witness did not cosign');
    });
    if (lines.length === 0) return;
    const note = addNoteSignatures(state.checkpoint, lines);
    await this.o.store.updateCheckpoint(state.size, note);
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
