/**
 * Shared by the witness tests: a small log that signs checkpoints over a
 * `MemoryMerkleTree` and builds add-checkpoint bodies with real consistency
 * proofs, an in-memory `WitnessStore`, and temporary witness directories.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import type { Checkpoint } from '../../src/ledger/checkpoint.js';
import { cosignerFromSeed } from '../../src/ledger/cosignature.js';
import { hashLeaf, MemoryMerkleTree } from '../../src/ledger/merkle.js';
import { signerFromSeed, verifierKey } from '../../src/ledger/note-key.js';
import type { NoteSigner } from '../../src/ledger/note-key.js';
import { formatAddCheckpointRequest, witnessLogsFromVkeys } from '../../src/ledger/witness.js';
import type { WitnessRecord, WitnessStore } from '../../src/ledger/witness.js';
import { buildWitnessApp } from '../../src/witness/app.js';
import { initWitnessDir, openWitnessDir } from '../../src/witness/witness-dir.js';

/** A log in memory: appends entries, signs checkpoints at any size it has reached. */
export class TestLog {
  readonly tree = new MemoryMerkleTree();
  readonly signer: NoteSigner;
  readonly vkey: string;

  constructor(
    readonly origin: string,
    seedByte = 7,
  ) {
    this.signer = signerFromSeed(origin, new Uint8Array(32).fill(seedByte));
    this.vkey = verifierKey(origin, this.signer.publicKey);
  }

  /** Appends `n` entries and returns the new size. */
  grow(n: number): number {
    for (let i = 0; i < n; i++) this.tree.append(hashLeaf(new TextEncoder().encode(`${this.origin} entry ${this.tree.size}`)));
    return this.tree.size;
  }

  checkpointAt(size: number = this.tree.size): Checkpoint {
    return { origin: this.origin, size, rootHash: this.tree.treeHash(size), extensions: [] };
  }

  /** The signed checkpoint note at `size`. */
  note(size: number = this.tree.size, signers: readonly NoteSigner[] = [this.signer]): string {
    return signCheckpoint(this.checkpointAt(size), signers);
  }

  /** An add-checkpoint body from `oldSize` to `size`, with the real consistency proof. */
  body(oldSize: number, size: number = this.tree.size): string {
    const proof = oldSize === 0 ? [] : this.tree.consistencyProof(oldSize, size);
    return formatAddCheckpointRequest({ oldSize, proof, checkpoint: this.note(size) });
  }

  logs() {
    return witnessLogsFromVkeys([this.vkey]);
  }
}

export const WITNESS_NAME = 'witness.test/w1';
export const cosigner = cosignerFromSeed(WITNESS_NAME, new Uint8Array(32).fill(9));

/** A `WitnessStore` in memory, serialising updates per origin with a promise chain. */
export class MemoryWitnessStore implements WitnessStore {
  readonly records = new Map<string, WitnessRecord>();
  readonly #queues = new Map<string, Promise<unknown>>();
  /** When false, decisions are made but never stored (for fuzzing from one fixed state). */
  persist = true;

  latest(origin: string): Promise<WitnessRecord | undefined> {
    return Promise.resolve(this.records.get(origin));
  }

  update<T extends { readonly record: WitnessRecord }>(origin: string, decide: (recorded: WitnessRecord | undefined) => T): Promise<T> {
    const previous = this.#queues.get(origin) ?? Promise.resolve();
    const next = previous.then(async () => {
      // Yield first, so a missing lock would show up as an interleaving in the tests.
      await new Promise((r) => setImmediate(r));
      const result = decide(this.records.get(origin));
      if (this.persist) this.records.set(origin, result.record);
      return result;
    });
    this.#queues.set(origin, next.catch(() => undefined));
    return next;
  }
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function randomOrigin(): string {
  return `log.test/${randomBytes(4).toString('hex')}`;
}

/**
 * A real witness (`accord witness serve`'s app and data directory) on loopback
 * for the log with `logVkey`; `delayMs` holds every request that long first.
 */
export async function startLocalWitness(name: string, logVkey: string, delayMs = 0): Promise<{ url: string; vkey: string; close(): Promise<void> }> {
  const dir = tempDir('accord-witness-');
  const init = initWitnessDir(dir.path, { name });
  const opened = openWitnessDir(dir.path);
  const app = buildWitnessApp({ logs: witnessLogsFromVkeys([logVkey]), cosigners: [opened.cosigner], store: opened.store, logger: false });
  if (delayMs > 0) app.addHook('onRequest', async () => new Promise((r) => setTimeout(r, delayMs)));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    vkey: init.witness_vkey,
    async close() {
      await app.close();
      opened.store.close();
      dir.cleanup();
    },
  };
}
