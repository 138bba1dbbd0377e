import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.js';
import type { RegistryStore } from '../../src/registry/ports.js';
import { RegistryError, type RegistryErrorCode } from '../../src/registry/errors.js';
import type { Application, Org } from '../../src/registry/types.js';
import {
  at,
  makeApplication,
  makeAudit,
  makeBareOrg,
  makeInvitation,
  makeKey,
  makeOrg,
  makePledge,
  makeSponsorship,
  makeToken,
  makeUser,
  makeVote,
  withId,
} from './fixtures.js';

export interface StoreContractOptions {
  /** Shown in the test names, e.g. `sqlite`. */
  name: string;
  /** A fresh, empty, migrated store; the contract closes it after each case. */
  newStore(): Promise<Store>;
  /** When a string, every case is reported as skipped with this reason. */
  skip?: string | false;
}

type Case = (r: RegistryStore, store: Store) => Promise<void>;

/**
 * The behaviour every `Store` must have, whatever the database. Each case gets
 * its own store, so no case depends on another or on their order.
 */
export function runStoreContract({ name, newStore, skip = false }: StoreContractOptions): void {
  const it = (title: string, fn: Case) =>
    test(title, { skip }, async () => {
      const store = await newStore();
      try {
        await fn(store.registry, store);
      } finally {
        await store.close();
      }
    });

  describe(`store contract: ${name}`, () => {
    describe('store', () => {
      it('ping() succeeds on an open store', async (_r, store) => {
        await store.ping();
      });
      it('declares its capabilities', async (_r, store) => {
        assert.equal(store.capabilities.name, name);
        assert.equal(typeof store.capabilities.multipleWriters, 'boolean');
        assert.equal(typeof store.capabilities.returning, 'boolean');
        assert.equal(store.capabilities.uniqueViolation(new Error('not a database error')), null);
      });
      it('a fresh store is empty', async (r) => {
        assert.deepEqual(await r.listOrgs({ limit: 10 }), []);
        assert.equal(await r.countOrgs({}), 0);
        assert.deepEqual(await r.listPledges(), []);
        assert.deepEqual(await r.listApplications({ limit: 10 }), []);
        assert.deepEqual(await r.listAudit({ limit: 10 }), []);
        assert.deepEqual(await r.listEndorsements({}), []);
      });
    });

    describe('organisations', () => {
      it('round-trips every field, with and without nulls', async (r) => {
        const full = makeOrg('full', { demo: true, kind: 'secretariat' });
        const bare = makeBareOrg('bare');
        await r.insertOrg(full);
        await r.insertOrg(bare);
        assert.deepEqual(await r.getOrg(full.id), full);
        assert.deepEqual(await r.getOrg(bare.id), bare);
        assert.deepEqual(await r.getOrgBySlug(full.slug), full);
        assert.deepEqual(await r.getOrgBySlug(bare.slug), bare);
        const got = await r.getOrg(full.id);
        assert.equal(got?.demo, true);
        assert.equal((await r.getOrg(bare.id))?.demo, false);
      });
      it('returns undefined for unknown ids and slugs', async (r) => {
        await r.insertOrg(makeOrg(1));
        assert.equal(await r.getOrg('nope'), undefined);
        assert.equal(await r.getOrgBySlug('nope'), undefined);
      });
      it('updateOrg changes only the given fields', async (r) => {
        const org = makeOrg(1);
        await r.insertOrg(org);
        await r.updateOrg(org.id, { name: 'Renamed', status: 'suspended', demo: true, updated_at: at(50) });
        assert.deepEqual(await r.getOrg(org.id), { ...org, name: 'Renamed', status: 'suspended', demo: true, updated_at: at(50) });
        await r.updateOrg(org.id, { website: null, description: null, joined_at: null, demo: false });
        assert.deepEqual(await r.getOrg(org.id), {
          ...org,
          name: 'Renamed',
          status: 'suspended',
          updated_at: at(50),
          website: null,
          description: null,
          joined_at: null,
          demo: false,
        });
      });
      it('updateOrg with an empty patch changes nothing', async (r) => {
        const org = makeOrg(1);
        await r.insertOrg(org);
        await r.updateOrg(org.id, {});
        assert.deepEqual(await r.getOrg(org.id), org);
      });
      it('updateOrg can change the slug', async (r) => {
        const org = makeOrg(1);
        await r.insertOrg(org);
        await r.updateOrg(org.id, { slug: 'new-slug' });
        assert.equal(await r.getOrgBySlug(org.slug), undefined);
        assert.deepEqual(await r.getOrgBySlug('new-slug'), { ...org, slug: 'new-slug' });
      });
      it('updateOrg to a taken slug fails with ORG_SLUG_TAKEN and changes nothing', async (r) => {
        const a = makeOrg('a');
        const b = makeOrg('b');
        await r.insertOrg(a);
        await r.insertOrg(b);
        await rejectsWithCode(r.updateOrg(b.id, { slug: a.slug, name: 'Other' }), 'ORG_SLUG_TAKEN');
        assert.deepEqual(await r.getOrg(b.id), b);
      });
      it('insertOrg with a taken slug fails with ORG_SLUG_TAKEN and writes nothing', async (r) => {
        const first = makeOrg(1, { slug: 'acme' });
        await r.insertOrg(first);
        await rejectsWithCode(r.insertOrg(makeOrg(2, { slug: 'acme' })), 'ORG_SLUG_TAKEN');
        assert.equal(await r.getOrg('org-2'), undefined);
        assert.deepEqual(await r.getOrgBySlug('acme'), first);
        assert.equal(await r.countOrgs({}), 1);
      });
      it('listOrgs orders by slug and pages with `after`', async (r) => {
        const slugs = ['delta', 'acme-labs', 'acme', 'bravo', 'acmecorp', 'charlie-9', 'charlie-10'];
        for (const [i, slug] of slugs.entries()) await r.insertOrg(makeOrg(i, { slug }));
        const sorted = [...slugs].sort(bytewise);
        const all = await r.listOrgs({ limit: 100 });
        assert.deepEqual(all.map((o) => o.slug), sorted);
        assert.deepEqual(all[0], makeOrg(slugs.indexOf(sorted[0]!), { slug: sorted[0]! }));

        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await r.listOrgs({ limit: 3, ...(after === undefined ? {} : { after }) });
          assert.ok(page.length <= 3);
          if (page.length === 0) break;
          seen.push(...page.map((o) => o.slug));
          after = page[page.length - 1]!.slug;
        }
        assert.deepEqual(seen, sorted);
        assert.deepEqual(await r.listOrgs({ after: sorted[sorted.length - 1]!, limit: 3 }), []);
      });
      it('listOrgs filters by kind and status', async (r) => {
        await r.insertOrg(makeOrg('sec', { slug: 'secretariat', kind: 'secretariat', status: 'member' }));
        await r.insertOrg(makeOrg('m1', { slug: 'm1', status: 'member' }));
        await r.insertOrg(makeOrg('m2', { slug: 'm2', status: 'member' }));
        await r.insertOrg(makeOrg('s1', { slug: 's1', status: 'suspended' }));
        await r.insertOrg(makeOrg('w1', { slug: 'w1', status: 'withdrawn' }));
        await r.insertOrg(makeBareOrg('a1', { slug: 'a1', status: 'applicant' }));
        const slugsOf = (orgs: Org[]) => orgs.map((o) => o.slug);
        assert.deepEqual(slugsOf(await r.listOrgs({ kind: 'signatory', limit: 100 })), ['a1', 'm1', 'm2', 's1', 'w1']);
        assert.deepEqual(slugsOf(await r.listOrgs({ kind: 'secretariat', limit: 100 })), ['secretariat']);
        assert.deepEqual(slugsOf(await r.listOrgs({ status: ['member'], limit: 100 })), ['m1', 'm2', 'secretariat']);
        assert.deepEqual(slugsOf(await r.listOrgs({ status: ['member', 'suspended'], kind: 'signatory', limit: 100 })), ['m1', 'm2', 's1']);
        assert.deepEqual(slugsOf(await r.listOrgs({ status: ['member'], kind: 'signatory', after: 'm1', limit: 100 })), ['m2']);
        assert.deepEqual(slugsOf(await r.listOrgs({ status: ['member'], kind: 'signatory', limit: 1 })), ['m1']);
      });
      it('countOrgs counts with kind, status and joinedBefore', async (r) => {
        await r.insertOrg(makeOrg('sec', { kind: 'secretariat', joined_at: at(0) }));
        await r.insertOrg(makeOrg(1, { joined_at: at(10) }));
        await r.insertOrg(makeOrg(2, { joined_at: at(20) }));
        await r.insertOrg(makeOrg(3, { joined_at: at(30), status: 'suspended' }));
        await r.insertOrg(makeBareOrg(4));
        assert.equal(await r.countOrgs({}), 5);
        assert.equal(await r.countOrgs({ kind: 'signatory' }), 4);
        assert.equal(await r.countOrgs({ kind: 'signatory', status: ['member'] }), 2);
        assert.equal(await r.countOrgs({ status: ['member', 'suspended'] }), 4);
        assert.equal(await r.countOrgs({ status: ['withdrawn'] }), 0);
        // strictly before; organisations that never joined are not counted
        assert.equal(await r.countOrgs({ kind: 'signatory', joinedBefore: at(20) }), 1);
        assert.equal(await r.countOrgs({ kind: 'signatory', joinedBefore: at(31) }), 3);
        assert.equal(await r.countOrgs({ kind: 'signatory', status: ['member'], joinedBefore: at(31) }), 2);
        assert.equal(typeof (await r.countOrgs({})), 'number');
      });
    });

    describe('users', () => {
      it('round-trips every field and finds users by email', async (r) => {
        await r.insertOrg(makeOrg(1));
        const active = makeUser(1, 'org-1', { role: 'org-admin' });
        const disabled = makeUser(2, 'org-1', { disabled_at: at(40) });
        await r.insertUser(active);
        await r.insertUser(disabled);
        assert.deepEqual(await r.getUser(active.id), active);
        assert.deepEqual(await r.getUser(disabled.id), disabled);
        assert.deepEqual(await r.getUserByEmail(disabled.email), disabled);
        assert.equal(await r.getUser('nope'), undefined);
        assert.equal(await r.getUserByEmail('nobody@example.org'), undefined);
      });
      it("listUsers returns exactly the organisation's users", async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        const users = [makeUser('c', 'org-1'), makeUser('a', 'org-1'), makeUser('b', 'org-2')];
        for (const u of users) await r.insertUser(u);
        assert.deepEqual(sortById(await r.listUsers('org-1')), sortById([users[0]!, users[1]!]));
        assert.deepEqual(await r.listUsers('org-2'), [users[2]]);
        assert.deepEqual(await r.listUsers('org-3'), []);
      });
      it('updateUser changes only the given fields', async (r) => {
        await r.insertOrg(makeOrg(1));
        const user = makeUser(1, 'org-1');
        await r.insertUser(user);
        await r.updateUser(user.id, { role: 'admin' });
        assert.deepEqual(await r.getUser(user.id), { ...user, role: 'admin' });
        await r.updateUser(user.id, { name: 'New Name', disabled_at: at(60) });
        assert.deepEqual(await r.getUser(user.id), { ...user, role: 'admin', name: 'New Name', disabled_at: at(60) });
        await r.updateUser(user.id, { disabled_at: null });
        assert.deepEqual(await r.getUser(user.id), { ...user, role: 'admin', name: 'New Name' });
        await r.updateUser(user.id, {});
        assert.deepEqual(await r.getUser(user.id), { ...user, role: 'admin', name: 'New Name' });
      });
      it('insertUser with a taken email fails with USER_EMAIL_TAKEN and writes nothing', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        const first = makeUser(1, 'org-1', { email: 'same@example.org' });
        await r.insertUser(first);
        await rejectsWithCode(r.insertUser(makeUser(2, 'org-2', { email: 'same@example.org' })), 'USER_EMAIL_TAKEN');
        assert.equal(await r.getUser('user-2'), undefined);
        assert.deepEqual(await r.listUsers('org-2'), []);
        assert.deepEqual(await r.getUserByEmail('same@example.org'), first);
      });
      it('insertUser for an organisation that does not exist fails and writes nothing', async (r) => {
        await assert.rejects(r.insertUser(makeUser(1, 'org-missing')));
        assert.equal(await r.getUser('user-1'), undefined);
        assert.deepEqual(await r.listUsers('org-missing'), []);
      });
      it('countActiveUsers counts enabled users by role, optionally per organisation', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        await r.insertUser(makeUser(1, 'org-1', { role: 'admin' }));
        await r.insertUser(makeUser(2, 'org-1', { role: 'admin', disabled_at: at(30) }));
        await r.insertUser(makeUser(3, 'org-2', { role: 'admin' }));
        await r.insertUser(makeUser(4, 'org-1', { role: 'org-admin' }));
        assert.equal(await r.countActiveUsers({ role: 'admin' }), 2);
        assert.equal(await r.countActiveUsers({ role: 'admin', orgId: 'org-1' }), 1);
        assert.equal(await r.countActiveUsers({ role: 'org-admin', orgId: 'org-1' }), 1);
        assert.equal(await r.countActiveUsers({ role: 'org-admin', orgId: 'org-2' }), 0);
        assert.equal(await r.countActiveUsers({ role: 'viewer' }), 0);
        await r.updateUser('user-2', { disabled_at: null });
        assert.equal(await r.countActiveUsers({ role: 'admin', orgId: 'org-1' }), 2);
      });
    });

    describe('API tokens', () => {
      it('round-trips every field and finds tokens by id and hash', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertUser(makeUser(1, 'org-1'));
        const never = makeToken(1, 'user-1', { expires_at: null });
        const used = makeToken(2, 'user-1', { last_used_at: at(41), revoked_at: at(42) });
        await r.insertToken(never);
        await r.insertToken(used);
        assert.deepEqual(await r.getToken(never.id), never);
        assert.deepEqual(await r.getToken(used.id), used);
        assert.deepEqual(await r.getTokenByHash(used.hash), used);
        assert.equal(await r.getToken('nope'), undefined);
        assert.equal(await r.getTokenByHash('nope'), undefined);
      });
      it("listTokens returns exactly the user's tokens", async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertUser(makeUser(1, 'org-1'));
        await r.insertUser(makeUser(2, 'org-1'));
        const tokens = [makeToken('b', 'user-1', { created_at: at(5) }), makeToken('a', 'user-1', { created_at: at(6) }), makeToken('c', 'user-2')];
        for (const t of tokens) await r.insertToken(t);
        assert.deepEqual(sortById(await r.listTokens('user-1')), sortById([tokens[0]!, tokens[1]!]));
        assert.deepEqual(await r.listTokens('user-2'), [tokens[2]]);
        assert.deepEqual(await r.listTokens('user-3'), []);
      });
      it('updateToken changes only the given fields', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertUser(makeUser(1, 'org-1'));
        const token = makeToken(1, 'user-1');
        await r.insertToken(token);
        await r.updateToken(token.id, { last_used_at: at(70) });
        assert.deepEqual(await r.getToken(token.id), { ...token, last_used_at: at(70) });
        await r.updateToken(token.id, { revoked_at: at(71) });
        assert.deepEqual(await r.getToken(token.id), { ...token, last_used_at: at(70), revoked_at: at(71) });
        await r.updateToken(token.id, {});
        assert.deepEqual(await r.getTokenByHash(token.hash), { ...token, last_used_at: at(70), revoked_at: at(71) });
      });
    });

    describe('invitations', () => {
      it('round-trips every field and finds invitations by id and hash', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertUser(makeUser(1, 'org-1'));
        await r.insertUser(makeUser(2, 'org-1'));
        const open = makeInvitation(1, 'org-1');
        const accepted = makeInvitation(2, 'org-1', { role: 'psirt', created_by: 'user-1', accepted_at: at(80), user_id: 'user-2' });
        await r.insertInvitation(open);
        await r.insertInvitation(accepted);
        assert.deepEqual(await r.getInvitation(open.id), open);
        assert.deepEqual(await r.getInvitation(accepted.id), accepted);
        assert.deepEqual(await r.getInvitationByHash(accepted.hash), accepted);
        assert.equal(await r.getInvitation('nope'), undefined);
        assert.equal(await r.getInvitationByHash('nope'), undefined);
      });
      it("listInvitations returns exactly the organisation's invitations", async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        const invs = [makeInvitation('a', 'org-1', { created_at: at(1) }), makeInvitation('b', 'org-1', { created_at: at(2) }), makeInvitation('c', 'org-2')];
        for (const i of invs) await r.insertInvitation(i);
        assert.deepEqual(sortById(await r.listInvitations('org-1')), sortById([invs[0]!, invs[1]!]));
        assert.deepEqual(await r.listInvitations('org-2'), [invs[2]]);
        assert.deepEqual(await r.listInvitations('org-3'), []);
      });
      it('updateInvitation changes only the given fields', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertUser(makeUser(1, 'org-1'));
        const inv = makeInvitation(1, 'org-1');
        await r.insertInvitation(inv);
        await r.updateInvitation(inv.id, { accepted_at: at(90), user_id: 'user-1' });
        assert.deepEqual(await r.getInvitation(inv.id), { ...inv, accepted_at: at(90), user_id: 'user-1' });
        await r.updateInvitation(inv.id, { revoked_at: at(91) });
        assert.deepEqual(await r.getInvitation(inv.id), { ...inv, accepted_at: at(90), user_id: 'user-1', revoked_at: at(91) });
        await r.updateInvitation(inv.id, {});
        assert.deepEqual(await r.getInvitationByHash(inv.hash), { ...inv, accepted_at: at(90), user_id: 'user-1', revoked_at: at(91) });
      });
    });

    describe('signing keys', () => {
      it('round-trips every field', async (r) => {
        await r.insertOrg(makeOrg(1));
        const ed = makeKey(1, 'org-1');
        const ec = makeKey(2, 'org-1', { algorithm: 'ecdsa-p256', revoked_at: at(100), purl_namespaces: ['pkg:npm/@acme', 'pkg:pypi/acme-sdk'] });
        await r.insertKey(ed);
        await r.insertKey(ec);
        assert.deepEqual(await r.getKey(ed.id), ed);
        assert.deepEqual(await r.getKey(ec.id), ec);
        assert.equal(await r.getKey('nope'), undefined);
      });
      it("listKeys returns exactly the organisation's keys", async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        const keys = [makeKey('a', 'org-1', { created_at: at(2) }), makeKey('b', 'org-1', { created_at: at(1) }), makeKey('c', 'org-2')];
        for (const k of keys) await r.insertKey(k);
        assert.deepEqual(sortById(await r.listKeys('org-1')), sortById([keys[0]!, keys[1]!]));
        assert.deepEqual(await r.listKeys('org-2'), [keys[2]]);
        assert.deepEqual(await r.listKeys('org-3'), []);
      });
      it('listActiveKeyScopes lists unrevoked keys with their organisation and namespaces', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        await r.insertKey(makeKey('a', 'org-1', { purl_namespaces: ['pkg:npm/@acme'] }));
        await r.insertKey(makeKey('b', 'org-1', { revoked_at: at(7), purl_namespaces: ['pkg:npm/@gone'] }));
        await r.insertKey(makeKey('c', 'org-2'));
        assert.deepEqual(await r.listActiveKeyScopes(), [
          { org_id: 'org-1', slug: makeOrg(1).slug, purl_namespaces: ['pkg:npm/@acme'] },
          { org_id: 'org-2', slug: makeOrg(2).slug, purl_namespaces: null },
        ]);
      });
      it('lockKeys holds concurrent registrations apart: each check over every key sees the keys registered before it', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        const seen: number[] = [];
        const register = (n: number, orgId: string) =>
          r.transaction(async (tx) => {
            await tx.lockKeys();
            seen.push((await tx.listActiveKeyScopes()).length);
            // Both transactions would read before either inserts, without the lock.
            await new Promise((resolve) => setTimeout(resolve, 30));
            await tx.insertKey(makeKey(n, orgId));
          });
        await Promise.all([register(1, 'org-1'), register(2, 'org-2')]);
        assert.deepEqual(seen.sort(), [0, 1]);
        await assert.rejects(r.lockKeys(), /only inside a transaction/);
      });
      it('updateKey sets and clears revoked_at', async (r) => {
        await r.insertOrg(makeOrg(1));
        const key = makeKey(1, 'org-1');
        await r.insertKey(key);
        await r.updateKey(key.id, { revoked_at: at(101) });
        assert.deepEqual(await r.getKey(key.id), { ...key, revoked_at: at(101) });
        await r.updateKey(key.id, {});
        assert.deepEqual(await r.getKey(key.id), { ...key, revoked_at: at(101) });
      });
      it('registering the same key twice fails with KEY_INVALID and writes nothing', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        await r.insertKey(makeKey(1, 'org-1', { key_id: 'same' }));
        await rejectsWithCode(r.insertKey(makeKey(2, 'org-2', { key_id: 'same' })), 'KEY_INVALID');
        assert.equal(await r.getKey('key-2'), undefined);
        assert.deepEqual(await r.listKeys('org-2'), []);
      });
    });

    describe('pledges and endorsements', () => {
      it('round-trips pledges and lists them all', async (r) => {
        const p1 = makePledge(1);
        const p2 = makePledge(2, { kind: 'commitment', created_at: at(8) });
        await r.insertPledge(p1);
        await r.insertPledge(p2);
        assert.deepEqual(await r.getPledgeBySlug(p1.slug), p1);
        assert.deepEqual(await r.getPledgeBySlug(p2.slug), p2);
        assert.equal(await r.getPledgeBySlug('nope'), undefined);
        assert.deepEqual(sortById(await r.listPledges()), [p1, p2]);
      });
      it('insertPledge with a taken slug fails with PLEDGE_SLUG_TAKEN and writes nothing', async (r) => {
        const first = makePledge(1, { slug: 'strong-defense' });
        await r.insertPledge(first);
        await rejectsWithCode(r.insertPledge(makePledge(2, { slug: 'strong-defense', title: 'Other' })), 'PLEDGE_SLUG_TAKEN');
        assert.deepEqual(await r.listPledges(), [first]);
        assert.deepEqual(await r.getPledgeBySlug('strong-defense'), first);
      });
      it('putEndorsement records, withdraws and re-records an endorsement', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertPledge(makePledge(1));
        const e = { org_id: 'org-1', pledge_id: 'pledge-1', endorsed_at: at(1), withdrawn_at: null };
        await r.putEndorsement(e);
        assert.deepEqual(await r.listEndorsements({}), [e]);
        await r.putEndorsement({ ...e, withdrawn_at: at(2) });
        assert.deepEqual(await r.listEndorsements({}), [{ ...e, withdrawn_at: at(2) }]);
        await r.putEndorsement({ ...e, endorsed_at: at(3), withdrawn_at: null });
        assert.deepEqual(await r.listEndorsements({}), [{ ...e, endorsed_at: at(3), withdrawn_at: null }]);
      });
      it('listEndorsements filters by organisations', async (r) => {
        for (const n of [1, 2, 3]) await r.insertOrg(makeOrg(n));
        await r.insertPledge(makePledge(1));
        await r.insertPledge(makePledge(2));
        const es = [
          { org_id: 'org-1', pledge_id: 'pledge-1', endorsed_at: at(1), withdrawn_at: null },
          { org_id: 'org-1', pledge_id: 'pledge-2', endorsed_at: at(2), withdrawn_at: at(3) },
          { org_id: 'org-2', pledge_id: 'pledge-1', endorsed_at: at(4), withdrawn_at: null },
          { org_id: 'org-3', pledge_id: 'pledge-2', endorsed_at: at(5), withdrawn_at: null },
        ];
        for (const e of es) await r.putEndorsement(e);
        const key = (e: { org_id: string; pledge_id: string }) => `${e.org_id}/${e.pledge_id}`;
        const sorted = <T extends { org_id: string; pledge_id: string }>(xs: T[]) => [...xs].sort((a, b) => bytewise(key(a), key(b)));
        assert.deepEqual(sorted(await r.listEndorsements({})), es);
        assert.deepEqual(sorted(await r.listEndorsements({ orgIds: ['org-1'] })), [es[0], es[1]]);
        assert.deepEqual(sorted(await r.listEndorsements({ orgIds: ['org-1', 'org-3'] })), [es[0], es[1], es[3]]);
        assert.deepEqual(await r.listEndorsements({ orgIds: [] }), []);
        assert.deepEqual(await r.listEndorsements({ orgIds: ['org-9'] }), []);
      });
    });

    describe('applications', () => {
      it('round-trips every field, the pledges array and nulls', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertUser(makeUser(1, 'org-1', { role: 'admin' }));
        const fresh = makeApplication(1, { psirt_contact: null, cvd_policy_url: null, security_txt_url: null, pledges: [] });
        const decided = makeApplication(2, {
          status: 'admitted',
          pledges: ['strong-defense', 'no-offense', 'capacity-building', 'collective-action'],
          voting_opened_at: at(11),
          voting_closes_at: at(12),
          decided_at: at(13),
          decided_by: 'user-1',
          decision_reason: 'Quorum reached; "yes" by 3 of 4.',
          org_id: 'org-1',
          demo: true,
        });
        await r.insertApplication(fresh);
        await r.insertApplication(decided);
        assert.deepEqual(await r.getApplication(fresh.id), fresh);
        assert.deepEqual(await r.getApplication(decided.id), decided);
        const got = await r.getApplication(decided.id);
        assert.ok(Array.isArray(got?.pledges));
        assert.equal(got?.demo, true);
        assert.equal((await r.getApplication(fresh.id))?.demo, false);
        assert.equal(await r.getApplication('nope'), undefined);
      });
      it('updateApplication changes only the given fields', async (r) => {
        await r.insertOrg(makeOrg(1));
        await r.insertUser(makeUser(1, 'org-1', { role: 'admin' }));
        const app = makeApplication(1);
        await r.insertApplication(app);
        await r.updateApplication(app.id, { status: 'voting', voting_opened_at: at(30), voting_closes_at: at(40) });
        const voting: Application = { ...app, status: 'voting', voting_opened_at: at(30), voting_closes_at: at(40) };
        assert.deepEqual(await r.getApplication(app.id), voting);
        await r.updateApplication(app.id, { pledges: ['collective-action'], demo: true, psirt_contact: null });
        const edited: Application = { ...voting, pledges: ['collective-action'], demo: true, psirt_contact: null };
        assert.deepEqual(await r.getApplication(app.id), edited);
        await r.updateApplication(app.id, { status: 'admitted', decided_at: at(41), decided_by: 'user-1', decision_reason: 'ok', org_id: 'org-1', demo: false });
        const admitted: Application = { ...edited, status: 'admitted', decided_at: at(41), decided_by: 'user-1', decision_reason: 'ok', org_id: 'org-1', demo: false };
        assert.deepEqual(await r.getApplication(app.id), admitted);
        await r.updateApplication(app.id, {});
        assert.deepEqual(await r.getApplication(app.id), admitted);
      });
      it('listApplications returns the newest first and filters by status', async (r) => {
        const apps = [
          makeApplication('a', { submitted_at: at(3), status: 'submitted' }),
          makeApplication('b', { submitted_at: at(1), status: 'voting' }),
          makeApplication('c', { submitted_at: at(2), status: 'rejected' }),
          makeApplication('d', { submitted_at: at(4), status: 'voting' }),
        ];
        for (const a of apps) await r.insertApplication(a);
        const ids = (xs: Application[]) => xs.map((x) => x.id);
        assert.deepEqual(ids(await r.listApplications({ limit: 10 })), ['app-d', 'app-a', 'app-c', 'app-b']);
        assert.deepEqual(await r.listApplications({ limit: 1 }), [apps[3]]);
        assert.deepEqual(ids(await r.listApplications({ status: ['voting'], limit: 10 })), ['app-d', 'app-b']);
        assert.deepEqual(ids(await r.listApplications({ status: ['submitted', 'rejected'], limit: 10 })), ['app-a', 'app-c']);
        assert.deepEqual(ids(await r.listApplications({ status: ['admitted'], limit: 10 })), []);
      });
      it('listApplications pages with the `before` cursor, breaking submitted_at ties by id', async (r) => {
        // three share one instant, two another: the cursor must neither skip nor repeat them
        const apps = [
          makeApplication('01', { submitted_at: at(1) }),
          makeApplication('05', { submitted_at: at(2) }),
          makeApplication('03', { submitted_at: at(2) }),
          makeApplication('04', { submitted_at: at(2) }),
          makeApplication('02', { submitted_at: at(3), status: 'voting' }),
          makeApplication('07', { submitted_at: at(3) }),
          makeApplication('06', { submitted_at: at(4) }),
        ];
        for (const a of apps) await r.insertApplication(a);
        const expected = ['app-06', 'app-07', 'app-02', 'app-05', 'app-04', 'app-03', 'app-01'];
        assert.deepEqual((await r.listApplications({ limit: 100 })).map((a) => a.id), expected);
        for (const limit of [1, 2, 3]) {
          const seen: string[] = [];
          let before: { submitted_at: string; id: string } | undefined;
          for (;;) {
            const page = await r.listApplications({ limit, ...(before === undefined ? {} : { before }) });
            assert.ok(page.length <= limit);
            if (page.length === 0) break;
            seen.push(...page.map((a) => a.id));
            const last = page[page.length - 1]!;
            before = { submitted_at: last.submitted_at, id: last.id };
          }
          assert.deepEqual(seen, expected, `pages of ${limit}`);
        }
        // the cursor combines with the status filter
        const page = await r.listApplications({ status: ['submitted'], before: { submitted_at: at(2), id: 'app-05' }, limit: 10 });
        assert.deepEqual(page.map((a) => a.id), ['app-04', 'app-03', 'app-01']);
        assert.deepEqual(page[0], apps[3]);
      });
    });

    describe('sponsorships and votes', () => {
      /** Two member organisations with a user each, and one application. */
      async function seed(r: RegistryStore): Promise<void> {
        await r.insertOrg(makeOrg(1));
        await r.insertOrg(makeOrg(2));
        await r.insertUser(makeUser(1, 'org-1'));
        await r.insertUser(makeUser(2, 'org-2'));
        await r.insertUser(makeUser(3, 'org-1'));
        await r.insertApplication(makeApplication(1));
        await r.insertApplication(makeApplication(2));
      }

      it('round-trips sponsorships per application', async (r) => {
        await seed(r);
        const s1 = makeSponsorship('app-1', 'org-1', 'user-1', { created_at: at(1) });
        const s2 = makeSponsorship('app-1', 'org-2', 'user-2', { created_at: at(2) });
        const s3 = makeSponsorship('app-2', 'org-2', 'user-2');
        for (const s of [s1, s2, s3]) await r.insertSponsorship(s);
        assert.deepEqual(await r.listSponsorships('app-1'), [s1, s2]);
        assert.deepEqual(await r.listSponsorships('app-2'), [s3]);
        assert.deepEqual(await r.listSponsorships('app-3'), []);
      });
      it('a second sponsorship by the same organisation fails with ALREADY_SPONSORED and writes nothing', async (r) => {
        await seed(r);
        const first = makeSponsorship('app-1', 'org-1', 'user-1');
        await r.insertSponsorship(first);
        await rejectsWithCode(r.insertSponsorship(makeSponsorship('app-1', 'org-1', 'user-3', { created_at: at(99) })), 'ALREADY_SPONSORED');
        assert.deepEqual(await r.listSponsorships('app-1'), [first]);
      });
      it('round-trips votes per application', async (r) => {
        await seed(r);
        const v1 = makeVote('app-1', 'org-1', 'user-1', { choice: 'no', reason: 'Missing CVD policy.', cast_at: at(1) });
        const v2 = makeVote('app-1', 'org-2', 'user-2', { choice: 'abstain', cast_at: at(2) });
        const v3 = makeVote('app-2', 'org-1', 'user-1');
        for (const v of [v1, v2, v3]) await r.insertVote(v);
        assert.deepEqual(await r.listVotes('app-1'), [v1, v2]);
        assert.deepEqual(await r.listVotes('app-2'), [v3]);
        assert.deepEqual(await r.listVotes('app-3'), []);
      });
      it('a second vote by the same organisation fails with ALREADY_VOTED and writes nothing', async (r) => {
        await seed(r);
        const first = makeVote('app-1', 'org-1', 'user-1', { choice: 'yes' });
        await r.insertVote(first);
        await rejectsWithCode(r.insertVote(makeVote('app-1', 'org-1', 'user-3', { choice: 'no', cast_at: at(99) })), 'ALREADY_VOTED');
        assert.deepEqual(await r.listVotes('app-1'), [first]);
        // the same organisation may vote on another application
        await r.insertVote(makeVote('app-2', 'org-1', 'user-3'));
        assert.equal((await r.listVotes('app-2')).length, 1);
      });
      it('votes and sponsorships must refer to an existing application', async (r) => {
        await seed(r);
        await assert.rejects(r.insertVote(makeVote('app-missing', 'org-1', 'user-1')));
        await assert.rejects(r.insertSponsorship(makeSponsorship('app-missing', 'org-1', 'user-1')));
        assert.deepEqual(await r.listVotes('app-missing'), []);
        assert.deepEqual(await r.listSponsorships('app-missing'), []);
      });
    });

    describe('settings', () => {
      it('round-trips JSON values and overwrites them', async (r) => {
        assert.equal(await r.getSetting('voting_rule'), undefined);
        const rule = { sponsors_needed: 2, quorum: 0.5, majority: 0.5, voting_days: 14, nested: { list: [1, 'two', null, true] } };
        await r.putSetting('voting_rule', rule);
        assert.deepEqual(await r.getSetting('voting_rule'), rule);
        await r.putSetting('voting_rule', { sponsors_needed: 3 });
        assert.deepEqual(await r.getSetting('voting_rule'), { sponsors_needed: 3 });
        await r.putSetting('count', 42);
        await r.putSetting('flag', false);
        await r.putSetting('name', 'Accord "secretariat"');
        await r.putSetting('list', ['a', 'b']);
        assert.equal(await r.getSetting('count'), 42);
        assert.equal(await r.getSetting('flag'), false);
        assert.equal(await r.getSetting('name'), 'Accord "secretariat"');
        assert.deepEqual(await r.getSetting('list'), ['a', 'b']);
        assert.deepEqual(await r.getSetting('voting_rule'), { sponsors_needed: 3 });
      });
    });

    describe('audit trail', () => {
      it('appendAudit returns increasing ids and round-trips every field', async (r) => {
        const full = makeAudit(1, {
          type: 'application.decided',
          actor_user_id: 'user-1',
          actor_org_id: 'org-1',
          subject_type: 'application',
          subject_id: 'app-1',
          reason: 'Quorum reached.',
          data: { outcome: 'admitted', votes: { yes: 3, no: 1 }, pledges: ['a', 'b'], note: null, flag: true, ratio: 0.75 },
        });
        const bare = makeAudit(2, { data: {} });
        const id1 = await r.appendAudit(full);
        const id2 = await r.appendAudit(bare);
        assert.equal(typeof id1, 'number');
        assert.ok(Number.isInteger(id1) && id1 > 0);
        assert.ok(id2 > id1);
        assert.deepEqual(await r.listAudit({ limit: 10 }), [withId(id2, bare), withId(id1, full)]);
      });
      it('listAudit returns the newest first and pages with the `before` id', async (r) => {
        const ids: number[] = [];
        for (let n = 0; n < 7; n++) ids.push(await r.appendAudit(makeAudit(n)));
        const newestFirst = [...ids].reverse();
        assert.deepEqual((await r.listAudit({ limit: 100 })).map((e) => e.id), newestFirst);
        const seen: number[] = [];
        let before: number | undefined;
        for (;;) {
          const page = await r.listAudit({ limit: 3, ...(before === undefined ? {} : { before }) });
          assert.ok(page.length <= 3);
          if (page.length === 0) break;
          seen.push(...page.map((e) => e.id));
          before = page[page.length - 1]!.id;
        }
        assert.deepEqual(seen, newestFirst);
        assert.deepEqual(await r.listAudit({ before: ids[3]!, limit: 100 }), [2, 1, 0].map((n) => withId(ids[n]!, makeAudit(n))));
      });
      it('listAudit filters by type, subject and actor organisation', async (r) => {
        const events = [
          makeAudit(0, { type: 'org.created', subject_id: 'org-1', actor_org_id: 'sec' }),
          makeAudit(1, { type: 'org.updated', subject_id: 'org-1', actor_org_id: 'org-1' }),
          makeAudit(2, { type: 'org.updated', subject_id: 'org-2', actor_org_id: 'sec' }),
          makeAudit(3, { type: 'org.created', subject_id: 'org-2', actor_org_id: 'sec' }),
          makeAudit(4, { type: 'org.updated', subject_id: 'org-1', actor_org_id: 'sec' }),
        ];
        const ids: number[] = [];
        for (const e of events) ids.push(await r.appendAudit(e));
        const pick = (...ns: number[]) => ns.map((n) => withId(ids[n]!, events[n]!));
        assert.deepEqual(await r.listAudit({ type: 'org.updated', limit: 10 }), pick(4, 2, 1));
        assert.deepEqual(await r.listAudit({ subjectId: 'org-1', limit: 10 }), pick(4, 1, 0));
        assert.deepEqual(await r.listAudit({ actorOrgId: 'sec', limit: 10 }), pick(4, 3, 2, 0));
        assert.deepEqual(await r.listAudit({ type: 'org.updated', subjectId: 'org-1', actorOrgId: 'sec', limit: 10 }), pick(4));
        assert.deepEqual(await r.listAudit({ type: 'org.updated', before: ids[4]!, limit: 1 }), pick(2));
        assert.deepEqual(await r.listAudit({ type: 'nothing', limit: 10 }), []);
      });
    });

    describe('transactions', () => {
      it('commits every write together and returns the callback result', async (r) => {
        const result = await r.transaction(async (tx) => {
          await tx.insertOrg(makeOrg(1));
          await tx.insertUser(makeUser(1, 'org-1'));
          await tx.putSetting('k', { v: 1 });
          const id = await tx.appendAudit(makeAudit(1));
          // a transaction sees its own writes
          assert.deepEqual(await tx.getOrg('org-1'), makeOrg(1));
          return id;
        });
        assert.equal(typeof result, 'number');
        assert.deepEqual(await r.getOrg('org-1'), makeOrg(1));
        assert.deepEqual(await r.getUser('user-1'), makeUser(1, 'org-1'));
        assert.deepEqual(await r.getSetting('k'), { v: 1 });
        assert.deepEqual(await r.listAudit({ limit: 10 }), [withId(result, makeAudit(1))]);
      });
      it('a thrown error rolls back every write, including those made before it', async (r) => {
        await r.insertOrg(makeOrg('kept'));
        await r.putSetting('k', 'before');
        const boom = new Error('boom');
        await assert.rejects(
          r.transaction(async (tx) => {
            await tx.insertOrg(makeOrg(1));
            await tx.insertUser(makeUser(1, 'org-1'));
            await tx.updateOrg('org-kept', { name: 'Changed' });
            await tx.putSetting('k', 'inside');
            await tx.appendAudit(makeAudit(1));
            await tx.insertPledge(makePledge(1));
            throw boom;
          }),
          (err) => err === boom,
        );
        assert.equal(await r.getOrg('org-1'), undefined);
        assert.equal(await r.getUser('user-1'), undefined);
        assert.deepEqual(await r.getOrg('org-kept'), makeOrg('kept'));
        assert.equal(await r.getSetting('k'), 'before');
        assert.deepEqual(await r.listAudit({ limit: 10 }), []);
        assert.deepEqual(await r.listPledges(), []);
        assert.equal(await r.countOrgs({}), 1);
      });
      it('a uniqueness error inside a transaction rolls back the earlier writes', async (r) => {
        await r.insertOrg(makeOrg(1, { slug: 'acme' }));
        await rejectsWithCode(
          r.transaction(async (tx) => {
            await tx.insertOrg(makeOrg(2));
            await tx.appendAudit(makeAudit(2));
            await tx.insertOrg(makeOrg(3, { slug: 'acme' }));
          }),
          'ORG_SLUG_TAKEN',
        );
        assert.equal(await r.getOrg('org-2'), undefined);
        assert.deepEqual(await r.listAudit({ limit: 10 }), []);
        assert.equal(await r.countOrgs({}), 1);
      });
      it('a uniqueness error caught inside a transaction leaves it usable', async (r) => {
        await r.insertOrg(makeOrg(1, { slug: 'acme' }));
        await r.transaction(async (tx) => {
          await tx.insertOrg(makeOrg(2));
          await rejectsWithCode(tx.insertOrg(makeOrg(3, { slug: 'acme' })), 'ORG_SLUG_TAKEN');
          // e.g. a caller that retries with another slug
          await tx.insertOrg(makeOrg(3, { slug: 'acme-2' }));
        });
        assert.deepEqual(await r.getOrg('org-2'), makeOrg(2));
        assert.deepEqual(await r.getOrg('org-3'), makeOrg(3, { slug: 'acme-2' }));
        assert.equal(await r.countOrgs({}), 3);
      });
      it('nested transaction() calls reuse the outer transaction', async (r) => {
        // the inner call commits nothing on its own: the outer failure undoes it
        await assert.rejects(
          r.transaction(async (tx) => {
            const inner = await tx.transaction(async (tx2) => {
              await tx2.insertOrg(makeOrg(1));
              return 'inner-result';
            });
            assert.equal(inner, 'inner-result');
            assert.deepEqual(await tx.getOrg('org-1'), makeOrg(1));
            await tx.insertOrg(makeOrg(2));
            throw new Error('outer fails');
          }),
          /outer fails/,
        );
        assert.equal(await r.getOrg('org-1'), undefined);
        assert.equal(await r.getOrg('org-2'), undefined);

        // an inner failure undoes the outer writes too
        await assert.rejects(
          r.transaction(async (tx) => {
            await tx.insertOrg(makeOrg(3));
            await tx.transaction(async (tx2) => {
              await tx2.insertOrg(makeOrg(4));
              throw new Error('inner fails');
            });
          }),
          /inner fails/,
        );
        assert.equal(await r.getOrg('org-3'), undefined);
        assert.equal(await r.getOrg('org-4'), undefined);

        // and when nothing fails, all of it lands
        await r.transaction(async (tx) => {
          await tx.insertOrg(makeOrg(5));
          await tx.transaction(async (tx2) => tx2.transaction(async (tx3) => tx3.insertOrg(makeOrg(6))));
        });
        assert.equal(await r.countOrgs({}), 2);
      });
      it('a failed foreign key inside a transaction rolls it back', async (r) => {
        await assert.rejects(
          r.transaction(async (tx) => {
            await tx.insertOrg(makeOrg(1));
            await tx.insertUser(makeUser(1, 'org-missing'));
          }),
        );
        assert.equal(await r.getOrg('org-1'), undefined);
        assert.equal(await r.getUser('user-1'), undefined);
      });
    });
  });
}

/** Asserts that `p` rejects with a `RegistryError` carrying `code`. */
async function rejectsWithCode(p: Promise<unknown>, code: RegistryErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof RegistryError, `expected a RegistryError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.name, 'RegistryError');
    return true;
  });
}

/** Plain code-unit order: what `ORDER BY slug` must give on every backend. */
function bytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortById<T extends { id: string }>(xs: T[]): T[] {
  return [...xs].sort((a, b) => bytewise(a.id, b.id));
}
