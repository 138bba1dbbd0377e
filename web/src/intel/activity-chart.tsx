import { useMemo, useState } from 'react';
import type { IntelActivity, TlpLevel } from './types.js';
import { TLP_LEVELS, TlpBadge, tlpClass } from './tlp.js';
import { typeTone } from './stix.js';

export const ACTIVITY_DAYS = 30;

/** The last `n` UTC days, oldest first, as `YYYY-MM-DD`. */
function lastDays(n: number, now = Date.now()): string[] {
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  return Array.from({ length: n }, (_, i) => new Date(today - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/** A round upper bound for the y axis: 1, 2, 5, 10, 20, 50… */
function niceMax(v: number): number {
  if (v <= 4) return Math.max(1, v);
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

interface Day {
  day: string;
  total: number;
  byTlp: Record<TlpLevel, number>;
}

export interface ActivityTotals {
  days: Day[];
  total: number;
  byTlp: Record<TlpLevel, number>;
  byType: [string, number][];
}

const zero = (): Record<TlpLevel, number> => ({ CLEAR: 0, GREEN: 0, AMBER: 0, 'AMBER+STRICT': 0, RED: 0 });

export function tallyActivity(items: IntelActivity['items'], days = ACTIVITY_DAYS): ActivityTotals {
  const index = new Map(lastDays(days).map((d) => [d, { day: d, total: 0, byTlp: zero() }]));
  const byTlp = zero();
  const byType = new Map<string, number>();
  let total = 0;
  for (const it of items) {
    const d = index.get(it.day.slice(0, 10));
    if (!d || !(it.tlp in byTlp)) continue;
    d.total += it.count;
    d.byTlp[it.tlp] += it.count;
    byTlp[it.tlp] += it.count;
    byType.set(it.type, (byType.get(it.type) ?? 0) + it.count);
    total += it.count;
  }
  return { days: [...index.values()], total, byTlp, byType: [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) };
}

const W = 760;
const H = 170;
const PAD = { left: 34, right: 8, top: 10, bottom: 24 };

/**
 * Objects added per day over the last 30 days, stacked by TLP (CLEAR at the
 * bottom, RED on top), in plain SVG. The TLP 2.0 colours are drawn with a
 * black outline, as the standard sets them on black; AMBER+STRICT is hatched
 * so it differs from AMBER without relying on colour. A day is a button that
 * filters the results to it.
 */
export function ActivityChart({ totals, onPickDay, picked }: { totals: ActivityTotals; onPickDay?: (day: string) => void; picked?: string | null }) {
  const [hover, setHover] = useState<string | null>(null);
  const { days } = totals;
  const max = niceMax(Math.max(0, ...days.map((d) => d.total)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const band = plotW / days.length;
  const barW = Math.max(4, band * 0.68);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const ticks = max <= 4 ? Array.from({ length: max + 1 }, (_, i) => i) : [0, max / 2, max];
  const summary = useMemo(
    () =>
      `${totals.total} objects added in the last ${days.length} days: ${TLP_LEVELS.filter((l) => totals.byTlp[l] > 0)
        .map((l) => `TLP:${l} ${totals.byTlp[l]}`)
        .join(', ') || 'none'}`,
    [totals, days.length],
  );
  const shown = days.find((d) => d.day === hover) ?? null;

  return (
    <div className="activity" data-testid="activity-chart">
      <svg viewBox={`0 0 ${W} ${H}`} className="activity-svg" role="img" aria-label={summary}>
        <defs>
          <pattern id="tlp-strict-hatch" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)">
            <rect width="5" height="5" fill="#FFC000" />
            <line x1="0" y1="0" x2="0" y2="5" stroke="#000" strokeWidth="2" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className={t === 0 ? 'activity-axis' : 'activity-grid'} />
            <text x={PAD.left - 6} y={y(t) + 3.5} className="activity-tick" textAnchor="end">
              {Number.isInteger(t) ? t : t.toFixed(1)}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = PAD.left + i * band;
          let acc = 0;
          const active = hover === d.day || picked === d.day;
          return (
            <g
              key={d.day}
              className={`activity-day ${active ? 'activity-day-active' : ''} ${onPickDay && d.total > 0 ? 'activity-day-link' : ''}`}
              onMouseEnter={() => setHover(d.day)}
              onMouseLeave={() => setHover((h) => (h === d.day ? null : h))}
              onClick={() => d.total > 0 && onPickDay?.(d.day)}
              onKeyDown={(e) => {
                if ((e.key === 'Enter' || e.key === ' ') && d.total > 0 && onPickDay) {
                  e.preventDefault();
                  onPickDay(d.day);
                }
              }}
              onFocus={() => setHover(d.day)}
              onBlur={() => setHover((h) => (h === d.day ? null : h))}
              tabIndex={onPickDay && d.total > 0 ? 0 : undefined}
              role={onPickDay && d.total > 0 ? 'button' : undefined}
              aria-label={d.total > 0 ? `${d.day}: ${d.total} objects; show them` : undefined}
            >
              <title>{`${d.day}: ${d.total} object${d.total === 1 ? '' : 's'}${TLP_LEVELS.filter((l) => d.byTlp[l] > 0)
                .map((l) => `\nTLP:${l} ${d.byTlp[l]}`)
                .join('')}`}</title>
              <rect x={x} y={PAD.top} width={band} height={plotH} className="activity-hit" />
              {TLP_LEVELS.map((l) => {
                const n = d.byTlp[l];
                if (n === 0) return null;
                const top = y(acc + n);
                const h = y(acc) - top;
                acc += n;
                return <rect key={l} x={x + (band - barW) / 2} y={top} width={barW} height={h} className={`activity-seg seg-tlp-${tlpClass(l)}`} />;
              })}
              {(i % 5 === (days.length - 1) % 5 || i === days.length - 1) && (
                <text x={x + band / 2} y={H - 7} className="activity-tick" textAnchor="middle">
                  {d.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
        {totals.total === 0 && (
          <text x={PAD.left + plotW / 2} y={PAD.top + plotH / 2} className="activity-empty" textAnchor="middle">
            Nothing you may read was added in the last {days.length} days
          </text>
        )}
      </svg>
      <div className="activity-legend">
        {TLP_LEVELS.map((l) => (
          <span key={l} className="legend">
            <svg width="12" height="12" aria-hidden="true" className="activity-swatch">
              <rect x="0.5" y="0.5" width="11" height="11" className={`activity-seg seg-tlp-${tlpClass(l)}`} />
            </svg>
            <TlpBadge level={l} size="sm" />
            <strong className="tnum">{totals.byTlp[l]}</strong>
          </span>
        ))}
        <span className="activity-readout muted small tnum" aria-live="polite">
          {shown ? `${shown.day}: ${shown.total} object${shown.total === 1 ? '' : 's'}` : `${totals.total} in ${days.length} days`}
        </span>
      </div>
    </div>
  );
}

/** The same 30 days by STIX type: a small horizontal bar list. */
export function TypeBreakdown({ totals, onPickType }: { totals: ActivityTotals; onPickType?: (type: string) => void }) {
  if (totals.byType.length === 0) return <p className="muted small">No objects in the last {ACTIVITY_DAYS} days.</p>;
  const max = Math.max(1, ...totals.byType.map(([, n]) => n));
  return (
    <ul className="bars type-bars" aria-label={`Objects added in the last ${ACTIVITY_DAYS} days by type`} data-testid="type-breakdown">
      {totals.byType.slice(0, 10).map(([t, n]) => (
        <li key={t} className="bar-row bar-row-compact">
          {onPickType ? (
            <button type="button" className="bar-label mono link-button" onClick={() => onPickType(t)} title={`Show ${t} objects`}>
              {t}
            </button>
          ) : (
            <span className="bar-label mono">{t}</span>
          )}
          <span className="bar-track" aria-hidden="true">
            <span className={`bar-fill fill-${typeTone(t)}`} style={{ width: `${(n / max) * 100}%` }} />
          </span>
          <span className="bar-value">{n}</span>
        </li>
      ))}
      {totals.byType.length > 10 && <li className="muted small">and {totals.byType.length - 10} more types</li>}
    </ul>
  );
}
