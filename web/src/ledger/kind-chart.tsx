import { useEffect, useState } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { toProblem } from '../api.js';
import { ProblemAlert } from '../components/alert.js';
import { Loading } from '../components/page.js';
import { contentKind, decodeEntry, kindTone } from './entries.js';
import { eventTone } from './entry-summary.js';
import { decodeEntryBundle, getBytes, latestBundle } from './log-client.js';

interface Tally {
  path: string;
  first: number;
  total: number;
  kinds: [string, number][];
  events: [string, number][];
}

/**
 * What the latest ≤ 256 entries are, from one request: the newest entry
 * bundle (c2sp.org/tlog-tiles). Bundles hold bytes only, so kinds are read
 * from each entry's content; nothing is sampled or extrapolated.
 */
export function KindChart({ size }: { size: number }) {
  const [tally, setTally] = useState<Tally | null>(null);
  const [error, setError] = useState<Problem | null>(null);

  useEffect(() => {
    if (size === 0) return;
    const ctrl = new AbortController();
    const b = latestBundle(size);
    getBytes(b.path, ctrl.signal)
      .then((bytes) => {
        const entries = decodeEntryBundle(bytes).map(decodeEntry);
        const kinds = new Map<string, number>();
        const events = new Map<string, number>();
        for (const d of entries) {
          const k = contentKind(d);
          kinds.set(k, (kinds.get(k) ?? 0) + 1);
          if (d.type === 'registry') events.set(d.entry.event.type, (events.get(d.entry.event.type) ?? 0) + 1);
        }
        const desc = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        setTally({ path: b.path, first: b.first, total: entries.length, kinds: desc(kinds), events: desc(events) });
        setError(null);
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(toProblem(err));
      });
    return () => ctrl.abort();
  }, [size]);

  if (size === 0) return <p className="muted small">The log is empty.</p>;
  if (error) return <ProblemAlert problem={error} />;
  if (!tally) return <Loading label="Reading the latest entry bundle…" />;
  const maxEvent = Math.max(1, ...tally.events.map(([, n]) => n));
  return (
    <div className="kind-chart" data-testid="kind-chart">
      <div className="stacked" role="img" aria-label={tally.kinds.map(([k, n]) => `${k}: ${n}`).join(', ')}>
        {tally.kinds.map(([k, n]) => (
          <span key={k} className={`stacked-seg fill-${kindTone(k)}`} style={{ width: `${(n / tally.total) * 100}%` }} title={`${k}: ${n}`} />
        ))}
      </div>
      <div className="tally">
        {tally.kinds.map(([k, n]) => (
          <span key={k} className="legend">
            <span className={`swatch fill-${kindTone(k)}`} aria-hidden="true" />
            {k} <strong className="tnum">{n}</strong>
          </span>
        ))}
      </div>
      {tally.events.length > 0 && (
        <>
          <div className="section-label">Registry decisions by type</div>
          <ul className="bars">
            {tally.events.map(([t, n]) => (
              <li key={t} className="bar-row bar-row-compact">
                <span className="bar-label mono" title={t}>
                  {t}
                </span>
                <span className="bar-track">
                  <span className={`bar-fill fill-${eventTone(t)}`} style={{ width: `${(n / maxEvent) * 100}%` }} />
                </span>
                <span className="bar-value">{n}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="chart-note">
        Entries {tally.first}–{tally.first + tally.total - 1}, read from <a href={tally.path}>{tally.path}</a>; kinds come from each entry’s content.
      </p>
    </div>
  );
}
