/**
 * Case notifications through the running server: a signatory's webhook
 * receives signed case events, e-mail reaches a real SMTP server on loopback
 * (the PSIRT contact of each participating signatory, invited outsiders with
 * their link), and embargo reminders go out once, however often the
 * scheduler runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { demoToken, startHarness, type Harness } from './harness.js';
import { reportBody } from './disclosure-support.js';
import { verifyWebhookSignature } from '../../src/notify/webhook-signature.js';

interface Mail {
  to: string[];
  raw: string;
}

const DAY = 86_400_000;

describe('case notifications', () => {
  let h: Harness;
  let smtp: SMTPServer;
  let hooks: Server;
  const mails: Mail[] = [];
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    hooks = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
    h = await startHarness({
      env: {
        ACCORD_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        ACCORD_SMTP_FROM: 'accord@accord.test',
        ACCORD_WEBHOOK_ALLOW_PRIVATE: 'true',
        ACCORD_PUBLIC_URL: 'https://accord.test',
      },
    });
  });
  after(async () => {
    await h.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => hooks.close(() => resolve()));
  });

  /** Lets the fire-and-forget enqueue finish, then delivers everything due. */
  async function deliver(): Promise<void> {
    await new Promise((r) => setTimeout(r, 50));
    await h.ctx.notifier.drain();
  }

  test('a signatory webhook gets signed case events; PSIRT contacts and outsiders get e-mail without case details', async () => {
    const nw = demoToken(h.init, 'demo-northwind');
    const sub = await h.call('POST', '/api/v1/webhooks', { token: nw, body: { url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`, event_types: ['case.*'] } });
    assert.equal(sub.statusCode, 201, sub.body);
    const secret = sub.json().secret as string;
    assert.match(secret, /^whsec_/);
    const listed = (await h.call('GET', '/api/v1/webhooks', { token: nw })).json().items;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].secret, undefined, 'the secret is shown once');
    assert.equal((await h.call('GET', '/api/v1/webhooks', { token: demoToken(h.init, 'demo-northwind', 'analyst') })).statusCode, 403);

    const r = (await h.call('POST', '/api/v1/reports', { body: reportBody({ title: 'Secret-detail XYZZY overflow' }) })).json();
    await deliver();
    const hook = received.find((x) => x.body.includes(r.case_id));
    assert.ok(hook, 'the webhook received the report event');
    assert.equal(hook.headers['x-accord-event'], 'case.reported');
    assert.ok(verifyWebhookSignature(secret, String(hook.headers['x-accord-signature']), hook.body, new Date()), 'the signature verifies');
    assert.ok(!verifyWebhookSignature(secret, String(hook.headers['x-accord-signature']), hook.body.replace('reported', 'rePorted'), new Date()));
    assert.ok(!hook.body.includes('XYZZY'), 'webhooks carry no case content');

    const mine = mails.filter((m) => m.raw.includes(`[${r.number}]`));
    const toNorthwind = mine.filter((m) => m.to.includes('psirt@demo-northwind.example'));
    assert.equal(toNorthwind.length, 1);
    assert.match(toNorthwind[0]!.raw, new RegExp(`Subject: \\[${r.number}\\] New vulnerability report`));
    assert.ok(!toNorthwind[0]!.raw.includes('XYZZY'), 'e-mail carries no case content');
    assert.ok(mine.some((m) => m.to.includes('psirt@demo-contoso-cloud.example')));
    assert.ok(!mine.some((m) => m.to.includes('r.searcher@example.org')), 'the reporter is not told about their own report');

    const invited = await h.call('POST', `/api/v1/cases/${r.case_id}/participants`, { token: h.init.admin_token, body: { kind: 'vendor', email: 'psirt@outsider.example', name: 'Outsider' } });
    await deliver();
    const invite = mails.find((m) => m.to.includes('psirt@outsider.example'));
    assert.ok(invite, 'the outsider got an invitation');
    assert.ok(invite.raw.replace(/=\r?\n/g, '').includes(invited.json().link_secret), 'with their case link');
    const deliveries = (await h.call('GET', `/api/v1/webhooks/${sub.json().id}/deliveries`, { token: nw })).json().items;
    assert.ok(deliveries.length >= 2);
    assert.ok(deliveries.every((d: { outcome: string }) => d.outcome === 'delivered'));
  });

  test('embargo reminders go out once per lead time, however often the scheduler runs', async () => {
    const admin = h.init.admin_token;
    const contoso = demoToken(h.init, 'demo-contoso-cloud');
    const r = (await h.call('POST', '/api/v1/reports', { body: reportBody({ vendors: ['demo-contoso-cloud'] }) })).json();
    await h.call('POST', `/api/v1/cases/${r.case_id}/embargo/propose`, { token: admin, body: { end_at: new Date(h.clock.now().getTime() + 10 * DAY).toISOString() } });
    assert.equal((await h.call('POST', `/api/v1/cases/${r.case_id}/embargo/accept`, { token: contoso })).json().state, 'active');
    await deliver();
    const count = () => mails.filter((m) => m.raw.includes(`[${r.number}] The embargo ends soon`)).length;
    await h.ctx.scheduler.runNow();
    await deliver();
    assert.equal(count(), 0, 'no reminder 10 days out');
    h.clock.advanceDays(4);
    for (let i = 0; i < 3; i++) await h.ctx.scheduler.runNow();
    await deliver();
    const seven = count();
    assert.ok(seven >= 2, `the 7-day reminder reached the participants (${seven})`);
    h.clock.advanceDays(5.5);
    for (let i = 0; i < 3; i++) await h.ctx.scheduler.runNow();
    await deliver();
    assert.equal(count(), seven * 2, 'one more round at 1 day, no duplicates');
  });
});
