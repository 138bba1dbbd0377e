/**
 * Scheduled publication survives a restart: a case's advisory is scheduled
 * for the embargo end, the server stops, the end passes while it is down,
 * and the next start publishes it at once — with the embargo recorded as
 * ended at its end date, and nothing published by the first server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createContext } from '../../src/context.js';
import { buildApp } from '../../src/http/app.js';
import { initDataDir } from '../../src/init.js';
import { TestClock, demoToken } from './harness.js';
import { reportBody, validDraft } from './disclosure-support.js';

const DAY = 86_400_000;

test('a scheduled advisory is published after a restart once the embargo end has passed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-restart-'));
  try {
    const config = loadConfig({ ACCORD_LOG_LEVEL: 'silent', ACCORD_PUBLIC_URL: 'https://accord.test' }, { dataDir: join(dir, 'data') });
    const clock = new TestClock();
    const init = await initDataDir(config, { demo: true, clock });
    const admin = init.admin_token;
    const nw = demoToken(init, 'demo-northwind');

    let ctx = await createContext(config, { clock });
    let app = await buildApp(ctx, { logger: false, webRoot: null });
    const call = async (token: string, method: 'POST' | 'PUT' | 'GET', url: string, body?: unknown) => {
      const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
      assert.ok(r.statusCode < 300, `${method} ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
      return r.json();
    };
    const c = await call(nw, 'POST', '/api/v1/reports', reportBody({ vendors: ['demo-northwind'] }));
    const end = new Date(clock.now().getTime() + 2 * DAY).toISOString();
    await call(admin, 'POST', `/api/v1/cases/${c.case_id}/embargo/propose`, { end_at: end });
    await call(nw, 'POST', `/api/v1/cases/${c.case_id}/embargo/accept`);
    await call(admin, 'POST', `/api/v1/cases/${c.case_id}/advisory`);
    await call(admin, 'PUT', `/api/v1/cases/${c.case_id}/advisory`, { draft: validDraft(), revision: 1 });
    await call(nw, 'POST', `/api/v1/cases/${c.case_id}/advisory/approve`, { revision: 2 });
    const scheduled = await call(admin, 'POST', `/api/v1/cases/${c.case_id}/advisory/publish`, {});
    assert.equal(scheduled.advisory.status, 'scheduled');
    const tid = scheduled.advisory.tracking_id as string;
    await ctx.scheduler.runNow();
    await app.close();
    await ctx.close();

    clock.advanceDays(3);
    ctx = await createContext(config, { clock });
    app = await buildApp(ctx, { logger: false, webRoot: null });
    try {
      // No call needed: starting the server runs the scheduler at once.
      const deadline = Date.now() + 10_000;
      let a = await ctx.store.disclosure.getAdvisoryByTrackingId(tid);
      while (a?.status !== 'published' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        a = await ctx.store.disclosure.getAdvisoryByTrackingId(tid);
      }
      assert.equal(a?.status, 'published');
      const view = await call(admin, 'GET', `/api/v1/cases/${c.case_id}`);
      assert.equal(view.embargo.state, 'exited');
      assert.equal(view.embargo.exit_reason, 'ended');
      assert.equal(view.embargo.exited_at, end, 'the embargo ended at its end date, not at the restart');
      const v = (await ctx.store.disclosure.listAdvisoryVersions(a.id))[0]!;
      assert.equal(v.published_at, clock.now().toISOString(), 'published at the first moment the server could');
    } finally {
      await app.close();
      await ctx.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
