import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { checkWebhookUrl, nonPublicReason, resolveDestination, v6ToBigInt } from '../../../src/notify/address-guard.js';
import { checkEventFilter, checkEventType, matchesEventType } from '../../../src/notify/event-types.js';
import { NotifyError } from '../../../src/notify/errors.js';
import { BACKOFF_MS, nextAttemptAt, parseRetryAfter } from '../../../src/notify/retry.js';
import { generateWebhookSecret, newWebhookSubscription } from '../../../src/notify/subscriptions.js';
import { truncateUtf8 } from '../../../src/notify/text.js';
import type { NotifyLog } from '../../../src/notify/notifier.js';
import { ManualClock } from './helpers.js';

const isCode = (code: string) => (e: unknown) => e instanceof NotifyError && e.code === code;

describe('address guard', () => {
  test('classifies special-purpose addresses as not public', () => {
    const cases: [string, string | null][] = [
      ['8.8.8.8', null],
      ['93.184.216.34', null],
      ['1.1.1.1', null],
      ['0.0.0.0', 'unspecified'],
      ['10.0.0.1', 'private'],
      ['100.64.0.1', 'shared (carrier-grade NAT)'],
      ['100.128.0.1', null],
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['169.254.169.254', 'link-local'],
      ['172.15.255.255', null],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['172.32.0.0', null],
      ['192.168.1.1', 'private'],
      ['192.0.2.7', 'documentation'],
      ['198.18.0.1', 'benchmarking'],
      ['224.0.0.1', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['2606:4700:4700::1111', null],
      ['2a00:1450:4001:82b::200e', null],
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:10.0.0.1', 'private'],
      ['::ffff:8.8.8.8', null],
      ['64:ff9b::169.254.169.254', 'link-local'],
      ['64:ff9b::8.8.8.8', null],
      ['::127.0.0.1', 'reserved'],
      ['fc00::1', 'private'],
      ['fd12:3456::1', 'private'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['ff02::1', 'multicast'],
      ['2001:db8::1', 'documentation'],
      ['2001:0:4136:e378::1', 'reserved'],
      ['2002:7f00:1::1', 'reserved'],
      ['not-an-ip', 'unparsable'],
    ];
    for (const [address, reason] of cases) assert.equal(nonPublicReason(address), reason, address);
  });

  test('parses IPv6 text forms', () => {
    assert.equal(v6ToBigInt('::'), 0n);
    assert.equal(v6ToBigInt('::1'), 1n);
    assert.equal(v6ToBigInt('1::'), 1n << 112n);
    assert.equal(v6ToBigInt('0:0:0:0:0:ffff:7f00:1'), v6ToBigInt('::ffff:127.0.0.1'));
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7', '::ffff:300.0.0.1']) assert.equal(v6ToBigInt(bad), null, bad);
  });

  test('checkWebhookUrl accepts only absolute http(s) URLs without credentials', () => {
    assert.equal(checkWebhookUrl('https://hooks.example/x?token=1').hostname, 'hooks.example');
    for (const bad of ['ftp://hooks.example/', 'file:///etc/passwd', 'javascript:alert(1)', '/relative', 'https://user:pw@hooks.example/', 'https://user@hooks.example/', `https://hooks.example/${'a'.repeat(2048)}`]) {
      assert.throws(() => checkWebhookUrl(bad), isCode('WEBHOOK_URL_INVALID'), bad);
    }
    // messages never echo the URL (it may carry a token)
    assert.throws(() => checkWebhookUrl('https://user:s3cret@hooks.example/'), (e: Error) => !e.message.includes('s3cret'));
  });

  test('resolveDestination checks every resolved address, and resolves literals without DNS', async () => {
    const resolver = async () => [
      { address: '8.8.8.8', family: 4 as const },
      { address: 'fd00::1', family: 6 as const },
    ];
    await assert.rejects(resolveDestination(new URL('https://x.example/'), { resolver }), isCode('WEBHOOK_DESTINATION_FORBIDDEN'));
    assert.equal((await resolveDestination(new URL('https://x.example/'), { resolver, allowPrivateNetworks: true })).length, 2);
    const never = async () => assert.fail('no lookup for a literal');
    assert.deepEqual(await resolveDestination(new URL('https://8.8.8.8/'), { resolver: never }), [{ address: '8.8.8.8', family: 4 }]);
    assert.deepEqual(await resolveDestination(new URL('https://[2606:4700::1]/'), { resolver: never }), [{ address: '2606:4700::1', family: 6 }]);
    // WHATWG URL parsing turns odd IPv4 spellings into the address, which is then checked
    await assert.rejects(resolveDestination(new URL('http://0x7f.1/'), { resolver: never }), isCode('WEBHOOK_DESTINATION_FORBIDDEN'));
    await assert.rejects(resolveDestination(new URL('http://2130706433/'), { resolver: never }), isCode('WEBHOOK_DESTINATION_FORBIDDEN'));
    await assert.rejects(resolveDestination(new URL('https://x.example/'), { resolver: async () => [] }), /no address/);
    await assert.rejects(resolveDestination(new URL('https://x.example/'), { resolver: () => new Promise(() => {}), timeoutMs: 20 }), /timed out/);
  });
});

describe('retry policy', () => {
  const now = new Date('2024-03-05T00:00:00.000Z');
  test('follows the schedule, with jitter within ±25%, then gives up', () => {
    const exact = { backoffMs: BACKOFF_MS, random: () => 0.5 };
    assert.deepEqual(
      BACKOFF_MS.map((_, i) => nextAttemptAt(now, i + 1, exact)!.getTime() - now.getTime()),
      [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000],
    );
    assert.equal(nextAttemptAt(now, BACKOFF_MS.length + 1, exact), null);
    assert.equal(nextAttemptAt(now, 1, { backoffMs: BACKOFF_MS, random: () => 0 })!.getTime() - now.getTime(), 22_500);
    assert.equal(nextAttemptAt(now, 1, { backoffMs: BACKOFF_MS, random: () => 0.999999 })!.getTime() - now.getTime(), 37_500);
  });

  test('Retry-After is a floor, capped at 24 hours', () => {
    const exact = { backoffMs: BACKOFF_MS, random: () => 0.5 };
    assert.equal(nextAttemptAt(now, 1, exact, 5_000)!.getTime() - now.getTime(), 30_000, 'earlier than the back-off: the back-off wins');
    assert.equal(nextAttemptAt(now, 1, exact, 600_000)!.getTime() - now.getTime(), 600_000);
    assert.equal(nextAttemptAt(now, 1, exact, 10 * 86_400_000)!.getTime() - now.getTime(), 86_400_000);
  });

  test('parseRetryAfter reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Tue, 05 Mar 2024 00:10:00 GMT', now), 600_000);
    assert.equal(parseRetryAfter('Mon, 04 Mar 2024 00:00:00 GMT', now), 0);
    for (const bad of [null, undefined, '', '-5', '1.5', 'soon', '12345678901']) assert.equal(parseRetryAfter(bad, now), undefined, String(bad));
  });
});

describe('events, subscriptions and texts', () => {
  test('event filters match exact names, prefix patterns and *', () => {
    assert.equal(matchesEventType('*', 'anything.at.all'), true);
    assert.equal(matchesEventType(['advisory.published'], 'advisory.published'), true);
    assert.equal(matchesEventType(['advisory.published'], 'advisory.updated'), false);
    assert.equal(matchesEventType(['case.*'], 'case.embargo.reminder'), true);
    assert.equal(matchesEventType(['case.*'], 'casework.opened'), false);
    assert.equal(matchesEventType(['case.*'], 'case'), false);
    assert.deepEqual(checkEventFilter(['b.x', 'a.*', 'b.x']), ['a.*', 'b.x']);
    assert.equal(checkEventFilter(['a.b', '*']), '*');
    for (const bad of [[], 'all', ['A.B'], ['a..b'], ['*.a'], [''], [1], Array.from({ length: 51 }, (_, i) => `e${i}`)]) {
      assert.throws(() => checkEventFilter(bad), isCode('NOTIFY_MESSAGE_INVALID'), JSON.stringify(bad));
    }
    assert.equal(checkEventType('case.embargo.reminder'), 'case.embargo.reminder');
    assert.throws(() => checkEventType('case.*'), isCode('NOTIFY_MESSAGE_INVALID'));
  });

  test('new subscriptions get a strong generated secret, or a given one of sane length', () => {
    const clock = new ManualClock();
    const a = generateWebhookSecret();
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateWebhookSecret(), a);
    const sub = newWebhookSubscription({ org_id: 'o', url: 'https://hooks.example/', event_types: ['advisory.*'] }, clock);
    assert.match(sub.secret, /^whsec_/);
    assert.deepEqual({ active: sub.active, created_at: sub.created_at, event_types: sub.event_types }, { active: true, created_at: clock.now(), event_types: ['advisory.*'] });
    assert.equal(newWebhookSubscription({ org_id: 'o', url: 'https://h.example/', event_types: '*', secret: 'a-secret-of-16ch' }, clock).secret, 'a-secret-of-16ch');
    for (const secret of ['short', 'x'.repeat(257), 'has a space in it!!', 'ünïcödé-secret-value']) {
      assert.throws(() => newWebhookSubscription({ org_id: 'o', url: 'https://h.example/', event_types: '*', secret }, clock), isCode('NOTIFY_MESSAGE_INVALID'));
    }
  });

  test('truncateUtf8 cuts by bytes on a character boundary', () => {
    assert.equal(truncateUtf8('short'), 'short');
    assert.equal(truncateUtf8('a'.repeat(1024)), 'a'.repeat(1024));
    const cut = truncateUtf8('€'.repeat(1000));
    assert.ok(Buffer.byteLength(cut) <= 1024);
    assert.match(cut, /^€+…$/);
    assert.equal(truncateUtf8('😀'.repeat(10), 10), '😀…');
  });

  test('a pino logger is a NotifyLog', () => {
    const log: NotifyLog = pino({ level: 'silent' });
    log.warn({ messageId: 'm' }, 'typed');
  });
});

describe('notify architecture', () => {
  test('src/notify uses no database, HTTP framework, logger implementation or environment', () => {
    const dir = new URL('../../../src/notify/', import.meta.url).pathname;
    const forbidden = [/from ['"]kysely['"]/, /from ['"](pg|better-sqlite3)['"]/, /from ['"](fastify|@fastify\/[^'"]+)['"]/, /from ['"]pino['"]/, /process\.env/, /from ['"]\.\.\/(store|http|cli)\//];
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 10, 'found the notify files');
    const offences = files.flatMap((f) => forbidden.filter((re) => re.test(readFileSync(join(dir, f), 'utf8'))).map((re) => `${f}: ${re}`));
    assert.deepEqual(offences, []);
  });
});
