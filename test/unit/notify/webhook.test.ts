import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Notifier } from '../../../src/notify/notifier.js';
import { verifyWebhookSignature, signWebhookPayload, WebhookSender, webhookBody, type WebhookSenderOptions } from '../../../src/notify/webhook.js';
import { newWebhookSubscription } from '../../../src/notify/subscriptions.js';
import { publishEvent } from '../../../src/notify/publish.js';
import { BACKOFF_MS } from '../../../src/notify/retry.js';
import { NotifyError } from '../../../src/notify/errors.js';
import type { NotifyStore } from '../../../src/notify/ports.js';
import { ManualClock, MemoryLog, NO_JITTER, sqliteNotifyStore } from './helpers.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A real HTTP receiver on 127.0.0.1; `respond` decides each answer. */
async function startReceiver(respond: (r: Received, res: http.ServerResponse, n: number) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      respond(r, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
after(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A SQLite store, a test clock, a webhook sender and a notifier around them. */
async function setup(sender: Partial<WebhookSenderOptions> = {}) {
  const { store, close } = await sqliteNotifyStore();
  cleanups.push(close);
  const clock = new ManualClock();
  const log = new MemoryLog();
  const webhook = new WebhookSender({ clock, allowPrivateNetworks: true, timeoutMs: 2_000, ...sender });
  const notifier = new Notifier({ store, clock, log, webhook, workerId: 'test-worker', retry: { backoffMs: BACKOFF_MS, random: NO_JITTER } });
  return { store, clock, log, notifier };
}

async function subscribe(store: NotifyStore, clock: ManualClock, url: string, event_types: unknown = ['advisory.*']) {
  const sub = newWebhookSubscription({ org_id: 'org-a', url, event_types }, clock);
  await store.createSubscription(sub);
  return sub;
}

async function publish(store: NotifyStore, clock: ManualClock, key: string, type = 'advisory.published') {
  return publishEvent(store, clock, { type, org_ids: ['org-a'], payload: { advisory: 'ACC-2024-0001', title: 'Ünïcödé advisory', cvss: 9.8 }, dedupe_key: key });
}

describe('webhook delivery end to end', () => {
  test('retries 503s on the back-off schedule, signs every attempt, and logs three attempts', async () => {
    const { store, clock, notifier } = await setup();
    let secret = '';
    const checks: { valid: boolean; delivery: string | undefined }[] = [];
    const receiver = await startReceiver((r, res, n) => {
      checks.push({ valid: verifyWebhookSignature(secret, r.headers['x-accord-signature'] as string, r.body, clock.now()), delivery: r.headers['x-accord-delivery'] as string });
      res.writeHead(n <= 2 ? 503 : 200, { 'Content-Type': 'text/plain' }).end(n <= 2 ? 'busy' : 'thanks');
    });
    cleanups.push(receiver.close);
    const sub = await subscribe(store, clock, `${receiver.url}/hooks/accord?token=t0k`);
    secret = sub.secret;

    assert.equal((await publish(store, clock, 'case-7', 'case.opened')).length, 0, 'filtered out by the subscription');
    const [queued] = await publish(store, clock, 'adv-1');
    assert.equal(queued!.enqueued, true);

    await notifier.drain();
    assert.equal(receiver.received.length, 1);
    let [row] = await store.listOutbox({ limit: 1 });
    assert.deepEqual({ status: row!.status, attempts: row!.attempts, next: row!.next_attempt_at }, { status: 'pending', attempts: 1, next: new Date(clock.now().getTime() + 30_000).toISOString() });

    clock.advance(29_000);
    await notifier.drain();
    assert.equal(receiver.received.length, 1, 'not retried before its back-off');
    clock.advance(1_000);
    await notifier.drain();
    assert.equal(receiver.received.length, 2);
    clock.advance(119_000);
    await notifier.drain();
    assert.equal(receiver.received.length, 2, 'second back-off is two minutes');
    clock.advance(1_000);
    await notifier.drain();
    assert.equal(receiver.received.length, 3);
    [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.status, 'delivered');

    // exactly once after success, even if the same event is published again
    clock.advance(86_400_000);
    assert.equal((await publish(store, clock, 'adv-1'))[0]!.enqueued, false);
    await notifier.drain();
    assert.equal(receiver.received.length, 3);

    assert.deepEqual(checks, [1, 2, 3].map(() => ({ valid: true, delivery: queued!.id })));
    for (const r of receiver.received) {
      assert.equal(r.path, '/hooks/accord?token=t0k');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-accord-event'], 'advisory.published');
      assert.deepEqual(r.body, receiver.received[0]!.body, 'every attempt sends the same bytes');
    }
    const body = JSON.parse(receiver.received[0]!.body.toString('utf8'));
    assert.deepEqual(body, { id: queued!.id, type: 'advisory.published', created_at: row!.created_at, data: { advisory: 'ACC-2024-0001', title: 'Ünïcödé advisory', cvss: 9.8 } });

    const log = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    assert.deepEqual(
      log.rows.map((d) => [d.attempt, d.outcome, d.status_code, d.response, d.error]),
      [
        [3, 'delivered', 200, 'thanks', null],
        [2, 'retry', 503, 'busy', 'HTTP 503'],
        [1, 'retry', 503, 'busy', 'HTTP 503'],
      ],
    );
    assert.ok(log.rows.every((d) => d.message_id === queued!.id && d.worker_id === 'test-worker' && d.duration_ms >= 0));

    // what a receiver must refuse (judged at the time the last attempt arrived)
    const sig = receiver.received[2]!.headers['x-accord-signature'] as string;
    const raw = receiver.received[2]!.body.toString('utf8');
    const arrived = new Date(Number(/^t=(\d+),/.exec(sig)![1]) * 1000);
    assert.equal(verifyWebhookSignature(secret, sig, raw, arrived), true);
    assert.equal(verifyWebhookSignature(secret, sig, raw.replace('9.8', '1.0'), arrived), false, 'tampered body');
    assert.equal(verifyWebhookSignature(`${secret}x`, sig, raw, arrived), false, 'wrong secret');
    assert.equal(verifyWebhookSignature(secret, sig, raw, clock.now()), false, 'replayed a day later');
    // each attempt was signed at its own time
    const stamps = receiver.received.map((r) => Number(/^t=(\d+),/.exec(r.headers['x-accord-signature'] as string)![1]));
    assert.deepEqual([stamps[1]! - stamps[0]!, stamps[2]! - stamps[1]!], [30, 120]);
  });

  test('410 Gone switches the subscription off and kills the message after one attempt', async () => {
    const { store, clock, notifier, log } = await setup();
    const receiver = await startReceiver((_r, res) => res.writeHead(410).end());
    cleanups.push(receiver.close);
    const sub = await subscribe(store, clock, `${receiver.url}/gone`);
    await publish(store, clock, 'adv-1');
    await notifier.drain();
    clock.advance(BACKOFF_MS[0]! * 2);
    await notifier.drain();
    assert.equal(receiver.received.length, 1);
    const after = await store.getSubscription(sub.id);
    assert.equal(after!.active, false);
    assert.match(after!.disabled_reason!, /410 Gone/);
    const [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.status, 'dead');
    assert.ok(log.lines.some((l) => l.level === 'warn' && /410/.test(l.msg)));
    assert.equal((await publish(store, clock, 'adv-2')).length, 0, 'a switched-off subscription gets nothing new');
  });

  for (const transport of ['pinned node:http', 'injected fetch'] as const) {
    test(`redirects are not followed (${transport}); a rejection gets one more attempt, then the message is dead`, async () => {
      const { store, clock, notifier } = await setup(transport === 'injected fetch' ? { fetch: globalThis.fetch } : {});
      const receiver = await startReceiver((r, res) => {
        if (r.path === '/elsewhere') res.writeHead(200).end('you followed me');
        else res.writeHead(302, { Location: '/elsewhere' }).end();
      });
      cleanups.push(receiver.close);
      await subscribe(store, clock, `${receiver.url}/hook`);
      await publish(store, clock, 'adv-1');
      await notifier.drain();
      let [row] = await store.listOutbox({ limit: 1 });
      assert.equal(row!.status, 'pending');
      clock.advance(BACKOFF_MS[0]!);
      await notifier.drain();
      [row] = await store.listOutbox({ limit: 1 });
      assert.equal(row!.status, 'dead');
      assert.deepEqual(receiver.received.map((r) => r.path), ['/hook', '/hook'], 'never went to the redirect target');
      const log = await store.listDeliveries({ limit: 10 });
      assert.deepEqual(log.rows.map((d) => [d.status_code, d.outcome]), [
        [302, 'dead'],
        [302, 'retry'],
      ]);
      assert.match(log.rows[0]!.error!, /redirect not followed/);
    });
  }

  test('refuses loopback and private destinations unless allowPrivateNetworks is on; nothing is sent', async () => {
    const receiver = await startReceiver((_r, res) => res.writeHead(200).end());
    cleanups.push(receiver.close);
    const resolver = async (host: string) => {
      if (host === 'mixed.example') return [{ address: '93.184.216.34', family: 4 as const }, { address: '10.1.2.3', family: 4 as const }];
      if (host === 'metadata.example') return [{ address: '169.254.169.254', family: 4 as const }];
      if (host === 'v6.example') return [{ address: '::ffff:127.0.0.1', family: 6 as const }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const { store, clock, notifier } = await setup({ allowPrivateNetworks: false, resolver });
    const cases: [string, RegExp][] = [
      [`${receiver.url}/a`, /loopback/],
      [`http://[::1]:${receiver.port}/b`, /loopback/],
      ['http://mixed.example/c', /private/],
      ['http://metadata.example/latest/meta-data', /link-local/],
      ['http://v6.example/d', /loopback/],
    ];
    for (const [url] of cases) await store.createSubscription(newWebhookSubscription({ org_id: 'org-a', url, event_types: '*' }, clock));
    await publish(store, clock, 'adv-1');
    await notifier.drain();
    assert.equal(receiver.received.length, 0);
    const rows = await store.listOutbox({ limit: 10 });
    assert.deepEqual(rows.map((r) => r.status), cases.map(() => 'dead'), 'a forbidden destination is not retried');
    const subs = await store.listSubscriptions({ limit: 10 });
    for (const [url, reason] of cases) {
      const sub = subs.find((s) => s.url === url)!;
      const [d] = (await store.listDeliveries({ subscriptionId: sub.id, limit: 1 })).rows;
      assert.match(d!.error!, reason, url);
      assert.ok(!d!.error!.includes('10.1.2.3') && !d!.error!.includes('169.254'), 'the address itself is not reported');
    }
  });

  test('the checked address is the one connected to (a name the system cannot resolve still reaches it)', async () => {
    const receiver = await startReceiver((_r, res) => res.writeHead(204).end());
    cleanups.push(receiver.close);
    // `pinned.invalid` does not resolve through the system; only the guard's resolver knows it
    const { store, clock, notifier } = await setup({ resolver: async () => [{ address: '127.0.0.1', family: 4 }] });
    await subscribe(store, clock, `http://pinned.invalid:${receiver.port}/hook`);
    await publish(store, clock, 'adv-1');
    await notifier.drain();
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0]!.headers.host, `pinned.invalid:${receiver.port}`);
    assert.equal((await store.listOutbox({ limit: 1 }))[0]!.status, 'delivered');
  });

  test('a DNS failure is retried, not dead', async () => {
    const { store, clock, notifier } = await setup({
      resolver: async () => {
        throw Object.assign(new Error('getaddrinfo EAI_AGAIN flaky.example'), { code: 'EAI_AGAIN' });
      },
    });
    await subscribe(store, clock, 'https://flaky.example/hook');
    await publish(store, clock, 'adv-1');
    await notifier.drain();
    const [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.status, 'pending');
    assert.match(row!.last_error!, /DNS: .*EAI_AGAIN/);
  });

  test('a receiver that does not answer times out and is retried', async () => {
    const receiver = await startReceiver(() => {
      /* never answers */
    });
    cleanups.push(receiver.close);
    const { store, clock, notifier } = await setup({ timeoutMs: 200 });
    await subscribe(store, clock, `${receiver.url}/slow`);
    await publish(store, clock, 'adv-1');
    const started = Date.now();
    await notifier.drain();
    assert.ok(Date.now() - started < 2_000, 'bounded by the timeout');
    const [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.status, 'pending');
    assert.equal(row!.last_error, 'timed out after 200 ms');
  });

  test('429 with Retry-After waits as long as the receiver asks (up to 24 h)', async () => {
    const receiver = await startReceiver((_r, res, n) => res.writeHead(429, { 'Retry-After': n === 1 ? '3600' : '999999' }).end());
    cleanups.push(receiver.close);
    const { store, clock, notifier } = await setup();
    await subscribe(store, clock, `${receiver.url}/limited`);
    await publish(store, clock, 'adv-1');
    await notifier.drain();
    let [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.next_attempt_at, new Date(clock.now().getTime() + 3_600_000).toISOString());
    clock.advance(3_600_000);
    await notifier.drain();
    [row] = await store.listOutbox({ limit: 1 });
    assert.equal(row!.next_attempt_at, new Date(clock.now().getTime() + 86_400_000).toISOString(), 'capped at 24 h');
  });

  test('a huge response body is not read beyond 4 KB', async () => {
    const receiver = await startReceiver((_r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('x'.repeat(5 * 1024 * 1024));
    });
    cleanups.push(receiver.close);
    for (const transport of [{}, { fetch: globalThis.fetch }]) {
      const { store, clock, notifier } = await setup(transport);
      await subscribe(store, clock, `${receiver.url}/big`);
      await publish(store, clock, 'adv-1');
      await notifier.drain();
      const [d] = (await store.listDeliveries({ limit: 1 })).rows;
      assert.equal(d!.outcome, 'delivered');
      assert.ok(Buffer.byteLength(d!.response!) <= 1024);
    }
  });

  test('a subscription whose URL carries credentials is never called', async () => {
    const receiver = await startReceiver((_r, res) => res.writeHead(200).end());
    cleanups.push(receiver.close);
    const { store, clock, notifier } = await setup();
    assert.throws(() => newWebhookSubscription({ org_id: 'org-a', url: `http://user:pw@127.0.0.1:${receiver.port}/`, event_types: '*' }, clock), (e: unknown) => e instanceof NotifyError && e.code === 'WEBHOOK_URL_INVALID');
    // stored anyway (an older row, or a store written by hand): the sender checks again
    const sub = newWebhookSubscription({ org_id: 'org-a', url: `${receiver.url}/`, event_types: '*' }, clock);
    await store.createSubscription({ ...sub, url: `http://user:pw@127.0.0.1:${receiver.port}/` });
    await publish(store, clock, 'adv-1');
    await notifier.drain();
    assert.equal(receiver.received.length, 0);
    assert.equal((await store.listOutbox({ limit: 1 }))[0]!.status, 'dead');
  });
});

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret-0123456789';
  const body = '{"id":"m1","type":"advisory.published","created_at":"2024-03-05T06:07:08.009Z","data":{}}';
  const now = new Date('2024-03-05T06:07:08.009Z');
  const t = Math.floor(now.getTime() / 1000);

  test('follow the documented scheme: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    assert.equal(signWebhookPayload(secret, body, t), `t=${t},v1=${expected}`);
    assert.equal(verifyWebhookSignature(secret, `t=${t},v1=${expected}`, Buffer.from(body), now), true);
  });

  test('accept any matching v1 among several (secret rotation) and tolerate clock skew within the window', () => {
    const good = signWebhookPayload(secret, body, t).split(',')[1]!;
    const other = signWebhookPayload('another-secret-value', body, t).split(',')[1]!;
    assert.equal(verifyWebhookSignature(secret, `t=${t}, ${other}, ${good}`, body, now), true);
    assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, t + 299), body, now), true);
    assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, t - 299), body, now), true);
    assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, t - 301), body, now), false);
    assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, t - 301), body, now, 600), true);
  });

  test('refuse malformed headers', () => {
    const v1 = signWebhookPayload(secret, body, t).split(',')[1]!;
    for (const header of [undefined, null, '', 'garbage', `v1=${v1.slice(3)}`, `t=${t}`, `t=abc,${v1}`, `t=${t},t=${t},${v1}`, `t=${t},v1=zz`, `t=${t},v1=${v1.slice(3, 20)}`, `t=${t},v0=${v1.slice(3)}`, `${'x'.repeat(5000)}`]) {
      assert.equal(verifyWebhookSignature(secret, header, body, now), false, String(header));
    }
  });

  test('the body is the same bytes for every attempt of a message', () => {
    const m = { id: 'm1', event_type: 'advisory.published', created_at: '2024-03-05T06:07:08.009Z', payload_json: '{"b":1,"a":[true,null]}' };
    assert.equal(webhookBody(m), '{"id":"m1","type":"advisory.published","created_at":"2024-03-05T06:07:08.009Z","data":{"b":1,"a":[true,null]}}');
    assert.deepEqual(JSON.parse(webhookBody(m)).data, { b: 1, a: [true, null] });
  });
});
