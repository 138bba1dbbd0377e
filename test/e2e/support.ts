/**
 * Shared by the browser tests: build the console into a private directory, run
 * `accord init --demo` and `accord serve` on a free port, launch the system
 * Chromium, and give each test a fresh context. No mocks: the pages talk to the
 * real server.
 *
 * Without Chromium the suites are skipped with a reason, except in CI
 * (CI=true), where a missing browser fails the run.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureBuilt } from '../cli/helpers.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.ACCORD_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
export const SHOTS = join(ROOT, 'test-results', 'screenshots');
export const VIEWPORT = { width: 1440, height: 900 };
const IN_CI = process.env.CI === 'true';
const hasChromium = existsSync(CHROMIUM);

/** The `skip` option for a browser suite: a reason without Chromium, false in CI (where `before` then fails). */
export const skipWithoutChromium: string | false = !hasChromium && !IN_CI ? `Chromium not found at ${CHROMIUM} (set ACCORD_CHROMIUM, or install the chromium package)` : false;

export interface DemoInit {
  admin_token: string;
  log_origin: string;
  log_vkey: string;
  demo: {
    signatories: string[];
    tokens: { org: string; email: string; role: string; token: string }[];
    pending_application_id: string;
    voting_application_id: string;
    /** The demo cases (src/demo-disclosure.ts). */
    disclosure?: {
      published: { case_id: string; case_number: string; tracking_id: string };
      embargoed: { case_id: string; case_number: string; embargo_end: string };
      reporter_link: string;
    };
  };
}

/** A running console: the server, its `init` output, and the browser. */
export interface Harness {
  readonly base: string;
  readonly init: DemoInit;
  readonly browser: Browser;
  /** A fresh context and page; fails the test on page errors or CSP violations, which a user would not see. */
  withPage(fn: (page: Page, context: BrowserContext) => Promise<void>): Promise<void>;
  apiGet<T>(path: string, token: string | null): Promise<T>;
  apiSend<T = unknown>(method: string, path: string, token: string | null, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Builds the console and the server if needed, starts both and the browser. */
export async function startHarness(): Promise<Harness> {
  if (!hasChromium) throw new Error(`CI=true and Chromium is missing at ${CHROMIUM}: the browser tests cannot run.`);
  const tmp = mkdtempSync(join(tmpdir(), 'accord-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close().catch(() => {});
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited.catch(() => {});
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    // Build the console into a private directory: always current, and no race with
    // another test or `npm run build` writing dist/web at the same time.
    const webDir = join(tmp, 'web');
    run(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--outDir', webDir, '--emptyOutDir', '--logLevel', 'warn']);
    // dist/ must match src/ (a stale CLI would serve yesterday's API).
    await ensureBuilt();
    const started = await startServer(tmp, webDir);
    server = started.child;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const b = browser;
    const base = started.base;
    const apiSend = async <T = unknown>(method: string, path: string, token: string | null, body?: unknown): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    return {
      base,
      init: started.init,
      browser: b,
      withPage: (fn) => withPage(b, fn),
      apiGet: <T>(path: string, token: string | null) => apiSend<T>('GET', path, token),
      apiSend,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function withPage(browser: Browser, fn: (page: Page, context: BrowserContext) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // "Failed to load resource: 4xx" accompanies the API errors these tests provoke on purpose.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  try {
    await fn(page, context);
  } catch (err) {
    await shot(page, `failure-${Date.now()}`).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, [], 'no script errors or CSP violations');
}

/** Full-page by default; long tables are shot at window size. */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Polls `check` until it holds (playwright-core has no `expect`). */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('session').waitFor();
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `init --demo` and `serve` on a free port, waiting for /healthz. Older builds
 * refused a log key whose base64 contains "+" (decodeSignerKey split on every
 * "+"); such an init is retried in a fresh directory.
 */
async function startServer(tmp: string, webDir: string): Promise<{ child: ChildProcess; base: string; init: DemoInit }> {
  for (let attempt = 1; ; attempt++) {
    const dataDir = join(tmp, `data-${attempt}`);
    const init = JSON.parse(run(process.execPath, ['dist/cli.js', 'init', '--data', dataDir, '--demo'])) as DemoInit;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let log = '';
    const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--web', webDir], {
      cwd: ROOT,
      env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    if (await waitForHealth(child, base, () => log)) return { child, base, init };
    const keyBug = /signed-note private key/.test(log) && /\+.*\+.*\+.*\+.*\+/.test(readFileSync(join(dataDir, 'log.key'), 'utf8'));
    if (!keyBug || attempt >= 8) throw new Error(`accord serve did not start:\n${log}`);
  }
}

async function waitForHealth(child: ChildProcess, base: string, log: () => string): Promise<boolean> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`accord serve did not answer /healthz within 20 s:\n${log()}`);
}
