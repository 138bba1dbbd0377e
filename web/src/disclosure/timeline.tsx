import type { ReactNode } from 'react';
import type { CaseTimelineEvent, CaseView } from '../../../src/http/api-types.js';
import { dateTime } from '../format.js';
import { Link } from '../router.js';
import { Icon, type IconName } from './icons.js';
import { EXIT_REASONS, FACT_LABELS, STATUS_LABELS } from './labels.js';
import { formatBytes } from './files.js';

const KIND_ICON: Record<string, { icon: IconName; tone: string }> = {
  'case.reported': { icon: 'inbox', tone: 'blue' },
  'case.closed': { icon: 'lock', tone: 'gray' },
  'participant.added': { icon: 'user', tone: 'purple' },
  'report_state.changed': { icon: 'arrow', tone: 'gray' },
  'vulnerability.added': { icon: 'bug', tone: 'red' },
  'vulnerability.updated': { icon: 'bug', tone: 'gray' },
  'status.set': { icon: 'flag', tone: 'amber' },
  'fact.set': { icon: 'check', tone: 'green' },
  'embargo.proposed': { icon: 'clock', tone: 'amber' },
  'embargo.accepted': { icon: 'clock', tone: 'blue' },
  'embargo.rejected': { icon: 'x', tone: 'red' },
  'embargo.exited': { icon: 'clock', tone: 'gray' },
  'message.posted': { icon: 'message', tone: 'blue' },
  'attachment.added': { icon: 'clip', tone: 'gray' },
  'advisory.drafted': { icon: 'doc', tone: 'purple' },
  'advisory.approved': { icon: 'check', tone: 'purple' },
  'advisory.scheduled': { icon: 'clock', tone: 'purple' },
  'advisory.published': { icon: 'globe', tone: 'green' },
  'advisory.publication_failed': { icon: 'x', tone: 'red' },
};

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** One sentence per event, from its data (server text, shown as text). */
function describe(e: CaseTimelineEvent, who: string): ReactNode {
  const d = e.data;
  switch (e.kind) {
    case 'case.reported': {
      const vendors = Array.isArray(d.vendors) ? d.vendors.map(str).filter(Boolean) : [];
      return (
        <>
          <strong>{who}</strong> reported the vulnerability{vendors.length > 0 && <>, naming {vendors.join(', ')}</>}
        </>
      );
    }
    case 'case.closed':
      return (
        <>
          <strong>{who}</strong> closed the case
        </>
      );
    case 'participant.added':
      return (
        <>
          <strong>{str(d.name)}</strong> joined as {str(d.kind)}
        </>
      );
    case 'report_state.changed':
      return (
        <>
          <strong>{who}</strong> moved their report from {str(d.from)} to <strong>{str(d.to)}</strong>
        </>
      );
    case 'vulnerability.added':
    case 'vulnerability.updated':
      return (
        <>
          {e.kind === 'vulnerability.added' ? 'Vulnerability described' : 'Vulnerability edited'}: <strong>{str(d.title)}</strong>
          {str(d.cve) && <span className="mono"> {str(d.cve)}</span>}
        </>
      );
    case 'status.set': {
      const s = str(d.status) as keyof typeof STATUS_LABELS;
      return (
        <>
          <strong>{str(d.vendor) || who}</strong> set its status to <strong>{STATUS_LABELS[s] ?? s}</strong>
          {d.shared === false ? ' (not shared)' : ''}
        </>
      );
    }
    case 'fact.set':
      return (
        <>
          <strong>{who}</strong> recorded: {FACT_LABELS[str(d.fact) as keyof typeof FACT_LABELS] ?? str(d.fact)}
        </>
      );
    case 'embargo.proposed':
      return (
        <>
          <strong>{who}</strong> proposed an embargo until <span className="tnum">{dateTime(str(d.end_at))}</span>
          {d.state === 'active' && ' (in force at once)'}
        </>
      );
    case 'embargo.accepted':
      return (
        <>
          <strong>{who}</strong> accepted the embargo{d.state === 'active' && str(d.end_at) ? <>; in force until <span className="tnum">{dateTime(str(d.end_at))}</span></> : ''}
        </>
      );
    case 'embargo.rejected':
      return (
        <>
          <strong>{who}</strong> rejected the embargo proposal
        </>
      );
    case 'embargo.exited':
      return <>Embargo {EXIT_REASONS[str(d.reason)] ?? 'ended'}</>;
    case 'message.posted':
      return (
        <>
          <strong>{who}</strong> wrote in the thread
        </>
      );
    case 'attachment.added':
      return (
        <>
          <strong>{who}</strong> attached <span className="mono">{str(d.filename)}</span>
          {typeof d.size === 'number' && <span className="muted"> ({formatBytes(d.size)})</span>}
        </>
      );
    case 'advisory.drafted':
      return (
        <>
          Advisory <span className="mono">{str(d.tracking_id)}</span> drafted
        </>
      );
    case 'advisory.approved':
      return (
        <>
          <strong>{who}</strong> approved advisory revision {str(d.revision)}
        </>
      );
    case 'advisory.scheduled':
      return (
        <>
          Advisory scheduled for <span className="tnum">{dateTime(str(d.at))}</span>
        </>
      );
    case 'advisory.published':
      return (
        <>
          Advisory{' '}
          <Link to={`/advisories/${encodeURIComponent(str(d.tracking_id))}`} className="mono">
            {str(d.tracking_id)}
          </Link>{' '}
          version {str(d.version)} published
        </>
      );
    case 'advisory.publication_failed':
      return <>Scheduled publication failed: {str(d.reason)}</>;
    default:
      return (
        <>
          <span className="mono">{e.kind}</span>
        </>
      );
  }
}

/** The case's history, oldest first (newest last), one icon per kind of event. */
export function Timeline({ view }: { view: CaseView }) {
  const names = new Map(view.participants.map((p) => [p.id, p.name]));
  if (view.timeline.length === 0) return <p className="muted small">Nothing yet.</p>;
  return (
    <ol className="timeline" aria-label="Timeline" data-testid="timeline">
      {view.timeline.map((e) => {
        const look = KIND_ICON[e.kind] ?? { icon: 'arrow' as const, tone: 'gray' };
        const who = e.participant_id ? (names.get(e.participant_id) ?? 'A participant') : 'Accord';
        return (
          <li key={e.id} className="tl-item" data-kind={e.kind}>
            <span className={`tl-icon tone-${look.tone}`}>
              <Icon name={look.icon} size={12} />
            </span>
            <div className="tl-body">
              <div className="tl-text">
                {describe(e, who)}
                {e.private && (
                  <span className="badge badge-private" title="Only the coordinator and this participant see this event">
                    <Icon name="lock" size={10} /> private
                  </span>
                )}
              </div>
              <time className="tl-time tnum" dateTime={e.at}>
                {dateTime(e.at)}
              </time>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
