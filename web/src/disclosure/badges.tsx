import type { CaseFacts, Embargo, ParticipantKind, ReportState, VendorStatusValue } from '../../../src/http/api-types.js';
import { Pill } from '../components/pills.js';
import { day } from '../format.js';
import { Countdown } from './countdown.js';
import { Icon } from './icons.js';
import {
  ALARM_FACTS,
  EMBARGO_LABELS,
  EMBARGO_TONE,
  EXIT_REASONS,
  FACTS,
  FACT_HINTS,
  FACT_LABELS,
  KIND_LABELS,
  KIND_TONE,
  REPORT_STATE_TONE,
  STATUS_LABELS,
  STATUS_TONE,
  isSeverity,
} from './labels.js';

export function KindPill({ kind }: { kind: ParticipantKind }) {
  return (
    <Pill tone={KIND_TONE[kind]}>
      <span data-kind={kind}>{KIND_LABELS[kind]}</span>
    </Pill>
  );
}

export function ReportStatePill({ state }: { state: ReportState | null }) {
  if (state === null) return <span className="muted small">—</span>;
  return (
    <span className={`pill pill-${REPORT_STATE_TONE[state]}`} data-report-state={state}>
      <span className="pill-dot" aria-hidden="true" />
      {state}
    </span>
  );
}

export function CaseStatusPill({ status }: { status: 'open' | 'closed' }) {
  return (
    <span className={`pill pill-${status === 'open' ? 'green' : 'gray'}`} data-status={status}>
      <span className="pill-dot" aria-hidden="true" />
      {status}
    </span>
  );
}

export function EmbargoPill({ embargo }: { embargo: Pick<Embargo, 'state' | 'exit_reason'> }) {
  return (
    <span className={`pill pill-${EMBARGO_TONE[embargo.state]}`} data-embargo={embargo.state} title={embargo.exit_reason ? EXIT_REASONS[embargo.exit_reason] : undefined}>
      {embargo.state !== 'none' && embargo.state !== 'exited' && (
        <Icon name="clock" size={12} />
      )}
      {EMBARGO_LABELS[embargo.state]}
    </span>
  );
}

/** An embargo in a table cell: its state, and while it holds a live countdown and the end date. */
export function EmbargoCell({ embargo, now }: { embargo: Embargo; now: number }) {
  const end = embargo.state === 'active' || embargo.state === 'revise' ? embargo.end_at : embargo.state === 'proposed' ? embargo.proposed_end_at : null;
  return (
    <div className="embargo-cell">
      <EmbargoPill embargo={embargo} />
      {end && (embargo.state === 'proposed' ? <span className="cell-sub">would end {day(end)}</span> : <span className="embargo-cell-time"><Countdown end={end} now={now} /> <span className="cell-sub">until {day(end)}</span></span>)}
    </div>
  );
}

export function VendorStatusBadge({ status, shared }: { status: VendorStatusValue; shared?: boolean }) {
  return (
    <span className={`pill pill-${STATUS_TONE[status]}`} data-vendor-status={status}>
      {STATUS_LABELS[status]}
      {shared === false && (
        <span className="not-shared" title="Not shared: only the coordinator and this vendor see it">
          <Icon name="lock" size={11} />
          <span className="sr-only">not shared</span>
        </span>
      )}
    </span>
  );
}

/** The facts that hold, as small badges (bad news in red). */
export function FactBadges({ facts, empty = '—' }: { facts: CaseFacts; empty?: string }) {
  const set = FACTS.filter((f) => facts[f] !== null);
  if (set.length === 0) return <span className="muted small">{empty}</span>;
  return (
    <span className="badges" data-testid="fact-badges">
      {set.map((f) => (
        <span key={f} className={`badge ${ALARM_FACTS.has(f) ? 'badge-alarm' : 'badge-fact'}`} title={`${FACT_HINTS[f]} Since ${facts[f]!.slice(0, 16).replace('T', ' ')} UTC`}>
          {FACT_LABELS[f]}
        </span>
      ))}
    </span>
  );
}

/** A CVSS severity word in its colour (CRITICAL, HIGH, MEDIUM, LOW, NONE). */
export function SeverityBadge({ severity, score }: { severity: string | null; score?: number | null }) {
  if (!severity) return <span className="muted small">—</span>;
  const cls = isSeverity(severity) ? severity.toLowerCase() : 'none';
  return (
    <span className={`sev sev-${cls}`} data-severity={severity}>
      {severity}
      {score !== undefined && score !== null && <span className="sev-score">{score.toFixed(1)}</span>}
    </span>
  );
}
