import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Notifier } from '../../../src/notify/notifier.js';
import { classifySmtpError, emailMessageId, SmtpSender, smtpConfigFromUrl } from '../../../src/notify/smtp.js';
import { enqueueEmail } from '../../../src/notify/publish.js';
import { BACKOFF_MS } from '../../../src/notify/retry.js';
import { NotifyError } from '../../../src/notify/errors.js';
import { ManualClock, MemoryLog, NO_JITTER, sqliteNotifyStore } from './helpers.js';

interface Mail {
  raw: string;
  headers: Map<string, string>;
  body: string;
  envelope: { from: string; to: string[] };
}

/** Header fields of a raw message (unfolded, names lower-cased) and its body. */
function parseMail(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

/** A real SMTP server on 127.0.0.1 (no TLS, no auth) recording what arrives; restartable on the same port. */
class TestSmtp {
  readonly mails: Mail[] = [];
  port = 0;
  private server: SMTPServer | undefined;

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 1_000,
      onRcptTo: (address, _session, callback) => {
        if (address.address.startsWith('nobody@')) return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
        if (address.address.startsWith('busy@')) return callback(Object.assign(new Error('4.2.1 Mailbox busy, try later'), { responseCode: 450 }));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const envelope = {
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
          };
          this.mails.push({ raw, ...parseMail(raw), envelope });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup() {
  const smtp = new TestSmtp();
  await smtp.start();
  cleanups.push(() => smtp.stop());
  const { store, close } = await sqliteNotifyStore();
  cleanups.push(close);
  const clock = new ManualClock();
  const log = new MemoryLog();
  const sender = new SmtpSender({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'Accord <notify@accord.example>', connectionTimeoutMs: 2_000 }, { clock });
  cleanups.push(() => sender.close());
  const notifier = new Notifier({ store, clock, log, email: sender, workerId: 'mail-worker', retry: { backoffMs: BACKOFF_MS, random: NO_JITTER } });
  return { smtp, store, clock, log, notifier };
}

describe('e-mail delivery end to end', () => {
  test('arrives exactly once with the right headers; survives the server going away; nothing is lost', async () => {
    const { smtp, store, clock, notifier } = await setup();
    const text = 'Case ACC-2024-0007: the embargo ends in 7 days.\nPlease confirm your fix date.';
    const first = await enqueueEmail(store, clock, { to: ['psirt@org-a.example'], subject: 'Embargo ends in 7 days', text, dedupe_key: 'case-7:reminder-7d' });
    await notifier.drain();
    assert.equal(smtp.mails.length, 1);
    const mail = smtp.mails[0]!;
    assert.equal(mail.headers.get('from'), 'Accord <notify@accord.example>');
    assert.equal(mail.headers.get('to'), 'psirt@org-a.example');
    assert.equal(mail.headers.get('subject'), 'Embargo ends in 7 days');
    assert.equal(mail.headers.get('message-id'), `<${first.id}@accord.example>`);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
    assert.match(mail.headers.get('content-type')!, /^text\/plain/);
    assert.equal(mail.body.replace(/\r\n/g, '\n').replace(/\n$/, ''), text);
    assert.deepEqual(mail.envelope, { from: 'notify@accord.example', to: ['psirt@org-a.example'] });
    assert.equal((await store.listOutbox({ limit: 1 }))[0]!.status, 'delivered');
    const [ok] = (await store.listDeliveries({ messageId: first.id, limit: 5 })).rows;
    assert.equal(ok!.outcome, 'delivered');
    assert.match(ok!.response!, /^250 /);

    // the same reminder again, and another drain: still one mail
    assert.equal((await enqueueEmail(store, clock, { to: ['psirt@org-a.example'], subject: 'Embargo ends in 7 days', text, dedupe_key: 'case-7:reminder-7d' })).enqueued, false);
    await notifier.drain();
    assert.equal(smtp.mails.length, 1);

    // the server goes away: the message stays, with a failed attempt and a next attempt time
    await smtp.stop();
    const second = await enqueueEmail(store, clock, { to: ['cert@org-b.example', 'psirt@org-a.example'], subject: 'Advisory published', text: 'ACC-2024-0008 is public.', html: '<p>ACC-2024-0008 is <b>public</b>.</p>', dedupe_key: 'adv-8:published' });
    await notifier.drain();
    let row = (await store.listOutbox({ status: 'pending', limit: 5 }))[0]!;
    assert.equal(row.id, second.id);
    assert.equal(row.attempts, 1);
    assert.equal(row.next_attempt_at, new Date(clock.now().getTime() + 30_000).toISOString());
    assert.match(row.last_error!, /ECONNREFUSED|ECONNECTION|ESOCKET/);
    const [failed] = (await store.listDeliveries({ messageId: second.id, limit: 5 })).rows;
    assert.deepEqual({ attempt: failed!.attempt, outcome: failed!.outcome }, { attempt: 1, outcome: 'retry' });

    // not before the back-off, even with the server back
    await smtp.start();
    await notifier.drain();
    assert.equal(smtp.mails.length, 1);
    clock.advance(30_000);
    await notifier.drain();
    assert.equal(smtp.mails.length, 2);
    const again = smtp.mails[1]!;
    assert.equal(again.headers.get('message-id'), `<${second.id}@accord.example>`);
    assert.equal(again.headers.get('to'), 'cert@org-b.example, psirt@org-a.example');
    assert.match(again.headers.get('content-type')!, /^multipart\/alternative/);
    assert.ok(again.body.includes('ACC-2024-0008 is public.') && again.body.includes('<b>public</b>'));
    row = (await store.listOutbox({ limit: 5 })).find((m) => m.id === second.id)!;
    assert.equal(row.status, 'delivered');
    assert.deepEqual(
      (await store.listDeliveries({ messageId: second.id, limit: 5 })).rows.map((d) => [d.attempt, d.outcome]),
      [
        [2, 'delivered'],
        [1, 'retry'],
      ],
    );
    assert.deepEqual(await store.listOutbox({ status: 'pending', limit: 5 }), [], 'nothing left behind');
  });

  test('a 5xx rejection is dead after one attempt; a 4xx is retried', async () => {
    const { smtp, store, clock, notifier, log } = await setup();
    const dead = await enqueueEmail(store, clock, { to: ['nobody@org-a.example'], subject: 'x', text: 'x', dedupe_key: 'dead' });
    const busy = await enqueueEmail(store, clock, { to: ['busy@org-a.example'], subject: 'y', text: 'y', dedupe_key: 'busy' });
    await notifier.drain();
    assert.equal(smtp.mails.length, 0);
    const rows = await store.listOutbox({ limit: 5 });
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.equal(byId.get(dead.id)!.status, 'dead');
    assert.match(byId.get(dead.id)!.last_error!, /SMTP 550/);
    assert.equal(byId.get(busy.id)!.status, 'pending');
    assert.match(byId.get(busy.id)!.last_error!, /SMTP 450/);
    assert.ok(log.lines.some((l) => l.level === 'error' && l.obj.messageId === dead.id), 'a dead message is logged as an error');
  });
});

describe('smtp helpers', () => {
  test('smtpConfigFromUrl reads host, port, TLS mode and percent-encoded credentials', () => {
    assert.deepEqual(smtpConfigFromUrl('smtp://mail.example', 'a@b.example'), { host: 'mail.example', port: 587, secure: false, from: 'a@b.example' });
    assert.deepEqual(smtpConfigFromUrl('smtps://us%40er:p%3Ass@mail.example', 'Accord <a@b.example>'), {
      host: 'mail.example',
      port: 465,
      secure: true,
      from: 'Accord <a@b.example>',
      user: 'us@er',
      pass: 'p:ss',
    });
    assert.equal(smtpConfigFromUrl('smtp://mail.example:2525?starttls=required', 'a@b.example').requireTLS, true);
    assert.equal(smtpConfigFromUrl('smtp://mail.example:25?starttls=opportunistic', 'a@b.example').requireTLS, false);
    for (const [url, from] of [
      ['http://mail.example', 'a@b.example'],
      ['not a url', 'a@b.example'],
      ['smtp://mail.example?starttls=maybe', 'a@b.example'],
      ['smtp://mail.example', 'no address'],
      ['smtp://mail.example', ''],
    ] as const) {
      assert.throws(() => smtpConfigFromUrl(url, from), (e: unknown) => e instanceof NotifyError && e.code === 'SMTP_CONFIG_INVALID' && !e.message.includes('p:ss'), url);
    }
  });

  test('classifySmtpError: 5xx dead (except 503 and authentication), 4xx and connection errors retried', () => {
    assert.equal(classifySmtpError(Object.assign(new Error('rejected'), { responseCode: 550, code: 'EENVELOPE' })).kind, 'dead');
    assert.equal(classifySmtpError(Object.assign(new Error('bad sequence'), { responseCode: 503, code: 'EPROTOCOL' })).kind, 'retry');
    assert.equal(classifySmtpError(Object.assign(new Error('auth failed'), { responseCode: 535, code: 'EAUTH' })).kind, 'retry');
    assert.equal(classifySmtpError(Object.assign(new Error('greylisted'), { responseCode: 451, code: 'EMESSAGE' })).kind, 'retry');
    assert.equal(classifySmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })).kind, 'retry');
    assert.equal(classifySmtpError(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' })).kind, 'dead');
    assert.equal(emailMessageId('0b4c', 'accord.example'), '<0b4c@accord.example>');
  });

  test('enqueueEmail refuses what cannot be sent', async () => {
    const { store, close } = await sqliteNotifyStore();
    cleanups.push(close);
    const clock = new ManualClock();
    for (const mail of [
      { to: [], subject: 's', text: 't' },
      { to: ['not-an-address'], subject: 's', text: 't' },
      { to: ['a@b.example>, evil@x.example'], subject: 's', text: 't' },
      { to: ['a@b.example'], subject: '\r\n', text: 't' },
    ]) {
      await assert.rejects(enqueueEmail(store, clock, { ...mail, dedupe_key: 'k' }), (e: unknown) => e instanceof NotifyError && e.code === 'NOTIFY_MESSAGE_INVALID');
    }
    // line breaks in a subject become spaces: no header injection
    await enqueueEmail(store, clock, { to: ['a@b.example'], subject: 'Hi\r\nBcc: evil@x.example', text: 't', dedupe_key: 'k2' });
    const [m] = await store.claimDue(clock.now(), 1, 'w', 1000);
    assert.equal(m!.channel === 'email' && m!.subject, 'Hi Bcc: evil@x.example');
  });
});
