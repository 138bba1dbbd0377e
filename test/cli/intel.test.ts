/**
 * `accord intel …` end to end: two real `accord serve` processes on two demo
 * data directories, the compiled CLI, and each server's own API as the judge.
 * A push into server A, a pull from A's TAXII collection into server B (then
 * resumed, then picking up exactly what was added since), the NDJSON mode,
 * exports, a MISP import, sharing groups and collections.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, cli, cliJson, ensureBuilt, startServer, tempDir, type Server } from './helpers.js';
import { mispEventToStix } from '../../src/intel/misp-import.js';
import { validateStix } from '../../src/intel/stix.js';

const DEFAULT_COLLECTION = 'adbe4e0f-c0f4-43bd-8431-33a04e3c7c94';
const TAXII = 'application/taxii+json;version=2.1';
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';

const tmp = tempDir('accord-cli-intel-');
interface Node {
  srv: Server;
  admin: string;
  token(org: string, role?: string): string;
}
let A: Node;
let B: Node;

async function node(name: string): Promise<Omit<Node, 'srv'> & { dir: string }> {
  const dir = join(tmp.path, name);
  const init = await cli(['init', '--data', dir, '--demo'], { timeoutMs: 60_000 });
  assert.equal(init.code, 0, init.stderr);
  const out = JSON.parse(init.stdout) as { admin_token: string; demo: { tokens: { org: string; role: string; token: string }[] } };
  return {
    dir,
    admin: out.admin_token,
    token: (org, role = 'analyst') => out.demo.tokens.find((t) => t.org === org && t.role === role)!.token,
  };
}

before(
  async () => {
    await ensureBuilt();
    const [a, b] = await Promise.all([node('a'), node('b')]);
    const [sa, sb] = await Promise.all([startServer(a.dir), startServer(b.dir)]);
    A = { ...a, srv: sa };
    B = { ...b, srv: sb };
  },
  { timeout: 180_000 },
);
after(async () => {
  await Promise.all([A?.srv.stop(), B?.srv.stop()]);
  tmp.cleanup();
});

const uniq = () => randomBytes(4).toString('hex');

function indicator(value: string, label: string): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    name: `CLI test ${value}`,
    pattern: `[domain-name:value = '${value}']`,
    pattern_type: 'stix',
    valid_from: now,
    labels: [label],
    object_marking_refs: [GREEN],
  };
}

function file(name: string, text: string): string {
  const p = join(tmp.path, name);
  writeFileSync(p, text);
  return p;
}

/** Every object of a TAXII collection `token` may read (paging with next). */
async function taxiiIds(server: string, token: string, collection: string): Promise<string[]> {
  const out: string[] = [];
  let next: string | undefined;
  for (;;) {
    const url = new URL(`/taxii2/api/collections/${collection}/objects/`, server);
    url.searchParams.set('limit', '500');
    if (next) url.searchParams.set('next', next);
    const res = await fetch(url, { headers: { accept: TAXII, authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const env = (await res.json()) as { more: boolean; next?: string; objects?: { id: string }[] };
    out.push(...(env.objects ?? []).map((o) => o.id));
    if (!env.more) return out;
    next = env.next;
  }
}

/** The objects of `label` that `token` finds on `server`. */
async function labelled(server: string, token: string, label: string): Promise<string[]> {
  const r = await api<{ items: { id: string }[] }>(server, token, 'GET', `/api/v1/intel/objects?label=${label}&limit=500`);
  assert.equal(r.status, 200);
  return r.body.items.map((i) => i.id).sort();
}

describe('accord intel push and pull', () => {
  const label = `cli-${uniq()}`;
  const pushed: Record<string, unknown>[] = [];
  let mirror: string;
  const state = join(tmp.path, 'pull-state.json');
  const pullArgs = () => [
    'intel',
    'pull',
    '--from',
    `${A.srv.url}/taxii2/api/`,
    '--collection',
    DEFAULT_COLLECTION,
    '--from-token',
    A.token('demo-northwind'),
    '--into',
    mirror,
    '--state',
    state,
    '--limit',
    '7',
  ];

  test('push a bundle into A: the summary matches what A holds', async () => {
    const objs = Array.from({ length: 5 }, (_, i) => indicator(`p${i}-${label}.example`, label));
    const bundle = file('bundle.json', JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: objs }));
    const r = await cliJson(A.srv.url, A.token('demo-northwind'), ['intel', 'push', bundle]);
    assert.deepEqual(r, { total: 5, ok: 5, failed: 0, failures: [] });
    pushed.push(...objs);
    assert.deepEqual(await labelled(A.srv.url, A.token('demo-contoso-cloud'), label), objs.map((o) => o.id as string).sort());

    // A refused object is reported with its reason and makes the exit code non-zero.
    const bad: Record<string, unknown> = { ...indicator(`bad-${label}.example`, label), pattern: "[domain-name:value = 'unterminated" };
    const mixed = file('mixed.ndjson', `${JSON.stringify(indicator(`p5-${label}.example`, label))}\n${JSON.stringify(bad)}\n`);
    const m = await cli(['--server', A.srv.url, '--token', A.token('demo-northwind'), '--json', 'intel', 'push', mixed, '--batch', '1']);
    assert.equal(m.code, 1, m.stderr);
    const summary = JSON.parse(m.stdout);
    assert.equal(summary.ok, 1);
    assert.equal(summary.failed, 1);
    assert.match(summary.failures[0], new RegExp(`^${String(bad.id)}: .*pattern`));
    pushed.push(...(await api<{ items: { object: Record<string, unknown> }[] }>(A.srv.url, A.token('demo-northwind'), 'GET', `/api/v1/intel/objects?q=p5-${label}.example`)).body.items.map((i) => i.object));
    assert.equal(pushed.length, 6);
  });

  test('pull copies A’s collection into a collection of B, resumes, and then takes exactly what is new', async () => {
    const c = await api(B.srv.url, B.admin, 'POST', '/api/v1/intel/collections', { title: `Mirror of A ${label}` });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    mirror = c.body.id;
    const onA = await taxiiIds(A.srv.url, A.token('demo-northwind'), DEFAULT_COLLECTION);
    for (const o of pushed) assert.ok(onA.includes(o.id as string), 'A serves what was pushed');

    const first = await cliJson(B.srv.url, B.admin, pullArgs());
    assert.equal(first.pulled, onA.length);
    assert.equal(first.stored, onA.length);
    assert.equal(first.refused, 0);
    assert.deepEqual(first.failures, []);
    assert.ok(first.pages >= Math.ceil(onA.length / 7), 'paged by --limit');
    assert.deepEqual((await taxiiIds(B.srv.url, B.admin, mirror)).sort(), [...onA].sort(), 'B holds exactly what A served');
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    assert.equal(saved.collection, DEFAULT_COLLECTION);
    assert.match(saved.added_after, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);

    const again = await cliJson(B.srv.url, B.admin, pullArgs());
    assert.equal(again.pulled, 0, 'a second pull resumes after the last object');
    assert.equal(again.total_pulled, onA.length);

    const more = Array.from({ length: 3 }, (_, i) => indicator(`late${i}-${label}.example`, label));
    assert.equal((await cliJson(A.srv.url, A.token('demo-northwind'), ['intel', 'push', file('more.json', JSON.stringify(more))])).ok, 3);
    const third = await cliJson(B.srv.url, B.admin, pullArgs());
    assert.equal(third.pulled, 3);
    assert.equal(third.stored, 3);
    const onB = await taxiiIds(B.srv.url, B.admin, mirror);
    assert.equal(onB.length, onA.length + 3);
    for (const o of more) assert.ok(onB.includes(o.id as string));
    pushed.push(...more);
    // B's readers find the pulled objects like any other.
    assert.equal((await labelled(B.srv.url, B.token('demo-tailspin'), label)).length, 9);

    // An object naming a sharing group that only A has cannot be stored on B: the pull says which and why.
    const group = `only-on-a-${uniq()}`;
    assert.equal((await api(A.srv.url, A.token('demo-northwind', 'org-admin'), 'POST', '/api/v1/intel/groups', { slug: group, name: 'Only on A', members: [] })).status, 201);
    const amber: Record<string, unknown> = {
      ...indicator(`group-${label}.example`, `${label}-group`),
      object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
      extensions: { 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1': { extension_type: 'property-extension', recipients: [`group:${group}`] } },
    };
    assert.equal((await cliJson(A.srv.url, A.token('demo-northwind'), ['intel', 'push', file('amber.json', JSON.stringify([amber]))])).ok, 1);
    const fourth = await cli(['--server', B.srv.url, '--token', B.admin, ...pullArgs()]);
    assert.equal(fourth.code, 1, fourth.stderr);
    assert.match(fourth.stdout, /^pulled 1 objects in 1 pages; stored 0, refused 1;/);
    assert.match(fourth.stdout, new RegExp(`${String(amber.id)}: unknown recipient "group:${group}"`));
  });

  test('--out appends NDJSON and keeps its own cursor', async () => {
    const out = join(tmp.path, 'pulled.ndjson');
    const ndjsonState = join(tmp.path, 'ndjson-state.json');
    const args = ['intel', 'pull', '--from', `${A.srv.url}/taxii2/api`, '--collection', DEFAULT_COLLECTION, '--from-token', A.token('demo-contoso-cloud'), '--out', out, '--state', ndjsonState];
    const onA = await taxiiIds(A.srv.url, A.token('demo-contoso-cloud'), DEFAULT_COLLECTION);
    const r = await cliJson(A.srv.url, null, args);
    assert.equal(r.pulled, onA.length);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { id: string }).id).sort(), [...onA].sort());
    assert.equal((await cliJson(A.srv.url, null, args)).pulled, 0);
    assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, lines.length, 'nothing appended the second time');
    // Only some types.
    const typed = await cliJson(A.srv.url, null, [...args.slice(0, -4), '--out', join(tmp.path, 'typed.ndjson'), '--state', join(tmp.path, 'typed-state.json'), '--type', 'malware,relationship']);
    const types = new Set(readFileSync(join(tmp.path, 'typed.ndjson'), 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type));
    assert.ok(typed.pulled > 0);
    assert.deepEqual([...types].sort(), ['malware', 'relationship']);
    // Without --out, the objects go to standard output.
    const plain = await cli(['intel', 'pull', '--from', `${A.srv.url}/taxii2/api/`, '--collection', DEFAULT_COLLECTION, '--state', join(tmp.path, 'anon-state.json')]);
    assert.equal(plain.code, 0, plain.stderr);
    const anonymous = plain.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { object_marking_refs?: string[] });
    assert.ok(anonymous.length > 0 && anonymous.every((o) => o.object_marking_refs?.includes('marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487')), 'anonymous pulls get TLP:CLEAR only');
  });

  test('export --format csv and --format stix', async () => {
    const value = `p0-${label}.example`;
    const csv = await cli(['--server', A.srv.url, '--token', A.token('demo-fabrikam'), 'intel', 'export', '--format', 'csv']);
    assert.equal(csv.code, 0, csv.stderr);
    // RFC 4180: CRLF line breaks.
    const rows = csv.stdout.trimEnd().split('\r\n');
    assert.match(rows[0]!, /^[a-z_]+(,[a-z_]+)+$/, 'a header row');
    assert.ok(rows.some((r) => r.includes(value) && r.includes(String(pushed[0]!.id))));
    const out = join(tmp.path, 'export.json');
    const stix = await cli(['--server', A.srv.url, '--token', A.token('demo-fabrikam'), 'intel', 'export', '--format', 'stix', '--type', 'indicator', '--out', out]);
    assert.equal(stix.code, 0, stix.stderr);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { type: string; objects: { id: string; type: string }[] };
    assert.deepEqual(validateStix(bundle).problems.slice(0, 5), []);
    for (const o of pushed) assert.ok(bundle.objects.some((x) => x.id === o.id));
    assert.ok(bundle.objects.every((x) => x.type === 'indicator' || x.type === 'marking-definition'));
    const bad = await cli(['--server', A.srv.url, '--token', A.token('demo-fabrikam'), 'intel', 'export', '--format', 'pdf']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /400/);
  });
});

test('import-misp converts a MISP event and shares it', async () => {
  const fixture = JSON.parse(readFileSync(new URL('../unit/intel/vectors/misp-event.json', import.meta.url), 'utf8')) as { event: unknown };
  const path = file('misp-event.json', JSON.stringify(fixture.event));
  const expected = mispEventToStix(fixture.event, { identityId: 'identity--00000000-0000-4000-8000-000000000000', now: new Date() });
  assert.ok(expected.objects.length > 5);
  const r = await cliJson(A.srv.url, A.token('demo-tailspin'), ['intel', 'import-misp', path]);
  assert.equal(r.failed, 0, JSON.stringify(r.failures));
  assert.equal(r.total, expected.objects.length);
  assert.equal(r.ok, expected.objects.length);
  const tailspin = (await api(A.srv.url, A.admin, 'GET', '/api/v1/orgs/demo-tailspin')).body.id as string;
  for (const o of expected.objects.filter((x) => x.type === 'indicator').slice(0, 3)) {
    const d = await api(A.srv.url, A.token('demo-tailspin'), 'GET', `/api/v1/intel/objects/${String(o.id)}`);
    assert.equal(d.status, 200, `${String(o.id)} is stored`);
    assert.equal(d.body.author_org_id, tailspin);
  }
  // Importing the same event again changes nothing and refuses nothing.
  assert.equal((await cliJson(A.srv.url, A.token('demo-tailspin'), ['intel', 'import-misp', path])).failed, 0);
});

test('groups create and list; collections list', async () => {
  const slug = `cli-grp-${uniq()}`;
  const g = await cliJson(A.srv.url, A.token('demo-northwind', 'org-admin'), ['intel', 'groups', 'create', slug, 'CLI group', '--member', 'demo-fabrikam', '--member', 'demo-adatum', '--description', 'made by the CLI test']);
  assert.equal(g.slug, slug);
  const ids = await Promise.all(['demo-fabrikam', 'demo-adatum', 'demo-northwind'].map(async (s) => (await api(A.srv.url, A.admin, 'GET', `/api/v1/orgs/${s}`)).body.id as string));
  assert.deepEqual([...g.member_org_ids].sort(), ids.slice(0, 2).sort());
  assert.equal(g.owner_org_id, ids[2]);
  const list = await cliJson(A.srv.url, A.token('demo-adatum'), ['intel', 'groups', 'list']);
  assert.ok(list.items.some((x: { slug: string }) => x.slug === slug));
  const table = await cli(['--server', A.srv.url, '--token', A.token('demo-adatum'), 'intel', 'groups', 'list']);
  assert.equal(table.code, 0);
  assert.ok(table.stdout.includes(slug));
  const refused = await cli(['--server', A.srv.url, '--token', A.token('demo-northwind'), 'intel', 'groups', 'create', `${slug}-x`, 'Not allowed']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /403|org-admin/);

  const cols = await cliJson(A.srv.url, A.token('demo-adatum'), ['intel', 'collections', 'list']);
  const shared = cols.items.find((c: { id: string }) => c.id === DEFAULT_COLLECTION);
  assert.ok(shared);
  assert.equal(shared.taxii_url, `/taxii2/api/collections/${DEFAULT_COLLECTION}/`);
  assert.equal(shared.can_write, true);
  const anon = await cliJson(A.srv.url, null, ['intel', 'collections', 'list']);
  assert.deepEqual(anon.items.map((c: { id: string; can_write: boolean }) => [c.id, c.can_write]), [[DEFAULT_COLLECTION, false]]);
});
