import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.js';
import type {
  ApiRoot,
  Collection,
  IntelObjectVersion,
  IntelStatus,
  IntelStore,
  NewIntelObjectVersion,
  Recipient,
  SharingGroup,
  VersionMatch,
  Viewer,
} from '../../src/intel/ports.js';
import { canRead } from '../../src/intel/access.js';
import { TLP_LEVELS, type TlpLevel } from '../../src/intel/tlp.js';
import { IntelError } from '../../src/intel/errors.js';
import { at } from './fixtures.js';
import { microsToIso } from '../../src/intel/timestamp.js';

export interface IntelStoreContractOptions {
  /** Shown in the test names, e.g. `sqlite`. */
  name: string;
  /** A fresh, empty, migrated store whose intel seqs start from `intelClock` (µs) when given; the contract closes it. */
  newStore(options?: { intelClock?: () => number }): Promise<Store>;
  /** When a string, every case is reported as skipped with this reason. */
  skip?: string | false;
}

type Case = (s: IntelStore, clock: ManualClock, store: Store) => Promise<void>;

/** A seq clock the test moves by hand. */
interface ManualClock {
  now: number;
}

/** 2024-03-05T00:00:00Z in µs: the clock's start, at midnight so day buckets are predictable. */
const T0 = Date.UTC(2024, 2, 5) * 1000;
const DAY = 86_400_000_000;

export function makeApiRoot(n: number | string, over: Partial<ApiRoot> = {}): ApiRoot {
  return { id: `root-${n}`, title: `API root ${n}`, description: `Root ${n}, "quoted", ünïcödé`, max_content_length: 10_485_760, created_at: at(Number(n) || 0), ...over };
}

export function makeCollection(n: number, over: Partial<Collection> = {}): Collection {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    api_root: 'root-1',
    title: `Collection ${n}`,
    description: null,
    alias: `c${n}`,
    default_tlp: 'GREEN',
    public_read: n % 2 === 0,
    grants: [
      { org_id: null, role: null, read: true, write: false },
      { org_id: 'org-a', role: 'analyst', read: true, write: true },
    ],
    created_at: at(n),
    ...over,
  };
}

/** A version of `indicator--<n>`, authored by user-a1 of org-a unless told otherwise. */
export function makeVersion(n: number | string, over: Partial<NewIntelObjectVersion> = {}): NewIntelObjectVersion {
  const stix_id = over.stix_id ?? `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const version = over.version ?? '2024-01-01T00:00:00.000Z';
  const type = over.type ?? stix_id.split('--')[0]!;
  return {
    stix_id,
    type,
    version,
    spec_version: '2.1',
    tlp: 'GREEN',
    author_org_id: 'org-a',
    author_user_id: 'user-a1',
    recipients: [],
    revoked: false,
    json: JSON.stringify({ type, spec_version: '2.1', id: stix_id, created: '2024-01-01T00:00:00.000Z', modified: version, name: `n${n}` }),
    salt: 'ab'.repeat(32),
    terms: [`v:value-${n}`, 'l:malicious-activity'],
    created: '2024-01-01T00:00:00.000Z',
    ...over,
  };
}

const user = (userId: string, orgId: string, groupIds: string[] = []): Viewer => ({ kind: 'user', userId, orgId, groupIds });
const ANON: Viewer = { kind: 'anonymous' };
const GREEN_READER = user('user-z', 'org-z');

/** Every viewer kind the TLP rule distinguishes (the author is user-a1 of org-a). */
const VIEWERS: Record<string, Viewer> = {
  anonymous: ANON,
  author: user('user-a1', 'org-a'),
  colleague: user('user-a2', 'org-a'),
  otherOrg: user('user-b1', 'org-b'),
  namedOrg: user('user-c1', 'org-c'),
  namedUser: user('user-d1', 'org-d'),
  groupMember: user('user-g1', 'org-g', ['group-1']),
  otherGroup: user('user-h1', 'org-h', ['group-2']),
  authorOfOther: user('user-b2', 'org-b', ['group-1']),
};

const NAMED: Recipient[] = ['org:org-c', 'user:user-d1', 'group:group-1'];

function ids(rows: readonly { stix_id: string }[]): string[] {
  return rows.map((r) => r.stix_id).sort();
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof IntelError, `expected an IntelError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

/** Reads a whole listing through the cursor, `limit` rows a page. */
async function readAll(s: IntelStore, q: Omit<Parameters<IntelStore['listObjects']>[0], 'after'>): Promise<IntelObjectVersion[]> {
  const out: IntelObjectVersion[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await s.listObjects({ ...q, ...(after === undefined ? {} : { after }) });
    out.push(...page.rows);
    if (!page.more) return out;
    assert.equal(page.rows.length, q.limit, 'a page that says more is full');
    after = page.rows.at(-1)!.seq;
  }
}

/** The stored form of what was inserted, for deepEqual. */
function stored(v: NewIntelObjectVersion, seq: number, collection_id: string, log_index: number | null = null): IntelObjectVersion {
  return {
    seq,
    collection_id,
    stix_id: v.stix_id,
    type: v.type,
    version: v.version,
    spec_version: v.spec_version,
    tlp: v.tlp,
    author_org_id: v.author_org_id,
    author_user_id: v.author_user_id,
    recipients: v.recipients,
    revoked: v.revoked,
    json: v.json,
    salt: v.salt,
    log_index,
  };
}

function addedSeq(o: { kind: string; seq?: number } | undefined): number {
  assert.ok(o && o.kind === 'added', `expected added, got ${JSON.stringify(o)}`);
  return o.seq!;
}

/**
 * The behaviour every IntelStore must have, whatever the database. Each case
 * gets its own store with an API root `root-1` and collection 1 in it, and a
 * seq clock it moves by hand (starting at T0, still unless moved).
 */
export function runIntelStoreContract({ name, newStore, skip = false }: IntelStoreContractOptions): void {
  const it = (title: string, fn: Case) =>
    test(title, { skip }, async () => {
      const clock: ManualClock = { now: T0 };
      const store = await newStore({ intelClock: () => clock.now });
      try {
        await store.intel.putApiRoot(makeApiRoot(1));
        await store.intel.putCollection(makeCollection(1));
        await fn(store.intel, clock, store);
      } finally {
        await store.close();
      }
    });
  const C1 = makeCollection(1).id;
  const C2 = makeCollection(2).id;
  const all = { kind: 'all' } as const;

  describe(`intel store contract: ${name}`, () => {
    describe('API roots and collections', () => {
      it('round-trip every field and replace on put', async (s) => {
        const bare = makeApiRoot(2, { description: null });
        await s.putApiRoot(bare);
        assert.deepEqual(await s.getApiRoot('root-1'), makeApiRoot(1));
        assert.deepEqual(await s.getApiRoot('root-2'), bare);
        assert.equal(await s.getApiRoot('nope'), null);
        assert.deepEqual(await s.listApiRoots(), [makeApiRoot(1), bare]);
        await s.putApiRoot({ ...bare, title: 'Renamed', max_content_length: 5_000_000_000 });
        assert.deepEqual(await s.getApiRoot('root-2'), { ...bare, title: 'Renamed', max_content_length: 5_000_000_000 });

        const c2 = makeCollection(2, { api_root: 'root-2', description: 'two', alias: null, default_tlp: 'AMBER+STRICT', grants: [] });
        await s.putCollection(c2);
        assert.deepEqual(await s.getCollection('root-1', C1), makeCollection(1));
        assert.deepEqual(await s.getCollection('root-2', C2), c2);
        assert.equal(await s.getCollection('root-1', C2), null, 'a collection is found under its own API root only');
        assert.deepEqual(await s.listCollections(), [makeCollection(1), c2]);
        assert.deepEqual(await s.listCollections('root-2'), [c2]);
        assert.deepEqual(await s.listCollections('root-3'), []);
        const changed = { ...c2, title: 'Changed', public_read: true, grants: [{ org_id: 'org-b', role: null, read: true, write: false }] };
        await s.putCollection(changed);
        assert.deepEqual(await s.getCollection('root-2', C2), changed);
      });

      it('deleteCollection removes its objects and statuses, and nothing else', async (s) => {
        await s.putCollection(makeCollection(2));
        await s.insertVersions(C1, [makeVersion(1), makeVersion(2, { tlp: 'AMBER', recipients: NAMED })]);
        await s.insertVersions(C2, [makeVersion(1), makeVersion(3)]);
        await s.putStatus(makeStatus('s1', { collection_id: C1 }));
        await s.putStatus(makeStatus('s2', { collection_id: C2 }));
        assert.equal(await s.deleteCollection('root-2', C1), false, 'wrong API root');
        assert.equal(await s.deleteCollection('root-1', 'nope'), false);
        assert.equal(await s.deleteCollection('root-1', C1), true);
        assert.equal(await s.getCollection('root-1', C1), null);
        assert.equal(await s.getStatus('s1'), null);
        assert.ok(await s.getStatus('s2'));
        assert.deepEqual(ids((await s.listObjects({ collection_id: C2, viewer: GREEN_READER, limit: 10, version: all })).rows), ids([makeVersion(1), makeVersion(3)]));
        assert.equal((await s.search({ viewer: GREEN_READER, collection_ids: [C1, C2], term: 'v:value-2', limit: 10 })).rows.length, 0);
        // the same id again starts empty
        await s.putCollection(makeCollection(1));
        assert.deepEqual((await s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 10, version: all })).rows, []);
        assert.equal(await s.deleteCollection('root-1', C1), true);
      });
    });

    describe('inserting versions', () => {
      it('reports added, duplicate and conflict in input order, and writes nothing for the last two', async (s, clock) => {
        const a = makeVersion(1);
        const b = makeVersion(2);
        const [ra, rb] = await s.insertVersions(C1, [a, b]);
        const seqA = addedSeq(ra);
        const seqB = addedSeq(rb);
        assert.equal(seqA, T0);
        assert.equal(seqB, T0 + 1);
        clock.now += 1000;
        const c = makeVersion(3);
        const out = await s.insertVersions(C1, [b, { ...a, json: a.json.replace('n1', 'changed') }, c, c, { ...c, json: '{}' }]);
        assert.deepEqual(out, [
          { kind: 'duplicate', seq: seqB },
          { kind: 'conflict' },
          { kind: 'added', seq: T0 + 1000 },
          { kind: 'duplicate', seq: T0 + 1000 },
          { kind: 'conflict' },
        ]);
        const rows = (await s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 10, version: all })).rows;
        assert.deepEqual(rows, [stored(a, seqA, C1), stored(b, seqB, C1), stored(c, T0 + 1000, C1)]);
        assert.deepEqual(await s.insertVersions(C1, []), []);
      });

      it('round-trips every field (RED with recipients, revoked, no salt)', async (s) => {
        const v = makeVersion(1, { tlp: 'RED', recipients: ['user:user-d1', 'org:org-c'], revoked: true, salt: null, type: 'malware', stix_id: 'malware--11111111-1111-4111-8111-111111111111' });
        const [r] = await s.insertVersions(C1, [v]);
        const got = await s.getLatest([C1], v.stix_id, VIEWERS.author!);
        assert.deepEqual(got, stored(v, addedSeq(r), C1));
      });

      it('treats one instant written with different precision as one version', async (s) => {
        const v = makeVersion(1, { version: '2024-01-01T00:00:00Z', json: '{"same":true}' });
        const [r] = await s.insertVersions(C1, [v]);
        assert.deepEqual(await s.insertVersions(C1, [{ ...v, version: '2024-01-01T00:00:00.000000Z' }]), [{ kind: 'duplicate', seq: addedSeq(r) }]);
        assert.deepEqual(await s.insertVersions(C1, [{ ...v, version: '2024-01-01T00:00:00.000Z', json: '{"same":false}' }]), [{ kind: 'conflict' }]);
        const exact = await s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 10, version: { kind: 'exact', versions: ['2024-01-01T00:00:00.0Z'] } });
        assert.equal(exact.rows.length, 1);
      });

      it('keeps the same id and version apart in different collections', async (s) => {
        await s.putCollection(makeCollection(2));
        const v = makeVersion(1);
        const [r1] = await s.insertVersions(C1, [v]);
        const [r2] = await s.insertVersions(C2, [{ ...v, json: '{"other":1}' }]);
        assert.notEqual(addedSeq(r1), addedSeq(r2));
      });

      it('assigns unique, increasing seqs even when the clock stands still or goes back', async (s, clock) => {
        const seqs: number[] = [];
        const take = async (n: number) => {
          const out = await s.insertVersions(
            C1,
            Array.from({ length: n }, (_, i) => makeVersion(`${seqs.length}-${i}`)),
          );
          seqs.push(...out.map(addedSeq));
        };
        await take(3); // T0, T0+1, T0+2
        await take(2); // the clock stood still
        clock.now = T0 - 5_000_000; // went back five seconds
        await take(4);
        clock.now = T0 + 1_000_000; // ahead of the last seq again: seqs follow the clock
        await take(1);
        clock.now = T0 + 1_000_000.7; // fractions of a µs are dropped
        await take(1);
        for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `seq ${i} increases: ${seqs.join(', ')}`);
        assert.deepEqual(seqs.slice(0, 9), Array.from({ length: 9 }, (_, i) => T0 + i));
        assert.equal(seqs[9], T0 + 1_000_000);
        assert.equal(seqs[10], T0 + 1_000_001);
        assert.ok(seqs.every(Number.isSafeInteger));
      });

      it('keeps latest and first right when an older version arrives later', async (s, clock) => {
        const id = makeVersion(1).stix_id;
        const v = (version: string) => makeVersion(1, { version, json: JSON.stringify({ id, modified: version }) });
        const q = (kind: 'last' | 'first' | 'all') => s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 10, version: { kind } });
        await s.insertVersions(C1, [v('2024-01-02T00:00:00Z')]);
        clock.now += 10;
        await s.insertVersions(C1, [v('2024-01-01T00:00:00.5Z')]);
        const versions = async (kind: 'last' | 'first' | 'all') => (await q(kind)).rows.map((r) => r.version);
        assert.deepEqual(await versions('last'), ['2024-01-02T00:00:00Z']);
        assert.deepEqual(await versions('first'), ['2024-01-01T00:00:00.5Z']);
        // '…00Z' sorts after '…00.1Z' as text, but it is earlier in time
        clock.now += 10;
        await s.insertVersions(C1, [v('2024-01-02T00:00:00.1Z'), v('2023-12-31T23:59:59.999999Z'), v('2024-01-01T12:00:00Z')]);
        assert.deepEqual(await versions('last'), ['2024-01-02T00:00:00.1Z']);
        assert.deepEqual(await versions('first'), ['2023-12-31T23:59:59.999999Z']);
        assert.equal((await q('all')).rows.length, 5);
        assert.equal((await s.getLatest([C1], id, GREEN_READER))?.version, '2024-01-02T00:00:00.1Z');
        assert.deepEqual(
          (await s.versionsOf([C1], id, GREEN_READER, 10)).map((r) => r.version),
          ['2023-12-31T23:59:59.999999Z', '2024-01-01T00:00:00.5Z', '2024-01-01T12:00:00Z', '2024-01-02T00:00:00Z', '2024-01-02T00:00:00.1Z'],
        );
        assert.equal((await s.versionsOf([C1], id, GREEN_READER, 2)).length, 2);
        // within one batch, an older version after a newer one
        const other = (version: string) => makeVersion(2, { version, json: version });
        await s.insertVersions(C1, [other('2024-05-01T00:00:00Z'), other('2024-04-01T00:00:00Z'), other('2024-06-01T00:00:00Z')]);
        const latest = (await q('last')).rows.map((r) => r.version).sort();
        assert.deepEqual(latest, ['2024-01-02T00:00:00.1Z', '2024-06-01T00:00:00Z']);
        const first = (await q('first')).rows.map((r) => r.version).sort();
        assert.deepEqual(first, ['2023-12-31T23:59:59.999999Z', '2024-04-01T00:00:00Z']);
      });
    });

    describe('listing objects', () => {
      it('pages 2,500 rows through the cursor, each exactly once, in seq order', async (s, clock) => {
        const batch = 500;
        for (let b = 0; b < 5; b++) {
          clock.now = T0 + b * 100; // overlapping clock: later batches continue after the last seq
          const rows = Array.from({ length: batch }, (_, i) => makeVersion(b * batch + i, { tlp: (['CLEAR', 'GREEN', 'RED'] as const)[i % 3]!, author_user_id: 'user-z' }));
          await s.insertVersions(C1, rows);
        }
        const seen = await readAll(s, { collection_id: C1, viewer: GREEN_READER, limit: 100, version: { kind: 'last' } });
        assert.equal(seen.length, 2500);
        assert.equal(new Set(seen.map((r) => r.stix_id)).size, 2500);
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.seq > seen[i - 1]!.seq);
        // a filtered read pages the same way (RED rows are the author's: user-z)
        const clear = await readAll(s, { collection_id: C1, viewer: ANON, limit: 100, version: all });
        assert.equal(clear.length, 835);
        assert.ok(clear.every((r) => r.tlp === 'CLEAR'));
        // addedAfter and after combine: the larger bound wins
        const mid = seen[1234]!.seq;
        const rest = await readAll(s, { collection_id: C1, viewer: GREEN_READER, limit: 1000, version: all, addedAfter: mid });
        assert.equal(rest.length, 2500 - 1235);
        const page = await s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 10, version: all, addedAfter: seen[5]!.seq, after: seen[7]!.seq });
        assert.equal(page.rows[0]!.seq, seen[8]!.seq);
        const last = await s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 10, version: all, after: seen[2489]!.seq });
        assert.equal(last.rows.length, 10);
        assert.equal(last.more, false);
        const none = await s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 0, version: all });
        assert.deepEqual(none, { rows: [], more: true });
      });

      it('filters by version, id, type and spec version', async (s) => {
        const ind = (n: number, version: string, spec = '2.1') => makeVersion(n, { version, spec_version: spec, json: `${n}@${version}` });
        const mal = makeVersion(9, { stix_id: 'malware--00000000-0000-4000-8000-000000000009', type: 'malware' });
        await s.insertVersions(C1, [ind(1, '2024-01-01T00:00:00Z'), ind(1, '2024-02-01T00:00:00Z'), ind(1, '2024-03-01T00:00:00Z', '2.0'), ind(2, '2024-02-01T00:00:00Z'), mal]);
        const list = (q: Partial<Parameters<IntelStore['listObjects']>[0]>) =>
          s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 100, version: all, ...q }).then((p) => p.rows.map((r) => `${r.type}:${r.stix_id.slice(-1)}@${r.version}`));
        assert.deepEqual(await list({ version: { kind: 'exact', versions: ['2024-02-01T00:00:00.000Z', '2030-01-01T00:00:00Z'] } }), [
          'indicator:1@2024-02-01T00:00:00Z',
          'indicator:2@2024-02-01T00:00:00Z',
        ]);
        assert.deepEqual(await list({ version: { kind: 'exact', versions: [] } }), []);
        assert.deepEqual(await list({ ids: [makeVersion(1).stix_id], version: { kind: 'last' } }), ['indicator:1@2024-03-01T00:00:00Z']);
        assert.deepEqual(await list({ ids: [makeVersion(1).stix_id], version: { kind: 'first' } }), ['indicator:1@2024-01-01T00:00:00Z']);
        assert.deepEqual(await list({ ids: [makeVersion(1).stix_id], version: { kind: 'union', first: true, last: true, versions: [] } }), [
          'indicator:1@2024-01-01T00:00:00Z',
          'indicator:1@2024-03-01T00:00:00Z',
        ]);
        assert.deepEqual(await list({ ids: [makeVersion(1).stix_id], version: { kind: 'union', first: false, last: true, versions: ['2024-02-01T00:00:00Z'] } }), [
          'indicator:1@2024-02-01T00:00:00Z',
          'indicator:1@2024-03-01T00:00:00Z',
        ]);
        assert.deepEqual(await list({ ids: [makeVersion(2).stix_id, mal.stix_id] }), ['indicator:2@2024-02-01T00:00:00Z', `malware:9@${mal.version}`]);
        assert.deepEqual(await list({ ids: [] }), []);
        assert.deepEqual(await list({ types: ['malware', 'tool'] }), [`malware:9@${mal.version}`]);
        assert.deepEqual(await list({ types: [] }), []);
        assert.deepEqual(await list({ specVersions: ['2.0'] }), ['indicator:1@2024-03-01T00:00:00Z']);
        assert.deepEqual(await list({ specVersions: ['2.1'], types: ['indicator'], version: { kind: 'last' } }), ['indicator:2@2024-02-01T00:00:00Z']);
        assert.deepEqual(await list({ specVersions: [] }), []);
        assert.deepEqual(await list({ collection_id: C2 }), []);
      });
    });

    describe('TLP: every read path agrees with canRead()', () => {
      it('for every level × recipients × viewer kind', async (s) => {
        const rows: NewIntelObjectVersion[] = [];
        let n = 0;
        for (const tlp of TLP_LEVELS) {
          for (const recipients of [[], NAMED, ['org:org-a'], ['user:user-a2'], ['group:group-2']] as Recipient[][]) {
            for (const author of [
              { author_org_id: 'org-a', author_user_id: 'user-a1' },
              { author_org_id: 'org-b', author_user_id: 'user-b2' },
            ]) {
              rows.push(makeVersion(n++, { tlp, recipients, ...author, terms: ['l:all'] }));
            }
          }
        }
        const outcomes = await s.insertVersions(C1, rows);
        const seqs = outcomes.map(addedSeq);
        const expected = rows.map((r, i) => stored(r, seqs[i]!, C1));
        for (const [kind, viewer] of Object.entries(VIEWERS)) {
          const want = expected.filter((o) => canRead(viewer, o));
          assert.ok(want.length > 0, `${kind} sees something`);
          for (const version of [all, { kind: 'last' } as const]) {
            const got = await readAll(s, { collection_id: C1, viewer, limit: 7, version });
            assert.deepEqual(got, want, `listObjects as ${kind}`);
          }
          const found = await s.search({ viewer, collection_ids: [C1], term: 'l:all', limit: 1000 });
          assert.deepEqual(found.rows, [...want].reverse(), `search as ${kind}`);
          const activity = await s.activity([C1], viewer, 0);
          assert.equal(
            activity.reduce((sum, a) => sum + a.count, 0),
            want.length,
            `activity as ${kind}`,
          );
          for (const o of expected) {
            const readable = canRead(viewer, o);
            assert.deepEqual(await s.getLatest([C1], o.stix_id, viewer), readable ? o : null, `getLatest of ${o.tlp} ${JSON.stringify(o.recipients)} by ${o.author_user_id} as ${kind}`);
            assert.deepEqual(await s.versionsOf([C1], o.stix_id, viewer, 10), readable ? [o] : [], `versionsOf as ${kind}`);
          }
        }
      });

      it('for random objects, versions and viewers', async (s, clock) => {
        let seed = 42;
        const rand = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed % n;
        };
        const orgs = ['org-a', 'org-b', 'org-c'];
        const users = ['user-1', 'user-2', 'user-3', 'user-4'];
        const groups = ['group-1', 'group-2'];
        const orgOf = (u: string) => orgs[Number(u.slice(5)) % orgs.length]!;
        const principals: Recipient[] = [...orgs.map((o): Recipient => `org:${o}`), ...users.map((u): Recipient => `user:${u}`), ...groups.map((g): Recipient => `group:${g}`)];
        const model: IntelObjectVersion[] = [];
        for (let b = 0; b < 6; b++) {
          clock.now += 1_000_000;
          const batch: NewIntelObjectVersion[] = [];
          for (let i = 0; i < 40; i++) {
            const author = users[rand(users.length)]!;
            batch.push(
              makeVersion(rand(60), {
                version: `2024-01-0${1 + rand(9)}T00:00:00.${rand(1000)}Z`,
                tlp: TLP_LEVELS[rand(5)]!,
                author_user_id: author,
                author_org_id: orgOf(author),
                recipients: principals.filter(() => rand(4) === 0),
                json: `{"b":${b},"i":${i}}`,
              }),
            );
          }
          const out = await s.insertVersions(C1, batch);
          out.forEach((o, i) => {
            if (o.kind === 'added') model.push(stored(batch[i]!, o.seq, C1));
          });
        }
        const key = (v: string) => v.replace('Z', '').padEnd(29, '0');
        const latestOf = new Map<string, IntelObjectVersion>();
        for (const o of model) {
          const l = latestOf.get(o.stix_id);
          if (!l || key(o.version) > key(l.version)) latestOf.set(o.stix_id, o);
        }
        const viewers: Viewer[] = [ANON];
        for (const u of users) for (const gs of [[], ['group-1'], groups]) viewers.push(user(u, orgOf(u), gs));
        for (const viewer of viewers) {
          const label = JSON.stringify(viewer);
          const every = model.filter((o) => canRead(viewer, o));
          assert.deepEqual(await readAll(s, { collection_id: C1, viewer, limit: 25, version: all }), every, `all versions, ${label}`);
          const latest = model.filter((o) => latestOf.get(o.stix_id) === o && canRead(viewer, o));
          assert.deepEqual(await readAll(s, { collection_id: C1, viewer, limit: 25, version: { kind: 'last' } }), latest, `latest, ${label}`);
          assert.deepEqual((await s.search({ viewer, collection_ids: [C1], limit: 1000 })).rows, [...latest].reverse(), `search, ${label}`);
        }
      });
    });

    describe('versions are kept per sharing organisation', () => {
      it('never tells a writer about another organisation\'s copy: SCOs coexist, SDO ids of others are foreign', async (s) => {
        const sco = makeVersion(7, { version: '', type: 'ipv4-addr', tlp: 'RED', json: '{"a":1}' });
        // org-b shares the same SCO (same deterministic id) without knowing org-a has it: stored, not "already stored".
        const other = { ...sco, author_org_id: 'org-b', author_user_id: 'user-b1', json: '{"b":1}' };
        assert.deepEqual((await s.insertVersions(C1, [sco])).map((o) => o.kind), ['added']);
        assert.deepEqual((await s.insertVersions(C1, [other])).map((o) => o.kind), ['added']);
        assert.deepEqual((await s.insertVersions(C1, [other])).map((o) => o.kind), ['duplicate']);
        // An SDO id another organisation shared cannot be versioned by anyone else.
        const sdo = makeVersion(8, { version: '2024-01-01T00:00:00Z' });
        await s.insertVersions(C1, [sdo]);
        const hijack = { ...sdo, author_org_id: 'org-b', author_user_id: 'user-b1', version: '2025-01-01T00:00:00Z', json: '{"hijack":1}' };
        assert.deepEqual(await s.insertVersions(C1, [hijack]), [{ kind: 'foreign' }]);
        // An SCO's version is its date_added (its seq): an exact or mixed version filter naming it finds that copy only.
        const [copy] = await s.versionsOf([C1], sco.stix_id, VIEWERS.otherOrg!, 10);
        const added = microsToIso(copy!.seq);
        for (const version of [
          { kind: 'exact', versions: [added] },
          { kind: 'union', first: false, last: false, versions: ['2020-01-01T00:00:00Z', added] },
        ] satisfies VersionMatch[]) {
          const list = async (viewer: Viewer) => (await s.listObjects({ collection_id: C1, viewer, limit: 10, ids: [sco.stix_id], version })).rows.map((r) => r.seq);
          assert.deepEqual(await list(VIEWERS.otherOrg!), [copy!.seq], JSON.stringify(version));
          assert.deepEqual(await list(VIEWERS.author!), [], `org-a's own copy has another date_added: ${JSON.stringify(version)}`);
        }
        assert.deepEqual((await s.listObjects({ collection_id: C1, viewer: VIEWERS.otherOrg!, limit: 10, version: { kind: 'exact', versions: [microsToIso(copy!.seq + 1)] } })).rows, []);
        // Each organisation's copy keeps its own latest flag; deleting one leaves the other.
        assert.equal(await s.deleteObject(C1, sco.stix_id, 'org-b'), 1);
        assert.equal(await s.deleteObject(C1, sco.stix_id, 'org-a'), 1);
      });
    });

    describe('deleting objects', () => {
      it('removes versions and moves latest and first to what remains', async (s) => {
        const v = (n: number, version: string, tlp: TlpLevel = 'AMBER') => makeVersion(n, { version, json: version, tlp, recipients: ['org:org-c'], terms: ['v:gone'] });
        const id = makeVersion(1).stix_id;
        await s.insertVersions(C1, [v(1, '2024-01-01T00:00:00Z'), v(1, '2024-02-01T00:00:00Z'), v(1, '2024-03-01T00:00:00Z'), v(1, '2024-04-01T00:00:00Z'), v(2, '2024-01-01T00:00:00Z')]);
        const named = VIEWERS.namedOrg!;
        const versions = async (kind: 'last' | 'first') => (await s.listObjects({ collection_id: C1, viewer: named, limit: 10, ids: [id], version: { kind } })).rows.map((r) => r.version);
        assert.equal(await s.deleteObject(C1, id, 'org-a', ['2024-04-01T00:00:00.000Z', '2024-01-01T00:00:00Z', '2030-01-01T00:00:00Z']), 2);
        assert.deepEqual(await versions('last'), ['2024-03-01T00:00:00Z']);
        assert.deepEqual(await versions('first'), ['2024-02-01T00:00:00Z']);
        assert.equal((await s.getLatest([C1], id, named))?.version, '2024-03-01T00:00:00Z');
        assert.equal(await s.deleteObject(C1, id, 'org-a', []), 0);
        assert.equal(await s.deleteObject(C1, id, 'org-a', ['2030-01-01T00:00:00Z']), 0);
        assert.equal(await s.deleteObject(C2, id, 'org-a'), 0);
        assert.equal(await s.deleteObject(C1, id, 'org-a'), 2);
        assert.equal(await s.getLatest([C1], id, named), null);
        assert.deepEqual(await s.versionsOf([C1], id, named, 10), []);
        const left = (await s.search({ viewer: named, collection_ids: [C1], term: 'v:gone', limit: 10 })).rows;
        assert.deepEqual(ids(left), [makeVersion(2).stix_id]);
        // the id can be stored again, fresh
        const [again] = await s.insertVersions(C1, [v(1, '2024-01-01T00:00:00Z', 'CLEAR')]);
        addedSeq(again);
        assert.deepEqual(await versions('first'), ['2024-01-01T00:00:00Z']);
        assert.deepEqual(await versions('last'), ['2024-01-01T00:00:00Z']);
      });
    });

    describe('search and activity', () => {
      it('searches latest versions by term, type, author, TLP and date added, newest first', async (s, clock) => {
        await s.putCollection(makeCollection(2));
        const put = async (c: string, n: number, over: Partial<NewIntelObjectVersion>) => {
          clock.now += 1000;
          return addedSeq((await s.insertVersions(c, [makeVersion(n, { json: `${n}:${over.version ?? ''}`, ...over })]))[0]);
        };
        const s1 = await put(C1, 1, { terms: ['v:1.2.3.4', 'l:apt'] });
        const s2 = await put(C1, 2, { terms: ['v:1.2.3.4'], type: 'indicator', author_org_id: 'org-b', author_user_id: 'user-b1', tlp: 'CLEAR' });
        const s3 = await put(C2, 3, { terms: ['v:1.2.3.4'], stix_id: 'malware--00000000-0000-4000-8000-000000000003', type: 'malware' });
        const s4 = await put(C1, 1, { terms: ['l:apt'], version: '2024-06-01T00:00:00Z' }); // a new version of 1 without the term
        const s5 = await put(C1, 5, { terms: ['v:1.2.3.4'], tlp: 'RED', author_user_id: 'user-a1' });
        const viewer = GREEN_READER;
        const search = async (q: Partial<Parameters<IntelStore['search']>[0]>) => {
          const r = await s.search({ viewer, collection_ids: [C1, C2], limit: 10, ...q });
          return { seqs: r.rows.map((o) => o.seq), more: r.more };
        };
        assert.deepEqual(await search({}), { seqs: [s4, s3, s2], more: false }, 'latest versions only; RED is not for this viewer');
        assert.deepEqual(await search({ viewer: VIEWERS.author! }), { seqs: [s5, s4, s3, s2], more: false });
        assert.deepEqual(await search({ term: 'v:1.2.3.4' }), { seqs: [s3, s2], more: false }, 'the term of an older version does not match');
        assert.deepEqual(await search({ term: 'l:apt' }), { seqs: [s4], more: false });
        assert.deepEqual(await search({ term: 'v:nothing' }), { seqs: [], more: false });
        assert.deepEqual(await search({ types: ['malware'] }), { seqs: [s3], more: false });
        assert.deepEqual(await search({ types: [] }), { seqs: [], more: false });
        assert.deepEqual(await search({ author_org_id: 'org-b' }), { seqs: [s2], more: false });
        assert.deepEqual(await search({ tlp: ['CLEAR'] }), { seqs: [s2], more: false });
        assert.deepEqual(await search({ tlp: ['RED'], viewer: VIEWERS.author! }), { seqs: [s5], more: false });
        assert.deepEqual(await search({ tlp: [] }), { seqs: [], more: false });
        assert.deepEqual(await search({ collection_ids: [C2] }), { seqs: [s3], more: false });
        assert.deepEqual(await search({ collection_ids: [] }), { seqs: [], more: false });
        assert.deepEqual(await search({ addedFrom: s2, addedTo: s3 }), { seqs: [s3, s2], more: false }, 'bounds are inclusive');
        assert.deepEqual(await search({ addedFrom: s3 + 1 }), { seqs: [s4], more: false });
        assert.deepEqual(await search({ limit: 2 }), { seqs: [s4, s3], more: true });
        assert.deepEqual(await search({ limit: 2, before: s3 }), { seqs: [s2], more: false });
        assert.ok(s1 < s2);
      });

      it('counts visible latest versions per UTC day, type and TLP since a seq', async (s, clock) => {
        const put = async (n: number, at: number, over: Partial<NewIntelObjectVersion> = {}) => {
          clock.now = at;
          await s.insertVersions(C1, [makeVersion(n, { json: `${n}:${over.version ?? ''}`, ...over })]);
        };
        await put(1, T0 - 1); // 2024-03-04, just before midnight
        await put(2, T0 + 5); // 2024-03-05
        await put(3, T0 + 6, { tlp: 'AMBER', author_org_id: 'org-x', author_user_id: 'user-x' });
        await put(4, T0 + 7, { stix_id: 'malware--00000000-0000-4000-8000-000000000004', type: 'malware', tlp: 'CLEAR' });
        await put(5, T0 + DAY + 1); // 2024-03-06
        await put(5, T0 + DAY + 2, { version: '2024-02-01T00:00:00Z' }); // a newer version replaces it in the counts
        await put(6, T0 + 2 * DAY, { tlp: 'RED', author_user_id: 'user-z' });
        assert.deepEqual(await s.activity([C1], GREEN_READER, 0), [
          { day: '2024-03-04', type: 'indicator', tlp: 'GREEN', count: 1 },
          { day: '2024-03-05', type: 'indicator', tlp: 'GREEN', count: 1 },
          { day: '2024-03-05', type: 'malware', tlp: 'CLEAR', count: 1 },
          { day: '2024-03-06', type: 'indicator', tlp: 'GREEN', count: 1 },
          { day: '2024-03-07', type: 'indicator', tlp: 'RED', count: 1 },
        ]);
        assert.deepEqual(await s.activity([C1], ANON, 0), [{ day: '2024-03-05', type: 'malware', tlp: 'CLEAR', count: 1 }]);
        assert.deepEqual(await s.activity([C1], GREEN_READER, T0 + DAY), [
          { day: '2024-03-06', type: 'indicator', tlp: 'GREEN', count: 1 },
          { day: '2024-03-07', type: 'indicator', tlp: 'RED', count: 1 },
        ]);
        assert.deepEqual(await s.activity([C1], user('user-x', 'org-x'), T0 + 6), [
          { day: '2024-03-05', type: 'indicator', tlp: 'AMBER', count: 1 },
          { day: '2024-03-05', type: 'malware', tlp: 'CLEAR', count: 1 },
          { day: '2024-03-06', type: 'indicator', tlp: 'GREEN', count: 1 },
        ]);
        assert.deepEqual(await s.activity([], GREEN_READER, 0), []);
      });
    });

    describe('status resources', () => {
      it('round-trip, update in place, list pending and prune by age', async (s) => {
        const a = makeStatus('a', { updated_at: at(1) });
        const b = makeStatus('b', { status: 'complete', updated_at: at(2), pending_count: 0, pendings: [], success_count: 2, successes: [{ id: 'x--1', version: '2024-01-01T00:00:00Z' }, { id: 'x--2', version: '2024-01-01T00:00:00.123456Z', message: 'ok' }] });
        const c = makeStatus('c', { updated_at: at(3) });
        for (const st of [a, b, c]) await s.putStatus(st);
        assert.deepEqual(await s.getStatus('a'), a);
        assert.deepEqual(await s.getStatus('b'), b);
        assert.equal(await s.getStatus('nope'), null);
        assert.deepEqual(await s.pendingStatuses(), [a, c]);
        const done: IntelStatus = { ...a, status: 'complete', pending_count: 0, pendings: [], success_count: 1, successes: [{ id: 'x--1', version: 'v' }], updated_at: at(4) };
        await s.putStatus(done);
        assert.deepEqual(await s.getStatus('a'), done);
        assert.deepEqual(await s.pendingStatuses(), [c]);
        assert.equal(await s.pruneStatuses(at(3)), 1, 'only b was last updated before at(3)');
        assert.equal(await s.getStatus('b'), null);
        assert.equal(await s.pruneStatuses(at(100)), 2);
        assert.deepEqual(await s.pendingStatuses(), []);
      });
    });

    describe('ledger feed', () => {
      it('lists versions after its cursor in seq order; the cursor only moves forward', async (s, clock) => {
        const out = await s.insertVersions(
          C1,
          Array.from({ length: 7 }, (_, i) => makeVersion(i, { tlp: i % 2 ? 'RED' : 'CLEAR', salt: i % 2 ? 'cd'.repeat(32) : null })),
        );
        const seqs = out.map(addedSeq);
        const first = await s.unlogged(0, 3);
        assert.deepEqual(
          first.map((r) => r.seq),
          seqs.slice(0, 3),
        );
        assert.equal(first[1]!.salt, 'cd'.repeat(32), 'the feed sees every level, with its salt');
        assert.deepEqual(
          Object.keys(first[0]!).sort(),
          ['collection_id', 'json', 'salt', 'seq', 'stix_id', 'version'],
          'what an entry is made of, and its key',
        );
        assert.deepEqual(
          (await s.unlogged(seqs[2]!, 100)).map((r) => r.seq),
          seqs.slice(3),
        );
        await s.markLogged(seqs[2]!);
        assert.deepEqual(
          (await s.unlogged(0, 100)).map((r) => r.seq),
          seqs.slice(3),
        );
        await s.markLogged(seqs[0]!);
        assert.deepEqual(
          (await s.unlogged(0, 100)).map((r) => r.seq),
          seqs.slice(3),
          'the cursor never moves back',
        );
        await s.markLogged(seqs[6]!);
        assert.deepEqual(await s.unlogged(0, 100), []);
        clock.now += 1_000_000;
        const later = (await s.insertVersions(C1, [makeVersion(7)])).map(addedSeq);
        assert.deepEqual(
          (await s.unlogged(0, 100)).map((r) => r.seq),
          later,
          'versions stored later come after the cursor',
        );
      });

      it("finds a version's ledger index by its key intel:<seq>", async (s, _clock, store) => {
        const v = makeVersion(1);
        const [seq] = (await s.insertVersions(C1, [v])).map(addedSeq);
        assert.equal((await s.getLatest([C1], v.stix_id, VIEWERS.author!))!.log_index, null, 'not logged yet');
        const [filler, index] = await store.log.sequence(
          [
            { kind: 'intel', data: new Uint8Array([1]), key: 'intel:1' },
            { kind: 'intel', data: new Uint8Array([2]), key: `intel:${seq}` },
          ],
          at(1),
        );
        assert.equal(index, filler! + 1);
        assert.equal((await s.getLatest([C1], v.stix_id, VIEWERS.author!))!.log_index, index);
      });
    });

    describe('status stored with the versions', () => {
      it('stores the status computed from the outcomes in the same transaction', async (s) => {
        const base = makeStatus('st-1', { collection_id: C1 });
        const a = makeVersion(1);
        const out = await s.insertVersions(C1, [a, makeVersion(2), a], undefined, (outcomes) => ({ ...base, success_count: outcomes.filter((o) => o.kind !== 'conflict').length, status: 'complete', pending_count: 0, pendings: [] }));
        assert.deepEqual(
          out.map((o) => o.kind),
          ['added', 'added', 'duplicate'],
        );
        assert.equal((await s.getStatus('st-1'))!.success_count, 3);
        // No rows (every object refused): the status is stored all the same.
        await s.insertVersions(C1, [], undefined, (outcomes) => ({ ...base, id: 'st-2', failure_count: 5 + outcomes.length }));
        assert.equal((await s.getStatus('st-2'))!.failure_count, 5);
      });

      it('stores neither versions nor status when the transaction fails', async (s) => {
        const v = makeVersion(9);
        await assert.rejects(
          s.insertVersions(C1, [v], undefined, () => {
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await s.getLatest([C1], v.stix_id, VIEWERS.author!), null);
        assert.deepEqual(await s.unlogged(0, 10), []);
        assert.deepEqual((await s.insertVersions(C1, [v])).map((o) => o.kind), ['added'], 'the seq and the version are free again');
      });

      it('insertMany plans each batch against the ones before it and stores each batch its status', async (s, clock) => {
        await s.putCollection(makeCollection(2));
        const a = makeVersion(1);
        const newer = makeVersion(1, { version: '2024-02-01T00:00:00.000Z', json: JSON.stringify({ id: a.stix_id, modified: '2024-02-01' }) });
        const count = (id: string) => (outcomes: readonly { kind: string }[]) => ({ ...makeStatus(id, { collection_id: C1 }), success_count: outcomes.filter((o) => o.kind !== 'conflict').length, failure_count: outcomes.filter((o) => o.kind === 'conflict').length });
        const out = await s.insertMany([
          { collectionId: C1, rows: [a, makeVersion(2)], statusOf: count('m-1') },
          // the same object again (duplicate), a different body under its version (conflict), a newer version
          { collectionId: C1, rows: [a, { ...a, json: '{"other":true}' }, newer], statusOf: count('m-2') },
          // nothing to store, a status all the same
          { collectionId: C1, rows: [], statusOf: count('m-3') },
          // another collection: the same id is a new object there
          { collectionId: C2, rows: [a] },
        ]);
        const [first, second, third, fourth] = out;
        assert.deepEqual(first!.map((o) => o.kind), ['added', 'added']);
        assert.deepEqual(second, [{ kind: 'duplicate', seq: addedSeq(first![0]!) }, { kind: 'conflict' }, { kind: 'added', seq: addedSeq(first![1]!) + 1 }]);
        assert.deepEqual(third, []);
        assert.equal(fourth!.length, 1);
        assert.ok(addedSeq(fourth![0]!) > addedSeq(second![2]!), 'seqs grow across the batches');
        assert.deepEqual([(await s.getStatus('m-1'))!.success_count, (await s.getStatus('m-2'))!.success_count, (await s.getStatus('m-2'))!.failure_count], [2, 2, 1]);
        assert.ok(await s.getStatus('m-3'));
        const latest = (await s.listObjects({ collection_id: C1, viewer: GREEN_READER, limit: 10, version: { kind: 'last' } })).rows;
        assert.deepEqual(latest.map((r) => `${r.stix_id} ${r.version}`).sort(), [`${a.stix_id} ${newer.version}`, `${makeVersion(2).stix_id} ${a.version}`].sort());
        clock.now += 1000;
        assert.deepEqual(await s.insertMany([]), []);
      });

      it('insertMany stores nothing of any batch when one fails', async (s) => {
        const v = makeVersion(7);
        const w = makeVersion(8);
        await assert.rejects(
          s.insertMany([
            { collectionId: C1, rows: [v], statusOf: () => makeStatus('f-1', { collection_id: C1 }) },
            {
              collectionId: C1,
              rows: [w],
              statusOf: () => {
                throw new Error('boom');
              },
            },
          ]),
          /boom/,
        );
        assert.equal(await s.getLatest([C1], v.stix_id, VIEWERS.author!), null);
        assert.equal(await s.getStatus('f-1'), null);
        // A batch naming a collection that does not exist fails the whole transaction too.
        await assert.rejects(s.insertMany([{ collectionId: C1, rows: [v] }, { collectionId: 'no-such-collection', rows: [w] }]));
        assert.equal(await s.getLatest([C1], v.stix_id, VIEWERS.author!), null);
        assert.deepEqual(await s.unlogged(0, 10), []);
        assert.deepEqual((await s.insertMany([{ collectionId: C1, rows: [v, w] }]))[0]!.map((o) => o.kind), ['added', 'added']);
      });

      it('a transaction the database abandons half way (a constraint on a search term) stores nothing and leaves the store usable', async (s) => {
        const v = makeVersion(5);
        // A term no caller can produce (the type forbids it): the database refuses the row (NOT NULL), mid-transaction.
        const bad = { ...makeVersion(6), terms: ['v:ok', null as unknown as string] };
        await assert.rejects(s.insertMany([{ collectionId: C1, rows: [v], statusOf: () => makeStatus('r-1', { collection_id: C1 }) }, { collectionId: C1, rows: [bad] }]));
        assert.equal(await s.getLatest([C1], v.stix_id, VIEWERS.author!), null);
        assert.equal(await s.getStatus('r-1'), null);
        assert.deepEqual(await s.unlogged(0, 10), []);
        assert.deepEqual((await s.insertMany([{ collectionId: C1, rows: [v, { ...bad, terms: ['v:ok'] }] }]))[0]!.map((o) => o.kind), ['added', 'added']);
      });

      it('putStatusIfAbsent never overwrites a stored status', async (s) => {
        const pending = makeStatus('st-3', { collection_id: C1 });
        const done: IntelStatus = { ...pending, status: 'complete', pending_count: 0, pendings: [], success_count: 1, successes: [{ id: 'x--1', version: 'v' }] };
        await s.putStatusIfAbsent(pending);
        assert.deepEqual(await s.getStatus('st-3'), pending);
        await s.putStatus(done);
        await s.putStatusIfAbsent(pending);
        assert.deepEqual(await s.getStatus('st-3'), done);
      });
    });

    describe('sharing groups', () => {
      it('create, read by id or slug, update, list, delete', async (s) => {
        const g1 = makeGroup(1, { member_org_ids: ['org-c', 'org-b'] });
        const g2 = makeGroup(2, { owner_org_id: 'org-b', member_org_ids: [], description: null });
        await s.createGroup(g1);
        await s.createGroup(g2);
        const sorted1 = { ...g1, member_org_ids: ['org-b', 'org-c'] };
        assert.deepEqual(await s.getGroup(g1.id), sorted1, 'members come back sorted');
        assert.deepEqual(await s.getGroup('group-1'), sorted1);
        assert.equal(await s.getGroup('nope'), null);
        assert.deepEqual(await s.listGroups(), [sorted1, g2]);
        assert.deepEqual(await s.groupIdsOfOrg('org-a'), [g1.id], 'the owner');
        assert.deepEqual(await s.groupIdsOfOrg('org-b'), [g1.id, g2.id].sort(), 'a member of one, the owner of the other');
        assert.deepEqual(await s.groupIdsOfOrg('org-z'), []);

        const changed = { ...g1, slug: 'renamed', name: 'Renamed', member_org_ids: ['org-d', 'org-d', 'org-a'], updated_at: at(9) };
        await s.updateGroup(changed);
        assert.deepEqual(await s.getGroup('renamed'), { ...changed, member_org_ids: ['org-a', 'org-d'] });
        assert.equal(await s.getGroup('group-1'), null);
        assert.deepEqual(await s.groupIdsOfOrg('org-b'), [g2.id]);
        assert.deepEqual(await s.groupIdsOfOrg('org-d'), [g1.id]);
        await s.updateGroup(makeGroup(9)); // unknown: nothing happens
        assert.equal(await s.getGroup(makeGroup(9).id), null);

        assert.equal(await s.deleteGroup(g1.id), true);
        assert.equal(await s.deleteGroup(g1.id), false);
        assert.equal(await s.getGroup(g1.id), null);
        assert.deepEqual(await s.groupIdsOfOrg('org-d'), []);
        assert.deepEqual(await s.listGroups(), [g2]);
      });

      it('refuses a taken slug with GROUP_SLUG_TAKEN and writes nothing', async (s) => {
        const g1 = makeGroup(1);
        const g2 = makeGroup(2);
        await s.createGroup(g1);
        await s.createGroup(g2);
        await rejectsWithCode(s.createGroup(makeGroup(3, { slug: g1.slug, member_org_ids: ['org-q'] })), 'GROUP_SLUG_TAKEN');
        assert.equal(await s.getGroup(makeGroup(3).id), null);
        assert.deepEqual(await s.groupIdsOfOrg('org-q'), []);
        await rejectsWithCode(s.updateGroup({ ...g2, slug: g1.slug, member_org_ids: ['org-q'] }), 'GROUP_SLUG_TAKEN');
        assert.deepEqual(await s.getGroup(g2.id), g2);
        assert.deepEqual(await s.groupIdsOfOrg('org-q'), []);
      });
    });
  });
}

export function makeGroup(n: number, over: Partial<SharingGroup> = {}): SharingGroup {
  return {
    id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    slug: `group-${n}`,
    name: `Group ${n}`,
    description: `Group ${n}, "quoted"`,
    owner_org_id: 'org-a',
    member_org_ids: ['org-b'],
    created_at: at(n),
    updated_at: at(n + 1),
    ...over,
  };
}

export function makeStatus(id: string, over: Partial<IntelStatus> = {}): IntelStatus {
  return {
    id,
    api_root: 'root-1',
    collection_id: makeCollection(1).id,
    status: 'pending',
    request_timestamp: '2024-03-05T06:07:08.123456Z',
    user_id: 'user-a1',
    total_count: 3,
    success_count: 1,
    failure_count: 1,
    pending_count: 1,
    successes: [{ id: 'indicator--1', version: '2024-01-01T00:00:00Z' }],
    failures: [{ id: 'indicator--2', version: '2024-01-01T00:00:00Z', message: 'conflict: "different" content' }],
    pendings: [{ id: 'indicator--3', version: '2024-01-01T00:00:00Z' }],
    updated_at: at(0),
    ...over,
  };
}
