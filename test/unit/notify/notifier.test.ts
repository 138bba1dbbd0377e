import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Notifier, type NotifierOptions } from '../../../src/notify/notifier.js';
import type { ChannelResult, EmailChannel, WebhookChannel, WebhookMessage } from '../../../src/notify/delivery.js';
import { publishEvent, enqueueEmail } from '../../../src/notify/publish.js';
import { newWebhookSubscription } from '../../../src/notify/subscriptions.js';
import { BACKOFF_MS } from '../../../src/notify/retry.js';
import type { NotifyStore } from '../../../src/notify/ports.js';
import { ManualClock, MemoryLog, NO_JITTER, sqliteNotifyStore } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A webhook channel the test scripts: records calls, answers with `answer`. */
class FakeWebhook implements WebhookChannel {
  readonly calls: WebhookMessage[] = [];
  active = 0;
  maxActive = 0;
  constructor(private readonly answer: (m: WebhookMessage) => Promise<ChannelResult> = async () => ({ kind: 'delivered', status_code: 200 })) {}
  async deliver(message: WebhookMessage): Promise<ChannelResult> {
    this.calls.push(message);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      return await this.answer(message);
    } finally {
      this.active--;
    }
  }
}

async function setup(over: Partial<NotifierOptions> = {}, webhook: WebhookChannel | undefined = new FakeWebhook()) {
  const { store, close } = await sqliteNotifyStore();
  cleanups.push(close);
  const clock = new ManualClock();
  const log = new MemoryLog();
  const notifier = new Notifier({ store, clock, log, webhook, workerId: 'w-test', retry: { backoffMs: BACKOFF_MS, random: NO_JITTER }, ...over });
  cleanups.push(() => notifier.stop());
  const sub = newWebhookSubscription({ org_id: 'org-a', url: 'https://hooks.example/x', event_types: '*' }, clock);
  await store.createSubscription(sub);
  const publish = (key: string) => publishEvent(store, clock, { type: 'advisory.published', org_ids: ['org-a'], payload: { key }, dedupe_key: key });
  return { store, clock, log, notifier, sub, publish };
}

async function until(check: () => Promise<boolean>, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

const statuses = async (store: NotifyStore) => (await store.listOutbox({ limit: 100 })).map((m) => m.status).sort();

describe('notifier', () => {
  test('start() polls, kick() sends without waiting for the next poll, stop() ends the loop', async () => {
    const webhook = new FakeWebhook();
    const { store, notifier, publish } = await setup({ pollIntervalMs: 60_000 }, webhook);
    notifier.start();
    await until(async () => true);
    await publish('a');
    notifier.kick();
    await until(async () => (await statuses(store)).join() === 'delivered');
    await notifier.stop();
    await publish('b');
    notifier.kick();
    await sleep(50);
    assert.deepEqual(await statuses(store), ['delivered', 'pending'], 'nothing is sent after stop()');
    assert.equal(webhook.calls.length, 1);
  });

  test('the poll loop picks up messages on its own', async () => {
    const { store, notifier, publish } = await setup({ pollIntervalMs: 10 });
    notifier.start();
    await publish('a');
    await publish('b');
    await until(async () => (await statuses(store)).join() === 'delivered,delivered');
  });

  test('delivers concurrently, never more than `concurrency` at once', async () => {
    const webhook = new FakeWebhook(async () => {
      await sleep(20);
      return { kind: 'delivered', status_code: 200 };
    });
    const { store, notifier, publish } = await setup({ concurrency: 3 }, webhook);
    for (let i = 0; i < 10; i++) await publish(`m${i}`);
    assert.equal(await notifier.drain(), 10);
    assert.equal(webhook.maxActive, 3);
    assert.equal(new Set(webhook.calls.map((c) => c.id)).size, 10, 'each message sent once');
    assert.deepEqual(await statuses(store), Array(10).fill('delivered'));
  });

  test('stop() waits for deliveries in flight', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const webhook = new FakeWebhook(async () => {
      started();
      await sleep(100);
      return { kind: 'delivered', status_code: 200 };
    });
    const { store, notifier, publish } = await setup({ pollIntervalMs: 5 }, webhook);
    await publish('a');
    notifier.start();
    await inFlight;
    await notifier.stop();
    assert.deepEqual(await statuses(store), ['delivered']);
  });

  test('stop() gives up after stopTimeoutMs and says so; the lease brings the message back', async () => {
    let release!: () => void;
    const webhook = new FakeWebhook(
      () =>
        new Promise<ChannelResult>((resolve) => {
          release = () => resolve({ kind: 'delivered', status_code: 200 });
        }),
    );
    const { store, clock, log, notifier, publish } = await setup({ pollIntervalMs: 5, stopTimeoutMs: 50, leaseMs: 60_000 }, webhook);
    await publish('a');
    notifier.start();
    await until(async () => webhook.calls.length === 1);
    await notifier.stop();
    assert.ok(log.lines.some((l) => l.level === 'warn' && /in flight/.test(l.msg)));
    // another node, after the lease
    const other = new Notifier({ store, clock, log, webhook: new FakeWebhook(), workerId: 'w-other' });
    assert.equal(await other.drain(), 0);
    clock.advance(60_000);
    assert.equal(await other.drain(), 1);
    assert.deepEqual(await statuses(store), ['delivered']);
    release();
  });

  test('a failing store or channel never escapes the loop', async () => {
    const webhook = new FakeWebhook(async (m) => {
      if (m.attempt === 1) throw new Error('boom');
      return { kind: 'delivered', status_code: 200 };
    });
    const { store, clock, log, publish } = await setup({}, webhook);
    let failures = 2;
    const flaky: NotifyStore = Object.create(store, {
      claimDue: {
        value: (...args: Parameters<NotifyStore['claimDue']>) => (failures-- > 0 ? Promise.reject(new Error('database is locked')) : store.claimDue(...args)),
      },
    });
    const notifier = new Notifier({ store: flaky, clock, log, webhook, pollIntervalMs: 5, retry: { backoffMs: BACKOFF_MS, random: NO_JITTER } });
    cleanups.push(() => notifier.stop());
    await publish('a');
    notifier.start();
    await until(async () => (await store.listOutbox({ limit: 1 }))[0]!.attempts === 1 && (await store.listOutbox({ limit: 1 }))[0]!.leased_by === null);
    const [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.status, 'pending');
    assert.match(row!.last_error!, /unexpected failure: boom/);
    assert.equal(log.lines.filter((l) => l.level === 'error' && /claiming/.test(l.msg)).length, 2);
    clock.advance(30_000);
    notifier.kick();
    await until(async () => (await statuses(store)).join() === 'delivered');
  });

  test("a crashed worker's message is sent again once its lease expires", async () => {
    const webhook = new FakeWebhook();
    const { store, clock, notifier, publish } = await setup({}, webhook);
    await publish('a');
    const [taken] = await store.claimDue(clock.now(), 1, 'crashed-worker', 120_000);
    assert.equal(await notifier.drain(), 0);
    clock.advance(120_000);
    assert.equal(await notifier.drain(), 1);
    assert.equal(webhook.calls[0]!.id, taken!.id);
    assert.equal(webhook.calls[0]!.attempt, 2);
    assert.deepEqual(await statuses(store), ['delivered']);
  });

  test('a message whose workers keep crashing is given up without another send', async () => {
    const webhook = new FakeWebhook();
    const { store, clock, notifier, log, publish } = await setup({}, webhook);
    await publish('poison');
    for (let i = 0; i < BACKOFF_MS.length + 1; i++) {
      assert.equal((await store.claimDue(clock.now(), 1, `crash-${i}`, 1_000)).length, 1);
      clock.advance(1_000);
    }
    await notifier.drain();
    assert.equal(webhook.calls.length, 0);
    const [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.status, 'dead');
    assert.match(row!.last_error!, /exceeds the retry schedule/);
    assert.ok(log.lines.some((l) => l.level === 'error'));
  });

  test('retries end after the schedule: seven attempts over about 31 hours, then dead', async () => {
    const webhook = new FakeWebhook(async () => ({ kind: 'retry', status_code: 500, error: 'HTTP 500' }));
    const { store, clock, notifier, publish } = await setup({}, webhook);
    await publish('a');
    await notifier.drain();
    for (const delay of BACKOFF_MS) {
      clock.advance(delay - 1);
      assert.equal(await notifier.drain(), 0, `not before ${delay} ms`);
      clock.advance(1);
      assert.equal(await notifier.drain(), 1);
    }
    assert.equal(webhook.calls.length, BACKOFF_MS.length + 1);
    assert.deepEqual(await statuses(store), ['dead']);
    const log = await store.listDeliveries({ limit: 20 });
    assert.deepEqual(log.rows.map((d) => d.outcome), ['dead', ...Array(BACKOFF_MS.length).fill('retry')]);
  });

  test('messages of a deleted or switched-off subscription die unsent', async () => {
    const webhook = new FakeWebhook();
    const { store, clock, notifier, sub, publish } = await setup({}, webhook);
    await publish('a');
    await store.updateSubscription(sub.id, { active: false, updated_at: clock.now() });
    await notifier.drain();
    const second = newWebhookSubscription({ org_id: 'org-b', url: 'https://hooks.example/y', event_types: '*' }, clock);
    await store.createSubscription(second);
    await publishEvent(store, clock, { type: 'advisory.published', org_ids: ['org-b'], payload: {}, dedupe_key: 'b' });
    await store.deleteSubscription(second.id);
    await notifier.drain();
    assert.equal(webhook.calls.length, 0);
    assert.deepEqual((await store.listOutbox({ limit: 5 })).map((m) => [m.status, m.last_error]).sort(), [
      ['dead', 'the subscription is switched off'],
      ['dead', 'the subscription was deleted'],
    ]);
  });

  test('without an e-mail channel, e-mail waits in the outbox rather than failing', async () => {
    const { store, clock, log, notifier } = await setup();
    notifier.start();
    await enqueueEmail(store, clock, { to: ['a@b.example'], subject: 's', text: 't', dedupe_key: 'k' });
    await notifier.drain();
    const [row] = await store.listOutbox({ limit: 1 });
    assert.deepEqual({ status: row!.status, attempts: row!.attempts }, { status: 'pending', attempts: 0 });
    assert.ok(log.lines.some((l) => l.level === 'warn' && /no e-mail channel/.test(l.msg)));
    const email: EmailChannel = { deliver: async () => ({ kind: 'delivered', response: '250 ok' }) };
    const mailer = new Notifier({ store, clock, log, email });
    assert.equal(await mailer.drain(), 1);
  });
});
