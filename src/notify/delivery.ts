import type { ClaimedMessage, WebhookSubscriptionWithSecret } from './ports.js';

/**
 * What one send attempt came to, as a channel reports it to the notifier,
 * which turns it into the message's next state:
 *
 * - `delivered`: accepted by the receiver.
 * - `retry`: a transient failure (5xx, 408, 429, timeout, connection error,
 *   SMTP 4xx); tried again on the back-off schedule, honouring `retry_after_ms`.
 * - `rejected`: the receiver refused this request (HTTP 4xx, an unfollowed
 *   redirect). The same bytes will most likely be refused again, but a
 *   receiver mid-deploy or mid-configuration also answers 401/404 for a while,
 *   so a rejection on the first attempt earns one more attempt (at the first
 *   back-off step); a rejection on any later attempt is final.
 * - `dead`: no attempt can succeed (SMTP 5xx, a forbidden destination, a
 *   deleted subscription); no further attempt.
 * - `gone`: HTTP 410 Gone; the receiver asked to be unsubscribed. The
 *   subscription is switched off and the message is dead.
 */
export type ChannelResult =
  | { kind: 'delivered'; status_code?: number; response?: string }
  | { kind: 'retry' | 'rejected' | 'dead' | 'gone'; error: string; status_code?: number; response?: string; retry_after_ms?: number };

export type WebhookMessage = Extract<ClaimedMessage, { channel: 'webhook' }>;
export type EmailMessage = Extract<ClaimedMessage, { channel: 'email' }>;

/** Sends webhook messages (implemented by `WebhookSender`). */
export interface WebhookChannel {
  deliver(message: WebhookMessage, subscription: Pick<WebhookSubscriptionWithSecret, 'url' | 'secret'>): Promise<ChannelResult>;
}

/** Sends e-mail messages (implemented by `SmtpSender`). */
export interface EmailChannel {
  deliver(message: EmailMessage): Promise<ChannelResult>;
}

/** A short description of a thrown value, with the system error code when there is one. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.message];
  let cause: unknown = (err as { cause?: unknown }).cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    parts.push(cause.message);
    cause = (cause as { cause?: unknown }).cause;
  }
  const code = (err as { code?: unknown }).code ?? ((err as { cause?: { code?: unknown } }).cause?.code as unknown);
  const text = [...new Set(parts.filter((p) => p !== ''))].join(': ');
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
