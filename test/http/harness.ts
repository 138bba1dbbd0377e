import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { createContext, type Context } from '../../src/context.js';
import { buildApp } from '../../src/http/app.js';
import { initDataDir, type InitResult } from '../../src/init.js';
import type { Clock } from '../../src/registry/clock.js';

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(private t = Date.now()) {}
  now(): Date {
    return new Date(this.t);
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}

export interface Harness {
  app: FastifyInstance;
  ctx: Context;
  init: InitResult;
  clock: TestClock;
  routes: { method: string; url: string }[];
  /** Calls the app as `token` (Bearer) or anonymously. */
  call(method: string, url: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string>; payload?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A fresh data directory (SQLite unless `databaseUrl`), initialised with demo data, and the app over it. */
export async function startHarness(options: { demo?: boolean; env?: Record<string, string> } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-http-'));
  const config = loadConfig({ ACCORD_LOG_LEVEL: 'silent', ACCORD_PUBLIC_FORM_LIMIT: '100000', ...options.env }, { dataDir: join(dir, 'data') });
  const clock = new TestClock();
  const init = await initDataDir(config, { demo: options.demo ?? true, clock });
  const ctx = await createContext(config, { clock });
  const routes: { method: string; url: string }[] = [];
  const app = await buildApp(ctx, {
    logger: false,
    webRoot: null,
    onRoute: (r) => {
      for (const m of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ method: m, url: r.url });
    },
  });
  await app.ready();
  return {
    app,
    ctx,
    init,
    clock,
    routes,
    call(method, url, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      return app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(opts.payload !== undefined ? { payload: opts.payload } : opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
    },
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The demo token of `org`'s org-admin. */
export function demoToken(init: InitResult, org: string, role = 'org-admin'): string {
  const t = init.demo?.tokens.find((x) => x.org === org && x.role === role);
  if (!t) throw new Error(`no demo ${role} token for ${org}`);
  return t.token;
}

/** A valid application body. */
export function applicationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org_name: `Test Org ${Math.random().toString(36).slice(2, 8)}`,
    country: 'NL',
    sector: 'Software',
    size_band: '50-249',
    website: 'https://test.example',
    contact_name: 'Tess Tester',
    contact_email: `contact-${Math.random().toString(36).slice(2, 8)}@test.example`,
    psirt_contact: 'psirt@test.example',
    cvd_policy_url: 'https://test.example/cvd',
    security_txt_url: null,
    motivation: 'We want to take part.',
    pledges: ['strong-defense', 'no-offense'],
    ...overrides,
  };
}
