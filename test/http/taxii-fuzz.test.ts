/**
 * Seeded fuzzing of the TAXII 2.1 server (CONVENTIONS.md 10: parsers of
 * attacker-controlled input get a fuzz test). A fixed seed makes every
 * failure reproducible; each loop is bounded in iterations and time.
 *
 * Invariants, whatever arrives:
 * - never a 5xx;
 * - every error is the TAXII 2.1 §3.6.1 error message: JSON with `http_status`
 *   equal to the status code, served as application/taxii+json;version=2.1;
 * - a POST is refused outright (4xx) or answered 202 with a status whose
 *   success_count + failure_count + pending_count == total_count (and whose
 *   lists match its counts); every object counted as a success can then be
 *   fetched exactly as posted, and no refused object is stored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { demoToken, startHarness, type Harness } from './harness.js';
import { DEFAULT_COLLECTION_ID } from '../../src/context.js';
import { deterministicScoId } from '../../src/intel/stix/deterministic-id.js';
import { prng, textMutator } from '../unit/ledger/support.js';

const SEED = 0x7a11;
const TAXII = 'application/taxii+json;version=2.1';
const ROOT = '/taxii2/api/';
const COL = `${ROOT}collections/${DEFAULT_COLLECTION_ID}/`;
const OBJECTS = `${COL}objects/`;
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const STIX_ID = /^[a-z][a-z0-9-]{2,249}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
/** Stands for 10,000 levels of nesting, spliced into the JSON text (JSON.stringify would recurse). */
const DEEP = '__deep_nesting__';
const DEEP_TEXT = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

type Rng = ReturnType<typeof prng>;

const PATTERNS = [
  "[ipv4-addr:value = '198.51.100.7']",
  "[domain-name:value = 'fuzz.example'] OR [url:value = 'http://fuzz.example/x']",
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "[network-traffic:dst_port = 443 AND network-traffic:dst_ref.type = 'ipv4-addr'] WITHIN 5 SECONDS",
  "[email-addr:value LIKE '%@fuzz.example'] FOLLOWEDBY [ipv4-addr:value ISSUBSET '203.0.113.0/24']",
];
const BAD_PATTERNS = ["[ipv4-addr:value = '1.2.3.4'", '[x:y = 1] FOLLOWEDBY', "[ipv4-addr:value = '1.2.3.4'] AND", '', '[' + '('.repeat(500) + ']', "[a:b = 'x' ", "[file:hashes.'SHA-256' = 'zz']", '\u0000', 'true'];
const BOGUS_IDS = ['indicator--not-a-uuid', 'indicator--00000000-0000-0000-0000-000000000000', 'Indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8', '--6ba7b810-9dad-41d1-80b4-00c04fd430c8', 'x'.repeat(400), 'indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8/../x', 'indicator—6ba7b810-9dad-41d1-80b4-00c04fd430c8', '', 'bundle--6ba7b810-9dad-41d1-80b4-00c04fd430c8'];
const HOSTILE: readonly ((rng: Rng) => unknown)[] = [
  () => 'x'.repeat(1_048_577),
  () => 'y'.repeat(100_000),
  () => DEEP,
  () => 42,
  () => -1.5e308,
  () => true,
  () => null,
  () => [],
  () => [null, 1, 'a', {}],
  () => ({}),
  () => ({ nested: { deeper: [{ deepest: 'x' }] } }),
  () => '',
  () => ' ',
  () => '\u0000',
  () => '\ud800',
  () => '\u202eevil',
  () => '😀'.repeat(300),
  () => '2026-02-30T00:00:00Z',
  () => '2026-01-01T00:00:00.1234567890123Z',
  () => '9999-12-31T23:59:59.999Z',
  () => '<script>alert(1)</script>',
  () => "'; DROP TABLE intel_objects; --",
  (rng) => rng.pick(BAD_PATTERNS),
  (rng) => rng.pick(BOGUS_IDS),
  () => Array.from({ length: 2000 }, (_, i) => `l${i}`),
  () => Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`k${i}`, i])),
];
const PIECES = ['{', '}', '[', ']', '"', ',', ':', '\\', '\\u0000', '\\ud800', 'null', 'true', '1e999', '-0', '"__proto__"', DEEP, '😀', '\u0000', '\n'];
const CONTENT_TYPES = [
  TAXII,
  'application/taxii+json',
  'application/taxii+json; version=2.1',
  'APPLICATION/TAXII+JSON;VERSION=2.1',
  'application/taxii+json;version="2.1"',
  'application/taxii+json;version=2.1;charset=utf-8',
  'application/taxii+json;version=2.0',
  'application/taxii+json;version=',
  'application/taxii+jsonx',
  'application/json',
  'application/stix+json;version=2.1',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '',
  ';;;',
  'application/taxii+json;version=2.1;' + 'p=1;'.repeat(500),
];
const ACCEPTS = [
  TAXII,
  '',
  '*/*',
  'application/*',
  'application/taxii+json',
  'application/taxii+json;version=2.0',
  'application/taxii+json;version=2.10',
  'APPLICATION/TAXII+JSON;VERSION=2.1',
  'text/html',
  'application/json',
  'application/taxii+json;version=2.1, text/html;q=0.9',
  'text/html, */*;q=0.1',
  ',,,;;;',
  'application/taxii+json;q=0',
  '😀/😀',
  'a'.repeat(6000),
];

/** Turns the placeholder into real nesting (a quoted placeholder becomes a value, not a string). */
function deepen(text: string): string {
  return text.split(`"${DEEP}"`).join(DEEP_TEXT).split(DEEP).join(DEEP_TEXT);
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function versionOf(o: Record<string, unknown>): string {
  return typeof o.modified === 'string' ? o.modified : typeof o.created === 'string' ? o.created : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A few valid STIX objects with fresh ids. */
function validObjects(rng: Rng): Record<string, unknown>[] {
  const now = new Date(Date.UTC(2026, 0, 1 + rng.int(60), rng.int(24), rng.int(60), rng.int(60), rng.int(1000))).toISOString();
  const common = () => ({ spec_version: '2.1', created: now, modified: now, object_marking_refs: [GREEN] });
  const out: Record<string, unknown>[] = [];
  for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
    switch (rng.int(6)) {
      case 0:
      case 1:
        out.push({ type: 'indicator', id: `indicator--${randomUUID()}`, ...common(), name: `fuzz ${rng.int(1e6)}`, pattern: rng.pick(PATTERNS), pattern_type: 'stix', valid_from: now, labels: ['fuzz'] });
        break;
      case 2: {
        const sco: Record<string, unknown> = { type: 'domain-name', spec_version: '2.1', value: `d${rng.int(1e9)}.fuzz.example`, object_marking_refs: [GREEN] };
        sco.id = deterministicScoId(sco);
        out.push(sco);
        break;
      }
      case 3:
        out.push({ type: 'malware', id: `malware--${randomUUID()}`, ...common(), name: 'Fuzzware', is_family: rng.int(2) === 0 });
        break;
      case 4:
        out.push({ type: 'identity', id: `identity--${randomUUID()}`, ...common(), name: 'Fuzz Org', identity_class: 'organization' });
        break;
      default:
        out.push({
          type: 'relationship',
          id: `relationship--${randomUUID()}`,
          ...common(),
          relationship_type: 'indicates',
          source_ref: `indicator--${randomUUID()}`,
          target_ref: `malware--${randomUUID()}`,
        });
    }
  }
  return out;
}

/** One structural mutation of an envelope's objects (in place), or a replacement envelope. */
function mutate(rng: Rng, objects: Record<string, unknown>[], posted: readonly Record<string, unknown>[]): unknown {
  const target = rng.pick(objects);
  const keys = Object.keys(target);
  switch (rng.int(11)) {
    case 0:
      target[rng.pick(keys)] = rng.pick(HOSTILE)(rng);
      break;
    case 1:
      target[rng.pick(['name', 'description', 'labels', 'external_references', 'extensions', 'granular_markings', 'x_custom', '__proto__', 'constructor', 'confidence'])] = rng.pick(HOSTILE)(rng);
      break;
    case 2:
      delete target[rng.pick(keys)];
      break;
    case 3:
      target.type = rng.pick(['indicator', 'bundle', 'x-custom-thing', 'Indicator', '', 'marking-definition', 'sighting', 'a'.repeat(300), 'relationship']);
      break;
    case 4:
      target.id = rng.pick(BOGUS_IDS);
      break;
    case 5:
      if (target.type === 'indicator') target.pattern = rng.pick(BAD_PATTERNS);
      else target.spec_version = rng.pick(['2.0', '2.2', '', 2.1]);
      break;
    case 6:
      // The same id and version with different content: the second is a conflict.
      objects.push({ ...target, name: `changed ${rng.int(1e6)}` });
      break;
    case 7:
      // Something already posted, again: idempotent.
      if (posted.length > 0) objects.push(structuredClone(rng.pick(posted)));
      break;
    case 8:
      target.object_marking_refs = rng.pick([['marking-definition--00000000-0000-4000-8000-000000000000'], 'GREEN', [42], [], [GREEN, GREEN]]);
      break;
    case 9:
      target.extensions = { 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1': rng.pick([{ extension_type: 'property-extension', recipients: ['org:no-such-org'] }, { recipients: 'everyone' }, { extension_type: 'property-extension', recipients: Array.from({ length: 300 }, () => 'org:demo-fabrikam') }, { extension_type: 'property-extension', recipients: [42] }, { extension_type: 'property-extension', recipients: ['org:demo-fabrikam', 'user:NOBODY@nowhere.example'] }]) };
      break;
    default:
      return rng.pick<unknown>([
        { objects: objects.length === 0 ? null : objects[0] },
        { objects: 'many' },
        { objects: [1, 'two', null, [], true] },
        { objects, more: true, next: 'x' },
        { objects, extra: 1 },
        { Objects: objects },
        { type: 'bundle', id: `bundle--${randomUUID()}`, objects },
        objects,
        'objects',
        42,
        null,
        { objects: [] },
        { objects: Array.from({ length: 300 }, () => ({ type: 'indicator' })) },
      ]);
  }
  return { objects };
}

/** Checks the §3.6.1 error format; returns the parsed body. */
function assertTaxiiError(r: LightMyRequestResponse, where: string): void {
  assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${where}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  assert.equal(r.headers['content-type'], TAXII, `${where}: content-type ${String(r.headers['content-type'])}`);
  if (r.body === '') return assert.ok(false, `${where}: an empty error body`);
  const e = JSON.parse(r.body) as { title?: unknown; http_status?: unknown };
  assert.equal(e.http_status, String(r.statusCode), `${where}: http_status`);
  assert.equal(typeof e.title, 'string', `${where}: title`);
}

function checkAnswer(r: LightMyRequestResponse, where: string, method = 'GET'): void {
  assert.ok(r.statusCode < 500, `${where}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  if (r.statusCode >= 400) {
    if (method === 'HEAD') assert.equal(r.headers['content-type'], TAXII, where);
    else assertTaxiiError(r, where);
  } else if (method !== 'HEAD' && !(method === 'DELETE' && r.body === '')) {
    assert.equal(r.headers['content-type'], TAXII, where);
    JSON.parse(r.body);
  }
}

describe('TAXII fuzz', () => {
  let h: Harness;
  let writer: string;
  let other: string;
  before(async () => {
    // The auth failure limiter would answer 429 to everything after a few bogus tokens.
    h = await startHarness({ env: { ACCORD_AUTH_FAILURE_LIMIT: '1000000' } });
    writer = demoToken(h.init, 'demo-northwind', 'analyst');
    other = demoToken(h.init, 'demo-contoso-cloud', 'analyst');
  });
  after(async () => h.close());

  const taxiiHeaders = (extra: Record<string, string> = {}) => ({ accept: TAXII, ...extra });
  /** Every stored version of `id` the writer may read. */
  async function stored(id: string): Promise<Record<string, unknown>[]> {
    const r = await h.call('GET', `${OBJECTS}${id}/?match[version]=all`, { token: writer, headers: taxiiHeaders() });
    checkAnswer(r, `GET ${id}`);
    return r.statusCode === 200 ? ((r.json() as { objects?: Record<string, unknown>[] }).objects ?? []) : [];
  }
  /** Accepted (id, version) → the JSON the server holds for it. */
  const accepted = new Map<string, string>();

  /** Posts one body and checks every invariant; returns the status code. */
  async function postAndCheck(payload: string | Buffer, contentType: string, where: string, accept = TAXII): Promise<number> {
    // app.inject directly: the payload may be bytes that are not UTF-8.
    const r = await h.app.inject({ method: 'POST', url: OBJECTS, headers: { authorization: `Bearer ${writer}`, accept, 'content-type': contentType }, payload });
    checkAnswer(r, where, 'POST');
    if (r.statusCode >= 400) return r.statusCode;
    assert.equal(r.statusCode, 202, where);
    let s = r.json() as {
      id: string;
      status: string;
      total_count: number;
      success_count: number;
      failure_count: number;
      pending_count: number;
      successes?: { id: string; version: string }[];
      failures?: { id: string; version: string; message?: string }[];
      pendings?: { id: string; version: string }[];
    };
    const counts = () => {
      assert.equal(s.success_count + s.failure_count + s.pending_count, s.total_count, `${where}: counts add up`);
      // A detail list is sent only when it names every object its count counts (a stored list keeps 1,000).
      const whole = (n: number) => (n <= 1000 ? n : undefined);
      assert.deepEqual(
        [s.successes?.length, s.failures?.length, s.pendings?.length],
        [whole(s.success_count), whole(s.failure_count), whole(s.pending_count)],
        `${where}: lists match counts`,
      );
    };
    counts();
    for (let i = 0; s.status === 'pending' && i < 200; i++) {
      await new Promise((res) => setTimeout(res, 25));
      const st = await h.call('GET', `${ROOT}status/${s.id}/`, { token: writer, headers: taxiiHeaders() });
      checkAnswer(st, `${where}: status`);
      s = st.json();
      counts();
    }
    assert.equal(s.status, 'complete', `${where}: the status completes`);
    const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
    const sent = (JSON.parse(text) as { objects: unknown[] }).objects;
    assert.equal(s.total_count, sent.length, `${where}: total_count counts the envelope's objects`);
    const sentById = new Map<string, Record<string, unknown>[]>();
    for (const o of sent) if (isRecord(o) && typeof o.id === 'string') sentById.set(o.id, [...(sentById.get(o.id) ?? []), o]);

    // An object with neither modified nor created (an SCO) is versioned by its date_added: its status detail
    // names that (or, before it is stored, the request's timestamp), and it has one version per organisation.
    const unversioned = (id: string) => (sentById.get(id) ?? []).some((o) => versionOf(o) === '');
    const keyOf = (id: string, version: string) => (unversioned(id) && TIMESTAMP.test(version) ? `${id} (by date_added)` : `${id} ${version}`);
    const isVersion = (id: string, version: string) => (o: Record<string, unknown>) => versionOf(o) === version || (unversioned(id) && TIMESTAMP.test(version) && versionOf(o) === '');
    for (const ok of s.successes ?? []) {
      const candidates = (sentById.get(ok.id) ?? []).filter(isVersion(ok.id, ok.version)).map((o) => JSON.stringify(o));
      assert.ok(candidates.length > 0, `${where}: success ${ok.id} ${ok.version} was posted`);
      const held = (await stored(ok.id)).filter(isVersion(ok.id, ok.version)).map((o) => JSON.stringify(o));
      assert.equal(held.length, 1, `${where}: success ${ok.id} ${ok.version} can be fetched`);
      const key = keyOf(ok.id, ok.version);
      if (accepted.has(key)) assert.equal(held[0], accepted.get(key), `${where}: ${key} never changes`);
      else {
        assert.ok(candidates.includes(held[0]!), `${where}: ${key} is stored exactly as posted`);
        accepted.set(key, held[0]!);
      }
    }
    for (const bad of s.failures ?? []) {
      if (!STIX_ID.test(bad.id)) continue;
      const key = keyOf(bad.id, bad.version);
      const held = (await stored(bad.id)).filter(isVersion(bad.id, bad.version)).map((o) => JSON.stringify(o));
      if (accepted.has(key)) assert.deepEqual(held, [accepted.get(key)], `${where}: a refused ${key} left the earlier version alone`);
      else assert.deepEqual(held, [], `${where}: refused ${key} (${bad.message}) is not stored`);
    }
    return 202;
  }

  test('POST: mutated envelopes', { timeout: 60_000 }, async () => {
    const rng = prng(SEED);
    const textMutate = textMutator(SEED + 1, PIECES);
    const posted: Record<string, unknown>[] = [];
    const outcomes = new Map<number, number>();
    const deadline = Date.now() + 8_000;
    let i = 0;
    for (; i < 200 && Date.now() < deadline; i++) {
      const objects = validObjects(rng);
      const envelope = rng.int(8) === 0 ? { objects } : mutate(rng, objects, posted);
      let text = JSON.stringify(envelope) ?? 'undefined';
      let payload: string | Buffer = text;
      if (rng.int(4) === 0) payload = textMutate(text);
      if (typeof payload === 'string') payload = deepen(payload);
      else text = '';
      const contentType = rng.int(6) === 0 ? rng.pick(CONTENT_TYPES) : TAXII;
      const accept = rng.int(10) === 0 ? rng.pick(ACCEPTS) : TAXII;
      const where = `#${i} ${contentType} ${String(payload).slice(0, 160)}`;
      const status = await postAndCheck(payload, contentType, where, accept);
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
      if (status === 202 && text && isRecord(envelope) && Array.isArray(envelope.objects)) posted.push(...envelope.objects.filter(isRecord).slice(0, 3));
    }
    if (process.env.FUZZ_DEBUG) process.stderr.write(`POST fuzz: ${i} envelopes, outcomes ${JSON.stringify([...outcomes])}, ${accepted.size} versions stored\n`);
    assert.ok(i >= 100, `ran ${i} iterations`);
    // The mix must exercise both outcomes, or the fuzz tests nothing.
    assert.ok((outcomes.get(202) ?? 0) > 20 && [...outcomes.keys()].some((s) => s >= 400), JSON.stringify([...outcomes]));
  });

  test('POST: hand-picked hostile bodies', async () => {
    const one = validObjects(prng(SEED + 2));
    const cases: [string, string | Buffer, string?][] = [
      ['malformed JSON', '{"objects": ['],
      ['empty body', ''],
      ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
      ['10k nested arrays as the envelope', DEEP_TEXT],
      ['10k nested objects in an object', JSON.stringify({ objects: [{ ...one[0], x_deep: DEEP }] }).replace(`"${DEEP}"`, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)],
      ['10k nested arrays in a property', deepen(JSON.stringify({ objects: [{ ...one[0], labels: DEEP }] }))],
      ['10k nested arrays in the list', `{"objects":[${DEEP_TEXT}]}`],
      ['a 2 MB string', JSON.stringify({ objects: [{ ...one[0], description: 'z'.repeat(2_000_000) }] })],
      ['a 2 MB property name', `{"objects":[{"${'k'.repeat(2_000_000)}":1}]}`],
      ['wrong types everywhere', JSON.stringify({ objects: [{ type: 1, id: [], created: {}, modified: null, spec_version: true }] })],
      ['an invalid pattern', JSON.stringify({ objects: [{ ...one[0], type: 'indicator', pattern: "[ipv4-addr:value = '", pattern_type: 'stix' }] })],
      ['a bogus id', JSON.stringify({ objects: [{ ...one[0], id: 'indicator--6ba7b810-9dad-11d1-80b4-00c04fd430c8x' }] })],
      ['prototype pollution', '{"objects":[{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}]}'],
      ['10,001 empty objects', JSON.stringify({ objects: Array.from({ length: 10_001 }, () => ({})) })],
      ['a charset parameter', JSON.stringify({ objects: one }), `${TAXII};charset=utf-8`],
    ];
    for (const [name, payload, ct] of cases) {
      const status = await postAndCheck(payload, ct ?? TAXII, name);
      if (name === 'a charset parameter') assert.equal(status, 202, name);
    }
    // Over the API root's max_content_length: 413, in the TAXII format.
    const big = JSON.stringify({ objects: [{ ...one[0], description: 'b'.repeat(11 * 1024 * 1024) }] });
    assert.equal(await postAndCheck(big, TAXII, '11 MiB body'), 413);
  });

  test('GET: hostile cursors, match[...] values, headers and path parameters', { timeout: 60_000 }, async () => {
    const rng = prng(SEED + 3);
    const mutateText = textMutator(SEED + 4, ['%2F', '%2e%2e', '..', '/', '😀', '%F0%9F%98%80', '\u202e', '%25', '?', '#', '&', '=', ',', '[', ']', "'", '"', '%20', '+', '~', '%00']);
    // A real object and a real cursor to start from.
    const seed = validObjects(prng(SEED + 5));
    await postAndCheck(JSON.stringify({ objects: seed }), TAXII, 'seed objects');
    const page = await h.call('GET', `${OBJECTS}?limit=1`, { token: writer, headers: taxiiHeaders() });
    const realNext = (page.json() as { next?: string }).next ?? '';
    const realId = String(seed[0]!.id);
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    const NEXTS = [
      realNext,
      '',
      'bogus',
      cursor('c1.-5'),
      cursor('c1.99999999999999999'),
      cursor('c1.9999999999999999'),
      cursor('c1.1e5'),
      cursor('c2.5'),
      cursor('c1.5\u0000'),
      realNext + realNext,
      'A'.repeat(41),
      '====',
      '%2F%2F',
      '😀',
    ];
    const MATCH = {
      'match[id]': [realId, `${realId},${realId}`, realId.toUpperCase(), 'indicator--', "indicator--' OR 1=1 --", Array.from({ length: 101 }, () => realId).join(','), `${realId},,`, '%00', 'a'.repeat(310)],
      'match[type]': ['indicator', 'indicator,malware', 'INDICATOR', 'x-', '-x', 'a', 'indicator;sighting', 'a'.repeat(251), '😀'],
      'match[version]': ['all', 'first', 'last', 'first,last', 'first,all', 'last,2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z', '2026-02-30T00:00:00Z', '2026-01-01T00:00:00.1234567891Z', '2026-01-01', 'all,all,all', 'now'],
      'match[spec_version]': ['2.1', '2.0,2.1', '2', '2.1.0', '3.0', 'latest'],
      added_after: ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.123456789Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-13-01T00:00:00Z', '1700000000', 'yesterday', ''],
      limit: ['1', '1000', '1001', '999999999', '0', '-1', '1.5', '1e3', '0x10', ' 5', ''],
    } as const;
    const paths = () => [
      ROOT,
      `${ROOT}collections/`,
      COL,
      OBJECTS,
      `${OBJECTS}${realId}/`,
      `${OBJECTS}${realId}/versions/`,
      `${COL}manifest/`,
      `${ROOT}status/${randomUUID()}/`,
      '/taxii2/',
    ];
    const seg = (s: string) => mutateText(s).toString();
    const deadline = Date.now() + 8_000;
    const statuses = new Map<number, number>();
    let i = 0;
    for (; i < 500 && Date.now() < deadline; i++) {
      let path = rng.pick(paths());
      const query: string[] = [];
      const headers: Record<string, string> = { accept: TAXII };
      let method = 'GET';
      let token: string | null = rng.int(6) === 0 ? other : writer;
      switch (rng.int(6)) {
        case 0:
          query.push(`next=${encodeURIComponent(rng.pick(NEXTS))}`);
          break;
        case 1: {
          for (let k = 0, n = 1 + rng.int(3); k < n; k++) {
            const name = rng.pick(Object.keys(MATCH)) as keyof typeof MATCH;
            query.push(`${encodeURIComponent(name)}=${encodeURIComponent(rng.pick(MATCH[name]))}`);
          }
          if (rng.int(4) === 0) query.push(`match[${rng.pick(['foo', 'id][', '', 'ID'])}]=x`);
          break;
        }
        case 2:
          headers.accept = rng.pick(ACCEPTS);
          break;
        case 3: {
          // Path parameters: the API root, the collection, the object or status id, mutated and re-encoded.
          const parts = path.split('/');
          const at = 2 + rng.int(Math.max(1, parts.length - 3));
          const mutated = seg(parts[at] ?? '');
          // Malformed percent-encoding and over-long parameters are the router's business (see the todo test below).
          parts[at] = encodeURIComponent(mutated).slice(0, 190);
          path = parts.join('/');
          break;
        }
        case 4:
          method = rng.pick(['HEAD', 'PUT', 'PATCH', 'OPTIONS', 'DELETE']);
          break;
        default:
          token = null;
          if (rng.int(2) === 0) headers.authorization = rng.pick(['Bearer nope', 'Basic ' + Buffer.from(':nope').toString('base64'), 'Basic !!!', 'Digest x', 'Bearer', `Bearer ${writer}x`]);
      }
      const url = `${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
      const where = `#${i} ${method} ${url.slice(0, 200)} accept=${headers.accept?.slice(0, 60)}`;
      if (method === 'DELETE' && path.includes(realId)) continue;
      const r = await h.call(method, url, { token, headers });
      checkAnswer(r, where, method);
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
    }
    if (process.env.FUZZ_DEBUG) process.stderr.write(`GET fuzz: ${i} requests, statuses ${JSON.stringify([...statuses])}\n`);
    assert.ok(i >= 100, `ran ${i} iterations`);
    // Paging with a cursor from the fuzz never breaks a later, honest walk.
    const all = await h.call('GET', `${OBJECTS}?limit=7`, { token: writer, headers: taxiiHeaders() });
    assert.equal(all.statusCode, 200);
  });

  test('every unknown or refused TAXII resource answers in the TAXII error format', async () => {
    const cases: [string, string, Record<string, string>, string | null][] = [
      ['GET', '/taxii2/nope/', {}, writer],
      ['GET', `${ROOT}collections/${randomUUID()}/objects/`, {}, writer],
      ['GET', `${ROOT}collections/${randomUUID()}/objects/`, {}, null],
      ['POST', OBJECTS, { 'content-type': TAXII }, null],
      ['GET', `${ROOT}status/${randomUUID()}/`, {}, writer],
      ['GET', `${OBJECTS}not-an-id/`, {}, writer],
      ['GET', `${OBJECTS}indicator--${randomUUID()}/versions/`, {}, writer],
      ['GET', `${ROOT}collections`, {}, writer],
      ['PUT', OBJECTS, {}, writer],
      ['GET', `${OBJECTS}%2F..%2F..%2Fetc%2Fpasswd/`, {}, writer],
      ['GET', `${ROOT}collections/%F0%9F%98%80/`, {}, writer],
      ['GET', '/taxii2/', { accept: 'application/xml' }, null],
      ['GET', `${OBJECTS}?match[id]=%00`, {}, writer],
    ];
    for (const [method, url, headers, token] of cases) {
      const r = await h.call(method, url, { token, headers: { accept: TAXII, ...headers }, ...(method === 'POST' ? { payload: '{"objects":[]}' } : {}) });
      assertTaxiiError(r, `${method} ${url}`);
    }
  });

  test(
    'malformed percent-encoding and over-long path parameters under /taxii2 answer in the TAXII error format',
    async () => {
      for (const url of [`${ROOT}collections/%E0%A4%A/objects/`, '/taxii2/%ZZ/', `${ROOT}collections/${'a'.repeat(300)}/`]) {
        const r = await h.call('GET', url, { token: writer, headers: { accept: TAXII } });
        assertTaxiiError(r, url);
      }
    },
  );
});
