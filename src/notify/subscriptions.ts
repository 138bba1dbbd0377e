import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../registry/clock.js';
import { checkWebhookUrl } from './address-guard.js';
import { checkEventFilter } from './event-types.js';
import { NotifyError } from './errors.js';
import type { NewWebhookSubscription } from './ports.js';

const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 256;

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Checks a subscription request and builds the row to store: the URL's form
 * (its addresses are checked at every send, since DNS changes), the event
 * filter, and the secret (generated unless one is given). The caller shows
 * the secret once; listings only show its last four characters.
 */
export function newWebhookSubscription(
  input: { org_id: string; url: string; event_types: unknown; secret?: string; active?: boolean },
  clock: Clock,
): NewWebhookSubscription {
  checkWebhookUrl(input.url);
  const secret = input.secret ?? generateWebhookSecret();
  if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH || /[^\x21-\x7e]/.test(secret)) {
    throw new NotifyError('NOTIFY_MESSAGE_INVALID', `A webhook secret is ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} printable ASCII characters.`);
  }
  return {
    id: randomUUID(),
    org_id: input.org_id,
    url: input.url,
    secret,
    event_types: checkEventFilter(input.event_types),
    active: input.active ?? true,
    created_at: clock.now(),
  };
}
