import nodemailer from 'nodemailer';
import type { Clock } from '../registry/clock.js';
import { describeError, type ChannelResult, type EmailChannel, type EmailMessage } from './delivery.js';
import { NotifyError } from './errors.js';

/**
 * E-mail over SMTP (nodemailer), one connection per message.
 *
 * Each message carries `Message-ID: <outbox id@domain>`, the same on every
 * attempt: when a worker crashes after the server accepted the message but
 * before the outbox recorded it, the retry is a duplicate a receiving system
 * can recognise. Results: a 2xx reply is delivered; 4xx replies (and 503),
 * connection, TLS, DNS, authentication failures and timeouts are retried on
 * the back-off schedule (authentication is the server's configuration, not
 * the message's fault); any other 5xx reply is a permanent rejection: dead.
 */
export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (SMTPS, usually port 465). */
  secure: boolean;
  /**
   * Refuse to continue unless the server upgrades a plain connection with
   * STARTTLS. Default: true when credentials are set, so a password is never
   * sent in clear; false otherwise (opportunistic STARTTLS).
   */
  requireTLS?: boolean;
  user?: string;
  /** SENSITIVE. */
  pass?: string;
  /** The From address, `Name <addr@domain>` or `addr@domain`. */
  from: string;
  /** Domain of generated Message-IDs; default the From address's domain. */
  messageIdDomain?: string;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  tls?: { rejectUnauthorized?: boolean; servername?: string };
}

/**
 * SMTP settings from a URL: `smtp://[user:pass@]host[:port][?starttls=required|opportunistic]`
 * (port 587 by default) or `smtps://…` (implicit TLS, port 465). User name and
 * password are percent-decoded.
 */
export function smtpConfigFromUrl(raw: string, from: string): SmtpConfig {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotifyError('SMTP_CONFIG_INVALID', 'The SMTP URL is not a URL (expected smtp://host:port or smtps://host:port).');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new NotifyError('SMTP_CONFIG_INVALID', 'The SMTP URL must start with smtp:// or smtps://.');
  if (url.hostname === '') throw new NotifyError('SMTP_CONFIG_INVALID', 'The SMTP URL has no host.');
  if (!/^[^@\s]+@[^@\s]+$/.test(addressOf(from))) throw new NotifyError('SMTP_CONFIG_INVALID', 'The From address of outgoing mail is missing or malformed.');
  const secure = url.protocol === 'smtps:';
  const starttls = url.searchParams.get('starttls');
  if (starttls !== null && starttls !== 'required' && starttls !== 'opportunistic') {
    throw new NotifyError('SMTP_CONFIG_INVALID', 'starttls in the SMTP URL must be "required" or "opportunistic".');
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const config: SmtpConfig = { host, port: url.port === '' ? (secure ? 465 : 587) : Number(url.port), secure, from };
  if (url.username !== '') config.user = decodeURIComponent(url.username);
  if (url.password !== '') config.pass = decodeURIComponent(url.password);
  if (starttls !== null) config.requireTLS = starttls === 'required';
  return config;
}

/** The bare address of a From value (`Name <a@b>` → `a@b`). */
function addressOf(from: string): string {
  const m = /<([^<>]*)>\s*$/.exec(from);
  return (m ? m[1]! : from).trim();
}

/** The Message-ID of outbox message `outboxId`: deterministic, so a retried send is recognisably the same message. */
export function emailMessageId(outboxId: string, domain: string): string {
  return `<${outboxId}@${domain}>`;
}

export class SmtpSender implements EmailChannel {
  private readonly transporter: ReturnType<typeof nodemailer.createTransport>;
  private readonly domain: string;

  constructor(
    private readonly config: SmtpConfig,
    private readonly options: { clock: Clock },
  ) {
    const hasAuth = config.user !== undefined;
    this.domain = config.messageIdDomain ?? (addressOf(config.from).split('@')[1] || 'accord.invalid');
    this.transporter = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTLS ?? (hasAuth && !config.secure),
      ...(hasAuth ? { auth: { user: config.user!, pass: config.pass ?? '' } } : {}),
      // nodemailer waits 2 minutes to connect and 10 minutes on an idle socket by default: far longer than a lease
      connectionTimeout: config.connectionTimeoutMs ?? 10_000,
      greetingTimeout: config.greetingTimeoutMs ?? 10_000,
      socketTimeout: config.socketTimeoutMs ?? 30_000,
      ...(config.tls === undefined ? {} : { tls: config.tls }),
    });
  }

  /** One attempt; never throws. */
  async deliver(message: EmailMessage): Promise<ChannelResult> {
    try {
      const info = await this.transporter.sendMail({
        from: this.config.from,
        to: message.to,
        // header values cannot carry line breaks (no header injection through a subject)
        subject: message.subject.replace(/[\r\n]+/g, ' '),
        text: message.text,
        ...(message.html === null ? {} : { html: message.html }),
        messageId: emailMessageId(message.id, this.domain),
        date: this.options.clock.now(),
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      const rejected = (info.rejected ?? []).map(String);
      const response = rejected.length > 0 ? `${info.response}; rejected: ${rejected.join(', ')}` : String(info.response ?? '');
      return { kind: 'delivered', response };
    } catch (err) {
      return classifySmtpError(err);
    }
  }

  /** Closes the transport's connections. */
  close(): void {
    this.transporter.close();
  }
}

/** Maps a nodemailer error to a result: SMTP 5xx (other than 503, and authentication) is permanent; the rest is retried. */
export function classifySmtpError(err: unknown): ChannelResult {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown };
  const error = describeError(err);
  const response = typeof e.response === 'string' ? e.response : undefined;
  const withResponse = response === undefined ? {} : { response };
  if (typeof e.responseCode === 'number') {
    const permanent = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503 && e.code !== 'EAUTH';
    return { kind: permanent ? 'dead' : 'retry', error: `SMTP ${e.responseCode}: ${error}`, ...withResponse };
  }
  // an envelope nodemailer refuses before talking to the server (no recipient, malformed address) never gets better
  if (e.code === 'EENVELOPE') return { kind: 'dead', error, ...withResponse };
  return { kind: 'retry', error, ...withResponse };
}
