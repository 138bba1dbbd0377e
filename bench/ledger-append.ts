/**
 * Benchmark: appends through the domain API (Ledger.append) into the embedded
 * store, integrated into tiles and signed checkpoints as they arrive.
 * Prints entries/s sustained (sequenced and integrated), the add→checkpoint
 * latency, and memory. Fixed workload: N entries of ~100 bytes.
 *   node --import tsx bench/ledger-append.ts [N] [sqlite|postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../src/ledger/ledger.js';
import { generateSeed, signerFromSeed } from '../src/ledger/note-key.js';
import { openSqliteStore } from '../src/store/sqlite/open.js';
import { openPostgresStore } from '../src/store/postgres/open.js';

const N = Number(process.argv[2] ?? 500_000);
const backend = process.argv[3] ?? 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'accord-bench-'));
const store = backend === 'postgres' ? await openPostgresStore(process.env.ACCORD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/accord_bench') : await openSqliteStore(join(dir, 'bench.db'));
const ledger = new Ledger(store.log, { origin: 'bench.accord.example/log', signer: signerFromSeed('bench.accord.example/log', generateSeed()), now: () => new Date() });
await ledger.start();
const base = (await ledger.currentState()).size;

const payload = (i: number) => new TextEncoder().encode(`{"type":"bench","i":${i},"pad":"${'x'.repeat(64)}"}`);
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const WINDOW = 20_000; // adds in flight at once, like many concurrent clients
let next = 0;
let peakRss = rssBefore;
async function worker(): Promise<void> {
  while (next < N) {
    const batch: Promise<number>[] = [];
    for (let k = 0; k < 1000 && next < N; k++) batch.push(ledger.append('bench', payload(next++)));
    await Promise.all(batch);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
}
await Promise.all(Array.from({ length: WINDOW / 1000 }, worker));
const tSeq = performance.now();
await ledger.integrate();
while ((await ledger.currentState()).size < base + N) await ledger.integrate();
const tInt = performance.now();
const cpuUsed = process.cpuUsage(cpu0);

// Latency: single adds at a steady rate, time until a checkpoint covers each.
const lat: number[] = [];
for (let i = 0; i < 200; i++) {
  const s = performance.now();
  const idx = await ledger.append('bench', payload(i));
  await ledger.waitForIndex(idx);
  lat.push(performance.now() - s);
}
lat.sort((a, b) => a - b);
const state = await ledger.currentState();
await ledger.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`backend=${backend} entries=${fmt(N)} final_size=${fmt(state.size)}`);
console.log(`sequenced (durable indexes): ${fmt(N / ((tSeq - t0) / 1000))} entries/s`);
console.log(`sequenced + integrated:      ${fmt(N / ((tInt - t0) / 1000))} entries/s`);
console.log(`CPU per entry, sequenced + integrated: ${((cpuUsed.user + cpuUsed.system) / N).toFixed(2)} µs (user ${(cpuUsed.user / N).toFixed(2)}, system ${(cpuUsed.system / N).toFixed(2)}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
console.log(`add→checkpoint latency (idle log, default 50 ms batching): p50 ${lat[100]!.toFixed(1)} ms, p99 ${lat[197]!.toFixed(1)} ms`);
console.log(`rss: before ${fmt(rssBefore / 2 ** 20)} MiB, peak ${fmt(peakRss / 2 ** 20)} MiB`);
