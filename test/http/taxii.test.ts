import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { demoToken, startHarness, type Harness } from './harness.js';
import { DEFAULT_COLLECTION_ID } from '../../src/context.js';
import { opensCommitment } from '../../src/ledger/commitment.js';
import { intelCommitmentContent } from '../../src/intel/ledger-feed.js';
import { tlpMarkingId } from '../../src/intel/tlp.js';
import { MIN_WORKER_TEXT, sharedPreparePool } from '../../src/intel/prepare-pool.js';
import { deterministicScoId } from '../../src/intel/stix/deterministic-id.js';

const TAXII = 'application/taxii+json;version=2.1';
const OBJECTS = `/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/objects/`;

function indicator(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = '2026-01-02T03:04:05.678Z';
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    pattern: "[ipv4-addr:value = '198.51.100.1']",
    pattern_type: 'stix',
    valid_from: now,
    object_marking_refs: [tlpMarkingId('GREEN')],
    ...overrides,
  };
}

describe('TAXII 2.1', () => {
  let h: Harness;
  let analyst: string;
  let viewerish: string;
  let other: string;
  before(async () => {
    h = await startHarness();
    analyst = demoToken(h.init, 'demo-northwind', 'analyst');
    other = demoToken(h.init, 'demo-fabrikam', 'analyst');
    viewerish = h.init.admin_token;
  });
  after(async () => h.close());

  const get = (url: string, token: string | null = analyst, headers: Record<string, string> = {}) => h.call('GET', url, { token, headers: { accept: TAXII, ...headers } });
  const post = (objects: unknown[], token: string | null = analyst, headers: Record<string, string> = {}) =>
    h.call('POST', OBJECTS, { token, headers: { accept: TAXII, 'content-type': TAXII, ...headers }, payload: JSON.stringify({ objects }) });

  test('discovery and API root answer in TAXII media', async () => {
    const d = await get('/taxii2/', null);
    assert.equal(d.statusCode, 200);
    assert.match(String(d.headers['content-type']), /^application\/taxii\+json;version=2\.1/);
    const doc = d.json() as { api_roots: string[]; default: string };
    assert.ok(doc.api_roots.some((u) => u.endsWith('/taxii2/api/')));
    const r = await get('/taxii2/api/', null);
    assert.equal(r.statusCode, 200);
    assert.deepEqual((r.json() as { versions: string[] }).versions, [TAXII]);
    assert.equal(typeof (r.json() as { max_content_length: number }).max_content_length, 'number');
  });

  test('406 for an Accept without TAXII 2.1, 415 for a body that is not TAXII, both in the §3.6.1 format', async () => {
    const r = await get('/taxii2/', null, { accept: 'text/html' });
    assert.equal(r.statusCode, 406);
    const e = r.json() as { title: string; http_status: string };
    assert.equal(e.http_status, '406');
    assert.ok(e.title);
    const old = await get('/taxii2/', null, { accept: 'application/taxii+json;version=2.0' });
    assert.equal(old.statusCode, 406);
    const p = await post([indicator()], analyst, { 'content-type': 'application/json' });
    assert.equal(p.statusCode, 415);
    assert.equal((p.json() as { http_status: string }).http_status, '415');
    const bad = await h.call('POST', OBJECTS, { token: analyst, headers: { accept: TAXII, 'content-type': TAXII }, payload: '{"objects": [' });
    assert.equal(bad.statusCode, 400);
    assert.match(String(bad.headers['content-type']), /taxii\+json/);
  });

  test('401 with both challenges for anonymous writes; 403 for a role without write; unknown resources are 404', async () => {
    const anon = await post([indicator()], null);
    assert.equal(anon.statusCode, 401);
    assert.match(String(anon.headers['www-authenticate']), /Bearer/);
    assert.match(String(anon.headers['www-authenticate']), /Basic/);
    const bad = await get('/taxii2/api/collections/', 'accord_nope');
    assert.equal(bad.statusCode, 401);
    assert.equal((bad.json() as { http_status: string }).http_status, '401');
    assert.equal((await get('/taxii2/nope/')).statusCode, 404);
    assert.equal((await get(`/taxii2/api/collections/${randomUUID()}/`)).statusCode, 404);
    assert.equal((await get('/taxii2/api/status/nope/')).statusCode, 404);
    assert.equal((await get('/taxii2/api/nothing-here/')).statusCode, 404);
  });

  test('collections show the caller’s rights', async () => {
    const anon = (await get('/taxii2/api/collections/', null)).json() as { collections: { id: string; can_read: boolean; can_write: boolean }[] };
    assert.deepEqual(anon.collections.map((c) => [c.id, c.can_read, c.can_write]), [[DEFAULT_COLLECTION_ID, true, false]]);
    const a = (await get('/taxii2/api/collections/')).json() as { collections: { can_write: boolean; media_types: string[] }[] };
    assert.equal(a.collections[0]!.can_write, true);
    assert.deepEqual(a.collections[0]!.media_types, ['application/stix+json;version=2.1']);
    const one = await get(`/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/`);
    assert.equal((one.json() as { id: string }).id, DEFAULT_COLLECTION_ID);
  });

  test('POST stores valid objects, refuses invalid ones with a reason, and the status says which', async () => {
    const good = indicator();
    const invalid = indicator({ pattern: "[ipv4-addr:value = '1.2.3.4'" });
    const r = await post([good, invalid]);
    assert.equal(r.statusCode, 202);
    const s = r.json() as { id: string; status: string; success_count: number; failure_count: number; failures: { id: string; message: string }[]; total_count: number };
    assert.equal(s.status, 'complete');
    assert.equal(s.total_count, 2);
    assert.equal(s.success_count, 1);
    assert.equal(s.failure_count, 1);
    assert.equal(s.failures[0]!.id, invalid.id);
    assert.match(s.failures[0]!.message, /pattern/);
    const st = await get(`/taxii2/api/status/${s.id}/`);
    assert.equal(st.statusCode, 200);
    assert.equal((st.json() as { success_count: number }).success_count, 1);
    // Someone else's status is not theirs to read.
    assert.equal((await get(`/taxii2/api/status/${s.id}/`, other)).statusCode, 404);
    const g = await get(`${OBJECTS}${good.id}/`);
    assert.equal(g.statusCode, 200);
    assert.equal(((g.json() as { objects: { id: string }[] }).objects[0]!).id, good.id);
    assert.equal((await get(`${OBJECTS}${invalid.id}/`)).statusCode, 404);
  });

  test('re-posting a version is idempotent; a different object under the same version is refused', async () => {
    const o = indicator();
    const first = (await post([o])).json() as { success_count: number };
    assert.equal(first.success_count, 1);
    const again = (await post([o])).json() as { success_count: number; successes: { message?: string }[] };
    assert.equal(again.success_count, 1);
    const changed = (await post([{ ...o, name: 'changed without a new modified' }])).json() as { failure_count: number };
    assert.equal(changed.failure_count, 1);
  });

  test('versions, match[version] and the manifest', async () => {
    const id = `indicator--${randomUUID()}`;
    const v1 = indicator({ id, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', valid_from: '2026-01-01T00:00:00.000Z' });
    const v2 = { ...v1, modified: '2026-01-05T00:00:00.000Z', name: 'second' };
    const v3 = { ...v1, modified: '2026-01-03T00:00:00.000Z', name: 'third, older than the second, arriving last' };
    for (const v of [v1, v2, v3]) assert.equal(((await post([v])).json() as { success_count: number }).success_count, 1);
    const versions = (await get(`${OBJECTS}${id}/versions/`)).json() as { versions: string[] };
    assert.deepEqual([...versions.versions].sort(), ['2026-01-01T00:00:00.000Z', '2026-01-03T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
    const last = (await get(`${OBJECTS}${id}/`)).json() as { objects: { modified: string }[] };
    assert.deepEqual(last.objects.map((o) => o.modified), ['2026-01-05T00:00:00.000Z']);
    const first = (await get(`${OBJECTS}${id}/?match[version]=first`)).json() as { objects: { modified: string }[] };
    assert.deepEqual(first.objects.map((o) => o.modified), ['2026-01-01T00:00:00.000Z']);
    const all = (await get(`${OBJECTS}${id}/?match[version]=all`)).json() as { objects: unknown[] };
    assert.equal(all.objects.length, 3);
    const both = (await get(`${OBJECTS}${id}/?match[version]=first,last`)).json() as { objects: { modified: string }[] };
    assert.deepEqual(both.objects.map((o) => o.modified).sort(), ['2026-01-01T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
    const mixed = (await get(`${OBJECTS}${id}/?match[version]=last,2026-01-03T00:00:00.000Z`)).json() as { objects: { modified: string }[] };
    assert.deepEqual(mixed.objects.map((o) => o.modified).sort(), ['2026-01-03T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
    const exact = (await get(`${OBJECTS}${id}/?match[version]=2026-01-03T00:00:00.000Z`)).json() as { objects: { name: string }[] };
    assert.equal(exact.objects[0]!.name, v3.name);
    const manifest = (await get(`/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/manifest/?match[id]=${id}&match[version]=all`)).json() as {
      objects: { id: string; version: string; date_added: string; media_type: string }[];
    };
    assert.equal(manifest.objects.length, 3);
    assert.match(manifest.objects[0]!.date_added, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.equal(manifest.objects[0]!.media_type, 'application/stix+json;version=2.1');
  });

  test('paging with next visits every object exactly once, with date_added headers', async () => {
    const label = `page-${randomUUID().slice(0, 8)}`;
    const objs = Array.from({ length: 250 }, () => indicator({ labels: [label] }));
    const s = (await post(objs)).json() as { success_count: number };
    assert.equal(s.success_count, 250);
    const seen = new Set<string>();
    let url = `${OBJECTS}?limit=37&match[type]=indicator`;
    let pages = 0;
    let lastAdded = '';
    for (;;) {
      const r = await get(url);
      assert.equal(r.statusCode, 200);
      const env = r.json() as { more: boolean; next?: string; objects?: { id: string }[] };
      const objects = env.objects ?? [];
      if (objects.length > 0) {
        const firstH = String(r.headers['x-taxii-date-added-first']);
        assert.ok(firstH > lastAdded, 'pages move forward in date_added');
        lastAdded = String(r.headers['x-taxii-date-added-last']);
      }
      for (const o of objects) {
        assert.ok(!seen.has(o.id), `${o.id} served twice`);
        seen.add(o.id);
      }
      pages++;
      if (!env.more) break;
      url = `${OBJECTS}?limit=37&match[type]=indicator&next=${encodeURIComponent(env.next!)}`;
    }
    for (const o of objs) assert.ok(seen.has(o.id as string));
    assert.ok(pages >= 7);
    // added_after returns only what came later.
    const later = indicator();
    await post([later]);
    const after = (await get(`${OBJECTS}?added_after=${encodeURIComponent(lastAdded)}`)).json() as { objects: { id: string }[] };
    assert.ok(after.objects.some((o) => o.id === later.id));
    assert.ok(!after.objects.some((o) => o.id === objs[0]!.id));
  });

  test('a big POST keeps exact counts; a detail list is sent only whole (taxii2-client refuses a list shorter than its count)', async () => {
    const objs = Array.from({ length: 2500 }, () => indicator());
    let s = (await post(objs)).json() as { id: string; status: string; total_count: number; success_count: number; pending_count: number; failure_count: number; successes?: unknown[]; pendings?: unknown[]; failures?: unknown[] };
    assert.equal(s.total_count, 2500);
    for (const [list, count] of [
      [s.successes, s.success_count],
      [s.pendings, s.pending_count],
    ] as const) {
      if (count > 1000) assert.equal(list, undefined);
      else assert.equal(list?.length, count);
    }
    await h.ctx.intel.drain();
    s = (await get(`/taxii2/api/status/${s.id}/`)).json() as typeof s;
    assert.equal(s.status, 'complete');
    assert.equal(s.success_count, 2500);
    assert.equal(s.pending_count, 0);
    assert.equal(s.successes, undefined, 'the stored list holds 1,000 of 2,500: not sent');
    assert.deepEqual([s.pendings, s.failures], [[], []], 'whole (empty) lists are sent');
    // Stored, the list still holds the first 1,000 (the console and REST show them).
    assert.equal((await h.ctx.intel.store.getStatus(s.id))?.successes.length, 1000);
  });

  test('a big envelope is parsed on the preparation worker: stored the same, and refusals are 400 in the TAXII format', async () => {
    const pool = sharedPreparePool();
    // The worker starts with the first big batch and takes work once loaded.
    for (let i = 0; i < 100 && !pool.workerReady; i++) {
      await post(Array.from({ length: 100 }, () => indicator()));
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(pool.workerReady, 'the worker loaded');
    await h.ctx.intel.drain();
    const here = pool.preparedHere;
    const objs = Array.from({ length: 300 }, (_, i) => indicator(i === 7 ? { pattern: '[broken' } : {}));
    assert.ok(JSON.stringify({ objects: objs }).length >= MIN_WORKER_TEXT);
    let s = (await post(objs)).json() as { id: string; status: string; total_count: number; success_count: number; failure_count: number; failures: { id: string; message: string }[] };
    assert.equal(s.total_count, 300);
    await h.ctx.intel.drain();
    s = (await get(`/taxii2/api/status/${s.id}/`)).json() as typeof s;
    assert.deepEqual([s.status, s.success_count, s.failure_count, s.failures[0]?.id], ['complete', 299, 1, objs[7]!.id]);
    assert.match(s.failures[0]!.message, /pattern/);
    const got = (await get(`${OBJECTS}?match[id]=${objs[0]!.id as string}`)).json() as { objects: unknown[] };
    assert.deepEqual(got.objects, [objs[0]]);
    assert.equal(pool.preparedHere, here, 'the server thread prepared none of it');
    const pad = ' '.repeat(MIN_WORKER_TEXT);
    for (const [payload, message] of [
      [`{"objects": [${pad}`, 'the body is not valid JSON'],
      [`{"objects": [], "more": false, "stuff": 1}${pad}`, 'is not a property of an envelope'],
      [`{"objects": {}}${pad}`, 'must be a list of STIX objects'],
      [String.raw`{"objects": [{"type": "indicator", "name": "a\u0000b"}]}` + pad, 'must not contain NUL characters'],
    ]) {
      const r = await h.call('POST', OBJECTS, { token: analyst, headers: { accept: TAXII, 'content-type': TAXII }, payload });
      assert.equal(r.statusCode, 400, message);
      const e = r.json() as { http_status: string; details: { errors: { message: string }[] } };
      assert.equal(e.http_status, '400');
      assert.equal(e.details.errors[0]!.message, message);
    }
  });

  test('hostile parameters are 400 in the TAXII format, never 500', async () => {
    for (const q of [
      'next=bogus',
      'next=YzEuOTk5OTk5OTk5OTk5OTk5OTk5OTk5',
      'limit=0',
      'limit=-5',
      'limit=abc',
      'added_after=yesterday',
      'added_after=2026-13-45T00:00:00Z',
      'match[type]=Indicator',
      'match[type]=,,,',
      'match[id]=not-an-id',
      "match[id]=indicator--' OR 1=1 --",
      'match[version]=sometime',
      'match[spec_version]=2.1;DROP',
      'unknown=1',
      `match[type]=${'a'.repeat(5000)}`,
    ]) {
      const r = await get(`${OBJECTS}?${q}`);
      assert.equal(r.statusCode, 400, q);
      assert.equal((r.json() as { http_status: string }).http_status, '400', q);
    }
  });

  test('DELETE: only the author organisation; then the object is gone', async () => {
    const o = indicator();
    await post([o]);
    const del = (token: string) => h.call('DELETE', `${OBJECTS}${o.id}/`, { token, headers: { accept: TAXII } });
    assert.equal((await del(other)).statusCode, 403);
    assert.equal((await del(analyst)).statusCode, 200);
    assert.equal((await get(`${OBJECTS}${o.id}/`)).statusCode, 404);
  });

  test('DELETE takes the version filters as reading does: the latest by default, first, all, instants, spec versions', async () => {
    const id = `indicator--${randomUUID()}`;
    const at = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'];
    await post(at.map((m) => indicator({ id, created: at[0], modified: m })));
    await h.ctx.intel.drain();
    const versions = async () => ((await get(`${OBJECTS}${id}/versions/`)).json() as { versions?: string[] }).versions ?? [];
    const del = (q = '') => h.call('DELETE', `${OBJECTS}${id}/${q}`, { token: analyst, headers: { accept: TAXII } });
    assert.equal((await del('?match[spec_version]=2.0')).statusCode, 404, 'no 2.0 version');
    assert.deepEqual(await versions(), at);
    const r = await del();
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], TAXII, 'the media type exactly as TAXII spells it');
    assert.deepEqual(await versions(), at.slice(0, 3), 'only the latest went');
    assert.equal((await del('?match[version]=first')).statusCode, 200);
    assert.deepEqual(await versions(), at.slice(1, 3));
    // The instant as taxii2-client writes it (trailing zeros dropped) names the stored version.
    assert.equal((await del('?match[version]=2026-02-01T00:00:00Z')).statusCode, 200);
    assert.deepEqual(await versions(), at.slice(2, 3));
    assert.equal((await del('?match[version]=2026-02-01T00:00:00Z')).statusCode, 404, 'gone already');
    assert.equal((await del('?match[version]=all&match[spec_version]=2.1')).statusCode, 200);
    assert.equal((await get(`${OBJECTS}${id}/`)).statusCode, 404);
  });

  test('DELETE by default takes the latest version, not the latest one the caller may read', async () => {
    const id = `indicator--${randomUUID()}`;
    const colleague = demoToken(h.init, 'demo-northwind', 'org-admin');
    await post([indicator({ id, modified: '2026-01-02T03:04:05.678Z' }), indicator({ id, modified: '2026-02-02T03:04:05.678Z', object_marking_refs: [tlpMarkingId('RED')] })]);
    await h.ctx.intel.drain();
    // RED: the author alone reads v2; their colleague reads v1 only.
    assert.deepEqual(((await get(`${OBJECTS}${id}/versions/`, colleague)).json() as { versions: string[] }).versions, ['2026-01-02T03:04:05.678Z']);
    assert.equal((await h.call('DELETE', `${OBJECTS}${id}/`, { token: colleague, headers: { accept: TAXII } })).statusCode, 404);
    assert.deepEqual(((await get(`${OBJECTS}${id}/versions/`)).json() as { versions: string[] }).versions, ['2026-01-02T03:04:05.678Z', '2026-02-02T03:04:05.678Z'], 'nothing was deleted');
  });

  test('an SCO is named by its date_added: in its status once stored, and that version finds and deletes it', async () => {
    const value = `${randomUUID()}.example`;
    const posted = (await post([{ type: 'domain-name', spec_version: '2.1', id: deterministicScoId({ type: 'domain-name', value })!, value }])).json() as { status: string; successes: { id: string; version: string }[] };
    assert.equal(posted.status, 'complete');
    const [{ id, version }] = posted.successes as [{ id: string; version: string }];
    assert.match(version, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.deepEqual(((await get(`${OBJECTS}${id}/versions/`)).json() as { versions: string[] }).versions, [version]);
    for (const url of [`${OBJECTS}${id}/?match[version]=${version}`, `${OBJECTS}?match[id]=${id}&match[version]=${version}`, `${OBJECTS}?match[id]=${id}&match[version]=first,${version}`]) {
      assert.deepEqual(((await get(url)).json() as { objects?: { id: string }[] }).objects?.map((o) => o.id), [id], url);
    }
    assert.equal((await get(`${OBJECTS}${id}/?match[version]=2020-01-01T00:00:00Z`)).statusCode, 404);
    assert.equal((await h.call('DELETE', `${OBJECTS}${id}/?match[version]=${version}`, { token: analyst, headers: { accept: TAXII } })).statusCode, 200);
    assert.equal((await get(`${OBJECTS}${id}/`)).statusCode, 404);
  });

  test('Accept with the version quoted is TAXII 2.1 too', async () => {
    assert.equal((await get('/taxii2/', null, { accept: 'application/taxii+json; version="2.1"' })).statusCode, 200);
    assert.equal((await get('/taxii2/', null, { accept: 'application/taxii+json; version="2.0"' })).statusCode, 406);
  });

  test('413 over the API root’s max_content_length', async () => {
    const root = (await h.ctx.intel.store.getApiRoot('api'))!;
    await h.ctx.intel.store.putApiRoot({ ...root, max_content_length: 2000 });
    try {
      const r = await post(Array.from({ length: 20 }, () => indicator()));
      assert.equal(r.statusCode, 413);
      assert.equal((r.json() as { http_status: string }).http_status, '413');
    } finally {
      await h.ctx.intel.store.putApiRoot(root);
    }
  });

  test('an AMBER object reaches its author organisation and named recipients only; every version is in the ledger', async () => {
    const o = indicator({
      object_marking_refs: [tlpMarkingId('AMBER')],
      extensions: { 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1': { extension_type: 'property-extension', recipients: ['org:demo-contoso-cloud'] } },
    });
    assert.equal(((await post([o])).json() as { success_count: number }).success_count, 1);
    const contoso = demoToken(h.init, 'demo-contoso-cloud', 'analyst');
    assert.equal((await get(`${OBJECTS}${o.id}/`, contoso)).statusCode, 200);
    assert.equal((await get(`${OBJECTS}${o.id}/`, other)).statusCode, 404);
    assert.equal((await get(`${OBJECTS}${o.id}/`, null)).statusCode, 404);
    assert.equal((await get(`${OBJECTS}${o.id}/`, viewerish)).statusCode, 404);
    // Unknown recipients are refused.
    const bad = indicator({
      extensions: { 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1': { extension_type: 'property-extension', recipients: ['org:nobody-here'] } },
    });
    assert.equal(((await post([bad])).json() as { failure_count: number }).failure_count, 1);

    await h.ctx.ledger.integrate();
    const detail = await h.call('GET', `/api/v1/intel/objects/${o.id}`, { token: contoso });
    assert.equal(detail.statusCode, 200);
    const d = detail.json() as { ledger: { index: number; salt: string; kind: string }; object: Record<string, unknown> };
    assert.equal(d.ledger.kind, 'intel');
    const entry = await h.ctx.ledger.entry(d.ledger.index);
    assert.ok(opensCommitment(entry.data, Buffer.from(d.ledger.salt, 'hex'), intelCommitmentContent(JSON.stringify(d.object))));
    assert.ok(!Buffer.from(entry.data).toString().includes('198.51.100.1'), 'the public log never holds AMBER content');
  });
});
