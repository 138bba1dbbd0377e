import { AccordError } from '../errors.js';

/**
 * Codes of outbound notifications. Webhook URLs and SMTP settings come from
 * member organisations and operators; every refusal says what was wrong
 * without echoing secrets (URLs may carry tokens in their path or query).
 */
export type NotifyErrorCode =
  /** A webhook URL that is not absolute http(s), carries credentials, or is too long. */
  | 'WEBHOOK_URL_INVALID'
  /** A webhook destination that resolves to a private, loopback, link-local or otherwise non-public address. */
  | 'WEBHOOK_DESTINATION_FORBIDDEN'
  /** No such webhook subscription (or it belongs to another organisation). */
  | 'SUBSCRIPTION_NOT_FOUND'
  /** An event type, event filter, recipient list, subject or payload the outbox does not accept. */
  | 'NOTIFY_MESSAGE_INVALID'
  /** A paging cursor this store did not hand out. */
  | 'NOTIFY_CURSOR_INVALID'
  /** SMTP settings that cannot work (bad URL, missing From address); raised at start-up. */
  | 'SMTP_CONFIG_INVALID';

/** Errors of webhook subscriptions, the outbox and the delivery channels. */
export class NotifyError<C extends NotifyErrorCode = NotifyErrorCode> extends AccordError<C> {}

/** Every notify error code (for the error handler's mapping test and the docs table). */
export const NOTIFY_ERROR_CODES: readonly NotifyErrorCode[] = [
  'WEBHOOK_URL_INVALID',
  'WEBHOOK_DESTINATION_FORBIDDEN',
  'SUBSCRIPTION_NOT_FOUND',
  'NOTIFY_MESSAGE_INVALID',
  'NOTIFY_CURSOR_INVALID',
  'SMTP_CONFIG_INVALID',
];
