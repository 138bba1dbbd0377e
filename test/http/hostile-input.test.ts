/**
 * A table of hostile inputs against every endpoint that takes input. Each
 * must be answered with a 4xx problem+json (or accepted, where the input is
 * odd but valid) — never a 5xx — and a refused request must change nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applicationBody, demoToken, startHarness, type Harness } from './harness.js';

interface Target {
  method: string;
  url: string;
  as: 'admin' | 'org-admin' | 'anonymous';
  body?: Record<string, unknown>;
}

const HUGE = 'x'.repeat(100_000);
const WRONG_VALUES: unknown[] = [123, -1.5, true, [], [1, 2], {}, { nested: { deep: [] } }, null, HUGE, '', ' ', '\u0000', '\u202e\u0041dmin', '😀'.repeat(50)];
const BAD_URLS = ['javascript:alert(1)', 'ftp://example.com/x', 'http://user:pw@example.com/', 'not a url', 'https://' + 'a'.repeat(3000) + '.example'];
const BAD_EMAILS = ['plainaddress', '@no-local.example', 'a@b', 'a@@b.example', 'a b@c.example', '<script>@x.example'];
const RAW_BODIES = ['{"a":', '[]', '"string"', 'null', '123', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000\u0001', '{'.repeat(10_000)];
const BAD_IDS = ['..%2F..%2Fetc%2Fpasswd', 'a'.repeat(1000), '%00', "1'%20OR%20'1'='1", '%F0%9F%98%80', '-', '..'];
const BAD_QUERIES = ['limit=-1', 'limit=abc', 'limit=100000', 'limit=1&limit=2', "after=';DROP%20TABLE%20orgs;--", 'cursor=garbage', 'cursor=' + 'A'.repeat(1000), 'status=bogus', 'year=abc', 'year=1', 'before=0', 'unknown=1'];

describe('hostile input never yields a 5xx or a partial write', () => {
  let h: Harness;
  let tokens: Record<Target['as'], string | null>;
  let targets: Target[];
  let refused = 0;
  let accepted = 0;

  before(async () => {
    h = await startHarness();
    tokens = { admin: h.init.admin_token, 'org-admin': demoToken(h.init, 'demo-northwind'), anonymous: null };
    const votingId = h.init.demo!.voting_application_id;
    const pendingId = h.init.demo!.pending_application_id;
    targets = [
      { method: 'POST', url: '/api/v1/applications', as: 'anonymous', body: applicationBody() },
      { method: 'POST', url: '/api/v1/invitations/accept', as: 'anonymous', body: { token: 'accinv_x', name: 'N' } },
      { method: 'POST', url: '/api/v1/tokens', as: 'admin', body: { name: 'n', expires_in_days: 5 } },
      { method: 'POST', url: '/api/v1/orgs', as: 'admin', body: { slug: 'hostile-org', name: 'H', country: 'DE', website: 'https://h.example' } },
      { method: 'PATCH', url: '/api/v1/orgs/demo-northwind', as: 'org-admin', body: { website: 'https://n.example', cvd_policy_url: 'https://n.example/cvd', psirt_contact: 'psirt@n.example' } },
      { method: 'POST', url: '/api/v1/orgs/demo-tailspin/status', as: 'admin', body: { status: 'suspended', reason: 'r' } },
      { method: 'POST', url: '/api/v1/orgs/demo-northwind/keys', as: 'org-admin', body: { name: 'k', public_key: 'not a key' } },
      { method: 'POST', url: '/api/v1/orgs/demo-northwind/invitations', as: 'org-admin', body: { email: 'someone@n.example', role: 'viewer', expires_in_days: 3 } },
      { method: 'POST', url: '/api/v1/pledges', as: 'admin', body: { slug: 'hostile-pledge', title: 't', description: 'd' } },
      { method: 'PUT', url: '/api/v1/voting-rule', as: 'admin', body: { sponsors_needed: 1, quorum: 0.5, majority: 0.5, voting_days: 14 } },
      { method: 'POST', url: `/api/v1/applications/${votingId}/votes`, as: 'org-admin', body: { choice: 'no', reason: 'r' } },
      { method: 'POST', url: `/api/v1/applications/${pendingId}/reject`, as: 'admin', body: { reason: 'r' } },
      { method: 'POST', url: `/api/v1/applications/${pendingId}/open-vote`, as: 'admin', body: { reason: 'r' } },
      { method: 'POST', url: `/api/v1/applications/${votingId}/close`, as: 'admin', body: { reason: 'r' } },
    ];
  });
  after(() => h.close());

  async function lastAuditId(): Promise<number> {
    return (await h.ctx.store.registry.listAudit({ limit: 1 }))[0]?.id ?? 0;
  }

  /** Sends one request and checks the invariants; returns the status. */
  async function probe(t: Target, init: { url?: string; payload?: string; body?: unknown; contentType?: string }): Promise<number> {
    const before = await lastAuditId();
    const headers: Record<string, string> = {};
    if (init.contentType) headers['content-type'] = init.contentType;
    else if (init.payload !== undefined) headers['content-type'] = 'application/json';
    const res = await h.call(t.method, init.url ?? t.url, { token: tokens[t.as], headers, ...(init.payload !== undefined ? { payload: init.payload } : { body: init.body }) });
    const where = `${t.method} ${(init.url ?? t.url).slice(0, 120)} ${String(init.payload ?? JSON.stringify(init.body) ?? '').slice(0, 120)}`;
    assert.ok(res.statusCode < 500, `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400) {
      refused++;
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, where);
      const p = res.json();
      assert.equal(p.status, res.statusCode, where);
      assert.equal(typeof p.code, 'string', where);
      assert.equal(typeof p.detail, 'string', where);
      assert.equal(await lastAuditId(), before, `${where}: a refused request changed state`);
    } else {
      accepted++;
      if (process.env.HOSTILE_DEBUG) process.stderr.write(`accepted ${res.statusCode}: ${where}\n`);
    }
    return res.statusCode;
  }

  it('wrong types, unknown fields and junk in every field', async () => {
    for (const t of targets) {
      await probe(t, { body: { ...t.body, unexpected_field: 'x' } });
      for (const key of Object.keys(t.body ?? {})) {
        for (const v of WRONG_VALUES) await probe(t, { body: { ...t.body, [key]: v } });
        const without = { ...t.body };
        delete without[key];
        await probe(t, { body: without });
      }
    }
  });

  it('malformed and non-object JSON, wrong media types, oversized bodies', async () => {
    for (const t of targets) {
      for (const raw of RAW_BODIES) assert.ok((await probe(t, { payload: raw })) >= 400);
      assert.equal(await probe(t, { payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' }), 415, `${t.method} ${t.url}`);
      assert.equal(await probe(t, { payload: JSON.stringify(t.body), contentType: 'text/plain' }), 415);
      assert.equal(await probe(t, { payload: JSON.stringify({ ...t.body, pad: 'x'.repeat(2 * 1024 * 1024) }) }), 413);
    }
  });

  it('invalid URLs and e-mail addresses in the fields that take them', async () => {
    const urlFields: [number, string][] = [[0, 'website'], [0, 'cvd_policy_url'], [0, 'security_txt_url'], [3, 'website'], [4, 'cvd_policy_url'], [4, 'website']];
    for (const [i, field] of urlFields) {
      for (const bad of BAD_URLS) {
        const status = await probe(targets[i]!, { body: { ...targets[i]!.body, [field]: bad } });
        assert.equal(status, 400, `${field}=${bad.slice(0, 40)}`);
      }
    }
    for (const bad of BAD_EMAILS) {
      assert.equal(await probe(targets[0]!, { body: { ...targets[0]!.body, contact_email: bad } }), 400, bad);
      assert.equal(await probe(targets[7]!, { body: { ...targets[7]!.body, email: bad } }), 400, bad);
      assert.equal(await probe(targets[4]!, { body: { psirt_contact: bad } }), 400, bad);
    }
  });

  it('hostile path parameters and query strings', async () => {
    const getters = [
      '/api/v1/signatories/{}', '/api/v1/orgs/{}', '/api/v1/orgs/{}/users', '/api/v1/orgs/{}/keys', '/api/v1/users/{}', '/api/v1/applications/{}',
    ];
    for (const g of getters) {
      for (const id of BAD_IDS) await probe({ method: 'GET', url: '', as: 'admin' }, { url: g.replace('{}', id) });
    }
    for (const id of BAD_IDS) {
      await probe({ method: 'POST', url: '', as: 'admin' }, { url: `/api/v1/applications/${id}/close`, body: {} });
      await probe({ method: 'DELETE', url: '', as: 'admin' }, { url: `/api/v1/tokens/${id}` });
      await probe({ method: 'PUT', url: '', as: 'admin' }, { url: `/api/v1/orgs/demo-northwind/pledges/${id}` });
    }
    for (const path of ['/api/v1/signatories', '/api/v1/orgs', '/api/v1/applications', '/api/v1/audit', '/api/v1/progress', '/api/v1/progress.csv']) {
      for (const q of BAD_QUERIES) await probe({ method: 'GET', url: '', as: 'admin' }, { url: `${path}?${q}` });
    }
  });

  it('malformed Authorization headers get 401, never 500', async () => {
    for (const header of ['Bearer', 'Bearer  ', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'Digest abc', 'Bearer ' + 'a'.repeat(5000), 'Bearer a b c']) {
      const res = await h.call('GET', '/api/v1/me', { headers: { authorization: header } });
      assert.ok([400, 401].includes(res.statusCode), `${header.slice(0, 30)} → ${res.statusCode}`);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    }
  });

  it('made many refusals and no 5xx', () => {
    assert.ok(refused > 500, `refused ${refused}`);
    assert.ok(accepted >= 0);
  });
});

describe('rate limits', () => {
  it('limits public form submissions per address with a 429 problem and Retry-After', async () => {
    const h = await startHarness({ demo: false, env: { ACCORD_PUBLIC_FORM_LIMIT: '3' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await h.call('POST', '/api/v1/applications', { body: applicationBody() })).statusCode);
      assert.deepEqual(codes, [201, 201, 201, 429, 429]);
      const res = await h.call('POST', '/api/v1/applications', { body: applicationBody() });
      assert.equal(res.json().code, 'RATE_LIMITED');
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.ok(Number(res.headers['retry-after']) > 0);
    } finally {
      await h.close();
    }
  });

  it('limits failed authentications per address', async () => {
    const h = await startHarness({ demo: false, env: { ACCORD_AUTH_FAILURE_LIMIT: '5' } });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await h.call('GET', '/api/v1/me', { token: `accord_guess${i}` })).statusCode, 401);
      const blocked = await h.call('GET', '/api/v1/me', { token: h.init.admin_token });
      assert.equal(blocked.statusCode, 429, 'even a right token waits once the address is blocked');
      assert.ok(Number(blocked.headers['retry-after']) > 0);
      // Anonymous public reads are not blocked.
      assert.equal((await h.call('GET', '/api/v1/signatories')).statusCode, 200);
    } finally {
      await h.close();
    }
  });
});
