/**
 * Benchmark: release statements published over HTTP to a real `accord serve`
 * (embedded store): each POST /api/v1/releases checks the Ed25519 DSSE
 * signature against the signatory's registered keys, logs the envelope and
 * answers once it is in a signed checkpoint, with its tlog-proof.
 * Envelopes are signed before the clock starts; C concurrent clients.
 * With B > 1, each request is a batch publish (POST /api/v1/releases/batch,
 * NDJSON) of B envelopes; throughput counts statements, latency is per request.
 *   npm run build:server && node --import tsx bench/release-publish.ts [N] [clients] [B]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from '../src/release/dsse.js';
import { generateReleaseKeyPair, importPrivateKey } from '../src/release/keys.js';
import { buildReleaseStatement } from '../src/release/statement.js';

const N = Number(process.argv[2] ?? 20_000);
const C = Number(process.argv[3] ?? 256);
const B = Number(process.argv[4] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'accord-bench-pub-'));
const data = join(dir, 'data');
const init = spawnSync(process.execPath, ['dist/cli.js', 'init', '--data', data, '--demo'], { encoding: 'utf8', env: { ...process.env, ACCORD_LOG_LEVEL: 'silent' } });
if (init.status !== 0) throw new Error(init.stderr);
const token = (JSON.parse(init.stdout) as { demo: { tokens: { org: string; role: string; token: string }[] } }).demo.tokens.find((t) => t.org === 'demo-northwind' && t.role === 'org-admin')!.token;
// BENCH_PROF=<dir>: CPU profiles of the server's threads; BENCH_NODE_ARGS: extra node/V8 flags for the server (experiments).
const nodeArgs = [...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
const server = spawn(process.execPath, [...nodeArgs, 'dist/cli.js', 'serve', '--data', data, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' } });
const url = await new Promise<string>((resolve, reject) => {
  server.stderr.on('data', (b: Buffer) => {
    const m = /serving (http:\/\/\S+)/.exec(b.toString());
    if (m) resolve(m[1]!);
  });
  server.on('exit', () => reject(new Error('server exited')));
});
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const key = generateReleaseKeyPair('ed25519');
const reg = await fetch(`${url}/api/v1/orgs/demo-northwind/keys`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'bench', public_key: key.publicPem }) });
if (reg.status !== 201) throw new Error(`key registration: ${reg.status}`);
const priv = importPrivateKey(key.privatePem);
const bodies: string[] = [];
for (let i = 0; i < N; i++) {
  const file = `bench artifact ${i}`;
  const statement = buildReleaseStatement({ purl: `pkg:generic/demo-northwind/bench@1.0.${i}`, subjects: [{ name: `bench-${i}.tgz`, sha256: createHash('sha256').update(file).digest('hex') }] });
  bodies.push(serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [priv])));
}
const requests: string[] = [];
for (let i = 0; i < N; i += B) requests.push(B === 1 ? bodies[i]! : `${bodies.slice(i, i + B).join('\n')}\n`);
const batchAuth = { ...auth, 'content-type': 'application/x-ndjson' };
/** CPU seconds the server process (all its threads) has used, from /proc (Linux): load on the shared machine does not skew it. */
const cpuOf = (path: string): number => {
  try {
    const stat = readFileSync(path, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
};
const serverCpu = (): number => cpuOf(`/proc/${server.pid}/stat`);
/** The main thread's share (its task id is the process id): HTTP, JSON, the log; the rest is mostly the verification workers (and GC helpers). */
const mainCpu = (): number => cpuOf(`/proc/${server.pid}/task/${server.pid}/stat`);
/** CPU seconds by thread id. */
const threadCpu = (): Map<string, number> => {
  try {
    return new Map(readdirSync(`/proc/${server.pid}/task`).map((t) => [t, cpuOf(`/proc/${server.pid}/task/${t}/stat`)]));
  } catch {
    return new Map();
  }
};
let next = 0;
const lat: number[] = [];
const cpu0 = serverCpu();
const main0 = mainCpu();
const threads0 = threadCpu();
const client0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: C }, async () => {
    while (next < requests.length) {
      const body = requests[next++]!;
      const s = performance.now();
      if (B === 1) {
        const r = await fetch(`${url}/api/v1/releases`, { method: 'POST', headers: auth, body });
        if (r.status !== 201) throw new Error(`publish: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      } else {
        const r = await fetch(`${url}/api/v1/releases/batch`, { method: 'POST', headers: batchAuth, body });
        if (r.status !== 200) throw new Error(`batch publish: ${r.status} ${await r.text()}`);
        const out = (await r.json()) as { refused: number; results: { problem?: unknown }[] };
        if (out.refused !== 0) throw new Error(`batch publish refused: ${JSON.stringify(out.results.find((x) => x.problem))}`);
      }
      lat.push(performance.now() - s);
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
const cpu = serverCpu() - cpu0;
const main = mainCpu() - main0;
const busiest = [...threadCpu()]
  .map(([t, c]) => c - (threads0.get(t) ?? 0))
  .sort((a, b) => b - a)
  .filter((c) => c > 0);
const clientUsage = process.cpuUsage(client0);
const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
server.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
lat.sort((a, b) => a - b);
const what = B === 1 ? 'single publishes' : `batches of ${B}`;
console.log(`${N} releases published over HTTP (${what}) by ${C} clients in ${secs.toFixed(1)} s: ${Math.round(N / secs).toLocaleString('en-US')} statements/s`);
console.log(`latency per request (to a signed checkpoint with proofs): p50 ${lat[Math.floor(lat.length / 2)]!.toFixed(0)} ms, p99 ${lat[Math.floor(lat.length * 0.99)]!.toFixed(0)} ms`);
// CPU per statement, server (HTTP, verification workers, log) and this client: what 2 idle cores could do at most is 2 s / (their sum).
const perStmt = (c: number) => ((c * 1e6) / N).toFixed(0);
console.log(`CPU per statement: server ${perStmt(cpu)} µs, client ${perStmt(clientCpu)} µs (2 idle cores: at most ${Math.round((2 * N) / (cpu + clientCpu)).toLocaleString('en-US')} statements/s)`);
console.log(`server CPU per statement by thread: main ${perStmt(main)} µs; all threads, busiest first: ${busiest.map(perStmt).join(', ')} µs (main, verification workers, GC helpers, libuv)`);
