import { HIT_KINDS, KIND_HINTS, KIND_LABELS, KIND_TONE, type HitKind } from './match.js';

const W = 290;
const ROW = 24;
const LABEL = 78;
const VALUE = 40;

/**
 * Hits by kind as horizontal bars in plain SVG; a bar is a button that
 * filters the hits table to its kind (pressed again, it clears the filter).
 */
export function KindChart({ counts, picked, onPick }: { counts: Record<HitKind, number>; picked: HitKind | null; onPick: (k: HitKind | null) => void }) {
  const kinds = HIT_KINDS.filter((k) => counts[k] > 0);
  if (kinds.length === 0) return <p className="muted small">No hits.</p>;
  const max = Math.max(1, ...kinds.map((k) => counts[k]));
  const plot = W - LABEL - VALUE - 8;
  const H = kinds.length * ROW + 4;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="kind-svg"
      role="group"
      aria-label={`Hits by kind: ${kinds.map((k) => `${KIND_LABELS[k]} ${counts[k]}`).join(', ')}`}
      data-testid="kind-chart"
    >
      {kinds.map((k, i) => {
        const y = 2 + i * ROW;
        const on = picked === k;
        const pick = () => onPick(on ? null : k);
        return (
          <g
            key={k}
            className={`kind-row ${on ? 'kind-row-on' : ''} ${picked && !on ? 'kind-row-off' : ''}`}
            role="button"
            tabIndex={0}
            aria-pressed={on}
            aria-label={`${KIND_LABELS[k]}: ${counts[k]} hits; ${on ? 'show every kind' : 'show only these'}`}
            onClick={pick}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                pick();
              }
            }}
            data-kind={k}
          >
            <title>{`${KIND_LABELS[k]}: ${counts[k]} — ${KIND_HINTS[k]}`}</title>
            <rect x={0} y={y} width={W} height={ROW - 2} rx={4} className="kind-hit" />
            <text x={6} y={y + ROW / 2 + 3} className="kind-label">
              {KIND_LABELS[k]}
            </text>
            <rect x={LABEL} y={y + 6} width={plot} height={ROW - 14} rx={3} className="kind-track" />
            <rect x={LABEL} y={y + 6} width={Math.max(3, (counts[k] / max) * plot)} height={ROW - 14} rx={3} className={`kind-fill kind-fill-${KIND_TONE[k]}`} />
            <text x={W - 6} y={y + ROW / 2 + 3} className="kind-value" textAnchor="end">
              {counts[k].toLocaleString('en')}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
