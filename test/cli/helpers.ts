/**
 * Shared by the CLI tests: build `dist/` when it is stale, run the real
 * `node dist/cli.js`, start `accord serve` processes. No mocks: every test
 * talks to the compiled command as a user would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

/** Newest modification time (ms) of any file under `dir` whose name ends with `suffix`. */
function newestMtime(dir: string, suffix: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, suffix));
    else if (e.name.endsWith(suffix)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function distIsFresh(): boolean {
  try {
    return statSync(CLI).mtimeMs >= newestMtime(join(ROOT, 'src'), '.ts');
  } catch {
    return false;
  }
}

/**
 * Builds src → dist with `tsc -p tsconfig.build.json` when dist/cli.js is
 * missing or older than a source file. The test files run in parallel
 * processes, so a lock directory makes one of them build while the others wait.
 */
export async function ensureBuilt(): Promise<void> {
  if (distIsFresh()) return;
  const lock = join(tmpdir(), `accord-cli-test-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than two minutes belongs to a dead process.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // it went away meanwhile
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await sleep(200);
    }
  }
  try {
    if (distIsFresh()) return;
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { timeoutMs: 120_000 });
    // tsc emits even with type errors (elsewhere in a tree others are editing); the tests
    // judge the emitted CLI. Only a build that produced nothing fresh is fatal.
    if (r.code !== 0 && !distIsFresh()) throw new Error(`tsc -p tsconfig.build.json failed (${r.code}):\n${r.stdout}${r.stderr}`);
    if (r.code !== 0) process.stderr.write(`# warning: tsc reported errors but emitted dist/:\n${r.stdout.slice(0, 2000)}\n`);
  } finally {
    rmdirSync(lock);
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment for a child: this process's, minus every ACCORD_* variable, plus `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ACCORD_')) env[k] = v;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

function run(cmd: string, args: string[], o: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(o.input ?? '');
  });
}

/** Runs `node dist/cli.js …args` with a clean environment plus `env`. */
export function cli(args: string[], o: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], { env: childEnv(o.env), input: o.input, timeoutMs: o.timeoutMs });
}

/** Runs a client command with `--server` and `--json` and returns the parsed stdout; fails on a non-zero exit. */
export async function cliJson<T = any>(server: string, token: string | null, args: string[], o: { input?: string } = {}): Promise<T> {
  const r = await cli(['--server', server, ...(token ? ['--token', token] : []), '--json', ...args], o);
  if (r.code !== 0) throw new Error(`accord ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`accord ${args.join(' ')} printed no JSON: ${r.stdout}`);
  }
}

/** A fresh temporary directory; `cleanup()` removes it. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Every file under `dir` (relative path → SHA-256 of its bytes, and its mode). */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${(statSync(p).mode & 0o777).toString(8)}`;
    }
  };
  walk(dir);
  return out;
}

export interface Server {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `accord serve --data DIR --listen 127.0.0.1:0` (the kernel picks a
 * free port, so parallel test files never collide), reads the address it
 * announces on stderr and waits until /healthz answers 200.
 */
export async function startServer(dataDir: string, env: Record<string, string | undefined> = {}): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--listen', '127.0.0.1:0'], {
    cwd: ROOT,
    env: childEnv({ ACCORD_LOG_LEVEL: 'warn', ACCORD_PUBLIC_FORM_LIMIT: '10000', ACCORD_AUTH_FAILURE_LIMIT: '10000', ...env }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  // Should this test process die without its after hooks, take the server along.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', orphanGuard);
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const deadline = Date.now() + 20_000;
  let url: string | undefined;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`accord serve exited ${child.exitCode}: ${err}`);
    url ??= /accord: serving (http:\/\/\S+)/.exec(err)?.[1];
    if (url) {
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.status === 200) return { url, child, stderr: () => err, stop };
      } catch {
        // not listening yet
      }
    }
    await sleep(50);
  }
  await stop();
  throw new Error(`accord serve did not become healthy within 20 s: ${err}`);
}

/** Calls the REST API directly (to check what the CLI did against the server's own answer). */
export async function api<T = any>(server: string, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, server), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as T };
}

/** Runs `fn` over `items` with at most `limit` running at once. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
