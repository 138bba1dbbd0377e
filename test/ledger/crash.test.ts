/**
 * Crash consistency: SIGKILL the process during a flood of appends, restart,
 * and check over several cycles that every acknowledged index holds its
 * bytes, every checkpoint is consistent with all earlier ones, and the stored
 * tiles and bundles equal a from-scratch recomputation.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Ledger } from '../../src/ledger/ledger.js';
import { MemoryTileStore } from '../../src/ledger/memory-tile-store.js';
import { signerFromSeed } from '../../src/ledger/note-key.js';
import { proveConsistency, verifyConsistency } from '../../src/ledger/merkle.js';
import { tilesForTreeSize, entryBundlesForTreeSize, tileHashReader } from '../../src/ledger/tiles.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';

const CYCLES = 6;

function runUntilKilled(file: string, cycle: number, killAfterMs: number): Promise<{ acks: Map<number, string>; checkpoints: [number, string][] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./crash-child.ts', import.meta.url).pathname, file, String(cycle)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acks = new Map<number, string>();
    const checkpoints: [number, string][] = [];
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const [tag, a, b] = line.split(' ');
      if (tag === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      else if (tag === 'ack') acks.set(Number(a), b!);
      else if (tag === 'cp') checkpoints.push([Number(a), b!]);
    });
    child.on('error', reject);
    // Resolve when both the process has exited and its output has been read to the end.
    let pending = 2;
    const done = () => --pending === 0 && resolve({ acks, checkpoints });
    lines.once('close', done);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited without being killed (${signal})`));
      else done();
    });
  });
}

it(`survives ${CYCLES} SIGKILLs during a flood of appends without losing or forking anything`, { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-crash-'));
  const file = join(dir, 'crash.db');
  const acked = new Map<number, string>();
  const seen: [number, string][] = [];
  try {
    for (let c = 0; c < CYCLES; c++) {
      const { acks, checkpoints } = await runUntilKilled(file, c, 300 + ((c * 397) % 900));
      for (const [i, d] of acks) {
        assert.ok(!acked.has(i) || acked.get(i) === d, `index ${i} acknowledged twice with different bytes`);
        acked.set(i, d);
      }
      seen.push(...checkpoints);
    }
    assert.ok(acked.size > 1000, `the flood acknowledged ${acked.size} entries`);
    // Restart once more and let the log integrate everything that was sequenced.
    const store = await openSqliteStore(file);
    const ledger = new Ledger(store.log, {
      origin: 'crash.accord.example/log',
      signer: signerFromSeed('crash.accord.example/log', createHash('sha256').update('crash test key').digest()),
      now: () => new Date(Date.now() + 60_000),
    });
    try {
      await ledger.integrate();
      const state = await ledger.currentState();
      const sequenced = await store.log.sequencedSize();
      assert.equal(state.size, sequenced, 'everything sequenced is integrated after restart');
      // Every acknowledged index holds its bytes.
      const all = await store.log.readEntries(0, sequenced + 1);
      assert.equal(all.length, sequenced);
      all.forEach((e, i) => assert.equal(e.index, i, 'no gaps'));
      for (const [i, d] of acked) assert.equal(createHash('sha256').update(all[i]!.data).digest('hex'), d, `entry ${i}`);
      // Every checkpoint seen before a crash is consistent with the final tree.
      const reader = tileHashReader(state.size, store.log);
      for (const [size, root] of seen) {
        const proof = await proveConsistency(reader, size, state.size);
        verifyConsistency(size, state.size, Buffer.from(root, 'hex'), state.rootHash, proof);
      }
      // Tiles and bundles equal a from-scratch recomputation.
      const fresh = new MemoryTileStore();
      await fresh.append(all.map((e) => e.data));
      assert.deepEqual(Buffer.from(fresh.rootHash), Buffer.from(state.rootHash));
      for (const t of tilesForTreeSize(state.size)) {
        const [mine] = await store.log.readTiles([t]);
        const [theirs] = await fresh.readTiles([t]);
        assert.ok(Buffer.from(mine!.subarray(0, t.width * 32)).equals(Buffer.from(theirs!.subarray(0, t.width * 32))), `tile ${t.level}/${t.index}`);
      }
      for (const b of entryBundlesForTreeSize(state.size)) {
        const [mine] = await store.log.readEntryBundles([b]);
        const [theirs] = await fresh.readEntryBundles([b]);
        assert.ok(Buffer.from(mine!).equals(Buffer.from(theirs!)), `bundle ${b.index}`);
      }
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
