/**
 * Benchmark: the TAXII 2.1 server on a real `accord serve`.
 *  1. ingest: N STIX objects POSTed in envelopes of 1,000 mixed objects
 *     (indicators with STIX patterns, observables, relationships; every TLP
 *     level, some naming recipients), C concurrent clients, each waiting for its
 *     status to complete; objects/s end to end (validation, pattern parsing, TLP,
 *     storage, status).
 *  2. page: 200 GET objects pages of 1,000 with `added_after` at random points,
 *     as an analyst of another organisation (the TLP filter is in every query);
 *     latency p50/p99 measured by the client, whole HTTP round trip.
 *  3. pull: `accord intel pull` of the whole collection into a file, with the
 *     peak RSS of the client and of the server.
 * Embedded store by default; BENCH_PG=postgres://… runs it on PostgreSQL (a
 * fresh database is created and dropped).
 *   npm run build:server && node --import tsx bench/intel-taxii.ts [N] [clients]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_COLLECTION_ID } from '../src/context.js';
import { mixedObjects } from './intel-mix.js';

const N = Number(process.argv[2] ?? 1_000_000);
const C = Number(process.argv[3] ?? 2);
const TAXII = 'application/taxii+json;version=2.1';
const dir = mkdtempSync(join(tmpdir(), 'accord-bench-taxii-'));
const data = join(dir, 'data');
const env: Record<string, string> = { ...(process.env as Record<string, string>), ACCORD_LOG_LEVEL: 'silent' };

let dropDb: (() => Promise<void>) | undefined;
if (process.env.BENCH_PG) {
  const name = `accord_bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: process.env.BENCH_PG });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(process.env.BENCH_PG);
  u.pathname = `/${name}`;
  env.ACCORD_DATABASE_URL = u.toString();
  dropDb = async () => {
    const c = new pg.Client({ connectionString: process.env.BENCH_PG });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
}

const init = spawnSync(process.execPath, ['dist/cli.js', 'init', '--data', data, '--demo'], { encoding: 'utf8', env });
if (init.status !== 0) throw new Error(init.stderr);
const tokens = (JSON.parse(init.stdout) as { demo: { tokens: { org: string; role: string; token: string }[] } }).demo.tokens;
const tokenOf = (org: string) => tokens.find((t) => t.org === org && t.role === 'analyst')!.token;
const writer = tokenOf('demo-northwind');
const reader = tokenOf('demo-contoso-cloud');

function startServer() {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []), ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []), 'dist/cli.js', 'serve', '--data', data, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, ACCORD_LOG_LEVEL: 'warn' } });
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => {
      const m = /serving (http:\/\/\S+)/.exec(b.toString());
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error('server exited')));
  });
  return { child, ready };
}
let { child: server, ready } = startServer();
let url = await ready;
const objectsUrl = `${url}/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/objects/`;

/** A mixed envelope (intel-mix.ts), 10% of its AMBER and RED objects naming a recipient org. */
function envelope(batch: number, size = 1000): string {
  return JSON.stringify({ objects: mixedObjects(batch, size, 'org:demo-contoso-cloud') });
}

async function post(body: string): Promise<void> {
  const r = await fetch(objectsUrl, { method: 'POST', headers: { authorization: `Bearer ${writer}`, accept: TAXII, 'content-type': TAXII }, body });
  if (r.status !== 202) throw new Error(`POST ${r.status} ${await r.text()}`);
  let s = (await r.json()) as { id: string; status: string; failure_count: number; failures: unknown[] };
  while (s.status === 'pending') {
    await new Promise((res) => setTimeout(res, 20));
    s = (await (await fetch(`${url}/taxii2/api/status/${s.id}/`, { headers: { authorization: `Bearer ${writer}`, accept: TAXII } })).json()) as typeof s;
  }
  if (s.failure_count > 0) throw new Error(`refused: ${JSON.stringify(s.failures.slice(0, 2))}`);
}

/** CPU seconds (user + system) a process, or one of its threads, has used: figures that a busy shared machine does not skew as much as wall time. */
function cpuOf(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds per thread name (threads of one name summed: V8's GC helpers, libuv's pool). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const key = Number(tid) === pid ? 'main' : process.env.BENCH_TIDS ? `${name}:${tid}` : name;
      out.set(key, (out.get(key) ?? 0) + cpuOf(pid, Number(tid)));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

function rssOf(pid: number, field = 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

try {
  // 1. ingest
  const batches = Math.ceil(N / 1000);
  const bodies = new Map<number, string>();
  let next = 0;
  const cpu0 = cpuOf(server.pid!);
  const main0 = cpuOf(server.pid!, server.pid!);
  const threads0 = threadCpu(server.pid!);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < batches) {
        const b = next++;
        // Envelopes are built just ahead of sending (not timed apart: building is ~3% of the work).
        const body = bodies.get(b) ?? envelope(b);
        await post(body);
      }
    }),
  );
  const ingestSecs = (performance.now() - t0) / 1000;
  console.log(`ingest: ${batches * 1000} objects in ${ingestSecs.toFixed(1)} s = ${Math.round((batches * 1000) / ingestSecs)} objects/s (${C} clients, envelopes of 1,000)`);
  const cpu = cpuOf(server.pid!) - cpu0;
  const main = cpuOf(server.pid!, server.pid!) - main0;
  const clientCpu = process.cpuUsage(client0);
  const us = (s: number) => ((s * 1e6) / (batches * 1000)).toFixed(1);
  console.log(
    `server CPU during the ingest: ${cpu.toFixed(1)} s in all threads (${Math.round((batches * 1000) / cpu)} objects per CPU second), ${main.toFixed(1)} s on its main thread (${Math.round((batches * 1000) / main)} objects per main-thread second)`,
  );
  // Per object: what the two cores are shared between (the client builds, sends and polls on the same machine).
  const clientSecs = (clientCpu.user + clientCpu.system) / 1e6;
  const threads = [...threadCpu(server.pid!)].map(([name, secs]) => [name, secs - (threads0.get(name) ?? 0)] as const).filter(([, secs]) => secs >= 0.05);
  console.log(`server threads: ${threads.map(([name, secs]) => `${name} ${us(secs)} µs`).join(', ')}`);
  console.log(`CPU per object: server ${us(cpu)} µs (main thread ${us(main)} µs), this client ${us(clientSecs)} µs; ${((cpu + clientSecs) / ingestSecs).toFixed(2)} of 2 cores busy`);
  console.log(
    `server peak RSS after ingest: ${rssOf(server.pid!).toFixed(0)} MB (now: heap and other anonymous ${rssOf(server.pid!, 'RssAnon').toFixed(0)} MB, files ${rssOf(server.pid!, 'RssFile').toFixed(0)} MB, shared ${rssOf(server.pid!, 'RssShmem').toFixed(0)} MB)`,
  );

  // BENCH_HOLD=S: watch the idle server's memory for S seconds (what it keeps once the ingest is over).
  for (let i = 0; i < Number(process.env.BENCH_HOLD ?? 0); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`  idle ${i + 1} s: RSS ${rssOf(server.pid!, 'VmRSS').toFixed(0)} MB (anonymous ${rssOf(server.pid!, 'RssAnon').toFixed(0)} MB)`);
  }
  if (process.env.BENCH_ONLY_INGEST) throw new Error('stopping after the ingest (BENCH_ONLY_INGEST)');
  // Let the ledger feed log what was just ingested, so pages are timed on a settled server (as a reader would meet it).
  const settle = performance.now();
  for (let prev = -1; ; ) {
    const size = Number((await (await fetch(`${url}/log/checkpoint`)).text()).split('\n')[1]);
    if (size === prev) break;
    prev = size;
    await new Promise((r) => setTimeout(r, 2000));
  }
  console.log(`ledger caught up ${((performance.now() - settle) / 1000).toFixed(1)} s after the ingest`);
  if (env.ACCORD_DATABASE_URL && process.env.BENCH_ANALYZE) {
    // What autovacuum does on its own a little later: fresh planner statistics after a bulk load.
    const c = new pg.Client({ connectionString: env.ACCORD_DATABASE_URL });
    await c.connect();
    await c.query('ANALYZE');
    await c.end();
    console.log('ran ANALYZE');
  }
  // 2. pages with added_after at random points, as another organisation's analyst
  const manifest = async (q: string) =>
    fetch(`${url}/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/objects/?${q}`, { headers: { authorization: `Bearer ${reader}`, accept: TAXII } });
  const first = await manifest('limit=1');
  const firstAdded = first.headers.get('x-taxii-date-added-first')!;
  await first.arrayBuffer();
  const startUs = Date.parse(firstAdded) * 1000;
  const spanUs = Date.now() * 1000 - startUs;
  const lat: number[] = [];
  let served = 0;
  for (let i = 0; i < 200; i++) {
    const at = new Date((startUs + Math.floor(Math.random() * spanUs * 0.9)) / 1000).toISOString();
    const s = performance.now();
    const r = await manifest(`limit=1000&added_after=${encodeURIComponent(at)}`);
    const env = (await r.json()) as { objects?: unknown[] };
    lat.push(performance.now() - s);
    served += env.objects?.length ?? 0;
  }
  lat.sort((a, b) => a - b);
  console.log(
    `page of up to 1,000 with added_after (TLP-filtered for another org, ${N} objects stored): p50 ${lat[100]!.toFixed(1)} ms, p99 ${lat[197]!.toFixed(1)} ms, max ${lat[199]!.toFixed(1)} ms; avg ${Math.round(served / 200)} objects per page`,
  );

  // 3. full pull through the CLI, as the analyst who shared the objects (who may read every one of them, RED
  // included, so the pull carries all N): from the server that just did the ingest, then from a freshly started one
  const pullOnce = async (label: string) => {
  const out = join(dir, 'pull.ndjson');
  rmSync(join(dir, 'state.json'), { force: true });
  rmSync(out, { force: true });
  const pullStart = performance.now();
  const pull = spawn(
    process.execPath,
    ['dist/cli.js', 'intel', 'pull', '--from', `${url}/taxii2/api/`, '--collection', DEFAULT_COLLECTION_ID, '--from-token', writer, '--out', out, '--state', join(dir, 'state.json')],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let clientPeak = 0;
  let serverPeak = 0;
  const timer = setInterval(() => {
    // NaN once a process is exiting (no VmRSS line): skipped, not folded into the peak.
    for (const [pid, set] of [
      [server.pid!, (v: number) => (serverPeak = Math.max(serverPeak, v))],
      [pull.pid!, (v: number) => (clientPeak = Math.max(clientPeak, v))],
    ] as const) {
      try {
        const v = rssOf(pid, 'VmRSS');
        if (!Number.isNaN(v)) set(v);
      } catch {
        // exited
      }
    }
  }, 100);
  let pullOut = '';
  pull.stdout.on('data', (b: Buffer) => (pullOut += b.toString()));
  const code = await new Promise<number>((res) => pull.on('exit', (c) => res(c ?? 1)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`pull exited ${code}`);
  const pullSecs = (performance.now() - pullStart) / 1000;
  console.log(`pull (${label}): ${pullOut.trim()} in ${pullSecs.toFixed(1)} s (${(statSync(out).size / 1e6).toFixed(0)} MB NDJSON); peak RSS during the pull: client ${clientPeak.toFixed(0)} MB, server ${serverPeak.toFixed(0)} MB`);
  };
  await pullOnce('the server that ingested');
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  ({ child: server, ready } = startServer());
  url = await ready;
  await pullOnce('a freshly started server');
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  await dropDb?.();
}
