/**
 * Benchmark: latency from add to a checkpoint cosigned by two witnesses, at a
 * steady 1,000 adds/s for a fixed time, with two local witnesses (C2SP
 * tlog-witness over loopback HTTP) and a 2-of-2 quorum, embedded store.
 *   node --import tsx bench/witnessed-latency.ts [seconds] [adds-per-second]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createContext, QUORUM_SETTING, WITNESSES_SETTING } from '../src/context.js';
import { initDataDir } from '../src/init.js';
import { buildWitnessApp } from '../src/witness/app.js';
import { initWitnessDir, openWitnessDir } from '../src/witness/witness-dir.js';
import { witnessLogsFromVkeys } from '../src/ledger/witness.js';
import { parseCosignerVerifierKey, verifyCosignatures } from '../src/ledger/cosignature.js';

const SECONDS = Number(process.argv[2] ?? 10);
const RATE = Number(process.argv[3] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'accord-bench-w-'));
const config = loadConfig({ ACCORD_LOG_LEVEL: 'silent' }, { dataDir: join(dir, 'data') });
const init = await initDataDir(config);
const witnesses = [];
for (const name of ['w1.bench', 'w2.bench']) {
  const wdir = join(dir, name);
  const w = initWitnessDir(wdir, { name });
  const opened = openWitnessDir(wdir);
  const app = buildWitnessApp({ logs: witnessLogsFromVkeys([init.log_vkey]), cosigners: [opened.cosigner], store: opened.store, logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  witnesses.push({ app, url, vkey: w.witness_vkey, store: opened.store, name });
}
const ctx = await createContext(config);
await ctx.store.registry.putSetting(WITNESSES_SETTING, witnesses.map((w) => ({ name: w.name, vkey: w.vkey, url: w.url })));
await ctx.store.registry.putSetting(QUORUM_SETTING, 2);
const cosigners = witnesses.map((w) => parseCosignerVerifierKey(w.vkey));

const start = performance.now();
const end = start + SECONDS * 1000;
const added = new Map<number, number>();
const latencies: number[] = [];
let watching = true;
const watcher = (async () => {
  let seen = 0;
  while (watching || added.size > 0) {
    const state = await ctx.ledger.currentState();
    if (state.size > seen && verifyCosignatures(state.checkpoint, cosigners).length >= 2) {
      const now = performance.now();
      for (const [i, t] of added) if (i < state.size) {
        latencies.push(now - t);
        added.delete(i);
      }
      seen = state.size;
    }
    await new Promise((r) => setTimeout(r, 5));
    if (!watching && added.size > 0 && latencies.length > 0 && performance.now() > end + 10_000) break;
  }
})();
let n = 0;
while (performance.now() < end) {
  const due = Math.floor(((performance.now() - start) / 1000) * RATE);
  const batch: Promise<void>[] = [];
  for (; n < due; n++) {
    const t = performance.now();
    batch.push(ctx.ledger.append('bench', new TextEncoder().encode(`witnessed bench ${n}`)).then((i) => void added.set(i, t)));
  }
  await Promise.all(batch);
  await new Promise((r) => setTimeout(r, 2));
}
watching = false;
await watcher;
await ctx.close();
for (const w of witnesses) {
  await w.app.close();
  w.store.close();
}
rmSync(dir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(0);
console.log(`${n} adds at ${RATE}/s for ${SECONDS} s, two local witnesses, quorum 2 of 2`);
console.log(`add → cosigned checkpoint: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms (${latencies.length} measured, ${added.size} never covered)`);
