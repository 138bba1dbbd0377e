/**
 * STIX 2.1 timestamps (§2.16): RFC 3339, UTC with `Z`, `YYYY-MM-DDTHH:mm:ss[.s+]Z`.
 * Kept apart from `Date` parsing because `Date.parse` accepts far more than
 * the spec allows (offsets, missing seconds, impossible dates rolled over).
 */

/** A parsed STIX timestamp: whole seconds since the epoch and the fraction digits as written. */
export interface StixTimestamp {
  readonly text: string;
  /** Milliseconds since the epoch, truncated to whole milliseconds. */
  readonly epochMs: number;
  /** Whole seconds since the epoch (exact). */
  readonly epochSeconds: number;
  /** The sub-second digits as written ('' when absent), kept for exact ordering beyond milliseconds. */
  readonly fraction: string;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The value of `n` ASCII digits of `s` from `at`, or -1 where one is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parses a STIX timestamp; returns `undefined` for anything §2.16 does not allow (including impossible dates).
 * Accepts exactly `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$` (ASCII digits), read by character
 * codes: created, modified and valid_from of every posted object come through here.
 */
export function parseStixTimestamp(text: string): StixTimestamp | undefined {
  const n = text.length;
  if (n > 64 || n < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[n - 1] !== 'Z') return undefined;
  let fraction = '';
  if (n > 20) {
    // ".<digits>Z": at least one digit.
    if (text[19] !== '.' || n < 22 || digits(text, 20, n - 21) < 0) return undefined;
    fraction = text.slice(20, n - 1);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // Second 60 is RFC 3339's leap second; the schema's timestamp.json allows it too.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const epochSeconds = utcSeconds(year, month, day, hour, minute, second);
  const ms = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return { text, epochSeconds, epochMs: epochSeconds * 1000 + ms, fraction };
}

/** Seconds since the epoch of a UTC date and time; years 0–99 are those years (Date.UTC would read 1900–1999). */
export function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime() / 1000;
}

/** Orders two parsed timestamps exactly (sub-millisecond digits included): negative, zero or positive. */
export function compareTimestamps(a: StixTimestamp, b: StixTimestamp): number {
  if (a.epochSeconds !== b.epochSeconds) return a.epochSeconds < b.epochSeconds ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** µs since the epoch → RFC 3339 with microseconds (how TAXII shows date_added). */
export function microsToIso(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, -1)}${String(us % 1000).padStart(3, '0')}Z`;
}

/** RFC 3339 UTC timestamp (as STIX §2.16 allows it) → µs since the epoch (sub-µs digits dropped), or null. */
export function isoToMicros(s: string): number | null {
  const t = parseStixTimestamp(s);
  return t ? t.epochSeconds * 1_000_000 + Number(t.fraction.padEnd(6, '0').slice(0, 6)) : null;
}

/** A version as TAXII shows it: an object without `modified` or `created` (an SCO) is versioned by its date_added (TAXII 2.1 §3.4.2 note). */
export function taxiiVersion(r: { version: string; seq: number }): string {
  return r.version === '' ? microsToIso(r.seq) : r.version;
}
