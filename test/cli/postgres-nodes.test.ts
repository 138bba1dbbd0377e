/**
 * DESIGN.md: "Several `accord serve` processes may share one PostgreSQL
 * database." Two real `accord serve` nodes on one data directory and one
 * fresh database; writes through one node are read through the other, and
 * concurrent writes through both land exactly once.
 *
 * PostgreSQL: ACCORD_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test,
 * trust auth). Unreachable: skipped with the reason, or a failure when CI=true.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { api, cli, cliJson, ensureBuilt, startServer, tempDir, type Server } from './helpers.js';
import { PG_URL, pgAvailability, withClient } from '../store/pg-harness.js';

const skip = await pgAvailability();

/** Row counts of every table in the database's current schema: a cheap "nothing changed" fingerprint. */
async function rowCounts(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const out: Record<string, number> = {};
    for (const { table_name } of rows) {
      // The running nodes keep feeding earlier audit events into the log; init touches none of it.
      if (table_name.startsWith('log_')) continue;
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${table_name}"`);
      out[table_name] = Number(r.rows[0]!.n);
    }
    return out;
  });
}

describe('several `accord serve` nodes on one PostgreSQL database', { skip: skip === false ? undefined : skip }, () => {
  const dbName = `accord_nodes_${randomBytes(6).toString('hex')}`;
  const dbUrl = (() => {
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const tmp = tempDir('accord-cli-pg-');
  const dataDir = join(tmp.path, 'data');
  let created = false;
  let a: Server;
  let b: Server;
  let admin: string;
  let orgAdmins: { org: string; token: string }[];
  let initOut: Record<string, any>;

  before(
    async () => {
      await ensureBuilt();
      await withClient(PG_URL, (c) => c.query(`CREATE DATABASE ${dbName}`));
      created = true;
      const init = await cli(['init', '--data', dataDir, '--demo'], { env: { ACCORD_DATABASE_URL: dbUrl } });
      assert.equal(init.code, 0, init.stderr);
      initOut = JSON.parse(init.stdout);
      admin = initOut.admin_token;
      orgAdmins = initOut.demo.tokens.filter((t: { role: string }) => t.role === 'org-admin');
      // Both nodes start at once: their migrations must not trip over each other.
      [a, b] = await Promise.all([startServer(dataDir, { ACCORD_DATABASE_URL: dbUrl }), startServer(dataDir, { ACCORD_DATABASE_URL: dbUrl })]);
    },
    { timeout: 150_000 },
  );

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (created) await withClient(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    tmp.cleanup();
  });

  /** Every member's org-admin token; whoever admits an organisation adds its first org-admin, so votes can always close. */
  const memberVoters = async (): Promise<{ org: string; token: string }[]> => {
    const members = (await api(a.url, null, 'GET', '/api/v1/signatories?limit=500')).body.items.map((s: { org: { slug: string } }) => s.org.slug);
    const voters = orgAdmins.filter((o) => members.includes(o.org));
    assert.equal(voters.length, members.length, 'every member has a known org-admin token');
    return voters;
  };

  const on = (s: Server, token: string | null, args: string[]) => cliJson(s.url, token, args);
  const fail = (s: Server, token: string | null, args: string[]) => cli(['--server', s.url, ...(token ? ['--token', token] : []), ...args]);

  test('init used PostgreSQL (no SQLite file) and both nodes serve the same log', async () => {
    assert.equal(initOut.database, 'postgres');
    assert.deepEqual(readdirSync(dataDir).sort(), ['accord.json', 'csaf-signing.key.json', 'demo', 'log.key'], 'no SQLite file; demo/ holds the demo release');
    const [ha, hb] = await Promise.all([api(a.url, null, 'GET', '/healthz'), api(b.url, null, 'GET', '/healthz')]);
    assert.deepEqual(ha.body, { status: 'ok', database: 'postgres', log_origin: initOut.log_origin });
    assert.deepEqual(hb.body, ha.body);
    assert.notEqual(a.url, b.url);
  });

  test('tokens: created through A work through B; revoked through B fail through A', async () => {
    const base = orgAdmins[0]!.token;
    const made = await on(a, base, ['tokens', 'create', 'node-a']);
    const meB = await on(b, made.token, ['me']);
    assert.equal(meB.org.slug, orgAdmins[0]!.org);
    const listB = await on(b, base, ['tokens', 'list']);
    assert.ok(listB.items.some((t: { id: string }) => t.id === made.token_info.id));
    await on(b, base, ['tokens', 'revoke', made.token_info.id]);
    const r = await fail(a, made.token, ['me']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^accord: 401 TOKEN_INVALID: /);
  });

  // The CLI is the client for the steps users take; the REST API (cheaper than a process
  // per call) for the rest, so the file stays quick.
  const call = async (s: Server, token: string | null, method: string, path: string, body?: unknown) => {
    const r = await api(s.url, token, method, path, body);
    assert.ok(r.status < 300, `${method} ${path} on ${s.url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  test('the membership flow alternating nodes: submit A, sponsor B, open A, votes A/B, close B, accept A, me B', async () => {
    const pledges = (await call(b, null, 'GET', '/api/v1/pledges')).items.map((p: { slug: string }) => p.slug);
    const body = {
      org_name: `Node Flow ${randomBytes(3).toString('hex')}`,
      country: 'SE', sector: 'Testing', size_band: '1-49', website: 'https://node-flow.example',
      contact_name: 'Node Tester', contact_email: `sec-${randomBytes(3).toString('hex')}@node-flow.example`,
      motivation: 'Two nodes, one database.', pledges,
    };
    const id = (await call(a, null, 'POST', '/api/v1/applications', body)).id as string;
    assert.equal((await on(b, admin, ['applications', 'show', id])).application.org_name, body.org_name);
    await call(b, orgAdmins[1]!.token, 'POST', `/api/v1/applications/${id}/sponsor`);
    assert.equal((await call(a, admin, 'POST', `/api/v1/applications/${id}/open-vote`, {})).status, 'voting');
    const voters = await memberVoters();
    await Promise.all(voters.map((v, i) => call(i % 2 === 0 ? a : b, v.token, 'POST', `/api/v1/applications/${id}/votes`, { choice: i === 0 ? 'no' : 'yes' })));
    const view = await call(a, admin, 'GET', `/api/v1/applications/${id}`);
    assert.equal(view.votes.length, voters.length);
    assert.equal(view.tally.yes, voters.length - 1);
    assert.equal(view.tally.no, 1);
    const decision = await on(b, admin, ['applications', 'close', id]);
    assert.equal(decision.application.status, 'admitted');
    const accepted = await on(a, null, ['invitations', 'accept', decision.invitation.token, '--name', 'Node Admin']);
    orgAdmins.push({ org: decision.org.slug, token: accepted.token });
    const me = await on(b, accepted.token, ['me']);
    assert.equal(me.org.slug, decision.org.slug);
    assert.equal(me.user.role, 'org-admin');
    // Settings too: a rule set through one node governs the other at once.
    const original = await call(b, null, 'GET', '/api/v1/voting-rule');
    try {
      await on(a, admin, ['voting-rule', 'set', '--sponsors', '3', '--quorum', '0.75', '--majority', '0.5', '--days', '7']);
      assert.equal((await call(b, null, 'GET', '/api/v1/voting-rule')).sponsors_needed, 3);
    } finally {
      await call(b, admin, 'PUT', '/api/v1/voting-rule', original);
    }
  });

  test('20 concurrent submissions split across the nodes all land, each exactly once', async () => {
    const pledges = (await api(a.url, null, 'GET', '/api/v1/pledges')).body.items.map((p: { slug: string }) => p.slug);
    const tag = randomBytes(3).toString('hex');
    const names = Array.from({ length: 20 }, (_, i) => `Concurrent ${tag} ${String(i).padStart(2, '0')}`);
    const results = await Promise.all(
      names.map((org_name, i) =>
        api(i % 2 === 0 ? a.url : b.url, null, 'POST', '/api/v1/applications', {
          org_name, country: 'NO', sector: 'Testing', size_band: '1-49', website: 'https://concurrent.example',
          contact_name: 'C', contact_email: `c${i}-${tag}@concurrent.example`, motivation: 'Concurrency.', pledges,
        }),
      ),
    );
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    const ids = new Set(results.map((r) => r.body.id as string));
    assert.equal(ids.size, 20, 'twenty distinct ids');
    // Both nodes list the same twenty, once each.
    for (const s of [a, b]) {
      const list = await on(s, admin, ['applications', 'list', '--status', 'submitted', '--limit', '500']);
      const ours = list.items.filter((x: { org_name: string }) => x.org_name.startsWith(`Concurrent ${tag} `));
      assert.equal(ours.length, 20, `node ${s.url} lists each submission once`);
      assert.deepEqual(new Set(ours.map((x: { id: string }) => x.id)), ids);
    }
    const audit = await on(b, admin, ['audit', '--type', 'application.submitted', '--limit', '500']);
    assert.equal(audit.items.filter((e: { subject_id: string }) => ids.has(e.subject_id)).length, 20, 'one audit event each');
  });

  // Three attempts through each node at once. With a unique constraint behind it, exactly
  // one attempt may win; a check-then-write without a row lock lets several through
  // (PostgreSQL runs transactions at READ COMMITTED).
  const raceBoth = <T>(f: (s: Server) => Promise<T>) => Promise.all([a, b, a, b, a, b].map(f));
  const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort();
  const once = (ok: number) => [ok, 409, 409, 409, 409, 409];
  const show = (rs: { status: number; body: any }[]) => JSON.stringify(rs.map((r) => (r.status < 300 ? r.status : `${r.status} ${r.body.code}`)));

  async function submitAndSponsor(name: string, sponsorToken: string): Promise<string> {
    const pledges = (await api(a.url, null, 'GET', '/api/v1/pledges')).body.items.map((p: { slug: string }) => p.slug);
    const submitted = await api(a.url, null, 'POST', '/api/v1/applications', {
      org_name: name, country: 'FI', sector: 'Testing', size_band: '1-49', website: 'https://race.example',
      contact_name: 'R', contact_email: `${randomBytes(4).toString('hex')}@race.example`, motivation: 'Races.', pledges,
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const id = submitted.body.id as string;
    assert.equal((await api(b.url, sponsorToken, 'POST', `/api/v1/applications/${id}/sponsor`)).status, 201);
    return id;
  }

  test('inserts raced through both nodes land once: sponsorship, vote, organisation slug', async () => {
    const tag = randomBytes(3).toString('hex');
    const pledges = (await api(a.url, null, 'GET', '/api/v1/pledges')).body.items.map((p: { slug: string }) => p.slug);
    const submitted = await api(a.url, null, 'POST', '/api/v1/applications', {
      org_name: `Insert race ${tag}`, country: 'FI', sector: 'Testing', size_band: '1-49', website: 'https://race.example',
      contact_name: 'R', contact_email: `race-${tag}@race.example`, motivation: 'Races.', pledges,
    });
    const id = submitted.body.id as string;

    const sp = await raceBoth((s) => api(s.url, orgAdmins[2]!.token, 'POST', `/api/v1/applications/${id}/sponsor`));
    assert.deepEqual(statuses(sp), once(201), show(sp));
    assert.equal((await on(a, admin, ['applications', 'show', id])).sponsors.length, 1);

    const orgs = await raceBoth((s) => api(s.url, admin, 'POST', '/api/v1/orgs', { slug: `race-org-${tag}`, name: `Race org ${tag}`, status: 'applicant' }));
    assert.deepEqual(statuses(orgs), once(201), show(orgs));

    assert.equal((await api(b.url, admin, 'POST', `/api/v1/applications/${id}/open-vote`, {})).status, 200);
    const voter = (await memberVoters())[0]!;
    const votes = await raceBoth((s) => api(s.url, voter.token, 'POST', `/api/v1/applications/${id}/votes`, { choice: 'yes' }));
    assert.deepEqual(statuses(votes), once(201), show(votes));
    assert.equal((await api(a.url, admin, 'GET', `/api/v1/applications/${id}`)).body.votes.length, 1, 'one vote for the organisation');
    // Leave nothing open that would need closing.
    assert.equal((await api(a.url, admin, 'POST', `/api/v1/applications/${id}/reject`, { reason: 'race test' })).status, 200);
  });

  test(
    'state changes raced through both nodes happen once: open-vote, close',
    async () => {
      const tag = randomBytes(3).toString('hex');
      const id = await submitAndSponsor(`State race ${tag}`, orgAdmins[3]!.token);
      const audit = async (type: string) =>
        (await api(a.url, admin, 'GET', `/api/v1/audit?type=${type}&subject_id=${id}`)).body.items.length as number;
      try {
        const opened = await raceBoth((s) => api(s.url, admin, 'POST', `/api/v1/applications/${id}/open-vote`, {}));
        const voters = await memberVoters();
        for (const v of voters) assert.equal((await api(a.url, v.token, 'POST', `/api/v1/applications/${id}/votes`, { choice: 'yes' })).status, 201);
        const invitationsBefore = (await rowCounts(dbUrl)).invitations!;
        const closed = await raceBoth((s) => api(s.url, admin, 'POST', `/api/v1/applications/${id}/close`, {}));
        const invitationsAfter = (await rowCounts(dbUrl)).invitations!;
        const admittedOrgs = (await api(b.url, admin, 'GET', '/api/v1/orgs?limit=500')).body.items.filter((o: { name: string }) => o.name === `State race ${tag}`);
        // Keep the member set votable for any later test: withdraw the admitted organisations (none has a token here).
        for (const o of admittedOrgs) await api(a.url, admin, 'POST', `/api/v1/orgs/${o.slug}/status`, { status: 'withdrawn', reason: 'race test clean-up' });

        // Every deviation at once, so the report shows the whole picture.
        const problems: string[] = [];
        const expect = (ok: boolean, what: string) => ok || problems.push(what);
        expect(JSON.stringify(statuses(opened)) === JSON.stringify(once(200)), `open-vote succeeded more than once: ${show(opened)}`);
        const openedEvents = await audit('application.voting_opened');
        expect(openedEvents === 1, `${openedEvents} application.voting_opened events`);
        expect(JSON.stringify(statuses(closed)) === JSON.stringify(once(200)), `close: ${show(closed)}`);
        expect(closed.every((r) => r.status !== 409 || r.body.code === 'APPLICATION_STATE'), `losing closes should say APPLICATION_STATE: ${show(closed)}`);
        expect(admittedOrgs.length === 1, `${admittedOrgs.length} organisations admitted: ${admittedOrgs.map((o: { slug: string }) => o.slug).join(', ')}`);
        expect(invitationsAfter - invitationsBefore === 1, `${invitationsAfter - invitationsBefore} invitations created`);
        const admittedEvents = await audit('application.admitted');
        expect(admittedEvents === 1, `${admittedEvents} application.admitted events`);
        assert.deepEqual(problems, []);
      } finally {
        const app = (await api(a.url, admin, 'GET', `/api/v1/applications/${id}`)).body.application;
        if (app.status === 'submitted' || app.status === 'voting') await api(a.url, admin, 'POST', `/api/v1/applications/${id}/reject`, { reason: 'race test clean-up' });
      }
    },
  );

  test('serve on this data directory without ACCORD_DATABASE_URL refuses (no empty SQLite database appears)', async () => {
    const r = await cli(['serve', '--data', dataDir, '--listen', '127.0.0.1:0'], { timeoutMs: 10_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^accord: .*initialised with PostgreSQL; set ACCORD_DATABASE_URL/m);
    assert.deepEqual(readdirSync(dataDir).sort(), ['accord.json', 'csaf-signing.key.json', 'demo', 'log.key']);
  });

  test('init on a new data directory against this database refuses and leaves nothing behind', async () => {
    const before = await rowCounts(dbUrl);
    const fresh = join(tmp.path, 'second', 'data');
    for (const args of [['init', '--data', fresh], ['init', '--data', fresh, '--demo']]) {
      const r = await cli(args, { env: { ACCORD_DATABASE_URL: dbUrl, ACCORD_ADMIN_TOKEN: 'a-second-admin-token-0123456789' } });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^accord: .*already holds an Accord coalition/m);
      assert.ok(!existsSync(fresh), `${fresh} is not left behind`);
      assert.ok(!existsSync(join(tmp.path, 'second')), 'nor its parent that init created');
    }
    assert.deepEqual(await rowCounts(dbUrl), before, 'the database is unchanged');
    // The old admin token still works, a second admin token was never created.
    assert.equal((await on(a, admin, ['me'])).user.role, 'admin');
    assert.equal((await api(b.url, 'a-second-admin-token-0123456789', 'GET', '/api/v1/me')).status, 401);
  });
});
