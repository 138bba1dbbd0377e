/**
 * The client commands end to end: a real `accord serve` on a demo data
 * directory, the real compiled CLI, and the REST API itself as the judge of
 * what each command did. Each test makes its own objects (applications,
 * organisations, tokens), so none depends on another having run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { api, cli, cliJson, ensureBuilt, mapLimit, startServer, tempDir, type Server } from './helpers.js';

const tmp = tempDir('accord-cli-client-');
let srv: Server;
let admin: string;
/** One org-admin token per demo signatory. */
let orgAdmins: { org: string; token: string }[];

before(
  async () => {
    await ensureBuilt();
    const dir = join(tmp.path, 'data');
    const init = await cli(['init', '--data', dir, '--demo'], { timeoutMs: 60_000 });
    assert.equal(init.code, 0, init.stderr);
    const out = JSON.parse(init.stdout);
    admin = out.admin_token;
    orgAdmins = out.demo.tokens.filter((t: { role: string }) => t.role === 'org-admin');
    assert.ok(orgAdmins.length >= 3, 'the demo has org-admins to sponsor and vote');
    srv = await startServer(dir);
  },
  { timeout: 150_000 },
);
after(async () => {
  await srv?.stop();
  tmp.cleanup();
});

const run = (token: string | null, args: string[], input?: string) => cli(['--server', srv.url, ...(token ? ['--token', token] : []), ...args], { input });
const json = <T = any>(token: string | null, args: string[], input?: string) => cliJson<T>(srv.url, token, args, { input });
const get = async <T = any>(token: string | null, path: string): Promise<T> => {
  const r = await api<T>(srv.url, token, 'GET', path);
  assert.equal(r.status, 200, `GET ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const uniq = () => randomBytes(4).toString('hex');

/** A complete application as the public form takes it. */
async function applicationFile(name: string): Promise<{ path: string; body: Record<string, unknown> }> {
  const pledges = (await get<{ items: { slug: string }[] }>(null, '/api/v1/pledges')).items.map((p) => p.slug);
  const body = {
    org_name: name,
    country: 'NL',
    sector: 'Testing',
    size_band: '50-249',
    website: 'https://cli-test.example',
    contact_name: 'CLI Tester',
    contact_email: `security-${uniq()}@cli-test.example`,
    psirt_contact: 'psirt@cli-test.example',
    cvd_policy_url: 'https://cli-test.example/cvd',
    motivation: 'Testing the accord CLI end to end.',
    pledges,
  };
  const path = join(tmp.path, `application-${uniq()}.json`);
  writeFileSync(path, JSON.stringify(body));
  return { path, body };
}

/** Member signatories with an org-admin token, i.e. every member that can vote. */
async function voters(): Promise<{ org: string; token: string }[]> {
  const members = (await get<{ items: { org: { slug: string } }[] }>(null, '/api/v1/signatories?limit=500')).items.map((s) => s.org.slug);
  const withToken = orgAdmins.filter((o) => members.includes(o.org));
  assert.equal(withToken.length, members.length, `every member can vote here (members: ${members.join(', ')})`);
  return withToken;
}

test('public reads (signatories, progress, pledges, voting rule) and `me` match the API', async () => {
  assert.deepEqual(await json(admin, ['me']), await get(admin, '/api/v1/me'));
  assert.deepEqual(await json(null, ['signatories', 'list']), await get(null, '/api/v1/signatories?limit=100'));
  assert.deepEqual(await json(null, ['signatories', 'show', orgAdmins[0]!.org]), await get(null, `/api/v1/signatories/${orgAdmins[0]!.org}`));
  assert.deepEqual(await json(null, ['pledges', 'list']), await get(null, '/api/v1/pledges'));
  assert.deepEqual(await json(null, ['voting-rule', 'show']), await get(null, '/api/v1/voting-rule'));

  const year = new Date().getUTCFullYear();
  const { as_of: _a, ...progress } = await json(null, ['progress', '--year', String(year)]);
  const { as_of: _b, ...expected } = await get(null, `/api/v1/progress?year=${year}`);
  assert.deepEqual(progress, expected);
  const csv = await run(null, ['progress', '--csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trim().split(/\r?\n/); // RFC 4180 lines end in CRLF
  assert.equal(rows[0], 'metric,value');
  assert.ok(rows.includes(`members,${expected.members}`), csv.stdout);

  // ACCORD_SERVER and ACCORD_TOKEN stand in for --server and --token.
  const viaEnv = await cli(['--json', 'me'], { env: { ACCORD_SERVER: srv.url, ACCORD_TOKEN: admin } });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.equal(JSON.parse(viaEnv.stdout).user.role, 'admin');
});

test('voting-rule set (secretariat only), then restored', async () => {
  const original = await json(null, ['voting-rule', 'show']);
  try {
    const set = await json(admin, ['voting-rule', 'set', '--sponsors', '2', '--quorum', '0.6', '--majority', '0.66', '--days', '10', '--reason', 'CLI test']);
    assert.deepEqual(set, { sponsors_needed: 2, quorum: 0.6, majority: 0.66, voting_days: 10 });
    assert.deepEqual(await get(null, '/api/v1/voting-rule'), set);
    const denied = await run(orgAdmins[0]!.token, ['voting-rule', 'set', '--sponsors', '1', '--quorum', '0.5', '--majority', '0.5', '--days', '14']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^accord: 403 FORBIDDEN: /);
  } finally {
    await json(admin, [
      'voting-rule', 'set', '--sponsors', String(original.sponsors_needed), '--quorum', String(original.quorum),
      '--majority', String(original.majority), '--days', String(original.voting_days), '--reason', 'CLI test: restore',
    ]);
  }
  assert.deepEqual(await get(null, '/api/v1/voting-rule'), original);
});

/**
 * These make their own objects and leave the set of members that vote, the voting rule and
 * everything the tests above compare unchanged, so they run concurrently (the CLI is
 * process-start bound; this halves the file's time).
 */
describe('client commands', { concurrency: true }, () => {
  test('membership: submit → sponsor → open-vote → votes → close → invitation accepted → new org-admin', async () => {
    const name = `CLI Flow ${uniq()}`;
    const { path, body } = await applicationFile(name);

    // The public form needs no token.
    const submitted = await json(null, ['applications', 'submit', path]);
    assert.equal(submitted.status, 'submitted');
    const id: string = submitted.id;
    const stored = await get(admin, `/api/v1/applications/${id}`);
    assert.equal(stored.application.org_name, name);
    assert.equal(stored.application.contact_email, body.contact_email);
    assert.deepEqual(stored.application.pledges, body.pledges);

    // One member's org-admin sponsors; a second sponsorship by the same org is refused.
    const sponsor = orgAdmins[0]!;
    const sp = await json(sponsor.token, ['applications', 'sponsor', id]);
    assert.equal(sp.application_id, id);
    const again = await run(sponsor.token, ['applications', 'sponsor', id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^accord: 409 ALREADY_SPONSORED: /);
    assert.equal((await get(admin, `/api/v1/applications/${id}`)).sponsors.length, 1);

    // Only the secretariat opens the vote.
    const denied = await run(sponsor.token, ['applications', 'open-vote', id]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^accord: 403 FORBIDDEN: /);
    const opened = await json(admin, ['applications', 'open-vote', id, '--reason', 'CLI test']);
    assert.equal(opened.status, 'voting');
    assert.ok(opened.voting_closes_at);

    // Every member votes (so the secretariat may close before the window ends).
    const all = await voters();
    // The command once; the other members through the API (a process per vote adds nothing).
    const [firstVoter, ...others] = all;
    const vote = await json(firstVoter!.token, ['applications', 'vote', id, 'yes', '--reason', `yes from ${firstVoter!.org}`]);
    assert.equal(vote.choice, 'yes');
    assert.equal(vote.reason, `yes from ${firstVoter!.org}`);
    for (const v of others) assert.equal((await api(srv.url, v.token, 'POST', `/api/v1/applications/${id}/votes`, { choice: 'yes' })).status, 201);
    const twice = await run(firstVoter!.token, ['applications', 'vote', id, 'no']);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /^accord: 409 ALREADY_VOTED: /);
    const memberView = await json(sponsor.token, ['applications', 'show', id]);
    assert.equal(memberView.tally, null, 'members do not see the tally while the vote is open');
    assert.ok(memberView.votes.every((v: { choice: string }) => v.choice === 'abstain'), 'nor how others voted');
    assert.equal(memberView.application.contact_email, '(hidden)');
    const adminView = await json(admin, ['applications', 'show', id]);
    assert.equal(adminView.tally.yes, all.length);
    assert.deepEqual(adminView, await get(admin, `/api/v1/applications/${id}`));

    // Closing admits and prints the first org-admin invitation secret once.
    const decision = await json(admin, ['applications', 'close', id]);
    assert.equal(decision.application.status, 'admitted');
    assert.equal(decision.tally.admitted, true);
    assert.ok(decision.org?.slug, 'the new organisation');
    assert.ok(decision.invitation?.token, 'an invitation secret');
    assert.equal(decision.invitation.invitation.role, 'org-admin');
    const after = await get(admin, `/api/v1/applications/${id}`);
    assert.equal(after.application.status, 'admitted');
    assert.equal(after.application.org_id, decision.org.id);
    const closedTwice = await run(admin, ['applications', 'close', id]);
    assert.equal(closedTwice.code, 1);
    assert.match(closedTwice.stderr, /^accord: 409 APPLICATION_STATE: /);

    // The contact accepts the invitation (no token) and gets a first API token.
    const accepted = await json(null, ['invitations', 'accept', decision.invitation.token, '--name', 'New Org Admin']);
    assert.ok(accepted.token);
    assert.equal(accepted.user.email, body.contact_email);
    const me = await json(accepted.token, ['me']);
    assert.equal(me.org.slug, decision.org.slug);
    assert.equal(me.org.name, name);
    assert.equal(me.org.status, 'member');
    assert.equal(me.user.role, 'org-admin');
    const reused = await run(null, ['invitations', 'accept', decision.invitation.token, '--name', 'Someone Else']);
    assert.equal(reused.code, 1);
    assert.match(reused.stderr, /^accord: 409 INVITATION_USED: /);

    // The new signatory is public, with the pledges it applied with, and the decision is audited.
    const profile = await json(null, ['signatories', 'show', decision.org.slug]);
    assert.deepEqual(profile, await get(null, `/api/v1/signatories/${decision.org.slug}`));
    const audit = await json(admin, ['audit', '--type', 'application.admitted', '--subject', id]);
    assert.equal(audit.items.length, 1);
    assert.equal(audit.items[0].subject_id, id);
    const listed = await json(admin, ['applications', 'list', '--status', 'admitted']);
    assert.ok(listed.items.some((a: { id: string }) => a.id === id));
  });

  test('applications: submit from stdin, reject with a reason', async () => {
    const { body } = await applicationFile(`CLI Reject ${uniq()}`);
    const submitted = await json(null, ['applications', 'submit', '-'], JSON.stringify(body));
    const rejected = await json(admin, ['applications', 'reject', submitted.id, '--reason', 'Not a fit (CLI test).']);
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.decision_reason, 'Not a fit (CLI test).');
    assert.equal((await get(admin, `/api/v1/applications/${submitted.id}`)).application.status, 'rejected');
    const list = await json(admin, ['applications', 'list', '--status', 'rejected', '--limit', '50']);
    assert.deepEqual(list, await get(admin, '/api/v1/applications?status=rejected&limit=50'));
    assert.ok(list.items.some((a: { id: string }) => a.id === submitted.id));
    // A reason is required.
    const noReason = await run(admin, ['applications', 'reject', submitted.id]);
    assert.equal(noReason.code, 2, 'a missing required option is a usage error');
    assert.match(noReason.stderr, /--reason/);
  });

  test('orgs: create, show, update, status, list; pledges create, endorse, withdraw', async () => {
    const slug = `cli-org-${uniq()}`;
    // Not a member, so the set of voters stays the demo's.
    const created = await json(admin, ['orgs', 'create', slug, '--name', 'CLI Test Org', '--status', 'applicant', '--country', 'NL', '--size-band', '1-49']);
    assert.equal(created.slug, slug);
    assert.equal(created.status, 'applicant');
    assert.equal(created.size_band, '1-49');
    assert.deepEqual(await json(admin, ['orgs', 'show', slug]), await get(admin, `/api/v1/orgs/${slug}`));

    const updated = await json(admin, ['orgs', 'update', slug, '--sector', 'Testing', '--website', 'https://cli-org.example', '--description', 'Made by the CLI test']);
    assert.equal(updated.sector, 'Testing');
    assert.equal((await get(admin, `/api/v1/orgs/${slug}`)).website, 'https://cli-org.example');

    const suspended = await json(admin, ['orgs', 'status', slug, 'suspended', '--reason', 'CLI test']);
    assert.equal(suspended.status, 'suspended');
    const list = await json(admin, ['orgs', 'list', '--status', 'suspended']);
    assert.ok(list.items.some((o: { slug: string }) => o.slug === slug));
    assert.deepEqual(list, await get(admin, '/api/v1/orgs?status=suspended&limit=100'));
    const events = await json(admin, ['audit', '--type', 'org.status_changed', '--subject', created.id]);
    assert.equal(events.items[0]?.reason, 'CLI test');

    // A new pledge, endorsed and withdrawn by a demo signatory's own org-admin.
    const pledge = `cli-pledge-${uniq()}`;
    const p = await json(admin, ['pledges', 'create', pledge, '--title', 'CLI pledge', '--description', 'A pledge made by the CLI test.']);
    assert.equal(p.slug, pledge);
    assert.ok((await get(null, '/api/v1/pledges')).items.some((x: { slug: string }) => x.slug === pledge));
    const { org, token } = orgAdmins[1]!;
    const pledgesOf = async () => (await get(null, `/api/v1/signatories/${org}`)).pledges.map((x: { slug: string }) => x.slug) as string[];
    assert.deepEqual(await json(token, ['orgs', 'endorse', org, pledge]), { ok: true });
    assert.ok((await pledgesOf()).includes(pledge));
    assert.deepEqual(await json(token, ['orgs', 'withdraw', org, pledge, '--reason', 'CLI test']), { ok: true });
    assert.ok(!(await pledgesOf()).includes(pledge));
    const text = await run(token, ['orgs', 'endorse', org, pledge]);
    assert.equal(text.stdout, `${org} endorses ${pledge}\n`);

    // Another organisation's org-admin cannot touch it.
    const other = await run(orgAdmins[2]!.token, ['orgs', 'update', org, '--sector', 'Hijacked']);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^accord: 403 /);
  });

  test('keys: add a PEM public key, list it publicly, revoke it', async () => {
    const { org, token } = orgAdmins[0]!;
    const pem = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const file = join(tmp.path, `key-${uniq()}.pem`);
    writeFileSync(file, pem);
    const key = await json(token, ['keys', 'add', org, file, '--name', 'CLI release key']);
    assert.equal(key.name, 'CLI release key');
    assert.match(key.algorithm, /ed25519/i);
    const listed = await json(null, ['keys', 'list', org]);
    assert.deepEqual(listed, await get(null, `/api/v1/orgs/${org}/keys`));
    assert.ok(listed.items.some((k: { id: string; revoked_at: string | null }) => k.id === key.id && k.revoked_at === null));
    const revoked = await json(token, ['keys', 'revoke', org, key.id, '--reason', 'rotated']);
    assert.ok(revoked.revoked_at);
    const after = (await get(null, `/api/v1/orgs/${org}/keys`)).items.find((k: { id: string }) => k.id === key.id);
    assert.ok(after.revoked_at);
    // Not a key: a clear 400.
    writeFileSync(file, 'not a pem');
    const bad = await run(token, ['keys', 'add', org, file, '--name', 'junk']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^accord: 400 KEY_INVALID: /);
  });

  test('invitations and users: create, list, revoke, accept; update role; disable', async () => {
    const { org, token } = orgAdmins[2]!;
    const email = `analyst-${uniq()}@cli-test.example`;
    const revokedInv = await json(token, ['invitations', 'create', org, `revoked-${email}`, '--role', 'viewer', '--days', '3']);
    assert.ok(revokedInv.token);
    assert.equal(revokedInv.invitation.role, 'viewer');
    const r = await json(token, ['invitations', 'revoke', revokedInv.invitation.id]);
    assert.ok(r.revoked_at);
    const refused = await run(null, ['invitations', 'accept', revokedInv.token, '--name', 'Too Late']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^accord: 4\d\d [A-Z_]+: /);

    const inv = await json(token, ['invitations', 'create', org, email, '--role', 'analyst']);
    const list = await json(token, ['invitations', 'list', org]);
    assert.deepEqual(list, await get(token, `/api/v1/orgs/${org}/invitations`));
    assert.ok(list.items.some((i: { id: string }) => i.id === inv.invitation.id));
    assert.ok(!JSON.stringify(list).includes(inv.token), 'lists never show invitation secrets');

    const accepted = await json(null, ['invitations', 'accept', inv.token, '--name', 'CLI Analyst']);
    const users = await json(token, ['users', 'list', org]);
    assert.deepEqual(users, await get(token, `/api/v1/orgs/${org}/users`));
    const user = users.items.find((u: { email: string }) => u.email === email);
    assert.equal(user.role, 'analyst');
    assert.equal(user.id, accepted.user.id);

    const promoted = await json(token, ['users', 'update', user.id, '--role', 'psirt', '--name', 'CLI PSIRT']);
    assert.equal(promoted.role, 'psirt');
    assert.equal((await get(token, `/api/v1/users/${user.id}`)).name, 'CLI PSIRT');
    assert.equal((await json(accepted.token, ['me'])).user.role, 'psirt');

    const disabled = await json(token, ['users', 'update', user.id, '--disable']);
    assert.ok(disabled.disabled_at);
    const locked = await run(accepted.token, ['me']);
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /^accord: 401 /);
    const enabled = await json(token, ['users', 'update', user.id, '--enable']);
    assert.equal(enabled.disabled_at, null);
    assert.equal((await json(accepted.token, ['me'])).user.id, user.id);
  });

  test('tokens: create, list (never secrets), revoke; a revoked token fails with 401', async () => {
    const base = orgAdmins[3]!.token;
    const created = await json(base, ['tokens', 'create', 'cli-test', '--days', '30']);
    assert.ok(created.token);
    assert.equal(created.token_info.name, 'cli-test');
    assert.ok(created.token_info.expires_at);
    const fresh = created.token as string;
    assert.equal((await json(fresh, ['me'])).user.id, (await json(base, ['me'])).user.id, 'the token acts as its user');

    const list = await json(fresh, ['tokens', 'list']);
    // last_used_at moves with use (coarsely), so compare everything else.
    const stable = (l: { items: Record<string, unknown>[] }) => l.items.map(({ last_used_at: _, ...t }) => t);
    assert.deepEqual(stable(list), stable(await get(fresh, '/api/v1/tokens')));
    assert.ok(list.items.some((t: { id: string }) => t.id === created.token_info.id));
    assert.ok(!JSON.stringify(list).includes(fresh), 'the list never shows a secret');

    const revoked = await json(base, ['tokens', 'revoke', created.token_info.id]);
    assert.ok(revoked.revoked_at);
    const me = await run(fresh, ['me']);
    assert.equal(me.code, 1);
    assert.equal(me.stdout, '');
    assert.match(me.stderr, /^accord: 401 TOKEN_INVALID: .+/);
    assert.equal((await api(srv.url, fresh, 'GET', '/api/v1/me')).status, 401);
    // The base token still works.
    assert.equal((await run(base, ['me'])).code, 0);
  });

  describe('errors', () => {
    test('an API error prints `accord: <status> <CODE>: <detail>` and field errors, exit 1', async () => {
      const r = await run(admin, ['tokens', 'create', 'x', '--days', '0']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^accord: 400 VALIDATION_FAILED: .+\n {2}\/expires_in_days: .+\n$/);

      // Several field problems from the domain's own checks, one per line.
      const { body } = await applicationFile('x');
      const file = join(tmp.path, `bad-${uniq()}.json`);
      writeFileSync(file, JSON.stringify({ ...body, contact_email: 'not-an-email', website: 'ftp://nope', pledges: ['no-such-pledge'] }));
      const bad = await run(null, ['applications', 'submit', file]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^accord: 400 VALIDATION_FAILED: /);
      for (const field of ['/contact_email', '/website', '/pledges/0']) assert.match(bad.stderr, new RegExp(`\\n {2}${field}: `), bad.stderr);
    });

    test('404, 403 and 401 carry their codes', async () => {
      const cases: [string | null, string[], RegExp][] = [
        [admin, ['orgs', 'show', 'no-such-org'], /^accord: 404 ORG_NOT_FOUND: .+/],
        [admin, ['applications', 'show', '00000000-0000-4000-8000-000000000000'], /^accord: 404 APPLICATION_NOT_FOUND: .+/],
        [orgAdmins[0]!.token, ['orgs', 'list'], /^accord: 403 FORBIDDEN: .+/],
        [null, ['me'], /^accord: 401 AUTH_REQUIRED: .+/],
        ['accord_not-a-real-token-0123456789abcdef', ['me'], /^accord: 401 TOKEN_INVALID: .+/],
      ];
      await mapLimit(cases, 3, async ([token, args, re]) => {
        const r = await run(token, args);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re);
      });
    });

    test('no server, a bad server URL, or an unreachable server: a clear message, exit 1', async () => {
      const none = await cli(['me']);
      assert.equal(none.code, 1);
      assert.equal(none.stderr, 'accord: No server: pass --server URL or set ACCORD_SERVER.\n');
      const notUrl = await cli(['--server', 'not a url', 'me']);
      assert.equal(notUrl.code, 1);
      assert.match(notUrl.stderr, /^accord: --server must be a URL/);
      const ftp = await cli(['--server', 'ftp://127.0.0.1/', 'me']);
      assert.equal(ftp.code, 1);
      assert.match(ftp.stderr, /^accord: --server must be an http or https URL/);
      // A port that was free a moment ago: nothing listens there.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));
      const down = await cli(['--server', `http://127.0.0.1:${port}`, 'signatories', 'list']);
      assert.equal(down.code, 1);
      assert.match(down.stderr, new RegExp(`^accord: Cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    });

    test('local mistakes: a file that is not JSON, a bad number, a missing argument', async () => {
      const file = join(tmp.path, 'not-json.txt');
      writeFileSync(file, '{ nope');
      const notJson = await run(null, ['applications', 'submit', file]);
      assert.equal(notJson.code, 1);
      assert.match(notJson.stderr, /^accord: .*not valid JSON/);
      const missing = await run(null, ['applications', 'submit', join(tmp.path, 'missing.json')]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^accord: .*(ENOENT|no such file)/i);
      const nan = await run(admin, ['audit', '--limit', 'lots']);
      assert.equal(nan.code, 2, 'a bad option value is a usage error');
      assert.match(nan.stderr, /--limit must be a whole number/);
      const noArg = await run(admin, ['orgs', 'show']);
      assert.equal(noArg.code, 2);
      assert.match(noArg.stderr, /missing required argument/);
    });
  });

  test('table output (without --json) has headers and rows', async () => {
    const table = async (token: string | null, args: string[], headers: string[], rowText?: string) => {
      const r = await run(token, args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      const [head, ...rows] = r.stdout.trimEnd().split('\n');
      assert.deepEqual(head!.split(/\s{2,}/), headers, `${args.join(' ')} header: ${head}`);
      assert.ok(rows.length > 0, `${args.join(' ')} has rows`);
      if (rowText) assert.ok(rows.some((l) => l.includes(rowText)), `${args.join(' ')} lists ${rowText}:\n${r.stdout}`);
      assert.throws(() => JSON.parse(r.stdout), SyntaxError, 'not JSON');
    };
    const org = orgAdmins[0]!;
    await mapLimit(
      [
        () => table(admin, ['orgs', 'list'], ['SLUG', 'NAME', 'KIND', 'STATUS', 'COUNTRY', 'JOINED_AT'], org.org),
        () => table(null, ['signatories', 'list'], ['SLUG', 'NAME', 'COUNTRY', 'SECTOR', 'SIZE_BAND', 'JOINED_AT', 'CVD_POLICY_URL', 'PLEDGES'], org.org),
        () => table(admin, ['applications', 'list'], ['ID', 'ORG_NAME', 'COUNTRY', 'STATUS', 'SUBMITTED_AT', 'VOTING_CLOSES_AT']),
        () => table(admin, ['tokens', 'list'], ['ID', 'NAME', 'PREFIX', 'CREATED_AT', 'EXPIRES_AT', 'LAST_USED_AT', 'REVOKED_AT'], 'init'),
        () => table(org.token, ['users', 'list', org.org], ['ID', 'EMAIL', 'NAME', 'ROLE', 'CREATED_AT', 'DISABLED_AT'], 'org-admin'),
        () => table(null, ['pledges', 'list'], ['SLUG', 'TITLE', 'KIND', 'CREATED_AT'], 'strong-defense'),
        () => table(admin, ['audit', '--limit', '5'], ['ID', 'AT', 'TYPE', 'SUBJECT_TYPE', 'SUBJECT_ID', 'ACTOR_USER_ID', 'REASON']),
      ],
      3,
      (f) => f(),
    );
    // One object prints as `key  value` lines.
    const me = await run(admin, ['me']);
    assert.equal(me.code, 0);
    assert.match(me.stdout, /^user\s+admin@secretariat\.invalid$/m);
    assert.match(me.stdout, /^role\s+admin$/m);
    assert.match(me.stdout, /^org\s+secretariat$/m);
  });
});
