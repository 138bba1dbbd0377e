/**
 * When to try a failed message again.
 *
 * After attempt n fails, the next is `BACKOFF_MS[n-1]` later, scaled by a
 * random factor in [0.75, 1.25) so that messages which failed together (a
 * receiver that was down) do not all come back in the same second. After the
 * last step the message is dead: seven attempts over about 31 hours.
 */
export const BACKOFF_MS: readonly number[] = [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000];

/** A receiver's Retry-After is honoured up to this far ahead. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

export interface RetryPolicy {
  /** Delays after attempts 1, 2, …; its length + 1 is the number of attempts. */
  backoffMs: readonly number[];
  /** A number in [0, 1): the jitter's source (tests pass `() => 0.5`, which means no jitter). */
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = { backoffMs: BACKOFF_MS, random: Math.random };

/**
 * The instant of the next attempt after attempt `attempt` (from 1) failed at
 * `now`, or null when no attempt is left. `retryAfterMs` (the receiver's
 * Retry-After) is a floor: the next attempt is never earlier than it asked,
 * but never more than 24 hours away on its say-so.
 */
export function nextAttemptAt(now: Date, attempt: number, policy: RetryPolicy = defaultRetryPolicy, retryAfterMs?: number): Date | null {
  const base = policy.backoffMs[attempt - 1];
  if (base === undefined) return null;
  const jitter = 0.75 + 0.5 * Math.min(Math.max(policy.random(), 0), 1);
  let delay = Math.round(base * jitter);
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) delay = Math.max(delay, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
  return new Date(now.getTime() + delay);
}

/**
 * Parses an HTTP Retry-After value (RFC 9110 §10.2.3: delay-seconds or an
 * HTTP-date) into milliseconds from `now`; undefined when absent or malformed.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date) || !/[A-Za-z]/.test(v)) return undefined;
  return Math.max(0, date - now.getTime());
}
