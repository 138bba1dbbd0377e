import { NotifyError } from './errors.js';
import type { EventTypeFilter } from './ports.js';

/** An event type: lower-case dotted words, e.g. `advisory.published`, `case.embargo.reminder`. */
const EVENT_TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
/** A filter entry: an event type, or one followed by `.*` for every type under it. */
const FILTER_ENTRY = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*(\.\*)?$/;
const MAX_EVENT_TYPE_LENGTH = 100;
const MAX_FILTER_ENTRIES = 50;

/** Throws unless `type` is a well-formed event type. */
export function checkEventType(type: string): string {
  if (type.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE.test(type)) {
    throw new NotifyError('NOTIFY_MESSAGE_INVALID', 'An event type is lower-case dotted words such as "advisory.published".');
  }
  return type;
}

/** Normalises a subscription's filter: `'*'`, or a non-empty list of distinct event types or `prefix.*` patterns. */
export function checkEventFilter(filter: unknown): EventTypeFilter {
  if (filter === '*') return '*';
  if (!Array.isArray(filter) || filter.length === 0 || filter.length > MAX_FILTER_ENTRIES) {
    throw new NotifyError('NOTIFY_MESSAGE_INVALID', `An event filter is "*" or a list of 1 to ${MAX_FILTER_ENTRIES} event types.`);
  }
  const out = new Set<string>();
  for (const entry of filter) {
    if (entry === '*') return '*';
    if (typeof entry !== 'string' || entry.length > MAX_EVENT_TYPE_LENGTH || !FILTER_ENTRY.test(entry)) {
      throw new NotifyError('NOTIFY_MESSAGE_INVALID', 'An event filter entry is an event type, optionally ending in ".*".');
    }
    out.add(entry);
  }
  return [...out].sort();
}

/** Whether a subscription with `filter` receives events of `type`. */
export function matchesEventType(filter: EventTypeFilter, type: string): boolean {
  if (filter === '*') return true;
  return filter.some((f) => f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}
