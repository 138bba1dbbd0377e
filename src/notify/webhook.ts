import type { Clock } from '../registry/clock.js';
import { checkWebhookUrl, resolveDestination, type Resolver } from './address-guard.js';
import { describeError, type ChannelResult, type WebhookChannel, type WebhookMessage } from './delivery.js';
import { NotifyError } from './errors.js';
import { fetchTransport, HttpTimeoutError, pinnedHttpTransport, type HttpTransport } from './http-transport.js';
import { parseRetryAfter } from './retry.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookPayload } from './webhook-signature.js';
import type { WebhookSubscriptionWithSecret } from './ports.js';

export { signWebhookPayload, verifyWebhookSignature, SIGNATURE_HEADER, EVENT_HEADER, DELIVERY_HEADER } from './webhook-signature.js';

/**
 * Webhook delivery.
 *
 * A request is `POST <subscription url>` with the JSON body
 * `{"id":<message id>,"type":<event type>,"created_at":<ISO>,"data":<payload>}`
 * and the headers
 *
 * - `Content-Type: application/json`
 * - `X-Accord-Event: <event type>`
 * - `X-Accord-Delivery: <message id>` — the same on every retry: receivers
 *   de-duplicate on it, since delivery is at least once;
 * - `X-Accord-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` (see
 *   `webhook-signature.ts`; verify with `verifyWebhookSignature`).
 *
 * How the response is judged: 2xx delivered; 410 Gone switches the
 * subscription off; 408, 429 and 5xx are retried (Retry-After honoured up to
 * 24 h); a redirect is not followed and, like any other 4xx, is `rejected`
 * (final, except that a first attempt gets one more). Timeouts, network and
 * DNS errors are retried; a destination the address guard refuses is dead.
 * At most 4 KB of the response is read.
 */

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookSenderOptions {
  clock: Clock;
  /**
   * Send through this fetch instead of the default node:http transport that
   * connects to the checked addresses. See `fetchTransport` for the DNS
   * rebinding risk this reopens.
   */
  fetch?: typeof fetch;
  /** Bound on one exchange (connect, request, response), default 10 s. */
  timeoutMs?: number;
  /** Allow private, loopback and link-local destinations (tests, closed deployments). Off by default. */
  allowPrivateNetworks?: boolean;
  /** Host name resolution, default the system resolver. */
  resolver?: Resolver;
  userAgent?: string;
}

/** The request body of a webhook message: the same bytes on every attempt. */
export function webhookBody(message: Pick<WebhookMessage, 'id' | 'event_type' | 'created_at' | 'payload_json'>): string {
  return `{"id":${JSON.stringify(message.id)},"type":${JSON.stringify(message.event_type)},"created_at":${JSON.stringify(message.created_at)},"data":${message.payload_json}}`;
}

export class WebhookSender implements WebhookChannel {
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookSenderOptions) {
    this.transport = options.fetch === undefined ? pinnedHttpTransport : fetchTransport(options.fetch);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  }

  /** One attempt; never throws. */
  async deliver(message: WebhookMessage, subscription: Pick<WebhookSubscriptionWithSecret, 'url' | 'secret'>): Promise<ChannelResult> {
    let url: URL;
    try {
      url = checkWebhookUrl(subscription.url);
    } catch (err) {
      return { kind: 'dead', error: describeError(err) };
    }
    let addresses;
    try {
      addresses = await resolveDestination(url, {
        resolver: this.options.resolver,
        allowPrivateNetworks: this.options.allowPrivateNetworks === true,
        timeoutMs: this.timeoutMs,
      });
    } catch (err) {
      // a forbidden destination will not become allowed by waiting; a failed lookup may
      if (err instanceof NotifyError) return { kind: 'dead', error: err.message };
      return { kind: 'retry', error: `DNS: ${describeError(err)}` };
    }
    const body = webhookBody(message);
    const t = Math.floor(this.options.clock.now().getTime() / 1000);
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': this.options.userAgent ?? 'Accord-Webhooks/1',
      [EVENT_HEADER]: message.event_type,
      [DELIVERY_HEADER]: message.id,
      [SIGNATURE_HEADER]: signWebhookPayload(subscription.secret, body, t),
    };
    let res;
    try {
      res = await this.transport({ url, addresses, headers, body, timeoutMs: this.timeoutMs });
    } catch (err) {
      return { kind: 'retry', error: err instanceof HttpTimeoutError ? err.message : describeError(err) };
    }
    const status = res.status;
    const response = res.body.toString('utf8');
    if (status >= 200 && status < 300) return { kind: 'delivered', status_code: status, response };
    if (status === 410) return { kind: 'gone', status_code: status, response, error: 'HTTP 410 Gone: the receiver asked to be unsubscribed' };
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfter = parseRetryAfter(res.header('retry-after'), this.options.clock.now());
      return { kind: 'retry', status_code: status, response, error: `HTTP ${status}`, ...(retryAfter === undefined ? {} : { retry_after_ms: retryAfter }) };
    }
    if (status >= 300 && status < 400) {
      return { kind: 'rejected', status_code: status, response, error: `HTTP ${status}: redirect not followed; point the subscription at the final URL` };
    }
    if (status >= 400 && status < 500) return { kind: 'rejected', status_code: status, response, error: `HTTP ${status}` };
    return { kind: 'retry', status_code: status, response, error: `unexpected HTTP status ${status}` };
  }
}
