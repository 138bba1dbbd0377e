import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../registry/clock.js';
import { describeError, type ChannelResult, type EmailChannel, type WebhookChannel } from './delivery.js';
import type { ClaimedMessage, NotifyStore } from './ports.js';
import { defaultRetryPolicy, nextAttemptAt, type RetryPolicy } from './retry.js';

/** The logger the notifier writes to: a pino logger fits (`log.warn({ messageId }, 'text')`). */
export interface NotifyLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface NotifierOptions {
  store: NotifyStore;
  clock: Clock;
  log: NotifyLog;
  /** Without it, webhook messages are left for a node that has one. */
  webhook?: WebhookChannel;
  /** Without it (no SMTP configured), e-mail is left in the outbox, not failed. */
  email?: EmailChannel;
  /** Names this process in leases and the delivery log; default host:pid:random. */
  workerId?: string;
  /** How often to look for due messages, default 1 s. */
  pollIntervalMs?: number;
  /** Deliveries in flight at once, default 4. Claims never take more than the free slots. */
  concurrency?: number;
  /**
   * How long a claim is exclusive, default 2 minutes: longer than a send can
   * take (webhook 10 s, SMTP timeouts 10–30 s) plus clock skew between nodes.
   * When it expires (this worker crashed) another node sends the message again.
   */
  leaseMs?: number;
  /** How long `stop()` waits for deliveries in flight, default 15 s. */
  stopTimeoutMs?: number;
  retry?: RetryPolicy;
}

/**
 * Sends what the outbox holds: claims due messages under a lease, delivers
 * them concurrently through the channels, and records each attempt. Failures
 * are scheduled again on the back-off policy (see `delivery.ts` for how each
 * result is treated). Nothing it meets in a poll (store errors, channel
 * errors) escapes the loop: it is logged, and the lease makes the message
 * come back.
 */
export class Notifier {
  private readonly workerId: string;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly stopTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly channels: ('webhook' | 'email')[];
  private readonly inFlight = new Set<Promise<void>>();
  /** Claims run one at a time, so two never take more than the free slots between them. */
  private claiming: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopping = false;
  /** The last claim filled every free slot: more may be due when a slot frees up. */
  private moreMayBeDue = false;

  constructor(private readonly options: NotifierOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.leaseMs = options.leaseMs ?? 120_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.channels = [...(options.webhook ? ['webhook' as const] : []), ...(options.email ? ['email' as const] : [])];
  }

  /** Starts polling. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    if (this.options.email === undefined) this.options.log.warn({ workerId: this.workerId }, 'no e-mail channel configured: e-mail stays in the outbox');
    this.schedule(0);
  }

  /** Looks for due messages now rather than at the next poll (call after an enqueue). */
  kick(): void {
    if (this.running && !this.stopping) this.schedule(0);
  }

  /**
   * Stops polling and waits (up to `stopTimeoutMs`) for deliveries in flight.
   * A delivery still running after that keeps its lease until it expires;
   * another node then sends the message again.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.claiming;
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.stopTimeoutMs);
    });
    const late = await Promise.race([Promise.allSettled([...this.inFlight]).then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) this.options.log.warn({ workerId: this.workerId, inFlight: this.inFlight.size }, 'stopped with deliveries in flight; their leases will expire and they will be retried');
  }

  /**
   * Delivers until no message is due at the clock's current time (tests, and
   * a CLI "send now"). Failed messages are rescheduled, not retried here,
   * unless the clock has passed their next attempt. At most `maxMessages`.
   */
  async drain(options: { maxMessages?: number } = {}): Promise<number> {
    if (this.stopping && !this.running) this.stopping = false;
    const max = options.maxMessages ?? 10_000;
    let total = 0;
    for (;;) {
      const claimed = total < max ? await this.fill(max - total) : 0;
      total += claimed;
      if (this.inFlight.size === 0) {
        if (claimed === 0) return total;
        continue;
      }
      await Promise.race(this.inFlight);
    }
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    // not unref'd: a running notifier keeps the process alive until stop(), like a listening server
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    try {
      await this.fill();
    } catch (err) {
      this.options.log.error({ err: describeError(err) }, 'notifier poll failed');
    }
    if (this.running && this.timer === undefined) this.schedule(this.pollIntervalMs);
  }

  /** Claims as many due messages as there are free slots and starts them; returns how many. */
  private fill(max = Infinity): Promise<number> {
    const run = this.claiming.then(() => this.claimAndStart(max));
    this.claiming = run.catch(() => undefined);
    return run;
  }

  private async claimAndStart(max: number): Promise<number> {
    const free = Math.min(this.concurrency - this.inFlight.size, max);
    if (free <= 0 || this.channels.length === 0 || this.stopping) return 0;
    let claimed: ClaimedMessage[];
    try {
      claimed = await this.options.store.claimDue(this.options.clock.now(), free, this.workerId, this.leaseMs, { channels: this.channels });
    } catch (err) {
      this.options.log.error({ err: describeError(err), workerId: this.workerId }, 'claiming due messages failed');
      return 0;
    }
    this.moreMayBeDue = claimed.length === free;
    for (const message of claimed) {
      const p: Promise<void> = this.deliver(message).finally(() => {
        this.inFlight.delete(p);
        if (this.running && !this.stopping && this.moreMayBeDue) this.kick();
      });
      this.inFlight.add(p);
    }
    return claimed.length;
  }

  /** One attempt at one message, recorded; never rejects. */
  private async deliver(message: ClaimedMessage): Promise<void> {
    const { store, clock, log } = this.options;
    const attemptedAt = clock.now();
    const started = performance.now();
    let result: ChannelResult;
    try {
      result = await this.send(message);
    } catch (err) {
      result = { kind: 'retry', error: `unexpected failure: ${describeError(err)}` };
    }
    const duration_ms = Math.round(performance.now() - started);
    const report = {
      worker_id: this.workerId,
      attempt: message.attempt,
      attempted_at: attemptedAt,
      duration_ms,
      status_code: result.status_code ?? null,
      response: result.response ?? null,
    };
    const context = { messageId: message.id, channel: message.channel, attempt: message.attempt, ...(message.channel === 'webhook' ? { subscriptionId: message.subscription_id } : {}) };
    try {
      if (result.kind === 'delivered') {
        const moved = await store.markDelivered(message.id, report);
        log.info({ ...context, status: result.status_code, durationMs: duration_ms }, moved ? 'notification delivered' : 'notification delivered (already settled by another worker)');
        return;
      }
      const now = clock.now();
      let next: Date | null;
      if (result.kind === 'retry') next = nextAttemptAt(now, message.attempt, this.retry, result.retry_after_ms);
      else if (result.kind === 'rejected') next = message.attempt >= 2 ? null : nextAttemptAt(now, 1, this.retry);
      else next = null;
      if (result.kind === 'gone' && message.channel === 'webhook') {
        await store.updateSubscription(message.subscription_id, {
          active: false,
          disabled_reason: `The receiver answered 410 Gone at ${now.toISOString()}.`,
          updated_at: now,
        });
        log.warn(context, 'webhook receiver answered 410 Gone: subscription switched off');
      }
      const moved = await store.markFailed(message.id, { ...report, error: result.error }, next);
      if (!moved) log.warn(context, 'lease lost before the failure was recorded; another worker owns the message');
      else if (next === null) log.error({ ...context, error: result.error }, 'notification dead: no further attempt');
      else log.warn({ ...context, error: result.error, nextAttemptAt: next.toISOString() }, 'notification failed; will retry');
    } catch (err) {
      // the lease runs out and the message is claimed again: at least once, never lost
      log.error({ ...context, err: describeError(err) }, 'recording a delivery attempt failed');
    }
  }

  private async send(message: ClaimedMessage): Promise<ChannelResult> {
    // a message claimed over and over without a recorded result crashes its workers: stop trying
    if (message.attempt > this.retry.backoffMs.length + 1) {
      return { kind: 'dead', error: `attempt ${message.attempt} exceeds the retry schedule (earlier workers stopped mid-send)` };
    }
    if (message.channel === 'email') {
      if (this.options.email === undefined) return { kind: 'retry', error: 'no e-mail channel on this node' };
      return this.options.email.deliver(message);
    }
    if (this.options.webhook === undefined) return { kind: 'retry', error: 'no webhook channel on this node' };
    const subscription = await this.options.store.getSubscriptionWithSecret(message.subscription_id);
    if (subscription === undefined) return { kind: 'dead', error: 'the subscription was deleted' };
    if (!subscription.active) return { kind: 'dead', error: 'the subscription is switched off' };
    return this.options.webhook.deliver(message, subscription);
  }
}
