import type { SizeBand } from '../../src/http/api-types.js';

/** `2026-03-10` (the UTC date); analysts compare dates across time zones, so no local formats. */
export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** `2026-03-10 14:05 UTC` */
export function dateTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';
}

/** "in 12 days", "3 hours ago": for deadlines such as a vote closing. */
export function relative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [ms, name] of units) {
    if (abs >= ms) {
      const n = Math.round(abs / ms);
      const label = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `in ${label}` : `${label} ago`;
    }
  }
  return diff >= 0 ? 'in under a minute' : 'just now';
}

/** The size bands and how the form explains them; a Record so a new band in the API fails the type check here. */
export const SIZE_BAND_LABELS: Record<SizeBand, string> = {
  '1-49': '1–49 employees',
  '50-249': '50–249 employees',
  '250-999': '250–999 employees',
  '1000-9999': '1,000–9,999 employees',
  '10000+': '10,000+ employees',
};

export const SIZE_BANDS = Object.keys(SIZE_BAND_LABELS) as SizeBand[];

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' });
  } catch {
    return null;
  }
})();

/** "DE" → "Germany" (falls back to the code). */
export function countryName(code: string | null): string {
  if (!code) return '—';
  try {
    return regionNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** A short id for tables: the first 8 characters of a UUID. */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
}
