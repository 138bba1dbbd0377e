import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { SqlNotifyStore } from '../../src/store/sql/notify-store.js';
import { NotifyError } from '../../src/notify/errors.js';
import type { AttemptReport, ClaimedMessage, NewOutboxMessage, NewWebhookSubscription, NotifyStore } from '../../src/notify/ports.js';

/** A fresh database with the notify migration applied; the contract closes it. */
export interface NotifyTestDb {
  db: Kysely<any>;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export interface NotifyStoreContractOptions {
  /** Shown in the test names, e.g. `sqlite`. */
  name: string;
  newDb(): Promise<NotifyTestDb>;
  /** When a string, every case is reported as skipped with this reason. */
  skip?: string | false;
}

/** 2024-03-05T06:07:08.009Z plus `s` seconds: instants with milliseconds, so a backend that rounds them fails. */
const T0 = Date.UTC(2024, 2, 5, 6, 7, 8, 9);
export const t = (s: number): Date => new Date(T0 + s * 1000);

export function makeSubscription(n: number, over: Partial<NewWebhookSubscription> = {}): NewWebhookSubscription {
  return {
    id: `sub-${String(n).padStart(3, '0')}`,
    org_id: 'org-a',
    url: `https://hooks.example/${n}?token=abc`,
    secret: `whsec_secret-number-${n}-WXYZ`,
    event_types: ['advisory.published', 'case.*'],
    active: true,
    created_at: t(n),
    ...over,
  };
}

export function webhookMessage(key: string, over: Partial<Extract<NewOutboxMessage, { channel: 'webhook' }>> = {}): NewOutboxMessage {
  return {
    channel: 'webhook',
    subscription_id: 'sub-001',
    event_type: 'advisory.published',
    payload: { advisory: key, title: 'Ünïcödé "quoted" \u2028 text', nested: { list: [1, 2.5, null, true] } },
    dedupe_key: key,
    created_at: t(0),
    ...over,
  };
}

export function emailMessage(key: string, over: Partial<Extract<NewOutboxMessage, { channel: 'email' }>> = {}): NewOutboxMessage {
  return { channel: 'email', to: ['psirt@org-a.example', 'cert@org-b.example'], subject: `Reminder ${key}`, text: 'Body\nline 2', dedupe_key: key, created_at: t(0), ...over };
}

function report(worker: string, attempt: number, at: Date, over: Partial<AttemptReport> = {}): AttemptReport {
  return { worker_id: worker, attempt, attempted_at: at, duration_ms: 12, status_code: null, response: null, ...over };
}

type Case = (s: NotifyStore, db: NotifyTestDb) => Promise<void>;

export function runNotifyStoreContract(options: NotifyStoreContractOptions): void {
  const { name, newDb } = options;
  const skip = options.skip ?? false;

  /** A case on a fresh database: every case starts from nothing, in any order. */
  function it(title: string, fn: Case): void {
    test(title, { skip }, async () => {
      const db = await newDb();
      try {
        await fn(new SqlNotifyStore(db.db, db.dialect), db);
      } finally {
        await db.close();
      }
    });
  }

  describe(`notify store contract (${name})`, () => {
    it('creates, lists, updates and deletes subscriptions; listings never carry the secret', async (s) => {
      const created = await s.createSubscription(makeSubscription(1));
      assert.deepEqual(created, {
        id: 'sub-001',
        org_id: 'org-a',
        url: 'https://hooks.example/1?token=abc',
        event_types: ['advisory.published', 'case.*'],
        active: true,
        secret_hint: 'WXYZ',
        disabled_reason: null,
        created_at: t(1).toISOString(),
        updated_at: t(1).toISOString(),
      });
      await s.createSubscription(makeSubscription(2, { event_types: '*', org_id: 'org-b' }));
      await s.createSubscription(makeSubscription(3, { active: false }));
      await s.createSubscription(makeSubscription(4));

      const all = await s.listSubscriptions({ limit: 10 });
      assert.deepEqual(all.map((x) => x.id), ['sub-001', 'sub-002', 'sub-003', 'sub-004']);
      assert.equal(all[1]!.event_types, '*');
      for (const x of [...all, await s.getSubscription('sub-001')]) {
        assert.ok(!('secret' in x!), 'no secret field');
        assert.ok(!JSON.stringify(x).includes('secret-number'), 'no part of the secret beyond its hint');
      }
      assert.deepEqual((await s.listSubscriptions({ org_id: 'org-a', limit: 10 })).map((x) => x.id), ['sub-001', 'sub-003', 'sub-004']);
      assert.deepEqual((await s.listSubscriptions({ org_id: 'org-a', active: true, limit: 10 })).map((x) => x.id), ['sub-001', 'sub-004']);
      assert.deepEqual((await s.listSubscriptions({ limit: 2, after: 'sub-002' })).map((x) => x.id), ['sub-003', 'sub-004']);
      await assert.rejects(s.listSubscriptions({ limit: 2, after: 'sub-999' }), (e: unknown) => e instanceof NotifyError && e.code === 'NOTIFY_CURSOR_INVALID');

      assert.equal((await s.getSubscriptionWithSecret('sub-001'))!.secret, 'whsec_secret-number-1-WXYZ');

      const off = await s.updateSubscription('sub-001', { active: false, disabled_reason: 'The receiver answered 410 Gone.', updated_at: t(100) });
      assert.equal(off!.active, false);
      assert.equal(off!.disabled_reason, 'The receiver answered 410 Gone.');
      assert.equal(off!.updated_at, t(100).toISOString());
      const on = await s.updateSubscription('sub-001', { active: true, url: 'https://hooks.example/new', event_types: ['advisory.*'], secret: 'whsec_rotated-secret-ABCD', updated_at: t(200) });
      assert.deepEqual(
        { active: on!.active, reason: on!.disabled_reason, url: on!.url, events: on!.event_types, hint: on!.secret_hint },
        { active: true, reason: null, url: 'https://hooks.example/new', events: ['advisory.*'], hint: 'ABCD' },
      );
      assert.equal((await s.getSubscriptionWithSecret('sub-001'))!.secret, 'whsec_rotated-secret-ABCD');
      assert.equal(await s.updateSubscription('sub-999', { active: false, updated_at: t(1) }), undefined);

      assert.equal(await s.deleteSubscription('sub-001'), true);
      assert.equal(await s.deleteSubscription('sub-001'), false);
      assert.equal(await s.getSubscription('sub-001'), undefined);
      assert.equal(await s.getSubscriptionWithSecret('sub-001'), undefined);
    });

    it('a short secret has an empty hint rather than revealing itself', async (s) => {
      assert.equal((await s.createSubscription(makeSubscription(1, { secret: 'abcd' }))).secret_hint, '');
    });

    it('enqueueing the same dedupe key twice is a no-op that returns the first id', async (s) => {
      const first = await s.enqueue(webhookMessage('k1'));
      assert.equal(first.enqueued, true);
      const again = await s.enqueue(webhookMessage('k1', { payload: { different: true }, created_at: t(50) }));
      assert.deepEqual(again, { id: first.id, enqueued: false });
      const mail = await s.enqueue(emailMessage('k2'));
      assert.equal(mail.enqueued, true);
      assert.notEqual(mail.id, first.id);
      assert.deepEqual((await s.enqueue(emailMessage('k2'))).enqueued, false);

      const pending = await s.listOutbox({ status: 'pending', limit: 10 });
      assert.equal(pending.length, 2);
      const hook = pending.find((m) => m.id === first.id)!;
      assert.deepEqual(hook, {
        id: first.id,
        channel: 'webhook',
        subscription_id: 'sub-001',
        event_type: 'advisory.published',
        dedupe_key: 'k1',
        status: 'pending',
        attempts: 0,
        next_attempt_at: t(0).toISOString(),
        leased_by: null,
        lease_until: null,
        last_error: null,
        created_at: t(0).toISOString(),
        updated_at: t(0).toISOString(),
        delivered_at: null,
      });
      // the first payload is the one kept, byte for byte
      const claimed = await s.claimDue(t(1), 10, 'w1', 60_000);
      const webhook = claimed.find((m) => m.channel === 'webhook') as Extract<ClaimedMessage, { channel: 'webhook' }>;
      assert.equal(webhook.payload_json, JSON.stringify(webhookMessage('k1').channel === 'webhook' ? (webhookMessage('k1') as { payload: unknown }).payload : null));
      const email = claimed.find((m) => m.channel === 'email') as Extract<ClaimedMessage, { channel: 'email' }>;
      assert.deepEqual({ to: email.to, subject: email.subject, text: email.text, html: email.html }, { to: ['psirt@org-a.example', 'cert@org-b.example'], subject: 'Reminder k2', text: 'Body\nline 2', html: null });
    });

    it('claims only due messages, in due order, counting the attempt and leasing them', async (s) => {
      const a = await s.enqueue(webhookMessage('a', { created_at: t(0), not_before: t(30) }));
      const b = await s.enqueue(webhookMessage('b', { created_at: t(0) }));
      const c = await s.enqueue(emailMessage('c', { created_at: t(10) }));
      // not_before earlier than created_at is ignored
      const d = await s.enqueue(emailMessage('d', { created_at: t(20), not_before: t(5) }));
      assert.deepEqual(await s.claimDue(t(-1), 10, 'w1', 60_000), []);
      const first = await s.claimDue(t(20), 10, 'w1', 60_000);
      assert.deepEqual(first.map((m) => m.id), [b.id, c.id, d.id]);
      assert.deepEqual(first.map((m) => m.attempt), [1, 1, 1]);
      assert.equal(first[0]!.lease_until, t(80).toISOString());
      const listed = (await s.listOutbox({ limit: 10 })).find((m) => m.id === b.id)!;
      assert.deepEqual({ leased_by: listed.leased_by, lease_until: listed.lease_until, attempts: listed.attempts }, { leased_by: 'w1', lease_until: t(80).toISOString(), attempts: 1 });
      // leased messages are not claimed again; the not-yet-due one becomes due
      assert.deepEqual((await s.claimDue(t(30), 10, 'w2', 60_000)).map((m) => m.id), [a.id]);
      assert.deepEqual(await s.claimDue(t(40), 10, 'w2', 60_000), []);
    });

    it('claims respect the limit and the channel filter', async (s) => {
      for (let i = 0; i < 3; i++) await s.enqueue(webhookMessage(`w${i}`, { created_at: t(i) }));
      for (let i = 0; i < 2; i++) await s.enqueue(emailMessage(`e${i}`, { created_at: t(i) }));
      assert.equal((await s.claimDue(t(10), 0, 'w1', 60_000)).length, 0);
      assert.deepEqual((await s.claimDue(t(10), 10, 'w1', 60_000, { channels: ['email'] })).map((m) => m.channel), ['email', 'email']);
      assert.deepEqual(await s.claimDue(t(10), 10, 'w1', 60_000, { channels: [] }), []);
      assert.equal((await s.claimDue(t(10), 2, 'w1', 60_000)).length, 2);
      assert.equal((await s.claimDue(t(10), 2, 'w1', 60_000)).length, 1);
    });

    it('concurrent claimers never get the same message', async (s, db) => {
      const other = new SqlNotifyStore(db.db, db.dialect);
      for (let round = 0; round < 3; round++) {
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) ids.push((await s.enqueue(webhookMessage(`r${round}-${i}`, { created_at: t(round * 1000 + i) }))).id);
        const now = t(round * 1000 + 100);
        const claims = await Promise.all(Array.from({ length: 6 }, (_, w) => (w % 2 === 0 ? s : other).claimDue(now, 7, `worker-${w}`, 60_000)));
        const got = claims.flat().map((m) => m.id);
        assert.equal(new Set(got).size, got.length, 'no message was handed out twice');
        assert.deepEqual([...got].sort(), [...ids].sort(), 'every due message was handed out');
        for (const m of claims.flat()) await s.markDelivered(m.id, report('x', m.attempt, now));
      }
    });

    it('an expired lease lets another worker retry; only the lease holder reschedules, but a delivery always counts', async (s) => {
      const { id } = await s.enqueue(webhookMessage('lease'));
      const [m1] = await s.claimDue(t(0), 1, 'w1', 1_000);
      assert.equal(m1!.attempt, 1);
      assert.deepEqual(await s.claimDue(t(0.5), 1, 'w2', 1_000), [], 'the lease still runs');
      const [m2] = await s.claimDue(t(1), 1, 'w2', 1_000);
      assert.equal(m2!.id, id, 'reclaimed once the lease expired');
      assert.equal(m2!.attempt, 2);

      // w1 (crashed, late) reports a failure: logged, but it does not move the message
      assert.equal(await s.markFailed(id, { ...report('w1', 1, t(0)), error: 'late' }, t(500)), false);
      let row = (await s.listOutbox({ limit: 1 }))[0]!;
      assert.deepEqual({ status: row.status, leased_by: row.leased_by, attempts: row.attempts }, { status: 'pending', leased_by: 'w2', attempts: 2 });
      // nor does a report for the right worker but an old attempt
      assert.equal(await s.markFailed(id, { ...report('w2', 1, t(0)), error: 'stale' }, t(500)), false);

      // w1 did deliver after all: that settles the message
      assert.equal(await s.markDelivered(id, report('w1', 1, t(1.5), { status_code: 200 })), true);
      row = (await s.listOutbox({ limit: 1 }))[0]!;
      assert.deepEqual({ status: row.status, leased_by: row.leased_by, lease_until: row.lease_until }, { status: 'delivered', leased_by: null, lease_until: null });
      assert.equal(row.delivered_at, new Date(t(1.5).getTime() + 12).toISOString());
      // w2's later report is logged and changes nothing
      assert.equal(await s.markFailed(id, { ...report('w2', 2, t(2)), error: 'timeout' }, t(60)), false);
      assert.equal(await s.markDelivered(id, report('w2', 2, t(2))), false);
      assert.equal((await s.listOutbox({ limit: 1 }))[0]!.status, 'delivered');
      const log = await s.listDeliveries({ messageId: id, limit: 10 });
      assert.deepEqual(
        log.rows.map((r) => [r.worker_id, r.attempt, r.outcome]),
        [
          ['w2', 2, 'delivered'],
          ['w2', 2, 'retry'],
          ['w1', 1, 'delivered'],
          ['w2', 1, 'retry'],
          ['w1', 1, 'retry'],
        ],
      );
      assert.deepEqual(await s.claimDue(t(1000), 1, 'w3', 1_000), []);
    });

    it('a failure schedules the next attempt; a failure with no next attempt is dead; dead can be requeued', async (s) => {
      const { id } = await s.enqueue(emailMessage('retry'));
      const [m] = await s.claimDue(t(0), 1, 'w1', 60_000);
      assert.equal(await s.markFailed(id, { ...report('w1', m!.attempt, t(0), { response: '421 try later' }), error: 'SMTP 421' }, t(30)), true);
      let row = (await s.listOutbox({ status: 'pending', limit: 5 }))[0]!;
      assert.deepEqual(
        { next: row.next_attempt_at, leased_by: row.leased_by, lease_until: row.lease_until, last_error: row.last_error, attempts: row.attempts },
        { next: t(30).toISOString(), leased_by: null, lease_until: null, last_error: 'SMTP 421', attempts: 1 },
      );
      assert.deepEqual(await s.claimDue(t(29), 1, 'w1', 60_000), [], 'not before its next attempt');
      const [again] = await s.claimDue(t(30), 1, 'w2', 60_000);
      assert.equal(again!.attempt, 2);
      assert.equal(await s.markFailed(id, { ...report('w2', 2, t(30)), error: 'SMTP 550 no such user' }, null), true);
      assert.deepEqual(await s.listOutbox({ status: 'pending', limit: 5 }), []);
      row = (await s.listOutbox({ status: 'dead', limit: 5 }))[0]!;
      assert.deepEqual({ id: row.id, status: row.status, last_error: row.last_error }, { id, status: 'dead', last_error: 'SMTP 550 no such user' });
      assert.deepEqual(await s.claimDue(t(100_000), 1, 'w1', 60_000), [], 'dead messages are never claimed');
      const log = await s.listDeliveries({ messageId: id, limit: 5 });
      assert.deepEqual(
        log.rows.map((r) => ({ attempt: r.attempt, outcome: r.outcome, error: r.error, response: r.response, channel: r.channel, sub: r.subscription_id })),
        [
          { attempt: 2, outcome: 'dead', error: 'SMTP 550 no such user', response: null, channel: 'email', sub: null },
          { attempt: 1, outcome: 'retry', error: 'SMTP 421', response: '421 try later', channel: 'email', sub: null },
        ],
      );
      assert.equal(await s.requeue(id, t(200)), true);
      assert.equal(await s.requeue(id, t(200)), false, 'only dead messages are requeued');
      const [revived] = await s.claimDue(t(200), 1, 'w1', 60_000);
      assert.deepEqual({ id: revived!.id, attempt: revived!.attempt }, { id, attempt: 1 });
    });

    it('pages the delivery log newest first, by message and by subscription, with texts cut to 1 KB', async (s) => {
      const a = await s.enqueue(webhookMessage('a', { subscription_id: 'sub-001' }));
      const b = await s.enqueue(webhookMessage('b', { subscription_id: 'sub-002' }));
      const long = 'é'.repeat(2000);
      let now = 0;
      for (let i = 0; i < 4; i++) {
        const claimed = await s.claimDue(t(now), 5, 'w', 1_000);
        assert.deepEqual(claimed.map((m) => m.id).sort(), [a.id, b.id].sort());
        for (const m of claimed) {
          assert.equal(m.attempt, i + 1);
          await s.markFailed(m.id, { ...report('w', m.attempt, t(now), { status_code: 503, response: long }), error: `${long}-${m.id}-${i}` }, t(now + 1));
        }
        now += 1;
      }
      const rows = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const page = await s.listDeliveries({ limit: 3, cursor });
        sizes.push(page.rows.length);
        rows.push(...page.rows);
        cursor = page.next_cursor;
      } while (cursor !== null);
      assert.deepEqual(sizes, [3, 3, 2]);
      assert.deepEqual(rows.map((r) => r.id), [...rows.map((r) => r.id)].sort((x, y) => y - x), 'newest first');
      assert.equal(new Set(rows.map((r) => r.id)).size, 8);
      for (const r of rows) {
        assert.ok(Buffer.byteLength(r.error!) <= 1024, 'error cut to 1 KB');
        assert.ok(Buffer.byteLength(r.response!) <= 1024, 'response cut to 1 KB');
        assert.ok(r.error!.startsWith('éé') && r.error!.endsWith('…'), 'cut between characters');
        assert.equal(r.status_code, 503);
        assert.equal(r.duration_ms, 12);
      }
      const bySub = await s.listDeliveries({ subscriptionId: 'sub-002', limit: 10 });
      assert.deepEqual(bySub.rows.map((r) => r.attempt), [4, 3, 2, 1]);
      assert.ok(bySub.rows.every((r) => r.message_id === b.id && r.subscription_id === 'sub-002'));
      assert.equal(bySub.next_cursor, null);
      const byMessage = await s.listDeliveries({ messageId: a.id, limit: 2 });
      assert.deepEqual(byMessage.rows.map((r) => r.attempt), [4, 3]);
      const rest = await s.listDeliveries({ messageId: a.id, limit: 2, cursor: byMessage.next_cursor });
      assert.deepEqual(rest.rows.map((r) => [r.attempt, r.attempted_at]), [
        [2, t(1).toISOString()],
        [1, t(0).toISOString()],
      ]);
      for (const bad of ['abc', '-1', '0', '1e3', '99999999999999999999']) {
        await assert.rejects(s.listDeliveries({ limit: 2, cursor: bad }), (e: unknown) => e instanceof NotifyError && e.code === 'NOTIFY_CURSOR_INVALID', bad);
      }
    });

    it('prunes settled messages and their logs, keeping pending ones', async (s) => {
      const done = await s.enqueue(webhookMessage('done'));
      const dead = await s.enqueue(webhookMessage('dead'));
      const live = await s.enqueue(webhookMessage('live'));
      const claimed = await s.claimDue(t(0), 3, 'w', 60_000);
      const byKey = new Map(claimed.map((m) => [m.dedupe_key, m]));
      await s.markDelivered(done.id, report('w', 1, t(1)));
      await s.markFailed(dead.id, { ...report('w', 1, t(1)), error: 'x' }, null);
      await s.markFailed(live.id, { ...report('w', byKey.get('live')!.attempt, t(1)), error: 'y' }, t(10));
      assert.equal(await s.pruneOutbox(t(0)), 0, 'nothing settled before t0');
      assert.equal(await s.pruneOutbox(t(5)), 2);
      assert.deepEqual((await s.listOutbox({ limit: 10 })).map((m) => m.id), [live.id]);
      assert.deepEqual((await s.listDeliveries({ limit: 10 })).rows.map((r) => r.message_id), [live.id]);
      // a pruned key may be enqueued again
      assert.equal((await s.enqueue(webhookMessage('done'))).enqueued, true);
    });
  });
}
