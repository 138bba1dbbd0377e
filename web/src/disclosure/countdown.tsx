import { useEffect, useState } from 'react';

/** The current time, re-read every `everyMs` (a live countdown without re-fetching). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** "12 d 4 h left", "5 h 20 min left", "ended": the time until `endIso`. */
export function timeLeft(endIso: string, now: number): { label: string; ms: number; urgent: boolean } {
  const ms = Date.parse(endIso) - now;
  if (!Number.isFinite(ms) || ms <= 0) return { label: 'ended', ms: Math.min(0, ms || 0), urgent: false };
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const m = Math.floor((ms % HOUR) / MINUTE);
  const label = d > 0 ? `${d} d ${h} h left` : h > 0 ? `${h} h ${m} min left` : `${Math.max(1, m)} min left`;
  return { label, ms, urgent: ms < 7 * DAY };
}

/** A live countdown to `end`; red in the last 7 days. */
export function Countdown({ end, now, large = false }: { end: string; now: number; large?: boolean }) {
  const t = timeLeft(end, now);
  return (
    <span
      className={`countdown ${t.urgent ? 'countdown-urgent' : ''} ${t.ms <= 0 ? 'countdown-over' : ''} ${large ? 'countdown-large' : ''}`}
      title={`Ends ${end.slice(0, 16).replace('T', ' ')} UTC`}
      data-testid="countdown"
    >
      {t.label}
    </span>
  );
}
