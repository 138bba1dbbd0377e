/**
 * THE leak test of the intel pillar (DESIGN.md, Access model): TLP 2.0 holds
 * on every path out, for every viewer.
 *
 * A demo-northwind analyst shares objects at every TLP level, each carrying a
 * unique marker (in its name, description and pattern value); fabrikam records
 * sightings on some of them. Then every viewer walks every path out — TAXII
 * (listings with and without filters, paging, Basic auth, one object, its
 * versions, the manifest), REST (search by value, type, label, TLP and author;
 * object detail with its versions and related objects; activity counts;
 * export in every format) and the public ledger — and each marker must appear
 * exactly where the table below says the viewer may read it. Any marker where
 * the table says "." is a leak.
 *
 * The table is written out by hand from DESIGN.md's rule. It is deliberately
 * not computed with canRead (that would make the test agree with whatever the
 * code does); canRead is only checked against the table, as one more subject.
 *
 * It runs on SQLite and, when a server is reachable (ACCORD_TEST_PG_URL), on
 * PostgreSQL: each store spells the rule as its own query predicate.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { demoToken, startHarness, type Harness } from './harness.js';
import { DEFAULT_COLLECTION_ID } from '../../src/context.js';
import { canRead } from '../../src/intel/access.js';
import { deterministicScoId } from '../../src/intel/stix/deterministic-id.js';
import { entryBundlePath } from '../../src/ledger/tile-path.js';
import { createTestDatabase, pgAvailability, type TestDatabase } from '../store/pg-harness.js';

const TAXII = 'application/taxii+json;version=2.1';
const COL = `/taxii2/api/collections/${DEFAULT_COLLECTION_ID}`;
/** Accord's property extension naming recipients. */
const SHARING = 'extension-definition--95134031-617f-408f-baad-23112f5fa8a1';
/** TLP 2.0 marking definitions (oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0). */
const TLP2 = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
} as const;
/** TLP 1.0 AMBER, predefined by STIX 2.1 §7.2.1.4. */
const TLP1_AMBER = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';
const EXPORT_FORMATS = ['stix', 'csv', 'suricata', 'zeek', 'misp'] as const;

/** Who looks. The named RED user is the adatum analyst; their org-admin is not named. */
const VIEWERS = ['anon', 'author', 'colleague', 'contoso', 'fabrikam', 'tailspin', 'admin', 'redUser', 'redUserColleague'] as const;
type ViewerName = (typeof VIEWERS)[number];
const SIGNED_IN = VIEWERS.filter((v) => v !== 'anon');

/**
 * Who may read each object version: one column per viewer, in VIEWERS order.
 *   anon  author  colleague  contoso  fabrikam  tailspin  admin  redUser  redUserColleague
 * `author` is the northwind analyst who shared everything except the sightings (fabrikam's
 * analyst recorded those). "group" is a sharing group owned by northwind with fabrikam as
 * its only member; "adatum" is analyst@demo-adatum.example.
 */
const TABLE = {
  clear: /*         CLEAR                                      */ 'Y Y Y Y Y Y Y Y Y',
  green: /*         GREEN                                      */ '. Y Y Y Y Y Y Y Y',
  amber: /*         AMBER, nobody named                        */ '. Y Y . . . . . .',
  amberOrg: /*      AMBER naming org contoso                   */ '. Y Y Y . . . . .',
  amberGroup: /*    AMBER naming the group (fabrikam)          */ '. Y Y . Y . . . .',
  amberUser: /*     AMBER naming user adatum                   */ '. Y Y . . . . Y .',
  amberStrict: /*   AMBER+STRICT naming contoso (ignored)      */ '. Y Y . . . . . .',
  redUser: /*       RED naming user adatum                     */ '. Y . . . . . Y .',
  redOrg: /*        RED naming org contoso                     */ '. Y . Y . . . . .',
  unmarked: /*      no marking: the collection default AMBER   */ '. Y Y . . . . . .',
  tlp1Amber: /*     TLP 1.0 AMBER                              */ '. Y Y . . . . . .',
  granularRed: /*   GREEN with a granular RED part             */ '. Y . . . . . . .',
  scoRedUser: /*    domain-name SCO, RED naming user adatum    */ '. Y . . . . . Y .',
  raisedV1: /*      v1 GREEN …                                 */ '. Y Y Y Y Y Y Y Y',
  raisedV2: /*      … v2 RED, nobody named                     */ '. Y . . . . . . .',
  loweredV1: /*     v1 RED naming user adatum …                */ '. Y . . . . . Y .',
  loweredV2: /*     … v2 GREEN                                 */ '. Y Y Y Y Y Y Y Y',
  relAmberOrg: /*   relationship clear→green, AMBER naming contoso */ '. Y Y Y . . . . .',
  sightAmber: /*    fabrikam's AMBER sighting of amberGroup    */ '. Y Y . Y . . . .',
  sightGreen: /*    fabrikam's GREEN sighting of green         */ '. Y Y Y Y Y Y Y Y',
  sightRed: /*      fabrikam's RED sighting of green           */ '. Y Y . Y . . . .',
} as const satisfies Record<string, string>;
type Key = keyof typeof TABLE;
const KEYS = Object.keys(TABLE) as Key[];

function allowed(k: Key, v: ViewerName): boolean {
  const cells = TABLE[k].split(' ');
  assert.equal(cells.length, VIEWERS.length, `TABLE.${k} has a cell per viewer`);
  return cells[VIEWERS.indexOf(v)] === 'Y';
}

type Kind = 'indicator' | 'domain-name' | 'relationship' | 'sighting';
type Tlp = keyof typeof TLP2;

/** One object version as shared. */
interface Version {
  key: Key;
  id: string;
  kind: Kind;
  marker: string;
  /** The TLP that governs it (what activity counts it under). */
  tlp: Tlp;
  /** The TAXII version (modified), or null for an SCO (versioned by date_added). */
  modified: string | null;
  latest: boolean;
  first: boolean;
  /** STIX ids it points at (what makes it "related" to them). */
  refs: string[];
  labelled: boolean;
  author: 'northwind' | 'fabrikam';
}

interface World {
  h: Harness;
  tokens: Record<ViewerName, string | null>;
  versions: Record<Key, Version>;
  /** Every STIX id shared here, with its versions in order. */
  ids: Map<string, Version[]>;
  run: string;
  /** A date_added before anything shared here (for added_after). */
  mark: string;
  baseline: Record<ViewerName, Map<string, number>>;
  group: string;
  /** The shared STIX objects (not the sightings), as posted. */
  posted: Partial<Record<Key, Record<string, unknown>>>;
}

const stamp = (offsetMs: number) => new Date(Date.parse('2026-02-01T00:00:00.000Z') + offsetMs).toISOString();

async function activityCounts(h: Harness, token: string | null): Promise<Map<string, number>> {
  const r = await h.call('GET', '/api/v1/intel/activity?days=30', { token });
  assert.equal(r.statusCode, 200, r.body);
  const m = new Map<string, number>();
  for (const i of (r.json() as { items: { type: string; tlp: string; count: number }[] }).items) m.set(`${i.type}/${i.tlp}`, (m.get(`${i.type}/${i.tlp}`) ?? 0) + i.count);
  return m;
}

/** Shares the objects of the table through the real TAXII and REST paths. */
async function buildWorld(h: Harness): Promise<World> {
  const init = h.init;
  const tokens: Record<ViewerName, string | null> = {
    anon: null,
    author: demoToken(init, 'demo-northwind', 'analyst'),
    colleague: demoToken(init, 'demo-northwind', 'org-admin'),
    contoso: demoToken(init, 'demo-contoso-cloud', 'analyst'),
    fabrikam: demoToken(init, 'demo-fabrikam', 'analyst'),
    tailspin: demoToken(init, 'demo-tailspin', 'analyst'),
    admin: init.admin_token,
    redUser: demoToken(init, 'demo-adatum', 'analyst'),
    redUserColleague: demoToken(init, 'demo-adatum', 'org-admin'),
  };
  const run = randomBytes(4).toString('hex');
  const group = `leak-${run}`;
  const g = await h.call('POST', '/api/v1/intel/groups', { token: tokens.colleague, body: { slug: group, name: 'Leak test group', members: ['demo-fabrikam'] } });
  assert.equal(g.statusCode, 201, g.body);

  const baseline = {} as Record<ViewerName, Map<string, number>>;
  for (const v of VIEWERS) baseline[v] = await activityCounts(h, tokens[v]);
  const head = await h.call('GET', `${COL}/objects/`, { token: tokens.admin, headers: { accept: TAXII } });
  assert.equal(head.statusCode, 200);
  const mark = String(head.headers['x-taxii-date-added-last']);

  const versions = {} as Record<Key, Version>;
  const posted: Partial<Record<Key, Record<string, unknown>>> = {};
  const usedMarkers = new Set<string>();
  const newMarker = (): string => {
    for (;;) {
      const m = `mk${randomBytes(6).toString('hex')}`;
      if (![...usedMarkers].some((u) => u.includes(m) || m.includes(u))) {
        usedMarkers.add(m);
        return m;
      }
    }
  };
  const recipients = (list: string[]) => ({ extensions: { [SHARING]: { extension_type: 'property-extension', recipients: list } } });
  let clock = 0;
  const indicator = (key: Key, tlp: Tlp, extra: Record<string, unknown>, o: { id?: string; created?: string; latest?: boolean; first?: boolean } = {}): Record<string, unknown> => {
    const marker = newMarker();
    const id = o.id ?? `indicator--${randomUUID()}`;
    const modified = stamp(++clock * 1000);
    versions[key] = { key, id, kind: 'indicator', marker, tlp, modified, latest: o.latest ?? true, first: o.first ?? true, refs: [], labelled: true, author: 'northwind' };
    return (posted[key] = {
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: o.created ?? modified,
      modified,
      name: `Leak test ${marker}`,
      description: `Marker ${marker} (${key})`,
      indicator_types: ['malicious-activity'],
      pattern: `[domain-name:value = '${marker}.leak.example']`,
      pattern_type: 'stix',
      valid_from: modified,
      labels: [`leak-${run}`, `lbl-${marker}`],
      ...extra,
    });
  };
  const first: Record<string, unknown>[] = [
    indicator('clear', 'CLEAR', { object_marking_refs: [TLP2.CLEAR] }),
    indicator('green', 'GREEN', { object_marking_refs: [TLP2.GREEN] }),
    indicator('amber', 'AMBER', { object_marking_refs: [TLP2.AMBER] }),
    indicator('amberOrg', 'AMBER', { object_marking_refs: [TLP2.AMBER], ...recipients(['org:demo-contoso-cloud']) }),
    indicator('amberGroup', 'AMBER', { object_marking_refs: [TLP2.AMBER], ...recipients([`group:${group}`]) }),
    indicator('amberUser', 'AMBER', { object_marking_refs: [TLP2.AMBER], ...recipients(['user:analyst@demo-adatum.example']) }),
    indicator('amberStrict', 'AMBER+STRICT', { object_marking_refs: [TLP2['AMBER+STRICT']], ...recipients(['org:demo-contoso-cloud']) }),
    indicator('redUser', 'RED', { object_marking_refs: [TLP2.RED], ...recipients(['user:analyst@demo-adatum.example']) }),
    indicator('redOrg', 'RED', { object_marking_refs: [TLP2.RED], ...recipients(['org:demo-contoso-cloud']) }),
    indicator('unmarked', 'AMBER', {}),
    indicator('tlp1Amber', 'AMBER', { object_marking_refs: [TLP1_AMBER] }),
    indicator('granularRed', 'RED', { object_marking_refs: [TLP2.GREEN], granular_markings: [{ marking_ref: TLP2.RED, selectors: ['description'] }] }),
  ];
  const scoMarker = newMarker();
  const sco: Record<string, unknown> = { type: 'domain-name', spec_version: '2.1', value: `${scoMarker}.leak.example`, object_marking_refs: [TLP2.RED], ...recipients(['user:ANALYST@demo-adatum.example']) };
  sco.id = deterministicScoId(sco);
  posted.scoRedUser = sco;
  versions.scoRedUser = { key: 'scoRedUser', id: sco.id as string, kind: 'domain-name', marker: scoMarker, tlp: 'RED', modified: null, latest: true, first: true, refs: [], labelled: false, author: 'northwind' };
  first.push(sco);
  const raisedId = `indicator--${randomUUID()}`;
  const loweredId = `indicator--${randomUUID()}`;
  const raisedCreated = stamp(++clock * 1000);
  const loweredCreated = stamp(++clock * 1000);
  first.push(indicator('raisedV1', 'GREEN', { object_marking_refs: [TLP2.GREEN] }, { id: raisedId, created: raisedCreated, latest: false }));
  first.push(indicator('loweredV1', 'RED', { object_marking_refs: [TLP2.RED], ...recipients(['user:analyst@demo-adatum.example']) }, { id: loweredId, created: loweredCreated, latest: false }));
  const relMarker = newMarker();
  const relModified = stamp(++clock * 1000);
  const rel = {
    type: 'relationship',
    spec_version: '2.1',
    id: `relationship--${randomUUID()}`,
    created: relModified,
    modified: relModified,
    relationship_type: 'related-to',
    source_ref: versions.clear.id,
    target_ref: versions.green.id,
    description: `Marker ${relMarker} (relAmberOrg)`,
    labels: [`leak-${run}`, `lbl-${relMarker}`],
    object_marking_refs: [TLP2.AMBER],
    ...recipients(['org:demo-contoso-cloud']),
  };
  versions.relAmberOrg = {
    key: 'relAmberOrg',
    id: rel.id,
    kind: 'relationship',
    marker: relMarker,
    tlp: 'AMBER',
    modified: relModified,
    latest: true,
    first: true,
    refs: [versions.clear.id, versions.green.id],
    labelled: true,
    author: 'northwind',
  };
  first.push(rel);
  const second = [
    indicator('raisedV2', 'RED', { object_marking_refs: [TLP2.RED] }, { id: raisedId, created: raisedCreated, first: false }),
    indicator('loweredV2', 'GREEN', { object_marking_refs: [TLP2.GREEN] }, { id: loweredId, created: loweredCreated, first: false }),
  ];

  for (const batch of [first, second]) {
    const r = await h.call('POST', `${COL}/objects/`, { token: tokens.author, headers: { accept: TAXII, 'content-type': TAXII }, payload: JSON.stringify({ objects: batch }) });
    assert.equal(r.statusCode, 202, r.body);
    const s = r.json() as { status: string; success_count: number; failure_count: number; failures: unknown[] };
    assert.equal(s.status, 'complete');
    assert.deepEqual(s.failures, []);
    assert.equal(s.success_count, batch.length);
  }

  // Fabrikam records sightings through the REST API, as the console does.
  for (const [key, of, tlp] of [
    ['sightAmber', 'amberGroup', 'AMBER'],
    ['sightGreen', 'green', 'GREEN'],
    ['sightRed', 'green', 'RED'],
  ] as const) {
    const marker = newMarker();
    const sightedId = versions[of].id;
    const r = await h.call('POST', `/api/v1/intel/objects/${sightedId}/sightings`, { token: tokens.fabrikam, body: { count: 2, description: `Marker ${marker} (${key})`, tlp } });
    assert.equal(r.statusCode, 201, r.body);
    const found = await h.call('GET', `/api/v1/intel/objects?ref=${sightedId}&type=sighting&limit=500`, { token: tokens.fabrikam });
    const item = (found.json() as { items: { id: string; version: string; object: { description?: string } }[] }).items.find((i) => i.object.description?.includes(marker));
    assert.ok(item, `fabrikam finds its own ${key}`);
    versions[key] = { key, id: item.id, kind: 'sighting', marker, tlp, modified: item.version, latest: true, first: true, refs: [sightedId], labelled: false, author: 'fabrikam' };
  }
  assert.deepEqual(Object.keys(versions).sort(), [...KEYS].sort(), 'every row of the table was shared');

  const ids = new Map<string, Version[]>();
  for (const k of KEYS) ids.set(versions[k].id, [...(ids.get(versions[k].id) ?? []), versions[k]]);
  await h.ctx.ledger.integrate();
  return { h, tokens, versions, ids, run, mark, baseline, group, posted };
}

/** Collects every disagreement with the table, so one run reports them all. */
class Findings {
  readonly list: string[] = [];
  add(s: string): void {
    if (this.list.length < 400) this.list.push(s);
  }
  /**
   * Compares the markers in `body` with the table: a marker of a version outside `may` is a
   * leak; a version in `must` whose marker is absent is missing. `may` defaults to `must`.
   */
  markers(w: World, where: string, body: string, must: Iterable<Key>, may: Iterable<Key> = must): void {
    const mustSet = new Set(must);
    const maySet = new Set([...may, ...mustSet]);
    for (const k of KEYS) {
      const present = body.includes(w.versions[k].marker);
      if (present && !maySet.has(k)) this.add(`LEAK ${where}: ${k}`);
      if (!present && mustSet.has(k)) this.add(`missing ${where}: ${k}`);
    }
  }
  status(where: string, got: number, want: number | number[]): boolean {
    const ok = Array.isArray(want) ? want.includes(got) : got === want;
    if (!ok) this.add(`status ${where}: ${got}, expected ${String(want)}`);
    return ok;
  }
  done(): void {
    assert.deepEqual(this.list, [], `${this.list.length} disagreements with the TLP table:\n${this.list.join('\n')}`);
  }
}

const visible = (v: ViewerName, pick: (x: Version) => boolean = () => true) => (w: World): Key[] => KEYS.filter((k) => allowed(k, v) && pick(w.versions[k]));

function leakSuite(name: string, open: () => Promise<{ h: Harness; cleanup: () => Promise<void> }>): void {
  describe(`TLP never leaks (${name})`, () => {
    let w: World;
    let cleanup: () => Promise<void> = async () => {};
    before(
      async () => {
        const o = await open();
        cleanup = o.cleanup;
        w = await buildWorld(o.h);
      },
      { timeout: 60_000 },
    );
    after(async () => {
      await w?.h.close();
      await cleanup();
    });

    const taxii = (v: ViewerName, url: string, auth: 'bearer' | 'basic' = 'bearer') =>
      w.h.call('GET', url, {
        token: auth === 'bearer' ? w.tokens[v] : null,
        headers: { accept: TAXII, ...(auth === 'basic' ? { authorization: `Basic ${Buffer.from(`someone:${w.tokens[v]}`).toString('base64')}` } : {}) },
      });
    const rest = (v: ViewerName, url: string) => w.h.call('GET', url, { token: w.tokens[v] });

    /** Follows a TAXII listing's `next`; returns the bodies joined and parsed, or null when a page was not 200. */
    async function taxiiPages(f: Findings, v: ViewerName, url: string, auth: 'bearer' | 'basic' = 'bearer'): Promise<{ body: string; pages: any[] } | null> {
      let body = '';
      const pages: any[] = [];
      const seen = new Set<string>();
      for (let next: string | undefined; ; ) {
        const r = await taxii(v, next === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`, auth);
        if (!f.status(`${url} as ${v}`, r.statusCode, 200)) return null;
        body += r.body;
        const env = r.json() as { more: boolean; next?: string; objects?: Record<string, unknown>[] };
        pages.push(env);
        for (const o of env.objects ?? []) {
          const sig = JSON.stringify(o);
          if (seen.has(sig)) f.add(`${url} as ${v}: served twice: ${String(o.id)}`);
          seen.add(sig);
        }
        if (!env.more) return { body, pages };
        if (!env.next || pages.length > 200) {
          f.add(`${url} as ${v}: more without a usable next`);
          return { body, pages };
        }
        next = env.next;
      }
    }

    /** Every page of a REST search. */
    async function searchPages(f: Findings, v: ViewerName, query: string): Promise<string> {
      let body = '';
      const seen = new Set<string>();
      let cursor: string | null = null;
      for (let pages = 0; pages < 200; pages++) {
        const r = await rest(v, `/api/v1/intel/objects?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (!f.status(`search ${query} as ${v}`, r.statusCode, 200)) return body;
        body += r.body;
        const p = r.json() as { items: { id: string; version: string }[]; next: string | null };
        for (const i of p.items) {
          if (seen.has(i.id)) f.add(`search ${query} as ${v}: ${i.id} on two pages`);
          seen.add(i.id);
        }
        if (p.next === null) return body;
        cursor = p.next;
      }
      f.add(`search ${query} as ${v}: does not end`);
      return body;
    }

    test('the table is what canRead says, for the ids the store actually holds', async () => {
      // A cross-check only: expectations everywhere else come from the table, not from canRead.
      const f = new Findings();
      const me: Partial<Record<ViewerName, { user: { id: string; role: string }; org: { id: string } }>> = {};
      for (const v of SIGNED_IN) me[v] = (await rest(v, '/api/v1/me')).json();
      const author = me.author!;
      const authorViewer = await w.h.ctx.intel.viewer({ kind: 'user', userId: author.user.id, orgId: author.org.id, role: 'analyst' });
      const rows = (await w.h.ctx.intel.store.listObjects({ collection_id: DEFAULT_COLLECTION_ID, viewer: authorViewer, ids: [...w.ids.keys()], version: { kind: 'all' }, limit: 1000 })).rows;
      for (const k of KEYS) {
        const x = w.versions[k];
        const row = rows.find((r) => r.stix_id === x.id && r.json.includes(x.marker));
        if (!row) {
          f.add(`the author cannot read ${k} in the store`);
          continue;
        }
        if (row.tlp !== x.tlp) f.add(`${k} is stored as ${row.tlp}, shared as ${x.tlp}`);
        for (const v of VIEWERS) {
          const m = me[v];
          const viewer = m ? await w.h.ctx.intel.viewer({ kind: 'user', userId: m.user.id, orgId: m.org.id, role: m.user.role as 'analyst' }) : ({ kind: 'anonymous' } as const);
          if (canRead(viewer, row) !== allowed(k, v)) f.add(`canRead(${v}, ${k}) = ${canRead(viewer, row)}; the table says ${allowed(k, v)}`);
        }
      }
      f.done();
    });

    test('TAXII listings, with and without filters, paged, and with Basic auth', async () => {
      const f = new Findings();
      const ourIds = [...w.ids.keys()].join(',');
      for (const v of VIEWERS) {
        const latest = visible(v, (x) => x.latest)(w);
        const cases: [string, Key[]][] = [
          [`${COL}/objects/`, latest],
          [`${COL}/objects/?limit=3`, latest],
          [`${COL}/objects/?added_after=${encodeURIComponent(w.mark)}`, latest],
          [`${COL}/objects/?match[type]=indicator`, visible(v, (x) => x.latest && x.kind === 'indicator')(w)],
          [`${COL}/objects/?match[type]=sighting,relationship&limit=2`, visible(v, (x) => x.latest && (x.kind === 'sighting' || x.kind === 'relationship'))(w)],
          [`${COL}/objects/?match[id]=${ourIds}`, latest],
          [`${COL}/objects/?match[spec_version]=2.1&match[type]=indicator,domain-name,relationship,sighting`, latest],
          [`${COL}/objects/?match[version]=all`, visible(v)(w)],
          [`${COL}/objects/?match[version]=all&limit=4&match[id]=${ourIds}`, visible(v)(w)],
          [`${COL}/objects/?match[version]=first`, visible(v, (x) => x.first)(w)],
        ];
        for (const [url, must] of cases) {
          const got = await taxiiPages(f, v, url);
          if (got) f.markers(w, `${url} as ${v}`, got.body, must);
        }
        if (v !== 'anon') {
          const got = await taxiiPages(f, v, `${COL}/objects/?match[version]=all`, 'basic');
          if (got) f.markers(w, `objects (Basic auth) as ${v}`, got.body, visible(v)(w));
        }
      }
      f.done();
    });

    test('TAXII: one object, its versions, and the manifest', async () => {
      const f = new Findings();
      // Versions of an SCO are its date_added: learn them from the author, who may read everything.
      const versionOf = new Map<Key, string>();
      for (const k of KEYS) {
        const x = w.versions[k];
        if (x.modified !== null) versionOf.set(k, x.modified);
      }
      const sco = await taxii('author', `${COL}/manifest/?match[id]=${w.versions.scoRedUser.id}`);
      versionOf.set('scoRedUser', (sco.json() as { objects: { version: string }[] }).objects[0]!.version);
      for (const v of VIEWERS) {
        for (const [id, vs] of w.ids) {
          const mine = vs.filter((x) => allowed(x.key, v));
          const latest = vs.find((x) => x.latest)!;
          const firstV = vs.find((x) => x.first)!;
          const where = (what: string) => `${what} ${latest.key} as ${v}`;
          for (const [what, url, must] of [
            ['GET object', `${COL}/objects/${id}/`, allowed(latest.key, v) ? [latest.key] : []],
            ['GET object (all versions)', `${COL}/objects/${id}/?match[version]=all`, mine.map((x) => x.key)],
            ['GET object (first)', `${COL}/objects/${id}/?match[version]=first`, allowed(firstV.key, v) ? [firstV.key] : []],
          ] as const) {
            const r = await taxii(v, url);
            f.status(where(what), r.statusCode, must.length > 0 ? 200 : 404);
            f.markers(w, where(what), r.body, must);
          }
          const r = await taxii(v, `${COL}/objects/${id}/versions/`);
          if (f.status(where('versions'), r.statusCode, mine.length > 0 ? 200 : 404) && mine.length > 0) {
            const got = [...((r.json() as { versions?: string[] }).versions ?? [])].sort();
            const want = mine.map((x) => versionOf.get(x.key)!).sort();
            if (JSON.stringify(got) !== JSON.stringify(want)) f.add(`${where('versions')}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
          }
          f.markers(w, where('versions'), r.body, []);
        }
        for (const [what, query, pick] of [
          ['manifest', '', (x: Version) => x.latest],
          ['manifest (all versions)', '?match[version]=all', () => true],
        ] as const) {
          const listing = await taxiiPages(f, v, `${COL}/manifest/${query}`);
          if (listing === null) continue;
          const got = new Set<string>();
          for (const page of listing.pages as { objects?: { id: string; version: string }[] }[]) {
            for (const o of page.objects ?? []) if (w.ids.has(o.id)) got.add(`${o.id} ${o.version}`);
          }
          const want = new Set(visible(v, pick)(w).map((k) => `${w.versions[k].id} ${versionOf.get(k)}`));
          for (const x of got) if (!want.has(x)) f.add(`LEAK ${what} as ${v}: lists ${x}`);
          for (const x of want) if (!got.has(x)) f.add(`missing ${what} as ${v}: ${x}`);
        }
      }
      f.done();
    });

    test('REST search by value, type, label, TLP and author', async () => {
      const f = new Findings();
      for (const v of VIEWERS) {
        for (const k of KEYS) {
          const x = w.versions[k];
          if (x.kind !== 'indicator' && x.kind !== 'domain-name') continue;
          const value = `${x.marker}.leak.example`;
          const q = KEYS.indexOf(k) % 2 === 0 ? value : value.toUpperCase();
          const r = await rest(v, `/api/v1/intel/objects?q=${encodeURIComponent(q)}`);
          // The latest version is what search serves; an older version's value finds nothing.
          if (f.status(`search q ${k} as ${v}`, r.statusCode, 200)) f.markers(w, `search q=${k} as ${v}`, r.body, x.latest && allowed(k, v) ? [k] : []);
          if (x.labelled) {
            const l = await rest(v, `/api/v1/intel/objects?label=lbl-${x.marker}`);
            if (f.status(`search label ${k} as ${v}`, l.statusCode, 200)) f.markers(w, `search label=lbl-${k} as ${v}`, l.body, x.latest && allowed(k, v) ? [k] : []);
          }
        }
        for (const kind of ['indicator', 'domain-name', 'relationship', 'sighting'] as const) {
          const body = await searchPages(f, v, `type=${kind}&limit=4`);
          f.markers(w, `search type=${kind} as ${v}`, body, visible(v, (x) => x.latest && x.kind === kind)(w));
        }
        f.markers(w, `search label=leak-run as ${v}`, await searchPages(f, v, `label=leak-${w.run}&limit=5`), visible(v, (x) => x.latest && x.labelled)(w));
        for (const tlp of Object.keys(TLP2) as Tlp[]) {
          f.markers(w, `search tlp=${tlp} as ${v}`, await searchPages(f, v, `tlp=${encodeURIComponent(tlp)}&limit=100`), visible(v, (x) => x.latest && x.tlp === tlp)(w));
        }
        f.markers(w, `search author=demo-northwind as ${v}`, await searchPages(f, v, 'author=demo-northwind&limit=100'), visible(v, (x) => x.latest && x.author === 'northwind')(w));
        f.markers(w, `search author=demo-fabrikam as ${v}`, await searchPages(f, v, 'author=demo-fabrikam&limit=100'), visible(v, (x) => x.latest && x.author === 'fabrikam')(w));
        f.markers(w, `search (no filter) as ${v}`, await searchPages(f, v, 'limit=500'), visible(v, (x) => x.latest)(w));
      }
      f.done();
    });

    test('REST object detail, with its versions and related objects', async () => {
      const f = new Findings();
      for (const v of VIEWERS) {
        for (const [id, vs] of w.ids) {
          const latest = vs.find((x) => x.latest)!;
          const where = `detail ${latest.key} as ${v}`;
          const r = await rest(v, `/api/v1/intel/objects/${id}`);
          if (!allowed(latest.key, v)) {
            f.status(where, r.statusCode, 404);
            f.markers(w, where, r.body, []);
            continue;
          }
          if (!f.status(where, r.statusCode, 200)) continue;
          const mine = vs.filter((x) => allowed(x.key, v)).map((x) => x.key);
          const related = visible(v, (x) => x.latest && x.refs.includes(id))(w);
          f.markers(w, where, r.body, [...mine, ...related]);
          const d = r.json() as { object: unknown; versions: { object: unknown }[]; related: { id: string }[]; ledger: { salt: string | null } | null };
          f.markers(w, `${where} (object)`, JSON.stringify(d.object), [latest.key]);
          f.markers(w, `${where} (versions)`, JSON.stringify(d.versions), mine);
          f.markers(w, `${where} (related)`, JSON.stringify(d.related), related);
          if (d.ledger && (d.ledger.salt === null) !== (latest.tlp === 'CLEAR')) f.add(`${where}: a salt is given exactly for non-CLEAR content`);
        }
      }
      f.done();
    });

    test('REST activity counts only what each viewer may read', async () => {
      const f = new Findings();
      for (const v of VIEWERS) {
        const now = await activityCounts(w.h, w.tokens[v]);
        const want = new Map<string, number>();
        for (const k of visible(v, (x) => x.latest)(w)) {
          const x = w.versions[k];
          want.set(`${x.kind}/${x.tlp}`, (want.get(`${x.kind}/${x.tlp}`) ?? 0) + 1);
        }
        for (const bucket of new Set([...now.keys(), ...want.keys(), ...w.baseline[v].keys()])) {
          const delta = (now.get(bucket) ?? 0) - (w.baseline[v].get(bucket) ?? 0);
          if (delta !== (want.get(bucket) ?? 0)) f.add(`activity ${bucket} as ${v}: grew by ${delta}, expected ${want.get(bucket) ?? 0}`);
        }
      }
      f.done();
    });

    test('REST export in every format', async () => {
      const f = new Findings();
      for (const v of VIEWERS) {
        for (const format of EXPORT_FORMATS) {
          const r = await rest(v, `/api/v1/intel/export?format=${format}`);
          if (!f.status(`export ${format} as ${v}`, r.statusCode, 200)) continue;
          const may = visible(v, (x) => x.latest)(w);
          // STIX carries every object; the indicator formats carry pattern values (CSV and MISP also SCO values).
          const carried = (x: Version) =>
            format === 'stix' || x.kind === 'indicator' || (x.kind === 'domain-name' && (format === 'csv' || format === 'misp'));
          f.markers(w, `export ${format} as ${v}`, r.body, visible(v, (x) => x.latest && carried(x))(w), may);
        }
        const only = await rest(v, `/api/v1/intel/export?format=stix&type=sighting&collection=shared`);
        if (f.status(`export stix sightings as ${v}`, only.statusCode, 200)) f.markers(w, `export stix type=sighting as ${v}`, only.body, visible(v, (x) => x.latest && x.kind === 'sighting')(w));
      }
      f.done();
    });

    test('sightings reach the author of the object (AMBER) and never an uninvolved organisation', async () => {
      const amberGroup = w.versions.amberGroup.id;
      const sightedBy = async (v: ViewerName, id: string) => {
        const r = await rest(v, `/api/v1/intel/objects?ref=${id}&type=sighting`);
        assert.equal(r.statusCode, 200);
        return (r.json() as { items: { object: { description?: string } }[] }).items.map((i) => i.object.description ?? '');
      };
      for (const v of ['author', 'colleague', 'fabrikam'] as const) {
        assert.ok((await sightedBy(v, amberGroup)).some((d) => d.includes(w.versions.sightAmber.marker)), `${v} sees fabrikam's AMBER sighting`);
      }
      for (const v of ['contoso', 'tailspin', 'admin', 'redUser', 'anon'] as const) assert.deepEqual(await sightedBy(v, amberGroup), [], `${v} sees no sighting of amberGroup`);
      // A RED sighting names the author's organisation: the whole of it, and the fabrikam analyst who made it.
      for (const v of ['contoso', 'tailspin', 'admin'] as const) {
        assert.ok(!(await sightedBy(v, w.versions.green.id)).some((d) => d.includes(w.versions.sightRed.marker)), `${v} never sees the RED sighting`);
      }
      // Sighting something you may not read is refused as if it did not exist, and stores nothing.
      const before = (await sightedBy('author', w.versions.amberOrg.id)).length;
      const r = await w.h.call('POST', `/api/v1/intel/objects/${w.versions.amberOrg.id}/sightings`, { token: w.tokens.fabrikam, body: { count: 1, description: 'should not exist' } });
      assert.equal(r.statusCode, 404, r.body);
      assert.ok(!r.body.includes(w.versions.amberOrg.marker));
      assert.equal((await sightedBy('author', w.versions.amberOrg.id)).length, before);
    });

    test('the public ledger: non-CLEAR entries hold a commitment, never the content', async () => {
      const f = new Findings();
      await w.h.ctx.ledger.integrate();
      const cp = await w.h.call('GET', '/log/checkpoint');
      assert.equal(cp.statusCode, 200);
      const size = Number(cp.body.split('\n')[1]);
      assert.ok(size > 0);
      let all = '';
      for (let i = 0; i < size; i++) {
        const r = await w.h.call('GET', `/api/v1/log/entries/${i}`);
        if (!f.status(`log entry ${i}`, r.statusCode, 200)) continue;
        all += `${Buffer.from((r.json() as { data: string }).data, 'base64').toString('latin1')}\n`;
      }
      // Only the CLEAR object is logged in the clear.
      f.markers(w, 'the public log', all, ['clear']);
      // The same bytes as tlog-tiles entry bundles, as a CDN would serve them.
      let bundles = '';
      for (let n = 0; n * 256 < size; n++) {
        const width = Math.min(256, size - n * 256);
        const r = await w.h.call('GET', `/log/${entryBundlePath({ index: n, width })}`);
        if (f.status(`entry bundle ${n}`, r.statusCode, 200)) bundles += r.rawPayload.toString('latin1');
      }
      f.markers(w, 'the public entry bundles', bundles, ['clear']);
      // Readers get the salt and can open the commitment; the detail says where the entry is.
      const d = await rest('redUser', `/api/v1/intel/objects/${w.versions.redUser.id}`);
      assert.equal(d.statusCode, 200);
      const ledger = (d.json() as { ledger: { index: number; salt: string | null; kind: string } }).ledger;
      assert.equal(ledger.kind, 'intel');
      assert.match(String(ledger.salt), /^[0-9a-f]{64}$/);
      const entry = await w.h.call('GET', `/api/v1/log/entries/${ledger.index}`);
      assert.ok(!Buffer.from((entry.json() as { data: string }).data, 'base64').toString('latin1').includes(w.versions.redUser.marker));
      f.done();
    });

    // Last: when it passes, contoso will have shared its own copies of some values.
    test(
      're-posting tells a writer nothing about objects it may not read',
      async () => {
        const post = async (o: Record<string, unknown>) => {
          const r = await w.h.call('POST', `${COL}/objects/`, { token: w.tokens.contoso, headers: { accept: TAXII, 'content-type': TAXII }, payload: JSON.stringify({ objects: [o] }) });
          assert.equal(r.statusCode, 202);
          return r.json() as { success_count: number; failure_count: number; successes: { message?: string }[] };
        };
        const redUser = w.posted.redUser!;
        const sco: Record<string, unknown> = { type: 'domain-name', spec_version: '2.1', value: w.posted.scoRedUser!.value, object_marking_refs: [TLP2.AMBER] };
        sco.id = deterministicScoId(sco);
        const guesses: [string, Record<string, unknown>][] = [
          ['an exact copy of a RED object', structuredClone(redUser)],
          // (another hidden object: after the first guess contoso has its own copy of redUser, and its own data may conflict)
          ['a wrong guess at a hidden object\'s content', { ...w.posted.amberStrict!, pattern: "[domain-name:value = 'guess.leak.example']" }],
          ['an SCO with the value of a RED SCO', sco],
        ];
        for (const [what, guess] of guesses) {
          const s = await post(guess);
          assert.deepEqual([s.success_count, s.failure_count, s.successes[0]?.message], [1, 0, undefined], `${what}: answered as if nothing were there`);
          const back = await taxii('contoso', `${COL}/objects/${String(guess.id)}/`);
          assert.equal(back.statusCode, 200, `${what}: contoso reads back what it shared`);
        }
      },
    );
  });
}

leakSuite('SQLite', async () => ({ h: await startHarness(), cleanup: async () => {} }));

const pgSkip = await pgAvailability();
if (pgSkip === false) {
  let db: TestDatabase | undefined;
  leakSuite('PostgreSQL', async () => {
    db = await createTestDatabase();
    return { h: await startHarness({ env: { ACCORD_DATABASE_URL: db.url } }), cleanup: async () => db?.drop() };
  });
} else {
  describe('TLP never leaks (PostgreSQL)', { skip: pgSkip }, () => {
    test('skipped', () => {});
  });
}
