/**
 * Benchmark: the read side of the log at scale. Fills a data directory's log
 * with N entries, then measures (1) inclusion-proof generation through the
 * domain API and (2) tile and entry-bundle reads over HTTP from a real
 * `accord serve` process, with 32 concurrent clients for a fixed duration.
 *   npm run build:server && node --import tsx bench/log-read.ts [N] [seconds]
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../src/ledger/ledger.js';
import { decodeSignerKey } from '../src/ledger/note-key.js';
import { readLogKey, readManifest, paths } from '../src/data-dir.js';
import { openSqliteStore } from '../src/store/sqlite/open.js';
import { releaseIndexFeed } from '../src/release/index-feed.js';
import { tilePath, entryBundlePath } from '../src/ledger/tile-path.js';

const N = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.argv[3] ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 4);
// BENCH_DATA=DIR measures an existing data directory (say, one a previous run kept with BENCH_KEEP=1) without filling it.
const reuse = process.env.BENCH_DATA;
const dir = reuse ?? mkdtempSync(join(tmpdir(), 'accord-bench-read-'));
const data = reuse ?? join(dir, 'data');
if (!reuse) {
  const init = spawnSync(process.execPath, ['dist/cli.js', 'init', '--data', data], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
}
const manifest = readManifest(data);

// Fill the log through the domain API: adds from many concurrent callers, integrated as they arrive.
const store = await openSqliteStore(paths(data).sqlite);
const ledger = new Ledger(store.log, { origin: manifest.log_origin, signer: decodeSignerKey(readLogKey(data)), now: () => new Date() });
await ledger.start();
const mib = (n: number) => Math.round(n / 2 ** 20);
let peakRss = 0;
const rssAt: string[] = [];
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
const t0 = performance.now();
let next = reuse ? N : 0;
let nextReport = N / 4;
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (next < N) {
      const batch: Promise<number>[] = [];
      for (let k = 0; k < 1000 && next < N; k++, next++) batch.push(ledger.append('bench', new TextEncoder().encode(`bench entry ${next} ${'y'.repeat(next % 64)}`)));
      await Promise.all(batch);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (next >= nextReport) {
        rssAt.push(`${Math.round((100 * next) / N)}%: ${mib(process.memoryUsage().rss)} MiB`);
        nextReport += N / 4;
      }
    }
  }),
);
while (!reuse && (await ledger.currentState()).size < N) await ledger.integrate();
await ledger.stop();
const state = await ledger.currentState();
const fillS = (performance.now() - t0) / 1000;
// The server's release index follows the log (its feed runs with every integration); entries appended here
// bypassed it, and catching up on millions at once would hold up the server's start. Bring it up to date.
if (!reuse) await releaseIndexFeed(store.log, store.releases)();
clearInterval(sampler);

// Inclusion proofs at this size, for random entries, after a warm-up; GC pauses in the measured window are counted.
for (let k = 0; k < 1000; k++) await ledger.inclusionProof(Math.floor(Math.random() * state.size));
const gcs: number[] = [];
const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => gcs.push(e.duration)));
observer.observe({ entryTypes: ['gc'] });
const PROOFS = 10_000;
const times: number[] = [];
// CPU time of each proof next to its wall time: a wall-clock tail the CPU time does not have is the
// process waiting (for a core, on a loaded machine), not work.
const cpu: number[] = [];
for (let k = 0; k < PROOFS; k++) {
  const idx = Math.floor(Math.random() * state.size);
  const c = process.cpuUsage();
  const s = performance.now();
  await ledger.inclusionProof(idx);
  times.push(performance.now() - s);
  const d = process.cpuUsage(c);
  cpu.push((d.user + d.system) / 1000);
}
cpu.sort((a, b) => a - b);
await new Promise((r) => setTimeout(r, 100));
gcs.push(...observer.takeRecords().map((e) => e.duration));
observer.disconnect();
times.sort((a, b) => a - b);
await store.close();

// Tile reads over HTTP from a separate server process.
const server = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/cli.js', 'serve', '--data', data, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' } });
let err = '';
const url = await new Promise<string>((resolve, reject) => {
  server.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    const m = /serving (http:\/\/\S+)/.exec(b.toString());
    if (m) resolve(m[1]!);
  });
  server.on('exit', () => reject(new Error(`server exited: ${err}`)));
});
const fullTiles = Math.floor(state.size / 256);
const paths_ = Array.from({ length: 2000 }, (_, k) =>
  k % 2 === 0 ? `/log/${tilePath({ level: 0, index: Math.floor(Math.random() * fullTiles), width: 256 })}` : `/log/${entryBundlePath({ index: Math.floor(Math.random() * fullTiles), width: 256 })}`,
);
// The client must cost less than the server: raw HTTP/1.1 over keep-alive sockets, each with up to
// PIPELINE requests in flight, parsing only the status line and Content-Length of each answer.
const { reads, bytes, seconds } = await readFor(url, paths_, SECONDS, CONNECTIONS, PIPELINE);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
if (!reuse && !process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`log size ${fmt(state.size)} (filled in ${fillS.toFixed(1)} s: ${fmt(state.size / fillS)} entries/s)`);
const q = (f: number) => times[Math.floor(f * (PROOFS - 1))]!.toFixed(3);
console.log(`inclusion proof (domain API, SQLite tiles), ${fmt(PROOFS)} random entries after 1,000 warm-up: p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`);
console.log(`  CPU time per proof: p50 ${cpu[PROOFS / 2]!.toFixed(3)} ms, p99 ${cpu[Math.floor(0.99 * (PROOFS - 1))]!.toFixed(3)} ms (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
console.log(`  GC during the proofs: ${gcs.length} pauses, ${gcs.reduce((a, b) => a + b, 0).toFixed(1)} ms in all, longest ${Math.max(0, ...gcs).toFixed(1)} ms`);
console.log(`rss while filling: ${rssAt.join(', ')}; peak ${mib(peakRss)} MiB`);
console.log(`tile + bundle reads over HTTP (${CONNECTIONS} keep-alive connections × ${PIPELINE} pipelined, gzip, ${seconds.toFixed(1)} s, same machine): ${fmt(reads / seconds)} reads/s, ${fmt(bytes / seconds / 2 ** 20)} MiB/s`);

/** Reads `paths` round-robin over `connections` sockets for `seconds`; every answer must be a 200. */
async function readFor(base: string, paths: string[], seconds: number, connections: number, pipeline: number): Promise<{ reads: number; bytes: number; seconds: number }> {
  const { hostname, port } = new URL(base);
  let reads = 0;
  let bytes = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, (_, w) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port), noDelay: true });
        let k = w * 61;
        let inFlight = 0;
        let buf: Buffer = Buffer.alloc(0);
        let body = -1; // bytes of the current body still to skip; -1 while reading a head
        const send = () => {
          let out = '';
          while (inFlight < pipeline && performance.now() < deadline) {
            out += `GET ${paths[k++ % paths.length]!} HTTP/1.1\r\nHost: ${hostname}\r\nAccept-Encoding: gzip\r\n\r\n`;
            inFlight++;
          }
          if (out) socket.write(out);
          else if (inFlight === 0) {
            socket.end();
            resolve();
          }
        };
        socket.on('connect', send);
        socket.on('error', reject);
        socket.on('data', (chunk: Buffer) => {
          buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
          for (;;) {
            if (body >= 0) {
              const take = Math.min(body, buf.length);
              body -= take;
              bytes += take;
              buf = buf.subarray(take);
              if (body > 0) return;
              body = -1;
              inFlight--;
              reads++;
              send();
            }
            const end = buf.indexOf('\r\n\r\n');
            if (end < 0) return;
            const head = buf.subarray(0, end).toString('latin1');
            if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(head.split('\r\n')[0]));
            const m = /\r\ncontent-length: *(\d+)/i.exec(head);
            if (!m) return reject(new Error('no content-length'));
            body = Number(m[1]);
            buf = buf.subarray(end + 4);
          }
        });
      }),
    ),
  );
  return { reads, bytes, seconds: (performance.now() - start) / 1000 };
}
