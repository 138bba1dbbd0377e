/** Time source for the domain, so tests can move time (voting windows, expiries). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC with milliseconds, the form every timestamp is stored in. */
export function iso(d: Date): string {
  return d.toISOString();
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}
