/**
 * The intel REST API (`/api/v1/intel/…`) through the whole HTTP stack: search
 * filters and paging, object detail, sightings, activity, collections (the
 * secretariat's), sharing groups (org-admins', owner only) and what membership
 * does to access, bundle uploads with their status, exports. Each test shares
 * its own objects under a unique label or value, so none depends on another.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { demoToken, startHarness, type Harness } from './harness.js';
import { DEFAULT_COLLECTION_ID } from '../../src/context.js';
import { identityIdOfOrg } from '../../src/intel/identity.js';
import { validateStix } from '../../src/intel/stix.js';
import { deterministicScoId } from '../../src/intel/stix/deterministic-id.js';

const TAXII = 'application/taxii+json;version=2.1';
const SHARING = 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1';
const TLP = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
} as const;

const uniq = () => randomBytes(5).toString('hex');

function indicator(value: string, o: { tlp?: keyof typeof TLP | null; labels?: string[]; id?: string; modified?: string; recipients?: string[]; name?: string } = {}): Record<string, unknown> {
  const modified = o.modified ?? '2026-03-01T10:00:00.000Z';
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: o.id ?? `indicator--${randomUUID()}`,
    created: '2026-03-01T10:00:00.000Z',
    modified,
    name: o.name ?? `API test ${value}`,
    pattern: `[domain-name:value = '${value}']`,
    pattern_type: 'stix',
    valid_from: '2026-03-01T10:00:00.000Z',
    ...(o.labels ? { labels: o.labels } : {}),
    ...(o.tlp === null ? {} : { object_marking_refs: [TLP[o.tlp ?? 'GREEN']] }),
    ...(o.recipients ? { extensions: { [SHARING]: { extension_type: 'property-extension', recipients: o.recipients } } } : {}),
  };
}

/** Asserts an RFC 9457 problem with `status` (and `code`). */
function problem(r: LightMyRequestResponse, status: number, code?: string): { code: string; errors?: { path: string; message: string }[] } {
  assert.equal(r.statusCode, status, r.body.slice(0, 500));
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  const p = r.json();
  assert.equal(p.status, status);
  if (code) assert.equal(p.code, code, r.body);
  return p;
}

describe('intel REST API', () => {
  let h: Harness;
  let nw: string;
  let nwAdmin: string;
  let co: string;
  let coAdmin: string;
  let fa: string;
  let ts: string;
  let tsAdmin: string;
  let admin: string;
  let viewer: string;
  const orgIds: Record<string, string> = {};

  before(async () => {
    h = await startHarness();
    nw = demoToken(h.init, 'demo-northwind', 'analyst');
    nwAdmin = demoToken(h.init, 'demo-northwind');
    co = demoToken(h.init, 'demo-contoso-cloud', 'analyst');
    coAdmin = demoToken(h.init, 'demo-contoso-cloud');
    fa = demoToken(h.init, 'demo-fabrikam', 'analyst');
    ts = demoToken(h.init, 'demo-tailspin', 'analyst');
    tsAdmin = demoToken(h.init, 'demo-tailspin');
    admin = h.init.admin_token;
    for (const slug of ['demo-northwind', 'demo-contoso-cloud', 'demo-fabrikam', 'demo-tailspin']) orgIds[slug] = (await h.call('GET', `/api/v1/orgs/${slug}`, { token: admin })).json().id;
    // A viewer (no write grant anywhere), invited the ordinary way.
    const inv = await h.call('POST', '/api/v1/orgs/demo-northwind/invitations', { token: nwAdmin, body: { email: `viewer-${uniq()}@demo-northwind.example`, role: 'viewer' } });
    assert.equal(inv.statusCode, 201, inv.body);
    const acc = await h.call('POST', '/api/v1/invitations/accept', { body: { token: inv.json().token, name: 'Viewer' } });
    assert.equal(acc.statusCode, 201, acc.body);
    viewer = acc.json().token;
  });
  after(async () => h.close());

  const get = (token: string | null, url: string) => h.call('GET', url, { token });
  const share = async (token: string, objects: unknown[], collection = DEFAULT_COLLECTION_ID) => {
    const r = await h.call('POST', `/taxii2/api/collections/${collection}/objects/`, { token, headers: { accept: TAXII, 'content-type': TAXII }, payload: JSON.stringify({ objects }) });
    assert.equal(r.statusCode, 202, r.body);
    const s = r.json();
    assert.equal(s.failure_count, 0, r.body);
    assert.equal(s.success_count, objects.length);
    return s;
  };
  type Item = { id: string; type: string; tlp: string; date_added: string; version: string; author_org_id: string; collection_id: string; object: Record<string, any> };
  const search = async (token: string | null, query: string): Promise<{ items: Item[]; next: string | null }> => {
    const r = await get(token, `/api/v1/intel/objects?${query}`);
    assert.equal(r.statusCode, 200, `${query}: ${r.body.slice(0, 300)}`);
    return r.json();
  };
  const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id).sort();

  describe('search', () => {
    test('q is an exact, case-insensitive lookup of a value', async () => {
      const value = `CaseTest-${uniq()}.Example`;
      const o = indicator(value);
      await share(nw, [o]);
      for (const q of [value, value.toLowerCase(), value.toUpperCase(), ` ${value} `]) assert.deepEqual(ids(await search(co, `q=${encodeURIComponent(q)}`)), [o.id], q);
      for (const q of [value.slice(0, -3), `x${value}`, value.split('.')[0]!]) assert.deepEqual(ids(await search(co, `q=${encodeURIComponent(q)}`)), [], `${q} is not a prefix search`);
      // An SCO's own value is found the same way.
      const sco: Record<string, unknown> = { type: 'domain-name', spec_version: '2.1', value: `sco-${uniq()}.example`, object_marking_refs: [TLP.GREEN] };
      sco.id = deterministicScoId(sco);
      await share(nw, [sco]);
      assert.deepEqual(ids(await search(co, `q=${encodeURIComponent(String(sco.value).toUpperCase())}`)), [sco.id]);
    });

    test('label, type, author, TLP and collection filters', async () => {
      const label = `lab-${uniq()}`;
      const nGreen = indicator(`a-${label}.example`, { labels: [label] });
      const nAmber = indicator(`b-${label}.example`, { labels: [label, 'second'], tlp: 'AMBER' });
      const malware = { type: 'malware', spec_version: '2.1', id: `malware--${randomUUID()}`, created: '2026-03-01T10:00:00.000Z', modified: '2026-03-01T10:00:00.000Z', name: 'M', is_family: true, labels: [label], object_marking_refs: [TLP.GREEN] };
      await share(nw, [nGreen, nAmber, malware]);
      const cGreen = indicator(`c-${label}.example`, { labels: [label] });
      await share(co, [cGreen]);
      const mine = [nGreen.id, nAmber.id, malware.id, cGreen.id] as string[];

      assert.deepEqual(ids(await search(nw, `label=${label}`)), [...mine].sort());
      assert.deepEqual(ids(await search(nw, `label=${label.toUpperCase()}`)), [...mine].sort(), 'labels ignore case');
      // Contoso may not read northwind's AMBER.
      assert.deepEqual(ids(await search(co, `label=${label}`)), [nGreen.id, malware.id, cGreen.id].sort());
      assert.deepEqual(ids(await search(nw, `label=${label}&type=indicator`)), [nGreen.id, nAmber.id, cGreen.id].sort());
      assert.deepEqual(ids(await search(nw, `label=${label}&type=malware,report`)), [malware.id]);
      assert.deepEqual(ids(await search(nw, `label=${label}&author=demo-contoso-cloud`)), [cGreen.id]);
      assert.deepEqual(ids(await search(nw, `label=${label}&author=demo-northwind`)), [nGreen.id, nAmber.id, malware.id].sort());
      assert.deepEqual(ids(await search(nw, `label=${label}&author=no-such-org`)), []);
      assert.deepEqual(ids(await search(nw, `label=${label}&tlp=AMBER`)), [nAmber.id]);
      assert.deepEqual(ids(await search(nw, `label=${label}&tlp=tlp:amber`)), [nAmber.id], 'TLP names are read like people write them');
      assert.deepEqual(ids(await search(nw, `label=${label}&tlp=GREEN,AMBER`)), [...mine].sort());
      assert.deepEqual(ids(await search(nw, `label=${label}&collection=${DEFAULT_COLLECTION_ID}`)), [...mine].sort());
      assert.deepEqual(ids(await search(nw, `label=${label}&collection=${randomUUID()}`)), []);
      const item = (await search(nw, `label=${label}&tlp=AMBER`)).items[0]!;
      assert.equal(item.tlp, 'AMBER');
      assert.equal(item.author_org_id, orgIds['demo-northwind']);
      assert.equal(item.collection_id, DEFAULT_COLLECTION_ID);
      assert.equal(item.object.name, nAmber.name);
      // ref: what points at an object.
      const rel = { type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: '2026-03-01T10:00:00.000Z', modified: '2026-03-01T10:00:00.000Z', relationship_type: 'indicates', source_ref: nGreen.id, target_ref: malware.id, object_marking_refs: [TLP.GREEN] };
      await share(nw, [rel]);
      assert.deepEqual(ids(await search(co, `ref=${malware.id}`)), [rel.id]);
    });

    test('a date range on date_added, as timestamps or whole days', async () => {
      const label = `day-${uniq()}`;
      const objs = [0, 1, 2].map((i) => indicator(`${i}-${label}.example`, { labels: [label] }));
      for (const o of objs) await share(nw, [o]);
      const all = (await search(nw, `label=${label}`)).items;
      assert.deepEqual(all.map((i) => i.id), [...objs].reverse().map((o) => o.id), 'newest first');
      const [d3, d2, d1] = all.map((i) => i.date_added) as [string, string, string];
      assert.ok(d1 < d2 && d2 < d3);
      const q = (range: string) => search(nw, `label=${label}&${range}`).then((p) => p.items.map((i) => i.date_added));
      assert.deepEqual(await q(`from=${d2}`), [d3, d2]);
      assert.deepEqual(await q(`to=${d2}`), [d2, d1]);
      assert.deepEqual(await q(`from=${d2}&to=${d2}`), [d2]);
      const day = d1.slice(0, 10);
      const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      assert.deepEqual(await q(`from=${day}`), [d3, d2, d1]);
      assert.deepEqual(await q(`to=${dayBefore}`), []);
      assert.deepEqual(await q(`from=${new Date(Date.parse(`${d3.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}`), []);
      problem(await get(nw, '/api/v1/intel/objects?from=yesterday'), 400, 'VALIDATION_FAILED');
      problem(await get(nw, '/api/v1/intel/objects?to=2026-02-30'), 400, 'VALIDATION_FAILED');
    });

    test('cursor paging is newest first and never repeats or skips', async () => {
      const label = `page-${uniq()}`;
      const objs = Array.from({ length: 23 }, (_, i) => indicator(`${i}.${label}.example`, { labels: [label] }));
      await share(nw, objs.slice(0, 10));
      await share(nw, objs.slice(10));
      const seen: string[] = [];
      let last = '9999';
      let cursor: string | null = null;
      let pages = 0;
      do {
        const p = await search(co, `label=${label}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(p.items.length <= 5);
        for (const i of p.items) {
          assert.ok(!seen.includes(i.id), `${i.id} on two pages`);
          assert.ok(i.date_added < last, 'strictly newest first');
          last = i.date_added;
          seen.push(i.id);
        }
        cursor = p.next;
        pages++;
        // Objects shared while paging never disturb it: they are newer than the cursor.
        if (pages === 2) await share(nw, [indicator(`late.${label}.example`, { labels: [label] })]);
      } while (cursor !== null && pages < 20);
      assert.equal(pages, 5);
      assert.deepEqual([...seen].sort(), objs.map((o) => o.id as string).sort());
    });

    test('bad parameters are problem+json 400', async () => {
      for (const q of ['q=a&label=b', 'tlp=PURPLE', 'limit=0', 'limit=501', 'limit=x', 'cursor=bogus', 'cursor=YzEuLTE', 'unknown=1', `q=${'a'.repeat(501)}`, `type=${'a,'.repeat(400)}`]) {
        problem(await get(nw, `/api/v1/intel/objects?${q}`), 400, 'VALIDATION_FAILED');
      }
    });
  });

  test('object detail: the latest version, every version oldest first, what refers to it, its ledger entry', async () => {
    const id = `indicator--${randomUUID()}`;
    const value = `detail-${uniq()}.example`;
    const v1 = indicator(value, { id, modified: '2026-03-01T10:00:00.000Z', name: 'first' });
    const v2 = indicator(value, { id, modified: '2026-03-02T10:00:00.000Z', name: 'second' });
    await share(nw, [v2]);
    await share(nw, [v1]);
    const other = indicator(`other-${value}`);
    const rel = { type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: '2026-03-01T10:00:00.000Z', modified: '2026-03-01T10:00:00.000Z', relationship_type: 'related-to', source_ref: other.id, target_ref: id, object_marking_refs: [TLP.GREEN] };
    await share(nw, [other, rel]);
    assert.equal((await h.call('POST', `/api/v1/intel/objects/${id}/sightings`, { token: co, body: { count: 2, tlp: 'GREEN' } })).statusCode, 201);
    await h.ctx.ledger.integrate();

    const r = await get(fa, `/api/v1/intel/objects/${id}`);
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json();
    assert.equal(d.id, id);
    assert.equal(d.object.name, 'second');
    assert.equal(d.version, '2026-03-02T10:00:00.000Z');
    assert.equal(d.tlp, 'GREEN');
    assert.deepEqual(d.versions.map((x: Item) => x.object.name), ['first', 'second']);
    const related = new Map<string, Item>(d.related.map((x: Item) => [x.type, x]));
    assert.equal(related.get('relationship')?.id, rel.id);
    assert.equal(related.get('sighting')?.object.sighting_of_ref, id);
    assert.equal(d.related.length, 2);
    assert.equal(d.ledger.kind, 'intel');
    assert.match(d.ledger.salt, /^[0-9a-f]{64}$/);
    assert.equal((await get(null, d.ledger.entry_url)).statusCode, 200);
    assert.equal((await get(null, d.ledger.proof_url)).statusCode, 200);
    problem(await get(fa, `/api/v1/intel/objects/indicator--${randomUUID()}`), 404, 'OBJECT_NOT_FOUND');
    problem(await get(fa, '/api/v1/intel/objects/not-an-id'), 404, 'OBJECT_NOT_FOUND');
    problem(await get(null, `/api/v1/intel/objects/${id}`), 404, 'OBJECT_NOT_FOUND');
  });

  test('sightings: 201 and stored as a STIX sighting; bad input is problem+json 400', async () => {
    const o = indicator(`sight-${uniq()}.example`);
    await share(nw, [o]);
    const url = `/api/v1/intel/objects/${o.id}/sightings`;
    const r = await h.call('POST', url, { token: fa, body: { count: 5, first_seen: '2026-03-01T00:00:00Z', last_seen: '2026-03-02T00:00:00Z', description: 'seen at the edge', tlp: 'GREEN' } });
    assert.equal(r.statusCode, 201, r.body);
    const s = r.json();
    assert.equal(s.status, 'complete');
    assert.equal(s.success_count, 1);
    assert.equal(s.total_count, 1);
    const found = (await search(co, `ref=${o.id}&type=sighting`)).items;
    assert.equal(found.length, 1);
    const sighting = found[0]!.object;
    assert.equal(sighting.sighting_of_ref, o.id);
    assert.equal(sighting.count, 5);
    assert.deepEqual(sighting.where_sighted_refs, [identityIdOfOrg(orgIds['demo-fabrikam']!)]);
    assert.equal(found[0]!.author_org_id, orgIds['demo-fabrikam']);
    assert.ok(validateStix(sighting).valid);

    // Default TLP:AMBER, naming the object's author: northwind sees it, contoso does not.
    assert.equal((await h.call('POST', url, { token: fa, body: { description: 'amber by default' } })).statusCode, 201);
    const amber = (await search(nw, `ref=${o.id}&type=sighting&tlp=AMBER`)).items;
    assert.equal(amber.length, 1);
    assert.equal(amber[0]!.object.description, 'amber by default');
    assert.deepEqual((await search(co, `ref=${o.id}&type=sighting&tlp=AMBER`)).items, []);

    for (const body of [
      { count: -1 },
      { count: 'five' },
      { count: 1.5 },
      { first_seen: 'yesterday' },
      { first_seen: '2026-03-02T00:00:00Z', last_seen: '2026-03-01T00:00:00Z' },
      { tlp: 'PURPLE' },
      { extra: true },
      { description: 'x'.repeat(4001) },
    ]) {
      const p = problem(await h.call('POST', url, { token: fa, body }), 400, 'VALIDATION_FAILED');
      assert.ok(Array.isArray(p.errors) && p.errors.length > 0, JSON.stringify(body));
    }
    problem(await h.call('POST', url, { token: fa, payload: '[1,2]', headers: { 'content-type': 'application/json' } }), 400);
    problem(await h.call('POST', url, { body: { count: 1 } }), 401, 'AUTH_REQUIRED');
    problem(await h.call('POST', `/api/v1/intel/objects/indicator--${randomUUID()}/sightings`, { token: fa, body: {} }), 404, 'OBJECT_NOT_FOUND');
    // Nothing was stored by the refusals.
    assert.equal((await search(nw, `ref=${o.id}&type=sighting`)).items.length, 2);
  });

  test('activity: visible objects per day, type and TLP', async () => {
    const count = async (token: string | null) => {
      const r = await get(token, '/api/v1/intel/activity?days=7');
      assert.equal(r.statusCode, 200, r.body);
      return (r.json().items as { day: string; type: string; tlp: string; count: number }[]).filter((i) => i.type === 'indicator').reduce((m, i) => m.set(i.tlp, (m.get(i.tlp) ?? 0) + i.count), new Map<string, number>());
    };
    const before = { nw: await count(nw), co: await count(co), anon: await count(null) };
    await share(nw, [indicator(`act1-${uniq()}.example`), indicator(`act2-${uniq()}.example`), indicator(`act3-${uniq()}.example`, { tlp: 'AMBER' }), indicator(`act4-${uniq()}.example`, { tlp: 'CLEAR' })]);
    const afterNw = await count(nw);
    const afterCo = await count(co);
    const afterAnon = await count(null);
    const grew = (a: Map<string, number>, b: Map<string, number>, tlp: string) => (a.get(tlp) ?? 0) - (b.get(tlp) ?? 0);
    assert.deepEqual([grew(afterNw, before.nw, 'GREEN'), grew(afterNw, before.nw, 'AMBER'), grew(afterNw, before.nw, 'CLEAR')], [2, 1, 1]);
    assert.deepEqual([grew(afterCo, before.co, 'GREEN'), grew(afterCo, before.co, 'AMBER'), grew(afterCo, before.co, 'CLEAR')], [2, 0, 1]);
    assert.deepEqual([...afterAnon.keys()], ['CLEAR']);
    assert.equal(grew(afterAnon, before.anon, 'CLEAR'), 1);
    const r = (await get(nw, '/api/v1/intel/activity')).json();
    assert.ok(r.items.every((i: { day: string }) => /^\d{4}-\d{2}-\d{2}$/.test(i.day)));
    for (const q of ['days=0', 'days=367', 'days=x', 'since=1']) problem(await get(nw, `/api/v1/intel/activity?${q}`), 400, 'VALIDATION_FAILED');
  });

  describe('collections', () => {
    test('the secretariat creates, changes and deletes them; everyone else is refused', async () => {
      const alias = `col-${uniq()}`;
      const body = { title: 'Test collection', description: 'for the API test', alias, default_tlp: 'GREEN', public_read: false };
      for (const t of [nwAdmin, nw, co, viewer]) problem(await h.call('POST', '/api/v1/intel/collections', { token: t, body }), 403, 'INTEL_FORBIDDEN');
      problem(await h.call('POST', '/api/v1/intel/collections', { body }), 401, 'AUTH_REQUIRED');
      const c = await h.call('POST', '/api/v1/intel/collections', { token: admin, body });
      assert.equal(c.statusCode, 201, c.body);
      const col = c.json();
      assert.match(col.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv4, as TAXII requires');
      assert.equal(col.default_tlp, 'GREEN');
      problem(await h.call('POST', '/api/v1/intel/collections', { token: admin, body }), 409, 'COLLECTION_CONFLICT');
      problem(await h.call('POST', '/api/v1/intel/collections', { token: admin, body: { title: 'x', alias: 'shared' } }), 409, 'COLLECTION_CONFLICT');
      for (const bad of [{}, { title: '' }, { title: 'x', default_tlp: 'PURPLE' }, { title: 'x', alias: 'Not A Slug' }, { title: 'x', grants: [{ read: 'yes', write: false }] }, { title: 'x', extra: 1 }]) {
        problem(await h.call('POST', '/api/v1/intel/collections', { token: admin, body: bad }), 400, 'VALIDATION_FAILED');
      }

      // Members see it (the default grants), over REST and TAXII, and may write into it.
      const listed = (await get(co, '/api/v1/intel/collections')).json().items.find((x: { id: string }) => x.id === col.id);
      assert.ok(listed, 'listed for a member');
      assert.equal(listed.taxii_url, `/taxii2/api/collections/${col.id}/`);
      assert.deepEqual(listed.grants, [], 'grants are the secretariat’s business');
      assert.equal((await h.call('GET', listed.taxii_url, { token: co, headers: { accept: TAXII } })).statusCode, 200);
      // default_tlp applies to unmarked objects.
      const unmarked = indicator(`col-${uniq()}.example`, { tlp: null });
      await share(nw, [unmarked], col.id);
      const seen = await get(co, `/api/v1/intel/objects/${unmarked.id}`);
      assert.equal(seen.statusCode, 200);
      assert.equal(seen.json().tlp, 'GREEN');

      for (const t of [nwAdmin, co]) problem(await h.call('PATCH', `/api/v1/intel/collections/${col.id}`, { token: t, body: { title: 'mine now' } }), 403, 'INTEL_FORBIDDEN');
      const p = await h.call('PATCH', `/api/v1/intel/collections/${col.id}`, { token: admin, body: { title: 'Renamed', default_tlp: 'AMBER' } });
      assert.equal(p.statusCode, 200, p.body);
      assert.equal(p.json().title, 'Renamed');
      assert.equal(p.json().alias, alias);
      assert.equal((await h.call('GET', `/taxii2/api/collections/${col.id}/`, { token: co, headers: { accept: TAXII } })).json().title, 'Renamed');
      problem(await h.call('PATCH', `/api/v1/intel/collections/${randomUUID()}`, { token: admin, body: { title: 'x' } }), 404, 'COLLECTION_NOT_FOUND');
      problem(await h.call('PATCH', `/api/v1/intel/collections/${col.id}`, { token: admin, body: { id: 'x' } }), 400, 'VALIDATION_FAILED');

      for (const t of [nwAdmin, nw]) problem(await h.call('DELETE', `/api/v1/intel/collections/${col.id}`, { token: t }), 403, 'INTEL_FORBIDDEN');
      assert.equal((await h.call('DELETE', `/api/v1/intel/collections/${col.id}`, { token: admin })).statusCode, 204);
      assert.equal((await h.call('GET', `/taxii2/api/collections/${col.id}/`, { token: co, headers: { accept: TAXII } })).statusCode, 404);
      assert.ok(!(await get(co, '/api/v1/intel/collections')).json().items.some((x: { id: string }) => x.id === col.id));
      problem(await get(co, `/api/v1/intel/objects/${unmarked.id}`), 404, 'OBJECT_NOT_FOUND');
      problem(await h.call('DELETE', `/api/v1/intel/collections/${col.id}`, { token: admin }), 404, 'COLLECTION_NOT_FOUND');
    });

    test('grants decide who reads and who writes a collection', async () => {
      const c = await h.call('POST', '/api/v1/intel/collections', {
        token: admin,
        body: { title: 'Contoso only', grants: [{ org_id: orgIds['demo-contoso-cloud'], role: null, read: true, write: true }, { org_id: orgIds['demo-fabrikam'], role: 'analyst', read: true, write: false }] },
      });
      assert.equal(c.statusCode, 201, c.body);
      const id = c.json().id as string;
      const listed = async (t: string) => (await get(t, '/api/v1/intel/collections')).json().items.find((x: { id: string }) => x.id === id);
      assert.equal((await listed(co)).can_write, true);
      assert.deepEqual([(await listed(fa)).can_read, (await listed(fa)).can_write], [true, false]);
      assert.equal(await listed(nw), undefined, 'invisible to organisations without a grant');
      assert.equal((await h.call('GET', `/taxii2/api/collections/${id}/`, { token: nw, headers: { accept: TAXII } })).statusCode, 404);
      const value = `grant-${uniq()}.example`;
      const o = indicator(value, { tlp: 'GREEN' });
      await share(co, [o], id);
      assert.equal((await get(fa, `/api/v1/intel/objects/${o.id}`)).statusCode, 200);
      problem(await get(nw, `/api/v1/intel/objects/${o.id}`), 404, 'OBJECT_NOT_FOUND');
      const w = await h.call('POST', `/taxii2/api/collections/${id}/objects/`, { token: fa, headers: { accept: TAXII, 'content-type': TAXII }, payload: JSON.stringify({ objects: [indicator('x.example')] }) });
      assert.equal(w.statusCode, 403);
      assert.deepEqual(ids(await search(nw, `q=${value}`)), [], 'search spans only collections the caller may read');
      assert.deepEqual(ids(await search(fa, `q=${value}`)), [o.id]);
      assert.equal((await h.call('DELETE', `/api/v1/intel/collections/${id}`, { token: admin })).statusCode, 204);
    });
  });

  describe('sharing groups', () => {
    test('org-admins create them; only the owner organisation changes or deletes them', async () => {
      const slug = `grp-${uniq()}`;
      problem(await h.call('POST', '/api/v1/intel/groups', { token: nw, body: { slug, name: 'G' } }), 403, 'INTEL_FORBIDDEN');
      problem(await h.call('POST', '/api/v1/intel/groups', { body: { slug, name: 'G' } }), 401, 'AUTH_REQUIRED');
      for (const bad of [{ slug: 'Bad Slug', name: 'G' }, { slug, name: '' }, { slug }, { slug, name: 'G', members: ['demo-fabrikam', 'demo-fabrikam'] }, { slug, name: 'G', extra: 1 }]) {
        problem(await h.call('POST', '/api/v1/intel/groups', { token: nwAdmin, body: bad }), 400, 'VALIDATION_FAILED');
      }
      problem(await h.call('POST', '/api/v1/intel/groups', { token: nwAdmin, body: { slug, name: 'G', members: ['no-such-org'] } }), 400, 'VALIDATION_FAILED');
      const c = await h.call('POST', '/api/v1/intel/groups', { token: nwAdmin, body: { slug, name: 'Group', description: 'd', members: ['demo-fabrikam', 'demo-northwind'] } });
      assert.equal(c.statusCode, 201, c.body);
      const g = c.json();
      assert.equal(g.owner_org_id, orgIds['demo-northwind']);
      assert.deepEqual(g.member_org_ids, [orgIds['demo-fabrikam']], 'the owner is not listed as its own member');
      problem(await h.call('POST', '/api/v1/intel/groups', { token: coAdmin, body: { slug, name: 'again' } }), 409, 'GROUP_SLUG_TAKEN');

      assert.ok((await get(ts, '/api/v1/intel/groups')).json().items.some((x: { slug: string }) => x.slug === slug), 'every signed-in member sees the groups');
      problem(await get(null, '/api/v1/intel/groups'), 401, 'AUTH_REQUIRED');
      assert.equal((await get(ts, `/api/v1/intel/groups/${slug}`)).json().id, g.id);
      assert.equal((await get(ts, `/api/v1/intel/groups/${g.id}`)).json().slug, slug);
      problem(await get(ts, `/api/v1/intel/groups/grp-${uniq()}`), 404, 'GROUP_NOT_FOUND');

      for (const t of [coAdmin, nw, admin]) {
        problem(await h.call('PATCH', `/api/v1/intel/groups/${slug}`, { token: t, body: { name: 'taken over' } }), 403, 'INTEL_FORBIDDEN');
        problem(await h.call('DELETE', `/api/v1/intel/groups/${slug}`, { token: t }), 403, 'INTEL_FORBIDDEN');
      }
      const p = await h.call('PATCH', `/api/v1/intel/groups/${slug}`, { token: nwAdmin, body: { name: 'Renamed', members: ['demo-tailspin', 'demo-contoso-cloud'] } });
      assert.equal(p.statusCode, 200, p.body);
      assert.equal(p.json().name, 'Renamed');
      assert.deepEqual([...p.json().member_org_ids].sort(), [orgIds['demo-tailspin'], orgIds['demo-contoso-cloud']].sort());
      problem(await h.call('PATCH', `/api/v1/intel/groups/${slug}`, { token: nwAdmin, body: { slug: 'renamed' } }), 400, 'VALIDATION_FAILED');
      assert.equal((await h.call('DELETE', `/api/v1/intel/groups/${slug}`, { token: nwAdmin })).statusCode, 204);
      problem(await get(ts, `/api/v1/intel/groups/${slug}`), 404, 'GROUP_NOT_FOUND');
      problem(await h.call('DELETE', `/api/v1/intel/groups/${slug}`, { token: nwAdmin }), 404, 'GROUP_NOT_FOUND');
    });

    test('members read an AMBER object naming the group as soon as they are added, and stop when removed', async () => {
      const slug = `acc-${uniq()}`;
      assert.equal((await h.call('POST', '/api/v1/intel/groups', { token: nwAdmin, body: { slug, name: 'Access', members: [] } })).statusCode, 201);
      const value = `group-${uniq()}.example`;
      const o = indicator(value, { tlp: 'AMBER', recipients: [`group:${slug}`] });
      await share(nw, [o]);
      const reads = async (t: string) => {
        const detail = (await get(t, `/api/v1/intel/objects/${o.id}`)).statusCode === 200;
        const taxii = (await h.call('GET', `/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/objects/${o.id}/`, { token: t, headers: { accept: TAXII } })).statusCode === 200;
        const found = (await search(t, `q=${value}`)).items.length === 1;
        const exported = (await get(t, '/api/v1/intel/export?format=csv')).body.includes(value);
        assert.ok(detail === taxii && taxii === found && found === exported, `every path agrees (${[detail, taxii, found, exported].join(', ')})`);
        return detail;
      };
      assert.equal(await reads(nw), true);
      assert.equal(await reads(ts), false);
      const members = (m: string[]) => h.call('PATCH', `/api/v1/intel/groups/${slug}`, { token: nwAdmin, body: { members: m } });
      assert.equal((await members(['demo-tailspin'])).statusCode, 200);
      assert.equal(await reads(ts), true, 'added: reads at once');
      assert.equal(await reads(tsAdmin), true, 'the whole member organisation');
      assert.equal(await reads(co), false);
      assert.equal((await members(['demo-contoso-cloud'])).statusCode, 200);
      assert.equal(await reads(ts), false, 'removed: stops at once');
      assert.equal(await reads(co), true);
      assert.equal((await h.call('DELETE', `/api/v1/intel/groups/${slug}`, { token: nwAdmin })).statusCode, 204);
      assert.equal(await reads(co), false, 'a deleted group gives nobody access');
      assert.equal(await reads(nw), true, 'the author organisation keeps it');
    });
  });

  describe('bundle upload', () => {
    const upload = (token: string | null, body: unknown, collection = DEFAULT_COLLECTION_ID) => h.call('POST', `/api/v1/intel/collections/${collection}/bundles`, { token, body: body as object });

    test('202 with the status; the status endpoint answers its uploader and the secretariat', async () => {
      const good = indicator(`bundle-${uniq()}.example`);
      const bad: Record<string, unknown> = { ...indicator('x.example'), pattern: "[domain-name:value = 'unterminated" };
      const r = await upload(nw, { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [good, bad] });
      assert.equal(r.statusCode, 202, r.body);
      const s = r.json();
      assert.equal(s.total_count, 2);
      assert.equal(s.success_count + s.failure_count + s.pending_count, 2);
      assert.equal(s.success_count, 1);
      assert.equal(s.failures[0].id, bad.id);
      assert.match(s.failures[0].message, /pattern/);
      const st = await get(nw, `/api/v1/intel/status/${s.id}`);
      assert.equal(st.statusCode, 200);
      assert.equal(st.json().status, 'complete');
      assert.equal(st.json().success_count, 1);
      assert.equal((await get(admin, `/api/v1/intel/status/${s.id}`)).statusCode, 200);
      problem(await get(co, `/api/v1/intel/status/${s.id}`), 404, 'STATUS_NOT_FOUND');
      assert.ok([401, 404].includes((await get(null, `/api/v1/intel/status/${s.id}`)).statusCode));
      problem(await get(nw, `/api/v1/intel/status/${randomUUID()}`), 404, 'STATUS_NOT_FOUND');
      assert.equal((await get(co, `/api/v1/intel/objects/${good.id}`)).statusCode, 200);
      problem(await get(co, `/api/v1/intel/objects/${bad.id}`), 404);
    });

    test('refusals: not a bundle, unknown collection, no write grant, anonymous', async () => {
      const objects = [indicator(`refused-${uniq()}.example`)];
      for (const body of [{ type: 'envelope', objects }, { objects }, { type: 'bundle' }, { type: 'bundle', objects: 'many' }, [objects]]) {
        problem(await upload(nw, body), 400, 'VALIDATION_FAILED');
      }
      problem(await upload(nw, { type: 'bundle', objects }, randomUUID()), 404, 'COLLECTION_NOT_FOUND');
      problem(await upload(viewer, { type: 'bundle', objects }), 403, 'INTEL_FORBIDDEN');
      problem(await upload(null, { type: 'bundle', objects }), 401, 'AUTH_REQUIRED');
      problem(await get(nw, `/api/v1/intel/objects/${objects[0]!.id}`), 404);
    });
  });

  test('export: content types and file names per format; a STIX export is a valid bundle', async () => {
    const value = `export-${uniq()}.example`;
    const o = indicator(value, { labels: ['export'] });
    const amber = indicator(`amber-${value}`, { tlp: 'AMBER' });
    await share(nw, [o, amber]);
    const want = {
      stix: [/^application\/stix\+json;\s*version=2\.1/, 'json'],
      csv: [/^text\/csv/, 'csv'],
      suricata: [/^text\/plain/, 'rules'],
      zeek: [/^text\/plain/, 'intel'],
      misp: [/^application\/json/, 'json'],
    } as const;
    for (const [format, [type, ext]] of Object.entries(want)) {
      const r = await get(co, `/api/v1/intel/export?format=${format}`);
      assert.equal(r.statusCode, 200, r.body.slice(0, 300));
      assert.match(String(r.headers['content-type']), type, format);
      assert.equal(r.headers['content-disposition'], `attachment; filename="accord-intel.${ext}"`);
      assert.ok(r.body.includes(value), `${format} carries the GREEN value`);
      assert.ok(!r.body.includes(`amber-${value}`), `${format} never carries northwind's AMBER to contoso`);
      if (format === 'misp') JSON.parse(r.body);
    }
    const bundle = JSON.parse((await get(co, '/api/v1/intel/export?format=stix')).body);
    const v = validateStix(bundle);
    assert.deepEqual(v.problems.slice(0, 5), [], 'the STIX export validates');
    assert.equal(bundle.type, 'bundle');
    assert.ok(bundle.objects.some((x: { id: string }) => x.id === o.id));
    // Every TLP 2.0 marking an exported object references is in the bundle (they are not predefined by STIX).
    const defs = new Set(bundle.objects.filter((x: { type: string }) => x.type === 'marking-definition').map((x: { id: string }) => x.id));
    assert.ok(defs.has(TLP.GREEN) && defs.has(TLP.CLEAR));
    const indicators = JSON.parse((await get(co, '/api/v1/intel/export?format=stix&type=indicator&collection=shared')).body);
    assert.ok(validateStix(indicators).valid);
    assert.ok(indicators.objects.every((x: { type: string }) => x.type === 'indicator' || x.type === 'marking-definition'));
    const anon = JSON.parse((await get(null, '/api/v1/intel/export?format=stix')).body);
    assert.ok(anon.objects.every((x: { type: string; object_marking_refs?: string[] }) => x.type === 'marking-definition' || x.object_marking_refs?.includes(TLP.CLEAR)), 'anonymous: CLEAR only');
    problem(await get(co, '/api/v1/intel/export?format=pdf'), 400, 'VALIDATION_FAILED');
    problem(await get(co, '/api/v1/intel/export'), 400, 'VALIDATION_FAILED');
    problem(await get(co, `/api/v1/intel/export?format=csv&collection=${randomUUID()}`), 404, 'COLLECTION_NOT_FOUND');
  });

  test('only the organisation that shared an object adds versions of it (STIX 2.1 §3.6)', async () => {
    const id = `indicator--${randomUUID()}`;
    const value = `ver-${uniq()}.example`;
    const v1 = indicator(value, { id, modified: '2026-03-01T10:00:00.000Z' });
    await share(nw, [v1]);
    // A newer RED version from contoso would hide northwind's object from everyone's latest view.
    const post = async (token: string, o: Record<string, unknown>) =>
      (await h.call('POST', `/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/objects/`, { token, headers: { accept: TAXII, 'content-type': TAXII }, payload: JSON.stringify({ objects: [o] }) })).json();
    const hijack = await post(co, indicator(value, { id, modified: '2026-03-09T10:00:00.000Z', tlp: 'RED' }));
    assert.equal(hijack.failure_count, 1);
    assert.match(hijack.failures[0].message, /only its creator may version it/);
    assert.deepEqual(ids(await search(fa, `q=${value}`)), [id], 'still there for everyone');
    // Re-posting the same version stays idempotent, whoever does it; the author versions freely.
    assert.equal((await post(co, v1)).success_count, 1);
    assert.equal((await post(nwAdmin, indicator(value, { id, modified: '2026-03-02T10:00:00.000Z', name: 'v2' }))).success_count, 1);
    assert.equal((await get(fa, `/api/v1/intel/objects/${id}`)).json().object.name, 'v2');
  });

  test('DELETE of every version removes only versions the caller can see and owns', async () => {
    const id = `indicator--${randomUUID()}`;
    const value = `del-${uniq()}.example`;
    // Contoso shares a version for itself only; northwind, which cannot see it, shares a newer one of the same id.
    await share(co, [indicator(value, { id, modified: '2026-03-01T10:00:00.000Z', tlp: 'AMBER' })]);
    await share(nw, [indicator(value, { id, modified: '2026-03-05T10:00:00.000Z' })]);
    const versions = async (t: string) => {
      const r = await h.call('GET', `/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/objects/${id}/versions/`, { token: t, headers: { accept: TAXII } });
      return r.statusCode === 200 ? (r.json().versions as string[]) : [];
    };
    assert.deepEqual(await versions(co), ['2026-03-01T10:00:00.000Z', '2026-03-05T10:00:00.000Z']);
    assert.deepEqual(await versions(nw), ['2026-03-05T10:00:00.000Z']);
    const del = await h.call('DELETE', `/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/objects/${id}/`, { token: nw, headers: { accept: TAXII } });
    assert.equal(del.statusCode, 200, del.body);
    assert.deepEqual(await versions(nw), []);
    assert.deepEqual(await versions(co), ['2026-03-01T10:00:00.000Z'], "contoso's version, which northwind cannot see, survives");
  });
});
