/**
 * The notify pillar's storage port: webhook subscriptions, a durable outbox of
 * messages to send, and a log of every delivery attempt.
 *
 * Delivery is at least once. A message is claimed under a lease; a worker that
 * crashes mid-send loses its lease when it expires and another node sends the
 * message again. Receivers de-duplicate by the message id, which every retry
 * repeats (`X-Accord-Delivery` for webhooks, the `Message-ID` header for mail).
 *
 * Enqueueing is its own write, not part of a caller's transaction: callers
 * enqueue after their own commit. A crash between the two loses the message,
 * so anything that must go out (reminders, embargo notices) is enqueued by
 * code that can run again, with a `dedupe_key` that makes the second enqueue a
 * no-op.
 *
 * Times given to the store are `Date`s (from the injected Clock); times read
 * back are ISO-8601 UTC strings with milliseconds.
 */

/** A JSON value, as webhook payloads are. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Which event types a subscription receives: `'*'` for all, or a list of names or `prefix.*` patterns. */
export type EventTypeFilter = '*' | string[];

/** A webhook subscription as listed: never with its secret. */
export interface WebhookSubscription {
  id: string;
  org_id: string;
  url: string;
  event_types: EventTypeFilter;
  active: boolean;
  /** The secret's last four characters, so an admin can tell which secret a receiver holds. */
  secret_hint: string;
  /** Why the subscription was switched off by Accord (a 410 from the receiver), or null. */
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A subscription with its signing secret. SENSITIVE: only the webhook sender
 * reads this; it must never reach a log, an API response or an error message.
 */
export interface WebhookSubscriptionWithSecret extends WebhookSubscription {
  secret: string;
}

export interface NewWebhookSubscription {
  id: string;
  org_id: string;
  url: string;
  /** SENSITIVE: the HMAC key, stored as given (it is needed to sign). */
  secret: string;
  event_types: EventTypeFilter;
  active: boolean;
  created_at: Date;
}

export interface WebhookSubscriptionPatch {
  url?: string;
  /** SENSITIVE: a new signing secret (rotation). */
  secret?: string;
  event_types?: EventTypeFilter;
  active?: boolean;
  /** Set with `active: false` when Accord switches a subscription off; cleared when it is switched on again. */
  disabled_reason?: string | null;
  updated_at: Date;
}

/** What to send: a webhook event to one subscription, or an e-mail. */
export type OutboxContent =
  | { channel: 'webhook'; subscription_id: string; event_type: string; payload: JsonValue }
  | { channel: 'email'; to: string[]; subject: string; text: string; html?: string };

export type NewOutboxMessage = OutboxContent & {
  /** Unique across the outbox: enqueueing a key that is already there is a no-op (reminders are not sent twice). */
  dedupe_key: string;
  created_at: Date;
  /** Not sent before this instant (scheduled reminders); `created_at` when absent. */
  not_before?: Date;
};

export interface EnqueueResult {
  /** The message's id: the new one, or the one already enqueued under the same key. */
  id: string;
  /** False when the dedupe key was already in the outbox (nothing was written). */
  enqueued: boolean;
}

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** A message as the notifier claims it, content included. */
export type ClaimedMessage = {
  id: string;
  dedupe_key: string;
  /** This attempt's number, from 1; counted at claim time, so a crash mid-send still counts. */
  attempt: number;
  created_at: string;
  lease_until: string;
} & (
  | {
      channel: 'webhook';
      subscription_id: string;
      event_type: string;
      /** The payload's JSON text exactly as enqueued, so every retry sends the same bytes. */
      payload_json: string;
    }
  | { channel: 'email'; to: string[]; subject: string; text: string; html: string | null }
);

/** A message's state as listed (content left out: payloads may be embargoed, recipients are personal data). */
export interface OutboxMessageSummary {
  id: string;
  channel: 'webhook' | 'email';
  subscription_id: string | null;
  event_type: string | null;
  dedupe_key: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  leased_by: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

/** One send attempt, as the notifier reports it. */
export interface AttemptReport {
  worker_id: string;
  /** The attempt number the claim handed out. */
  attempt: number;
  attempted_at: Date;
  duration_ms: number;
  /** HTTP status, when a response came back. */
  status_code?: number | null;
  /** The start of the response body (webhooks) or the SMTP server's reply line. Truncated to 1 KB. */
  response?: string | null;
}

export interface FailedAttemptReport extends AttemptReport {
  /** What went wrong, for the delivery log; truncated to 1 KB. */
  error: string;
}

export type DeliveryOutcomeKind = 'delivered' | 'retry' | 'dead';

/** A row of the delivery log. */
export interface DeliveryRecord {
  id: number;
  message_id: string;
  channel: 'webhook' | 'email';
  subscription_id: string | null;
  attempt: number;
  attempted_at: string;
  outcome: DeliveryOutcomeKind;
  status_code: number | null;
  response: string | null;
  error: string | null;
  duration_ms: number;
  worker_id: string;
}

export interface DeliveryQuery {
  subscriptionId?: string;
  messageId?: string;
  limit: number;
  /** From a previous page's `next_cursor`. */
  cursor?: string | null;
}

export interface Page<T> {
  rows: T[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

export interface NotifyStore {
  createSubscription(s: NewWebhookSubscription): Promise<WebhookSubscription>;
  getSubscription(id: string): Promise<WebhookSubscription | undefined>;
  /** SENSITIVE: the subscription with its secret, for signing. Only the webhook sender calls this. */
  getSubscriptionWithSecret(id: string): Promise<WebhookSubscriptionWithSecret | undefined>;
  /** Subscriptions in creation order, secrets left out. */
  listSubscriptions(q: { org_id?: string; active?: boolean; limit: number; after?: string | null }): Promise<WebhookSubscription[]>;
  /** Undefined when there is no such subscription. */
  updateSubscription(id: string, patch: WebhookSubscriptionPatch): Promise<WebhookSubscription | undefined>;
  /** False when there was none. Its pending messages die when claimed (their secret is gone). */
  deleteSubscription(id: string): Promise<boolean>;

  /** Adds a message unless its `dedupe_key` is already in the outbox. Its own write: call after your commit. */
  enqueue(message: NewOutboxMessage): Promise<EnqueueResult>;
  /**
   * Atomically claims up to `limit` pending messages due at `now` whose lease
   * (if any) has expired, leasing them to `workerId` until `now + leaseMs` and
   * counting an attempt. Two claimers never get the same message while its
   * lease runs. `channels` restricts the claim to the channels this worker can send.
   */
  claimDue(now: Date, limit: number, workerId: string, leaseMs: number, options?: { channels?: readonly ('webhook' | 'email')[] }): Promise<ClaimedMessage[]>;
  /**
   * Records a successful attempt and marks the message delivered. A worker
   * whose lease expired may still report success: it did deliver. Returns
   * false when the message was no longer pending (the attempt is logged anyway).
   */
  markDelivered(id: string, report: AttemptReport): Promise<boolean>;
  /**
   * Records a failed attempt; schedules the next one at `nextAttemptAt`, or
   * marks the message dead when null. Only the worker holding the lease for
   * this attempt moves the message on; otherwise returns false (the attempt is
   * logged anyway, because it happened).
   */
  markFailed(id: string, report: FailedAttemptReport, nextAttemptAt: Date | null): Promise<boolean>;
  /** Sends a dead (or delivered) message again: pending, due at `now`, attempts counted from zero. */
  requeue(id: string, now: Date): Promise<boolean>;
  /**
   * Delivery attempts, newest first, paged by the log's id. On PostgreSQL ids
   * are handed out before commit, so a row committed late may land behind a
   * page already read: fine for a log view, not for a feed.
   */
  listDeliveries(q: DeliveryQuery): Promise<Page<DeliveryRecord>>;
  /** Messages in a state, newest first. */
  listOutbox(q: { status?: OutboxStatus; limit: number }): Promise<OutboxMessageSummary[]>;
  /** Deletes delivered and dead messages (and their delivery logs) last touched before `before`. */
  pruneOutbox(before: Date): Promise<number>;
}
