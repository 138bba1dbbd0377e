import type { Clock } from '../registry/clock.js';
import { checkEventType, matchesEventType } from './event-types.js';
import { NotifyError } from './errors.js';
import type { EnqueueResult, JsonValue, NotifyStore } from './ports.js';

/** Largest webhook payload accepted, as JSON text. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_RECIPIENTS = 50;
const MAX_DEDUPE_KEY_LENGTH = 400;
const MAX_SUBSCRIPTIONS_PER_ORG = 1000;
const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;

function checkDedupeKey(key: string): void {
  if (key.length === 0 || key.length > MAX_DEDUPE_KEY_LENGTH) {
    throw new NotifyError('NOTIFY_MESSAGE_INVALID', `A dedupe key is 1 to ${MAX_DEDUPE_KEY_LENGTH} characters.`);
  }
}

/**
 * Enqueues event `type` for every active subscription of `org_ids` whose
 * filter matches, one message per subscription under the dedupe key
 * `webhook:<subscription id>:<dedupe_key>`. Call after the change the event
 * reports has committed; calling again with the same `dedupe_key` enqueues
 * nothing new (so a retried job does not notify twice).
 */
export async function publishEvent(
  store: NotifyStore,
  clock: Clock,
  event: { type: string; org_ids: readonly string[]; payload: JsonValue; dedupe_key: string },
): Promise<EnqueueResult[]> {
  checkEventType(event.type);
  checkDedupeKey(event.dedupe_key);
  const text = JSON.stringify(event.payload);
  if (text === undefined || Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    throw new NotifyError('NOTIFY_MESSAGE_INVALID', `A webhook payload is a JSON value of at most ${MAX_PAYLOAD_BYTES} bytes.`);
  }
  const now = clock.now();
  const results: EnqueueResult[] = [];
  for (const org_id of new Set(event.org_ids)) {
    const subscriptions = await store.listSubscriptions({ org_id, active: true, limit: MAX_SUBSCRIPTIONS_PER_ORG });
    for (const s of subscriptions) {
      if (!matchesEventType(s.event_types, event.type)) continue;
      results.push(
        await store.enqueue({
          channel: 'webhook',
          subscription_id: s.id,
          event_type: event.type,
          payload: event.payload,
          dedupe_key: `webhook:${s.id}:${event.dedupe_key}`,
          created_at: now,
        }),
      );
    }
  }
  return results;
}

/**
 * Enqueues an e-mail under the dedupe key `email:<dedupe_key>`, to be sent at
 * `not_before` (now by default). Same commit rule as `publishEvent`.
 */
export async function enqueueEmail(
  store: NotifyStore,
  clock: Clock,
  mail: { to: readonly string[]; subject: string; text: string; html?: string; dedupe_key: string; not_before?: Date },
): Promise<EnqueueResult> {
  checkDedupeKey(mail.dedupe_key);
  const to = [...new Set(mail.to.map((a) => a.trim()))];
  if (to.length === 0 || to.length > MAX_RECIPIENTS || !to.every((a) => a.length <= 254 && EMAIL.test(a))) {
    throw new NotifyError('NOTIFY_MESSAGE_INVALID', `An e-mail goes to 1 to ${MAX_RECIPIENTS} plain addresses (name@domain).`);
  }
  const subject = mail.subject.replace(/[\r\n]+/g, ' ').trim();
  if (subject.length === 0 || subject.length > 900) throw new NotifyError('NOTIFY_MESSAGE_INVALID', 'An e-mail subject is 1 to 900 characters.');
  return store.enqueue({
    channel: 'email',
    to,
    subject,
    text: mail.text,
    ...(mail.html === undefined ? {} : { html: mail.html }),
    dedupe_key: `email:${mail.dedupe_key}`,
    created_at: clock.now(),
    ...(mail.not_before === undefined ? {} : { not_before: mail.not_before }),
  });
}
